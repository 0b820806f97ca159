"""Keeping it true, on the public site: provenance and freshness in templates, the
enterprises' confirmation form (a one-time link, no account), unsubscribing, e-mail alerts,
and "report outdated information"."""

from __future__ import annotations

from datetime import date

from flask import abort, current_app, flash, g, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from knowledgebase import inputs
from knowledgebase import models as m
from knowledgebase.admin.links import changes_review_url
from knowledgebase.content_types import BY_KEY
from knowledgebase.extensions import csrf, db, limiter
from knowledgebase.models.base import now_utc
from knowledgebase.public.blueprint import bp
from knowledgebase.forms import options
from knowledgebase.public.upkeep_forms import AlertForm, ConfirmForm, ReportOutdatedForm
from knowledgebase.services.content import taxonomy
from knowledgebase.services.curation import suggestions
from knowledgebase.services.upkeep import alerts, confirmations, outbox
from knowledgebase.services.content import entries as entry_service
from knowledgebase.services.curation.revisions import current_data
from knowledgebase.services.content.serialization import FieldError


def no_store(response):
    """Pages reached through a private link: never cached, never sent on as a referrer."""
    response = make_response(response)
    response.headers["Cache-Control"] = "no-store, private"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


# -- confirming an entry ------------------------------------------------------------------

def form_counties(entry: m.Entry) -> list[m.County]:
    """The region's counties, and those of any municipality the entry names outside it."""
    counties = taxonomy.region_counties()
    outside = {mu.county_code for mu in entry.municipalities} - {c.code for c in counties}
    return counties + [c for c in taxonomy.counties_with_municipalities() if c.code in outside]


def _confirm_form(entry: m.Entry) -> ConfirmForm:
    if request.method == "POST":
        form = ConfirmForm()
    else:
        data = ConfirmForm.values_from(current_data(entry))
        form = ConfirmForm(data={**data, "contact_lang": confirmations.upkeep_for(entry).lang})
    form.load_choices(list(db.session.scalars(select(m.LegalForm).order_by(m.LegalForm.name_sv))),
                      taxonomy.service_categories_by_name(),
                      form_counties(entry), g.lang)
    return form


def _render_confirm(entry, form, status=200, extra_errors=()):
    groups = [(county.name, [(mu.code, mu.name) for mu in county.municipalities])
              for county in form_counties(entry)]
    return no_store((render_template("public/confirm.html", entry=entry, form=form, municipality_groups=groups,
                                     extra_errors=extra_errors), status))


@bp.route("/confirm/<int:entry_id>/<token>", methods=["GET", "POST"])
def confirm_entry(entry_id: int, token: str):
    """The enterprise's own entry as a form: confirm it all in one click, or send changes."""
    now = now_utc()
    try:
        request_row = confirmations.find_request(entry_id, token, now)
    except confirmations.LinkUnknown:
        abort(404)
    except confirmations.LinkClosed as exc:
        return no_store((render_template("public/confirm_closed.html", message=exc.message), 410))
    entry = request_row.entry
    form = _confirm_form(entry)
    if request.method == "GET":
        return _render_confirm(entry, form)
    confirmations.set_language(request_row, form.contact_lang.data)
    if form.confirm_all.data:
        confirmations.confirm_everything(request_row, date.today(), now)
        db.session.commit()
        return redirect(url_for("public.confirm_done"))
    if not form.validate():
        db.session.rollback()
        return _render_confirm(entry, form, 422)
    try:
        suggestion = confirmations.submit_changes(request_row, form.to_data(), date.today(), now,
                                                  changes_review_url, form.message.data or "")
    except FieldError as exc:
        db.session.rollback()
        name = exc.field if exc.field in ConfirmForm.FACT_FIELDS else None
        return _render_confirm(entry, form, 422, [(name, exc.message)])
    db.session.commit()
    return redirect(url_for("public.confirm_done", changes=1 if suggestion else None))


@bp.route("/confirm/done")
def confirm_done():
    return render_template("public/confirm_done.html", changes=inputs.arg_text("changes") == "1")


# -- unsubscribing (no account; the link carries an HMAC) ---------------------------------

def _unsubscribe_target(kind: str, row_id: int):
    model = {"reminders": m.EntryUpkeep, "alerts": m.AlertSubscription, "digest": m.AdviserDigest,
             "needs": m.EntryUpkeep}.get(kind)
    return db.session.get(model, row_id) if model else None


