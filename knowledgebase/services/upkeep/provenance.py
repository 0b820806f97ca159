"""Provenance of the facts that matter (contact details, legal form, organisation number,
services, area served, reserved contracts, certifications, financing amounts and deadlines):
where each came from, who confirmed it and when, and whether it is still fresh.

A fact's confirmation is the newest of: its own ``FactProvenance`` row (while the entry still
holds the value that was confirmed), the adviser's "mark as verified" of the whole entry
(``Entry.last_verified``), and, when an editor changed the value after it was confirmed,
that change. An entry as a whole counts as confirmed on the later of ``last_verified`` and
the last time its contact confirmed every fact (``EntryUpkeep.confirmed_at``); lists show
that date and ``fresh=1`` filters on it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, Iterable

from flask import g
from flask_babel import format_date
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from knowledgebase import models as m
from knowledgebase.content_types import BY_KEY
from knowledgebase.extensions import db
from knowledgebase.freshness import fresh_clause, is_stale, months_before, shelf_life_months
from knowledgebase.models.upkeep import BY_ENTERPRISE, SOURCE_KINDS
from knowledgebase.services.curation.revisions import current_data

@dataclass(frozen=True)
class Fact:
    """A fact whose provenance is kept: its key, its label and the seed-format keys it covers."""

    key: str
    label: object
    data_keys: tuple[str, ...]


def _field_fact(type_key: str, name: str) -> Fact:
    return Fact(name, BY_KEY[type_key].field(name).label, (name,))


FACTS: dict[str, tuple[Fact, ...]] = {
    "enterprise": (
        *(_field_fact("enterprise", name) for name in ("email", "phone", "website", "address", "org_number",
                                                         "legal_form", "services")),
        Fact("area", _l("Area served"), ("municipalities", "counties")),
        *(_field_fact("enterprise", name) for name in ("reserved_contracts", "reserved_share", "certifications")),
    ),
    "advice": tuple(_field_fact("advice", name) for name in ("email", "phone", "website")),
    "financing": tuple(_field_fact("financing", name) for name in ("amount", "deadline")),
}
SOURCE_LABELS = {
    "enterprise": _l("Stated by the enterprise"),
    "adviser": _l("Checked by an adviser"),
    "register": _l("Taken from a public register"),
    "document": _l("From a cited document"),
}


def facts_for(type_key: str) -> tuple[Fact, ...]:
    return FACTS.get(type_key, ())


def fact(type_key: str, key: str) -> Fact:
    found = next((f for f in facts_for(type_key) if f.key == key), None)
    if found is None:
        raise KeyError(f"{type_key} has no fact {key}")
    return found


# -- recording ----------------------------------------------------------------------------

def _normal(value: Any) -> Any:
    if value in (None, "", [], {}):
        return None
    if isinstance(value, list):
        return sorted(str(item) for item in value)
    return value


def snapshot(data: dict[str, Any], item: Fact) -> dict[str, Any]:
    """The fact's value in seed-format ``data``, in a form that compares equal when unchanged."""
    return {key: _normal(data.get(key)) for key in item.data_keys}


def has_value(value: dict[str, Any] | None) -> bool:
    return bool(value) and any(v is not None for v in value.values())


def record(entry: m.Entry, keys: Iterable[str], source: str, confirmed_at: date, *,
           user: m.User | None = None, note: str = "", url: str = "") -> list[m.FactProvenance]:
    """Record that the facts ``keys`` of ``entry``, as they are now, come from ``source``
    (one of ``SOURCE_KINDS``) and were confirmed on ``confirmed_at``: by the enterprise when
    ``source`` is "enterprise", else by ``user``. Replaces earlier records of those facts."""
    if source not in SOURCE_KINDS:
        raise ValueError(f"unknown source {source}")
    db.session.flush()
    data = current_data(entry)
    existing = {row.fact_key: row for row in rows_for(entry.id)}
    rows = []
    for key in keys:
        item = fact(entry.type, key)
        row = existing.get(key) or m.FactProvenance(entry_id=entry.id, fact_key=key)
        row.source_kind = source
        row.source_note = note.strip()[:500]
        row.source_url = url.strip()[:1000]
        row.confirmed_by_id = None if source == "enterprise" or user is None else user.id
        row.confirmed_by = BY_ENTERPRISE if source == "enterprise" else (user.email if user else "")
        row.confirmed_at = confirmed_at
        row.value = snapshot(data, item)
        db.session.add(row)
        rows.append(row)
    db.session.flush()
    return rows


def rows_for(entry_id: int) -> list[m.FactProvenance]:
    return list(db.session.scalars(select(m.FactProvenance).where(m.FactProvenance.entry_id == entry_id)))


# -- reading ------------------------------------------------------------------------------

