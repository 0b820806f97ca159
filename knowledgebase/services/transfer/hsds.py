"""The enterprise directory in Open Referral's Human Services Data Specification (HSDS) 3.0.

Each published enterprise is an HSDS *organization*; each of its service categories is an
HSDS *service* (an enterprise without categories gets one service for its whole activity),
with the municipalities and whole counties it serves as *service areas*. The contact for
tenders is a *contact*, the address a *location*, the organisation number an
*organization_identifier* (org-id.guide scheme ``SE-ON``), and CPV codes are *attributes*
with CPV *taxonomy terms*. The day an entry was last confirmed is the services'
``assured_date``; each confirmed fact is a *metadata* record.

HSDS ids are UUIDs: version 5 UUIDs of the enterprise's slug (and the category's), so that
they stay the same across exports and databases. Only published enterprises are read.
HSDS is © Open Referral, licensed CC BY-SA 4.0 (see knowledgebase/data/hsds/LICENSE).
"""

from __future__ import annotations

import json
import math
import re
import uuid
from dataclasses import dataclass
from datetime import date, datetime, timezone
from typing import Any, Callable

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from knowledgebase import models as m
from knowledgebase.extensions import db
from knowledgebase.models.entries import enterprise_service
from knowledgebase.services.upkeep import provenance
from knowledgebase.services.curation.revisions import current_data

HSDS_VERSION = "3.0"
# A fixed namespace for this directory's HSDS ids (made once with uuid4).
NAMESPACE = uuid.UUID("5b6f1d2e-8c61-4b51-9d6e-2f7a3c9e4a10")
# org-id.guide's list for Swedish organisation numbers: https://org-id.guide/list/SE-ON
# ("Business Registration Number (Organisationsnummer), Sweden"; read 5 December 2026).
ORG_ID_SCHEME = "SE-ON"
# "Storgatan 1, 123 45 Ort": street, postal code and town, as addresses are usually written.
ADDRESS_RE = re.compile(r"^(?P<street>[^,]+(?:,[^,]+)*?),\s*(?P<postal>\d{3}\s?\d{2})\s+(?P<city>[^,\d][^,]*)$")
OPEN_REFERRAL = "https://openreferral.org/"
# Facts (services.upkeep.provenance) about what an enterprise offers and where: their confirmations
# go with its services; the others (contact details, registration) with the organization.
SERVICE_FACTS = {"services", "area", "reserved_contracts", "reserved_share"}


def record_id(*parts: str) -> str:
    """The HSDS id of a record, from what names it here (kind, slug, ...)."""
    return str(uuid.uuid5(NAMESPACE, "/".join(parts)))


@dataclass(frozen=True)
class Links:
    """Addresses on the site, supplied by the view: ``enterprise(slug)`` and
    ``place(kind, code)`` with kind "county" or "municipality"."""

    enterprise: Callable[[str], str]
    place: Callable[[str, str], str]


def _text(entry: m.Entry, field: str, locale: str) -> str:
    return entry.text(field, locale)[0]


def _timestamp(moment: datetime | None) -> str | None:
    if moment is None:
        return None
    if moment.tzinfo is None:  # SQLite keeps no zone; every stored time is UTC
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.isoformat()


def _drop_empty(record: dict[str, Any]) -> dict[str, Any]:
    """HSDS leaves out what is unknown: no empty strings or None for optional fields."""
    return {key: value for key, value in record.items() if value not in (None, "")}


# -- building records ---------------------------------------------------------------------------

def _value_text(value: dict[str, Any]) -> str:
    """A fact's value (services.upkeep.provenance.snapshot) as one line of text."""
    parts = [v if isinstance(v, str) else json.dumps(v, ensure_ascii=False) for v in value.values() if v is not None]
    return "; ".join(parts)


def confirmations(entry: m.Entry, today: date) -> list[tuple[provenance.FactStatus, str]]:
    """Each confirmed fact of ``entry`` with its value as text (read once per enterprise:
    its organization and each of its services draw on it)."""
    data = current_data(entry)
    return [(status, _value_text(provenance.snapshot(data, status.fact)))
            for status in provenance.fact_statuses(entry, today) if status.confirmed_at is not None]


def metadata(confirmed: list[tuple[provenance.FactStatus, str]], resource_id: str,
             resource_type: str) -> list[dict[str, Any]]:
    """One record per confirmed fact: which field, when, who confirmed it and the value
    confirmed. A confirmation leaves the value as it was (previous = replacement); for a value
    an editor changed after it was confirmed, the earlier value is not kept here."""
    return [{
        "id": record_id("metadata", resource_id, status.fact.key),
        "resource_id": resource_id,
        "resource_type": resource_type,
        "last_action_date": status.confirmed_at.isoformat(),
        "last_action_type": "changed" if status.changed else "verified",
        "field_name": status.fact.key,
        "previous_value": _("not recorded") if status.changed else value,
        "replacement_value": value,
        "updated_by": status.source,
    } for status, value in confirmed
        if status.confirmed_at and (status.fact.key in SERVICE_FACTS) == (resource_type == "service")]


