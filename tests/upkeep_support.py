"""Set-ups for the upkeep routes, shared by the route tables of other test modules."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from knowledgebase.admin.links import changes_review_url
from knowledgebase import models as m
from knowledgebase.extensions import db
from knowledgebase.models.base import now_utc
from knowledgebase.services.upkeep import confirmations
from tests.curation_support import add_entry


def enterprise_changes(app) -> dict:
    """A published enterprise whose contact sent a new phone number through its confirmation
    link: {"entry": id, "request": id}."""
    entry_id = add_entry(app, "enterprise", status="published", email="kontakt@example.org", phone="036-11 11 11")
    with app.app_context():
        confirmations.prepare_request(db.session.get(m.Entry, entry_id), now_utc())
        request = db.session.scalars(select(m.ConfirmationRequest).where(
            m.ConfirmationRequest.entry_id == entry_id)).one()
        confirmations.submit_changes(request, {"phone": "036-22 22 22"}, date.today(), now_utc(), changes_review_url)
        db.session.commit()
        return {"entry": entry_id, "request": request.id}


def waiting_claim(app) -> dict:
    """A published enterprise and a fictional person's waiting request to manage it:
    {"entry": id, "claim": id}."""
    from knowledgebase.services.upkeep import claims

    entry_id = add_entry(app, "enterprise", status="published", website="https://fiktiva.example.org")
    with app.app_context():
        claim = claims.create_claim(db.session.get(m.Entry, entry_id), "Fiktiv Person", "fiktiv@fiktiva.example.org",
                                    "", "", "sv", now_utc())
        db.session.commit()
        return {"entry": entry_id, "claim": claim.id}


def manager_grant(app) -> dict:
    """A waiting request made into a grant directly (no mail): {"entry", "claim", "grant"}."""
    ids = waiting_claim(app)
    with app.app_context():
        claim = db.session.get(m.ClaimRequest, ids["claim"])
        claim.status = "approved"
        grant = m.EntryManager(entry_id=ids["entry"], email=claim.email, name=claim.name, claim_id=claim.id)
        db.session.add(grant)
        db.session.commit()
        return {**ids, "grant": grant.id}
