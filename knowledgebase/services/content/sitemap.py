"""What the sitemap lists: every published entry (with its easy-to-read page when it has
one), the list pages of each type, themes and packages, the counties and the municipalities
that have something to show, and the fixed pages. Only published entries are ever read; the
view turns these items into addresses in both languages."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import func, or_, select

from knowledgebase import models as m
from knowledgebase.content_types import CONTENT_TYPES
from knowledgebase.extensions import db
from knowledgebase.models.entries import entry_county, entry_municipality
from knowledgebase.services.content.taxonomy import REGION_COUNTIES

# The fixed pages worth finding from a search engine (forms, search results, the shortlist
# and the admin are not; robots.txt keeps crawlers out of those).
SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
XHTML_NS = "http://www.w3.org/1999/xhtml"
FIXED_PAGES = ("home", "theme_index", "county_index", "buyers_search", "route_guide_page",
               "easy_read", "whats_new", "accessibility", "open_data")


@dataclass(frozen=True)
class Item:
    """One page: ``page`` names it (an entry, a list, a place, a fixed page ...), ``values``
    fill in its address, ``lastmod`` is when its content last changed (when known)."""

    page: str
    values: dict[str, Any] = field(default_factory=dict)
    lastmod: datetime | None = None


def _published():
    return m.Entry.status == m.PUBLISHED


def entry_items() -> list[Item]:
    """Every published entry, and its easy-to-read page when it has one."""
    rows = db.session.execute(
        select(m.Entry.type, m.Entry.slug, m.Entry.updated_at, m.Entry.easy_read_sv != "")
        .where(_published()).order_by(m.Entry.type, m.Entry.slug))
    items = []
    for type_key, slug, updated, easy in rows:
        items.append(Item("entry", {"type_key": type_key, "slug": slug}, updated))
        if easy:
            items.append(Item("entry_easy_read", {"type_key": type_key, "slug": slug}, updated))
    return items


def _latest_by_type() -> dict[str, datetime]:
    return dict(db.session.execute(
        select(m.Entry.type, func.max(m.Entry.updated_at)).where(_published()).group_by(m.Entry.type)).all())


def list_items(latest: dict[str, datetime]) -> list[Item]:
    """The list page of every content type (listed even when empty: the page exists)."""
    return [Item("entry_list", {"type_key": ct.key}, latest.get(ct.key)) for ct in CONTENT_TYPES]


def fixed_items(latest: dict[str, datetime]) -> list[Item]:
    newest = max(latest.values(), default=None)
    return [Item(page, {}, newest) for page in FIXED_PAGES]


def theme_items() -> list[Item]:
    items = []
    for theme in db.session.scalars(select(m.Theme).order_by(m.Theme.number)):
        items.append(Item("theme", {"number": theme.number}))
        items += [Item("package", {"number": theme.number, "package": p.number}) for p in theme.packages]
    return items


def _county_codes_with_content() -> set[str]:
    direct = select(entry_county.c.county_key).join(m.Entry, m.Entry.id == entry_county.c.entry_id).where(_published())
    via_municipality = (select(m.Municipality.county_code)
                        .join(entry_municipality, entry_municipality.c.municipality_key == m.Municipality.code)
                        .join(m.Entry, m.Entry.id == entry_municipality.c.entry_id).where(_published()))
    return set(db.session.scalars(direct)) | set(db.session.scalars(via_municipality))


def place_items() -> list[Item]:
    """The region's counties and every county with content; the municipalities with content
    (an entry there, or one covering their whole county, as their page shows)."""
    counties = sorted(_county_codes_with_content() | set(REGION_COUNTIES))
    linked = select(entry_municipality.c.municipality_key).join(
        m.Entry, m.Entry.id == entry_municipality.c.entry_id).where(_published())
    whole_county = select(entry_county.c.county_key).join(
        m.Entry, m.Entry.id == entry_county.c.entry_id).where(_published())
    municipalities = db.session.scalars(select(m.Municipality.code).where(or_(
        m.Municipality.code.in_(linked), m.Municipality.county_code.in_(whole_county))).order_by(m.Municipality.code))
    return ([Item("county", {"code": code}) for code in counties]
            + [Item("municipality", {"code": code}) for code in municipalities])


def sitemap_items() -> list[Item]:
    """Every public page worth indexing, once (the view writes each in both languages)."""
    latest = _latest_by_type()
    return fixed_items(latest) + list_items(latest) + theme_items() + place_items() + entry_items()


def parts(items: list[Item], max_urls: int, languages: int) -> list[list[Item]]:
    """``items`` cut into sitemaps of at most ``max_urls`` addresses (the protocol allows
    50 000 per file); each item gives one address per language."""
    size = max(1, max_urls // languages)
    return [items[start:start + size] for start in range(0, len(items), size)] or [[]]


def index_xml(parts_: list[list[Item]], url: Callable[[int], str]) -> bytes:
    """A sitemap index naming each part (``url(number)``, from 1) with its newest lastmod."""
    ET.register_namespace("", SITEMAP_NS)
    index = ET.Element(f"{{{SITEMAP_NS}}}sitemapindex")
    for number, part in enumerate(parts_, start=1):
        node = ET.SubElement(index, f"{{{SITEMAP_NS}}}sitemap")
        ET.SubElement(node, f"{{{SITEMAP_NS}}}loc").text = url(number)
        newest = max((item.lastmod for item in part if item.lastmod), default=None)
        if newest:
            ET.SubElement(node, f"{{{SITEMAP_NS}}}lastmod").text = newest.date().isoformat()
    return ET.tostring(index, encoding="utf-8", xml_declaration=True)


def sitemap_xml(items: list[Item], url: Callable[[Item, str], str], languages: tuple[str, ...]) -> bytes:
    """The sitemap document: one ``<url>`` per page and language, each naming every language
    version as an ``xhtml:link`` alternate; ``url(item, lang)`` gives an address."""
    ET.register_namespace("", SITEMAP_NS)
    ET.register_namespace("xhtml", XHTML_NS)
    urlset = ET.Element(f"{{{SITEMAP_NS}}}urlset")
    for item in items:
        addresses = {lang: url(item, lang) for lang in languages}
        for lang in languages:
            node = ET.SubElement(urlset, f"{{{SITEMAP_NS}}}url")
            ET.SubElement(node, f"{{{SITEMAP_NS}}}loc").text = addresses[lang]
            if item.lastmod:
                ET.SubElement(node, f"{{{SITEMAP_NS}}}lastmod").text = item.lastmod.date().isoformat()
            for other, address in addresses.items():
                ET.SubElement(node, f"{{{XHTML_NS}}}link", rel="alternate", hreflang=other, href=address)
    return ET.tostring(urlset, encoding="utf-8", xml_declaration=True)
