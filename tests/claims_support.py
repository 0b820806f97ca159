"""Helpers for the tests of enterprises that keep their own entries (test_claims*.py):
asking to manage an enterprise, an adviser's approval, the sign-in link and the manage form."""

from __future__ import annotations

import re

from sqlalchemy import select

from knowledgebase import models as m
from knowledgebase.extensions import db
from knowledgebase.public.manage_forms import ManageForm
from knowledgebase.services.curation.revisions import current_data
from tests.confirmations_support import BASE, enterprise, entry_row, text_of

SIGN_IN_LINK = re.compile(re.escape(BASE) + r"(/(?:sv|en)/manage/sign-in/[A-Za-z0-9_-]+)")
MANAGER = "anna@fiktiva.example.org"
WEBSITE = "https://www.fiktiva.example.org"


def claimed_enterprise(app, **fields) -> tuple[int, str]:
    entry_id = enterprise(app, website=WEBSITE, **fields)
    return entry_id, entry_row(app, entry_id).slug


def ask_to_manage(client, slug: str, email: str = MANAGER, lang: str = "sv"):
    return client.post(f"/{lang}/enterprises/{slug}/claim",
                       data={"name": "Anna Fiktiv", "email": email, "role": "Verksamhetsledare"})


def claim_id(app, email: str = MANAGER) -> int:
    with app.app_context():
        return db.session.scalars(select(m.ClaimRequest.id).where(m.ClaimRequest.email == email)
                                  .order_by(m.ClaimRequest.id.desc())).first()


def approve(app, adviser, slug: str, email: str = MANAGER) -> None:
    assert ask_to_manage(app.test_client(), slug, email).status_code == 302
    response = adviser.post(f"/admin/claims/{claim_id(app, email)}/approve")
    assert response.status_code == 302


def last_link(mailbox, email: str = MANAGER) -> str:
    return SIGN_IN_LINK.search(text_of(mailbox.to(email)[-1])).group(1)


def sign_in(app, link: str):
    """A new client signed in with ``link``."""
    client = app.test_client()
    assert client.get(link).status_code == 200
    response = client.post(link)
    assert response.status_code == 302 and response.headers["Location"].endswith("/manage/"), response.status_code
    return client


def manage_payload(app, entry_id: int, **changes) -> dict:
    """The manager's form as it is filled in for the entry now, with ``changes``."""
    with app.app_context():
        values = ManageForm.values_from(current_data(db.session.get(m.Entry, entry_id)))
    values = {key: ("" if value is None else value) for key, value in values.items()}
    return {**values, **changes}


def audit_actions(app) -> list[str]:
    with app.app_context():
        return list(db.session.scalars(select(m.AuditEvent.action).order_by(m.AuditEvent.id)))
