"""Content entries. ``Entry`` holds what every content type shares (texts in two languages,
taxonomy links, workflow status, sources), so that search, revisions, workflow and
translations are written once; each content type adds its own table (joined inheritance)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from knowledgebase.models.base import db, now_utc
from knowledgebase.models.procurement import PublicContract
from knowledgebase.models.taxonomy import (
    CompetencePackage,
    County,
    LegalForm,
    Municipality,
    ServiceCategory,
    TargetGroup,
    Theme,
)

STATUSES = ("draft", "review", "published", "archived")
PUBLISHED = "published"


def _link_table(name: str, target: str, target_type) -> Table:
    """A many-to-many table between entries and one taxonomy table."""
    column = target.split(".")[0] + "_key"
    return Table(
        name,
        db.metadata,
        Column("entry_id", ForeignKey("entry.id", ondelete="CASCADE"), primary_key=True),
        Column(column, target_type, ForeignKey(target, ondelete="CASCADE"), primary_key=True),
    )


entry_theme = _link_table("entry_theme", "theme.number", Integer)
entry_package = _link_table("entry_package", "competence_package.code", String(5))
entry_county = _link_table("entry_county", "county.code", String(2))
entry_municipality = _link_table("entry_municipality", "municipality.code", String(4))
enterprise_service = _link_table("enterprise_service", "service_category.slug", String(80))
enterprise_target_group = _link_table("enterprise_target_group", "target_group.slug", String(80))

example_enterprise = Table(
    "example_enterprise",
    db.metadata,
    Column("example_id", ForeignKey("example.id", ondelete="CASCADE"), primary_key=True),
    Column("enterprise_id", ForeignKey("enterprise.id", ondelete="CASCADE"), primary_key=True),
)
glossary_related = Table(
    "glossary_related",
    db.metadata,
    Column("term_id", ForeignKey("glossary_term.id", ondelete="CASCADE"), primary_key=True),
    Column("related_id", ForeignKey("glossary_term.id", ondelete="CASCADE"), primary_key=True),
)


def translated_text(source: Any, field: str, locale: str) -> tuple[str, str]:
    """``field`` of ``source`` (an entry, or a row with its ``<field>_sv``/``_en`` columns)
    for ``locale``, and the language it is really in: Swedish when English is missing."""
    if locale == "en":
        english = getattr(source, f"{field}_en", "") or ""
        if english.strip():
            return english, "en"
    return getattr(source, f"{field}_sv", "") or "", "sv"


class Entry(db.Model):
    __tablename__ = "entry"
    __table_args__ = (UniqueConstraint("type", "slug"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    type: Mapped[str] = mapped_column(String(20), index=True)
    # Indexed alone too: a subtype's query by slug (Enterprise.slug == …) has no type in it,
    # so the (type, slug) index cannot serve it.
    slug: Mapped[str] = mapped_column(String(120), index=True)
    status: Mapped[str] = mapped_column(String(12), index=True, default="draft")
    title_sv: Mapped[str] = mapped_column(String(300))
    title_en: Mapped[str] = mapped_column(String(300), default="")
    summary_sv: Mapped[str] = mapped_column(Text, default="")
    summary_en: Mapped[str] = mapped_column(Text, default="")
    body_sv: Mapped[str] = mapped_column(Text, default="")
    body_en: Mapped[str] = mapped_column(Text, default="")
    easy_read_sv: Mapped[str] = mapped_column(Text, default="")
    last_verified: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=now_utc)
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=now_utc, onupdate=now_utc, index=True
    )
    # Incremented on every update; the curation workflow uses it for optimistic locking.
    version: Mapped[int] = mapped_column(Integer, default=1, nullable=False)

    themes: Mapped[list[Theme]] = relationship(secondary=entry_theme, order_by=Theme.number)
    packages: Mapped[list[CompetencePackage]] = relationship(
        secondary=entry_package, order_by=CompetencePackage.code
    )
    counties: Mapped[list[County]] = relationship(secondary=entry_county, order_by=County.code)
    municipalities: Mapped[list[Municipality]] = relationship(
        secondary=entry_municipality, order_by=Municipality.name
    )
    sources: Mapped[list[Source]] = relationship(
        back_populates="entry", order_by="Source.position", cascade="all, delete-orphan"
    )

    __mapper_args__ = {"polymorphic_on": "type", "version_id_col": version}

    @property
    def is_published(self) -> bool:
        return self.status == PUBLISHED

    def text(self, field: str, locale: str) -> tuple[str, str]:
        """The text of a translated field for ``locale`` and the language it is really in
        (Swedish when the English translation is missing)."""
        return translated_text(self, field, locale)

    def title(self, locale: str) -> str:
        return self.text("title", locale)[0]

    def has_english(self) -> bool:
        return bool((self.title_en or "").strip() and (self.summary_en or "").strip())

    def county_codes(self) -> set[str]:
        """Counties the entry covers: its own and those of its municipalities."""
        return {c.code for c in self.counties} | {m.county_code for m in self.municipalities}

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.slug!r} {self.status}>"


class Source(db.Model):
    """Where an entry's facts come from."""

    __tablename__ = "source"

    id: Mapped[int] = mapped_column(primary_key=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("entry.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    title: Mapped[str] = mapped_column(String(500))
    url: Mapped[str] = mapped_column(String(1000), default="")
    entry: Mapped[Entry] = relationship(back_populates="sources")


def _subtable_id() -> Mapped[int]:
    return mapped_column(ForeignKey("entry.id", ondelete="CASCADE"), primary_key=True)


class Enterprise(Entry):
    __tablename__ = "enterprise"
    __mapper_args__ = {"polymorphic_identity": "enterprise"}

    id: Mapped[int] = _subtable_id()
    org_number: Mapped[str] = mapped_column(String(11), default="", index=True)
    legal_form_slug: Mapped[str | None] = mapped_column(ForeignKey("legal_form.slug"))
    address: Mapped[str] = mapped_column(String(300), default="")
    website: Mapped[str] = mapped_column(String(500), default="")
    email: Mapped[str] = mapped_column(String(254), default="")
    phone: Mapped[str] = mapped_column(String(40), default="")
    employees: Mapped[int | None]
    participants: Mapped[int | None]
    founded_year: Mapped[int | None]
    memberships: Mapped[list] = mapped_column(JSON, default=list)
    certifications: Mapped[list] = mapped_column(JSON, default=list)
    # Can take reserved contracts under LOU 4 kap. 18 §.
    reserved_contracts: Mapped[bool | None] = mapped_column(Boolean)
    # The share (per cent) of workers who are disabled or far from the labour market (at least 30).
    reserved_share: Mapped[int | None]
    lou_experience: Mapped[bool | None] = mapped_column(Boolean)
    lov_experience: Mapped[bool | None] = mapped_column(Boolean)
    iop_experience: Mapped[bool | None] = mapped_column(Boolean)

    # What buyers need to know (services.procurement.buyers), each as stated on a date; see docs/buyers.md.
    capacity: Mapped[str] = mapped_column(String(300), default="")
    f_tax: Mapped[bool | None] = mapped_column(Boolean)
    vat_registered: Mapped[bool | None] = mapped_column(Boolean)
    registration_stated_on: Mapped[date | None] = mapped_column(Date)
    reserved_share_declared_on: Mapped[date | None] = mapped_column(Date)
    reserved_evidence: Mapped[str] = mapped_column(String(300), default="")
    reserved_checked_by: Mapped[str] = mapped_column(String(300), default="")
    ideburen: Mapped[bool | None] = mapped_column(Boolean)
    ideburen_registered: Mapped[bool | None] = mapped_column(Boolean)
    ideburen_stated_on: Mapped[date | None] = mapped_column(Date)
    lov_approvals: Mapped[list] = mapped_column(JSON, default=list)
    lov_stated_on: Mapped[date | None] = mapped_column(Date)
    iop_agreements: Mapped[list] = mapped_column(JSON, default=list)
    iop_stated_on: Mapped[date | None] = mapped_column(Date)
    tender_contact_name: Mapped[str] = mapped_column(String(300), default="")
    tender_contact_email: Mapped[str] = mapped_column(String(254), default="")
    tender_contact_phone: Mapped[str] = mapped_column(String(40), default="")

    legal_form: Mapped[LegalForm | None] = relationship()
    services: Mapped[list[ServiceCategory]] = relationship(
        secondary=enterprise_service, order_by=ServiceCategory.slug
    )
    target_groups: Mapped[list[TargetGroup]] = relationship(
        secondary=enterprise_target_group, order_by=TargetGroup.slug
    )
    examples: Mapped[list[Example]] = relationship(
        secondary=example_enterprise, back_populates="enterprises"
    )
    contracts: Mapped[list[PublicContract]] = relationship(
        back_populates="enterprise", order_by="PublicContract.position", cascade="all, delete-orphan"
    )


class Example(Entry):
    """A good example: what was done, by whom, where, with what results and lessons."""

    __tablename__ = "example"
    __mapper_args__ = {"polymorphic_identity": "example"}

    id: Mapped[int] = _subtable_id()
    organisations: Mapped[str] = mapped_column(Text, default="")
    year: Mapped[int | None]
    results_sv: Mapped[str] = mapped_column(Text, default="")
    results_en: Mapped[str] = mapped_column(Text, default="")
    lessons_sv: Mapped[str] = mapped_column(Text, default="")
    lessons_en: Mapped[str] = mapped_column(Text, default="")
    procurement_route: Mapped[str] = mapped_column(String(30), default="")
    enterprises: Mapped[list[Enterprise]] = relationship(
        secondary=example_enterprise, back_populates="examples"
    )


class Research(Entry):
    __tablename__ = "research"
    __mapper_args__ = {"polymorphic_identity": "research"}

    id: Mapped[int] = _subtable_id()
    authors: Mapped[list] = mapped_column(JSON, default=list)
    year: Mapped[int | None]
    publisher: Mapped[str] = mapped_column(String(300), default="")
    url: Mapped[str] = mapped_column(String(1000), default="")
    doi: Mapped[str] = mapped_column(String(200), default="")
    isbn: Mapped[str] = mapped_column(String(40), default="")
    key_findings_sv: Mapped[str] = mapped_column(Text, default="")
    key_findings_en: Mapped[str] = mapped_column(Text, default="")


class FinancingSource(Entry):
    __tablename__ = "financing_source"
    __mapper_args__ = {"polymorphic_identity": "financing"}

    id: Mapped[int] = _subtable_id()
    provider: Mapped[str] = mapped_column(String(300), default="")
    kind: Mapped[str] = mapped_column(String(30), default="other")
    eligibility_sv: Mapped[str] = mapped_column(Text, default="")
    eligibility_en: Mapped[str] = mapped_column(Text, default="")
    area: Mapped[str] = mapped_column(String(300), default="")
    url: Mapped[str] = mapped_column(String(1000), default="")
    # As the provider states them, e.g. "up to 50 000 kr" and "31 March each year".
    amount: Mapped[str] = mapped_column(String(300), default="")
    deadline: Mapped[str] = mapped_column(String(300), default="")


class ProcurementGuide(Entry):
    __tablename__ = "procurement_guide"
    __mapper_args__ = {"polymorphic_identity": "procurement"}

    id: Mapped[int] = _subtable_id()
    law: Mapped[str] = mapped_column(String(10), default="LOU")
    # [{"sfs": "2016:1145", "chapter": "4", "section": "18", "label": "LOU 4 kap. 18 §"}]
    law_references: Mapped[list] = mapped_column(JSON, default=list)


class AdviceContact(Entry):
    __tablename__ = "advice_contact"
    __mapper_args__ = {"polymorphic_identity": "advice"}

    id: Mapped[int] = _subtable_id()
    organisation: Mapped[str] = mapped_column(String(300), default="")
    role: Mapped[str] = mapped_column(String(300), default="")
    topics: Mapped[list] = mapped_column(JSON, default=list)
    website: Mapped[str] = mapped_column(String(500), default="")
    email: Mapped[str] = mapped_column(String(254), default="")
    phone: Mapped[str] = mapped_column(String(40), default="")


class Network(Entry):
    __tablename__ = "network"
    __mapper_args__ = {"polymorphic_identity": "network"}

    id: Mapped[int] = _subtable_id()
    members_sv: Mapped[str] = mapped_column(Text, default="")
    members_en: Mapped[str] = mapped_column(Text, default="")
    how_to_join_sv: Mapped[str] = mapped_column(Text, default="")
    how_to_join_en: Mapped[str] = mapped_column(Text, default="")
    website: Mapped[str] = mapped_column(String(500), default="")


class GlossaryTerm(Entry):
    __tablename__ = "glossary_term"
    __mapper_args__ = {"polymorphic_identity": "glossary"}

    id: Mapped[int] = _subtable_id()
    abbreviation: Mapped[str] = mapped_column(String(40), default="")
    related: Mapped[list[GlossaryTerm]] = relationship(
        secondary=glossary_related,
        primaryjoin=lambda: GlossaryTerm.id == glossary_related.c.term_id,
        secondaryjoin=lambda: GlossaryTerm.id == glossary_related.c.related_id,
    )
