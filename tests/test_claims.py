"""Enterprises keep their own entries (issue 17, item 4): "Is this your enterprise?", an
adviser's approval with the domain check, signing in with one-time links by e-mail, editing
one's own entry (contact details at once and confirmed, the rest for review), revoking; and
the public proposal of a new enterprise with its organisation-number check and duplicate
flag. Real SQLite, a real SMTP server; names and addresses are fictional."""

from __future__ import annotations

import re
from html import unescape

import pytest
from sqlalchemy import select

from knowledgebase import models as m
from knowledgebase.extensions import db
from knowledgebase.services.upkeep import confirmations
from knowledgebase.services.upkeep.claims import domain_match
from tests.confirmations_support import BASE, TODAY, enterprise, entry_row, text_of
from tests.claims_support import (
    MANAGER,
    approve,
    ask_to_manage,
    audit_actions,
    claim_id,
    claimed_enterprise,
    last_link,
    manage_payload,
    sign_in,
)


# -- the domain check ---------------------------------------------------------------------

@pytest.mark.parametrize(("email", "website", "expected"), [
    ("anna@fiktiva.example.org", "https://www.fiktiva.example.org", "same"),
    ("Anna@FIKTIVA.example.org", "fiktiva.example.org", "same"),
    ("anna@post.fiktiva.example.org", "https://fiktiva.example.org/om-oss", "same"),
    ("anna@example.org", "https://fiktiva.example.org", "parent"),
    ("anna@fiktiva.se", "https://www.fiktiva.nu", "other_ending"),
    ("anna@gmail.com", "https://www.fiktiva.se", "different"),
    ("anna@fiktiva.se.annan.example", "https://fiktiva.se", "different"),
    ("anna@ofiktiva.se", "https://fiktiva.se", "different"),
    ("anna@fiktiva.se", "", "unknown"),
    ("inte-en-adress", "https://fiktiva.se", "unknown"),
    ("anna@fiktiva.se", "https://[::1", "unknown"),
])
def test_domain_match(email, website, expected):
    assert domain_match(email, website) == expected


# -- helpers ------------------------------------------------------------------------------
# -- the whole path -----------------------------------------------------------------------