@dataclass
class FactStatus:
    """How one fact of an entry stands today."""

    fact: Fact
    source: str          # a key of SOURCE_LABELS, or "" when never confirmed
    confirmed_at: date | None
    stale: bool
    changed: bool = False  # an editor changed the value after it was confirmed
    note: str = ""
    url: str = ""


def fact_statuses(entry: m.Entry, today: date) -> list[FactStatus]:
    """Every tracked fact of ``entry`` that has a value, with its newest confirmation."""
    facts = facts_for(entry.type)
    if not facts:
        return []
    data = current_data(entry)
    rows = {row.fact_key: row for row in rows_for(entry.id)}
    statuses = []
    for item in facts:
        value = snapshot(data, item)
        if not has_value(value):
            continue
        # (date, source, changed, row): the newest wins; on a tie the fact's own record.
        candidates: list[tuple[date, int, str, bool, m.FactProvenance | None]] = []
        row = rows.get(item.key)
        if row is not None and row.value == value:
            candidates.append((row.confirmed_at, 2, row.source_kind, False, row))
        elif row is not None and entry.updated_at is not None:
            candidates.append((entry.updated_at.date(), 1, "adviser", True, None))
        if entry.last_verified:
            candidates.append((entry.last_verified, 0, "adviser", False, None))
        if not candidates:
            statuses.append(FactStatus(item, "", None, True))
            continue
        when, _rank, source, changed, chosen = max(candidates, key=lambda c: (c[0], c[1]))
        statuses.append(FactStatus(
            item, source, when, is_stale(when, today, shelf_life_months(item.key)), changed,
            note=chosen.source_note if chosen else "", url=chosen.source_url if chosen else ""))
    return statuses


def month_year(day: date) -> str:
    """"March 2026" in the current locale."""
    return format_date(day, "LLLL y")


def describe(status: FactStatus) -> str:
    """The short provenance note shown beside a fact, in the current locale."""
    if status.confirmed_at is None:
        return _("Not confirmed yet")
    when = month_year(status.confirmed_at)
    if status.stale:
        return _("Not confirmed since %(date)s", date=when)
    if status.changed:
        return _("Changed by an adviser, %(date)s", date=when)
    if status.source == "enterprise":
        return _("Confirmed by the enterprise, %(date)s", date=when)
    if status.source == "register":
        return _("From a public register, %(date)s", date=when)
    if status.source == "document":
        return _("From a cited document, %(date)s", date=when)
    return _("Checked by an adviser, %(date)s", date=when)


@dataclass
class Note:
    """Facts that share one provenance note, for the public page."""

    labels: list[str]
    text: str
    stale: bool
    source_note: str = ""
    url: str = ""


def public_notes(entry: m.Entry, today: date) -> list[Note]:
    """The provenance notes of an entry, facts with the same note grouped together."""
    notes: dict[tuple, Note] = {}
    for status in fact_statuses(entry, today):
        text = describe(status)
        key = (text, status.note, status.url)
        note = notes.setdefault(key, Note([], text, status.stale, status.note, status.url))
        note.labels.append(str(status.fact.label))
    return list(notes.values())


# -- whole entries ------------------------------------------------------------------------

def confirmed_on(entry: m.Entry, upkeep_confirmed: date | None) -> date | None:
    """The day the entry as a whole was last confirmed (by an adviser or its contact)."""
    dates = [d for d in (entry.last_verified, upkeep_confirmed) if d]
    return max(dates) if dates else None


def entry_confirmation(entry: m.Entry, today: date) -> tuple[date | None, bool]:
    """The day ``entry`` was confirmed as a whole and whether that is past the shelf life;
    the contacts' confirmations are read once per request (lists show many entries)."""
    if "upkeep_dates" not in g:
        g.upkeep_dates = upkeep_dates()
    day = confirmed_on(entry, g.upkeep_dates.get(entry.id))
    return day, is_stale(day, today, shelf_life_months())


def upkeep_dates(entry_ids: Iterable[int] | None = None) -> dict[int, date]:
    """``EntryUpkeep.confirmed_at`` by entry id (of ``entry_ids``, or of every entry)."""
    query = select(m.EntryUpkeep.entry_id, m.EntryUpkeep.confirmed_at).where(
        m.EntryUpkeep.confirmed_at.is_not(None))
    if entry_ids is not None:
        query = query.where(m.EntryUpkeep.entry_id.in_(list(entry_ids)))
    return {entry_id: day for entry_id, day in db.session.execute(query)}


def stale_query(today: date, months: int | None = None):
    """Published entries not confirmed as a whole in the last ``months`` (default: the shelf
    life), never confirmed first."""
    cutoff = months_before(today, months or shelf_life_months())
    return (select(m.Entry)
            .where(m.Entry.status == m.PUBLISHED, ~fresh_clause(m.Entry, cutoff))
            .order_by(m.Entry.last_verified.is_(None).desc(), m.Entry.last_verified, m.Entry.title_sv))
