"""Enterprises ask to keep their own entries ("Is this your enterprise?"). Anyone may ask for a
published enterprise; an adviser sees whether the address's domain matches the entry's
website, and approves (the person becomes a manager of the entry and is mailed a sign-in
link, services.upkeep.managers) or refuses. A grant can be revoked later, which ends the
manager's open sign-ins. Every step is in the audit log; the caller commits."""

from __future__ import annotations

from datetime import datetime
from urllib.parse import urlsplit

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, select
from sqlalchemy.orm import selectinload

from knowledgebase import models as m
from knowledgebase.extensions import db
from knowledgebase.models.claims import CLAIM_STATUSES
from knowledgebase.services.curation import audit
from knowledgebase.services.curation.accounts import normalise_email
from knowledgebase.services.curation.workflow import WorkflowError, require, status_queue
from knowledgebase.services.upkeep import managers, outbox

# Deciding on requests and revoking grants: what moderating suggestions takes.
PERMISSION = "suggestion.moderate"
STATUS_LABELS = {"waiting": _l("Waiting"), "approved": _l("Approved"), "refused": _l("Refused"),
                 "revoked": _l("Revoked")}
DOMAIN_LABELS = {
    "same": _l("The e-mail's domain matches the entry's website."),
    "parent": _l("The website is on a subdomain of the e-mail's domain (shared hosting looks like this too)."),
    "other_ending": _l("Same name as the website's domain, but a different ending: check it."),
    "different": _l("The e-mail's domain does not match the entry's website."),
    "unknown": _l("The entry has no website to compare with."),
}
LIMITS = {"name": 200, "email": 254, "role": 200, "message": 3000, "note": 2000}


class ClaimError(WorkflowError):
    """A request that cannot be made or decided; the message is for people."""


# -- the domain check ---------------------------------------------------------------------

def email_domain(email: str) -> str:
    """The domain of an e-mail address, lower case, without a trailing dot ('' if none)."""
    _local, at, domain = (email or "").strip().rpartition("@")
    return domain.lower().rstrip(".") if at else ""


def website_host(url: str) -> str:
    """A website's host name, lower case, without ``www.`` ('' if there is none)."""
    text = (url or "").strip()
    if text and "://" not in text:
        text = "https://" + text
    try:
        host = (urlsplit(text).hostname or "").rstrip(".")
    except ValueError:
        return ""
    return host[4:] if host.startswith("www.") else host


def domain_match(email: str, website: str) -> str:
    """How an e-mail address relates to a website, a key of ``DOMAIN_LABELS``: "same" (the
    same domain, or a subdomain of the website's: ``info@mail.example.se`` for
    ``www.example.se``), "parent" (the website is on a subdomain of the e-mail's domain),
    "other_ending" (same name, another top-level domain: ``example.nu`` and ``example.se``),
    "different", or "unknown" (no website or no domain to compare)."""
    mail, host = email_domain(email), website_host(website)
    if not mail or not host:
        return "unknown"
    if mail == host or mail.endswith("." + host):
        return "same"
    if host.endswith("." + mail):
        return "parent"
    mail_name, _dot, mail_end = mail.rpartition(".")
    host_name, _dot, host_end = host.rpartition(".")
    if mail_name and mail_name == host_name and mail_end != host_end:
        return "other_ending"
    return "different"


def entry_match(claim: m.ClaimRequest) -> str:
    """``domain_match`` of a request's address and its entry's website."""
    return domain_match(claim.email, getattr(claim.entry, "website", "") or "")


# -- asking -------------------------------------------------------------------------------

def claimable(entry: m.Entry | None) -> bool:
    """Whether people may ask to manage ``entry``: a published social enterprise."""
    return isinstance(entry, m.Enterprise) and entry.status == m.PUBLISHED


def create_claim(entry: m.Entry, name: str, email: str, role: str, message: str, lang: str,
                 now: datetime) -> m.ClaimRequest:
    """A request to manage ``entry``. The same address asking again while its request waits
    (or while it manages the entry) gets the request it has, so nothing piles up."""
    if not claimable(entry):
        raise ClaimError(_("Only published social enterprises can be managed by their people."))
    email = normalise_email(email)
    waiting = db.session.scalars(select(m.ClaimRequest).where(
        m.ClaimRequest.entry_id == entry.id, m.ClaimRequest.email == email,
        m.ClaimRequest.status.in_(("waiting", "approved")))).first()
    if waiting is not None and (waiting.status == "waiting" or managers.is_manager(email, entry.id)):
        return waiting
    claim = m.ClaimRequest(entry_id=entry.id, name=_clip(name, "name"), email=email[:LIMITS["email"]],
                           role=_clip(role, "role"), message=_clip(message, "message", True),
                           lang=lang if lang in ("sv", "en") else "sv", created_at=now)
    db.session.add(claim)
    db.session.flush()
    audit.record("claim_request", actor_label=email, target=entry, detail=f"#{claim.id}")
    return claim


