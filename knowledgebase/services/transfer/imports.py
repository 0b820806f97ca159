"""Import of the seed format (see docs/seed-format.md): taxonomy, synonyms and entries.

An import reads and checks everything, applies it in the caller's transaction and flushes;
on any error it raises ``ImportFailed`` with every message, and the caller rolls back, so
the database is left as it was."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path
from typing import Any

from flask import current_app, has_app_context
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import selectinload

from knowledgebase import bulk
from knowledgebase import models as m
from knowledgebase import search
from knowledgebase.content_types import BY_KEY, CONTENT_TYPES, ContentType
from knowledgebase.extensions import db
from knowledgebase.services.procurement import limits
from knowledgebase.services.programmes import catalogue
from knowledgebase.services.curation.revisions import to_json
from knowledgebase.services.upkeep import seed_provenance
from knowledgebase.services.transfer.seed_io import ImportFailed, ImportReport, read_yaml, seed_files
from knowledgebase.services.transfer.taxonomy_import import import_named_list, import_places, import_synonyms, import_themes
from knowledgebase.services.content.serialization import (
    FieldError,
    TaxonomyRows,
    Vocabulary,
    apply_entry_data,
    apply_entry_links,
    clean_entry_data,
    entry_to_data,
    insert_new_entries,
    insert_new_entry_links,
)

TAXONOMY_LISTS = {
    "service_categories.yaml": m.ServiceCategory,
    "target_groups.yaml": m.TargetGroup,
    "legal_forms.yaml": m.LegalForm,
}
ENTRY_FILES = {ct.key: f"{ct.path}.yaml" for ct in CONTENT_TYPES}
# Amounts that decide the procurement route (services.procurement.limits, docs/buyers.md).
LIMITS_FILE = "procurement_limits.yaml"
# Programmes and their targets (services.programmes.catalogue).
PROGRAMMES_FILE = "programmes.yaml"
# Entry files together this large are read by several processes (``_read_entry_files``).
PARALLEL_READ_BYTES = 2_000_000


# One entry file read and checked: its type and, per entry, (label, clean data or None,
# error message or None); or the ``ImportFailed`` that reading it raised.
CheckedFile = tuple[str, list[tuple[str, dict | None, str | None]]]


def _read_entry_files(paths: list[Path], vocabulary: Vocabulary) -> list[CheckedFile | ImportFailed]:
    """Read and check each entry file (``_read_entry_file``). Many megabytes of YAML are
    shared among several processes: building Python objects from YAML and checking every
    field cost ~0.6 ms per entry, the largest part of an import. Largest files first, each
    to the least loaded process; share 0 is this process's."""
    sizes = [path.stat().st_size if path.is_file() else 0 for path in paths]
    procs = min(_read_procs(), len(paths))
    if procs < 2 or sum(sizes) < PARALLEL_READ_BYTES:
        return [_read_entry_file(path, vocabulary) for path in paths]
    shares: list[list[int]] = [[] for _ in range(procs)]
    load = [0] * procs
    for i in sorted(range(len(paths)), key=lambda i: -sizes[i]):
        k = load.index(min(load))
        shares[k].append(i)
        load[k] += sizes[i]
    children = [bulk.start(lambda share=share: [_read_entry_file(paths[i], vocabulary) for i in share])
                for share in shares[1:] if share]
    results: list[Any] = [None] * len(paths)
    try:
        for i in shares[0]:
            results[i] = _read_entry_file(paths[i], vocabulary)
    finally:
        done = [bulk.result(child) for child in children]
    for share, (ok, value) in zip([s for s in shares[1:] if s], done):
        if not ok:
            raise RuntimeError(f"a YAML reading process failed: {value}")
        for i, data in zip(share, value):
            results[i] = data
    return results


def _read_entry_file(path: Path, vocabulary: Vocabulary) -> CheckedFile | ImportFailed:
    """One entry file read, its shape checked and each entry cleaned (``clean_entry_data``)."""
    try:
        ct, raw_entries = _entry_file(path, read_yaml(path))
    except ImportFailed as exc:
        return exc
    checked = []
    today = date.today()
    for index, raw in enumerate(raw_entries, 1):
        slug = raw.get("slug") if isinstance(raw, dict) else None
        label = str(slug or f"#{index}")
        try:
            checked.append((label, _clean_entry(ct, raw, vocabulary, today), None))
        except FieldError as exc:
            checked.append((label, None, _entry_error(path, label, exc)))
    return ct.key, checked


