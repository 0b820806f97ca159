"""The editorial workflow: saving entries (with a revision each time and optimistic
locking), moving them draft → review → published → archived and back, verifying,
deleting and restoring. Every function takes the acting user; the caller commits."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from collections.abc import Collection
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, func, or_, select

from knowledgebase import models as m
from knowledgebase.content_types import BY_KEY, ContentType, for_entry
from knowledgebase.extensions import db
from knowledgebase.models.base import now_utc
from knowledgebase.services.curation import audit
from knowledgebase.services.curation.accounts import can
from knowledgebase.services.curation.revisions import current_data, ensure_baseline, record_revision, revision_at_version
from knowledgebase.services.content.serialization import (
    FieldError,
    Vocabulary,
    apply_entry_data,
    apply_entry_links,
    clean_entry_data,
    entry_to_data,
)

# action: (allowed from, to, permission)
TRANSITIONS: dict[str, tuple[tuple[str, ...], str, str]] = {
    "submit": (("draft",), "review", "entry.submit"),
    "return": (("review",), "draft", "entry.return"),
    "publish": (("review",), "published", "entry.publish"),
    "unpublish": (("published",), "draft", "entry.unpublish"),
    "archive": (("draft", "review", "published"), "archived", "entry.archive"),
    "reopen": (("archived",), "draft", "entry.reopen"),
}
TRANSITION_LABELS = {
    "submit": _l("Send for review"),
    "return": _l("Back to draft"),
    "publish": _l("Publish"),
    "unpublish": _l("Unpublish (back to draft)"),
    "archive": _l("Archive"),
    "reopen": _l("Take out of the archive (as a draft)"),
}
# Transitions that change what the public sees go to the audit log.
AUDITED = ("publish", "unpublish", "archive", "reopen")


class WorkflowError(Exception):
    """A step that cannot be taken; the message is for the user."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class NotAllowed(WorkflowError):
    """The user's role does not allow this (answered with 403)."""


class EditConflict(WorkflowError):
    """Someone saved the entry after the editor loaded it."""

    def __init__(self, entry: m.Entry, expected_version: int):
        super().__init__(_("Someone else saved this entry after you opened it. Nothing was saved: "
                           "compare their changes below with yours."))
        self.current_version = entry.version
        base = revision_at_version(entry.id, expected_version)
        self.base_data: dict[str, Any] | None = base.data if base else None
        self.current_data = current_data(entry)
        self.authors = sorted({r.author for r in db.session.scalars(
            select(m.Revision).where(m.Revision.entry_id == entry.id,
                                     m.Revision.entry_version > expected_version))})


def status_queue(model: type, status: str, statuses: Collection[str]) -> Select:
    """Rows of ``model`` with ``status`` (every row when it is not one of ``statuses``, e.g.
    "all"): waiting ones oldest first, so the longest wait comes first; others newest first."""
    query = select(model)
    if status in statuses:
        query = query.where(model.status == status)
    order = model.created_at if status == "waiting" else model.created_at.desc()
    return query.order_by(order, model.id)


def require(user: m.User, permission: str) -> None:
    if not can(user, permission):
        raise NotAllowed(_("Your role does not allow this."))


def can_edit(user: m.User, entry: m.Entry) -> bool:
    """Advisers and admins edit any entry; contributors only drafts."""
    return can(user, "entry.edit_any") or (can(user, "entry.edit_draft") and entry.status == "draft")


def available_transitions(user: m.User, entry: m.Entry) -> list[str]:
    return [action for action, (sources, _to, permission) in TRANSITIONS.items()
            if entry.status in sources and can(user, permission)]


def check_version(entry: m.Entry, expected_version: int | None) -> None:
    """Refuse a change made from an outdated copy of the entry."""
    if expected_version is None or expected_version != entry.version:
        raise EditConflict(entry, expected_version or 0)


def _check_slug(ct: ContentType, slug: str, entry_id: int | None) -> None:
    taken = db.session.scalar(select(m.Entry.id).where(
        m.Entry.type == ct.key, m.Entry.slug == slug, m.Entry.id != (entry_id or 0)))
    if taken:
        raise FieldError("slug", _("is already used by another entry of this type"))


