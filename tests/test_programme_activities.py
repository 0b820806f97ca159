"""Activities of a programme (issue 18): advisers plan them, the public calendar shows the
upcoming ones with filters and iCalendar feeds, and the theme, package and place pages list them."""

from __future__ import annotations

from datetime import datetime, timezone

import icalendar
import pytest

from knowledgebase import models as m
from knowledgebase.extensions import db
from tests.programme_support import SEEDED, TRIP_DAY, create_study_trip, study_trip_form


def test_an_adviser_plans_a_study_trip_in_swedish_time(adviser, mail_app):
    trip = create_study_trip(adviser, mail_app)
    with mail_app.app_context():
        activity = db.session.get(m.Activity, trip)
        starts = activity.starts_at.replace(tzinfo=activity.starts_at.tzinfo or timezone.utc)
        # 09:00 in Stockholm in June (CEST) is 07:00 UTC.
        assert starts == datetime(TRIP_DAY.year, 6, 10, 7, 0, tzinfo=timezone.utc)
        assert (activity.kind, activity.theme_number, activity.package_code) == ("study_trip", 3, "3.1")
        assert activity.municipality.county_code == "08"
        assert activity.arrangements == ["hearing_loop", "smoke_free"]
    page = adviser.get(f"/admin/programmes/{SEEDED}/activities").get_data(as_text=True)
    assert "Fiktiv studieresa" in page


@pytest.mark.parametrize("changes, message", [
    ({"package_code": "1.1"}, "Choose a competence package of the activity"),
    ({"ends": "08:00"}, "The activity ends after it starts."),
    ({"municipality_code": ""}, "Give the municipality, or say that the activity is online."),
    ({"kind": "party"}, "Not a valid choice"),
    ({"day": "2027-02-30"}, "Not a valid date value"),
])
def test_an_activity_that_does_not_add_up_is_refused_with_a_message(adviser, mail_app, changes, message):
    response = adviser.post(f"/admin/programmes/{SEEDED}/activities/new", data=study_trip_form(**changes))
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    with mail_app.app_context():
        assert db.session.scalar(db.select(db.func.count(m.Activity.id))) == 0


def test_the_calendar_shows_upcoming_activities_with_filters_in_both_languages(adviser, mail_app):
    create_study_trip(adviser, mail_app)
    create_study_trip(adviser, mail_app, kind="seminar", title_sv="Fiktivt seminarium i Jönköping",
                      title_en="Fictional seminar in Jönköping", municipality_code="0680", theme_number="1",
                      package_code="")
    client = mail_app.test_client()
    sv = client.get("/sv/activities/").get_data(as_text=True)
    assert "Fiktiv studieresa" in sv and "Fiktivt seminarium" in sv and "Hörselslinga" in sv
    en = client.get("/en/activities/?county=08").get_data(as_text=True)
    assert "Fictional study trip" in en and "Fictional seminar" not in en and "Hearing loop" in en
    assert "Fictional seminar" in client.get("/en/activities/?kind=seminar&theme=1").get_data(as_text=True)
    assert "Fictional study trip" not in client.get("/en/activities/?kind=seminar").get_data(as_text=True)


@pytest.mark.parametrize("query", ["county=99", "county=%00", "theme=4", "theme=x", "kind=party", "theme=1e9"])
def test_a_calendar_filter_that_names_nothing_is_a_clear_400(mail_app, query):
    for path in ("/en/activities/", "/en/activities.ics"):
        response = mail_app.test_client().get(f"{path}?{query}")
        assert response.status_code == 400


def test_the_icalendar_feed_per_filter_parses_back(adviser, mail_app):
    trip = create_study_trip(adviser, mail_app)
    create_study_trip(adviser, mail_app, kind="seminar", title_sv="Fiktivt seminarium", municipality_code="0680")
    response = mail_app.test_client().get("/en/activities.ics?county=08&kind=study_trip")
    assert response.status_code == 200 and response.mimetype == "text/calendar"
    calendar = icalendar.Calendar.from_ical(response.data)
    events = list(calendar.walk("VEVENT"))
    assert len(events) == 1
    event = events[0]
    assert str(event["summary"]) == "Fictional study trip to social enterprises in Kalmar (Study trip)"
    assert event.decoded("dtstart") == datetime(TRIP_DAY.year, 6, 10, 7, 0, tzinfo=timezone.utc)
    assert event.decoded("dtend") == datetime(TRIP_DAY.year, 6, 10, 14, 30, tzinfo=timezone.utc)
    assert str(event["location"]) == "Fiktiva gatan 1, Kalmar"
    assert str(event["url"]) == f"https://kunskapsbank.example.org/en/activities/{trip}"
    assert "Hearing loop" in str(event["description"])
    assert str(event["uid"]) == f"activity-{trip}@kunskapsbank.example.org"


def test_upcoming_activities_appear_on_their_theme_package_and_place_pages(adviser, mail_app):
    create_study_trip(adviser, mail_app)
    client = mail_app.test_client()
    for path in ("/sv/themes/3", "/sv/themes/3/1", "/sv/municipalities/0880", "/sv/counties/08"):
        page = client.get(path).get_data(as_text=True)
        assert "Fiktiv studieresa" in page, path
    for path in ("/sv/themes/1", "/sv/themes/3/2", "/sv/municipalities/0680", "/sv/counties/06"):
        assert "Fiktiv studieresa" not in client.get(path).get_data(as_text=True), path


def test_a_cancelled_activity_leaves_the_calendar(adviser, mail_app):
    trip = create_study_trip(adviser, mail_app)
    response = adviser.post(f"/admin/activities/{trip}/edit", data=study_trip_form(status="cancelled"))
    assert response.status_code == 302
    assert "Fiktiv studieresa" not in mail_app.test_client().get("/sv/activities/").get_data(as_text=True)
    assert mail_app.test_client().get(f"/sv/activities/{trip}").status_code == 200