def identifiers(e: m.Enterprise, org_id: str) -> list[dict[str, Any]]:
    if not e.org_number:
        return []
    return [{"id": record_id("identifier", e.slug), "organization_id": org_id, "identifier_scheme": ORG_ID_SCHEME,
             "identifier_type": "Organisationsnummer", "identifier": e.org_number}]


def phone(number: str, owner: dict[str, str], *parts: str) -> dict[str, Any]:
    return {"id": record_id("phone", *parts), **owner, "number": number}


def contacts(e: m.Enterprise, org_id: str) -> list[dict[str, Any]]:
    """The contact for tenders, when the enterprise has named one."""
    if not (e.tender_contact_name or e.tender_contact_email or e.tender_contact_phone):
        return []
    contact_id = record_id("contact", e.slug, "tender")
    phones = [phone(e.tender_contact_phone, {"contact_id": contact_id}, e.slug, "tender")] if e.tender_contact_phone else []
    return [_drop_empty({"id": contact_id, "organization_id": org_id, "name": e.tender_contact_name,
                         "title": _("Contact for tenders"), "email": e.tender_contact_email, "phones": phones})]


def county_name_of(e: m.Enterprise) -> str:
    """The county the enterprise's municipalities lie in, when they all lie in one."""
    counties = {mu.county.name for mu in e.municipalities} | {c.name for c in e.counties}
    return counties.pop() if len(counties) == 1 else ""


def locations(e: m.Enterprise, org_id: str, locale: str) -> list[dict[str, Any]]:
    """The enterprise's address as a physical location. It is split into an HSDS address only
    when it reads "street, postal code town" and the enterprise lies in one county (HSDS
    requires the region); otherwise it stays whole in the location's description rather than
    being guessed at."""
    if not e.address:
        return []
    location_id = record_id("location", e.slug)
    location = {"id": location_id, "location_type": "physical", "organization_id": org_id,
                "name": _text(e, "title", locale), "addresses": []}
    match = ADDRESS_RE.match(e.address.strip())
    county = county_name_of(e)
    if match and county:
        location["addresses"].append({
            "id": record_id("address", e.slug), "location_id": location_id,
            "address_1": match["street"].strip(), "city": match["city"].strip(),
            "state_province": county, "postal_code": match["postal"].replace(" ", ""),
            "country": "SE", "address_type": "physical"})
    else:
        location["description"] = e.address
    return [location]


def organization(e: m.Enterprise, locale: str, links: Links, today: date, *, full: bool = True) -> dict[str, Any]:
    """An enterprise as an HSDS organization; ``full`` adds its services and nested records."""
    org_id = record_id("organization", e.slug)
    title, other = _text(e, "title", locale), _text(e, "title", "sv" if locale == "en" else "en")
    record = _drop_empty({
        "id": org_id,
        "name": title,
        "alternate_name": other if other != title else "",
        "description": _text(e, "summary", locale) or title,
        "email": e.email,
        "website": e.website,
        "year_incorporated": e.founded_year,
        "legal_status": e.legal_form.name(locale) if e.legal_form else "",
        "uri": links.enterprise(e.slug),
    })
    if not full:
        return record
    confirmed = confirmations(e, today)
    record.update({
        "organization_identifiers": identifiers(e, org_id),
        "contacts": contacts(e, org_id),
        "phones": [phone(e.phone, {"organization_id": org_id}, e.slug, "main")] if e.phone else [],
        "locations": locations(e, org_id, locale),
        "metadata": metadata(confirmed, org_id, "organization"),
        "services": [service(e, category, locale, links, today, confirmed) for category in service_categories(e)],
    })
    return record


def service_categories(e: m.Enterprise) -> list[m.ServiceCategory | None]:
    """The categories that become services; None stands for the enterprise's whole activity."""
    return list(e.services) or [None]


def service_areas(e: m.Enterprise, service_id: str, links: Links, locale: str) -> list[dict[str, Any]]:
    """Whole counties first, then municipalities, each named with its SCB code."""
    areas = []
    for county in e.counties:
        areas.append({"id": record_id("area", service_id, county.code), "service_id": service_id,
                      "name": county.name, "description": f"SCB {county.code}",
                      "uri": links.place("county", county.code)})
    for mu in e.municipalities:
        areas.append({"id": record_id("area", service_id, mu.code), "service_id": service_id,
                      "name": mu.name, "description": f"SCB {mu.code}",
                      "uri": links.place("municipality", mu.code)})
    return areas


def cpv_attributes(category: m.ServiceCategory | None, service_id: str, locale: str) -> list[dict[str, Any]]:
    """The CPV codes of a category as attributes linking to CPV taxonomy terms."""
    attributes = []
    for item in (category.cpv or []) if category else []:
        names = item.get("name") or {}
        name = names.get(locale) or names.get("sv") or item["code"]
        term_id = record_id("cpv", item["code"])
        attributes.append({
            "id": record_id("attribute", service_id, item["code"]), "link_id": service_id,
            "link_entity": "service", "link_type": "cpv", "taxonomy_term_id": term_id, "value": item["code"],
            "taxonomy_term": {"id": term_id, "code": item["code"], "name": name, "description": name,
                              "taxonomy": "CPV"},
        })
    return attributes


