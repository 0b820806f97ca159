"""Which procurement route may a municipal buyer use? The answer for a contract value and a
service, from the amounts kept as data (``ProcurementLimit`` rows, imported from
seed_data/taxonomy/procurement_limits.yaml), with the law references, the matching guidance
articles, enterprises and good examples. Guidance, not legal advice: see docs/buyers.md."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from knowledgebase import models as m
from knowledgebase.extensions import db
from knowledgebase.procurement_codes import CpvCode
from knowledgebase.services.procurement import buyers
from knowledgebase.services.procurement.limits import (CURRENCIES, EuroPeriod, LimitInfo, current_limits,
                                                      euro_periods, money)

# How a value compares with each amount. Direct award is allowed up to and including the
# direct-award limit ("uppgår till högst"), but for bilaga 2 services only below the
# threshold ("understiger"); an EU threshold applies from its amount (docs/buyers.md).
DIRECT_AWARD_INCLUSIVE = {"direct_award": True, "direct_award_bilaga2": False}
# The seeded guidance article for each route (seed_data/entries/procurement.yaml).
GUIDE_SLUGS = {
    "direct_award": "direktupphandling-19-a-kap",
    "reserved": "reserverad-upphandling-lou-4-kap-18",
    "social_conditions": "sociala-hansyn-och-sarskilda-kontraktsvillkor",
    "bilaga2": "reserverad-upphandling-valfardstjanster-bilaga-2",
    "lov": "valfrihetssystem-lov",
    "iop": "iop-ideburet-offentligt-partnerskap",
    "thresholds": "troskelvarden-2024-2025",
    "dialogue": "marknadskannedom-och-dialog",
}
# -- the service --------------------------------------------------------------------------

@dataclass
class ServiceInfo:
    """The service a buyer asked about: a category or a CPV code, and what the data says of it.
    ``bilaga2`` is None when our data does not know the code."""

    query: str
    label: str
    label_lang: str
    categories: list[m.ServiceCategory]
    codes: list[CpvCode]
    bilaga2: bool | None
    reservable: bool
    works: bool
    routes: set[str]

    @property
    def partly_bilaga2(self) -> list[CpvCode]:
        """A category's bilaga 2 codes when not all of its codes are (the stricter limits apply)."""
        return [] if self.bilaga2 else [c for c in self.codes if c.bilaga2]


class UnknownService(ValueError):
    """The service names no category and no CPV code we can place; ``choices`` may help."""

    def __init__(self, value: str, choices: list[m.ServiceCategory] | None = None):
        super().__init__(value)
        self.choices = choices or []


def resolve_service(value: str, locale: str) -> ServiceInfo | None:
    value = (value or "").strip()[:100]
    if not value:
        return None
    prefix = buyers.cpv_prefix(value)
    if prefix:
        categories = buyers.categories_for_service(value)
        branch = [c for c in buyers.cpv_codes(categories) if c.prefix.startswith(prefix)]
        exact = [c for c in branch if c.prefix == prefix]
        digits = prefix.ljust(8, "0")
        if exact:
            name, lang = exact[0].name(locale)
            label, bilaga2, reservable = f"{exact[0].code} {name}", exact[0].bilaga2, exact[0].reservable
        else:
            label, lang = f"CPV {digits}", locale
            bilaga2 = (all(c.bilaga2 for c in branch) if branch else None)
            reservable = bool(branch) and all(c.reservable for c in branch)
        routes = {r for c in categories if c.slug in {x.category for x in (exact or branch)} for r in c.routes or []}
        return ServiceInfo(value, label, lang, categories, exact or branch, bilaga2, reservable,
                           prefix.startswith("45"), routes)
    categories = buyers.categories_for_service(value)
    slug_match = [c for c in categories if c.slug == value]
    if len(slug_match) != 1 and len(categories) != 1:
        raise UnknownService(value, categories)
    category = (slug_match or categories)[0]
    codes = buyers.cpv_codes([category])
    return ServiceInfo(
        category.slug, category.name(locale), locale, [category], codes,
        all(c.bilaga2 for c in codes) if codes else None, bool(codes) and all(c.reservable for c in codes),
        bool(codes) and all(c.prefix.startswith("45") for c in codes), set(category.routes or []))


