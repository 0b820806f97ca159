"""The map of the region's 34 municipalities: what it counts (a ``MapChoice``), the counts per
municipality (one grouped query, whatever the number of entries) and the drawing model (each
municipality's shape, shade, count and the legend), for ``templates/_macros/map.html``.

The shapes are ``knowledgebase/data/region_map.json``, made once by ``tools/make_region_map.py``.
A municipality's count is the published entries that name it among their municipalities (the
list pages' ``?municipality=`` filter finds the same ones); entries that only name a whole
county are not spread over its municipalities.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from flask_babel import gettext as _
from sqlalchemy import func, select

from knowledgebase import models as m
from knowledgebase.content_types import BY_KEY, CONTENT_TYPES
from knowledgebase.extensions import db
from knowledgebase.inputs import BadFilter
from knowledgebase.models.entries import entry_municipality
from knowledgebase.services.content import taxonomy
from knowledgebase.services.content.taxonomy import REGION_COUNTIES
from knowledgebase.services.procurement.buyers import reserved_clause

MAP_FILE = Path(__file__).resolve().parents[2] / "data" / "region_map.json"
# The shades of the non-zero classes, light to dark; zero has a hatched pattern and a dashed
# outline instead (templates/_macros/map.html), so that no shade is the only sign of it.
SHADES = ("#dceff2", "#a3d0d8", "#5a9fab", "#1f6a78")
SERVICE_PREFIX = "service:"


@dataclass(frozen=True)
class MapChoice:
    """What the map counts: ``kind`` is "enterprise" (the default), "reserved" (enterprises
    able to take reserved contracts), "service" (enterprises offering ``service``, a category
    slug) or any other content type's key (its published entries)."""

    kind: str = "enterprise"
    service: str = ""

    @property
    def value(self) -> str:
        """The choice as the ``map`` query argument."""
        return SERVICE_PREFIX + self.service if self.kind == "service" else self.kind


def parse_map_choice(raw: str | None) -> MapChoice:
    """Read the ``map`` query argument (empty: enterprises); ``BadFilter`` for one that names
    nothing."""
    value = (raw or "").strip()
    if not value:
        return MapChoice()
    if value.startswith(SERVICE_PREFIX):
        slug = value[len(SERVICE_PREFIX):]
        if len(slug) <= 80 and any(category.slug == slug for category in taxonomy.service_categories()):
            return MapChoice("service", slug)
    elif value == "reserved" or value in BY_KEY:
        return MapChoice(value)
    raise BadFilter("map", value)


def choice_label(choice: MapChoice, locale: str) -> str:
    """What the map shows, as a phrase for its title and legend."""
    if choice.kind == "reserved":
        return _("Enterprises able to take reserved contracts")
    if choice.kind == "service":
        category = next((c for c in taxonomy.service_categories() if c.slug == choice.service), None)
        return _("Enterprises offering %(service)s", service=category.name(locale) if category else choice.service)
    return str(BY_KEY[choice.kind].plural)


def choice_options(locale: str) -> list[tuple[str, str]]:
    """Every choice of the map's filter as (value, label): enterprises, those able to take
    reserved contracts, those offering each service category, then each other content type."""
    options = [("enterprise", str(BY_KEY["enterprise"].plural)),
               ("reserved", choice_label(MapChoice("reserved"), locale))]
    for category in taxonomy.service_categories():  # kept in memory per content version
        options.append((SERVICE_PREFIX + category.slug, _("Enterprises offering %(service)s",
                                                          service=category.name(locale))))
    options += [(ct.key, str(ct.plural)) for ct in CONTENT_TYPES if ct.key != "enterprise"]
    return options


