"""Reading the taxonomy: themes, packages, places and vocabularies."""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass

from flask import has_request_context, request
from sqlalchemy import or_, select
from sqlalchemy.orm import Session, selectinload

from knowledgebase import content_version
from knowledgebase import models as m
from knowledgebase.extensions import db
from knowledgebase.services.content.entries import EntryFilters, entries_by_type

# The counties of the project region: Jönköpings, Kronobergs, Kalmar and Gotlands län.
REGION_COUNTIES = ("06", "07", "08", "09")
# Databases whose taxonomy a process keeps (one in production; the tests make many apps).
KEPT_DATABASES = 4


@dataclass(frozen=True)
class Loaded:
    """The themes (with their packages), counties (with their municipalities) and the
    vocabularies of one content version, loaded completely and detached from any session:
    read-only."""

    version: str
    themes: list[m.Theme]
    counties: list[m.County]
    services: list[m.ServiceCategory]
    target_groups: list[m.TargetGroup]
    legal_forms: list[m.LegalForm]


_kept: OrderedDict[str, Loaded] = OrderedDict()
_lock = threading.Lock()


def _load(version: str) -> Loaded:
    # A session of its own: the request's session never holds these shared objects. Each
    # relation is loaded both ways, so nothing is left to load lazily once detached.
    with Session(db.engine) as session:
        themes = list(session.scalars(select(m.Theme).options(
            selectinload(m.Theme.packages).joinedload(m.CompetencePackage.theme)).order_by(m.Theme.number)))
        counties = list(session.scalars(select(m.County).options(
            selectinload(m.County.municipalities).joinedload(m.Municipality.county)).order_by(m.County.code)))
        vocabularies = [list(session.scalars(select(model).order_by(model.slug)))
                        for model in (m.ServiceCategory, m.TargetGroup, m.LegalForm)]
        session.expunge_all()
    return Loaded(version, themes, counties, *vocabularies)


def _loaded() -> Loaded | None:
    """The taxonomy kept in memory, read again when the content version changed; None
    outside a GET (a request that writes reads what its own transaction sees)."""
    if not has_request_context() or request.method not in ("GET", "HEAD"):
        return None
    version = content_version.current().token
    database = db.engine.url.render_as_string()
    with _lock:
        kept = _kept.get(database)
        if kept is not None and kept.version == version:
            _kept.move_to_end(database)
            return kept
    kept = _load(version)
    with _lock:
        _kept[database] = kept
        _kept.move_to_end(database)
        while len(_kept) > KEPT_DATABASES:
            _kept.popitem(last=False)
    return kept


def themes() -> list[m.Theme]:
    """The themes with their packages, by number."""
    kept = _loaded()
    if kept is not None:
        return list(kept.themes)
    return list(db.session.scalars(
        select(m.Theme).options(selectinload(m.Theme.packages)).order_by(m.Theme.number)))


def region_counties() -> list[m.County]:
    """The project region's counties with their municipalities."""
    return [county for county in counties_with_municipalities() if county.code in REGION_COUNTIES]


def counties_with_municipalities() -> list[m.County]:
    """Every county with its municipalities, by code."""
    kept = _loaded()
    if kept is not None:
        return list(kept.counties)
    return list(db.session.scalars(
        select(m.County).options(selectinload(m.County.municipalities)).order_by(m.County.code)))


def filter_options() -> dict[str, list]:
    """Choices for the filter forms on list pages (the region's municipalities first)."""
    region = region_counties()
    return {
        "themes": themes(),
        "counties": counties_with_municipalities(),
        "region_counties": region,
    }


def _vocabulary(model: type, name: str) -> list:
    kept = _loaded()
    if kept is not None:
        return list(getattr(kept, name))
    return list(db.session.scalars(select(model).order_by(model.slug)))


def service_categories() -> list[m.ServiceCategory]:
    """The service categories, by slug."""
    return _vocabulary(m.ServiceCategory, "services")


def service_categories_by_name() -> list[m.ServiceCategory]:
    """The service categories in the order of their Swedish names (as forms list them)."""
    return sorted(service_categories(), key=lambda category: category.name_sv)


def target_groups() -> list[m.TargetGroup]:
    """The target groups, by slug."""
    return _vocabulary(m.TargetGroup, "target_groups")


def legal_forms() -> list[m.LegalForm]:
    """The legal forms, by slug."""
    return _vocabulary(m.LegalForm, "legal_forms")


def entries_for_municipality(municipality: m.Municipality, limit: int = 50) -> dict[str, list[m.Entry]]:
    """Published entries located in or serving a municipality, and those covering its county
    (advice contacts and networks usually cover a whole county)."""
    return entries_by_type(EntryFilters(), limit, where=lambda model: or_(
        model.municipalities.any(m.Municipality.code == municipality.code),
        model.counties.any(m.County.code == municipality.county_code),
    ))


def taxonomy_data(locale: str | None = None) -> dict[str, list[dict]]:
    """The whole taxonomy as plain data (for the API)."""
    def named(row) -> dict:
        return {"sv": row.name_sv, "en": row.name_en or None}

    return {
        "themes": [
            {"number": t.number, "name": named(t),
             "packages": [{"code": p.code, "number": p.number, "name": named(p)} for p in t.packages]}
            for t in themes()
        ],
        "counties": [
            {"code": c.code, "name": c.name, "municipalities": [mu.code for mu in c.municipalities]}
            for c in counties_with_municipalities()
        ],
        "municipalities": sorted(
            ({"code": mu.code, "name": mu.name, "county": mu.county_code}
             for county in counties_with_municipalities() for mu in county.municipalities),
            key=lambda mu: mu["code"]),
        "service_categories": [
            {"slug": s.slug, "name": named(s), "cpv": list(s.cpv or [])} for s in service_categories()
        ],
        "target_groups": [{"slug": t.slug, "name": named(t)} for t in target_groups()],
        "legal_forms": [{"slug": lf.slug, "name": named(lf)} for lf in legal_forms()],
    }