# -- the answer ---------------------------------------------------------------------------

@dataclass
class Route:
    key: str
    title: object
    law: list[str]
    # "open", "closed" or "conditional" (open only if the conditions in ``summary`` hold).
    status: str
    summary: str
    watch: list[str] = field(default_factory=list)
    guide: m.ProcurementGuide | None = None
    examples: list[m.Example] = field(default_factory=list)
    suppliers: list[m.Enterprise] = field(default_factory=list)
    supplier_total: int = 0
    supplier_args: dict[str, Any] = field(default_factory=dict)


@dataclass
class RouteGuide:
    value: int | None
    service: ServiceInfo | None
    municipality: m.Municipality | None
    limits: dict[str, LimitInfo]
    direct_limit: LimitInfo | None
    threshold: LimitInfo | None
    # Sure answers: "direct" (within the direct-award limit), "national" (advertise under LOU
    # 19 kap.) or "eu" (at or above the EU threshold). When a limit is in another currency than
    # the value, only what can be decided without converting: "above_direct" (above the
    # direct-award limit, the threshold undecided), "below_threshold" (below the EU threshold,
    # the direct-award limit undecided) or "undecided". None without a value or limits.
    level: str | None
    routes: list[Route]
    # The currency of ``value``: "SEK" or "EUR".
    currency: str = "SEK"

    @property
    def shown_limits(self) -> list[LimitInfo]:
        return [limit for limit in (self.direct_limit, self.threshold) if limit]

    @property
    def expired_limits(self) -> list[LimitInfo]:
        return [limit for limit in self.shown_limits if limit.expired]

    @property
    def euro_periods(self) -> list[EuroPeriod]:
        return euro_periods(self.shown_limits)


def _within_direct(value: int, currency: str, direct: LimitInfo) -> bool | None:
    """Whether ``value`` may be awarded directly; None when the limit is in another currency."""
    if direct.currency != currency:
        return None
    return value <= direct.amount if DIRECT_AWARD_INCLUSIVE[direct.key] else value < direct.amount


def _reaches(value: int, currency: str, threshold: LimitInfo) -> bool | None:
    """Whether ``value`` is at or above the EU threshold; None when it is in another currency."""
    return None if threshold.currency != currency else value >= threshold.amount


def _level(value: int | None, currency: str, direct: LimitInfo | None, threshold: LimitInfo | None) -> str | None:
    if value is None or direct is None or threshold is None:
        return None
    within, reaches = _within_direct(value, currency, direct), _reaches(value, currency, threshold)
    if within:
        return "direct"
    if reaches:
        # At or above the EU threshold the EU procedures apply in full, whatever the currency of
        # the direct-award limit: direct award (LOU 19 a kap.) is for contracts below it.
        return "eu"
    if within is False:
        return "national" if reaches is False else "above_direct"
    return "below_threshold" if reaches is False else "undecided"


def build_guide(value: int | None, service: ServiceInfo | None, municipality: m.Municipality | None,
                today: date, locale: str = "sv", currency: str = "SEK") -> RouteGuide:
    """The routes LOU allows for ``value`` (the whole contract period, in ``currency``) and
    ``service``. A limit kept in another currency is never converted: the answer then says only
    what it can decide (see ``RouteGuide.level``)."""
    limits = current_limits(today)
    bilaga2 = bool(service and service.bilaga2)
    direct = limits.get("direct_award_bilaga2" if bilaga2 else "direct_award")
    threshold = limits.get("eu_threshold_bilaga2" if bilaga2 else
                           "eu_threshold_works" if service and service.works else "eu_threshold_services")
    level = _level(value, currency, direct, threshold)
    guide = RouteGuide(value, service, municipality, limits, direct, threshold, level, [], currency)
    guide.routes = [_direct_award(guide), _reserved(guide), _social(guide), _bilaga2(guide), _lov(guide),
                    _iop(guide)]
    _attach(guide, locale)
    return guide


