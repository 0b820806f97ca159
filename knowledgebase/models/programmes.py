"""The programme's own follow-up: programmes (such as the ESF project the site grew out of)
with their targets, the activities they run, who registered and who came, and the networks
they started."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import JSON, Boolean, Date, DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from knowledgebase.models.base import db, now_utc
from knowledgebase.models.taxonomy import CompetencePackage, County, Municipality, Theme

if TYPE_CHECKING:
    from knowledgebase.models.entries import Entry

# What a target counts (services.programmes.targets.METRICS says how).
METRICS = ("networks_started", "network_organisations", "participants_competence",
           "participants_training", "participants_study_trip")
ACTIVITY_KINDS = ("seminar", "course", "study_trip", "network_meeting")
ACTIVITY_STATUSES = ("planned", "held", "cancelled")
# The arrangements the project description's accessibility section names.
ARRANGEMENTS = ("easy_read", "hearing_loop", "sign_language", "braille", "smoke_free")
SECTORS = ("public", "private", "non_profit")
GENDERS = ("woman", "man", "another", "not_stated")
# Head counts (and the follow-up) keep three groups: "another" and "not stated" together.
COUNT_GENDERS = ("woman", "man", "other")
REGISTRATION_STATUSES = ("registered", "waiting", "cancelled")


class Programme(db.Model):
    """A programme with a funder, a period, the counties and themes it covers and its targets."""

    __tablename__ = "programme"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    name_sv: Mapped[str] = mapped_column(String(300))
    name_en: Mapped[str] = mapped_column(String(300), default="")
    funder: Mapped[str] = mapped_column(String(300), default="")
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)
    counties: Mapped[list] = mapped_column(JSON, default=list)
    themes: Mapped[list] = mapped_column(JSON, default=list)
    # Where the targets come from (title, and web address when there is one).
    source_title: Mapped[str] = mapped_column(String(500), default="")
    source_url: Mapped[str] = mapped_column(String(1000), default="")

    targets: Mapped[list[ProgrammeTarget]] = relationship(
        back_populates="programme", order_by="ProgrammeTarget.position", cascade="all, delete-orphan")

    def name(self, locale: str) -> str:
        return self.name_en if locale == "en" and self.name_en else self.name_sv


class ProgrammeTarget(db.Model):
    """One number the programme aims at: what is counted (``metric``), how many, the split by
    gender where there is one, for one county where it is set, or for each municipality."""

    __tablename__ = "programme_target"

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("programme.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    metric: Mapped[str] = mapped_column(String(40))
    number: Mapped[int]
    women: Mapped[int | None] = mapped_column(Integer)
    men: Mapped[int | None] = mapped_column(Integer)
    county_code: Mapped[str | None] = mapped_column(ForeignKey("county.code"))
    per_municipality: Mapped[bool] = mapped_column(Boolean, default=False)

    programme: Mapped[Programme] = relationship(back_populates="targets")
    county: Mapped[County | None] = relationship()


class Activity(db.Model):
    """A seminar, course, study trip or network meeting of a programme."""

    __tablename__ = "activity"

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("programme.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(20), default="planned")
    title_sv: Mapped[str] = mapped_column(String(300))
    title_en: Mapped[str] = mapped_column(String(300), default="")
    description_sv: Mapped[str] = mapped_column(Text, default="")
    description_en: Mapped[str] = mapped_column(Text, default="")
    theme_number: Mapped[int | None] = mapped_column(ForeignKey("theme.number"))
    package_code: Mapped[str | None] = mapped_column(ForeignKey("competence_package.code"))
    # Stored in UTC; shown and entered in Europe/Stockholm.
    starts_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    ends_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    municipality_code: Mapped[str | None] = mapped_column(ForeignKey("municipality.code"), index=True)
    address: Mapped[str] = mapped_column(String(300), default="")
    online: Mapped[bool] = mapped_column(Boolean, default=False)
    organiser: Mapped[str] = mapped_column(String(300), default="")
    arrangements: Mapped[list] = mapped_column(JSON, default=list)
    # Places; None: no cap. Registration closes when the activity starts.
    capacity: Mapped[int | None] = mapped_column(Integer)
    registration: Mapped[bool] = mapped_column(Boolean, default=True)
    # When the registrations were reduced to head counts (services.programmes.retention).
    reduced_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=now_utc)

    programme: Mapped[Programme] = relationship()
    theme: Mapped[Theme | None] = relationship()
    package: Mapped[CompetencePackage | None] = relationship()
    municipality: Mapped[Municipality | None] = relationship()
    registrations: Mapped[list[Registration]] = relationship(
        back_populates="activity", order_by="Registration.id", cascade="all, delete-orphan")
    head_counts: Mapped[list[HeadCount]] = relationship(
        back_populates="activity", cascade="all, delete-orphan")

    def title(self, locale: str) -> str:
        return self.title_en if locale == "en" and self.title_en else self.title_sv

    def description(self, locale: str) -> str:
        return self.description_en if locale == "en" and self.description_en else self.description_sv


class Registration(db.Model):
    """One person's registration for an activity: personal data, seen only by advisers and
    reduced to head counts after the retention period."""

    __tablename__ = "registration"

    id: Mapped[int] = mapped_column(primary_key=True)
    activity_id: Mapped[int] = mapped_column(ForeignKey("activity.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str] = mapped_column(String(254), index=True)
    organisation: Mapped[str] = mapped_column(String(300), default="")
    sector: Mapped[str] = mapped_column(String(20))
    gender: Mapped[str] = mapped_column(String(20))
    needs: Mapped[str] = mapped_column(Text, default="")
    lang: Mapped[str] = mapped_column(String(2), default="sv")
    status: Mapped[str] = mapped_column(String(20), default="registered")
    # None until an adviser marks attendance after the activity.
    attended: Mapped[bool | None] = mapped_column(Boolean)
    # SHA-256 of the one-time cancellation link's token (services.upkeep.outbox.new_token).
    cancel_token_hash: Mapped[str] = mapped_column(String(64), default="")
    consented_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=now_utc)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=now_utc)

    activity: Mapped[Activity] = relationship(back_populates="registrations")


class HeadCount(db.Model):
    """How many people of one sector and gender group took part in an activity: entered by an
    adviser for an activity held without registration, or what remains of registrations once
    the personal data is gone (erased on request, or reduced after the retention period)."""

    __tablename__ = "head_count"
    __table_args__ = (UniqueConstraint("activity_id", "sector", "gender"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    activity_id: Mapped[int] = mapped_column(ForeignKey("activity.id", ondelete="CASCADE"), index=True)
    sector: Mapped[str] = mapped_column(String(20))
    gender: Mapped[str] = mapped_column(String(20))
    count: Mapped[int] = mapped_column(default=0)

    activity: Mapped[Activity] = relationship(back_populates="head_counts")


class StartedNetwork(db.Model):
    """A network for the social economy that a programme started."""

    __tablename__ = "started_network"

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("programme.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(300))
    started_on: Mapped[date] = mapped_column(Date)
    county_code: Mapped[str] = mapped_column(ForeignKey("county.code"))
    # The directory's own entry for the network, when it has one.
    entry_id: Mapped[int | None] = mapped_column(ForeignKey("entry.id", ondelete="SET NULL"))

    programme: Mapped[Programme] = relationship()
    county: Mapped[County] = relationship()
    entry: Mapped[Entry | None] = relationship()
    members: Mapped[list[NetworkMember]] = relationship(
        back_populates="network", order_by="NetworkMember.id", cascade="all, delete-orphan")


class NetworkMember(db.Model):
    """A member organisation of a started network, in its municipality."""

    __tablename__ = "network_member"

    id: Mapped[int] = mapped_column(primary_key=True)
    network_id: Mapped[int] = mapped_column(ForeignKey("started_network.id", ondelete="CASCADE"), index=True)
    municipality_code: Mapped[str] = mapped_column(ForeignKey("municipality.code"))
    organisation: Mapped[str] = mapped_column(String(300))

    network: Mapped[StartedNetwork] = relationship(back_populates="members")
    municipality: Mapped[Municipality] = relationship()
