"""Helpers for the programme follow-up tests: the seeded programme, a study trip created as
an adviser would, fictional registrants."""

from __future__ import annotations

from datetime import date, timedelta

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


def day_after(day: date) -> date:
    return day + timedelta(days=1)


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
