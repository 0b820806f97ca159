"""The people who manage their enterprise's entry (granted by an adviser, services.upkeep.claims):
signing in without a password, and editing their own entries.

A manager asks for a sign-in link with their e-mail address; the link works once, for
MANAGER_LINK_MINUTES, and only its SHA-256 is kept (the tokens of services.upkeep.outbox).
Using it starts a session of MANAGER_SESSION_HOURS over the entries the address manages at
each request: a grant revoked, or the session ended (signed out, or by an adviser's
revocation), stops it at once. It is not an adviser account and opens nothing in /admin.

On the edit page, contact facts (``confirmations.CONTACT_FACTS``) are saved at once as a new
revision of the published entry and recorded as confirmed by the enterprise today; other
changes wait for an adviser in the same review as changes sent with a confirmation link."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any, Callable

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from knowledgebase import models as m
from knowledgebase.extensions import db
from knowledgebase.services.curation import audit, workflow
from knowledgebase.services.curation.accounts import normalise_email
from knowledgebase.services.curation.revisions import current_data
from knowledgebase.services.upkeep import confirmations, outbox, provenance
from knowledgebase.services.upkeep.confirmations import CONTACT_FACTS, LinkClosed, LinkUnknown, aware
from knowledgebase.urls import manager_sign_in_url


# -- grants -------------------------------------------------------------------------------

def _active() -> Any:
    return select(m.EntryManager).where(m.EntryManager.revoked_at.is_(None))


def active_grant(email: str, entry_id: int) -> m.EntryManager | None:
    """The address's grant for the entry, if it has one that is not revoked."""
    return db.session.scalars(_active().where(m.EntryManager.email == normalise_email(email),
                                              m.EntryManager.entry_id == entry_id)).first()


def is_manager(email: str, entry_id: int) -> bool:
    return active_grant(email, entry_id) is not None


def managed_entries(email: str) -> list[m.Entry]:
    """The published enterprises ``email`` manages, by name."""
    ids = select(m.EntryManager.entry_id).where(m.EntryManager.revoked_at.is_(None),
                                                m.EntryManager.email == normalise_email(email))
    return list(db.session.scalars(select(m.Enterprise).where(
        m.Enterprise.id.in_(ids), m.Enterprise.status == m.PUBLISHED).order_by(m.Enterprise.title_sv)))


def managed_entry(sign_in: m.ManagerSignIn, entry_id: int) -> m.Enterprise | None:
    """Entry ``entry_id`` if the signed-in address manages it (and it is published), else None."""
    entry = db.session.get(m.Entry, entry_id)
    if not isinstance(entry, m.Enterprise) or entry.status != m.PUBLISHED or not is_manager(sign_in.email, entry_id):
        return None
    return entry


# -- signing in ---------------------------------------------------------------------------

def _open_links(email: str) -> list[m.ManagerSignIn]:
    return list(db.session.scalars(select(m.ManagerSignIn).where(
        m.ManagerSignIn.email == email, m.ManagerSignIn.used_at.is_(None), m.ManagerSignIn.ended_at.is_(None))))


def prepare_sign_in(email: str, lang: str, now: datetime, welcome: m.Entry | None = None) -> outbox.Outgoing | None:
    """A new sign-in link for ``email`` and the e-mail that carries it (earlier unused links
    stop working), or None when the address manages no entry. ``welcome`` is the entry an
    adviser has just let the address manage (the mail says so)."""
    email = normalise_email(email)
    entries = managed_entries(email)
    if not entries:
        return None
    for older in _open_links(email):
        older.ended_at, older.end_reason = now, "replaced"
    token, digest = outbox.new_token()
    minutes = int(current_app.config["MANAGER_LINK_MINUTES"])
    sign_in = m.ManagerSignIn(email=email, token_hash=digest, created_at=now,
                              expires_at=now + timedelta(minutes=minutes))
    db.session.add(sign_in)
    db.session.flush()
    lang = lang if lang in ("sv", "en") else "sv"
    subject = (_l("You can now keep the entry of %(name)s up to date", name=welcome.title(lang)) if welcome
               else _l("Your sign-in link to the knowledge base"))
    mail = outbox.render_mail("manager_sign_in", email, lang, subject, welcome=welcome, entries=entries,
                              minutes=minutes, link=manager_sign_in_url(token, lang))
    return outbox.Outgoing(mail, "manager_sign_in", entry_id=welcome.id if welcome else None)


