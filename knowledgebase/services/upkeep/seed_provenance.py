"""The seed format's ``provenance:`` key (docs/seed-format.md): for some facts of an entry,
where each comes from and the date of that source. Checked with the entry it belongs to,
recorded as ``FactProvenance`` rows by ``provenance.record`` once the entry is written, and
written back by the export, so that an export imported into an empty database gives the
same provenance."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select

from knowledgebase import models as m
from knowledgebase.extensions import db
from knowledgebase.field_kinds import checks
from knowledgebase.field_kinds.checks import FieldError
from knowledgebase.models.upkeep import SOURCE_KINDS
from knowledgebase.services.curation.revisions import current_data
from knowledgebase.services.upkeep import provenance

KEY = "provenance"
ITEM_KEYS = ("source", "date", "url", "note")


def check(type_key: str, value: Any, clean: dict[str, Any], today: date) -> dict[str, dict[str, Any]]:
    """One entry's ``provenance:`` mapping checked: fact key → source, date, url and note.
    ``clean`` is the entry's checked data: a fact it holds no value for can have no source.
    Raises ``FieldError`` naming the fact and, where it applies, its key."""
    if value in (None, {}):
        return {}
    facts = {item.key: item for item in provenance.facts_for(type_key)}
    if not facts:
        raise FieldError(KEY, _("is not a field of this content type"))
    if not isinstance(value, dict):
        raise FieldError(KEY, _("must map facts (%(facts)s) to their source", facts=", ".join(facts)))
    checked = {}
    for key, item in value.items():
        name = f"{KEY}.{key}"
        if key not in facts:
            raise FieldError(name, _("is not a fact whose source is kept; one of %(facts)s", facts=", ".join(facts)))
        if not isinstance(item, dict):
            raise FieldError(name, _("must have a source and a date"))
        unknown = sorted(str(k) for k in set(item) - set(ITEM_KEYS))
        if unknown:
            raise FieldError(f"{name}.{unknown[0]}", _("must be one of %(choices)s", choices=", ".join(ITEM_KEYS)))
        source = checks.text(f"{name}.source", item.get("source"), 20, required=True)
        checks.one_of(f"{name}.source", source, SOURCE_KINDS, 20)
        day = checks.iso_date(f"{name}.date", item.get("date"))
        if day is None:
            raise FieldError(f"{name}.date", _("is required"))
        if day > today:
            raise FieldError(f"{name}.date", _("is in the future"))
        if not provenance.has_value(provenance.snapshot(clean, facts[key])):
            raise FieldError(name, _("the entry holds no value for this fact"))
        checked[key] = {"source": source, "date": day,
                        "url": checks.web_address(f"{name}.url", item.get("url")),
                        "note": checks.text(f"{name}.note", item.get("note"), 500)}
    return checked


def record(entry: m.Entry, wanted: dict[str, dict[str, Any]]) -> None:
    """Record the checked provenance ``wanted`` for the facts of ``entry`` as they are now
    (``provenance.record``); facts with the same source, date, address and note together."""
    groups: dict[tuple[str, date, str, str], list[str]] = {}
    for key, item in wanted.items():
        groups.setdefault((item["source"], item["date"], item["url"], item["note"]), []).append(key)
    for (source, day, url, note), keys in groups.items():
        provenance.record(entry, keys, source, day, note=note, url=url)


def rows_by_entry(entry_ids: Iterable[int] | None = None) -> dict[int, list[m.FactProvenance]]:
    """The ``FactProvenance`` rows by entry id (of ``entry_ids``, or of every entry)."""
    query = select(m.FactProvenance).order_by(m.FactProvenance.id)
    if entry_ids is not None:
        query = query.where(m.FactProvenance.entry_id.in_(list(entry_ids)))
    found: dict[int, list[m.FactProvenance]] = {}
    for row in db.session.scalars(query):
        found.setdefault(row.entry_id, []).append(row)
    return found


def to_data(entry: m.Entry, rows: Iterable[m.FactProvenance], data: dict[str, Any] | None = None) -> dict[str, Any]:
    """The provenance of ``entry`` in the seed format, in the order of ``provenance.FACTS``:
    only the ``rows`` that vouch for the value the entry holds now (a record of an earlier
    value vouches for nothing). ``data`` is ``current_data(entry)`` when the caller has it.
    Who confirmed (an adviser's address) is not written out."""
    data = current_data(entry) if data is None else data
    by_key = {row.fact_key: row for row in rows}
    out: dict[str, Any] = {}
    for item in provenance.facts_for(entry.type):
        row = by_key.get(item.key)
        if row is None or row.value != provenance.snapshot(data, item):
            continue
        out[item.key] = {"source": row.source_kind, "date": row.confirmed_at}
        if row.source_url:
            out[item.key]["url"] = row.source_url
        if row.source_note:
            out[item.key]["note"] = row.source_note
    return out
