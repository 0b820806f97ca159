"""The search change log: every change to what search shows, recorded in the database in the
same transaction as the change. Each node's index follows the log (``knowledgebase.search``),
so the database stays the only truth: a process killed after a commit, or a change made on
another node, reaches every index on the next catch-up."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, DateTime, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from knowledgebase.models.base import db, now_utc

# What a log row asks of the index: entry rows name an entry to bring in line with the database.
CHANGE_ENTRY = "entry"
CHANGE_SYNONYMS = "synonyms"


class SearchChange(db.Model):
    __tablename__ = "search_changes"
    # SQLite must never reuse a number after the newest rows are pruned.
    __table_args__ = {"sqlite_autoincrement": True}

    # Increasing; a node's position is the highest sequence number its index has applied.
    seq: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True,
                                     autoincrement=True)
    kind: Mapped[str] = mapped_column(String(16), default=CHANGE_ENTRY)
    # No foreign key: a deleted entry must still be removed from every index.
    entry_id: Mapped[int | None] = mapped_column(Integer)
    changed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=now_utc)


class SearchNode(db.Model):
    """A node (a data folder with its own index) following the log, and how far it got: log
    rows every node has applied are pruned."""

    __tablename__ = "search_nodes"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    position: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), default=0)
    seen_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=now_utc)
