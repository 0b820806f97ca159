"""Enterprises keep their own entries: the one-time sign-in links (used once, expiring,
replaced, stored as hashes), the manager's session, and what a manager may change."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from knowledgebase import models as m
from knowledgebase.extensions import db
from knowledgebase.models.base import now_utc
from knowledgebase.services.upkeep import confirmations
from tests.confirmations_support import enterprise, entry_row
from tests.claims_support import (
    MANAGER,
    approve,
    audit_actions,
    claimed_enterprise,
    last_link,
    manage_payload,
    sign_in,
)


def test_a_link_works_once_and_not_after_it_expires_or_is_replaced(mail_app, mailbox, adviser):
    _entry_id, slug = claimed_enterprise(mail_app)
    approve(mail_app, adviser, slug)
    first = last_link(mailbox)
    sign_in(mail_app, first)
    again = mail_app.test_client()
    assert again.get(first).status_code == 200  # only asks
    response = again.post(first)
    assert response.status_code == 410
    assert again.get("/sv/manage/").status_code == 302

    # A newer link replaces an unused one.
    public = mail_app.test_client()
    public.post("/en/manage/sign-in", data={"email": MANAGER})
    older = last_link(mailbox)
    assert older.startswith("/en/")
    public.post("/en/manage/sign-in", data={"email": MANAGER})
    newer = last_link(mailbox)
    assert newer != older
    assert mail_app.test_client().post(older).status_code == 410

    # An expired link.
    with mail_app.app_context():
        row = db.session.scalars(select(m.ManagerSignIn).where(m.ManagerSignIn.used_at.is_(None),
                                                               m.ManagerSignIn.ended_at.is_(None))).one()
        row.expires_at = now_utc() - timedelta(seconds=1)
        db.session.commit()
    response = mail_app.test_client().post(newer)
    assert response.status_code == 410 and "expired" in response.get_data(as_text=True)
    assert mail_app.test_client().post("/sv/manage/sign-in/inte-en-riktig-token").status_code == 404


def test_the_token_is_stored_only_as_a_hash(mail_app, mailbox, adviser):
    _entry_id, slug = claimed_enterprise(mail_app)
    approve(mail_app, adviser, slug)
    token = last_link(mailbox).rsplit("/", 1)[1]
    with mail_app.app_context():
        for table in db.metadata.sorted_tables:
            for row in db.session.execute(select(table)):
                assert token not in repr(tuple(row)), table.name


def test_signing_out_ends_the_session_for_every_copy_of_the_cookie(mail_app, mailbox, adviser):
    entry_id, slug = claimed_enterprise(mail_app)
    approve(mail_app, adviser, slug)
    manager = sign_in(mail_app, last_link(mailbox))
    cookie = manager.get_cookie("session").value
    copy = mail_app.test_client()
    copy.set_cookie("session", cookie)
    assert copy.get(f"/sv/manage/entries/{entry_id}").status_code == 200
    response = manager.post("/sv/manage/sign-out")
    assert response.status_code == 302 and "signed_out=1" in response.headers["Location"]
    assert manager.get("/sv/manage/").status_code == 302
    assert copy.get(f"/sv/manage/entries/{entry_id}").status_code == 302
    assert "manager_sign_out" in audit_actions(mail_app)


def test_the_session_runs_out(mail_app, mailbox, adviser):
    entry_id, slug = claimed_enterprise(mail_app)
    approve(mail_app, adviser, slug)
    manager = sign_in(mail_app, last_link(mailbox))
    with mail_app.app_context():
        row = db.session.scalars(select(m.ManagerSignIn)).one()
        row.session_expires_at = now_utc() - timedelta(seconds=1)
        db.session.commit()
    assert manager.get(f"/sv/manage/entries/{entry_id}").status_code == 302


def test_a_manager_cannot_edit_another_entry(mail_app, mailbox, adviser):
    entry_id, slug = claimed_enterprise(mail_app)
    other_id = enterprise(mail_app, phone="036-99 99 99")
    approve(mail_app, adviser, slug)
    manager = sign_in(mail_app, last_link(mailbox))
    assert manager.get(f"/sv/manage/entries/{entry_id}").status_code == 200
    assert manager.get(f"/sv/manage/entries/{other_id}").status_code == 403
    response = manager.post(f"/sv/manage/entries/{other_id}", data=manage_payload(mail_app, other_id,
                                                                                   phone="036-00 00 00"))
    assert response.status_code == 403
    assert entry_row(mail_app, other_id).phone == "036-99 99 99"
    assert manager.get("/sv/manage/entries/999999").status_code == 403


def test_asking_for_a_link_answers_alike_for_known_and_unknown_addresses(mail_app, mailbox, adviser):
    _entry_id, slug = claimed_enterprise(mail_app)
    approve(mail_app, adviser, slug)
    mailbox.clear()
    answers = []
    for email in (MANAGER, "okand@fiktiva.example.org"):
        client = mail_app.test_client()
        response = client.post("/sv/manage/sign-in", data={"email": email})
        page = client.get(response.headers["Location"])
        answers.append((response.status_code, response.headers["Location"], page.status_code,
                        page.get_data(as_text=True)))
    assert answers[0] == answers[1]
    assert [message["To"] for message in mailbox.messages] == [MANAGER]


def test_bad_input_is_shown_beside_its_field_and_nothing_is_saved(mail_app, mailbox, adviser):
    entry_id, slug = claimed_enterprise(mail_app)
    approve(mail_app, adviser, slug)
    manager = sign_in(mail_app, last_link(mailbox))
    response = manager.post(f"/en/manage/entries/{entry_id}", data=manage_payload(
        mail_app, entry_id, phone="ring oss", email="inte en adress"))
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Enter a phone number" in html and 'value="ring oss"' in html
    assert "Enter an e-mail address like name@example.se." in html
    assert entry_row(mail_app, entry_id).phone == "036-11 11 11"
    swedish = manager.post(f"/sv/manage/entries/{entry_id}", data=manage_payload(mail_app, entry_id,
                                                                                  org_number="556016-0681"))
    assert swedish.status_code == 422 and "kontrollsiffran" in swedish.get_data(as_text=True)


def test_nothing_changed_confirms_the_contact_details(mail_app, mailbox, adviser):
    entry_id, slug = claimed_enterprise(mail_app)
    approve(mail_app, adviser, slug)
    manager = sign_in(mail_app, last_link(mailbox))
    response = manager.post(f"/sv/manage/entries/{entry_id}", data=manage_payload(mail_app, entry_id))
    assert response.headers["Location"].endswith("saved=confirmed")
    with mail_app.app_context():
        rows = {r.fact_key: r.source_kind for r in db.session.scalars(select(m.FactProvenance))}
        assert rows == {"email": "enterprise", "phone": "enterprise", "website": "enterprise", "address": "enterprise"}
        assert confirmations.waiting_changes() == []
