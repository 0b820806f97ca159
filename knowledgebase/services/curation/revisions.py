"""Revisions: every save of an entry kept with its full content, listed and compared."""

from __future__ import annotations

import difflib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from knowledgebase import models as m
from knowledgebase.content_types import BY_KEY, ContentType, for_entry
from knowledgebase.extensions import db
from knowledgebase.field_kinds import BITEXT, TEXT
from knowledgebase.services.content.serialization import entry_to_data

ACTION_LABELS = {
    "baseline": _l("As it was before the first change here"),
    "create": _l("Created"),
    "edit": _l("Edited"),
    "submit": _l("Sent for review"),
    "return": _l("Back to draft"),
    "publish": _l("Published"),
    "unpublish": _l("Unpublished"),
    "archive": _l("Archived"),
    "reopen": _l("Taken out of the archive"),
    "verify": _l("Marked as verified"),
    "restore": _l("Restored"),
    "import": _l("Imported"),
    "delete": _l("Deleted"),
}

COMMON_LABELS = {
    "slug": _l("Address (slug)"),
    "status": _l("Status"),
    "title": _l("Title"),
    "summary": _l("Summary"),
    "body": _l("Text"),
    "easy_read": _l("Easy-to-read text"),
    "themes": _l("Themes"),
    "packages": _l("Competence packages"),
    "counties": _l("Counties"),
    "municipalities": _l("Municipalities"),
    "sources": _l("Sources"),
    "last_verified": _l("Last verified"),
}


def to_json(value: Any) -> Any:
    """``entry_to_data`` output made JSON-safe (dates as ISO text)."""
    if isinstance(value, dict):
        return {key: to_json(item) for key, item in value.items()}
    if isinstance(value, list):
        return [to_json(item) for item in value]
    if isinstance(value, date):
        return value.isoformat()
    return value


def current_data(entry: m.Entry) -> dict[str, Any]:
    return to_json(entry_to_data(entry, for_entry(entry)))


def record_revision(entry: m.Entry, user: m.User | None, action: str, note: str = "",
                    author: str = "") -> m.Revision:
    """Store the entry's current content as its next revision (flushes first, so the
    version number and links are final)."""
    db.session.flush()
    number = (db.session.scalar(
        select(func.max(m.Revision.number)).where(m.Revision.entry_id == entry.id)) or 0) + 1
    revision = m.Revision(
        entry_id=entry.id,
        entry_type=entry.type,
        number=number,
        entry_version=entry.version,
        user_id=user.id if user else None,
        author=(user.email if user else author)[:254],
        action=action,
        status=entry.status,
        note=note[:500],
        data=current_data(entry),
    )
    db.session.add(revision)
    db.session.flush()
    return revision


def has_revisions(entry_id: int) -> bool:
    return db.session.scalar(select(m.Revision.id).where(m.Revision.entry_id == entry_id).limit(1)) is not None


def ensure_baseline(entry: m.Entry) -> None:
    """Before the first change to an entry that came without history (the seed data, an
    import), keep its content as it was, so that the change can be undone."""
    if entry.id is not None and not has_revisions(entry.id):
        record_revision(entry, None, "baseline", author="")


def history(entry_id: int) -> list[m.Revision]:
    """An entry's revisions, newest first."""
    return list(db.session.scalars(
        select(m.Revision).where(m.Revision.entry_id == entry_id).order_by(m.Revision.number.desc())))


def get_revision(entry_id: int, revision_id: int) -> m.Revision | None:
    revision = db.session.get(m.Revision, revision_id)
    return revision if revision is not None and revision.entry_id == entry_id else None


def revision_at_version(entry_id: int, version: int) -> m.Revision | None:
    """The revision saved when the entry had ``version`` (the state an editor started from)."""
    return db.session.scalars(
        select(m.Revision).where(m.Revision.entry_id == entry_id, m.Revision.entry_version == version)
        .order_by(m.Revision.number.desc())).first()


def last_verification(entry_id: int) -> m.Revision | None:
    """The latest "mark as verified": who verified the entry, and when."""
    return db.session.scalars(
        select(m.Revision).where(m.Revision.entry_id == entry_id, m.Revision.action == "verify")
        .order_by(m.Revision.number.desc())).first()


# -- comparing ----------------------------------------------------------------------------

@dataclass
class FieldDiff:
    """One field's change as lines: ("equal" | "delete" | "insert", text)."""

    name: str
    label: object
    lines: list[tuple[str, str]] = field(default_factory=list)


def _source_lines(value: Any) -> list[str]:
    if not value:
        return []
    return [f"{item.get('title', '')} | {item.get('url', '')}".rstrip(" |") for item in value]


def _field_lines(ct: ContentType) -> list[tuple[str, object, Callable[[Any], list[str]]]]:
    """(data key, label, the value as lines) in the order of the edit form; the own fields'
    lines come from their kinds, the shared ones' from the kinds they are like."""
    rows: list[tuple[str, object, Callable[[Any], list[str]]]] = []
    for key in ("slug", "status", "title", "summary", "body", "easy_read"):
        rows.append((key, COMMON_LABELS[key], (BITEXT if key in ("title", "summary", "body") else TEXT).diff_lines))
    rows.extend((spec.name, spec.label, spec.kind.diff_lines) for spec in ct.fields)
    for key in ("themes", "packages", "counties", "municipalities", "sources", "last_verified"):
        rows.append((key, COMMON_LABELS[key], _source_lines if key == "sources" else TEXT.diff_lines))
    return rows


def diff_data(old: dict[str, Any], new: dict[str, Any], type_key: str) -> list[FieldDiff]:
    """The fields that differ between two contents, each as a line diff (difflib)."""
    diffs = []
    for key, label, as_lines in _field_lines(BY_KEY[type_key]):
        before, after = as_lines(old.get(key)), as_lines(new.get(key))
        if before == after:
            continue
        result = FieldDiff(key, label)
        matcher = difflib.SequenceMatcher(a=before, b=after, autojunk=False)
        for op, a1, a2, b1, b2 in matcher.get_opcodes():
            if op == "equal":
                result.lines.extend(("equal", line) for line in before[a1:a2])
                continue
            result.lines.extend(("delete", line) for line in before[a1:a2])
            result.lines.extend(("insert", line) for line in after[b1:b2])
        diffs.append(result)
    return diffs


def ensure_baselines(report: Any) -> None:
    """Baselines for the entries an import is about to change (from its dry-run report)."""
    for type_key, slug, outcome in report.entries:
        if outcome == "updated":
            model = BY_KEY[type_key].model
            entry = db.session.scalars(select(model).where(model.slug == slug)).first()
            if entry is not None:
                ensure_baseline(entry)


def record_import(report: Any, user: m.User | None, source: str) -> int:
    """After an import, a revision for every entry it created or changed; returns the count."""
    count = 0
    for type_key, slug, outcome in report.entries:
        if outcome == "unchanged":
            continue
        model = BY_KEY[type_key].model
        entry = db.session.scalars(select(model).where(model.slug == slug)).first()
        if entry is not None:
            record_revision(entry, user, "import", note=source)
            count += 1
    return count
