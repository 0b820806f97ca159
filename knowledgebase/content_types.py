"""The registry of content types: one place that says, for each type, its model, its URL
word, its labels and its own fields. Import/export, the API, list and detail pages and the
search index all read it, so a content type is described once."""

from __future__ import annotations

from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l

from knowledgebase import models as m

# Field kinds understood by services/serialization.py:
#   text, bitext (Swedish and English columns <name>_sv/<name>_en), int, bool, url, email,
#   phone, orgnr, list (of short texts), choice, law_refs, taxonomy (one slug), taxonomy_list,
#   entries (slugs of other entries), date (YYYY-MM-DD), contracts (public contracts:
#   buyer, year, service, route).


@dataclass(frozen=True)
class Field:
    name: str
    kind: str
    label: object
    choices: tuple[str, ...] = ()
    target: type | None = None
    # For kind "entries": the content type key of the linked entries.
    target_type: str = ""


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
            Field("org_number", "orgnr", _l("Organisation number")),
            Field("legal_form", "taxonomy", _l("Legal form"), target=m.LegalForm),
            Field("address", "text", _l("Address")),
            Field("website", "url", _l("Website")),
            Field("email", "email", _l("E-mail")),
            Field("phone", "phone", _l("Phone")),
            Field("services", "taxonomy_list", _l("Services"), target=m.ServiceCategory),
            Field("target_groups", "taxonomy_list", _l("Target groups"), target=m.TargetGroup),
            Field("employees", "int", _l("Employees")),
            Field("participants", "int", _l("Participants")),
            Field("founded_year", "int", _l("Founded")),
            Field("memberships", "list", _l("Memberships")),
            Field("certifications", "list", _l("Certifications")),
            Field("reserved_contracts", "bool", _l("Can take reserved contracts (LOU 4 kap. 18 §)")),
            Field("reserved_share", "int", _l("Share of workers who are disabled or far from the labour market (%)")),
            Field("lou_experience", "bool", _l("Experience of public procurement (LOU)")),
            Field("lov_experience", "bool", _l("Experience of choice systems (LOV)")),
            Field("iop_experience", "bool", _l("Experience of partnerships (IOP)")),
            # Capability for buyers (services.buyers, docs/buyers.md): facts as stated on a date.
            Field("capacity", "text", _l("Capacity (how large an assignment they can take)")),
            Field("f_tax", "bool", _l("Approved for F-tax (as stated by the enterprise)")),
            Field("vat_registered", "bool", _l("Registered for VAT (as stated by the enterprise)")),
            Field("registration_stated_on", "date", _l("F-tax and VAT stated on")),
            Field("reserved_share_declared_on", "date", _l("Share of workers declared on")),
            Field("reserved_evidence", "text", _l("Evidence of the share (kind)")),
            Field("reserved_checked_by", "text", _l("Adviser who checked the evidence")),
            Field("ideburen", "bool", _l("Non-profit organisation with a public-benefit purpose (as stated)")),
            Field("ideburen_registered", "bool", _l("In Kammarkollegiet's register of non-profit organisations")),
            Field("ideburen_stated_on", "date", _l("Non-profit status stated on")),
            Field("lov_approvals", "list", _l("Approved in choice systems (LOV)")),
            Field("lov_stated_on", "date", _l("Choice system approvals stated on")),
            Field("iop_agreements", "list", _l("Partnership agreements (IOP)")),
            Field("iop_stated_on", "date", _l("Partnership agreements stated on")),
            Field("contracts", "contracts", _l("Previous public contracts")),
            Field("tender_contact_name", "text", _l("Contact for tenders")),
            Field("tender_contact_email", "email", _l("E-mail for tenders")),
            Field("tender_contact_phone", "phone", _l("Phone for tenders")),
        ),
    ),
    ContentType(
        "example", "examples", m.Example, _l("Good example"), _l("Good examples"),
        (
            Field("organisations", "text", _l("Who did it")),
            Field("year", "int", _l("Year")),
            Field("results", "bitext", _l("Results")),
            Field("lessons", "bitext", _l("Lessons")),
            Field("procurement_route", "choice", _l("Procurement route"), choices=PROCUREMENT_ROUTES),
            Field("enterprises", "entries", _l("Enterprises involved"), target_type="enterprise"),
        ),
    ),
    ContentType(
        "research", "research", m.Research, _l("Research"), _l("Research"),
        (
            Field("authors", "list", _l("Authors")),
            Field("year", "int", _l("Year")),
            Field("publisher", "text", _l("Publisher")),
            Field("url", "url", _l("Link")),
            Field("doi", "text", _l("DOI")),
            Field("isbn", "text", _l("ISBN")),
            Field("key_findings", "bitext", _l("Key findings")),
        ),
    ),
    ContentType(
        "financing", "financing", m.FinancingSource, _l("Financing source"), _l("Financing"),
        (
            Field("provider", "text", _l("Provider")),
            Field("kind", "choice", _l("Kind"), choices=FINANCING_KINDS),
            Field("eligibility", "bitext", _l("Who may apply")),
            Field("area", "text", _l("Area")),
            Field("amount", "text", _l("Amount")),
            Field("deadline", "text", _l("Application deadline")),
            Field("url", "url", _l("Link")),
        ),
    ),
    ContentType(
        "procurement", "procurement", m.ProcurementGuide, _l("Procurement guidance"),
        _l("Procurement guidance"),
        (
            Field("law", "choice", _l("Law"), choices=LAWS),
            Field("law_references", "law_refs", _l("Law references")),
        ),
    ),
    ContentType(
        "advice", "advice", m.AdviceContact, _l("Advice contact"), _l("Advice"),
        (
            Field("organisation", "text", _l("Organisation")),
            Field("role", "text", _l("Role")),
            Field("topics", "list", _l("Topics")),
            Field("website", "url", _l("Website")),
            Field("email", "email", _l("E-mail")),
            Field("phone", "phone", _l("Phone")),
        ),
    ),
    ContentType(
        "network", "networks", m.Network, _l("Network or meeting place"),
        _l("Networks and meeting places"),
        (
            Field("members", "bitext", _l("Members")),
            Field("how_to_join", "bitext", _l("How to join")),
            Field("website", "url", _l("Website")),
        ),
    ),
    ContentType(
        "glossary", "glossary", m.GlossaryTerm, _l("Glossary term"), _l("Glossary"),
        (
            Field("abbreviation", "text", _l("Abbreviation")),
            Field("related", "entries", _l("Related terms"), target_type="glossary"),
        ),
    ),
)

BY_KEY: dict[str, ContentType] = {ct.key: ct for ct in CONTENT_TYPES}
BY_PATH: dict[str, ContentType] = {ct.path: ct for ct in CONTENT_TYPES}


def by_key(key: str) -> ContentType:
    return BY_KEY[key]


def for_entry(entry: m.Entry) -> ContentType:
    return BY_KEY[entry.type]
