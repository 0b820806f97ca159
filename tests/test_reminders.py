"""``flask --app app reminders send [--dry-run]``: enterprises whose facts are due get a
confirmation link (in their language), advisers a digest of their counties; idempotent
within a day, throttled, and a dry run sends nothing. Mail goes to a real SMTP server on
loopback."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from knowledgebase import models as m
from knowledgebase.extensions import db
from knowledgebase.services.curation import suggestions
from knowledgebase.services.upkeep import reminders
from knowledgebase.services.curation.accounts import find_user
from knowledgebase.freshness import months_before
from tests.curation_support import add_entry, add_user, logged_in_client

TODAY = date.today()


def enterprise(app, number: int, **fields) -> int:
    data = {"status": "published", "title": {"sv": f"Fiktiva företaget {number}"},
            "email": f"foretag{number}@example.org", "municipalities": ["0680"],
            "last_verified": months_before(TODAY, 13), **fields}
    return add_entry(app, "enterprise", **data)


def run(app, *args: str):
    result = app.test_cli_runner().invoke(args=["reminders", "send", *args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result


def test_due_enterprises_get_a_link_once_a_day_at_most(mail_app, mailbox):
    due = enterprise(mail_app, 1)
    enterprise(mail_app, 2, last_verified=TODAY)  # fresh
    # Goes stale in 20 days: within the 30 days' lead.
    soon = enterprise(mail_app, 3, last_verified=months_before(TODAY, 12) + timedelta(days=20))
    enterprise(mail_app, 4, email="")  # nobody to ask
    enterprise(mail_app, 5, status="draft")
    first = run(mail_app)
    assert sorted(message["To"] for message in mailbox.messages) == ["foretag1@example.org", "foretag3@example.org"]
    assert "Sent 2, bounced 0, not sent 0." in first.output
    with mail_app.app_context():
        logged = {(row.kind, row.entry_id) for row in db.session.scalars(select(m.ReminderLog))}
        assert logged == {("confirmation", due), ("confirmation", soon)}
    # Idempotent: the same day (and within the interval) nothing new goes out.
    second = run(mail_app)
    assert len(mailbox.messages) == 2
    assert "Sent 0" in second.output


def test_throttled_to_the_limit_per_run(mail_app, mailbox):
    for number in range(1, 6):
        enterprise(mail_app, number)
    mail_app.config["REMINDERS_MAX_PER_RUN"] = 2
    result = run(mail_app)
    assert len(mailbox.messages) == 2
    assert "3 more enterprises are due" in result.output
    run(mail_app)
    run(mail_app, "--limit", "10")
    assert len({message["To"] for message in mailbox.messages}) == 5 and len(mailbox.messages) == 5


def test_dry_run_sends_nothing_and_stores_nothing(mail_app, mailbox):
    enterprise(mail_app, 1)
    result = run(mail_app, "--dry-run")
    assert "would send confirmation to foretag1@example.org" in result.output
    assert "Dry run: nothing was sent (1 messages planned)." in result.output
    assert mailbox.messages == []
    with mail_app.app_context():
        assert db.session.scalars(select(m.ConfirmationRequest)).all() == []
        assert db.session.scalars(select(m.ReminderLog)).all() == []
    run(mail_app)
    assert len(mailbox.messages) == 1


def test_reminders_in_each_recipients_language(mail_app, mailbox):
    swedish = enterprise(mail_app, 1, title={"sv": "Fiktiva Fixarna", "en": "The Fictional Fixers"})
    english = enterprise(mail_app, 2, title={"sv": "Fiktiva Bagarna", "en": "The Fictional Bakers"})
    with mail_app.app_context():
        db.session.add_all([m.EntryUpkeep(entry_id=swedish, lang="sv"), m.EntryUpkeep(entry_id=english, lang="en")])
        db.session.commit()
    run(mail_app)
    [sv] = mailbox.to("foretag1@example.org")
    [en] = mailbox.to("foretag2@example.org")
    assert "Fiktiva Fixarna" in sv["Subject"] and "/sv/confirm/" in sv.get_body(("plain",)).get_content()
    assert en["Subject"] == "Is the information about The Fictional Bakers still right?"
    assert "/en/confirm/" in en.get_body(("plain",)).get_content()
    assert "It is time to check your entry again." in en.get_body(("plain",)).get_content()
    assert '<html lang="en">' in en.get_body(("html",)).get_content()
    assert en["List-Unsubscribe"].startswith("<https://kunskapsbank.example.org/en/unsubscribe/reminders/")


def test_a_refused_recipient_is_a_bounce_and_the_rest_still_go(mail_app, mailbox):
    enterprise(mail_app, 1, email="bounce@example.org", title={"sv": "Fiktiv studs"})
    enterprise(mail_app, 2)
    result = run(mail_app)
    assert [message["To"] for message in mailbox.messages] == ["foretag2@example.org"]
    assert "bounced confirmation to bounce@example.org: 550" in result.output
    with mail_app.app_context():
        [bounce] = db.session.scalars(select(m.ReminderLog).where(m.ReminderLog.status == "bounced")).all()
        assert bounce.recipient == "bounce@example.org" and bounce.detail.startswith("550")
    # Not retried the same day.
    run(mail_app)
    assert len(mailbox.messages) == 1


def test_unreachable_mail_server_fails_the_run_and_logs_nothing(mail_app, mailbox):
    enterprise(mail_app, 1)
    mail_app.config["MAIL_PORT"] = 1  # nothing listens there
    result = run(mail_app)
    assert result.exit_code == 1 and "not sent confirmation to foretag1@example.org" in result.output
    with mail_app.app_context():
        assert db.session.scalars(select(m.ReminderLog)).all() == []
    mail_app.config["MAIL_PORT"] = mailbox.port
    run(mail_app)
    assert len(mailbox.messages) == 1


def test_advisers_get_a_digest_of_their_counties(mail_app, mailbox):
    stale = enterprise(mail_app, 1, title={"sv": "Fiktiv inaktuell"}, email="bounce@example.org")
    enterprise(mail_app, 2, title={"sv": "Fiktiv i Kronoberg"}, municipalities=["0780"])
    adviser_email = add_user(mail_app, "adviser")
    other_email = add_user(mail_app, "adviser")  # chose no counties: no digest
    with mail_app.app_context():
        suggestions.create_suggestion("correction", "sv", db.session.get(m.Entry, stale), field="contact",
                                      message="Fel telefonnummer.")
        # Yesterday's request bounced (and today's is not due again yet).
        db.session.add(m.ReminderLog(kind="confirmation", recipient="bounce@example.org", entry_id=stale,
                                     sent_on=TODAY - timedelta(days=1), status="bounced", detail="550 No such mailbox"))
        reminders.set_digest(find_user(adviser_email), ["06"], "en")
        db.session.commit()
    run(mail_app)
    [digest] = mailbox.to(adviser_email)
    assert mailbox.to(other_email) == []
    assert digest["Subject"] == "What needs checking in your counties"
    body = digest.get_body(("plain",)).get_content()
    assert "Jönköpings län" in body and "Fiktiv inaktuell" in body and "Fiktiv i Kronoberg" not in body
    assert "1 suggestion is waiting" in body
    assert "bounce@example.org" in body and "550 No such mailbox" in body
    assert f"https://kunskapsbank.example.org/admin/entries/{stale}" in body
    assert digest["List-Unsubscribe"].startswith("<https://kunskapsbank.example.org/en/unsubscribe/digest/")
    # Once per interval.
    run(mail_app)
    assert len(mailbox.to(adviser_email)) == 1


def test_advisers_choose_their_digest_counties(mail_app):
    adviser = logged_in_client(mail_app, "adviser")
    adviser.post("/auth/language", data={"lang": "en"})
    page = adviser.get("/admin/upkeep").get_data(as_text=True)
    assert "My digest" in page
    response = adviser.post("/admin/upkeep/digest", data={"digest-counties": ["06", "07"], "digest-lang": "sv"})
    assert response.status_code == 302
    with mail_app.app_context():
        [choice] = db.session.scalars(select(m.AdviserDigest)).all()
        assert choice.counties == ["06", "07"]
    response = adviser.post("/admin/upkeep/digest", data={"digest-counties": ["99"]}, follow_redirects=True)
    assert response.status_code == 200 and "Choose counties from the list." in response.get_data(as_text=True)
    with mail_app.app_context():
        assert db.session.scalars(select(m.AdviserDigest.counties)).one() == ["06", "07"]
    contributor = logged_in_client(mail_app, "contributor")
    assert contributor.post("/admin/upkeep/digest", data={"digest-counties": ["06"]}).status_code == 403