def municipality_counts(choice: MapChoice, county_codes: tuple[str, ...] = REGION_COUNTIES) -> dict[str, int]:
    """Published entries per municipality code of ``county_codes`` for ``choice``, one query;
    municipalities without any are left out (read a missing code as 0)."""
    link = entry_municipality
    model = m.Entry if choice.kind not in ("enterprise", "reserved", "service") else m.Enterprise
    query = (select(link.c.municipality_key, func.count(func.distinct(model.id)))
             .join(model, model.id == link.c.entry_id)
             .join(m.Municipality, m.Municipality.code == link.c.municipality_key)
             .where(model.status == m.PUBLISHED, m.Municipality.county_code.in_(county_codes))
             .group_by(link.c.municipality_key))
    if choice.kind == "reserved":
        query = query.where(reserved_clause())
    elif choice.kind == "service":
        query = query.where(m.Enterprise.services.any(m.ServiceCategory.slug == choice.service))
    elif choice.kind != "enterprise":
        query = query.where(m.Entry.type == choice.kind)
    return {code: count for code, count in db.session.execute(query)}


@lru_cache(maxsize=1)
def shapes() -> dict:
    """The map file: the attribution, the full map's size and each municipality's shape."""
    return json.loads(MAP_FILE.read_text(encoding="utf-8"))


@dataclass(frozen=True)
class MapArea:
    code: str
    name: str
    path: str
    label_x: float
    label_y: float
    count: int
    shade: str  # a colour, or "" for zero


@dataclass(frozen=True)
class LegendClass:
    low: int
    high: int
    shade: str

    @property
    def text(self) -> str:
        return str(self.low) if self.low == self.high else f"{self.low}–{self.high}"


@dataclass(frozen=True)
class RegionMap:
    """A map ready to draw: its ``view_box``, text size in its units, areas in reading
    (code) order, the legend's classes and the counted thing's label."""

    choice: MapChoice
    label: str
    view_box: str
    font_size: float
    areas: tuple[MapArea, ...]
    legend: tuple[LegendClass, ...]
    attribution: str
    attribution_url: str
    whole_region: bool

    @property
    def total(self) -> int:
        return sum(area.count for area in self.areas)


def legend_classes(maximum: int) -> tuple[LegendClass, ...]:
    """Up to four equal classes from 1 to ``maximum`` (each class at least one wide)."""
    if maximum <= 0:
        return ()
    step = max(1, math.ceil(maximum / len(SHADES)))
    classes, low = [], 1
    for shade in SHADES:
        if low > maximum:
            break
        high = min(low + step - 1, maximum)
        classes.append(LegendClass(low, high, shade))
        low = high + 1
    return tuple(classes)


def _shade(count: int, legend: tuple[LegendClass, ...]) -> str:
    return next((c.shade for c in legend if c.low <= count <= c.high), "")


def region_map(choice: MapChoice, locale: str, county: str | None = None) -> RegionMap:
    """The map of the region (or of one county's municipalities) counting ``choice``: two
    queries (the municipalities' names, the counts)."""
    data = shapes()
    counties = (county,) if county else REGION_COUNTIES
    drawn = [mu for mu in data["municipalities"] if mu["county"] in counties]
    names = dict(db.session.execute(select(m.Municipality.code, m.Municipality.name)
                                    .where(m.Municipality.county_code.in_(counties))).all())
    counts = municipality_counts(choice, counties)
    legend = legend_classes(max(counts.values(), default=0))
    areas = tuple(MapArea(mu["code"], names.get(mu["code"], mu["name"]), mu["path"], mu["label"][0], mu["label"][1],
                          counts.get(mu["code"], 0), _shade(counts.get(mu["code"], 0), legend)) for mu in drawn)
    left, top = min(mu["box"][0] for mu in drawn), min(mu["box"][1] for mu in drawn)
    right, bottom = max(mu["box"][2] for mu in drawn), max(mu["box"][3] for mu in drawn)
    pad = (right - left) * 0.02
    width, height = right - left + 2 * pad, bottom - top + 2 * pad
    return RegionMap(choice, choice_label(choice, locale),
                     f"{left - pad:.1f} {top - pad:.1f} {width:.1f} {height:.1f}", round(max(width, height) / 32, 1),
                     areas, legend, data["attribution"]["en" if locale == "en" else "sv"], data["attribution"]["url"],
                     county is None)
