"""E-mail alerts for a municipality or a theme: double opt-in, hashed tokens, an alert when a
new entry there is published (from the publishing view, and caught up by ``reminders
send``), and an unsubscribe link in every alert."""

from __future__ import annotations

import hashlib
import re
from datetime import timedelta

from sqlalchemy import select

from knowledgebase import models as m
from knowledgebase.extensions import db
from knowledgebase.models.base import now_utc
from tests.curation_support import accessibility_problems, add_entry, entry_state, logged_in_client

BASE = "https://kunskapsbank.example.org"


def link(message, pattern: str) -> str:
    found = re.search(re.escape(BASE) + r"(/(?:sv|en)/" + pattern + r"[A-Za-z0-9_=/-]+)",
                      message.get_body(("plain",)).get_content())
    assert found, message.get_body(("plain",)).get_content()
    return found.group(1)


def subscribe(app, mailbox, email: str = "lasare@example.org", lang: str = "sv", **choice) -> str:
    """Subscribe and confirm; returns the confirmation link that was used."""
    client = app.test_client()
    response = client.post(f"/{lang}/alerts", data={"email": email, **choice})
    assert response.status_code == 302, response.get_data(as_text=True)
    confirm = link(mailbox.to(email)[-1], "alerts/confirm/")
    assert client.post(confirm).status_code == 200
    return confirm


def publish(app, entry_id: int):
    adviser = logged_in_client(app, "adviser")
    adviser.post("/auth/language", data={"lang": "en"})
    version = entry_state(app, entry_id).version
    return adviser.post(f"/admin/entries/{entry_id}/status", data={"action": "publish", "version": str(version)},
                        follow_redirects=True)


def test_double_opt_in_with_hashed_single_use_tokens(mail_app, mailbox):
    client = mail_app.test_client()
    page = client.get("/sv/alerts?municipality=0685").get_data(as_text=True)
    assert accessibility_problems(page) == []
    assert '<option selected value="0685">' in page or 'value="0685" selected' in page
    response = client.post("/sv/alerts", data={"email": "Lasare@Example.org", "municipality": "0685"})
    assert response.status_code == 302 and response.headers["Location"].endswith("/sv/alerts/sent")
    [message] = mailbox.messages
    assert message["To"] == "lasare@example.org"
    assert "Vetlanda" in message["Subject"]
    confirm = link(message, "alerts/confirm/")
    token = confirm.rsplit("/", 1)[1]
    with mail_app.app_context():
        subscription = db.session.scalars(select(m.AlertSubscription)).one()
        assert subscription.confirm_hash == hashlib.sha256(token.encode()).hexdigest()
        for table in db.metadata.sorted_tables:
            for row in db.session.execute(select(table)):
                assert token not in repr(tuple(row)), table.name
        assert not subscription.is_active
    # A GET (a link scanner) does not confirm.
    assert "Start the alerts" in client.get(confirm.replace("/sv/", "/en/", 1)).get_data(as_text=True)
    with mail_app.app_context():
        assert not db.session.scalars(select(m.AlertSubscription)).one().is_active
    done = client.post(confirm)
    assert done.status_code == 200 and "Vetlanda" in done.get_data(as_text=True)
    with mail_app.app_context():
        subscription = db.session.scalars(select(m.AlertSubscription)).one()
        assert subscription.is_active and subscription.confirm_hash == ""
    assert client.post(confirm).status_code == 410


def test_subscribing_twice_sends_nothing_new_and_says_the_same(mail_app, mailbox):
    subscribe(mail_app, mailbox, municipality="0685")
    response = mail_app.test_client().post("/sv/alerts", data={"email": "lasare@example.org", "municipality": "0685"})
    assert response.headers["Location"].endswith("/sv/alerts/sent")
    assert len(mailbox.messages) == 1


def test_confirmation_links_expire(mail_app, mailbox):
    client = mail_app.test_client()
    client.post("/en/alerts", data={"email": "lasare@example.org", "theme": "2"})
    confirm = link(mailbox.messages[0], "alerts/confirm/")
    assert "Theme 2" in mailbox.messages[0]["Subject"]
    with mail_app.app_context():
        db.session.scalars(select(m.AlertSubscription)).one().created_at = now_utc() - timedelta(days=8)
        db.session.commit()
    response = client.post(confirm)
    assert response.status_code == 410 and "expired" in response.get_data(as_text=True)


def test_the_form_wants_one_choice_and_a_valid_address(mail_app, mailbox):
    client = mail_app.test_client()
    assert client.post("/sv/alerts", data={"email": "lasare@example.org"}).status_code == 422
    assert client.post("/sv/alerts", data={"email": "lasare@example.org", "municipality": "0685",
                                           "theme": "1"}).status_code == 422
    response = client.post("/sv/alerts", data={"email": "inte en adress", "municipality": "0685"})
    assert response.status_code == 422 and 'href="#email"' in response.get_data(as_text=True)
    assert client.post("/sv/alerts", data={"email": "robot@example.org", "municipality": "0685",
                                           "homepage": "spam"}).status_code == 302
    assert mailbox.messages == []