@bp.route("/unsubscribe/<kind>/<int:row_id>/<token>", methods=["GET", "POST"])
@csrf.exempt  # mail programs post here directly (RFC 8058); the token is the proof
def unsubscribe(kind: str, row_id: int, token: str):
    """GET asks (link scanners must not unsubscribe anyone); POST unsubscribes."""
    target = _unsubscribe_target(kind, row_id)
    if target is None or not outbox.check_unsubscribe_token(kind, row_id, target.salt, token):
        abort(404)
    if request.method == "GET":
        return no_store(render_template("public/alerts_unsubscribe.html", kind=kind, done=False))
    if kind == "reminders":
        target.reminders_off_at = target.reminders_off_at or now_utc()
    elif kind == "needs":
        target.needs_off_at = target.needs_off_at or now_utc()
    elif kind == "alerts":
        alerts.unsubscribe(target, now_utc())
    else:
        target.counties = []
    db.session.commit()
    return no_store(render_template("public/alerts_unsubscribe.html", kind=kind, done=True))


# -- e-mail alerts ------------------------------------------------------------------------

def _alert_form() -> AlertForm:
    form = AlertForm()
    form.municipality.choices = options([("", _("– None –"))] + [
        (mu.code, f"{mu.name} ({county.name})")
        for county in taxonomy.region_counties() for mu in county.municipalities])
    form.theme.choices = options([("", _("– None –"))] + [
        (str(t.number), _("Theme %(number)s: %(name)s", number=t.number, name=t.name(g.lang)))
        for t in taxonomy.themes()])
    form.service.choices = options([("", _("– None –"))] + [
        (c.slug, c.name(g.lang)) for c in taxonomy.service_categories()])
    if request.method == "GET":
        form.municipality.data = inputs.arg_text("municipality", 10)
        form.theme.data = inputs.arg_text("theme", 10)
        form.topic.data = inputs.arg_choice("topic", ("entries", "needs"), "entries")
    if form.topic.data == "needs":
        form.theme.choices = options([("", _("– None –"))])
    return form


@bp.route("/alerts", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["ALERTS_LIMIT"], methods=["POST"])
def alerts_subscribe():
    """Subscribe to e-mail about new entries in a municipality or a theme, or (``topic=needs``)
    about buyers' needs in a municipality or for a service (double opt-in)."""
    form = _alert_form()
    if not form.validate_on_submit():
        return render_template("public/alerts.html", form=form), 422 if request.method == "POST" else 200
    if form.homepage.data:
        return redirect(url_for("public.alerts_sent"))
    needs = form.topic.data == "needs"
    outgoing = alerts.subscribe(form.email.data, g.lang, now_utc(), form.municipality.data or None,
                                int(form.theme.data) if form.theme.data and not needs else None,
                                form.service.data or None if needs else None, form.topic.data)
    db.session.commit()
    if outgoing is not None:
        delivery = outbox.deliver([outgoing], date.today())
        db.session.commit()
        if delivery.failed:
            flash(_("We could not send the e-mail just now. Try again in a while."), "error")
            return render_template("public/alerts.html", form=form), 503
    # The same answer whether or not the address already follows this.
    return redirect(url_for("public.alerts_sent"))


@bp.route("/alerts/sent")
def alerts_sent():
    return render_template("public/alerts_sent.html")


@bp.route("/alerts/confirm/<token>", methods=["GET", "POST"])
def alerts_confirm(token: str):
    """GET asks; POST activates the subscription (link scanners only ever GET)."""
    if request.method == "GET":
        return no_store(render_template("public/alerts_confirm.html", done=False, error=None))
    try:
        subscription = alerts.confirm(token, now_utc())
    except alerts.AlertError as exc:
        db.session.rollback()
        return no_store((render_template("public/alerts_confirm.html", done=False, error=exc.message), 410))
    db.session.commit()
    return no_store(render_template("public/alerts_confirm.html", done=True, error=None,
                                    topic=alerts.topic_label(subscription, g.lang)))


# -- report outdated information ----------------------------------------------------------

def _published_entry_arg() -> m.Entry:
    ct = BY_KEY.get(inputs.arg_text("type"))
    entry = entry_service.get_published(ct, inputs.arg_text("slug")) if ct else None
    return entry or abort(404)


@bp.route("/report-outdated", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["SUGGEST_LIMIT"], methods=["POST"])
def report_outdated():
    """"Report outdated information" on an entry: into the advisers' suggestion queue."""
    entry = _published_entry_arg()
    if request.method == "GET" and inputs.arg_text("sent") == "1":
        return render_template("public/confirm_report.html", form=None, entry=entry, sent=True)
    form = ReportOutdatedForm()
    if not form.validate_on_submit():
        status = 422 if request.method == "POST" else 200
        return render_template("public/confirm_report.html", form=form, entry=entry, sent=False), status
    # A robot that filled the trap gets the same answer, and nothing is saved.
    if not form.homepage.data:
        text = (form.message.data or "").strip()
        suggestions.create_suggestion(
            "correction", g.lang, entry, field=form.field.data,
            message=_("Reported as out of date.") + ("\n\n" + text if text else ""),
            sender_email=form.sender_email.data or "")
        db.session.commit()
    return redirect(url_for("public.report_outdated", type=entry.type, slug=entry.slug, sent=1))
