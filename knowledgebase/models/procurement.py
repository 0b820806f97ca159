"""Procurement data for buyers: the amounts that decide which procurement route LOU allows
(kept as data, with the period they apply to and their source) and the public contracts an
enterprise has delivered before."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from sqlalchemy import Date, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from knowledgebase.models.base import db

if TYPE_CHECKING:
    from knowledgebase.models.entries import Enterprise


# The currencies a limit can be kept in: kronor, or euros for an EU threshold whose official
# kronor value is not in the knowledge base yet (docs/buyers.md).
LIMIT_CURRENCIES = ("SEK", "EUR")


class ProcurementLimit(db.Model):
    """One amount (excl. VAT) for one period, e.g. the EU threshold for services bought by
    municipalities in 2024-2025, in kronor (or in euros, ``currency``, when only the euro amount
    could be sourced). ``key`` says which amount it is (see
    ``services.procurement.limits.LIMIT_KEYS``); advisers add a row for each new period through
    seed_data/taxonomy/procurement_limits.yaml."""

    __tablename__ = "procurement_limit"
    __table_args__ = (UniqueConstraint("key", "valid_from"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(40), index=True)
    amount: Mapped[int]
    # "SEK" or "EUR" (LIMIT_CURRENCIES): an amount is only ever compared with a value in its own
    # currency, since the knowledge base has no official conversion.
    currency: Mapped[str] = mapped_column(String(3), default="SEK", server_default="SEK")
    valid_from: Mapped[date] = mapped_column(Date)
    # None: until further notice (an amount fixed in the law itself).
    valid_to: Mapped[date | None] = mapped_column(Date)
    law_reference: Mapped[str] = mapped_column(String(200), default="")
    source_url: Mapped[str] = mapped_column(String(1000), default="")

    def applies_on(self, day: date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)


class PublicContract(db.Model):
    """A public contract the enterprise has delivered: who bought, when, what and how."""

    __tablename__ = "public_contract"

    id: Mapped[int] = mapped_column(primary_key=True)
    enterprise_id: Mapped[int] = mapped_column(ForeignKey("enterprise.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    buyer: Mapped[str] = mapped_column(String(300))
    year: Mapped[int | None]
    service: Mapped[str] = mapped_column(String(300), default="")
    # One of content_types.PROCUREMENT_ROUTES, or "" when not known.
    route: Mapped[str] = mapped_column(String(30), default="")

    enterprise: Mapped[Enterprise] = relationship(back_populates="contracts")

    def as_data(self) -> dict:
        """The contract in the seed format."""
        data: dict = {"buyer": self.buyer}
        if self.year is not None:
            data["year"] = self.year
        if self.service:
            data["service"] = self.service
        if self.route:
            data["route"] = self.route
        return data