def _clean_entry(ct: ContentType, raw: Any, vocabulary: Vocabulary, today: date) -> dict[str, Any]:
    """``clean_entry_data`` and, under ``seed_provenance.KEY``, the entry's checked
    ``provenance:`` (``seed_provenance.check``)."""
    own = None
    if isinstance(raw, dict) and seed_provenance.KEY in raw:
        raw = dict(raw)
        own = raw.pop(seed_provenance.KEY)
    clean = clean_entry_data(ct, raw, vocabulary)
    clean[seed_provenance.KEY] = seed_provenance.check(ct.key, own, clean, today)
    return clean


def _read_procs() -> int:
    """Processes reading YAML: one while serving a request (an upload in the admin area) or
    where there is no fork (``bulk.allowed``)."""
    if not bulk.allowed():
        return 1
    configured = current_app.config.get("IMPORT_READ_PROCS") if has_app_context() else None
    return int(configured or min(os.cpu_count() or 1, 4))


# -- entries ------------------------------------------------------------------------------

def _entry_file(path: Path, data: Any) -> tuple[ContentType, list]:
    if not isinstance(data, dict) or data.get("type") not in BY_KEY:
        raise ImportFailed([_("%(file)s: the file must start with 'type:' and one of %(types)s",
                              file=path.name, types=", ".join(BY_KEY))])
    entries = data.get("entries") or []
    if not isinstance(entries, list):
        raise ImportFailed([_("%(file)s: expected a list under 'entries'", file=path.name)])
    return BY_KEY[data["type"]], entries


def _import_entries(files: list[tuple[Path, CheckedFile]], report: ImportReport) -> None:
    errors: list[str] = []
    cleaned: list[tuple[Path, ContentType, dict]] = []
    seen: set[tuple[str, str]] = set()
    for path, (type_key, checked) in files:
        ct = BY_KEY[type_key]
        for label, clean, error in checked:
            if clean is None:
                errors.append(error)
                continue
            if (ct.key, clean["slug"]) in seen:
                errors.append(_entry_error(path, label, FieldError("slug", _("appears twice"))))
                continue
            seen.add((ct.key, clean["slug"]))
            cleaned.append((path, ct, clean))
    if errors:
        raise ImportFailed(errors)

    existing = _existing_entries(cleaned)
    # New entries go in with a few Core INSERTs per table (the ORM's unit of work cost
    # 1-2 ms per entry); entries that exist already are updated through the ORM, which
    # also tells what changed.
    new = [(ct, clean) for _path, ct, clean in cleaned if (ct.key, clean["slug"]) not in existing]
    new_ids = dict(zip(((ct.key, clean["slug"]) for ct, clean in new), insert_new_entries(new)))
    # Core INSERTs fire no ORM events: the search index learns of them here (after commit).
    search.note_written(new_ids.values())
    taxonomy = TaxonomyRows()
    applied = []
    # No autoflush: flushing before each lookup made a bulk import quadratic.
    with db.session.no_autoflush:
        for path, ct, clean in cleaned:
            entry = existing.get((ct.key, clean["slug"]))
            if entry is None:
                applied.append((path, ct, clean, None, None))
                continue
            before = _state(entry, ct, clean)
            apply_entry_data(entry, ct, clean, taxonomy)
            applied.append((path, ct, clean, entry, before))
    db.session.flush()
    linking = [(ct, clean, new_ids[(ct.key, clean["slug"])]) for _path, ct, clean, entry, _before in applied
               if entry is None and any(clean[f.name] for f in ct.fields if f.kind.links_entries)]
    new_link_errors = {(linking[i][0].key, linking[i][1]["slug"]): exc
                       for i, exc in insert_new_entry_links(linking).items()}
    with db.session.no_autoflush:
        for path, ct, clean, entry, before in applied:
            if entry is None:
                exc = new_link_errors.get((ct.key, clean["slug"]))
                if exc is not None:
                    errors.append(_entry_error(path, clean["slug"], exc))
                continue
            try:
                apply_entry_links(entry, ct, clean)
            except FieldError as exc:
                errors.append(_entry_error(path, clean["slug"], exc))
    if errors:
        raise ImportFailed(errors)
    db.session.flush()
    _record_provenance(applied, new_ids)
    for path, ct, clean, entry, before in applied:
        outcome = "created" if entry is None else (
            "unchanged" if before == _state(entry, ct, clean) else "updated")
        getattr(report, outcome)[ct.key] += 1
        report.entries.append((ct.key, clean["slug"], outcome))


def _state(entry: m.Entry, ct: ContentType, clean: dict[str, Any]) -> dict[str, Any]:
    """What an import compares to tell an updated entry from an unchanged one: the entry's
    data and, when the file gives any, its facts' provenance."""
    data = entry_to_data(entry, ct)
    if clean.get(seed_provenance.KEY):
        rows = seed_provenance.rows_by_entry([entry.id]).get(entry.id, [])
        data[seed_provenance.KEY] = seed_provenance.to_data(entry, rows, to_json(data))
    return data


