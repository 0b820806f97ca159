"""Keeping the entries true: where each fact comes from, the enterprises' own confirmations,
the mail log of reminders and alerts, link checks and e-mail alert subscriptions."""

from __future__ import annotations

import secrets
from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Boolean, Date, DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from knowledgebase.models.accounts import User
from knowledgebase.models.base import db, now_utc
from knowledgebase.models.entries import Entry

# Where a fact comes from.
SOURCE_KINDS = ("enterprise", "adviser", "register", "document")
# What ``FactProvenance.confirmed_by`` says when the enterprise itself confirmed the fact.
BY_ENTERPRISE = "the enterprise"


def new_salt() -> str:
    """A random value mixed into unsubscribe links; a new one makes the old links invalid."""
    return secrets.token_hex(8)


class FactProvenance(db.Model):
    """Where one fact of an entry (its phone number, legal form, area served ...) comes from,
    who confirmed it and when. ``value`` is the fact as it was confirmed: when the entry
    changes later, the confirmation no longer vouches for it."""

    __tablename__ = "fact_provenance"
    __table_args__ = (UniqueConstraint("entry_id", "fact_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("entry.id", ondelete="CASCADE"), index=True)
    # A key of services.upkeep.provenance.FACTS, e.g. "phone" or "area".
    fact_key: Mapped[str] = mapped_column(String(40))
    source_kind: Mapped[str] = mapped_column(String(20))
    # Which register or document, and where to find it.
    source_note: Mapped[str] = mapped_column(String(500), default="")
    source_url: Mapped[str] = mapped_column(String(1000), default="")
    confirmed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    # BY_ENTERPRISE, or the e-mail address of the adviser (kept when the account is gone).
    confirmed_by: Mapped[str] = mapped_column(String(254), default="")
    confirmed_at: Mapped[date] = mapped_column(Date, index=True)
    value: Mapped[Any] = mapped_column(JSON, nullable=True)

    user: Mapped[User | None] = relationship()


class EntryUpkeep(db.Model):
    """Who keeps an entry current: the contact that gets confirmation requests (the entry's own
    e-mail unless an adviser gives another), in which language, and when that contact last
    confirmed the whole entry."""

    __tablename__ = "entry_upkeep"

    entry_id: Mapped[int] = mapped_column(ForeignKey("entry.id", ondelete="CASCADE"), primary_key=True)
    email: Mapped[str] = mapped_column(String(254), default="")
    lang: Mapped[str] = mapped_column(String(2), default="sv")
    confirmed_at: Mapped[date | None] = mapped_column(Date, index=True)
    # Set when the contact unsubscribed from reminders.
    reminders_off_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # Set when the contact asked for no more buyers' needs (services.procurement.needs).
    needs_off_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    salt: Mapped[str] = mapped_column(String(16), default=new_salt)

    entry: Mapped[Entry] = relationship()


class ConfirmationRequest(db.Model):
    """A one-time link that lets an enterprise's contact confirm or correct one entry without
    an account. Only the SHA-256 of the token is kept."""

    __tablename__ = "confirmation_request"

    id: Mapped[int] = mapped_column(primary_key=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("entry.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    email: Mapped[str] = mapped_column(String(254))
    lang: Mapped[str] = mapped_column(String(2), default="sv")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=now_utc)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    sent_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    # The adviser's e-mail, or "reminders" for the scheduled command.
    sent_by: Mapped[str] = mapped_column(String(254), default="")
    # When the link was used (or replaced by a newer one), and how: "confirmed", "changes", "replaced".
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    outcome: Mapped[str] = mapped_column(String(20), default="")
    # Proposed changes in the seed format ({"phone": "..."}), waiting for an adviser.
    changes: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    suggestion_id: Mapped[int | None] = mapped_column(ForeignKey("suggestion.id", ondelete="SET NULL"))

    entry: Mapped[Entry] = relationship()


class ReminderLog(db.Model):
    """Every e-mail this module sent or tried to send: confirmation requests, digests, alerts.
    Makes the scheduled command idempotent, and keeps bounces (an SMTP refusal) for advisers."""

    __tablename__ = "reminder_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    # "confirmation", "digest", "alert", "alert_confirm".
    kind: Mapped[str] = mapped_column(String(20), index=True)
    recipient: Mapped[str] = mapped_column(String(254), index=True)
    entry_id: Mapped[int | None] = mapped_column(ForeignKey("entry.id", ondelete="SET NULL"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    subscription_id: Mapped[int | None] = mapped_column(
        ForeignKey("alert_subscription.id", ondelete="SET NULL"), index=True)
    sent_on: Mapped[date] = mapped_column(Date, index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=now_utc)
    # "sent" or "bounced".
    status: Mapped[str] = mapped_column(String(10), default="sent")
    detail: Mapped[str] = mapped_column(Text, default="")

    entry: Mapped[Entry | None] = relationship()


class LinkCheck(db.Model):
    """The latest check of one external URL found in published entries."""

    __tablename__ = "link_check"

    id: Mapped[int] = mapped_column(primary_key=True)
    url: Mapped[str] = mapped_column(String(1000), unique=True)
    entry_ids: Mapped[list] = mapped_column(JSON, default=list)
    ok: Mapped[bool] = mapped_column(Boolean, default=False, index=True)
    status: Mapped[int | None] = mapped_column(Integer)
    error: Mapped[str] = mapped_column(String(200), default="")
    checked_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=now_utc)
    # When the link started failing (kept while it fails).
    failing_since: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class AlertSubscription(db.Model):
    """E-mail alerts about new entries in a municipality or a theme, with double opt-in: the
    subscription is active once the link in the confirmation e-mail has been used."""

    __tablename__ = "alert_subscription"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), index=True)
    lang: Mapped[str] = mapped_column(String(2), default="sv")
    municipality_code: Mapped[str | None] = mapped_column(ForeignKey("municipality.code", ondelete="CASCADE"))
    theme_number: Mapped[int | None] = mapped_column(ForeignKey("theme.number", ondelete="CASCADE"))
    # What the subscriber follows: "entries" (new entries in a municipality or theme) or
    # "needs" (buyers' public needs in a municipality or for a service).
    topic: Mapped[str] = mapped_column(String(10), default="entries", server_default="entries")
    service_slug: Mapped[str | None] = mapped_column(ForeignKey("service_category.slug", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=now_utc)
    # SHA-256 of the token in the confirmation e-mail; emptied once used.
    confirm_hash: Mapped[str] = mapped_column(String(64), default="", index=True)
    confirmed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    unsubscribed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    salt: Mapped[str] = mapped_column(String(16), default=new_salt)

    @property
    def is_active(self) -> bool:
        return self.confirmed_at is not None and self.unsubscribed_at is None


class AdviserDigest(db.Model):
    """An adviser's choice of counties for the digest of stale entries, suggestions and bounces."""

    __tablename__ = "adviser_digest"

    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True)
    counties: Mapped[list] = mapped_column(JSON, default=list)
    lang: Mapped[str] = mapped_column(String(2), default="sv")
    salt: Mapped[str] = mapped_column(String(16), default=new_salt)

    user: Mapped[User] = relationship()