def test_an_enterprise_claims_its_entry_and_changes_its_phone_number(mail_app, mailbox, adviser):
    entry_id, slug = claimed_enterprise(mail_app, title={"sv": "Fiktiva Fixarna"}, services=["cleaning"])
    public = mail_app.test_client()
    page = public.get(f"/en/enterprises/{slug}").get_data(as_text=True)
    assert f'href="/en/enterprises/{slug}/claim"' in page and "036-11 11 11" in page
    assert "Är det här ert företag?" in public.get(f"/sv/enterprises/{slug}").get_data(as_text=True)

    # Anna asks; the adviser sees that her address matches the website, and approves.
    assert public.get(f"/sv/enterprises/{slug}/claim").status_code == 200
    response = ask_to_manage(public, slug)
    assert response.headers["Location"].endswith(f"/sv/enterprises/{slug}/claim/sent")
    assert "Fiktiva Fixarna" in public.get(response.headers["Location"]).get_data(as_text=True)
    queue = unescape(adviser.get("/admin/claims/").get_data(as_text=True))
    assert "Fiktiva Fixarna" in queue and MANAGER in queue
    assert "The e-mail's domain matches the entry's website." in queue
    detail = unescape(adviser.get(f"/admin/claims/{claim_id(mail_app)}").get_data(as_text=True))
    assert "The e-mail's domain matches the entry's website." in detail
    assert mailbox.messages == []
    approve_response = adviser.post(f"/admin/claims/{claim_id(mail_app)}/approve")
    assert approve_response.status_code == 302

    # The mail (in Swedish, the language she asked in) carries a one-time link.
    [message] = mailbox.to(MANAGER)
    assert "Fiktiva Fixarna" in message["Subject"]
    assert "30 minuter" in text_of(message)
    link = last_link(mailbox)
    assert link.startswith("/sv/manage/sign-in/")
    manager = sign_in(mail_app, link)
    home = manager.get("/sv/manage/").get_data(as_text=True)
    assert f'href="/sv/manage/entries/{entry_id}"' in home

    # Not an adviser: the editorial area stays closed.
    assert manager.get("/admin/").status_code == 302
    assert manager.get("/admin/claims/").headers["Location"].startswith("/auth/login")

    # A new phone number: published at once, confirmed by the enterprise today.
    form = manager.get(f"/sv/manage/entries/{entry_id}").get_data(as_text=True)
    assert 'value="036-11 11 11"' in form
    response = manager.post(f"/sv/manage/entries/{entry_id}", data=manage_payload(mail_app, entry_id,
                                                                                   phone="036-22 22 22"))
    assert response.status_code == 302 and response.headers["Location"].endswith("saved=contact")
    assert "publicerade nu" in manager.get(response.headers["Location"]).get_data(as_text=True)
    page = public.get(f"/en/enterprises/{slug}").get_data(as_text=True)
    assert "036-22 22 22" in page and "036-11 11 11" not in page
    assert "Confirmed by the enterprise" in page
    with mail_app.app_context():
        row = db.session.scalars(select(m.FactProvenance).where(
            m.FactProvenance.entry_id == entry_id, m.FactProvenance.fact_key == "phone")).one()
        assert (row.source_kind, row.confirmed_at, row.value) == ("enterprise", TODAY, {"phone": "036-22 22 22"})
        revision = db.session.scalars(select(m.Revision).where(m.Revision.entry_id == entry_id)
                                      .order_by(m.Revision.number.desc())).first()
        assert MANAGER in revision.author and revision.status == m.PUBLISHED and revision.user_id is None
    assert entry_row(mail_app, entry_id).status == m.PUBLISHED

    # Another service waits for an adviser; the entry keeps its services meanwhile.
    response = manager.post(f"/sv/manage/entries/{entry_id}", data=manage_payload(
        mail_app, entry_id, services=["cleaning", "catering-cafe"], message="Vi lagar mat också."))
    assert response.headers["Location"].endswith("saved=review")
    with mail_app.app_context():
        assert [s.slug for s in db.session.get(m.Entry, entry_id).services] == ["cleaning"]
        [waiting] = confirmations.waiting_changes()
        assert waiting.entry_id == entry_id and waiting.sent_by == confirmations.MANAGED
        assert set(waiting.changes) == {"services"} and set(waiting.changes["services"]) == {"cleaning", "catering-cafe"}
        request_id = waiting.id
    review = adviser.get(f"/admin/upkeep/changes/{request_id}").get_data(as_text=True)
    assert "Vi lagar mat också." in review
    assert "Fiktiva Fixarna" in adviser.get("/admin/suggestions/").get_data(as_text=True)

    # The adviser revokes: the session ends at once, and the used link stays dead.
    with mail_app.app_context():
        grant_id = db.session.scalars(select(m.EntryManager.id)).one()
    assert adviser.post(f"/admin/managers/{grant_id}/revoke").status_code == 302
    response = manager.get(f"/sv/manage/entries/{entry_id}")
    assert response.status_code == 302 and "/sv/manage/sign-in" in response.headers["Location"]
    assert manager.post(f"/sv/manage/entries/{entry_id}", data=manage_payload(
        mail_app, entry_id, phone="036-33 33 33")).status_code == 302
    assert "036-33 33 33" not in public.get(f"/en/enterprises/{slug}").get_data(as_text=True)
    assert mail_app.test_client().post(link).status_code == 410
    # Asking for a new link now sends nothing.
    mailbox.clear()
    assert mail_app.test_client().post("/sv/manage/sign-in", data={"email": MANAGER}).status_code == 302
    assert mailbox.messages == []

    actions = audit_actions(mail_app)
    for action in ("claim_request", "claim_approve", "manager_sign_in", "manager_edit", "manager_suggest",
                   "claim_revoke"):
        assert action in actions, action


def test_the_admin_reads_the_claims_in_the_audit_log(mail_app, mailbox):
    from tests.curation_support import logged_in_client

    admin = logged_in_client(mail_app, "admin")
    admin.post("/auth/language", data={"lang": "en"})
    _entry_id, slug = claimed_enterprise(mail_app)
    approve(mail_app, admin, slug)
    html = admin.get("/admin/audit/").get_data(as_text=True)
    assert "Asked to manage an entry" in html and "Approved a request to manage an entry" in html
    assert MANAGER in html