def _apply(entry: m.Entry, ct: ContentType, data: dict[str, Any]) -> bool:
    """Check ``data`` and copy it onto ``entry``; True if the content changed. Raises
    ``FieldError``. Nothing is flushed unless something changed."""
    clean = clean_entry_data(ct, data, Vocabulary.load())
    _check_slug(ct, clean["slug"], entry.id)
    new = entry not in db.session
    before = None if new else current_data(entry)
    if new:
        # Added only now: the queries above would otherwise flush an empty row.
        db.session.add(entry)
    # One flush for the whole change, so the version number moves by one per save.
    with db.session.no_autoflush:
        apply_entry_data(entry, ct, clean)
        apply_entry_links(entry, ct, clean)
        if not new and current_data(entry) == before:
            return False
        # Always touch the row, so the version number moves even when only links changed.
        entry.updated_at = now_utc()
    db.session.flush()
    return True


def create_entry(ct: ContentType, data: dict[str, Any], user: m.User, note: str = "") -> m.Entry:
    """A new draft from seed-format ``data``; raises ``FieldError`` for invalid data."""
    require(user, "entry.create")
    entry = ct.model()
    _apply(entry, ct, {**data, "status": "draft", "last_verified": None})
    record_revision(entry, user, "create", note)
    return entry


def update_entry(entry: m.Entry, data: dict[str, Any], user: m.User, expected_version: int | None,
                 note: str = "", action: str = "edit") -> m.Revision | None:
    """Save new content (status and last verification stay as they are). Returns the new
    revision, or None when nothing changed. Raises ``NotAllowed``, ``EditConflict`` or
    ``FieldError``."""
    if not can_edit(user, entry):
        raise NotAllowed(_("Your role does not allow editing this entry."))
    check_version(entry, expected_version)
    return _save(entry, data, user, action, note)


def update_entry_by_enterprise(entry: m.Entry, data: dict[str, Any], author: str, note: str = "") -> m.Revision | None:
    """Save content the enterprise changed itself (a manager of the entry, who has no adviser
    account): a revision by ``author``, status and last verification kept. What an enterprise
    may change is decided by its caller (services.upkeep.managers). Returns None when nothing
    changed; raises ``FieldError``."""
    return _save(entry, data, None, "edit", note, author)


def _save(entry: m.Entry, data: dict[str, Any], user: m.User | None, action: str, note: str,
          author: str = "") -> m.Revision | None:
    ct = for_entry(entry)
    ensure_baseline(entry)
    if not _apply(entry, ct, {**data, "status": entry.status, "last_verified": entry.last_verified}):
        return None
    return record_revision(entry, user, action, note, author=author)


def transition(entry: m.Entry, action: str, user: m.User, expected_version: int | None,
               note: str = "") -> m.Revision:
    """Move the entry along the workflow (see ``TRANSITIONS``)."""
    if action not in TRANSITIONS:
        raise WorkflowError(_("Unknown step."))
    sources, target, permission = TRANSITIONS[action]
    require(user, permission)
    check_version(entry, expected_version)
    if entry.status not in sources:
        raise WorkflowError(_("This step is not possible for an entry with the status %(status)s.",
                              status=entry.status))
    ct = for_entry(entry)
    ensure_baseline(entry)
    if target == m.PUBLISHED:
        try:
            clean_entry_data(ct, {**entry_to_data(entry, ct), "status": target}, Vocabulary.load())
        except FieldError as exc:
            raise WorkflowError(_("Cannot publish: %(field)s %(message)s", field=exc.field,
                                  message=exc.message)) from None
    entry.status = target
    entry.updated_at = now_utc()
    revision = record_revision(entry, user, action, note)
    if action in AUDITED:
        audit.record(action, user, target=entry, detail=note)
    return revision


def verify(entry: m.Entry, user: m.User, expected_version: int | None, today: date) -> m.Revision:
    """Mark the entry as checked today; the revision records who did it."""
    require(user, "entry.verify")
    check_version(entry, expected_version)
    ensure_baseline(entry)
    entry.last_verified = today
    entry.updated_at = now_utc()
    revision = record_revision(entry, user, "verify")
    audit.record("verify", user, target=entry, detail=today.isoformat())
    return revision


