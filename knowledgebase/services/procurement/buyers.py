"""What municipal buyers need: services in procurement terms (CPV codes and their hierarchy),
the area an enterprise serves, the supplier search, readiness for each reservation route
with dated evidence, and how complete an enterprise's capability statement is.

See docs/buyers.md for the data behind it."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Iterable, Mapping

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import false, func, or_, select
from sqlalchemy.orm import selectinload

from knowledgebase import models as m
from knowledgebase.content_types import BY_KEY
from knowledgebase.extensions import db
from knowledgebase.inputs import BadFilter, single_line
from knowledgebase.procurement_codes import (
    CPV_CODE_RE,
    RESERVED_SHARE_MIN,
    cpv_codes,
    cpv_prefix,
    cpv_terms,
    normalise_service_query,
    reserved_eligible,
)
from knowledgebase.services.content.entries import FILTER_SHAPES, Page, county_clause, paginate

_URL_RE = re.compile(r"^https?://\S+$")

def clean_cpv_list(raw: Any, where: str) -> list[dict]:
    """Check a service category's ``cpv`` list from the seed format; raise ``ValueError``
    with a message naming ``where``. Every code needs a name and the address of its source."""
    if raw in (None, ""):
        return []
    if not isinstance(raw, list):
        raise ValueError(_("%(where)s: cpv must be a list", where=where))
    clean, seen = [], set()
    for item in raw:
        if not isinstance(item, dict) or set(item) - {"code", "name", "bilaga2", "reservable", "source"}:
            raise ValueError(_("%(where)s: each CPV code is a mapping of code, name, bilaga2, reservable and source",
                               where=where))
        code = str(item.get("code") or "").strip()
        if not CPV_CODE_RE.match(code) or code[:8] in seen:
            raise ValueError(_("%(where)s: %(code)s is not an eight-digit CPV code or appears twice",
                               where=where, code=code))
        seen.add(code[:8])
        name = item.get("name") if isinstance(item.get("name"), dict) else {}
        names = {lang: str(name.get(lang) or "").strip() for lang in ("sv", "en")}
        sources = item.get("source")
        sources = [sources] if isinstance(sources, str) else sources
        if not any(names.values()) or not sources or not all(isinstance(s, str) and _URL_RE.match(s) for s in sources):
            raise ValueError(_("%(where)s: CPV code %(code)s needs a name and the web address of its source",
                               where=where, code=code))
        flags = {key: item.get(key, False) for key in ("bilaga2", "reservable")}
        if not all(isinstance(v, bool) for v in flags.values()) or (flags["reservable"] and not flags["bilaga2"]):
            raise ValueError(_("%(where)s: CPV code %(code)s: bilaga2 and reservable are true or false, "
                               "and only bilaga 2 services can be reservable", where=where, code=code))
        clean.append({"code": code, "name": names, **flags, "source": list(sources)})
    return clean


def service_terms(enterprise: m.Enterprise) -> list[str]:
    """What the enterprise delivers as search terms: its category slugs, and every CPV code of
    those categories with all its ancestor prefixes ("90910000", "9091", "909", "90")."""
    terms: set[str] = set()
    for category in enterprise.services:
        terms.add(category.slug)
    for code in cpv_codes(enterprise.services):
        terms.update(cpv_terms(code.code))
    return sorted(terms)


def categories_for_service(value: str) -> list[m.ServiceCategory]:
    """The service categories a buyer's query means: by CPV code (a division or group finds
    the categories with codes in that branch), or by slug or words of a category or code name."""
    categories = list(db.session.scalars(select(m.ServiceCategory).order_by(m.ServiceCategory.slug)))
    prefix = cpv_prefix(value)
    if prefix:
        codes = cpv_codes(categories)
        slugs = {c.category for c in codes if c.prefix.startswith(prefix)}
        return [c for c in categories if c.slug in slugs]
    words = (value or "").strip().lower()
    slug = normalise_service_query(value)
    found = []
    for category in categories:
        names = [category.name_sv, category.name_en]
        names += [n for code in cpv_codes([category]) for n in (code.name_sv, code.name_en)]
        if category.slug == slug or any(words in (n or "").lower() for n in names):
            found.append(category)
    return found


# -- the area served ----------------------------------------------------------------------

def served_municipalities(enterprise: m.Enterprise) -> set[str]:
    """Municipality codes the enterprise serves: its municipalities and every municipality of
    the counties it serves as a whole (``Entry.counties`` of an enterprise means "whole county")."""
    codes = {mu.code for mu in enterprise.municipalities}
    for county in enterprise.counties:
        codes.update(mu.code for mu in county.municipalities)
    return codes


def serves_clause(municipality: m.Municipality):
    """SQL: the enterprise serves ``municipality`` (named there, or its whole county)."""
    return or_(
        m.Enterprise.municipalities.any(m.Municipality.code == municipality.code),
        m.Enterprise.counties.any(m.County.code == municipality.county_code),
    )


# -- the supplier search ------------------------------------------------------------------

EXPERIENCE = ("lou", "lov", "iop")
_TRUE = ("1", "true", "yes", "on")


@dataclass
class SupplierQuery:
    service: str = ""
    serves: str = ""
    county: str = ""
    reserved: bool = False
    experience: tuple[str, ...] = ()

    def as_args(self) -> dict[str, Any]:
        args: dict[str, Any] = {k: v for k, v in (("service", self.service), ("serves", self.serves),
                                                   ("county", self.county)) if v}
        if self.reserved:
            args["reserved"] = "1"
        if self.experience:
            args["experience"] = list(self.experience)
        return args


def parse_supplier_args(args: Mapping) -> SupplierQuery:
    """Read a supplier search from query arguments; ``BadFilter`` for a value that names nothing."""
    getlist = args.getlist if hasattr(args, "getlist") else lambda k: [args[k]] if k in args else []
    query = SupplierQuery(service=single_line(args.get("service"), 100))
    for name, shape, model in (("serves", "municipality", m.Municipality), ("county", "county", m.County)):
        value = (args.get(name) or "").strip()
        if value and (not FILTER_SHAPES[shape].match(value) or db.session.get(model, value) is None):
            raise BadFilter(name, value)
        setattr(query, name, value)
    reserved = (args.get("reserved") or "").strip().lower()
    if reserved and reserved not in _TRUE + ("0", "false", "no"):
        raise BadFilter("reserved", reserved)
    query.reserved = reserved in _TRUE
    experience = [v for v in getlist("experience") if v]
    for value in experience:
        if value not in EXPERIENCE:
            raise BadFilter("experience", value)
    query.experience = tuple(k for k in EXPERIENCE if k in experience)
    return query


@dataclass
class SupplierResults:
    page: Page
    # The categories the service query matched; empty when no service was asked for.
    categories: list[m.ServiceCategory] = field(default_factory=list)
    unknown_service: bool = False


def reserved_clause():
    """SQL: states it can take reserved contracts, and no declared share says otherwise."""
    return (m.Enterprise.reserved_contracts.is_(True)
            & or_(m.Enterprise.reserved_share.is_(None), m.Enterprise.reserved_share >= RESERVED_SHARE_MIN))


def find_suppliers(service: str = "", serves: str = "", county: str = "", reserved: bool = False,
                   experience: Iterable[str] = (), page: int = 1, per_page: int = 20,
                   locale: str = "sv", ideburen: bool = False) -> SupplierResults:
    """Published enterprises that deliver ``service`` (a category slug or name, or a CPV code
    or prefix), serve municipality ``serves`` (counting whole counties) and county ``county``,
    optionally only those who can take reserved contracts (``reserved``) or state that they
    are non-profit organisations (``ideburen``), and with the given experience."""
    query = select(m.Enterprise).where(m.Enterprise.status == m.PUBLISHED)
    categories: list[m.ServiceCategory] = []
    if service:
        categories = categories_for_service(service)
        slugs = [c.slug for c in categories]
        query = query.where(m.Enterprise.services.any(m.ServiceCategory.slug.in_(slugs)) if slugs else false())
    if serves:
        municipality = db.session.get(m.Municipality, serves)
        if municipality is None:
            raise BadFilter("serves", serves)
        query = query.where(serves_clause(municipality))
    if county:
        query = query.where(county_clause([county]))
    if reserved:
        query = query.where(reserved_clause())
    if ideburen:
        query = query.where(m.Enterprise.ideburen.is_(True))
    for kind in experience:
        query = query.where(getattr(m.Enterprise, f"{kind}_experience").is_(True))
    title = m.Enterprise.title_en if locale == "en" else m.Enterprise.title_sv
    query = query.options(
        selectinload(m.Enterprise.services), selectinload(m.Enterprise.municipalities),
        selectinload(m.Enterprise.counties), selectinload(m.Enterprise.themes),
    ).order_by(func.lower(func.coalesce(func.nullif(title, ""), m.Enterprise.title_sv)), m.Enterprise.id)
    return SupplierResults(paginate(query, page, per_page), categories, bool(service) and not categories)


def published_enterprise(slug: str) -> m.Enterprise | None:
    return db.session.scalars(select(m.Enterprise).where(
        m.Enterprise.slug == slug, m.Enterprise.status == m.PUBLISHED)).first()


# -- eligibility with dated evidence ------------------------------------------------------

@dataclass
class EligibilityItem:
    """Readiness for one route: "yes", "no" or "unknown", the facts behind it (label, value,
    kind for formatting) and the date they were stated; stale when older than a year."""

    key: str
    title: object
    law: str
    status: str
    facts: list[tuple[object, Any, str]]
    as_of: date | None
    stale: bool
    notes: list[str] = field(default_factory=list)


def a_year_before(day: date) -> date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 1, day=28)


def _item(key, title, law, status, facts, as_of: date | None, today: date, notes=()) -> EligibilityItem:
    stale = as_of is not None and as_of < a_year_before(today)
    return EligibilityItem(key, title, law, status, facts, as_of, stale, list(notes))


def _label(name: str) -> object:
    return BY_KEY["enterprise"].field(name).label


def eligibility(enterprise: m.Enterprise, today: date) -> list[EligibilityItem]:
    """A readiness card per reservation route and for choice systems and partnerships."""
    e = enterprise
    share = e.reserved_share
    if e.reserved_contracts is False or (share is not None and share < RESERVED_SHARE_MIN):
        reserved = "no"
    elif e.reserved_contracts and share is not None:
        reserved = "yes"
    else:
        reserved = "unknown"
    reservable = [c for c in cpv_codes(e.services) if c.reservable]
    items = [
        _item("reserved", _l("Reserved contract for work integration"), "LOU 4 kap. 18 §", reserved, [
            (_l("Main purpose is the social and occupational integration of disabled or disadvantaged persons"),
             e.reserved_contracts, "bool"),
            (_l("Share of workers who are disabled or far from the labour market"), share, "percent"),
            (_label("reserved_evidence"), e.reserved_evidence, "text"),
            (_label("reserved_checked_by"), e.reserved_checked_by, "text"),
        ], e.reserved_share_declared_on, today, [
            _("At least %(share)d %% of the workers must be persons with disabilities or persons who have "
              "difficulty entering the labour market.", share=RESERVED_SHARE_MIN),
            _("A reserved contract is still a competition among the suppliers who qualify."),
        ]),
        _item("bilaga2", _l("Reserved welfare services (bilaga 2)"), "LOU 19 kap. 25 §, 25 a §",
              {True: "yes", False: "no"}.get(e.ideburen, "unknown"), [
                  (_label("ideburen"), e.ideburen, "bool"),
                  (_label("ideburen_registered"), e.ideburen_registered, "bool"),
              ], e.ideburen_stated_on, today, [
                  _("Only for the services listed for these reservations in bilaga 2 to LOU."),
                  _("Services of this enterprise listed there: %(codes)s.", codes=", ".join(
                      c.code for c in reservable)) if reservable else
                  _("None of this enterprise's services is listed for these reservations in our data."),
              ]),
        _item("lov", _l("Choice systems"), "LOV (2008:962)", "yes" if e.lov_approvals else "unknown", [
            (_label("lov_approvals"), e.lov_approvals, "list"),
            (_label("lov_experience"), e.lov_experience, "bool"),
        ], e.lov_stated_on, today),
        _item("iop", _l("Non-profit public partnerships"), "IOP", "yes" if e.iop_agreements else "unknown", [
            (_label("iop_agreements"), e.iop_agreements, "list"),
            (_label("iop_experience"), e.iop_experience, "bool"),
        ], e.iop_stated_on, today, [_("An IOP is not regulated in law; it must respect the procurement "
                                      "and state-aid rules.")]),
    ]
    return items


def can_take_reserved(enterprise: m.Enterprise) -> bool:
    return reserved_eligible(enterprise.reserved_contracts, enterprise.reserved_share)


# -- completeness of the capability statement ---------------------------------------------

CAPABILITY_FIELDS: tuple[str, ...] = (
    "services", "area", "capacity", "f_tax", "vat_registered", "registration_stated_on",
    "reserved_contracts", "reserved_share", "reserved_share_declared_on", "reserved_evidence",
    "reserved_checked_by", "experience", "contracts", "tender_contact_name", "tender_contact_email",
    "tender_contact_phone",
)
_RESERVED_DETAILS = ("reserved_share", "reserved_share_declared_on", "reserved_evidence", "reserved_checked_by")
_OWN_LABELS = {"area": _l("Area served"), "experience": _l("Experience of LOU, LOV or IOP")}


def capability_label(name: str) -> object:
    return _OWN_LABELS.get(name) or _label(name)


def _present(e: m.Enterprise, name: str) -> bool:
    if name == "area":
        return bool(e.municipalities or e.counties)
    if name == "experience":
        return any(getattr(e, f"{k}_experience") is not None for k in EXPERIENCE)
    value = getattr(e, name)
    return value not in (None, "", [])


def completeness(enterprise: m.Enterprise) -> tuple[int, list[str]]:
    """How complete the capability statement is, in per cent, and the names of the missing
    fields (``capability_label`` names them). The evidence of the share does not count when
    the enterprise does not take reserved contracts."""
    names = [n for n in CAPABILITY_FIELDS
             if not (enterprise.reserved_contracts is False and n in _RESERVED_DETAILS)]
    missing = [n for n in names if not _present(enterprise, n)]
    return round(100 * (len(names) - len(missing)) / len(names)), missing


def completeness_report() -> list[tuple[m.Enterprise, int, list[str]]]:
    """Every enterprise that is not archived, least complete first."""
    enterprises = db.session.scalars(select(m.Enterprise).where(m.Enterprise.status != "archived").options(
        selectinload(m.Enterprise.services), selectinload(m.Enterprise.municipalities),
        selectinload(m.Enterprise.counties), selectinload(m.Enterprise.contracts)))
    rows = [(e, *completeness(e)) for e in enterprises]
    return sorted(rows, key=lambda row: (row[1], row[0].title_sv.lower()))