def _direct_award(g: RouteGuide) -> Route:
    direct = g.direct_limit
    limit = money(direct.amount, direct.currency) if direct else "?"
    if g.level is None:
        status, summary = "conditional", _("Allowed if the value of the whole contract period is within the "
                                           "direct-award limit of %(limit)s.", limit=limit)
    elif g.level == "direct":
        status, summary = "open", _("The value is within the direct-award limit of %(limit)s: you may award the "
                                    "contract without advertising it.", limit=limit)
    elif g.level in ("below_threshold", "undecided") and direct:
        status, summary = "conditional", _(
            "Allowed if the value of the whole contract period is within the direct-award limit of %(limit)s. "
            "The limit is in %(limit_currency)s and your value in %(value_currency)s, and the knowledge base has no "
            "official conversion, so the guide cannot say which it is: compare them yourself, or enter the value "
            "in %(limit_currency)s.", limit=limit, limit_currency=CURRENCIES[direct.currency],
            value_currency=CURRENCIES[g.currency])
    elif g.level == "eu" and direct and direct.currency != g.currency and g.threshold:
        status, summary = "closed", _(
            "The value is at or above the EU threshold of %(threshold)s: the EU procedures apply, and direct "
            "award is only for contracts below it.", threshold=money(g.threshold.amount, g.threshold.currency))
    else:
        status, summary = "closed", _("The value is above the direct-award limit of %(limit)s.", limit=limit)
    return Route("direct_award", _l("Direct award"), ["LOU 19 a kap."], status, summary, [
        _("Count the whole contract period, including options and extensions, and the purchases of the same "
          "kind together; do not split a purchase to get under the limit."),
        _("Document the reasons for direct awards above 100 000 kr, and follow your own guidelines."),
        _("Asking several enterprises for quotes is still good practice."),
    ])


def _reserved(g: RouteGuide) -> Route:
    return Route("reserved", _l("Reserved contract"), ["LOU 4 kap. 18 §"], "open", _(
        "At any value you may reserve the procurement, or some of its lots, for suppliers whose main purpose is "
        "the social and occupational integration of persons with disabilities or persons far from the labour "
        "market, where at least %(share)d %% of the workers are such persons.", share=buyers.RESERVED_SHARE_MIN), [
        _("It is still a competition among the suppliers who qualify, not a direct award to a chosen one."),
        _("The share of workers is checked when the tender is submitted: ask for evidence."),
    ])


def _social(g: RouteGuide) -> Route:
    return Route("social_conditions", _l("Social requirements and contract conditions"),
                 ["LOU 17 kap. 1 §", "LOU 4 kap. 3 §"], "open", _(
                     "In an ordinary procurement you may set special contract conditions, for example that the "
                     "supplier employs people who are far from the labour market, and you should consider "
                     "social aspects where the procurement justifies it."), [
        _("Requirements must be linked to the subject of the contract, proportionate and possible to follow up."),
    ])


def _bilaga2(g: RouteGuide) -> Route:
    laws = ["LOU 19 kap. 25 §", "LOU 19 kap. 25 a §"]
    title = _l("Reserved procurement of welfare services (bilaga 2)")
    watch = [_("19 kap. 25 a § is for non-profit organisations whose public-benefit purpose contributes to the "
               "purpose of the service; the two sections cover partly different services.")]
    if g.service and g.service.reservable:
        return Route("bilaga2", title, laws, "open", _(
            "This service is listed for reservation in bilaga 2 to LOU: you may reserve the procurement for "
            "organisations that meet the conditions of 19 kap. 25 § or for non-profit organisations (25 a §)."),
            watch)
    if g.service is None:
        return Route("bilaga2", title, laws, "conditional", _(
            "Only for the services listed for these reservations in bilaga 2 to LOU: choose a service."), watch)
    return Route("bilaga2", title, laws, "closed", _(
        "Only for the services listed for these reservations in bilaga 2 to LOU; this service is not one of them "
        "in our data."), watch)


