"""Entries to and from plain data (the seed format, the API), written once for all content
types from the registry in ``content_types``: the fields every entry shares here, each own
field by its kind (``knowledgebase.field_kinds``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache, partial
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import Table, insert, select

from knowledgebase import models as m
from knowledgebase.content_types import BY_KEY, ContentType
from knowledgebase.extensions import db
from knowledgebase.field_kinds import checks
from knowledgebase.field_kinds.bitext import export_pair, pair_columns
# FieldError and the patterns are imported from here by views and forms too.
from knowledgebase.field_kinds.checks import (  # noqa: F401
    EMAIL_RE,
    MAX_SHORT,
    PHONE_RE,
    SLUG_RE,
    URL_RE,
    FieldError,
)

COMMON_KEYS = (
    "slug", "status", "title", "summary", "body", "easy_read", "themes", "packages",
    "counties", "municipalities", "sources", "last_verified",
)


@dataclass
class Vocabulary:
    """The taxonomy values an entry may refer to, loaded once per import or form."""

    themes: set[int] = field(default_factory=set)
    packages: set[str] = field(default_factory=set)
    counties: set[str] = field(default_factory=set)
    municipalities: set[str] = field(default_factory=set)
    legal_forms: set[str] = field(default_factory=set)
    services: set[str] = field(default_factory=set)
    target_groups: set[str] = field(default_factory=set)

    @classmethod
    def load(cls) -> Vocabulary:
        def keys(column) -> set:
            return set(db.session.scalars(select(column)))

        return cls(
            themes=keys(m.Theme.number),
            packages=keys(m.CompetencePackage.code),
            counties=keys(m.County.code),
            municipalities=keys(m.Municipality.code),
            legal_forms=keys(m.LegalForm.slug),
            services=keys(m.ServiceCategory.slug),
            target_groups=keys(m.TargetGroup.slug),
        )

    def for_target(self, target: type) -> set[str]:
        return {
            m.LegalForm: self.legal_forms,
            m.ServiceCategory: self.services,
            m.TargetGroup: self.target_groups,
        }[target]


# -- checking -------------------------------------------------------------------------------

def _sources(value: Any) -> list[dict[str, str]]:
    sources = []
    for index, item in enumerate(checks.records("sources", value), 1):
        if not isinstance(item, dict):
            raise FieldError(f"sources[{index}]", _("must have a title and a url"))
        sources.append({
            "title": checks.text(f"sources[{index}].title", item.get("title"), 500, required=True),
            "url": checks.web_address(f"sources[{index}].url", item.get("url")),
        })
    return sources


def clean_entry_data(ct: ContentType, data: Any, vocabulary: Vocabulary) -> dict[str, Any]:
    """Check one entry's data (as read from the seed format) and return clean values.

    Raises ``FieldError`` naming the first field that cannot be accepted."""
    if not isinstance(data, dict):
        raise FieldError("entry", _("must be a mapping of fields"))
    known = set(COMMON_KEYS) | {f.name for f in ct.fields}
    unknown = sorted(set(data) - known)
    if unknown:
        raise FieldError(unknown[0], _("is not a field of this content type"))
    slug = checks.text("slug", data.get("slug"), 120, required=True)
    if not SLUG_RE.match(slug):
        raise FieldError("slug", _("may contain only a-z, 0-9 and hyphens"))
    status = checks.text("status", data.get("status") or "draft", 20)
    if status not in m.STATUSES:
        raise FieldError("status", _("must be one of %(choices)s", choices=", ".join(m.STATUSES)))
    clean: dict[str, Any] = {
        "slug": slug,
        "status": status,
        "title": checks.bitext("title", data.get("title"), MAX_SHORT, required=True),
        "summary": checks.bitext("summary", data.get("summary"), required=True),
        "body": checks.bitext("body", data.get("body")),
        "easy_read": checks.text("easy_read", data.get("easy_read")),
        "themes": checks.codes("themes", data.get("themes"), vocabulary.themes, int),
        "packages": checks.codes("packages", data.get("packages"), vocabulary.packages),
        "counties": checks.codes("counties", data.get("counties"), vocabulary.counties),
        "municipalities": checks.codes("municipalities", data.get("municipalities"), vocabulary.municipalities),
        "sources": _sources(data.get("sources")),
        "last_verified": checks.iso_date("last_verified", data.get("last_verified")),
    }
    if status == m.PUBLISHED and not clean["sources"]:
        raise FieldError("sources", _("a published entry needs at least one source"))
    for spec in ct.fields:
        clean[spec.name] = spec.kind.check(spec, data.get(spec.name), vocabulary)
    return clean


# -- applying clean data to a model -------------------------------------------------------

class TaxonomyRows:
    """Taxonomy rows by key, each table loaded once: a bulk import then needs no query per
    entry for its themes, places and vocabularies."""

    def __init__(self) -> None:
        self._rows: dict[type, dict] = {}

    def get(self, model: type, column, keys: list) -> list:
        rows = self._rows.get(model)
        if rows is None:
            rows = self._rows[model] = {getattr(r, column.key): r for r in db.session.scalars(select(model))}
        return [rows[key] for key in keys]


def _by_keys(model: type, column, keys: list, taxonomy: TaxonomyRows | None = None) -> list:
    if not keys:
        return []
    if taxonomy is not None:
        return taxonomy.get(model, column, keys)
    found = {getattr(row, column.key): row for row in db.session.scalars(select(model).where(column.in_(keys)))}
    return [found[key] for key in keys]


def apply_entry_data(entry: m.Entry, ct: ContentType, clean: dict[str, Any],
                     taxonomy: TaxonomyRows | None = None) -> None:
    """Copy clean values onto ``entry``, except links to other entries (``apply_entry_links``).
    ``taxonomy`` (optional) serves the taxonomy rows from memory, for bulk imports."""
    entry.slug = clean["slug"]
    entry.status = clean["status"]
    for name in ("title", "summary", "body"):
        for attr, value in pair_columns(name, clean[name]).items():
            setattr(entry, attr, value)
    entry.easy_read_sv = clean["easy_read"]
    entry.last_verified = clean["last_verified"]
    entry.themes = _by_keys(m.Theme, m.Theme.number, clean["themes"], taxonomy)
    entry.packages = _by_keys(m.CompetencePackage, m.CompetencePackage.code, clean["packages"], taxonomy)
    entry.counties = _by_keys(m.County, m.County.code, clean["counties"], taxonomy)
    entry.municipalities = _by_keys(m.Municipality, m.Municipality.code, clean["municipalities"], taxonomy)
    _apply_sources(entry, clean["sources"])
    rows = partial(_by_keys, taxonomy=taxonomy)
    for spec in ct.fields:
        spec.kind.apply(entry, spec, clean[spec.name], rows)


def _apply_sources(entry: m.Entry, sources: list[dict[str, str]]) -> None:
    current = [(s.title, s.url) for s in entry.sources]
    wanted = [(s["title"], s["url"]) for s in sources]
    if current == wanted:
        return
    entry.sources = [m.Source(position=i, title=t, url=u) for i, (t, u) in enumerate(wanted)]


def apply_entry_links(entry: m.Entry, ct: ContentType, clean: dict[str, Any]) -> None:
    """Resolve links to other entries by slug; raise ``FieldError`` for a missing one."""
    for spec in ct.fields:
        if not spec.kind.links_entries:
            continue
        target = BY_KEY[spec.target_type]
        slugs = clean[spec.name]
        rows = {e.slug: e for e in db.session.scalars(
            select(target.model).where(target.model.slug.in_(slugs)))} if slugs else {}
        missing = [slug for slug in slugs if slug not in rows]
        if missing:
            raise FieldError(spec.name, _("unknown value %(value)s", value=missing[0]))
        setattr(entry, spec.name, [rows[slug] for slug in slugs])


# -- inserting new entries in bulk ---------------------------------------------------------

@lru_cache(maxsize=None)
def _secondary(model: type, name: str) -> tuple[Table, str, str]:
    """The link table of a many-to-many relationship: (table, column of this entry's id,
    column of the linked row's key)."""
    rel = model.__mapper__.relationships[name]
    ((_, own),) = rel.synchronize_pairs
    ((_, other),) = rel.secondary_synchronize_pairs
    return rel.secondary, own.key, other.key


@lru_cache(maxsize=None)
def _children(model: type, name: str) -> tuple[Table, str]:
    """The table of a one-to-many relationship and its column of the parent's id."""
    rel = model.__mapper__.relationships[name]
    ((_, own),) = rel.synchronize_pairs
    return rel.mapper.local_table, own.key


@lru_cache(maxsize=None)
def _column(model: type, attr: str):
    return model.__mapper__.columns[attr]


def insert_new_entries(items: list[tuple[ContentType, dict[str, Any]]]) -> list[int]:
    """Insert entries that are not yet in the database, with their taxonomy links, sources
    and contracts, as ``apply_entry_data`` and a flush would (same rows, same ids in the
    same order), but with a few Core INSERTs per table instead of the ORM's unit of work.
    Links to other entries are left to ``insert_new_entry_links``. Returns the new ids in
    the order of ``items``. No ORM events fire: the caller tells the search index."""
    if not items:
        return []
    entry_table: Table = m.Entry.__table__
    base_rows = []
    for ct, clean in items:
        base_rows.append({
            "type": ct.model.__mapper__.polymorphic_identity,
            "slug": clean["slug"],
            "status": clean["status"],
            **{f"{name}_{lang}": clean[name][lang] for name in ("title", "summary", "body") for lang in ("sv", "en")},
            "easy_read_sv": clean["easy_read"],
            "last_verified": clean["last_verified"],
        })
    # One statement for every type keeps the ids in file order, as the ORM's flush gives them.
    # created_at, updated_at and version come from the columns' defaults, per row.
    ids: dict[tuple[str, str], int] = {}
    for start in range(0, len(base_rows), 5000):
        result = db.session.execute(
            insert(entry_table).returning(entry_table.c.id, entry_table.c.type, entry_table.c.slug),
            base_rows[start:start + 5000])
        ids.update({(type_, slug): id_ for id_, type_, slug in result})
    new_ids = [ids[(row["type"], row["slug"])] for row in base_rows]

    rows = _NewRows()
    for (ct, clean), entry_id in zip(items, new_ids):
        rows.start(ct.model, entry_id)
        for name in ("themes", "packages", "counties", "municipalities"):
            rows.link(name, clean[name])
        rows.child("sources", [{"title": s["title"], "url": s["url"]} for s in clean["sources"]])
        for spec in ct.fields:
            spec.kind.bulk(spec, clean[spec.name], rows)
    for groups in (rows.own, rows.links, rows.children):
        for table, table_rows in groups.items():
            if table_rows:
                db.session.execute(insert(table), table_rows)
    return new_ids


class _NewRows:
    """The rows of a bulk insert by table: each new entry's own row (of its type's table),
    its link rows and its child rows. Serves one entry at a time, from ``start``, as the
    ``field_kinds.BulkRow`` its fields fill."""

    def __init__(self) -> None:
        self.own: dict[Table, list[dict]] = {}
        self.links: dict[Table, list[dict]] = {}
        self.children: dict[Table, list[dict]] = {}

    def start(self, model: type, entry_id: int) -> None:
        self.model, self.entry_id = model, entry_id
        self.row: dict[str, Any] = {"id": entry_id}
        self.own.setdefault(model.__table__, []).append(self.row)

    def set(self, attr: str, value: Any) -> None:
        self.row[_column(self.model, attr).key] = value

    def link(self, relationship: str, keys: list) -> None:
        table, own, other = _secondary(self.model, relationship)
        self.links.setdefault(table, []).extend({own: self.entry_id, other: key} for key in keys)

    def child(self, relationship: str, rows: list[dict[str, Any]]) -> None:
        table, own = _children(self.model, relationship)
        self.children.setdefault(table, []).extend(
            {own: self.entry_id, "position": i, **row} for i, row in enumerate(rows))


def insert_new_entry_links(items: list[tuple[ContentType, dict[str, Any], int]]) -> dict[int, FieldError]:
    """Links to other entries (by slug) of entries inserted by ``insert_new_entries``:
    ``items`` are (type, clean data, id). Returns a ``FieldError`` per position in ``items``
    whose data names a missing entry (as ``apply_entry_links`` would raise); the others'
    links are inserted."""
    wanted: dict[str, set[str]] = {}
    for ct, clean, _id in items:
        for spec in ct.fields:
            if spec.kind.links_entries and clean[spec.name]:
                wanted.setdefault(spec.target_type, set()).update(clean[spec.name])
    found: dict[str, dict[str, int]] = {}
    for type_key, slugs in wanted.items():
        model, ordered = BY_KEY[type_key].model, sorted(slugs)
        found[type_key] = {}
        for start in range(0, len(ordered), 500):
            found[type_key].update(db.session.execute(
                select(model.slug, model.id).where(model.slug.in_(ordered[start:start + 500]))).all())
    errors: dict[int, FieldError] = {}
    rows: dict[Table, list[dict]] = {}
    for position, (ct, clean, entry_id) in enumerate(items):
        for spec in ct.fields:
            if not spec.kind.links_entries or not clean[spec.name]:
                continue
            targets = found[spec.target_type]
            missing = [slug for slug in clean[spec.name] if slug not in targets]
            if missing:
                errors[position] = FieldError(spec.name, _("unknown value %(value)s", value=missing[0]))
                break
            table, own, other = _secondary(ct.model, spec.name)
            rows.setdefault(table, []).extend({own: entry_id, other: targets[slug]} for slug in clean[spec.name])
    if not errors:
        for table, table_rows in rows.items():
            db.session.execute(insert(table), table_rows)
    return errors


# -- model to plain data ------------------------------------------------------------------

def entry_to_data(entry: m.Entry, ct: ContentType) -> dict[str, Any]:
    """The entry in the seed format (also the basis of the API's detail view)."""
    data: dict[str, Any] = {
        "slug": entry.slug,
        "status": entry.status,
        "title": export_pair(entry, "title"),
        "summary": export_pair(entry, "summary"),
    }
    if entry.body_sv or entry.body_en:
        data["body"] = export_pair(entry, "body")
    if entry.easy_read_sv:
        data["easy_read"] = entry.easy_read_sv
    # Sorted, so that the order of links never counts as a change.
    data["themes"] = sorted(t.number for t in entry.themes)
    data["packages"] = sorted(p.code for p in entry.packages)
    data["counties"] = sorted(c.code for c in entry.counties)
    data["municipalities"] = sorted(mu.code for mu in entry.municipalities)
    for spec in ct.fields:
        value = spec.kind.export(entry, spec)
        if value not in (None, "", [], {"sv": ""}):
            data[spec.name] = value
    data["sources"] = [{"title": s.title, "url": s.url} for s in entry.sources]
    data["last_verified"] = entry.last_verified
    return data
