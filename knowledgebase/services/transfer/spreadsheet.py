"""Spreadsheets of enterprises for advisers: the rows of a spreadsheet (``sheet_files``),
mapped column by column onto enterprise fields (``sheet_columns``), converted into a
seed-format ``enterprises.yaml`` that the ordinary importer checks and imports (dry run, all
or nothing, duplicates flagged: ``services.jobs``). Every refusal found here names the row
and the column."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import yaml
from flask_babel import gettext as _
from sqlalchemy import select

from knowledgebase.content_types import BY_KEY
from knowledgebase.extensions import db
from knowledgebase.services.content.entries import with_every_relation
from knowledgebase.services.content.serialization import FieldError, Vocabulary, clean_entry_data, entry_to_data
from knowledgebase.services.curation.suggestions import slugify
from knowledgebase.services.transfer.sheet_columns import TARGETS, Lookup, convert_cell
from knowledgebase.services.transfer.sheet_files import Sheet


@dataclass
class FileSource:
    """The one source given for the whole file (title, address, date), if any."""

    title: str = ""
    url: str = ""
    date: str = ""

    def as_source(self) -> dict[str, str] | None:
        if not self.title:
            return None
        title = f"{self.title} ({self.date})" if self.date else self.title
        return {"title": title, "url": self.url}


@dataclass
class Conversion:
    """The converted entries, where each came from (row numbers, as the spreadsheet counts
    them, by slug) and the refusals, each naming its row and column."""

    entries: list[dict[str, Any]] = field(default_factory=list)
    rows: dict[str, int] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)


# -- converting -----------------------------------------------------------------------------

def convert(sheet: Sheet, mapping: list[str], source: FileSource) -> Conversion:
    """The rows as seed-format enterprises, each checked as the importer checks it; an
    enterprise already in the directory (same slug) keeps what the file does not map."""
    ct, lookup, vocabulary = BY_KEY["enterprise"], Lookup.load(), Vocabulary.load()
    column_of = {target: sheet.header[i] for i, target in enumerate(mapping) if target}
    result = Conversion()
    existing = _existing(sheet, mapping)
    numbers = sheet.numbers or list(range(2, len(sheet.rows) + 2))
    for number, row in zip(numbers, sheet.rows):
        values: dict[str, Any] = {}
        problems = []
        for value, target in zip(row, mapping):
            if target:
                values[target], problem = convert_cell(target, value, lookup)
                if problem:
                    problems.append(_row_error(number, sheet.header[mapping.index(target)], problem))
        slug = slugify(values.get("slug") or values.get("title_sv", "")) if (
            values.get("slug") or values.get("title_sv")) else ""
        if not slug:
            result.errors.append(_row_error(number, column_of.get("title_sv", column_of.get("slug", "")),
                                            _("the name is empty")))
            continue
        if slug in result.rows:
            result.errors.append(_row_error(number, column_of.get("slug", column_of.get("title_sv", "")),
                                            _("the same enterprise as row %(row)d", row=result.rows[slug])))
            continue
        result.rows[slug] = number
        if problems:
            result.errors.extend(problems)
            continue
        data = _entry(slug, values, existing.get(slug), source)
        error = _check(ct, data, vocabulary, number, column_of)
        if error:
            result.errors.append(error)
        else:
            result.entries.append(data)
    return result


def _existing(sheet: Sheet, mapping: list[str]) -> dict[str, dict[str, Any]]:
    """The seed-format data of the enterprises the file names that are already in the
    directory (loaded in one query)."""
    slug_column = mapping.index("slug") if "slug" in mapping else mapping.index("title_sv") if "title_sv" in mapping else None
    if slug_column is None:
        return {}
    slugs = {slugify(row[slug_column]) for row in sheet.rows if row[slug_column].strip()}
    ct = BY_KEY["enterprise"]
    found = {}
    query = with_every_relation(select(ct.model).where(ct.model.slug.in_(slugs)), ct.model)
    for entry in db.session.scalars(query):
        found[entry.slug] = _plain(entry_to_data(entry, ct))
    return found


def _plain(value: Any) -> Any:
    """Data as YAML can write it safely (dates as text)."""
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_plain(item) for item in value]
    if isinstance(value, date):
        return value.isoformat()
    return value


def _entry(slug: str, values: dict[str, Any], before: dict[str, Any] | None, source: FileSource) -> dict[str, Any]:
    data: dict[str, Any] = dict(before or {"slug": slug, "status": "draft", "title": {"sv": ""},
                                          "summary": {"sv": ""}})
    data["slug"] = slug
    for lang in ("sv", "en"):
        for name in ("title", "summary"):
            if f"{name}_{lang}" in values:
                data[name] = {**data.get(name, {}), lang: values[f"{name}_{lang}"]}
    for target in ("municipalities", "counties", "services", "target_groups", "legal_form", "org_number",
                   "website", "email", "phone", "address"):
        if target in values:
            data[target] = values[target]
    if values.get("status"):
        data["status"] = values["status"]
    sources = list(values["sources"]) if "sources" in values else list(data.get("sources") or [])
    file_source = source.as_source()
    if file_source and file_source not in sources:
        sources.append(file_source)
    data["sources"] = sources
    return {key: value for key, value in data.items() if value not in (None, "")}


def _check(ct, data: dict[str, Any], vocabulary: Vocabulary, number: int, column_of: dict[str, str]) -> str | None:
    """The importer's own check of one entry, its refusal naming the row and the column."""
    if not data.get("sources"):
        return _row_error(number, column_of.get("sources", ""),
                          _("no source: give one for the whole file or choose a column of sources"))
    try:
        clean_entry_data(ct, data, vocabulary)
    except FieldError as exc:
        name = exc.field.split("[")[0].split(".")[0]
        column = column_of.get(name) or column_of.get(f"{name}_sv") or ""
        if not column:
            return _("Row %(row)d: %(field)s: %(message)s", row=number, field=TARGETS.get(name, name),
                     message=exc.message)
        return _row_error(number, column, exc.message)
    return None


def _row_error(number: int, column: str, message: str) -> str:
    if not column:
        return _("Row %(row)d: %(message)s", row=number, message=message)
    return _("Row %(row)d, column %(column)s: %(message)s", row=number, column=column, message=message)


def write_seed_file(conversion: Conversion, folder: Path) -> Path:
    """The converted entries as ``enterprises.yaml`` in ``folder`` (the importer's input)."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "enterprises.yaml"
    path.write_text(yaml.safe_dump({"type": "enterprise", "entries": conversion.entries}, allow_unicode=True,
                                   sort_keys=False), encoding="utf-8")
    return path


def with_rows(errors: list[str], rows: dict[str, int]) -> list[str]:
    """The importer's refusals (which name the entry's slug) with the spreadsheet's row."""
    named = []
    for message in errors:
        found = re.search(r"\b(?:entry|posten) ([a-z0-9-]+)", message)
        if found and found.group(1) in rows:
            message = _("Row %(row)d: %(message)s", row=rows[found.group(1)], message=message)
        named.append(message)
    return named
