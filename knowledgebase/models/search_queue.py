"""Entries whose search index update failed (the index was locked or broken); the search
module retries them, so the index heals without a rebuild."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, Integer
from sqlalchemy.orm import Mapped, mapped_column

from knowledgebase.models.base import db, now_utc


class SearchQueueItem(db.Model):
    __tablename__ = "search_queue"

    id: Mapped[int] = mapped_column(primary_key=True)
    # No foreign key: a deleted entry must still be removed from the index.
    entry_id: Mapped[int] = mapped_column(Integer, index=True)
    queued_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=now_utc)