# -- asking, and deciding -----------------------------------------------------------------

def test_the_claim_form_checks_its_fields_and_only_published_enterprises_are_claimed(mail_app):
    _entry_id, slug = claimed_enterprise(mail_app)
    client = mail_app.test_client()
    response = client.post(f"/en/enterprises/{slug}/claim", data={"name": "", "email": "anna"})
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and "Fill in this field." in html
    assert "Enter an e-mail address like name@example.se." in html
    draft = entry_row(mail_app, enterprise(mail_app, status="draft")).slug
    assert client.get(f"/en/enterprises/{draft}/claim").status_code == 404
    assert client.get("/en/enterprises/no-such-enterprise/claim").status_code == 404
    # Asking twice gives one request.
    assert ask_to_manage(client, slug).status_code == 302
    assert ask_to_manage(client, slug).status_code == 302
    with mail_app.app_context():
        assert len(db.session.scalars(select(m.ClaimRequest)).all()) == 1


def test_a_refused_request_makes_nobody_a_manager(mail_app, mailbox, adviser):
    _entry_id, slug = claimed_enterprise(mail_app)
    assert ask_to_manage(mail_app.test_client(), slug, "anna@gmail.example.com").status_code == 302
    number = claim_id(mail_app, "anna@gmail.example.com")
    detail = unescape(adviser.get(f"/admin/claims/{number}").get_data(as_text=True))
    assert "does not match the entry's website" in detail
    response = adviser.post(f"/admin/claims/{number}/refuse", data={"refuse-note": ""})
    assert response.status_code == 422
    assert adviser.post(f"/admin/claims/{number}/refuse", data={"refuse-note": "Okänd för oss."}).status_code == 302
    assert adviser.post(f"/admin/claims/{number}/approve").status_code == 302  # flashed: already decided
    with mail_app.app_context():
        assert db.session.scalars(select(m.EntryManager)).all() == []
        assert db.session.get(m.ClaimRequest, number).status == "refused"
    assert mailbox.messages == []
    assert "claim_refuse" in audit_actions(mail_app)


def test_claims_are_for_advisers(mail_app):
    from tests.curation_support import logged_in_client

    contributor = logged_in_client(mail_app, "contributor")
    assert contributor.get("/admin/claims/").status_code == 403
    assert contributor.post("/admin/claims/1/approve").status_code == 403
    assert contributor.post("/admin/managers/1/revoke").status_code == 403


# -- proposing a new enterprise -----------------------------------------------------------

def propose(client, lang: str = "en", **fields):
    data = {"name": "Fiktiva Fixarna", "message": "Städar och lagar mat.", "municipality": "0680", **fields}
    return client.post(f"/{lang}/suggest", data=data)


def test_the_proposal_form_checks_the_organisation_number(mail_app):
    client = mail_app.test_client()
    response = propose(client, org_number="556016-0681")
    assert response.status_code == 422 and "check digit" in response.get_data(as_text=True)
    response = propose(client, "sv", org_number="556016-0681")
    assert response.status_code == 422 and "kontrollsiffran" in response.get_data(as_text=True)
    response = propose(client, org_number="12345")
    assert response.status_code == 422 and "NNNNNN-NNNN" in response.get_data(as_text=True)
    response = propose(client, org_number="5560160680")
    assert response.status_code == 302
    with mail_app.app_context():
        suggestion = db.session.scalars(select(m.Suggestion)).one()
        assert suggestion.org_number == "556016-0680" and suggestion.duplicates is None


