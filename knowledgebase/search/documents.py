"""What the index holds for one entry, read from the database in bulk.

One function builds every document (``iter_documents``), for single saves, the bulk after
an import, rebuilds and drift checks alike. It reads with Core SELECTs, a handful per
thousand entries, instead of loading ORM objects: a rebuild of 100 000 entries spends its
time indexing, not loading."""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timezone

from sqlalchemy import Connection, select

from knowledgebase import models as m
from knowledgebase.content_types import CONTENT_TYPES
from knowledgebase.extensions import db
from knowledgebase.field_kinds import FieldKind
from knowledgebase.models import entries as tables
from knowledgebase.procurement_codes import cpv_codes, cpv_terms, reserved_eligible

CHUNK = 1000
Texts = list[tuple[str, str]]

_ENTRY = m.Entry.__table__
_LINKS = {
    "theme": (tables.entry_theme, "theme_key"),
    "package": (tables.entry_package, "competence_package_key"),
    "county": (tables.entry_county, "county_key"),
    "municipality": (tables.entry_municipality, "municipality_key"),
    "service": (tables.enterprise_service, "service_category_key"),
    "target_group": (tables.enterprise_target_group, "target_group_key"),
}


@dataclass
class IndexDoc:
    """One published entry as the index sees it."""

    entry_id: int
    type: str
    slug: str
    title_sv: str
    title_en: str
    updated: int
    title: Texts = field(default_factory=list)
    summary: Texts = field(default_factory=list)
    body: Texts = field(default_factory=list)
    # The names of an enterprise's service categories, CPV codes, target groups and legal
    # form: what buyers type, even when the entry's own texts do not use the word.
    tags: Texts = field(default_factory=list)
    places: list[str] = field(default_factory=list)
    facets: list[str] = field(default_factory=list)

    def stamp(self) -> str:
        """A fingerprint of everything indexed: the drift check compares it."""
        data = [self.type, self.slug, self.title_sv, self.title_en, self.updated, self.title,
                self.summary, self.body, self.tags, sorted(self.places), sorted(self.facets)]
        return hashlib.blake2b(json.dumps(data, ensure_ascii=False).encode(), digest_size=12).hexdigest()

    def label(self) -> str:
        return f"{self.type}/{self.slug} (#{self.entry_id})"


Column = tuple[str, str, FieldKind]


def _type_texts() -> dict[str, tuple[list[Column], list[Column]]]:
    """Per content type, the columns of its own fields that the index holds, as (column,
    language, kind): (those for the body, those for the title)."""
    spec: dict[str, tuple[list[Column], list[Column]]] = {}
    for ct in CONTENT_TYPES:
        body: list[Column] = []
        title: list[Column] = []
        for f in ct.fields:
            columns = [(column, lang, f.kind) for column, lang in f.kind.index_columns(f)]
            (title if f.search_title else body).extend(columns)
        spec[ct.key] = (body, title)
    return spec


_TYPE_TEXTS = _type_texts()
_MODELS = {ct.key: ct.model for ct in CONTENT_TYPES}


def _timestamp(value: datetime | None) -> int:
    if value is None:
        return 0
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    return int(value.timestamp())


class _Places:
    """Municipality and county names, the municipalities of each county, the CPV terms of
    each service category and the names (both languages) of the enterprise vocabularies,
    loaded once per run."""

    def __init__(self, conn: Connection):
        self.municipalities = {
            code: (name, county) for code, name, county in conn.execute(
                select(m.Municipality.code, m.Municipality.name, m.Municipality.county_code))
        }
        self.counties = dict(conn.execute(select(m.County.code, m.County.name)).all())
        self.in_county: dict[str, list[str]] = defaultdict(list)
        for code, (_name, county) in self.municipalities.items():
            self.in_county[county].append(code)
        self.cpv: dict[str, set[str]] = defaultdict(set)
        self.names: dict[str, dict[str, Texts]] = {}
        for name, model in (("service", m.ServiceCategory), ("target_group", m.TargetGroup),
                            ("legal_form", m.LegalForm)):
            self.names[name] = {slug: _named(sv, en) for slug, sv, en in conn.execute(
                select(model.slug, model.name_sv, model.name_en))}
        for code in cpv_codes(conn.execute(select(m.ServiceCategory.slug, m.ServiceCategory.cpv))):
            self.cpv[code.category].update(cpv_terms(code.code))
            self.names["service"].setdefault(code.category, []).extend(_named(code.name_sv, code.name_en))


def _named(name_sv: str | None, name_en: str | None) -> Texts:
    return [(text, lang) for text, lang in ((name_sv or "", "sv"), (name_en or "", "en")) if text.strip()]


def published_ids(conn: Connection) -> list[int]:
    return list(conn.scalars(select(_ENTRY.c.id).where(_ENTRY.c.status == m.PUBLISHED).order_by(_ENTRY.c.id)))


def iter_documents(conn: Connection, ids: Iterable[int] | None = None) -> Iterator[IndexDoc]:
    """Documents for the published entries among ``ids`` (all published entries if None),
    in chunks; ids that are not published (or gone) are skipped."""
    wanted = published_ids(conn) if ids is None else sorted(set(ids))
    places = _Places(conn)
    for start in range(0, len(wanted), CHUNK):
        yield from _chunk(conn, wanted[start:start + CHUNK], places)


