"""Enterprises confirm their own entry through a one-time link: sent by an adviser for one
entry or a county, received by a real SMTP server on loopback; single-use, expiring, scoped
to one entry, stored only as a hash; one click confirms everything, corrections wait for
review. Ends with the whole story as one test."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from babel.dates import format_date
from sqlalchemy import select

from knowledgebase import models as m
from knowledgebase.extensions import db
from knowledgebase.models.base import now_utc
from knowledgebase.services.upkeep import provenance
from tests.curation_support import (
    accessibility_problems,
    run_queued_job,
)
from tests.confirmations_support import (
    BASE,
    LINK_EXPIRES,
    TODAY,
    enterprise,
    entry_row,
    link_in,
    send_request,
    text_of,
)


# -- the confirmation link ---------------------------------------------------------------


def test_request_mail_in_swedish_by_default_with_an_unsubscribe_link(mail_app, mailbox, adviser):
    entry_id = enterprise(mail_app, title={"sv": "Fiktiva Fixarna"})
    send_request(mail_app, adviser, entry_id)
    [message] = mailbox.to("info@fiktiva.example.org")
    assert "Fiktiva Fixarna" in message["Subject"]
    body = text_of(message)
    html = message.get_body(("html",)).get_content()
    assert link_in(message).startswith(f"/sv/confirm/{entry_id}/")
    assert '<html lang="sv">' in html and link_in(message) in html
    expires = format_date(LINK_EXPIRES, "long", locale="sv")
    assert expires in body  # the date in Swedish
    unsubscribe = message["List-Unsubscribe"].strip("<>")
    assert unsubscribe.startswith(f"{BASE}/sv/unsubscribe/reminders/{entry_id}/")
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert unsubscribe in body and unsubscribe.replace("&", "&amp;") in html


def test_the_token_is_never_stored_in_clear(mail_app, mailbox, adviser):
    entry_id = enterprise(mail_app)
    send_request(mail_app, adviser, entry_id)
    token = link_in(mailbox.messages[0]).rsplit("/", 1)[1]
    with mail_app.app_context():
        for table in db.metadata.sorted_tables:
            for row in db.session.execute(select(table)):
                assert token not in repr(tuple(row)), table.name
        [request_row] = db.session.scalars(select(m.ConfirmationRequest)).all()
        import hashlib
        assert request_row.token_hash == hashlib.sha256(token.encode()).hexdigest()
        db.session.remove()
        db.engine.dispose()
    data_dir = Path(mail_app.config["DATA_DIR"])
    for path in data_dir.glob("knowledgebase.sqlite*"):
        assert token.encode() not in path.read_bytes(), path.name


def test_one_click_confirms_every_fact_and_the_link_works_once(mail_app, mailbox, adviser):
    entry_id = enterprise(mail_app, org_number="556016-0680", last_verified="2024-01-10")
    send_request(mail_app, adviser, entry_id)
    link = link_in(mailbox.messages[0])
    public = mail_app.test_client()
    page = public.get(link)
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert page.headers["Cache-Control"] == "no-store, private"
    assert 'value="036-11 11 11"' in html and 'name="confirm_all"' in html
    assert accessibility_problems(html) == []
    response = public.post(link, data={"confirm_all": "1", "contact_lang": "sv"})
    assert response.status_code == 302 and response.headers["Location"].endswith("/sv/confirm/done")
    with mail_app.app_context():
        rows = {row.fact_key: row for row in db.session.scalars(select(m.FactProvenance))}
        assert set(rows) == {f.key for f in provenance.facts_for("enterprise")}
        assert {(row.source_kind, row.confirmed_by, row.confirmed_at) for row in rows.values()} == {
            ("enterprise", "the enterprise", TODAY)}
        assert db.session.get(m.EntryUpkeep, entry_id).confirmed_at == TODAY
    # Used once: neither showing nor confirming works again.
    assert public.get(link).status_code == 410
    assert public.post(link, data={"confirm_all": "1"}).status_code == 410
    page = public.get("/en/enterprises/" + entry_row(mail_app, entry_id).slug).get_data(as_text=True)
    assert f"Confirmed by the enterprise, {format_date(TODAY, 'LLLL y', locale='en')}" in page


def test_links_expire_are_replaced_and_are_scoped_to_one_entry(mail_app, mailbox, adviser):
    first_id, second_id = enterprise(mail_app), enterprise(mail_app, email="annan@fiktiva.example.org")
    send_request(mail_app, adviser, first_id)
    send_request(mail_app, adviser, second_id)
    link = link_in(mailbox.to("info@fiktiva.example.org")[0])
    token = link.rsplit("/", 1)[1]
    public = mail_app.test_client()
    # The token of one entry does not open another.
    assert public.get(f"/sv/confirm/{second_id}/{token}").status_code == 404
    assert public.post(f"/sv/confirm/{second_id}/{token}", data={"confirm_all": "1"}).status_code == 404
    assert public.get(f"/sv/confirm/{first_id}/{'x' * 43}").status_code == 404
    # A newer link replaces the older.
    send_request(mail_app, adviser, first_id)
    newer = link_in(mailbox.to("info@fiktiva.example.org")[1])
    assert public.get(link).status_code == 410
    assert "newer link" in public.get(link.replace("/sv/", "/en/", 1)).get_data(as_text=True)
    assert public.get(newer).status_code == 200
    with mail_app.app_context():
        row = db.session.scalars(select(m.ConfirmationRequest).where(
            m.ConfirmationRequest.entry_id == first_id, m.ConfirmationRequest.closed_at.is_(None))).one()
        row.expires_at = now_utc() - timedelta(seconds=1)
        db.session.commit()
    assert public.get(newer).status_code == 410
    assert "expired" in public.get(newer.replace("/sv/", "/en/", 1)).get_data(as_text=True)
    with mail_app.app_context():
        assert db.session.scalar(select(db.func.count(m.FactProvenance.id))) == 0


def test_a_correction_waits_for_review_and_unchanged_facts_are_confirmed(mail_app, mailbox, adviser):
    entry_id = enterprise(mail_app, website="https://fiktiva.example.org")
    send_request(mail_app, adviser, entry_id)
    link = link_in(mailbox.messages[0])
    public = mail_app.test_client()
    bad = public.post(link, data={"send_changes": "1", "email": "info@fiktiva.example.org", "phone": "ring oss",
                                  "municipalities": ["0680"], "contact_lang": "en"})
    assert bad.status_code == 422
    assert 'class="error-summary"' in bad.get_data(as_text=True) and 'href="#phone"' in bad.get_data(as_text=True)
    response = public.post(link, data={
        "send_changes": "1", "email": "info@fiktiva.example.org", "phone": "036-22 22 22",
        "website": "https://fiktiva.example.org", "municipalities": ["0680"], "contact_lang": "en",
        "message": "Nytt nummer sedan mars."})
    assert response.status_code == 302 and "changes=1" in response.headers["Location"]
    with mail_app.app_context():
        row = db.session.scalars(select(m.ConfirmationRequest)).one()
        assert row.outcome == "changes" and row.changes == {"phone": "036-22 22 22"}
        suggestion = db.session.get(m.Suggestion, row.suggestion_id)
        assert (suggestion.kind, suggestion.status, suggestion.field) == ("correction", "waiting", "contact")
        assert "036-11 11 11 → 036-22 22 22" in suggestion.proposed
        assert f"{BASE}/admin/upkeep/changes/{row.id}" in suggestion.message
        assert "Nytt nummer sedan mars." in suggestion.message
        facts = {r.fact_key for r in db.session.scalars(select(m.FactProvenance))}
        assert "phone" not in facts and {"email", "website", "area"} <= facts
        assert db.session.get(m.EntryUpkeep, entry_id).lang == "en"
        request_id = row.id
    # Published only after review.
    assert entry_row(mail_app, entry_id).phone == "036-11 11 11"
    assert public.get(link).status_code == 410
    page = adviser.get(f"/admin/upkeep/changes/{request_id}").get_data(as_text=True)
    assert "036-22 22 22" in page
    response = adviser.post(f"/admin/upkeep/changes/{request_id}/apply",
                            data={"version": str(entry_row(mail_app, entry_id).version)})
    assert response.status_code == 302
    entry = entry_row(mail_app, entry_id)
    assert entry.phone == "036-22 22 22"
    with mail_app.app_context():
        phone = db.session.scalars(select(m.FactProvenance).where(m.FactProvenance.fact_key == "phone")).one()
        assert (phone.source_kind, phone.confirmed_at, phone.value) == ("enterprise", TODAY, {"phone": "036-22 22 22"})
        assert db.session.get(m.Suggestion, db.session.get(m.ConfirmationRequest, request_id).suggestion_id).status \
            == "accepted"
        assert [r.action for r in db.session.scalars(select(m.Revision).where(m.Revision.entry_id == entry_id))] \
            == ["baseline", "edit"]
    # Handled once.
    assert adviser.post(f"/admin/upkeep/changes/{request_id}/apply").status_code == 302
    assert entry_row(mail_app, entry_id).version == entry.version


def test_rejected_changes_leave_the_entry_alone(mail_app, mailbox, adviser):
    entry_id = enterprise(mail_app)
    send_request(mail_app, adviser, entry_id)
    link = link_in(mailbox.messages[0])
    mail_app.test_client().post(link, data={"send_changes": "1", "email": "info@fiktiva.example.org",
                                            "phone": "036-99 99 99", "municipalities": ["0680"]})
    with mail_app.app_context():
        request_id = db.session.scalars(select(m.ConfirmationRequest.id)).one()
    assert adviser.post(f"/admin/upkeep/changes/{request_id}/reject", data={"note": ""}).status_code == 422
    assert adviser.post(f"/admin/upkeep/changes/{request_id}/reject", data={"note": "Fel nummer."}).status_code == 302
    assert entry_row(mail_app, entry_id).phone == "036-11 11 11"
    with mail_app.app_context():
        assert db.session.scalars(select(m.Suggestion.status)).one() == "rejected"


def test_county_requests_skip_what_cannot_be_sent_and_record_bounces(mail_app, mailbox, adviser):
    sent = enterprise(mail_app, title={"sv": "Fiktiva Jönköping"})
    enterprise(mail_app, title={"sv": "Fiktiv utan e-post"}, email="")
    bounced = enterprise(mail_app, title={"sv": "Fiktiv studsar"}, email="bounce@fiktiva.example.org")
    enterprise(mail_app, title={"sv": "Fiktiv i Växjö"}, email="vaxjo@fiktiva.example.org", municipalities=["0780"])
    enterprise(mail_app, title={"sv": "Fiktivt utkast"}, email="utkast@fiktiva.example.org", status="draft")
    response = run_queued_job(mail_app, adviser, adviser.post("/admin/upkeep/requests/county",
                                                              data={"county-county": "06"}))
    html = response.get_data(as_text=True)
    assert [message["To"] for message in mailbox.messages] == ["info@fiktiva.example.org"]
    assert "Sent 1 confirmation request." in html
    assert "Not sent for Fiktiv utan e-post" in html
    assert "Not delivered to bounce@fiktiva.example.org: 550" in html
    with mail_app.app_context():
        logs = {(r.entry_id, r.status) for r in db.session.scalars(select(m.ReminderLog))}
        assert logs == {(sent, "sent"), (bounced, "bounced")}
    assert "bounce@fiktiva.example.org" in adviser.get("/admin/upkeep").get_data(as_text=True)


def test_the_contact_can_choose_english_and_unsubscribe(mail_app, mailbox, adviser):
    entry_id = enterprise(mail_app, title={"sv": "Fiktiva Fixarna", "en": "The Fictional Fixers"})
    send_request(mail_app, adviser, entry_id)
    public = mail_app.test_client()
    public.post(link_in(mailbox.messages[0]), data={"confirm_all": "1", "contact_lang": "en"})
    mailbox.clear()
    send_request(mail_app, adviser, entry_id)
    [message] = mailbox.messages
    assert message["Subject"] == "Is the information about The Fictional Fixers still right?"
    assert link_in(message).startswith("/en/confirm/")
    assert format_date(LINK_EXPIRES, "long", locale="en") in text_of(message)
    unsubscribe = message["List-Unsubscribe"].strip("<>").removeprefix(BASE)
    # Asking first: a link scanner's GET changes nothing.
    assert "Stop the e-mails" in public.get(unsubscribe).get_data(as_text=True)
    assert public.get(unsubscribe[:-4] + "AAAA").status_code == 404
    assert public.post(unsubscribe).status_code == 200
    with mail_app.app_context():
        assert db.session.get(m.EntryUpkeep, entry_id).reminders_off_at is not None
    mailbox.clear()
    html = adviser.post(f"/admin/upkeep/requests/{entry_id}", follow_redirects=True).get_data(as_text=True)
    assert mailbox.messages == [] and "asked not to get these e-mails" in html
