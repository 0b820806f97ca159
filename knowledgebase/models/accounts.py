"""Accounts of the people who curate the knowledge base, and the audit log of what they do."""

from __future__ import annotations

import secrets
from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import Boolean, DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from knowledgebase.models.base import db, now_utc

ROLES = ("admin", "adviser", "contributor")


def new_session_token() -> str:
    """A fresh random token; changing it ends every session of the account."""
    return secrets.token_urlsafe(24)


class User(UserMixin, db.Model):
    # "user" is a reserved word in PostgreSQL.
    __tablename__ = "user_account"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(200), default="")
    role: Mapped[str] = mapped_column(String(20), default="contributor")
    password_hash: Mapped[str] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # Part of the id kept in the session cookie: a new token (password change, disabling)
    # makes every earlier session invalid.
    session_token: Mapped[str] = mapped_column(String(64), default=new_session_token)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=now_utc)
    last_login_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    password_changed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=now_utc)

    @property
    def is_active(self) -> bool:
        return bool(self.active)

    def get_id(self) -> str:
        """The identity Flask-Login stores in the session: id and current session token."""
        return f"{self.id}:{self.session_token}"

    @property
    def label(self) -> str:
        return f"{self.name} <{self.email}>" if self.name else self.email

    def __repr__(self) -> str:
        return f"<User {self.email!r} {self.role}>"


class AuditEvent(db.Model):
    """Something that must be traceable: logins, publishing, deletions, imports, role changes."""

    __tablename__ = "audit_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=now_utc, index=True)
    action: Mapped[str] = mapped_column(String(40), index=True)
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), index=True
    )
    # Who, as text: kept when the account is gone, and the typed e-mail of a failed login.
    actor: Mapped[str] = mapped_column(String(254), default="")
    target_type: Mapped[str] = mapped_column(String(40), default="")
    target_id: Mapped[int | None] = mapped_column(Integer)
    target_label: Mapped[str] = mapped_column(String(300), default="")
    detail: Mapped[str] = mapped_column(Text, default="")
    ip: Mapped[str] = mapped_column(String(45), default="")

    user: Mapped[User | None] = relationship()