def load_documents(ids: list[int]) -> Iterator[IndexDoc]:
    """``iter_documents`` for ``ids`` on a connection of its own (a child process that
    writes part of a bulk import into the index reads its share with this)."""
    with db.engine.connect() as conn:
        yield from iter_documents(conn, ids)


def _chunk(conn: Connection, ids: list[int], places: _Places) -> list[IndexDoc]:
    # In entry order: the index keeps documents in the order they are added, and a database
    # server returns rows in whatever order it stores them (an updated row moves).
    rows = conn.execute(select(_ENTRY).where(_ENTRY.c.id.in_(ids), _ENTRY.c.status == m.PUBLISHED)
                        .order_by(_ENTRY.c.id)).mappings().all()
    if not rows:
        return []
    found = [row["id"] for row in rows]
    links = {name: _links(conn, table, column, found) for name, (table, column) in _LINKS.items()}
    by_type: dict[str, list[int]] = defaultdict(list)
    for row in rows:
        by_type[row["type"]].append(row["id"])
    extra = {}
    for type_key, type_ids in by_type.items():
        table = _MODELS[type_key].__table__
        extra.update({r["id"]: r for r in conn.execute(select(table).where(table.c.id.in_(type_ids))).mappings()})
    return [_document(row, extra.get(row["id"], {}), links, places) for row in rows]


def _links(conn: Connection, table, column: str, ids: list[int]) -> dict[int, list]:
    result: dict[int, list] = defaultdict(list)
    for entry_id, key in conn.execute(select(table.c.entry_id, table.c[column]).where(table.c.entry_id.in_(ids))):
        result[entry_id].append(key)
    return result


def _document(row, extra, links: dict[str, dict[int, list]], places: _Places) -> IndexDoc:
    entry_id, type_key = row["id"], row["type"]
    body_columns, title_columns = _TYPE_TEXTS[type_key]
    doc = IndexDoc(
        entry_id=entry_id, type=type_key, slug=row["slug"], title_sv=row["title_sv"] or "",
        title_en=row["title_en"] or "", updated=_timestamp(row["updated_at"]),
        title=[(row["title_sv"] or "", "sv"), (row["title_en"] or "", "en")]
        + [(kind.index_text(extra.get(c)), lang) for c, lang, kind in title_columns],
        summary=[(row["summary_sv"] or "", "sv"), (row["summary_en"] or "", "en")],
        body=[(row["body_sv"] or "", "sv"), (row["body_en"] or "", "en"), (row["easy_read_sv"] or "", "sv")]
        + [(kind.index_text(extra.get(c)), lang) for c, lang, kind in body_columns],
    )
    for attr in ("title", "summary", "body"):
        setattr(doc, attr, [(text, lang) for text, lang in getattr(doc, attr) if text.strip()])
    municipalities = links["municipality"].get(entry_id, [])
    counties = set(links["county"].get(entry_id, []))
    counties |= {places.municipalities[c][1] for c in municipalities if c in places.municipalities}
    doc.places = sorted(places.municipalities[c][0] for c in municipalities if c in places.municipalities)
    doc.places += sorted(places.counties[c] for c in counties if c in places.counties)
    facets = [f"type:{type_key}", f"status:{m.PUBLISHED}", "language:sv"]
    if (row["title_en"] or "").strip() and (row["summary_en"] or "").strip():
        facets.append("language:en")
    facets += [f"county:{c}" for c in sorted(counties)]
    for name in ("theme", "package", "municipality", "service", "target_group"):
        facets += [f"{name}:{value}" for value in links[name].get(entry_id, [])]
    if type_key == "enterprise":
        facets += _buyer_terms(entry_id, extra, links, places)
        doc.tags = _tags(entry_id, extra, links, places)
    doc.facets = facets
    return doc


def _tags(entry_id: int, extra, links: dict[str, dict[int, list]], places: _Places) -> Texts:
    """The names of an enterprise's service categories (with their CPV codes' names), target
    groups and legal form, in both languages, as text."""
    keys = {name: sorted(links[name].get(entry_id, [])) for name in ("service", "target_group")}
    keys["legal_form"] = [extra["legal_form_slug"]] if extra.get("legal_form_slug") else []
    return [text for name, slugs in keys.items() for slug in slugs for text in places.names[name].get(slug, [])]


def _buyer_terms(entry_id: int, extra, links: dict[str, dict[int, list]], places: _Places) -> list[str]:
    """An enterprise's terms for the buyer's filters: legal form; reserved (``yes`` as
    procurement_codes.reserved_eligible); ``cpv:`` every CPV code of its services with its
    ancestors; ``serves:`` every municipality of its area (named, or in a whole county)."""
    terms = []
    if extra.get("legal_form_slug"):
        terms.append(f"legal_form:{extra['legal_form_slug']}")
    if extra.get("reserved_contracts") is not None:
        eligible = reserved_eligible(extra["reserved_contracts"], extra.get("reserved_share"))
        terms.append(f"reserved:{'yes' if eligible else 'no'}")
    cpv = {term for slug in links["service"].get(entry_id, []) for term in places.cpv.get(slug, ())}
    terms += [f"cpv:{term}" for term in sorted(cpv)]
    served = set(links["municipality"].get(entry_id, []))
    for county in links["county"].get(entry_id, []):
        served.update(places.in_county.get(county, ()))
    terms += [f"serves:{code}" for code in sorted(served)]
    return terms
