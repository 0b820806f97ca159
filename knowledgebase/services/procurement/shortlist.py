"""A buyer's shortlist of enterprises, kept in the visitor's session (no account): a list of
slugs, so that it is the same in every language. Views pass the session in; nothing here
reads the request."""

from __future__ import annotations

from datetime import date
from typing import Iterable, MutableMapping

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from knowledgebase import models as m
from knowledgebase.content_types import ROUTE_LABELS
from knowledgebase.extensions import db
from knowledgebase.services.procurement import buyers
from knowledgebase.services.content.serialization import SLUG_RE

SESSION_KEY = "shortlist"
MAX_ITEMS = 50


def slugs(store: MutableMapping) -> list[str]:
    value = store.get(SESSION_KEY)
    return [s for s in value if isinstance(s, str)] if isinstance(value, list) else []


def add(store: MutableMapping, slug: str) -> bool:
    """Add a published enterprise; False when there is none with ``slug`` or the list is full."""
    current = slugs(store)
    if slug in current:
        return True
    if len(current) >= MAX_ITEMS or not SLUG_RE.match(slug or "") or buyers.published_enterprise(slug) is None:
        return False
    store[SESSION_KEY] = current + [slug]
    return True


def remove(store: MutableMapping, slug: str) -> None:
    store[SESSION_KEY] = [s for s in slugs(store) if s != slug]


def clear(store: MutableMapping) -> None:
    store.pop(SESSION_KEY, None)


def enterprises(slug_list: Iterable[str]) -> list[m.Enterprise]:
    """The published enterprises of the list, in the order they were added (unpublished ones
    drop out)."""
    slug_list = list(slug_list)
    if not slug_list:
        return []
    found = {e.slug: e for e in db.session.scalars(select(m.Enterprise).where(
        m.Enterprise.slug.in_(slug_list), m.Enterprise.status == m.PUBLISHED).options(
        selectinload(m.Enterprise.services), selectinload(m.Enterprise.municipalities),
        selectinload(m.Enterprise.counties), selectinload(m.Enterprise.contracts)))}
    return [found[s] for s in slug_list if s in found]


def area_text(enterprise: m.Enterprise) -> str:
    """The area served in words: whole counties first, then municipalities."""
    parts = [_("%(county)s (whole county)", county=c.name) for c in enterprise.counties]
    parts += [mu.name for mu in enterprise.municipalities]
    return "; ".join(parts)


def _yes_no(value: bool | None) -> str:
    return "" if value is None else (_("yes") if value else _("no"))


def _status_text(item: buyers.EligibilityItem) -> str:
    text = {"yes": _("yes"), "no": _("no"), "unknown": _("not stated")}[item.status]
    if item.as_of and item.stale:
        return _("%(status)s (not confirmed since %(date)s)", status=text, date=item.as_of.isoformat())
    if item.as_of:
        return _("%(status)s (as of %(date)s)", status=text, date=item.as_of.isoformat())
    return text


def csv_rows(items: Iterable[m.Enterprise], locale: str, today: date, page_url) -> Iterable[list[object]]:
    """A header and one row per enterprise (pass each row through ``safe_csv_row``);
    ``page_url(enterprise)`` gives the address of its page."""
    yield [
        _("Name"), _("Organisation number"), _("Services"), _("CPV codes"), _("Area served"),
        _("Capacity"), _("Reserved contract (LOU 4 kap. 18 §)"), _("Share of workers (%)"),
        _("Reserved welfare services (LOU 19 kap. 25 §, 25 a §)"), _("Choice systems (LOV)"),
        _("Partnerships (IOP)"), _("F-tax"), _("VAT registered"), _("Previous public contracts"),
        _("Contact for tenders"), _("E-mail for tenders"), _("Phone for tenders"), _("Website"), _("Page"),
    ]
    for e in items:
        cards = {item.key: item for item in buyers.eligibility(e, today)}
        contracts = "; ".join(
            " ".join(str(part) for part in (c.buyer, c.year or "", c.service,
                                            f"({ROUTE_LABELS[c.route]})" if c.route else "") if part)
            for c in e.contracts)
        yield [
            e.title(locale),
            e.org_number,
            "; ".join(s.name(locale) for s in e.services),
            "; ".join(c.code for c in buyers.cpv_codes(e.services)),
            area_text(e),
            e.capacity,
            _status_text(cards["reserved"]),
            "" if e.reserved_share is None else e.reserved_share,
            _status_text(cards["bilaga2"]),
            _status_text(cards["lov"]),
            _status_text(cards["iop"]),
            _yes_no(e.f_tax),
            _yes_no(e.vat_registered),
            contracts,
            e.tender_contact_name,
            e.tender_contact_email,
            e.tender_contact_phone,
            e.website,
            page_url(e),
        ]
