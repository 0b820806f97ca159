"""Helpers for the programme follow-up tests: the seeded programme, a study trip created as
an adviser would, fictional registrants."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from knowledgebase import models as m
from knowledgebase.extensions import db

SEEDED = "social-ekonomi-for-okad-valfard"
# Far enough ahead to be upcoming whenever the tests run; a summer day (CEST, UTC+2).
TRIP_DAY = date(date.today().year + 2, 6, 10)


def study_trip_form(**changes: str) -> dict:
    """The adviser's form for a study trip in Kalmar (Kalmar län), theme 3, package 3.1."""
    form = {"kind": "study_trip", "status": "planned", "title_sv": "Fiktiv studieresa till sociala företag i Kalmar",
            "title_en": "Fictional study trip to social enterprises in Kalmar",
            "description_sv": "Påhittad resa för tester.", "description_en": "A made-up trip for tests.",
            "theme_number": "3", "package_code": "3.1", "day": TRIP_DAY.isoformat(), "starts": "09:00",
            "ends": "16:30", "municipality_code": "0880", "address": "Fiktiva gatan 1",
            "organiser": "Fiktiv arrangör", "arrangements": ["hearing_loop", "smoke_free"], "registration": "y"}
    form.update(changes)
    return form


def create_study_trip(adviser, app, **changes: str) -> int:
    """Create the study trip through the admin form; returns its id."""
    response = adviser.post(f"/admin/programmes/{SEEDED}/activities/new", data=study_trip_form(**changes))
    assert response.status_code == 302, response.get_data(as_text=True)
    with app.app_context():
        return db.session.scalars(select(m.Activity.id).order_by(m.Activity.id.desc())).first()


def add_activity(app, **changes) -> int:
    """An upcoming study trip of the seeded programme, made through the service; returns its id."""
    from datetime import time

    from knowledgebase.services.programmes import activities, catalogue

    values = dict(kind="study_trip", status="planned", title_sv="Fiktiv studieresa", title_en="", description_sv="",
                  description_en="", theme_number=3, package_code="3.1", day=TRIP_DAY, starts=time(9),
                  ends=time(16), municipality_code="0880", address="", online=False, organiser="Fiktiv arrangör",
                  arrangements=["hearing_loop"], capacity=None, registration=True)
    values.update(changes)
    with app.app_context():
        activity = activities.save_activity(catalogue.by_slug(SEEDED), activities.ActivityValues(**values))
        db.session.commit()
        return activity.id


def person_form(number: int, **changes: str) -> dict:
    """A fictional registrant's form; odd numbers are women, even men."""
    form = {"name": f"Fiktiv Person {number}", "email": f"fiktiv.person{number}@exempel.se",
            "organisation": f"Fiktiva organisationen {number}", "sector": ("public", "private", "non_profit")[number % 3],
            "gender": "woman" if number % 2 else "man", "needs": "", "consent": "y"}
    form.update(changes)
    return form


def register(client, activity_id: int, number: int, lang: str = "sv", **changes: str):
    return client.post(f"/{lang}/activities/{activity_id}/register", data=person_form(number, **changes))


def cancel_link(message) -> str:
    """The path of the cancellation link in a confirmation mail."""
    import re

    text = message.get_body(("plain",)).get_content()
    url = re.search(r"https?://\S+/registrations/\d+/cancel/\S+", text).group(0)
    return url.split("kunskapsbank.example.org", 1)[1]


def add_network(app) -> int:
    """A network of the seeded programme in Kalmar län with one member; returns its id."""
    from knowledgebase.services.programmes import catalogue, networks

    with app.app_context():
        network = networks.save_network(catalogue.by_slug(SEEDED), networks.NetworkValues(
            "Fiktivt nätverk", date(2009, 10, 1), "08", "", "Kalmar: Fiktiva föreningen"))
        db.session.commit()
        return network.id