def test_publishing_alerts_subscribers_of_the_place_once(mail_app, mailbox):
    subscribe(mail_app, mailbox, "vetlanda@example.org", municipality="0685")
    subscribe(mail_app, mailbox, "tema@example.org", lang="en", theme="1")
    subscribe(mail_app, mailbox, "vaxjo@example.org", municipality="0780")
    mailbox.clear()
    entry_id = add_entry(mail_app, "enterprise", status="review", slug="fiktiva-vetlandabagarna",
                         title={"sv": "Fiktiva Vetlandabagarna", "en": "The Fictional Vetlanda Bakers"},
                         municipalities=["0685"], themes=[1])
    assert "2 subscribers were alerted." in publish(mail_app, entry_id).get_data(as_text=True)
    [sv] = mailbox.to("vetlanda@example.org")
    [en] = mailbox.to("tema@example.org")
    assert mailbox.to("vaxjo@example.org") == []
    assert "Fiktiva Vetlandabagarna" in sv["Subject"]
    assert en["Subject"] == "New in the knowledge base: The Fictional Vetlanda Bakers"
    assert f"{BASE}/sv/enterprises/fiktiva-vetlandabagarna" in sv.get_body(("plain",)).get_content()
    assert "Vetlanda" in sv.get_body(("plain",)).get_content()
    assert sv["List-Unsubscribe"].startswith(f"<{BASE}/sv/unsubscribe/alerts/")
    # The catch-up in ``reminders send`` finds nothing owed.
    mail_app.test_cli_runner().invoke(args=["reminders", "send"])
    assert len(mailbox.messages) == 2


def test_alerts_missed_at_publication_go_out_with_reminders_send(mail_app, mailbox):
    subscribe(mail_app, mailbox, "vetlanda@example.org", municipality="0685")
    mailbox.clear()
    entry_id = add_entry(mail_app, "enterprise", status="review", municipalities=["0685"],
                         title={"sv": "Fiktiva Vetlandasnickarna"})
    mail_app.config["MAIL_PORT"] = 1  # the mail server is down when it is published
    assert publish(mail_app, entry_id).status_code == 200
    assert entry_state(mail_app, entry_id).status == "published"
    assert mailbox.messages == []
    mail_app.config["MAIL_PORT"] = mailbox.port
    result = mail_app.test_cli_runner().invoke(args=["reminders", "send", "--dry-run"])
    assert "would send alert to vetlanda@example.org" in result.output
    assert mailbox.messages == []
    mail_app.test_cli_runner().invoke(args=["reminders", "send"])
    mail_app.test_cli_runner().invoke(args=["reminders", "send"])
    [alert] = mailbox.to("vetlanda@example.org")
    assert "Fiktiva Vetlandasnickarna" in alert["Subject"]


def test_unsubscribing_stops_alerts(mail_app, mailbox):
    subscribe(mail_app, mailbox, "vetlanda@example.org", municipality="0685")
    first = add_entry(mail_app, "enterprise", status="review", municipalities=["0685"])
    publish(mail_app, first)
    unsubscribe = mailbox.to("vetlanda@example.org")[-1]["List-Unsubscribe"].strip("<>").removeprefix(BASE)
    client = mail_app.test_client()
    assert "Stop the e-mail alerts" in client.get(unsubscribe.replace("/sv/", "/en/", 1)).get_data(as_text=True)
    # One click from the mail program (RFC 8058): a POST without a CSRF token.
    assert client.post(unsubscribe, data={"List-Unsubscribe": "One-Click"}).status_code == 200
    second = add_entry(mail_app, "enterprise", status="review", municipalities=["0685"])
    publish(mail_app, second)
    assert len(mailbox.to("vetlanda@example.org")) == 2  # the confirmation and the first alert
    # A forged link does nothing.
    with mail_app.app_context():
        subscription_id = db.session.scalars(select(m.AlertSubscription.id)).one()
    assert client.post(f"/sv/unsubscribe/alerts/{subscription_id}/bm90LWEtdG9rZW4").status_code == 404


def test_drafts_are_never_announced(mail_app, mailbox):
    subscribe(mail_app, mailbox, "vetlanda@example.org", municipality="0685")
    mailbox.clear()
    add_entry(mail_app, "enterprise", status="draft", municipalities=["0685"])
    mail_app.test_cli_runner().invoke(args=["reminders", "send"])
    assert mailbox.messages == []
