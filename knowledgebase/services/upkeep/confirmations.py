"""Enterprises confirm their own entry. An adviser (or ``flask reminders send``) sends the
entry's contact a one-time link; it opens the entry's facts as a form, without an account,
for that entry only and for CONFIRMATION_LINK_DAYS. "Everything is still right" confirms
every fact with today's date; changes go to the suggestion queue, and an adviser applies
them (``apply_changes``) or rejects them. Tokens are stored only as SHA-256 hashes."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from typing import Any, Callable

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from knowledgebase import models as m
from knowledgebase.content_types import BY_KEY
from knowledgebase.extensions import db
from knowledgebase.models.upkeep import new_salt
from knowledgebase.services.curation import suggestions, workflow
from knowledgebase.services.upkeep import outbox, provenance
from knowledgebase.services.content.entries import county_clause
from knowledgebase.services.curation.revisions import current_data
from knowledgebase.services.content.serialization import Vocabulary, clean_entry_data
from knowledgebase.urls import confirmation_url, entry_page_url

# Who sent a request when no adviser did.
SCHEDULED = "reminders"
# Who "sent" the change records made from a manager's edit page (no e-mail was sent).
MANAGED = "manager"
CONTACT_FACTS = ("email", "phone", "website", "address")


class ConfirmationError(Exception):
    """A request that cannot be sent or a link that cannot be used; the message is for people."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class LinkUnknown(ConfirmationError):
    """No such link for this entry (answered with 404)."""


class LinkClosed(ConfirmationError):
    """The link was used, replaced by a newer one, or has expired (answered with 410)."""


def aware(value: datetime) -> datetime:
    # SQLite hands back naive datetimes; they were stored in UTC.
    return value if value.tzinfo else value.replace(tzinfo=timezone.utc)


# -- the contact --------------------------------------------------------------------------

def upkeep_for(entry: m.Entry) -> m.EntryUpkeep:
    """The entry's upkeep record, made on first use."""
    upkeep = db.session.get(m.EntryUpkeep, entry.id)
    if upkeep is None:
        upkeep = m.EntryUpkeep(entry_id=entry.id, email="", lang="sv")
        db.session.add(upkeep)
        db.session.flush()
    return upkeep


def set_contact(entry: m.Entry, email: str, lang: str) -> m.EntryUpkeep:
    """The contact an adviser gives for confirmation requests (empty: the entry's e-mail). A new
    address starts afresh: reminders on, and earlier unsubscribe links no longer work."""
    upkeep = upkeep_for(entry)
    email = email.strip()
    if email != upkeep.email:
        upkeep.email, upkeep.reminders_off_at, upkeep.salt = email, None, new_salt()
    upkeep.lang = lang if lang in ("sv", "en") else "sv"
    return upkeep


def contact_email(entry: m.Entry, upkeep: m.EntryUpkeep | None) -> str:
    """Where confirmation requests go: the contact an adviser gave, else the entry's e-mail."""
    return (upkeep.email if upkeep and upkeep.email else getattr(entry, "email", "")) or ""


# -- sending ------------------------------------------------------------------------------

def _open_requests(entry_id: int) -> list[m.ConfirmationRequest]:
    return list(db.session.scalars(select(m.ConfirmationRequest).where(
        m.ConfirmationRequest.entry_id == entry_id, m.ConfirmationRequest.closed_at.is_(None))))


def prepare_request(entry: m.Entry, now: datetime, sent_by: m.User | None = None) -> outbox.Outgoing:
    """A new confirmation link for ``entry`` (earlier open links stop working) and the e-mail
    that carries it. Raises ``ConfirmationError`` when the entry cannot be confirmed so."""
    if not isinstance(entry, m.Enterprise):
        raise ConfirmationError(_("Only social enterprises confirm their own entries."))
    if entry.status != m.PUBLISHED:
        raise ConfirmationError(_("Only published entries can be confirmed."))
    upkeep = upkeep_for(entry)
    email = contact_email(entry, upkeep)
    if not email:
        raise ConfirmationError(_("The entry has no e-mail address."))
    if upkeep.reminders_off_at is not None:
        raise ConfirmationError(_("The enterprise has asked not to get these e-mails."))
    for older in _open_requests(entry.id):
        older.closed_at, older.outcome = now, "replaced"
    token, digest = outbox.new_token()
    request = m.ConfirmationRequest(
        entry_id=entry.id, token_hash=digest, email=email, lang=upkeep.lang, created_at=now,
        expires_at=now + timedelta(days=int(current_app.config["CONFIRMATION_LINK_DAYS"])),
        sent_by_id=sent_by.id if sent_by else None, sent_by=sent_by.email if sent_by else SCHEDULED)
    db.session.add(request)
    db.session.flush()
    lang = upkeep.lang
    mail = outbox.render_mail(
        "confirmation_request", email, lang,
        _l("Is the information about %(name)s still right?", name=entry.title(lang)),
        unsubscribe=outbox.unsubscribe_url("reminders", entry.id, upkeep.salt, lang),
        entry=entry, confirmation=request, scheduled=sent_by is None,
        link=confirmation_url(entry.id, token, lang), page=entry_page_url(entry, lang))
    return outbox.Outgoing(mail, "confirmation", entry_id=entry.id, user_id=sent_by.id if sent_by else None)