# The programme's admin routes for the permission matrix (tests/test_admin.py): the name, the
# method, the path from the set-up ids, the set-up, the form and whether it posts.
def matrix_cases(case, counter):
    """``case`` is test_admin.Case; ``counter`` gives fresh numbers for unique slugs."""
    activity = lambda app: {"activity": add_activity(app)}  # noqa: E731
    network = lambda app: {"network": add_network(app)}  # noqa: E731
    get, post = (403, 200, 200), (403, 302, 302)
    base = f"/admin/programmes/{SEEDED}"
    programme = {"slug": "", "name_sv": "Fiktivt program", "starts_on": "2027-01-01", "ends_on": "2027-12-31",
                 "counties": ["08"], "themes": ["3"], "participants_training": "10"}
    return [
        case("programmes", "GET", lambda app, ids: "/admin/programmes/", expected=get),
        case("new programme form", "GET", lambda app, ids: "/admin/programmes/new", expected=get),
        case("create a programme", "POST", lambda app, ids: "/admin/programmes/new",
             data=lambda app, ids: dict(programme, slug=f"fiktivt-program-{next(counter)}"), expected=post),
        case("programme activities", "GET", lambda app, ids: f"{base}/activities", expected=get),
        case("new activity form", "GET", lambda app, ids: f"{base}/activities/new", expected=get),
        case("plan an activity", "POST", lambda app, ids: f"{base}/activities/new",
             data=lambda app, ids: study_trip_form(), expected=post),
        case("activity", "GET", lambda app, ids: f"/admin/activities/{ids['activity']}", activity, expected=get),
        case("edit an activity", "POST", lambda app, ids: f"/admin/activities/{ids['activity']}/edit", activity,
             data=lambda app, ids: study_trip_form(status="held"), expected=post),
        case("mark attendance", "POST", lambda app, ids: f"/admin/activities/{ids['activity']}/attendance",
             activity, expected=post),
        case("head counts", "POST", lambda app, ids: f"/admin/activities/{ids['activity']}/head-counts", activity,
             data=lambda app, ids: {"count-public-woman": "5"}, expected=post),
        case("networks", "GET", lambda app, ids: f"{base}/networks", expected=get),
        case("record a network", "POST", lambda app, ids: f"{base}/networks/new",
             data=lambda app, ids: {"name": "Fiktivt nätverk", "started_on": "2009-10-01", "county_code": "08",
                                    "entry_slug": "", "members": "Kalmar: Fiktiva föreningen"}, expected=post),
        case("edit a network", "GET", lambda app, ids: f"/admin/networks/{ids['network']}/edit", network,
             expected=get),
        case("follow-up for advisers", "GET", lambda app, ids: f"{base}/followup", expected=get),
        case("funder's export (CSV)", "GET", lambda app, ids: f"{base}/export.csv", expected=get),
        case("funder's export (XLSX)", "GET", lambda app, ids: f"{base}/export.xlsx", expected=get),
        case("a person's data", "GET", lambda app, ids: "/admin/people?email=fiktiv@exempel.se", expected=get),
        case("a copy of a person's data", "GET", lambda app, ids: "/admin/people/export?email=fiktiv@exempel.se",
             expected=get),
        case("erase a person", "POST", lambda app, ids: "/admin/people/erase",
             data=lambda app, ids: {"email": "fiktiv@exempel.se"}, expected=post),
    ]


# The programme's state-changing routes, for the CSRF checks (tests/curation_support.py).
STATE_CHANGING_ROUTES = {
    "public.activity_register": "/sv/activities/1/register",
    "public.registration_cancel": "/sv/registrations/1/cancel/not-a-token",
    "admin.programme_form": "/admin/programmes/new",
    "admin.activity_new": f"/admin/programmes/{SEEDED}/activities/new",
    "admin.activity_edit": "/admin/activities/1/edit",
    "admin.activity_attendance": "/admin/activities/1/attendance",
    "admin.activity_head_counts": "/admin/activities/1/head-counts",
    "admin.network_new": f"/admin/programmes/{SEEDED}/networks/new",
    "admin.network_edit": "/admin/networks/1/edit",
    "admin.person_erase": "/admin/people/erase",
}
