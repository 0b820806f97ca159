"""The programme's public pages: the activity calendar with its iCalendar feeds, an
activity's page with its registration form, cancelling by the link in the mail, and each
programme's follow-up against its targets."""

from __future__ import annotations

from datetime import date, datetime, timezone

from flask import Response, abort, current_app, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _

from knowledgebase import inputs
from knowledgebase.extensions import db, limiter
from knowledgebase.public.blueprint import bp
from knowledgebase.public.programme_forms import RegistrationForm
from knowledgebase.public.upkeep_views import no_store
from knowledgebase.services.content import taxonomy
from knowledgebase.services.programmes import activities, calendar, catalogue, followup, registrations
from knowledgebase.services.upkeep import outbox
from knowledgebase.services.programmes.labels import ARRANGEMENT_LABELS, KIND_LABELS, STATUS_LABELS
from knowledgebase.urls import activity_page_url, base_host


def calendar_filters() -> activities.CalendarFilters:
    return inputs.parsed(activities.parse_filters, request.args)


def now() -> datetime:
    return datetime.now(timezone.utc)


@bp.route("/activities/")
def activity_calendar():
    """Upcoming seminars, courses, study trips and network meetings, by county, theme and kind."""
    filters = calendar_filters()
    return render_template("public/activity_calendar.html", activities=activities.upcoming(filters, now()),
                           filters=filters, themes=taxonomy.themes(), counties=taxonomy.region_counties(),
                           kind_labels=KIND_LABELS, arrangement_labels=ARRANGEMENT_LABELS)


@bp.route("/activities.ics")
def activity_feed():
    """The calendar (with the same filters) as an iCalendar feed."""
    filters = calendar_filters()
    body = calendar.ical_feed(activities.upcoming(filters, now()), name=_("Activities: social enterprise knowledge base"),
                              lang=g.lang, url_of=lambda activity: activity_page_url(activity.id, g.lang),
                              host=base_host(current_app.config["BASE_URL"]), now=now())
    return Response(body, mimetype="text/calendar", headers={"Content-Disposition": 'inline; filename="activities.ics"'})


@bp.route("/activities/<int:activity_id>")
def activity_detail(activity_id: int):
    """An activity: what, when, where, the arrangements offered."""
    activity = activities.get(activity_id) or abort(404)
    return _render_activity(activity, RegistrationForm())


def _render_activity(activity, form: RegistrationForm, status: int = 200):
    return render_template("public/activity_detail.html", activity=activity, form=form, kind_labels=KIND_LABELS,
                           status_labels=STATUS_LABELS, arrangement_labels=ARRANGEMENT_LABELS,
                           open=registrations.is_open(activity, now()), places_left=registrations.places_left(activity),
                           retention_months=current_app.config["REGISTRATION_RETENTION_MONTHS"]), status


@bp.route("/activities/<int:activity_id>/register", methods=["POST"])
@limiter.limit(lambda: current_app.config["REGISTRATION_LIMIT"], methods=["POST"])
def activity_register(activity_id: int):
    """Register for an activity; a confirmation mail with a cancellation link follows."""
    activity = activities.get(activity_id) or abort(404)
    form = RegistrationForm()
    if not form.validate_on_submit():
        return _render_activity(activity, form, 422)
    if form.homepage.data:  # a robot: answer as usual, keep nothing
        return redirect(url_for("public.registration_sent", activity_id=activity.id))
    try:
        registration, outgoing = registrations.register(activity, form.person(), g.lang, now())
    except registrations.RegistrationError as exc:
        db.session.rollback()
        flash(str(exc.message), "error")
        return _render_activity(activity, form, 409)
    waiting = registration.status == "waiting"
    db.session.commit()
    delivery = outbox.deliver([outgoing], date.today())
    db.session.commit()
    if delivery.failed or delivery.bounced:
        flash(_("You are registered, but we could not send the confirmation e-mail. "
                "Contact the organiser if you need to cancel."), "error")
    return redirect(url_for("public.registration_sent", activity_id=activity.id, waiting=int(waiting)))


@bp.route("/activities/<int:activity_id>/registered")
def registration_sent(activity_id: int):
    activity = activities.get(activity_id) or abort(404)
    return render_template("public/registration_sent.html", activity=activity, waiting=inputs.arg_flag("waiting"))


@bp.route("/registrations/<int:registration_id>/cancel/<token>", methods=["GET", "POST"])
def registration_cancel(registration_id: int, token: str):
    """GET asks; POST cancels (link scanners only ever GET). The link works once."""
    if request.method == "GET":
        return no_store(render_template("public/registration_cancel.html", done=False, error=None))
    try:
        _registration, outgoing = registrations.cancel(registration_id, token)
    except registrations.RegistrationError as exc:
        db.session.rollback()
        return no_store(render_template("public/registration_cancel.html", done=False, error=exc.message)), 404
    db.session.commit()
    if outgoing is not None:
        outbox.deliver([outgoing], date.today())
        db.session.commit()
    return no_store(render_template("public/registration_cancel.html", done=True, error=None))


@bp.route("/programmes/")
def programme_index():
    """The programmes whose progress the site follows."""
    return render_template("public/programme_index.html", programmes=catalogue.all_programmes())


@bp.route("/programmes/<slug>")
def programme_followup(slug: str):
    """A programme's progress against each of its targets, in charts and tables (no group of
    fewer than five people shown)."""
    programme = catalogue.by_slug(slug) or abort(404)
    return render_template("public/programme_followup.html", programme=programme,
                           views=followup.progress(programme, public=True), min_group=followup.MIN_GROUP)