def _record_provenance(applied: list[tuple], new_ids: dict[tuple[str, str], int]) -> None:
    """Record the provenance the file gives for the facts of its entries, now written
    (the new ones, inserted without the ORM, loaded for it)."""
    wanted = [(ct, clean, entry) for _path, ct, clean, entry, _before in applied if clean.get(seed_provenance.KEY)]
    new = [new_ids[(ct.key, clean["slug"])] for ct, clean, entry in wanted if entry is None]
    loaded: dict[int, m.Entry] = {}
    for start in range(0, len(new), 500):
        query = select(m.Entry).where(m.Entry.id.in_(new[start:start + 500]))
        loaded.update((e.id, e) for e in db.session.scalars(query))
    for ct, clean, entry in wanted:
        seed_provenance.record(entry or loaded[new_ids[(ct.key, clean["slug"])]], clean[seed_provenance.KEY])


def _existing_entries(cleaned: list[tuple[Path, ContentType, dict]]) -> dict[tuple[str, str], m.Entry]:
    """The entries an import updates, loaded in a few queries with their links."""
    slugs: dict[str, list[str]] = {}
    for _path, ct, clean in cleaned:
        slugs.setdefault(ct.key, []).append(clean["slug"])
    found: dict[tuple[str, str], m.Entry] = {}
    for key, type_slugs in slugs.items():
        model = BY_KEY[key].model
        for start in range(0, len(type_slugs), 500):
            # The type as well: the unique index is on (type, slug), so a slug alone scans the table.
            query = (select(model).where(model.type == key, model.slug.in_(type_slugs[start:start + 500]))
                     .options(selectinload("*")))
            for entry in db.session.scalars(query):
                found[(key, entry.slug)] = entry
    return found


def _entry_error(path: Path, slug: str, exc: FieldError) -> str:
    return _("%(file)s: entry %(slug)s, field %(field)s: %(message)s",
             file=path.name, slug=slug, field=exc.field, message=exc.message)


def import_path(path: str | Path) -> ImportReport:
    """Import a seed-format file or folder into the current transaction (flushed, not
    committed). Taxonomy first, then synonyms, then entries. Raises ``ImportFailed``."""
    with bulk.collector_paused():
        return _import_path(path)


def _import_path(path: str | Path) -> ImportReport:
    report = ImportReport()
    files = seed_files(Path(path))
    by_name = {p.name: p for p in files}
    entry_files = []
    try:
        if "themes.yaml" in by_name:
            import_themes(by_name["themes.yaml"], report)
        import_places(by_name.get("counties.csv"), by_name.get("municipalities.csv"), report)
        for name, model in TAXONOMY_LISTS.items():
            if name in by_name:
                import_named_list(by_name[name], model, report)
        if "synonyms.yaml" in by_name:
            import_synonyms(by_name["synonyms.yaml"], report)
        if LIMITS_FILE in by_name:
            try:
                report.taxonomy["procurement_limits"] += limits.import_limits(
                    read_yaml(by_name[LIMITS_FILE]), LIMITS_FILE)
            except ValueError as exc:
                raise ImportFailed([str(exc)]) from None
        if PROGRAMMES_FILE in by_name:
            try:
                report.taxonomy["programmes"] += catalogue.import_programmes(
                    read_yaml(by_name[PROGRAMMES_FILE]), PROGRAMMES_FILE)
            except ValueError as exc:
                raise ImportFailed([str(exc)]) from None
        db.session.flush()
        taxonomy_names = {"themes.yaml", "counties.csv", "municipalities.csv", "synonyms.yaml", LIMITS_FILE,
                          PROGRAMMES_FILE, *TAXONOMY_LISTS}
        entry_paths = [file for file in files if file.name not in taxonomy_names]
        for file in entry_paths:
            if file.suffix == ".csv":
                raise ImportFailed([_("%(file)s: unknown file; see docs/seed-format.md", file=file.name)])
        for file, checked in zip(entry_paths, _read_entry_files(entry_paths, Vocabulary.load())):
            if isinstance(checked, ImportFailed):
                raise checked
            entry_files.append((file, checked))
        _import_entries(entry_files, report)
    except SQLAlchemyError as exc:
        raise ImportFailed([_("The database refused the import: %(error)s", error=exc.__class__.__name__)]) from exc
    return report


def database_is_empty() -> bool:
    return db.session.scalar(select(m.Theme.number).limit(1)) is None
