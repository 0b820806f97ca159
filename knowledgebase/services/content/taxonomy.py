"""Reading the taxonomy: themes, packages, places and vocabularies."""

from __future__ import annotations

from sqlalchemy import or_, select
from sqlalchemy.orm import selectinload

from knowledgebase import models as m
from knowledgebase.extensions import db
from knowledgebase.services.content.entries import EntryFilters, entries_by_type

# The counties of the project region: Jönköpings, Kronobergs, Kalmar and Gotlands län.
REGION_COUNTIES = ("06", "07", "08", "09")


def themes() -> list[m.Theme]:
    return list(db.session.scalars(
        select(m.Theme).options(selectinload(m.Theme.packages)).order_by(m.Theme.number)))


def region_counties() -> list[m.County]:
    return list(db.session.scalars(
        select(m.County).where(m.County.code.in_(REGION_COUNTIES))
        .options(selectinload(m.County.municipalities)).order_by(m.County.code)))


def counties_with_municipalities() -> list[m.County]:
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
        "municipalities": [
            {"code": mu.code, "name": mu.name, "county": mu.county_code}
            for mu in db.session.scalars(select(m.Municipality).order_by(m.Municipality.code))
        ],
        "service_categories": [
            {"slug": s.slug, "name": named(s), "cpv": list(s.cpv or [])}
            for s in db.session.scalars(select(m.ServiceCategory).order_by(m.ServiceCategory.slug))
        ],
        "target_groups": [
            {"slug": t.slug, "name": named(t)}
            for t in db.session.scalars(select(m.TargetGroup).order_by(m.TargetGroup.slug))
        ],
        "legal_forms": [
            {"slug": lf.slug, "name": named(lf)}
            for lf in db.session.scalars(select(m.LegalForm).order_by(m.LegalForm.slug))
        ],
    }