@dataclass
class Prepared:
    outgoing: list[outbox.Outgoing] = field(default_factory=list)
    skipped: list[tuple[m.Entry, str]] = field(default_factory=list)


def prepare_requests(entries: list[m.Entry], now: datetime, sent_by: m.User | None = None) -> Prepared:
    """Requests for several entries; those that cannot get one are listed with the reason."""
    prepared = Prepared()
    for entry in entries:
        try:
            prepared.outgoing.append(prepare_request(entry, now, sent_by))
        except ConfirmationError as exc:
            prepared.skipped.append((entry, exc.message))
    return prepared


def county_enterprises(county_code: str) -> list[m.Enterprise]:
    """Published enterprises in a county (linked to it or to one of its municipalities)."""
    return list(db.session.scalars(
        select(m.Enterprise).where(m.Enterprise.status == m.PUBLISHED, county_clause([county_code]))
        .order_by(m.Enterprise.title_sv)))


# -- using a link -------------------------------------------------------------------------

def find_request(entry_id: int, token: str, now: datetime) -> m.ConfirmationRequest:
    """The open request behind ``token`` for entry ``entry_id``; raises ``LinkUnknown`` or
    ``LinkClosed``."""
    request = outbox.by_token(m.ConfirmationRequest.token_hash, token)
    if request is None or request.entry_id != entry_id:
        raise LinkUnknown(_("This link is not valid."))
    if request.closed_at is not None:
        if request.outcome == "replaced":
            raise LinkClosed(_("A newer link has been sent for this entry; use the one in the latest e-mail."))
        raise LinkClosed(_("This link has already been used. Thank you!"))
    if aware(request.expires_at) <= now:
        raise LinkClosed(_("This link has expired."))
    entry = request.entry
    if entry is None or entry.status != m.PUBLISHED:
        raise LinkUnknown(_("This link is not valid."))
    return request


def _close(request: m.ConfirmationRequest, now: datetime, outcome: str) -> None:
    request.closed_at, request.outcome = now, outcome


def set_language(request: m.ConfirmationRequest, lang: str) -> None:
    """The language the contact wants our e-mails in."""
    if lang in ("sv", "en"):
        upkeep_for(request.entry).lang = lang


def confirm_everything(request: m.ConfirmationRequest, today: date, now: datetime) -> None:
    """"Everything is still right": every fact confirmed by the enterprise today."""
    entry = request.entry
    provenance.record(entry, [f.key for f in provenance.facts_for(entry.type)], "enterprise", today)
    upkeep_for(entry).confirmed_at = today
    _close(request, now, "confirmed")


def proposed_changes(entry: m.Entry, values: dict[str, Any]) -> dict[str, Any]:
    """The seed-format values in ``values`` that differ from the entry, checked as an adviser's
    edit would be (raises ``FieldError``), for whole facts."""
    ct = BY_KEY[entry.type]
    data = current_data(entry)
    clean = clean_entry_data(ct, {**data, **values}, Vocabulary.load())
    changes: dict[str, Any] = {}
    for item in provenance.facts_for(entry.type):
        if provenance.snapshot(data, item) != provenance.snapshot(clean, item):
            changes.update({key: clean.get(key) for key in item.data_keys})
    return changes


def changed_facts(entry: m.Entry, changes: dict[str, Any]) -> list[provenance.Fact]:
    return [item for item in provenance.facts_for(entry.type) if set(item.data_keys) & set(changes)]


def submit_changes(request: m.ConfirmationRequest, values: dict[str, Any], today: date, now: datetime,
                   review_url: Callable[[int], str], message: str = "") -> m.Suggestion | None:
    """The contact's corrections: facts they left as they were are confirmed today; changed
    facts wait in the suggestion queue for an adviser (``review_url(request id)`` is where the
    adviser reviews them). Returns the suggestion, or None when nothing changed (then
    everything is confirmed). Raises ``FieldError``."""
    entry = request.entry
    changes = proposed_changes(entry, values)
    if not changes:
        confirm_everything(request, today, now)
        return None
    changed = changed_facts(entry, changes)
    unchanged = [f.key for f in provenance.facts_for(entry.type) if f not in changed]
    provenance.record(entry, unchanged, "enterprise", today)
    suggestion = _queue_changes(
        request, changes, message,
        _("Sent with the confirmation link. Review and apply the changes: %(url)s", url=review_url(request.id)),
        _("The enterprise (confirmation link)"))
    _close(request, now, "changes")
    return suggestion