def use_link(token: str, now: datetime) -> m.ManagerSignIn:
    """Start a session with the sign-in link ``token``; raises ``LinkUnknown`` or ``LinkClosed``."""
    sign_in = outbox.by_token(m.ManagerSignIn.token_hash, token)
    if sign_in is None:
        raise LinkUnknown(_("This link is not valid."))
    if sign_in.used_at is not None:
        raise LinkClosed(_("This sign-in link has already been used. Ask for a new one."))
    if sign_in.ended_at is not None:
        raise LinkClosed(_("This sign-in link no longer works: a newer one was sent, or an adviser ended it."))
    if aware(sign_in.expires_at) <= now:
        raise LinkClosed(_("This sign-in link has expired. Ask for a new one."))
    if not managed_entries(sign_in.email):
        raise LinkClosed(_("This address no longer manages an entry here."))
    hours = int(current_app.config["MANAGER_SESSION_HOURS"])
    sign_in.used_at, sign_in.session_expires_at = now, now + timedelta(hours=hours)
    audit.record("manager_sign_in", actor_label=sign_in.email, target_label=sign_in.email)
    return sign_in


def open_session(sign_in_id: object, now: datetime) -> m.ManagerSignIn | None:
    """The session ``sign_in_id`` (kept in the visitor's signed cookie) if it still works: the
    link was used, the session was not ended and has not run out, and the address still
    manages an entry."""
    if not isinstance(sign_in_id, int) or isinstance(sign_in_id, bool):
        return None
    sign_in = db.session.get(m.ManagerSignIn, sign_in_id)
    if (sign_in is None or sign_in.used_at is None or sign_in.ended_at is not None
            or sign_in.session_expires_at is None or aware(sign_in.session_expires_at) <= now):
        return None
    return sign_in if managed_entries(sign_in.email) else None


def sign_out(sign_in: m.ManagerSignIn, now: datetime) -> None:
    """End the session for good (a copy of the cookie no longer works either)."""
    if sign_in.ended_at is None:
        sign_in.ended_at, sign_in.end_reason = now, "signed_out"
        audit.record("manager_sign_out", actor_label=sign_in.email, target_label=sign_in.email)


def end_sign_ins(email: str, now: datetime, reason: str) -> int:
    """End every unused link and open session of ``email``; returns how many."""
    rows = list(db.session.scalars(select(m.ManagerSignIn).where(
        m.ManagerSignIn.email == normalise_email(email), m.ManagerSignIn.ended_at.is_(None))))
    for row in rows:
        row.ended_at, row.end_reason = now, reason
    return len(rows)


# -- editing ------------------------------------------------------------------------------

@dataclass
class EditOutcome:
    """What a manager's save did: contact facts saved at once, the rest sent for review."""

    saved: list[provenance.Fact] = field(default_factory=list)
    revision: m.Revision | None = None
    sent: list[provenance.Fact] = field(default_factory=list)
    suggestion: m.Suggestion | None = None


def save_edit(entry: m.Entry, sign_in: m.ManagerSignIn, values: dict[str, Any], today: date, now: datetime,
              review_url: Callable[[int], str], message: str = "") -> EditOutcome:
    """Save a manager's form (seed-format ``values`` of the entry's facts). Changed contact
    facts become a new revision at once and, with the other contact facts on the form, are
    confirmed by the enterprise today; other changed facts go to an adviser's review. Raises
    ``FieldError`` for a value an adviser's edit would refuse too."""
    changes = confirmations.proposed_changes(entry, values)
    changed = confirmations.changed_facts(entry, changes)
    contact = {key: value for key, value in changes.items() if key in CONTACT_FACTS}
    other = {key: value for key, value in changes.items() if key not in CONTACT_FACTS}
    outcome = EditOutcome(saved=[f for f in changed if f.key in CONTACT_FACTS],
                          sent=[f for f in changed if f.key not in CONTACT_FACTS])
    if contact:
        outcome.revision = workflow.update_entry_by_enterprise(
            entry, {**current_data(entry), **contact}, _("%(email)s (the enterprise)", email=sign_in.email),
            note=_("Contact details changed by the enterprise"))
        audit.record("manager_edit", actor_label=sign_in.email, target=entry, detail=", ".join(sorted(contact)))
    # The contact facts were on the form the manager sent: the enterprise vouches for them today.
    provenance.record(entry, list(CONTACT_FACTS), "enterprise", today)
    if other:
        grant = active_grant(sign_in.email, entry.id)
        outcome.suggestion = confirmations.queue_managed_changes(
            entry, sign_in.email, grant.lang if grant else "sv", other, now, review_url, message)
        audit.record("manager_suggest", actor_label=sign_in.email, target=entry, detail=", ".join(sorted(other)))
    return outcome
