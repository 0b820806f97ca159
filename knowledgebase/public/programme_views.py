"""The programme's public pages: the activity calendar with its iCalendar feeds and an
activity's page (where people register)."""

from __future__ import annotations

from datetime import datetime, timezone

from flask import Response, abort, current_app, g, render_template, request
from flask_babel import gettext as _

from knowledgebase import inputs
from knowledgebase.public.blueprint import bp
from knowledgebase.services.content import taxonomy
from knowledgebase.services.programmes import activities, calendar
from knowledgebase.services.programmes.labels import ARRANGEMENT_LABELS, KIND_LABELS, STATUS_LABELS
from knowledgebase.urls import activity_page_url, base_host


def calendar_filters() -> activities.CalendarFilters:
    try:
        return activities.parse_filters(request.args)
    except inputs.BadInput as exc:
        inputs.refuse(exc)


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
    return render_template("public/activity_detail.html", activity=activity, kind_labels=KIND_LABELS,
                           status_labels=STATUS_LABELS, arrangement_labels=ARRANGEMENT_LABELS)
