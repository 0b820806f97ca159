"""Curation records: every saved state of an entry (revisions) and suggestions from the public."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from knowledgebase.models.accounts import User
from knowledgebase.models.base import db, now_utc
from knowledgebase.models.entries import Entry

SUGGESTION_KINDS = ("correction", "enterprise", "accessibility")
SUGGESTION_STATUSES = ("waiting", "accepted", "rejected")


class Revision(db.Model):
    """One saved state of an entry, with the full content in the seed format.

    Revisions outlive their entry (the link is set to NULL on deletion), so nothing an
    adviser did is lost."""

    __tablename__ = "revision"

    id: Mapped[int] = mapped_column(primary_key=True)
    entry_id: Mapped[int | None] = mapped_column(ForeignKey("entry.id", ondelete="SET NULL"), index=True)
    entry_type: Mapped[str] = mapped_column(String(20))
    # 1, 2, 3 ... per entry.
    number: Mapped[int] = mapped_column(Integer)
    # The entry's version number after this save (the optimistic-locking counter).
    entry_version: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=now_utc, index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    author: Mapped[str] = mapped_column(String(254), default="")
    # create, edit, submit, return, publish, unpublish, archive, reopen, verify, restore,
    # import, delete.
    action: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(12))
    note: Mapped[str] = mapped_column(String(500), default="")
    data: Mapped[dict[str, Any]] = mapped_column(JSON)

    entry: Mapped[Entry | None] = relationship()
    user: Mapped[User | None] = relationship()


class Suggestion(db.Model):
    """A correction of an entry, a new social enterprise, or an accessibility problem, sent in
    by anyone."""

    __tablename__ = "suggestion"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(12), default="waiting", index=True)
    entry_id: Mapped[int | None] = mapped_column(ForeignKey("entry.id", ondelete="SET NULL"), index=True)
    entry_label: Mapped[str] = mapped_column(String(300), default="")
    # Corrections: which part is wrong, and the right text if the sender knows it.
    field: Mapped[str] = mapped_column(String(40), default="")
    proposed: Mapped[str] = mapped_column(Text, default="")
    # New enterprises: name, website, organisation number, municipality.
    name: Mapped[str] = mapped_column(String(200), default="")
    website: Mapped[str] = mapped_column(String(500), default="")
    org_number: Mapped[str] = mapped_column(String(20), default="")
    municipality_code: Mapped[str] = mapped_column(String(4), default="")
    # Enterprises that may be the same as the one proposed, found when it was sent
    # ([{"id": ..., "title": ..., "reason": "org_number" | "similar_name"}]).
    duplicates: Mapped[list | None] = mapped_column(JSON, nullable=True)
    # Accessibility problems: the page where it happened.
    page_url: Mapped[str] = mapped_column(String(500), default="")
    message: Mapped[str] = mapped_column(Text, default="")
    # Shown to advisers only.
    sender_name: Mapped[str] = mapped_column(String(200), default="")
    sender_email: Mapped[str] = mapped_column(String(254), default="")
    lang: Mapped[str] = mapped_column(String(2), default="sv")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=now_utc, index=True)
    moderated_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    moderated_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    moderator_note: Mapped[str] = mapped_column(Text, default="")
    # The draft made from it, or the entry it corrected.
    result_entry_id: Mapped[int | None] = mapped_column(ForeignKey("entry.id", ondelete="SET NULL"))

    entry: Mapped[Entry | None] = relationship(foreign_keys=[entry_id])
    result_entry: Mapped[Entry | None] = relationship(foreign_keys=[result_entry_id])
    moderated_by: Mapped[User | None] = relationship()