def _lov(g: RouteGuide) -> Route:
    law = ["LOV (2008:962)"]
    title = _l("Choice system (LOV)")
    watch = [_("Every supplier that meets the requirements is approved, the compensation is the same for all, "
               "and there must be an alternative for those who do not choose.")]
    if g.service is not None and "lov" in g.service.routes:
        return Route("lov", title, law, "conditional", _(
            "For health and social services the municipality may instead set up a choice system: the user "
            "chooses among all approved suppliers. It is not a procurement under LOU."), watch)
    if g.service is None:
        return Route("lov", title, law, "conditional", _("Only for health and social services: choose a service."),
                     watch)
    return Route("lov", title, law, "closed", _("A choice system is for health and social services, not for "
                                                 "this service."), watch)


def _iop(g: RouteGuide) -> Route:
    title = _l("Non-profit public partnership (IOP)")
    law = [_("IOP (not regulated in law)")]
    watch = [_("If the municipality in practice buys a service for payment, LOU applies."),
             _("An IOP must respect the procurement and state-aid rules and the Local Government Act.")]
    if g.service is not None and "iop" in g.service.routes:
        return Route("iop", title, law, "conditional", _(
            "A partnership with a non-profit organisation for a common public-benefit goal may fit some of these "
            "activities; it is a complement to grants and procurement, not a way to buy."), watch)
    return Route("iop", title, law, "closed", _("An IOP is not a way to buy a service: for a purchase like this "
                                                 "LOU applies."), watch)


SUPPLIER_FILTERS = {"reserved": {"reserved": True}, "bilaga2": {"ideburen": True},
                    "lov": {"experience": ("lov",)}, "iop": {"experience": ("iop",)}}
EXAMPLE_ROUTES = ("direct_award", "reserved", "social_conditions", "lov", "iop")


def _attach(g: RouteGuide, locale: str) -> None:
    """Add each open or conditional route's guidance article, examples and matching enterprises."""
    guides = {e.slug: e for e in db.session.scalars(select(m.ProcurementGuide).where(
        m.ProcurementGuide.slug.in_(GUIDE_SLUGS.values()), m.ProcurementGuide.status == m.PUBLISHED))}
    for route in g.routes:
        route.guide = guides.get(GUIDE_SLUGS.get(route.key, ""))
        if route.status == "closed":
            continue
        if route.key in EXAMPLE_ROUTES:
            route.examples = list(db.session.scalars(select(m.Example).where(
                m.Example.status == m.PUBLISHED, m.Example.procurement_route == route.key)
                .order_by(m.Example.year.desc(), m.Example.title_sv).limit(5)))
        filters = SUPPLIER_FILTERS.get(route.key, {})
        args = {"service": g.service.query if g.service else "",
                "serves": g.municipality.code if g.municipality else "", **filters}
        found = buyers.find_suppliers(**args, per_page=5, locale=locale)
        route.suppliers, route.supplier_total = found.page.items, found.page.total
        route.supplier_args = buyers.SupplierQuery(
            args["service"], args["serves"], "", bool(filters.get("reserved")),
            tuple(filters.get("experience", ()))).as_args()


def guide_article(key: str) -> m.ProcurementGuide | None:
    return db.session.scalars(select(m.ProcurementGuide).where(
        m.ProcurementGuide.slug == GUIDE_SLUGS[key], m.ProcurementGuide.status == m.PUBLISHED)).first()
