"""Registration for activities (issue 18): the form, the confirmation mail through a real
SMTP server, cancellation by a one-time link, places and a waiting list; attendance and head
counts; one person's data exported and erased; the retention command."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import func, select

from knowledgebase import models as m
from knowledgebase.extensions import db
from knowledgebase.services.programmes import registrations
from tests.programme_support import add_activity, cancel_link, person_form, register


def _statuses(app, activity_id: int) -> dict[str, str]:
    with app.app_context():
        return {r.email: r.status for r in db.session.scalars(
            select(m.Registration).where(m.Registration.activity_id == activity_id))}


def test_a_registration_is_confirmed_by_mail_with_a_cancellation_link_that_works_once(mail_app, mailbox):
    trip = add_activity(mail_app)
    client = mail_app.test_client()
    response = register(client, trip, 1, lang="en", needs="Hörselslinga, tack")
    assert response.status_code == 302 and "/en/activities/%d/registered" % trip in response.location
    [message] = mailbox.to("fiktiv.person1@exempel.se")
    assert message["Subject"] == "You are registered: Fiktiv studieresa"
    link = cancel_link(message)
    assert "Press the button" in client.get(link).get_data(as_text=True)  # a GET changes nothing
    assert _statuses(mail_app, trip) == {"fiktiv.person1@exempel.se": "registered"}
    assert client.post(link).status_code == 200
    assert _statuses(mail_app, trip) == {"fiktiv.person1@exempel.se": "cancelled"}
    again = client.post(link)
    assert again.status_code == 404 and "has been used already" in again.get_data(as_text=True)


def test_when_the_places_are_taken_people_wait_and_a_cancellation_gives_the_next_one_the_place(mail_app, mailbox):
    trip = add_activity(mail_app, capacity=2)
    client = mail_app.test_client()
    for number in (1, 2, 3):
        assert register(client, trip, number).status_code == 302
    assert "väntelistan" in mailbox.to("fiktiv.person3@exempel.se")[0]["Subject"]
    assert _statuses(mail_app, trip)["fiktiv.person3@exempel.se"] == "waiting"
    assert "Alla platser är tagna" in client.get(f"/sv/activities/{trip}").get_data(as_text=True)
    client.post(cancel_link(mailbox.to("fiktiv.person1@exempel.se")[0]))
    assert _statuses(mail_app, trip)["fiktiv.person3@exempel.se"] == "registered"
    promoted = mailbox.to("fiktiv.person3@exempel.se")
    assert len(promoted) == 2 and "anmäld" in promoted[1]["Subject"]
    # The promoted person's own link cancels their place; the old one from the waiting mail does not.
    assert client.post(cancel_link(promoted[0])).status_code == 404
    assert client.post(cancel_link(promoted[1])).status_code == 200


@pytest.mark.parametrize("changes, message", [
    ({"consent": ""}, "Agree to the handling"),
    ({"email": "inte-en-adress"}, "name@example.se"),
    ({"sector": "military"}, "Not a valid choice"),
    ({"gender": "x" * 300}, "Not a valid choice"),
    ({"name": ""}, "Fill in this field."),
])
def test_a_registration_with_bad_input_is_refused_with_a_message(mail_app, mailbox, changes, message):
    trip = add_activity(mail_app)
    response = register(mail_app.test_client(), trip, 1, lang="en", **changes)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert _statuses(mail_app, trip) == {} and mailbox.messages == []


def test_registration_is_closed_for_an_activity_that_is_held_or_cancelled(mail_app, mailbox):
    trip = add_activity(mail_app, status="held")
    response = register(mail_app.test_client(), trip, 1)
    assert response.status_code == 409
    assert "Anmälan till den här aktiviteten är stängd." in response.get_data(as_text=True)


def test_the_adviser_sees_needs_marks_attendance_and_enters_head_counts(adviser, mail_app, mailbox):
    trip = add_activity(mail_app)
    client = mail_app.test_client()
    register(client, trip, 1, needs="Behöver hörselslinga")
    register(client, trip, 2)
    public = client.get(f"/sv/activities/{trip}").get_data(as_text=True)
    assert "Behöver hörselslinga" not in public and "Fiktiv Person 1" not in public
    page = adviser.get(f"/admin/activities/{trip}").get_data(as_text=True)
    assert "Behöver hörselslinga" in page and "fiktiv.person2@exempel.se" in page
    with mail_app.app_context():
        first = db.session.scalar(select(m.Registration.id).where(m.Registration.email == "fiktiv.person1@exempel.se"))
    assert adviser.post(f"/admin/activities/{trip}/attendance", data={"present": [str(first), "x", "99999"]}).status_code == 302
    assert adviser.post(f"/admin/activities/{trip}/head-counts",
                        data={"count-public-woman": "3", "count-non_profit-other": "1"}).status_code == 302
    with mail_app.app_context():
        counts = registrations.participant_counts(db.session.get(m.Activity, trip))
    # Person 1 (a woman, private sector) came; person 2 did not.
    assert dict(counts) == {("public", "woman"): 3, ("non_profit", "other"): 1, ("private", "woman"): 1}
    bad = adviser.post(f"/admin/activities/{trip}/head-counts", data={"count-public-woman": "-3"})
    assert bad.status_code == 422


def test_a_persons_data_is_exported_and_erased_and_the_counts_stay(adviser, mail_app, mailbox):
    trip = add_activity(mail_app)
    register(mail_app.test_client(), trip, 1, needs="Teckentolk")
    with mail_app.app_context():
        registration = db.session.scalars(select(m.Registration)).one()
        registration.attended = True
        db.session.commit()
    export = adviser.get("/admin/people/export?email=Fiktiv.Person1@exempel.se")
    data = json.loads(export.data)
    assert data["registrations"][0]["accessibility_needs"] == "Teckentolk"
    assert data["registrations"][0]["name"] == "Fiktiv Person 1" and data["mail_sent"][0]["status"] == "sent"
    assert adviser.post("/admin/people/erase", data={"email": "fiktiv.person1@exempel.se"}).status_code == 302
    with mail_app.app_context():
        assert db.session.scalar(select(func.count(m.Registration.id))) == 0
        assert db.session.scalar(select(func.count(m.ReminderLog.id)).where(
            m.ReminderLog.recipient == "fiktiv.person1@exempel.se")) == 0
        counts = registrations.participant_counts(db.session.get(m.Activity, trip))
    assert dict(counts) == {("private", "woman"): 1}
    assert "Nothing is kept" in adviser.get("/admin/people?email=fiktiv.person1@exempel.se").get_data(as_text=True)
    assert adviser.get("/admin/people?email=%00nonsense").status_code == 400


def test_the_public_cannot_see_the_advisers_pages(mail_app):
    trip = add_activity(mail_app)
    client = mail_app.test_client()
    for path in (f"/admin/activities/{trip}", "/admin/people?email=fiktiv.person1@exempel.se",
                 "/admin/people/export?email=fiktiv.person1@exempel.se"):
        assert client.get(path).status_code == 302  # to the login page


def test_the_retention_command_reduces_old_registrations_to_counts(mail_app, mailbox):
    trip = add_activity(mail_app)
    register(mail_app.test_client(), trip, 1)
    register(mail_app.test_client(), trip, 2)
    with mail_app.app_context():
        activity = db.session.get(m.Activity, trip)
        # Held 13 months ago.
        activity.starts_at = datetime.now(timezone.utc) - timedelta(days=400)
        activity.ends_at = activity.starts_at + timedelta(hours=3)
        activity.status = "held"
        activity.registrations[0].attended = True
        db.session.commit()
    result = mail_app.test_cli_runner().invoke(args=["programmes", "reduce"])
    assert result.exit_code == 0 and "Reduced the registrations of 1 activities" in result.output
    with mail_app.app_context():
        activity = db.session.get(m.Activity, trip)
        assert activity.registrations == [] and activity.reduced_at is not None
        assert dict(registrations.participant_counts(activity)) == {("private", "woman"): 1}
    again = mail_app.test_cli_runner().invoke(args=["programmes", "reduce"])
    assert "of 0 activities" in again.output


def test_recent_registrations_are_kept(mail_app, mailbox):
    trip = add_activity(mail_app)
    register(mail_app.test_client(), trip, 1)
    result = mail_app.test_cli_runner().invoke(args=["programmes", "reduce"])
    assert "of 0 activities" in result.output
    assert len(_statuses(mail_app, trip)) == 1


def test_person_form_is_fictional():
    assert person_form(1)["email"].endswith("@exempel.se")