def service(e: m.Enterprise, category: m.ServiceCategory | None, locale: str, links: Links,
            today: date, confirmed: list[tuple[provenance.FactStatus, str]] | None = None) -> dict[str, Any]:
    """One service of an enterprise (``category`` None: its whole activity); ``confirmed``
    as ``confirmations`` gives it, when the caller has it already."""
    org_id = record_id("organization", e.slug)
    service_id = record_id("service", e.slug, category.slug if category else "")
    assured, _stale = provenance.entry_confirmation(e, today)
    return _drop_empty({
        "id": service_id,
        "organization_id": org_id,
        "name": category.name(locale) if category else _text(e, "title", locale),
        "description": _text(e, "summary", locale),
        "url": e.website,
        "email": e.tender_contact_email or e.email,
        "status": "active",
        "assured_date": assured.isoformat() if assured else "",
        "last_modified": _timestamp(e.updated_at),
        "service_areas": service_areas(e, service_id, links, locale),
        "attributes": cpv_attributes(category, service_id, locale),
        "metadata": metadata(confirmations(e, today) if confirmed is None else confirmed, service_id, "service"),
    })


# -- reading published enterprises ---------------------------------------------------------------

def _published_enterprises():
    return (select(m.Enterprise).where(m.Enterprise.status == m.PUBLISHED)
            .options(selectinload(m.Enterprise.services), selectinload(m.Enterprise.municipalities),
                     selectinload(m.Enterprise.counties), selectinload(m.Enterprise.legal_form))
            .order_by(m.Enterprise.title_sv, m.Enterprise.id))


def paged(contents: list[dict[str, Any]], total: int, page: int, per_page: int) -> dict[str, Any]:
    """The HSDS page envelope around ``contents``."""
    pages = max(1, math.ceil(total / per_page))
    return {"total_items": total, "total_pages": pages, "page_number": page, "size": len(contents),
            "first_page": page == 1, "last_page": page >= pages, "empty": not contents, "contents": contents}


def list_organizations(page: int, per_page: int, locale: str, links: Links, today: date) -> dict[str, Any]:
    """One page of organizations in their basic form."""
    total = db.session.scalar(select(db.func.count()).select_from(
        select(m.Enterprise.id).where(m.Enterprise.status == m.PUBLISHED).subquery()))
    rows = db.session.scalars(_published_enterprises().offset((page - 1) * per_page).limit(per_page))
    return paged([organization(e, locale, links, today, full=False) for e in rows], total or 0, page, per_page)


def find_organization(org_id: str, locale: str, links: Links, today: date) -> dict[str, Any] | None:
    """The published enterprise whose HSDS id is ``org_id``, in full; None if there is none."""
    slugs = db.session.scalars(select(m.Enterprise.slug).where(m.Enterprise.status == m.PUBLISHED))
    slug = next((s for s in slugs if record_id("organization", s) == org_id), None)
    if slug is None:
        return None
    e = db.session.scalars(_published_enterprises().where(m.Enterprise.slug == slug)).one()
    return organization(e, locale, links, today)


def service_keys() -> list[tuple[str, str]]:
    """(enterprise slug, category slug or "") of every service, in a stable order."""
    rows = db.session.execute(
        select(m.Enterprise.slug, enterprise_service.c.service_category_key)
        .outerjoin(enterprise_service, enterprise_service.c.entry_id == m.Enterprise.id)
        .where(m.Enterprise.status == m.PUBLISHED)
        .order_by(m.Enterprise.title_sv, m.Enterprise.id, enterprise_service.c.service_category_key))
    return [(slug, category or "") for slug, category in rows]


def _services_for(keys: list[tuple[str, str]], locale: str, links: Links, today: date) -> list[dict[str, Any]]:
    slugs = {slug for slug, _category in keys}
    enterprises = {e.slug: e for e in db.session.scalars(_published_enterprises().where(m.Enterprise.slug.in_(slugs)))}
    confirmed = {slug: confirmations(e, today) for slug, e in enterprises.items()}
    records = []
    for slug, category_slug in keys:
        e = enterprises[slug]
        category = next((c for c in e.services if c.slug == category_slug), None)
        record = service(e, category, locale, links, today, confirmed[slug])
        record["organization"] = organization(e, locale, links, today, full=False)
        records.append(record)
    return records


def list_services(page: int, per_page: int, locale: str, links: Links, today: date) -> dict[str, Any]:
    keys = service_keys()
    chosen = keys[(page - 1) * per_page: page * per_page]
    return paged(_services_for(chosen, locale, links, today), len(keys), page, per_page)


def find_service(service_id: str, locale: str, links: Links, today: date) -> dict[str, Any] | None:
    key = next((k for k in service_keys() if record_id("service", *k) == service_id), None)
    return _services_for([key], locale, links, today)[0] if key else None


def all_organizations(locale: str, links: Links, today: date) -> list[dict[str, Any]]:
    """Every published enterprise as a full organization (for the tabular export)."""
    return [organization(e, locale, links, today) for e in db.session.scalars(_published_enterprises())]
