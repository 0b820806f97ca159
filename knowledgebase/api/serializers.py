"""Entries as JSON for the API."""

from __future__ import annotations

from datetime import date
from typing import Any

from knowledgebase import freshness
from knowledgebase import models as m
from knowledgebase.content_types import ContentType, for_entry
from knowledgebase.services.upkeep import provenance
from knowledgebase.services.content.serialization import entry_to_data
from knowledgebase.urls import external_url


def _both(entry: m.Entry, name: str) -> dict[str, str | None]:
    return {"sv": getattr(entry, f"{name}_sv") or "", "en": getattr(entry, f"{name}_en") or None}


def entry_url(entry: m.Entry, lang: str = "sv") -> str:
    return external_url("public.entry_detail", lang=lang, type_key=entry.type, slug=entry.slug)


def entry_summary(entry: m.Entry) -> dict[str, Any]:
    """The short form used in lists and search results."""
    return {
        "type": entry.type,
        "slug": entry.slug,
        "title": _both(entry, "title"),
        "summary": _both(entry, "summary"),
        "url": entry_url(entry),
        "themes": [t.number for t in entry.themes],
        "municipalities": [mu.code for mu in entry.municipalities],
        "counties": sorted(entry.county_codes()),
        "updated_at": entry.updated_at.isoformat() if entry.updated_at else None,
        "confirmed": confirmation(entry),
    }


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


def confirmation(entry: m.Entry) -> dict[str, Any]:
    """When the entry as a whole was last confirmed (by an adviser or its contact), and
    whether that is older than the shelf life."""
    day, stale = provenance.entry_confirmation(entry, date.today())
    return {"on": _iso(day), "stale": stale, "shelf_life_months": freshness.shelf_life_months()}


def fact_provenance(entry: m.Entry) -> list[dict[str, Any]]:
    """Where each tracked fact came from and when it was confirmed."""
    return [{
        "fact": status.fact.key,
        "source": status.source or None,
        "confirmed_at": _iso(status.confirmed_at),
        "stale": status.stale,
        "changed_since": status.changed,
        "source_note": status.note or None,
        "source_url": status.url or None,
    } for status in provenance.fact_statuses(entry, date.today())]


# A type's own field whose name the detail uses for something else is given under another
# key: the link of a research entry or a financing source (field ``url``) would otherwise be
# overwritten by the addresses of the entry's pages.
RENAMED_FIELDS = {"url": "link"}


def field_key(name: str) -> str:
    """The key of a type's own field in the API's detail."""
    return RENAMED_FIELDS.get(name, name)


def entry_detail(entry: m.Entry, ct: ContentType | None = None) -> dict[str, Any]:
    """Every public field of an entry, in the seed format's shape plus type, URL and dates."""
    ct = ct or for_entry(entry)
    data = entry_to_data(entry, ct)
    data.pop("status", None)
    # The seed format links to entries in every status; the public sees published ones only.
    for spec in ct.fields:
        if spec.name in data:
            del data[spec.name]
            data[field_key(spec.name)] = spec.kind.public_export(entry, spec)
    data["last_verified"] = entry.last_verified.isoformat() if entry.last_verified else None
    return {
        "type": entry.type,
        **data,
        "url": {"sv": entry_url(entry, "sv"), "en": entry_url(entry, "en")},
        "created_at": entry.created_at.isoformat() if entry.created_at else None,
        "updated_at": entry.updated_at.isoformat() if entry.updated_at else None,
        "confirmed": confirmation(entry),
        "facts": fact_provenance(entry),
    }
