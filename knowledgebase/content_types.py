"""The registry of content types: one place that says, for each type, its model, its URL
word, its labels and its own fields. Import/export, the API, list and detail pages and the
search index all read it, so a content type is described once."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l

from knowledgebase import field_kinds as k
from knowledgebase import models as m
from knowledgebase.field_kinds import FieldKind


@dataclass(frozen=True)
class Field:
    """One of a content type's own fields: its attribute on the model, its kind (which
    does everything kind-specific with it, ``knowledgebase.field_kinds``) and its label."""

    name: str
    kind: FieldKind
    label: object
    # For the kinds choice and contracts: the values allowed, and their labels.
    choices: tuple[str, ...] = ()
    labels: Mapping[str, object] = field(default_factory=dict, compare=False)
    # For the kinds taxonomy and taxonomy_list: the taxonomy model.
    target: type | None = None
    # For the kind entries: the content type key of the linked entries.
    target_type: str = ""
    # Indexed with the title rather than the body (a glossary term's abbreviation).
    search_title: bool = False

    def __post_init__(self) -> None:
        if not k.is_registered(self.kind):
            raise ValueError(f"field {self.name}: {self.kind!r} is not a registered field kind")


@dataclass(frozen=True)
class ContentType:
    key: str
    path: str
    model: type[m.Entry]
    label: object
    plural: object
    fields: tuple[Field, ...] = field(default_factory=tuple)

    def field(self, name: str) -> Field | None:
        return next((f for f in self.fields if f.name == name), None)


PROCUREMENT_ROUTES = ("reserved", "social_conditions", "direct_award", "lov", "iop", "none")
FINANCING_KINDS = ("grant", "loan", "microloan", "guarantee", "wage_subsidy", "advice", "other")
LAWS = ("LOU", "LOV", "IOP", "other")

ROUTE_LABELS = {
    "reserved": _l("Reserved contract"),
    "social_conditions": _l("Social requirements and contract conditions"),
    "direct_award": _l("Direct award"),
    "lov": _l("Choice system (LOV)"),
    "iop": _l("Non-profit public partnership (IOP)"),
    "none": _l("Not a purchase"),
}
FINANCING_KIND_LABELS = {
    "grant": _l("Grant"),
    "loan": _l("Loan"),
    "microloan": _l("Microloan"),
    "guarantee": _l("Guarantee"),
    "wage_subsidy": _l("Wage subsidy"),
    "advice": _l("Advice"),
    "other": _l("Other"),
}
LAW_LABELS = {"LOU": "LOU", "LOV": "LOV", "IOP": "IOP", "other": _l("Other")}
STATUS_LABELS = {
    "draft": _l("Draft"),
    "review": _l("In review"),
    "published": _l("Published"),
    "archived": _l("Archived"),
}

CONTENT_TYPES: tuple[ContentType, ...] = (
    ContentType(
        "enterprise", "enterprises", m.Enterprise, _l("Social enterprise"), _l("Social enterprises"),
        (
            Field("org_number", k.ORGNR, _l("Organisation number")),
            Field("legal_form", k.TAXONOMY, _l("Legal form"), target=m.LegalForm),
            Field("address", k.TEXT, _l("Address")),
            Field("website", k.URL, _l("Website")),
            Field("email", k.EMAIL, _l("E-mail")),
            Field("phone", k.PHONE, _l("Phone")),
            Field("services", k.TAXONOMY_LIST, _l("Services"), target=m.ServiceCategory),
            Field("target_groups", k.TAXONOMY_LIST, _l("Target groups"), target=m.TargetGroup),
            Field("employees", k.INT, _l("Employees")),
            Field("participants", k.INT, _l("Participants")),
            Field("founded_year", k.YEAR, _l("Founded")),
            Field("memberships", k.LIST, _l("Memberships")),
            Field("certifications", k.LIST, _l("Certifications")),
            Field("reserved_contracts", k.BOOL, _l("Can take reserved contracts (LOU 4 kap. 18 §)")),
            Field("reserved_share", k.INT, _l("Share of workers who are disabled or far from the labour market (%)")),
            Field("lou_experience", k.BOOL, _l("Experience of public procurement (LOU)")),
            Field("lov_experience", k.BOOL, _l("Experience of choice systems (LOV)")),
            Field("iop_experience", k.BOOL, _l("Experience of partnerships (IOP)")),
            # Capability for buyers (services.procurement.buyers, docs/buyers.md): facts as stated on a date.
            Field("capacity", k.TEXT, _l("Capacity (how large an assignment they can take)")),
            Field("f_tax", k.BOOL, _l("Approved for F-tax (as stated by the enterprise)")),
            Field("vat_registered", k.BOOL, _l("Registered for VAT (as stated by the enterprise)")),
            Field("registration_stated_on", k.DATE, _l("F-tax and VAT stated on")),
            Field("reserved_share_declared_on", k.DATE, _l("Share of workers declared on")),
            Field("reserved_evidence", k.TEXT, _l("Evidence of the share (kind)")),
            Field("reserved_checked_by", k.TEXT, _l("Adviser who checked the evidence")),
            Field("ideburen", k.BOOL, _l("Non-profit organisation with a public-benefit purpose (as stated)")),
            Field("ideburen_registered", k.BOOL, _l("In Kammarkollegiet's register of non-profit organisations")),
            Field("ideburen_stated_on", k.DATE, _l("Non-profit status stated on")),
            Field("lov_approvals", k.LIST, _l("Approved in choice systems (LOV)")),
            Field("lov_stated_on", k.DATE, _l("Choice system approvals stated on")),
            Field("iop_agreements", k.LIST, _l("Partnership agreements (IOP)")),
            Field("iop_stated_on", k.DATE, _l("Partnership agreements stated on")),
            Field("contracts", k.CONTRACTS, _l("Previous public contracts"),
                  choices=PROCUREMENT_ROUTES, labels=ROUTE_LABELS),
            Field("tender_contact_name", k.TEXT, _l("Contact for tenders")),
            Field("tender_contact_email", k.EMAIL, _l("E-mail for tenders")),
            Field("tender_contact_phone", k.PHONE, _l("Phone for tenders")),
        ),
    ),
    ContentType(
        "example", "examples", m.Example, _l("Good example"), _l("Good examples"),
        (
            Field("organisations", k.LONG_TEXT, _l("Who did it")),
            Field("year", k.YEAR, _l("Year")),
            Field("results", k.BITEXT, _l("Results")),
            Field("lessons", k.BITEXT, _l("Lessons")),
            Field("procurement_route", k.CHOICE, _l("Procurement route"), choices=PROCUREMENT_ROUTES,
                  labels=ROUTE_LABELS),
            Field("enterprises", k.ENTRIES, _l("Enterprises involved"), target_type="enterprise"),
        ),
    ),
    ContentType(
        "research", "research", m.Research, _l("Research"), _l("Research"),
        (
            Field("authors", k.LIST, _l("Authors")),
            Field("year", k.YEAR, _l("Year")),
            Field("publisher", k.TEXT, _l("Publisher")),
            Field("url", k.URL, _l("Link")),
            Field("doi", k.TEXT, _l("DOI")),
            Field("isbn", k.TEXT, _l("ISBN")),
            Field("key_findings", k.BITEXT, _l("Key findings")),
        ),
    ),
    ContentType(
        "financing", "financing", m.FinancingSource, _l("Financing source"), _l("Financing"),
        (
            Field("provider", k.TEXT, _l("Provider")),
            Field("kind", k.CHOICE, _l("Kind"), choices=FINANCING_KINDS, labels=FINANCING_KIND_LABELS),
            Field("eligibility", k.BITEXT, _l("Who may apply")),
            Field("area", k.TEXT, _l("Area")),
            Field("amount", k.TEXT, _l("Amount")),
            Field("deadline", k.TEXT, _l("Application deadline")),
            Field("url", k.URL, _l("Link")),
        ),
    ),
    ContentType(
        "procurement", "procurement", m.ProcurementGuide, _l("Procurement guidance"),
        _l("Procurement guidance"),
        (
            Field("law", k.CHOICE, _l("Law"), choices=LAWS, labels=LAW_LABELS),
            Field("law_references", k.LAW_REFS, _l("Law references")),
        ),
    ),
    ContentType(
        "advice", "advice", m.AdviceContact, _l("Advice contact"), _l("Advice"),
        (
            Field("organisation", k.TEXT, _l("Organisation")),
            Field("role", k.TEXT, _l("Role")),
            Field("topics", k.LIST, _l("Topics")),
            Field("website", k.URL, _l("Website")),
            Field("email", k.EMAIL, _l("E-mail")),
            Field("phone", k.PHONE, _l("Phone")),
        ),
    ),
    ContentType(
        "network", "networks", m.Network, _l("Network or meeting place"),
        _l("Networks and meeting places"),
        (
            Field("members", k.BITEXT, _l("Members")),
            Field("how_to_join", k.BITEXT, _l("How to join")),
            Field("website", k.URL, _l("Website")),
        ),
    ),
    ContentType(
        "glossary", "glossary", m.GlossaryTerm, _l("Glossary term"), _l("Glossary"),
        (
            Field("abbreviation", k.TEXT, _l("Abbreviation"), search_title=True),
            Field("related", k.ENTRIES, _l("Related terms"), target_type="glossary"),
        ),
    ),
)

BY_KEY: dict[str, ContentType] = {ct.key: ct for ct in CONTENT_TYPES}
BY_PATH: dict[str, ContentType] = {ct.path: ct for ct in CONTENT_TYPES}


def by_key(key: str) -> ContentType:
    return BY_KEY[key]


def for_entry(entry: m.Entry) -> ContentType:
    return BY_KEY[entry.type]
