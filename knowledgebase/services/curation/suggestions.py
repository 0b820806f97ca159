"""Suggestions from the public: corrections of entries, new social enterprises and
accessibility problems, kept in a moderation queue until an adviser accepts (as a prefilled
draft or edit), marks as handled (accessibility problems) or rejects them."""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, select

from knowledgebase import models as m
from knowledgebase.content_types import BY_KEY, ContentType
from knowledgebase.extensions import db
from knowledgebase.models.base import now_utc
from knowledgebase.models.curation import SUGGESTION_KINDS, SUGGESTION_STATUSES
from knowledgebase.orgnr import normalise_org_number
from knowledgebase.services.curation import audit
from knowledgebase.services.curation.duplicates import likely_duplicates
from knowledgebase.services.curation.revisions import current_data
from knowledgebase.services.curation.workflow import WorkflowError, require, status_queue

CORRECTION_FIELDS = {
    "title": _l("The name or title"),
    "summary": _l("The summary"),
    "body": _l("The text"),
    "contact": _l("Contact details or address"),
    "sources": _l("The sources"),
    "classification": _l("Themes or places"),
    "other": _l("Something else"),
}
# The parts whose proposed text can be put straight into the edit form.
TEXT_FIELDS = ("title", "summary", "body")
STATUS_LABELS = {"waiting": _l("Waiting"), "accepted": _l("Accepted"), "rejected": _l("Rejected")}
KIND_LABELS = {"correction": _l("Correction"), "enterprise": _l("New social enterprise"),
               "accessibility": _l("Accessibility problem")}
# Kinds that change no entry: an adviser closes them with a note on what was done.
NOTE_ONLY_KINDS = ("accessibility",)
# Size limits on every field (the public form checks them too).
LIMITS = {
    "name": 200, "website": 500, "org_number": 20, "municipality_code": 4, "field": 40,
    "proposed": 5000, "page_url": 500, "message": 5000, "sender_name": 200, "sender_email": 254, "note": 2000,
}


def create_suggestion(kind: str, lang: str, entry: m.Entry | None = None, **values: str) -> m.Suggestion:
    """Queue a suggestion; ``values`` are the form's fields (see ``LIMITS``)."""
    if kind not in SUGGESTION_KINDS:
        raise ValueError(kind)
    if kind == "correction" and entry is None:
        raise ValueError("a correction needs an entry")
    suggestion = m.Suggestion(kind=kind, lang=lang, entry_id=entry.id if entry else None,
                              entry_label=(entry.title_sv if entry else "")[:300])
    for name, value in values.items():
        if name not in LIMITS or name == "note":
            raise ValueError(name)
        setattr(suggestion, name, (value or "").replace("\x00", "").strip()[:LIMITS[name]])
    db.session.add(suggestion)
    db.session.flush()
    return suggestion


def propose_enterprise(lang: str, **values: str) -> m.Suggestion:
    """Queue a new social enterprise from the public form, with its organisation number in
    the usual shape (the form has checked it) and the enterprises it may duplicate (same
    organisation number, or a similar name in the same municipality) kept on the suggestion
    for the adviser (``duplicates``)."""
    number = (values.get("org_number") or "").strip()
    if number:
        values["org_number"] = normalise_org_number(number)
    code = values.get("municipality_code") or ""
    found = likely_duplicates(values.get("name") or "", values.get("org_number") or "", [code] if code else [])
    suggestion = create_suggestion("enterprise", lang, **values)
    suggestion.duplicates = [{"id": other.id, "slug": other.slug, "title": other.title_sv, "status": other.status,
                              "reason": reason} for other, reason in found] or None
    return suggestion


def published_duplicates(suggestion: m.Suggestion) -> list[m.Enterprise]:
    """The published enterprises among a suggestion's likely duplicates (the sender may see
    those)."""
    ids = [item["id"] for item in suggestion.duplicates or []]
    if not ids:
        return []
    return list(db.session.scalars(select(m.Enterprise).where(
        m.Enterprise.id.in_(ids), m.Enterprise.status == m.PUBLISHED).order_by(m.Enterprise.title_sv)))


def queue(status: str = "waiting") -> Select:
    """Suggestions with ``status`` (every one for "all"); waiting ones oldest first."""
    return status_queue(m.Suggestion, status, SUGGESTION_STATUSES)


def _check_waiting(suggestion: m.Suggestion) -> None:
    if suggestion.status != "waiting":
        raise WorkflowError(_("This suggestion has already been handled."))


def _close(suggestion: m.Suggestion, user: m.User, status: str, note: str) -> None:
    require(user, "suggestion.moderate")
    _check_waiting(suggestion)
    suggestion.status = status
    suggestion.moderated_by_id = user.id
    suggestion.moderated_at = now_utc()
    suggestion.moderator_note = note.strip()[:LIMITS["note"]]


def reject(suggestion: m.Suggestion, user: m.User, note: str) -> None:
    """Close a suggestion without a change, with a note for the other advisers."""
    _close(suggestion, user, "rejected", note)
    audit.record("suggestion_reject", user, target=suggestion, detail=suggestion.moderator_note)


def accept(suggestion: m.Suggestion, user: m.User, entry: m.Entry, note: str = "") -> None:
    """Close a suggestion as taken up in ``entry`` (the new draft, or the corrected entry)."""
    _close(suggestion, user, "accepted", note)
    suggestion.result_entry_id = entry.id
    audit.record("suggestion_accept", user, target=suggestion,
                 detail=f"{entry.type}/{entry.slug}")


def mark_handled(suggestion: m.Suggestion, user: m.User, note: str) -> None:
    """Close a suggestion that changes no entry (an accessibility problem) as accepted, with a
    note on what was done about it."""
    if suggestion.kind not in NOTE_ONLY_KINDS:
        raise WorkflowError(_("This suggestion is taken up by editing an entry."))
    _close(suggestion, user, "accepted", note)
    audit.record("suggestion_handled", user, target=suggestion, detail=suggestion.moderator_note)


def slugify(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:100] or "entry"


def unique_slug(ct: ContentType, text: str) -> str:
    base = slugify(text)
    taken = set(db.session.scalars(select(m.Entry.slug).where(
        m.Entry.type == ct.key, m.Entry.slug.like(f"{base}%"))))
    slug, number = base, 2
    while slug in taken:
        slug, number = f"{base}-{number}", number + 1
    return slug


def new_entry_data(suggestion: m.Suggestion) -> dict[str, Any]:
    """Seed-format data for a draft enterprise made from a suggestion."""
    ct = BY_KEY["enterprise"]
    data: dict[str, Any] = {
        "slug": unique_slug(ct, suggestion.name),
        "title": {"sv": suggestion.name},
        "summary": {"sv": suggestion.message},
        "municipalities": [suggestion.municipality_code] if suggestion.municipality_code else [],
        "website": suggestion.website,
        "org_number": suggestion.org_number,
    }
    return data


def correction_data(suggestion: m.Suggestion, entry: m.Entry) -> dict[str, Any]:
    """The entry's current content, with the proposed text put in the part it corrects."""
    data = current_data(entry)
    if suggestion.field in TEXT_FIELDS and suggestion.proposed:
        value = data.get(suggestion.field) or {}
        value = dict(value) if isinstance(value, dict) else {"sv": value}
        value[suggestion.lang if suggestion.lang in ("sv", "en") else "sv"] = suggestion.proposed
        data[suggestion.field] = value
    return data
