"""Reading published content: lists with filters, details, and what relates to what.
Only published entries ever leave these functions."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Callable, Iterable, Mapping

from sqlalchemy import Select, func, inspect, or_, select
from sqlalchemy.orm import selectinload

from knowledgebase import freshness
from knowledgebase import models as m
from knowledgebase.content_types import BY_KEY, CONTENT_TYPES, ContentType
from knowledgebase.extensions import db
from knowledgebase.inputs import COUNTY_CODE, MUNICIPALITY_CODE, BadFilter, BadInput, is_slug, whole_number

SORTS = ("title", "updated")
# The shape of each filter's values, checked before any value reaches the database.
FILTER_SHAPES = {
    "package": re.compile(r"^[1-3]\.[1-3]$"),
    "county": COUNTY_CODE,
    "municipality": MUNICIPALITY_CODE,
}




@dataclass
class EntryFilters:
    """Taxonomy filters: AND across kinds, OR within one kind."""

    themes: list[int] = field(default_factory=list)
    packages: list[str] = field(default_factory=list)
    counties: list[str] = field(default_factory=list)
    municipalities: list[str] = field(default_factory=list)
    # Only entries confirmed within the shelf life (``fresh=1``; services.upkeep.provenance).
    fresh: bool = False

    def is_empty(self) -> bool:
        return not (self.themes or self.packages or self.counties or self.municipalities or self.fresh)

    def as_args(self) -> dict[str, list[str]]:
        return {
            "theme": [str(t) for t in self.themes],
            "package": list(self.packages),
            "county": list(self.counties),
            "municipality": list(self.municipalities),
            "fresh": ["1"] if self.fresh else [],
        }


def _known(column, values: Iterable[str]) -> set:
    values = list(values)
    if not values:
        return set()
    return set(db.session.scalars(select(column).where(column.in_(values))))


def parse_filters(args: Mapping) -> EntryFilters:
    """Read ``theme``, ``package``, ``county`` and ``municipality`` (each repeatable) and
    ``fresh=1`` from query arguments; raise ``BadFilter`` for a value that names nothing."""
    getlist = args.getlist if hasattr(args, "getlist") else lambda k: [args[k]] if k in args else []
    filters = EntryFilters()
    for raw in getlist("fresh"):
        if raw not in ("", "0", "1"):
            raise BadFilter("fresh", raw)
        filters.fresh = filters.fresh or raw == "1"
    for raw in getlist("theme"):
        try:
            filters.themes.append(whole_number(raw, "theme", maximum=3))
        except BadInput:
            raise BadFilter("theme", raw) from None
    for name, column, target in (
        ("package", m.CompetencePackage.code, filters.packages),
        ("county", m.County.code, filters.counties),
        ("municipality", m.Municipality.code, filters.municipalities),
    ):
        values = [v for v in getlist(name) if v != ""]
        for value in values:
            if not FILTER_SHAPES[name].match(value):
                raise BadFilter(name, value)
        known = _known(column, values)
        for value in values:
            if value not in known:
                raise BadFilter(name, value)
            target.append(value)
    return filters


def county_clause(codes: list[str]):
    """Entries about a county: linked to it, or to a municipality in it."""
    return or_(
        m.Entry.counties.any(m.County.code.in_(codes)),
        m.Entry.municipalities.any(m.Municipality.county_code.in_(codes)),
    )


def published_query(ct: ContentType | None, filters: EntryFilters | None = None,
                    today: date | None = None) -> Select:
    """A SELECT of published entries of one type (or all types) matching ``filters``
    (``fresh``: confirmed within the shelf life before ``today``)."""
    model = ct.model if ct else m.Entry
    query = select(model).where(model.status == m.PUBLISHED)
    filters = filters or EntryFilters()
    if filters.themes:
        query = query.where(model.themes.any(m.Theme.number.in_(filters.themes)))
    if filters.packages:
        query = query.where(model.packages.any(m.CompetencePackage.code.in_(filters.packages)))
    if filters.counties:
        query = query.where(county_clause(filters.counties))
    if filters.municipalities:
        query = query.where(model.municipalities.any(m.Municipality.code.in_(filters.municipalities)))
    if filters.fresh:
        cutoff = freshness.months_before(today or date.today(), freshness.shelf_life_months())
        query = query.where(freshness.fresh_clause(model, cutoff))
    return query


@dataclass
class Page:
    items: list
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.per_page))


def paginate(query: Select, page: int, per_page: int) -> Page:
    total = db.session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    items = list(db.session.scalars(query.offset((page - 1) * per_page).limit(per_page)))
    return Page(items, total or 0, page, per_page)


def list_published(ct: ContentType, filters: EntryFilters, page: int = 1, per_page: int = 20,
                   sort: str = "title", locale: str = "sv") -> Page:
    """One page of published entries of a type, sorted by title or last update."""
    model = ct.model
    query = published_query(ct, filters).options(*_load_options())
    if sort == "updated":
        query = query.order_by(model.updated_at.desc(), model.id)
    else:
        title = model.title_en if locale == "en" else model.title_sv
        query = query.order_by(func.lower(func.coalesce(func.nullif(title, ""), model.title_sv)), model.id)
    return paginate(query, page, per_page)


def _load_options():
    """What a card in a list shows, loaded for the whole list in one query per relation."""
    return (
        selectinload(m.Entry.themes),
        selectinload(m.Entry.municipalities),
        selectinload(m.Entry.counties),
    )


def with_every_relation(query: Select, model: type[m.Entry]) -> Select:
    """``query`` loading every relation of ``model`` (its own and the shared ones, one level
    deep) for all its rows at once: for code that reads whole entries (a detail page, the
    exports), which would otherwise load each relation row by row."""
    return query.options(*(selectinload(relation.class_attribute) for relation in inspect(model).relationships))


def with_card_data(query: Select) -> Select:
    """``query`` loading what an entry card shows (``_load_options``)."""
    return query.options(*_load_options())


def get_published(ct: ContentType, slug: str) -> m.Entry | None:
    """The published entry of type ``ct`` with ``slug``; None for anything that is not a slug."""
    if not is_slug(slug):
        return None
    # Every relation the detail page and the API show, one query each (not one per use).
    query = select(ct.model).where(ct.model.slug == slug, ct.model.status == m.PUBLISHED)
    return db.session.scalars(with_every_relation(query, ct.model)).first()


def published_only(entries: Iterable[m.Entry]) -> list[m.Entry]:
    return [e for e in entries if e.status == m.PUBLISHED]


def entries_by_type(filters: EntryFilters, limit: int = 50,
                    where: Callable[[type[m.Entry]], Any] | None = None) -> dict[str, list[m.Entry]]:
    """Published entries of every type matching ``filters`` (and ``where(model)``, a further
    condition), grouped by type (for theme, package, municipality and county pages)."""
    grouped: dict[str, list[m.Entry]] = {}
    for ct in CONTENT_TYPES:
        query = published_query(ct, filters)
        if where is not None:
            query = query.where(where(ct.model))
        query = query.order_by(ct.model.title_sv).limit(limit)
        items = list(db.session.scalars(query))
        if items:
            grouped[ct.key] = items
    load_card_data([entry for items in grouped.values() for entry in items])
    return grouped


def load_card_data(entries: list[m.Entry]) -> None:
    """Load what the cards of ``entries`` show, for all of them at once (a query per
    relation, not per entry and type)."""
    if entries:
        db.session.scalars(with_card_data(select(m.Entry).where(m.Entry.id.in_([e.id for e in entries])))).all()


def first_published_slugs() -> dict[str, str]:
    """The first published slug (in slug order) of each content type that has one, by type
    key, in one query."""
    query = select(m.Entry.type, func.min(m.Entry.slug)).where(m.Entry.status == m.PUBLISHED).group_by(m.Entry.type)
    return {type_key: slug for type_key, slug in db.session.execute(query)}


def count_by_type(filters: EntryFilters) -> dict[str, int]:
    return {
        ct.key: db.session.scalar(select(func.count()).select_from(published_query(ct, filters).subquery()))
        for ct in CONTENT_TYPES
    }


def related_entries(entry: m.Entry) -> dict[str, list[m.Entry]]:
    """What a reader of ``entry`` wants next: for an enterprise, its examples and the advice
    contacts and networks of its area; for an example, its enterprises; for places, the
    advice contacts and networks there."""
    related: dict[str, list[m.Entry]] = {}
    # An enterprise's examples, an example's enterprises, a term's related terms.
    for key, relation in (("example", "examples"), ("enterprise", "enterprises"), ("glossary", "related")):
        ids = [e.id for e in getattr(entry, relation, ()) if e.status == m.PUBLISHED]
        if ids:
            query = published_query(BY_KEY[key]).where(m.Entry.id.in_(ids)).order_by(m.Entry.title_sv)
            related[key] = list(db.session.scalars(query))
    counties = sorted(entry.county_codes())
    if counties and entry.type in ("enterprise", "example"):
        for key in ("advice", "network"):
            query = published_query(BY_KEY[key], EntryFilters(counties=counties)).order_by(m.Entry.title_sv)
            related[key] = list(db.session.scalars(query.limit(20)))
    load_card_data([item for items in related.values() for item in items])
    return {key: items for key, items in related.items() if items}


def easy_read_entries() -> dict[str, list[m.Entry]]:
    """Published entries that have an easy-to-read text, grouped by type."""
    grouped: dict[str, list[m.Entry]] = {}
    for ct in CONTENT_TYPES:
        query = published_query(ct).where(ct.model.easy_read_sv != "").order_by(ct.model.title_sv)
        items = list(db.session.scalars(query))
        if items:
            grouped[ct.key] = items
    return grouped
