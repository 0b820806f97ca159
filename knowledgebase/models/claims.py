"""Enterprises keeping their own entries: a request to manage an entry ("Is this your
enterprise?"), the grant an adviser gives, and the one-time sign-in links (and the sessions
they start) of the people who manage entries. All of it is private: only advisers see it."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from knowledgebase.models.accounts import User
from knowledgebase.models.base import db, now_utc
from knowledgebase.models.entries import Entry

CLAIM_STATUSES = ("waiting", "approved", "refused", "revoked")


class ClaimRequest(db.Model):
    """Someone asks to manage an enterprise's entry; an adviser approves or refuses."""

    __tablename__ = "claim_request"

    id: Mapped[int] = mapped_column(primary_key=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("entry.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    # The requester's organisational address: the sign-in links go there once approved.
    email: Mapped[str] = mapped_column(String(254), index=True)
    role: Mapped[str] = mapped_column(String(200), default="")
    message: Mapped[str] = mapped_column(Text, default="")
    lang: Mapped[str] = mapped_column(String(2), default="sv")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=now_utc, index=True)
    status: Mapped[str] = mapped_column(String(12), default="waiting", index=True)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    # The adviser's e-mail (kept when the account is gone).
    decided_by: Mapped[str] = mapped_column(String(254), default="")
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    note: Mapped[str] = mapped_column(Text, default="")

    entry: Mapped[Entry] = relationship()


class EntryManager(db.Model):
    """A person (an e-mail address) who may edit one entry, granted by an adviser; revoked
    grants are kept for the record."""

    __tablename__ = "entry_manager"

    id: Mapped[int] = mapped_column(primary_key=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("entry.id", ondelete="CASCADE"), index=True)
    email: Mapped[str] = mapped_column(String(254), index=True)
    name: Mapped[str] = mapped_column(String(200), default="")
    lang: Mapped[str] = mapped_column(String(2), default="sv")
    claim_id: Mapped[int | None] = mapped_column(ForeignKey("claim_request.id", ondelete="SET NULL"))
    granted_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    granted_by: Mapped[str] = mapped_column(String(254), default="")
    granted_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=now_utc)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), index=True)
    revoked_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    revoked_by: Mapped[str] = mapped_column(String(254), default="")

    entry: Mapped[Entry] = relationship()
    granted_by_user: Mapped[User | None] = relationship(foreign_keys=[granted_by_id])


class ManagerSignIn(db.Model):
    """A one-time sign-in link mailed to a manager (only its SHA-256 is kept) and, once used,
    the session it started: open until signed out, ended by an adviser or past its time."""

    __tablename__ = "manager_sign_in"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=now_utc)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    session_expires_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # When the link or the session stopped working, and why: "signed_out", "revoked", "replaced".
    ended_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    end_reason: Mapped[str] = mapped_column(String(20), default="")
