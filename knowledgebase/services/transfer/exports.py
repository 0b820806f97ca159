"""Export of the whole database in the seed format (see docs/seed-format.md): importing the
export into an empty database gives the same content."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import select

from knowledgebase import models as m
from knowledgebase.content_types import CONTENT_TYPES
from knowledgebase.extensions import db
from knowledgebase.services.procurement import limits
from knowledgebase.services.programmes import catalogue
from knowledgebase.services.transfer.imports import ENTRY_FILES, LIMITS_FILE, PROGRAMMES_FILE, TAXONOMY_LISTS
from knowledgebase.services.content.entries import with_every_relation
from knowledgebase.services.content.serialization import entry_to_data
from knowledgebase.services.curation.revisions import to_json
from knowledgebase.services.upkeep import seed_provenance


class _Dumper(getattr(yaml, "CSafeDumper", yaml.SafeDumper)):  # type: ignore[misc]
    """YAML with block scalars for multi-line texts, so files read well in a diff. Written by
    libyaml where PyYAML has it (a whole export ten times as fast)."""


def _str_representer(dumper: yaml.SafeDumper, value: str) -> yaml.Node:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _str_representer)


def _dump(path: Path, data: Any) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as handle:
        yaml.dump(data, handle, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=100)


def _named_out(row: Any) -> dict[str, str]:
    return {"sv": row.name_sv, "en": row.name_en} if row.name_en else {"sv": row.name_sv}


def export_to(directory: str | Path) -> dict[str, int]:
    """Write the whole database (every status) in the seed format; returns counts per file."""
    root = Path(directory)
    counts: dict[str, int] = {}
    themes = list(db.session.scalars(select(m.Theme).order_by(m.Theme.number)))
    _dump(root / "taxonomy" / "themes.yaml", {"themes": [
        {"number": t.number, "name": _named_out(t),
         "description": {"sv": t.description_sv, "en": t.description_en},
         "packages": [{"number": p.number, "name": _named_out(p),
                       "description": {"sv": p.description_sv, "en": p.description_en}}
                      for p in t.packages]}
        for t in themes]})
    _write_csv(root / "taxonomy" / "counties.csv", ("code", "name"),
               [(c.code, c.name) for c in db.session.scalars(select(m.County).order_by(m.County.code))])
    _write_csv(root / "taxonomy" / "municipalities.csv", ("code", "name", "county_code", "county_name"),
               [(mu.code, mu.name, mu.county_code, mu.county.name)
                for mu in db.session.scalars(select(m.Municipality).order_by(m.Municipality.code))])
    for name, model in TAXONOMY_LISTS.items():
        rows = db.session.scalars(select(model).order_by(model.slug))
        items = []
        for row in rows:
            item = {"slug": row.slug, "name": _named_out(row)}
            if model is m.ServiceCategory and row.cpv:
                item["cpv"] = list(row.cpv)
            if model is m.ServiceCategory and row.routes:
                item["routes"] = list(row.routes)
            items.append(item)
        _dump(root / "taxonomy" / name, items)
    _dump(root / "taxonomy" / LIMITS_FILE, limits.export_limits())
    _dump(root / "taxonomy" / PROGRAMMES_FILE, catalogue.export_programmes())
    groups = [list(g.terms) for g in db.session.scalars(select(m.SynonymGroup).order_by(m.SynonymGroup.id))]
    _dump(root / "search" / "synonyms.yaml", {"groups": groups})
    provenance_rows = seed_provenance.rows_by_entry()
    for ct in CONTENT_TYPES:
        entries = list(db.session.scalars(with_every_relation(select(ct.model).order_by(ct.model.slug), ct.model)))
        _dump(root / "entries" / ENTRY_FILES[ct.key],
              {"type": ct.key, "entries": [_entry_out(e, ct, provenance_rows.get(e.id, [])) for e in entries]})
        counts[ct.key] = len(entries)
    return counts


def _entry_out(entry: m.Entry, ct: Any, rows: list[m.FactProvenance]) -> dict[str, Any]:
    """An entry in the seed format with its facts' provenance (before ``last_verified``)."""
    data = entry_to_data(entry, ct)
    if rows:
        facts = seed_provenance.to_data(entry, rows, to_json(data))
        if facts:
            last_verified = data.pop("last_verified")
            data[seed_provenance.KEY] = facts
            data["last_verified"] = last_verified
    return data


def _write_csv(path: Path, header: tuple[str, ...], rows: list[tuple]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)
