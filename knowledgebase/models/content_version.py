"""The content version: one row whose number goes up in the same transaction as every change
to what a public page or API answer shows (``knowledgebase.content_version``). Every worker
and node reads it to know whether what it keeps in memory (rendered pages, the taxonomy) is
still current."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, DateTime, Integer
from sqlalchemy.orm import Mapped, mapped_column

from knowledgebase.models.base import db, now_utc

# The one row.
ROW_ID = 1


class ContentVersion(db.Model):
    __tablename__ = "content_version"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    version: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), default=0)
    # When the content last changed (the Last-Modified of pages and API answers).
    changed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=now_utc)