def _clip(value: str, name: str, lines: bool = False) -> str:
    text = (value or "").replace("\x00", "").strip()
    return (text if lines else " ".join(text.split()))[:LIMITS[name]]


# -- deciding -----------------------------------------------------------------------------

def queue(status: str = "waiting") -> Select:
    """Requests with ``status`` (every request for "all"); waiting ones oldest first."""
    # Each row names its entry (and the domain check reads its website): loaded with the page.
    return status_queue(m.ClaimRequest, status, CLAIM_STATUSES).options(selectinload(m.ClaimRequest.entry))


def _check_waiting(claim: m.ClaimRequest) -> None:
    if claim.status != "waiting":
        raise ClaimError(_("This request has already been decided."))


def _decide(claim: m.ClaimRequest, user: m.User, status: str, note: str, now: datetime) -> None:
    require(user, PERMISSION)
    _check_waiting(claim)
    claim.status, claim.decided_by_id, claim.decided_by, claim.decided_at = status, user.id, user.email, now
    claim.note = _clip(note, "note", True)


def approve(claim: m.ClaimRequest, user: m.User, now: datetime) -> tuple[m.EntryManager, outbox.Outgoing]:
    """Make the requester a manager of the entry; returns the grant and the e-mail with their
    first sign-in link (the caller delivers it)."""
    if not claimable(claim.entry):
        raise ClaimError(_("The entry is no longer published; it cannot be managed now."))
    _decide(claim, user, "approved", "", now)
    grant = managers.active_grant(claim.email, claim.entry_id)
    if grant is None:
        grant = m.EntryManager(entry_id=claim.entry_id, email=claim.email, name=claim.name, lang=claim.lang,
                               claim_id=claim.id, granted_by_id=user.id, granted_by=user.email, granted_at=now)
        db.session.add(grant)
        db.session.flush()
    audit.record("claim_approve", user, target=claim.entry, detail=f"{claim.email} (#{claim.id})")
    outgoing = managers.prepare_sign_in(claim.email, claim.lang, now, welcome=claim.entry)
    if outgoing is None:  # cannot happen: the grant above makes the address a manager
        raise ClaimError(_("The entry is no longer published; it cannot be managed now."))
    return grant, outgoing


def refuse(claim: m.ClaimRequest, user: m.User, note: str, now: datetime) -> None:
    """Refuse a request, with a note for the other advisers."""
    _decide(claim, user, "refused", note, now)
    audit.record("claim_refuse", user, target=claim.entry, detail=f"{claim.email} (#{claim.id}): {claim.note}")


def grants(entry_id: int | None = None) -> list[m.EntryManager]:
    """Active grants (of one entry, or all), newest first."""
    query = select(m.EntryManager).where(m.EntryManager.revoked_at.is_(None)).options(
        selectinload(m.EntryManager.entry))
    if entry_id is not None:
        query = query.where(m.EntryManager.entry_id == entry_id)
    return list(db.session.scalars(query.order_by(m.EntryManager.granted_at.desc(), m.EntryManager.id.desc())))


def revoke(grant: m.EntryManager, user: m.User, now: datetime) -> None:
    """End a manager's right to edit the entry, and every open sign-in link and session of
    that address (signing in again works for the entries it still manages)."""
    require(user, PERMISSION)
    if grant.revoked_at is not None:
        raise ClaimError(_("This manager's access has already been revoked."))
    grant.revoked_at, grant.revoked_by_id, grant.revoked_by = now, user.id, user.email
    claim = db.session.get(m.ClaimRequest, grant.claim_id) if grant.claim_id else None
    if claim is not None and claim.status == "approved":
        claim.status = "revoked"
    managers.end_sign_ins(grant.email, now, "revoked")
    audit.record("claim_revoke", user, target=grant.entry, detail=grant.email)