def restore(entry: m.Entry, revision: m.Revision, user: m.User, expected_version: int | None) -> m.Revision:
    """Make an earlier revision's content current again, as a new revision. The workflow
    status and last verification are kept."""
    data = dict(revision.data)
    new = update_entry(entry, data, user, expected_version,
                       note=_("Restored revision %(number)d", number=revision.number), action="restore")
    audit.record("restore", user, target=entry, detail=f"revision {revision.number}")
    return new


def delete_entry(entry: m.Entry, user: m.User, expected_version: int | None) -> None:
    """Delete an entry for good. Its history stays, ending with a "delete" revision."""
    require(user, "entry.delete")
    check_version(entry, expected_version)
    ensure_baseline(entry)
    record_revision(entry, user, "delete")
    audit.record("delete", user, target=entry)
    db.session.delete(entry)
    db.session.flush()


# -- lists for the adviser area -----------------------------------------------------------

def one_year_before(day: date) -> date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 1, day=28)


def unverified_query(today: date) -> Select:
    """Published entries not verified in the last 12 months (never verified first)."""
    cutoff = one_year_before(today)
    return (select(m.Entry)
            .where(m.Entry.status == m.PUBLISHED,
                   or_(m.Entry.last_verified.is_(None), m.Entry.last_verified < cutoff))
            .order_by(m.Entry.last_verified.is_(None).desc(), m.Entry.last_verified, m.Entry.title_sv))


@dataclass
class Dashboard:
    my_drafts: list[m.Entry] = field(default_factory=list)
    in_review: list[m.Entry] = field(default_factory=list)
    recently_published: list[m.Entry] = field(default_factory=list)
    unverified: list[m.Entry] = field(default_factory=list)
    unverified_total: int = 0
    suggestions: list[m.Suggestion] = field(default_factory=list)
    suggestions_total: int = 0


def _count(query: Select) -> int:
    return db.session.scalar(select(func.count()).select_from(query.order_by(None).subquery())) or 0


def dashboard(user: m.User, today: date, limit: int = 10) -> Dashboard:
    """What an editor wants to see first."""
    mine = select(m.Revision.entry_id).where(m.Revision.user_id == user.id)
    board = Dashboard()
    board.my_drafts = list(db.session.scalars(
        select(m.Entry).where(m.Entry.status == "draft", m.Entry.id.in_(mine))
        .order_by(m.Entry.updated_at.desc()).limit(limit)))
    board.in_review = list(db.session.scalars(
        select(m.Entry).where(m.Entry.status == "review").order_by(m.Entry.updated_at).limit(limit)))
    board.recently_published = list(db.session.scalars(
        select(m.Entry).where(m.Entry.status == m.PUBLISHED).order_by(m.Entry.updated_at.desc()).limit(limit)))
    unverified = unverified_query(today)
    board.unverified = list(db.session.scalars(unverified.limit(limit)))
    board.unverified_total = _count(unverified)
    if can(user, "suggestion.moderate"):
        waiting = select(m.Suggestion).where(m.Suggestion.status == "waiting").order_by(m.Suggestion.created_at)
        board.suggestions = list(db.session.scalars(waiting.limit(limit)))
        board.suggestions_total = _count(waiting)
    return board


def entries_query(type_key: str = "", status: str = "", text: str = "") -> Select:
    """Entries of every status for the adviser area's list, newest change first."""
    query = select(m.Entry).order_by(m.Entry.updated_at.desc(), m.Entry.id.desc())
    if type_key in BY_KEY:
        query = query.where(m.Entry.type == type_key)
    if status in m.STATUSES:
        query = query.where(m.Entry.status == status)
    if text:
        pattern = "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        query = query.where(or_(m.Entry.title_sv.ilike(pattern, escape="\\"),
                                m.Entry.title_en.ilike(pattern, escape="\\"),
                                m.Entry.slug.ilike(pattern, escape="\\")))
    return query
