"""Where the directory has gaps, for advisers: municipalities without any published
enterprise, services that no published enterprise of a county offers, and the entries whose
last confirmation is oldest. Each comes with a link to act on, built from the ``GapLinks`` the
view hands in (services name no endpoint)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Callable

from sqlalchemy import case, func, select

from knowledgebase import models as m
from knowledgebase.models.entries import enterprise_service
from knowledgebase.extensions import db
from knowledgebase.services.content.taxonomy import REGION_COUNTIES
from knowledgebase.services.statistics.figures import entry_county_links
from knowledgebase.services.statistics.region_map import MapChoice, municipality_counts

STALEST = 15


@dataclass(frozen=True)
class GapLinks:
    """Where an adviser acts: adding an enterprise, and keeping an entry current."""

    new_enterprise: str
    upkeep_entry: Callable[[int], str]


@dataclass(frozen=True)
class StaleEntry:
    id: int
    type: str
    title: str
    confirmed: date | None
    action_url: str


@dataclass(frozen=True)
class Gaps:
    municipalities: list[m.Municipality]
    # (county, the service categories no published enterprise linked to it offers)
    services: list[tuple[m.County, list[m.ServiceCategory]]]
    stalest: list[StaleEntry]
    new_enterprise_url: str


def municipalities_without_enterprises() -> list[m.Municipality]:
    """The region's municipalities that no published enterprise names, by county and name."""
    counts = municipality_counts(MapChoice())
    return [mu for mu in db.session.scalars(select(m.Municipality).where(
        m.Municipality.county_code.in_(REGION_COUNTIES)).order_by(m.Municipality.county_code, m.Municipality.name))
        if not counts.get(mu.code)]


def services_missing_per_county() -> list[tuple[m.County, list[m.ServiceCategory]]]:
    """For each county of the region, the service categories that no published enterprise
    linked to it (or to one of its municipalities) offers."""
    link = entry_county_links()
    offered = {(county, slug) for county, slug in db.session.execute(
        select(link.c.county, enterprise_service.c.service_category_key).distinct()
        .join(m.Enterprise, m.Enterprise.id == link.c.entry_id)
        .join(enterprise_service, enterprise_service.c.entry_id == m.Enterprise.id)
        .where(m.Enterprise.status == m.PUBLISHED, link.c.county.in_(REGION_COUNTIES)))}
    categories = list(db.session.scalars(select(m.ServiceCategory).order_by(m.ServiceCategory.slug)))
    counties = db.session.scalars(select(m.County).where(m.County.code.in_(REGION_COUNTIES)).order_by(m.County.code))
    return [(county, [c for c in categories if (county.code, c.slug) not in offered]) for county in counties]


def stalest_entries(links: GapLinks, limit: int = STALEST) -> list[StaleEntry]:
    """The published entries whose last confirmation (by an adviser's check or the contact's
    confirmation, whichever is later) is oldest; never confirmed first."""
    upkeep = (select(m.EntryUpkeep.entry_id, func.max(m.EntryUpkeep.confirmed_at).label("confirmed"))
              .group_by(m.EntryUpkeep.entry_id).subquery())
    checked, confirmed = m.Entry.last_verified, upkeep.c.confirmed
    latest = case((checked.is_(None), confirmed), (confirmed.is_(None), checked),
                  (confirmed > checked, confirmed), else_=checked)
    rows = db.session.execute(
        select(m.Entry.id, m.Entry.type, m.Entry.title_sv, latest.label("latest"))
        .outerjoin(upkeep, upkeep.c.entry_id == m.Entry.id)
        .where(m.Entry.status == m.PUBLISHED)
        .order_by(latest.is_(None).desc(), latest, m.Entry.title_sv).limit(limit)).all()
    return [StaleEntry(row.id, row.type, row.title_sv, row.latest, links.upkeep_entry(row.id)) for row in rows]


def gaps(links: GapLinks) -> Gaps:
    """All the gaps, with the links to act on them."""
    return Gaps(municipalities_without_enterprises(), services_missing_per_county(), stalest_entries(links),
                links.new_enterprise)