def test_the_proposal_flags_likely_duplicates_for_the_adviser_and_tells_the_sender(mail_app, adviser):
    existing = enterprise(mail_app, title={"sv": "Fiktiva Fixarna ekonomisk förening"}, org_number="556016-0680")
    client = mail_app.test_client()
    response = propose(client, name="Fiktiva fixarna")
    thanks = client.get(response.headers["Location"]).get_data(as_text=True)
    slug = entry_row(mail_app, existing).slug
    assert f'href="/en/enterprises/{slug}"' in thanks
    propose(client, name="Helt annat namn", org_number="556016-0680", municipality="")
    propose(client, name="Helt annat namn", municipality="0680")
    with mail_app.app_context():
        rows = db.session.scalars(select(m.Suggestion).order_by(m.Suggestion.id)).all()
        assert [[(d["id"], d["reason"]) for d in s.duplicates or []] for s in rows] == [
            [(existing, "similar_name")], [(existing, "org_number")], []]
        first = rows[0].id
    queue = adviser.get("/admin/suggestions/").get_data(as_text=True)
    assert queue.count("likely duplicate") == 2
    detail = adviser.get(f"/admin/suggestions/{first}").get_data(as_text=True)
    assert f'href="/admin/entries/{existing}"' in detail and "similar name, same municipality" in detail


def test_the_whole_path_with_csrf_tokens(tmp_path, mailbox):
    """As in production: every form carries its CSRF token, and one without it is refused."""
    from tests.apps import close_app, make_curation_app
    from tests.curation_support import PASSWORD, accessibility_problems, add_user, csrf_token

    app = make_curation_app(tmp_path, WTF_CSRF_ENABLED=True, MAIL_SERVER="127.0.0.1", MAIL_PORT=mailbox.port,
                            BASE_URL=BASE)
    try:
        entry_id, slug = claimed_enterprise(app)
        public = app.test_client()
        form = public.get(f"/sv/enterprises/{slug}/claim").get_data(as_text=True)
        data = {"name": "Anna Fiktiv", "email": MANAGER}
        assert public.post(f"/sv/enterprises/{slug}/claim", data=data).status_code == 400
        assert public.post(f"/sv/enterprises/{slug}/claim",
                           data={**data, "csrf_token": csrf_token(form)}).status_code == 302
        adviser = app.test_client()
        page = adviser.get("/auth/login").get_data(as_text=True)
        adviser.post("/auth/login", data={"email": add_user(app, "adviser"), "password": PASSWORD,
                                          "csrf_token": csrf_token(page)})
        number = claim_id(app)
        assert adviser.post(f"/admin/claims/{number}/approve").status_code == 400
        page = adviser.get(f"/admin/claims/{number}").get_data(as_text=True)
        response = adviser.post(f"/admin/claims/{number}/approve", data={"approve-csrf_token": csrf_token(page)})
        assert response.status_code == 302
        link = last_link(mailbox)
        manager = app.test_client()
        assert manager.post(link).status_code == 400  # no token: the link is not used up
        button = manager.get(link).get_data(as_text=True)
        assert manager.post(link, data={"csrf_token": csrf_token(button)}).status_code == 302
        edit = manager.get(f"/sv/manage/entries/{entry_id}").get_data(as_text=True)
        payload = manage_payload(app, entry_id, phone="036-22 22 22")
        assert manager.post(f"/sv/manage/entries/{entry_id}", data=payload).status_code == 400
        response = manager.post(f"/sv/manage/entries/{entry_id}", data={**payload, "csrf_token": csrf_token(edit)})
        assert response.status_code == 302
        assert entry_row(app, entry_id).phone == "036-22 22 22"
        assert 'name="sign_out-csrf_token"' in manager.get("/sv/manage/").get_data(as_text=True)
        # Pages with several forms keep their ids apart and label every field.
        pages = [public.get(f"/sv/enterprises/{slug}/claim"), adviser.get("/admin/claims/?status=all"),
                 adviser.get(f"/admin/claims/{number}"), manager.get("/sv/manage/"),
                 manager.get(f"/sv/manage/entries/{entry_id}")]
        for page in pages:
            html = page.get_data(as_text=True)
            ids = re.findall(r'\sid="([^"]+)"', html)
            assert sorted({i for i in ids if ids.count(i) > 1}) == [] and accessibility_problems(html) == []
        assert manager.post("/sv/manage/sign-out").status_code == 400
        assert manager.post("/sv/manage/sign-out", data={"sign_out-csrf_token": csrf_token(edit)}).status_code == 302
        assert manager.get("/sv/manage/").status_code == 302
    finally:
        close_app(app)
