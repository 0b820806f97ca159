"""Buyers' needs: a purchase a buyer describes without an account, the enterprises an adviser
sent it to, their answers, and what came of it. Every link sent by e-mail is kept only as the
SHA-256 of its token."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Column, Date, DateTime, ForeignKey, Integer, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from knowledgebase.models.base import db, now_utc
from knowledgebase.models.entries import Enterprise
from knowledgebase.models.taxonomy import Municipality, ServiceCategory
from knowledgebase.models.upkeep import new_salt

# "unconfirmed": the buyer has not yet used the link in the confirmation e-mail;
# "waiting": in the advisers' queue; "rejected" (with a reason); "sent" to the matched enterprises.
NEED_STATUSES = ("unconfirmed", "waiting", "rejected", "sent")
ORGANISATION_KINDS = ("municipality", "region", "authority", "company")
ANSWER_KINDS = ("interested", "not_interested", "question")
DECLINE_REASONS = ("capacity", "area", "service")

need_municipality = Table(
    "need_municipality", db.metadata,
    Column("need_id", ForeignKey("need.id", ondelete="CASCADE"), primary_key=True),
    Column("municipality_code", ForeignKey("municipality.code", ondelete="CASCADE"), primary_key=True),
)


class Need(db.Model):
    """A purchase a buyer describes: what, where, how much, by when, and what the buyer allows
    (a reserved contract, a direct award, showing it publicly)."""

    __tablename__ = "need"

    id: Mapped[int] = mapped_column(primary_key=True)
    status: Mapped[str] = mapped_column(String(12), default="unconfirmed", index=True)
    lang: Mapped[str] = mapped_column(String(2), default="sv")
    # The buyer.
    organisation: Mapped[str] = mapped_column(String(300))
    organisation_kind: Mapped[str] = mapped_column(String(20))
    contact_name: Mapped[str] = mapped_column(String(300))
    contact_email: Mapped[str] = mapped_column(String(254))
    contact_phone: Mapped[str] = mapped_column(String(40), default="")
    # What is needed.
    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text)
    service_slug: Mapped[str | None] = mapped_column(ForeignKey("service_category.slug", ondelete="SET NULL"))
    # A CPV code or prefix as the buyer wrote it ("90910000"), or "".
    cpv: Mapped[str] = mapped_column(String(12), default="")
    value: Mapped[int | None] = mapped_column(Integer)
    period_start: Mapped[date | None] = mapped_column(Date)
    period_end: Mapped[date | None] = mapped_column(Date)
    deadline: Mapped[date] = mapped_column(Date, index=True)
    may_reserve: Mapped[bool] = mapped_column(Boolean, default=False)
    may_direct_award: Mapped[bool] = mapped_column(Boolean, default=False)
    public: Mapped[bool] = mapped_column(Boolean, default=False, index=True)
    # The life of the need.
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=now_utc)
    confirmed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), index=True)
    handled_by: Mapped[str] = mapped_column(String(254), default="")
    reject_reason: Mapped[str] = mapped_column(Text, default="")
    # Links: confirming the address (once), the buyer's page of answers, the outcome form (once).
    confirm_hash: Mapped[str] = mapped_column(String(64), default="", index=True)
    # A random value in the HMAC of the buyer's page link (a new one ends the old links).
    page_salt: Mapped[str] = mapped_column(String(16), default=new_salt)
    outcome_hash: Mapped[str] = mapped_column(String(64), default="", index=True)
    outcome_asked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # The outcome: whether a social enterprise got the contract, which one and its value.
    awarded: Mapped[bool | None] = mapped_column(Boolean)
    awarded_enterprise_id: Mapped[int | None] = mapped_column(ForeignKey("enterprise.id", ondelete="SET NULL"))
    awarded_value: Mapped[int | None] = mapped_column(Integer)
    # The buyer's consent to list the contract on the enterprise's page.
    contract_consent: Mapped[bool] = mapped_column(Boolean, default=False)
    outcome_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # "the buyer", or the adviser's e-mail.
    outcome_by: Mapped[str] = mapped_column(String(254), default="")
    contract_id: Mapped[int | None] = mapped_column(ForeignKey("public_contract.id", ondelete="SET NULL"))

    service: Mapped[ServiceCategory | None] = relationship()
    municipalities: Mapped[list[Municipality]] = relationship(secondary=need_municipality,
                                                              order_by=Municipality.name)
    recipients: Mapped[list[NeedRecipient]] = relationship(back_populates="need", order_by="NeedRecipient.id",
                                                           cascade="all, delete-orphan")
    awarded_enterprise: Mapped[Enterprise | None] = relationship()


class NeedRecipient(db.Model):
    """An enterprise a need was sent to, at which address and in which language, with its
    one-time link to answer. ``closed_at`` is set when it said interested or not."""

    __tablename__ = "need_recipient"

    id: Mapped[int] = mapped_column(primary_key=True)
    need_id: Mapped[int] = mapped_column(ForeignKey("need.id", ondelete="CASCADE"), index=True)
    enterprise_id: Mapped[int] = mapped_column(ForeignKey("enterprise.id", ondelete="CASCADE"), index=True)
    email: Mapped[str] = mapped_column(String(254))
    lang: Mapped[str] = mapped_column(String(2), default="sv")
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    sent_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=now_utc, index=True)
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    need: Mapped[Need] = relationship(back_populates="recipients")
    enterprise: Mapped[Enterprise] = relationship()
    answers: Mapped[list[NeedAnswer]] = relationship(back_populates="recipient", order_by="NeedAnswer.id",
                                                     cascade="all, delete-orphan")

    @property
    def answer(self) -> NeedAnswer | None:
        """The final answer (interested or not), if any."""
        return next((a for a in reversed(self.answers) if a.kind != "question"), None)


class NeedAnswer(db.Model):
    """An enterprise's answer: interested (with a message and a contact person), not interested
    (with an optional reason), or a question to the buyer."""

    __tablename__ = "need_answer"

    id: Mapped[int] = mapped_column(primary_key=True)
    recipient_id: Mapped[int] = mapped_column(ForeignKey("need_recipient.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    message: Mapped[str] = mapped_column(Text, default="")
    contact_person: Mapped[str] = mapped_column(String(300), default="")
    reason: Mapped[str] = mapped_column(String(20), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=now_utc)

    recipient: Mapped[NeedRecipient] = relationship(back_populates="answers")
