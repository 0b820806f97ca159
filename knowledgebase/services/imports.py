"""Import and export of the seed format (see docs/seed-format.md).

An import reads and checks everything, applies it in the caller's transaction and flushes;
on any error it raises ``ImportFailed`` with every message, and the caller rolls back, so
the database is left as it was."""

from __future__ import annotations

import csv
import os
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
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
from knowledgebase.services import buyers, route_guide
from knowledgebase.services.serialization import (
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
# Amounts that decide the procurement route (services.route_guide, docs/buyers.md).
LIMITS_FILE = "procurement_limits.yaml"
# Entry files together this large are read by several processes (``_read_entry_files``).
PARALLEL_READ_BYTES = 2_000_000


class ImportFailed(Exception):
    """The import was refused; ``errors`` are messages that name file, entry and field."""

    def __init__(self, errors: list[str]):
        super().__init__("\n".join(errors))
        self.errors = errors

    def __reduce__(self):  # pickled by the reading processes (``_read_entry_files``)
        return ImportFailed, (self.errors,)


@dataclass
class ImportReport:
    created: Counter = field(default_factory=Counter)
    updated: Counter = field(default_factory=Counter)
    unchanged: Counter = field(default_factory=Counter)
    taxonomy: Counter = field(default_factory=Counter)
    # (type, slug, "created" | "updated" | "unchanged") for each entry, for dry runs.
    entries: list[tuple[str, str, str]] = field(default_factory=list)

    def summary(self) -> str:
        parts = []
        for key in sorted(set(self.created) | set(self.updated) | set(self.unchanged)):
            parts.append(_("%(type)s: %(created)d created, %(updated)d updated, %(unchanged)d unchanged",
                           type=key, created=self.created[key], updated=self.updated[key],
                           unchanged=self.unchanged[key]))
        return "\n".join(parts) or _("Nothing to import.")


# -- reading files ------------------------------------------------------------------------

_STR_TAG = "tag:yaml.org,2002:str"


class _Loader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """The safe loader (libyaml's when available) with a short cut for plain text, most of
    the values in a seed file: the safe constructor returns ``node.value`` for it too, after
    four Python calls."""

    def construct_object(self, node: yaml.Node, deep: bool = False) -> Any:
        if node.tag == _STR_TAG and node.__class__ is yaml.ScalarNode:
            return node.value
        return super().construct_object(node, deep)


def _read_yaml(path: Path) -> Any:
    try:
        with path.open(encoding="utf-8") as handle:
            # libyaml's loader when available: same results, several times faster.
            return yaml.load(handle, Loader=_Loader)
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise ImportFailed([_("%(file)s: cannot be read: %(error)s", file=path.name, error=exc)]) from None


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
        ct, raw_entries = _entry_file(path, _read_yaml(path))
    except ImportFailed as exc:
        return exc
    checked = []
    for index, raw in enumerate(raw_entries, 1):
        slug = raw.get("slug") if isinstance(raw, dict) else None
        label = str(slug or f"#{index}")
        try:
            checked.append((label, clean_entry_data(ct, raw, vocabulary), None))
        except FieldError as exc:
            checked.append((label, None, _entry_error(path, label, exc)))
    return ct.key, checked


def _read_procs() -> int:
    """Processes reading YAML: one while serving a request (an upload in the admin area) or
    where there is no fork (``bulk.allowed``)."""
    if not bulk.allowed():
        return 1
    configured = current_app.config.get("IMPORT_READ_PROCS") if has_app_context() else None
    return int(configured or min(os.cpu_count() or 1, 4))


def _read_csv(path: Path, columns: tuple[str, ...]) -> list[dict[str, str]]:
    try:
        with path.open(encoding="utf-8", newline="") as handle:
            rows = list(csv.DictReader(handle))
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise ImportFailed([_("%(file)s: cannot be read: %(error)s", file=path.name, error=exc)]) from None
    for number, row in enumerate(rows, 2):
        if any(not (row.get(col) or "").strip() for col in columns):
            raise ImportFailed([_("%(file)s: line %(line)d: the columns %(columns)s are required",
                                  file=path.name, line=number, columns=", ".join(columns))])
    return rows


def _files(path: Path) -> list[Path]:
    if path.is_file():
        return [path]
    if path.is_dir():
        return sorted(p for p in path.rglob("*") if p.suffix in (".yaml", ".yml", ".csv"))
    raise ImportFailed([_("%(path)s: no such file or folder", path=str(path))])


# -- taxonomy -----------------------------------------------------------------------------

def _named(value: Any, where: str) -> tuple[str, str]:
    if isinstance(value, str):
        value = {"sv": value}
    if not isinstance(value, dict) or not str(value.get("sv") or "").strip():
        raise ImportFailed([_("%(where)s: a name in Swedish (sv) is required", where=where)])
    return str(value["sv"]).strip(), str(value.get("en") or "").strip()


def _upsert(model: type, key: Any, **values: Any) -> bool:
    """Create or update one taxonomy row; True if anything changed."""
    row = db.session.get(model, key)
    if row is None:
        row = model(**values)
        db.session.add(row)
        return True
    changed = False
    for name, value in values.items():
        if getattr(row, name) != value:
            setattr(row, name, value)
            changed = True
    return changed


def _import_themes(path: Path, report: ImportReport) -> None:
    data = _read_yaml(path)
    themes = data.get("themes") if isinstance(data, dict) else None
    if not isinstance(themes, list):
        raise ImportFailed([_("%(file)s: expected a list under 'themes'", file=path.name)])
    for theme in themes:
        number = theme.get("number") if isinstance(theme, dict) else None
        if number not in (1, 2, 3):
            raise ImportFailed([_("%(file)s: every theme needs a number 1-3", file=path.name)])
        where = f"{path.name}: {number}"
        name_sv, name_en = _named(theme.get("name"), where)
        desc_sv, desc_en = _bitext_pair(theme.get("description"))
        _upsert(m.Theme, number, number=number, name_sv=name_sv, name_en=name_en,
                description_sv=desc_sv, description_en=desc_en)
        report.taxonomy["themes"] += 1
        db.session.flush()
        for package in theme.get("packages") or []:
            pnum = package.get("number") if isinstance(package, dict) else None
            if pnum not in (1, 2, 3):
                raise ImportFailed([_("%(where)s: every competence package needs a number 1-3", where=where)])
            code = f"{number}.{pnum}"
            name_sv, name_en = _named(package.get("name"), f"{path.name}: {code}")
            desc_sv, desc_en = _bitext_pair(package.get("description"))
            _upsert(m.CompetencePackage, code, code=code, theme_number=number, number=pnum,
                    name_sv=name_sv, name_en=name_en, description_sv=desc_sv, description_en=desc_en)
            report.taxonomy["packages"] += 1


def _bitext_pair(value: Any) -> tuple[str, str]:
    if isinstance(value, str):
        return value.strip(), ""
    if isinstance(value, dict):
        return str(value.get("sv") or "").strip(), str(value.get("en") or "").strip()
    return "", ""


def _import_named_list(path: Path, model: type, report: ImportReport) -> None:
    data = _read_yaml(path)
    if not isinstance(data, list):
        raise ImportFailed([_("%(file)s: expected a list", file=path.name)])
    for item in data:
        slug = item.get("slug") if isinstance(item, dict) else None
        if not isinstance(slug, str) or not slug:
            raise ImportFailed([_("%(file)s: every item needs a slug", file=path.name)])
        name_sv, name_en = _named(item.get("name"), f"{path.name}: {slug}")
        values = {"slug": slug, "name_sv": name_sv, "name_en": name_en}
        if model is m.ServiceCategory:
            where = f"{path.name}: {slug}"
            try:
                values["cpv"] = buyers.clean_cpv_list(item.get("cpv"), where)
            except ValueError as exc:
                raise ImportFailed([str(exc)]) from None
            routes = item.get("routes") or []
            if not isinstance(routes, list) or set(routes) - {"lov", "iop"}:
                raise ImportFailed([_("%(where)s: routes may list lov and iop", where=where)])
            values["routes"] = list(routes)
        _upsert(model, slug, **values)
        report.taxonomy[path.stem] += 1


def _import_places(counties: Path | None, municipalities: Path | None, report: ImportReport) -> None:
    if counties:
        for row in _read_csv(counties, ("code", "name")):
            _upsert(m.County, row["code"], code=row["code"], name=row["name"])
            report.taxonomy["counties"] += 1
        db.session.flush()
    if municipalities:
        known = set(db.session.scalars(select(m.County.code)))
        for number, row in enumerate(_read_csv(municipalities, ("code", "name", "county_code")), 2):
            if row["county_code"] not in known:
                raise ImportFailed([_("%(file)s: line %(line)d: unknown county %(value)s",
                                      file=municipalities.name, line=number, value=row["county_code"])])
            _upsert(m.Municipality, row["code"], code=row["code"], name=row["name"],
                    county_code=row["county_code"])
            report.taxonomy["municipalities"] += 1


def _import_synonyms(path: Path, report: ImportReport) -> None:
    data = _read_yaml(path)
    groups = data.get("groups") if isinstance(data, dict) else None
    if not isinstance(groups, list):
        raise ImportFailed([_("%(file)s: expected a list under 'groups'", file=path.name)])
    existing = {tuple(g.terms) for g in db.session.scalars(select(m.SynonymGroup))}
    for number, group in enumerate(groups, 1):
        if not isinstance(group, list) or len(group) < 2 or not all(isinstance(t, str) and t.strip() for t in group):
            raise ImportFailed([_("%(file)s: group %(number)d must list at least two words",
                                  file=path.name, number=number)])
        terms = tuple(t.strip() for t in group)
        if terms not in existing:
            db.session.add(m.SynonymGroup(terms=list(terms)))
            existing.add(terms)
        report.taxonomy["synonyms"] += 1


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
            before = entry_to_data(entry, ct)
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
    for path, ct, clean, entry, before in applied:
        outcome = "created" if entry is None else (
            "unchanged" if before == entry_to_data(entry, ct) else "updated")
        getattr(report, outcome)[ct.key] += 1
        report.entries.append((ct.key, clean["slug"], outcome))


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
    files = _files(Path(path))
    by_name = {p.name: p for p in files}
    entry_files = []
    try:
        if "themes.yaml" in by_name:
            _import_themes(by_name["themes.yaml"], report)
        _import_places(by_name.get("counties.csv"), by_name.get("municipalities.csv"), report)
        for name, model in TAXONOMY_LISTS.items():
            if name in by_name:
                _import_named_list(by_name[name], model, report)
        if "synonyms.yaml" in by_name:
            _import_synonyms(by_name["synonyms.yaml"], report)
        if LIMITS_FILE in by_name:
            try:
                report.taxonomy["procurement_limits"] += route_guide.import_limits(
                    _read_yaml(by_name[LIMITS_FILE]), LIMITS_FILE)
            except ValueError as exc:
                raise ImportFailed([str(exc)]) from None
        db.session.flush()
        taxonomy_names = {"themes.yaml", "counties.csv", "municipalities.csv", "synonyms.yaml", LIMITS_FILE,
                          *TAXONOMY_LISTS}
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


# -- export -------------------------------------------------------------------------------

class _Dumper(yaml.SafeDumper):
    """YAML with block scalars for multi-line texts, so files read well in a diff."""


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
    _dump(root / "taxonomy" / LIMITS_FILE, route_guide.export_limits())
    groups = [list(g.terms) for g in db.session.scalars(select(m.SynonymGroup).order_by(m.SynonymGroup.id))]
    _dump(root / "search" / "synonyms.yaml", {"groups": groups})
    for ct in CONTENT_TYPES:
        entries = list(db.session.scalars(select(ct.model).order_by(ct.model.slug)))
        _dump(root / "entries" / ENTRY_FILES[ct.key],
              {"type": ct.key, "entries": [entry_to_data(e, ct) for e in entries]})
        counts[ct.key] = len(entries)
    return counts


def _write_csv(path: Path, header: tuple[str, ...], rows: list[tuple]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)