def _queue_changes(request: m.ConfirmationRequest, changes: dict[str, Any], message: str, how: str,
                   sender_name: str) -> m.Suggestion:
    """The enterprise's proposed ``changes`` as a correction in the suggestion queue, kept on
    ``request`` for an adviser to apply (``apply_changes``) or reject."""
    entry = request.entry
    changed = changed_facts(entry, changes)
    data = current_data(entry)
    lines = [f"{item.label}: {describe_value(data, item)} → {describe_value(changes, item)}" for item in changed]
    field_name = "contact" if all(item.key in CONTACT_FACTS for item in changed) else "other"
    suggestion = suggestions.create_suggestion(
        "correction", request.lang, entry, field=field_name, proposed="\n".join(lines),
        message="\n\n".join(part for part in (message.strip(), how) if part),
        sender_name=sender_name, sender_email=request.email)
    request.changes = changes
    request.suggestion_id = suggestion.id
    return suggestion


def queue_managed_changes(entry: m.Entry, email: str, lang: str, changes: dict[str, Any], now: datetime,
                          review_url: Callable[[int], str], message: str = "") -> m.Suggestion:
    """Changes an entry's manager proposed on their own edit page (services.upkeep.managers):
    kept as a used confirmation request (``sent_by`` MANAGED), so that they wait in the same
    review, and are applied the same way, as changes sent with a confirmation link."""
    # The record needs a unique hash; its token is never sent, so nobody can open it.
    _token, digest = outbox.new_token()
    request = m.ConfirmationRequest(entry_id=entry.id, token_hash=digest, email=email, lang=lang, created_at=now,
                                    expires_at=now, sent_by=MANAGED, closed_at=now, outcome="changes")
    db.session.add(request)
    db.session.flush()
    return _queue_changes(
        request, changes, message,
        _("Sent by the enterprise's manager. Review and apply the changes: %(url)s", url=review_url(request.id)),
        _("The enterprise (its manager)"))


def describe_value(data: dict[str, Any], item: provenance.Fact) -> str:
    """A fact's value as people read it (names rather than codes)."""
    parts = []
    for key in item.data_keys:
        value = data.get(key)
        if value in (None, "", []):
            continue
        if key == "legal_form":
            row = db.session.get(m.LegalForm, value)
            value = row.name_sv if row else value
        elif key == "services":
            value = ", ".join(row.name_sv for row in db.session.scalars(
                select(m.ServiceCategory).where(m.ServiceCategory.slug.in_(value))))
        elif key in ("municipalities", "counties"):
            model = m.Municipality if key == "municipalities" else m.County
            value = ", ".join(row.name for row in db.session.scalars(select(model).where(model.code.in_(value))))
        elif isinstance(value, bool):
            value = _("Yes") if value else _("No")
        elif isinstance(value, list):
            value = ", ".join(str(v) for v in value)
        parts.append(str(value))
    return "; ".join(parts) or "–"


# -- review by an adviser -----------------------------------------------------------------

def waiting_changes() -> list[m.ConfirmationRequest]:
    """Corrections sent by enterprises that no adviser has handled yet, oldest first."""
    return list(db.session.scalars(
        select(m.ConfirmationRequest).join(m.Suggestion, m.Suggestion.id == m.ConfirmationRequest.suggestion_id)
        .where(m.ConfirmationRequest.outcome == "changes", m.Suggestion.status == "waiting")
        .order_by(m.ConfirmationRequest.closed_at)))


def _waiting_suggestion(request: m.ConfirmationRequest) -> m.Suggestion:
    suggestion = db.session.get(m.Suggestion, request.suggestion_id) if request.suggestion_id else None
    if request.outcome != "changes" or suggestion is None or suggestion.status != "waiting":
        raise workflow.WorkflowError(_("These changes have already been handled."))
    return suggestion


def apply_changes(request: m.ConfirmationRequest, user: m.User, expected_version: int | None) -> m.Revision | None:
    """Put the enterprise's changes into the entry (a new revision by ``user``), close the
    suggestion, and record the changed facts as stated by the enterprise on the day it sent
    them. Raises ``WorkflowError`` (``NotAllowed``, ``EditConflict``) or ``FieldError``."""
    suggestion = _waiting_suggestion(request)
    entry = request.entry
    revision = workflow.update_entry(entry, {**current_data(entry), **(request.changes or {})}, user,
                                     expected_version, note=_("Changes sent by the enterprise"))
    suggestions.accept(suggestion, user, entry)
    stated = aware(request.closed_at).date()
    provenance.record(entry, [f.key for f in changed_facts(entry, request.changes or {})], "enterprise", stated)
    upkeep = upkeep_for(entry)
    upkeep.confirmed_at = max(d for d in (upkeep.confirmed_at, stated) if d)
    return revision


def reject_changes(request: m.ConfirmationRequest, user: m.User, note: str) -> None:
    suggestions.reject(_waiting_suggestion(request), user, note)
