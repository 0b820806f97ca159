"""The search of one app: its engine, its synonyms, and keeping the index in step with the
database (writes with a lock time-out, following the change log, rebuilds and the drift check)."""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable, Iterable
from datetime import datetime, timedelta, timezone

from flask import Flask, current_app
from sqlalchemy import func, select
from sqlalchemy.exc import SQLAlchemyError

from knowledgebase import models as m
from knowledgebase.extensions import db
from knowledgebase.search import batch_write, changelog, store
from knowledgebase.search.documents import iter_documents, load_documents
from knowledgebase.search.engine import Engine
from knowledgebase.search.query import Synonyms
from knowledgebase.search.results import Drift

log = logging.getLogger(__name__)

EXTENSION = "kb_search"
# How long a save waits for another process's index write before queueing its ids.
WRITE_TIMEOUT = 1.0
REBUILD_TIMEOUT = 120.0
SYNONYM_TTL = 30.0
# How often a node tells the database its position when nothing changed, and prunes the log.
REPORT_EVERY = 3600.0
PRUNE_EVERY = 600.0
MAX_PROCS = 4


class SearchService:
    def __init__(self, app: Flask):
        self.enabled = bool(app.config.get("SEARCH_ENABLED", True))
        self.engine = Engine(app.config["SEARCH_INDEX_DIR"])
        self.write_timeout = float(app.config.get("SEARCH_WRITE_TIMEOUT", WRITE_TIMEOUT))
        # Processes that analyse a large batch of new entries (a bulk import) side by side.
        self.write_procs = int(app.config.get("SEARCH_WRITE_PROCS") or min(os.cpu_count() or 1, MAX_PROCS))
        self._synonyms: Synonyms | None = None
        self._synonyms_at = 0.0
        self.node = changelog.NodeFile(app.config["SEARCH_INDEX_DIR"])
        self.node_ttl_days = float(app.config.get("SEARCH_NODE_TTL_DAYS", 7))
        self._reported = self._pruned = -PRUNE_EVERY - REPORT_EVERY
        self._lock = threading.Lock()
        # Index writes done by this process (for logs and the benchmark).
        self.stats = {"writes": 0, "entries": 0, "seconds": 0.0}

    # -- synonyms ---------------------------------------------------------------------------

    def synonyms(self) -> Synonyms:
        """The synonym groups, reloaded when changed here or after a short time (another
        process may have changed them)."""
        now = time.monotonic()
        if self._synonyms is None or now - self._synonyms_at > SYNONYM_TTL:
            try:
                groups = list(db.session.scalars(select(m.SynonymGroup.terms).order_by(m.SynonymGroup.id)))
            except SQLAlchemyError:
                db.session.rollback()
                groups = []
            self._synonyms, self._synonyms_at = Synonyms(g for g in groups if isinstance(g, list)), now
        return self._synonyms

    def forget_synonyms(self) -> None:
        self._synonyms = None

    # -- writing ----------------------------------------------------------------------------

    def index_ids(self, ids: Iterable[int], timeout: float | None = None) -> bool:
        """Bring the index in line with the database for ``ids``; False if that failed (lock
        time-out, damaged index): the change log still holds them, so a later catch-up retries."""
        ids = sorted(set(ids))
        if not ids:
            return True
        started = time.perf_counter()
        try:
            # Entries newer than any the index has held need no search for an old version
            # (a bulk import's entries: this saves a term lookup per entry).
            with self.engine.reading() as state:
                newer_than = state.max_entry_id
            with db.engine.connect() as conn:
                published = set()
                for start in range(0, len(ids), 1000):
                    chunk = ids[start:start + 1000]
                    published.update(conn.scalars(select(m.Entry.id).where(
                        m.Entry.id.in_(chunk), m.Entry.status == m.PUBLISHED)))
                # An id above any the index has held has nothing to delete (a bulk import's
                # unpublished entries: this saves a term lookup in every segment for each).
                gone = [i for i in ids if i not in published and i <= newer_than]
                known = sorted(i for i in published if i <= newer_than)
                new = sorted(i for i in published if i > newer_than)
                batch_write.write(self._index(), iter_documents(conn, known), gone,
                            self.write_timeout if timeout is None else timeout, newer_than=newer_than,
                            new_ids=new, load=load_documents, procs=self.write_procs)
            self.stats["writes"] += 1
            self.stats["entries"] += len(ids)
            self.stats["seconds"] += time.perf_counter() - started
            return True
        except Exception:  # noqa: BLE001 - the save stands; the change log heals the index
            log.warning("search index update failed for %d entries; left in the change log", len(ids), exc_info=True)
            return False

    def _index(self):
        if self.engine.ix is None:
            self.engine.open()
        return self.engine.ix

    # -- following the change log -----------------------------------------------------------

    def position(self) -> int:
        """How far this node's index has applied the change log."""
        return self.node.read()[1]

    def behind(self) -> int:
        """How many sequence numbers the log is ahead of this node (0: caught up)."""
        with db.engine.connect() as conn:
            return max(changelog.latest(conn) - self.position(), 0)

    def lag_seconds(self) -> float:
        """How long the oldest change this node has not applied has been waiting (0: none)."""
        with db.engine.connect() as conn:
            oldest = conn.scalar(select(func.min(m.SearchChange.changed_at)).where(
                m.SearchChange.seq > self.position()))
        if oldest is None:
            return 0.0
        if oldest.tzinfo is None:  # SQLite gives naive datetimes back
            oldest = oldest.replace(tzinfo=timezone.utc)
        return max((datetime.now(timezone.utc) - oldest).total_seconds(), 0.0)

    def follow(self) -> None:
        """Catch up if the log moved on (a cheap look at its newest number first)."""
        try:
            if self.behind():
                self.catch_up(timeout=0.2)
        except SQLAlchemyError:
            log.warning("could not read the search change log", exc_info=True)

    def catch_up(self, timeout: float | None = None) -> int:
        """Apply the change log after this node's position; returns how many entries were
        brought in line. Another process of the node doing it already, or an index write that
        fails, leaves the rest for the next call."""
        timeout = self.write_timeout if timeout is None else timeout
        with self.node.exclusive(timeout) as mine:
            return self._catch_up(timeout) if mine else 0

    def _catch_up(self, timeout: float) -> int:
        node_id, position = self.node.node_id(), self.position()
        with db.engine.connect() as conn:
            newest, known = changelog.latest(conn), changelog.node_known(conn, node_id)
        if newest < position or (position and not known):
            # A log this index has not followed: another database, or rows pruned while this
            # node was away for longer than SEARCH_NODE_TTL_DAYS.
            log.warning("search index at %d does not follow the database's change log (at %d%s); rebuilding",
                        position, newest, "" if known else ", node unknown")
            return self._rebuild(None)
        applied, moved = 0, not known
        while (batch := self._pending(position)) is not None:
            if batch.synonyms:
                self.forget_synonyms()
            if batch.entry_ids and not self.index_ids(batch.entry_ids, timeout):
                break
            position, applied, moved = batch.last, applied + len(batch.entry_ids), True
            self.node.write(node_id, position)
        if moved or time.monotonic() - self._reported > REPORT_EVERY:
            self._report(node_id, position)
        return applied

    @staticmethod
    def _pending(position: int) -> changelog.Pending | None:
        with db.engine.connect() as conn:
            return changelog.pending(conn, position)

    def _report(self, node_id: str, position: int) -> None:
        with db.engine.begin() as conn:
            changelog.report_position(conn, node_id, position)
            if time.monotonic() - self._pruned > PRUNE_EVERY:
                changelog.prune(conn, timedelta(days=self.node_ttl_days))
                self._pruned = time.monotonic()
        self._reported = time.monotonic()

    def rebuild(self, progress: Callable[[int], None] | None = None) -> int:
        """Replace the index with one built from the database, in one commit: searches see
        the old index until it is done; changes meanwhile are applied from the log after."""
        with self.node.exclusive(REBUILD_TIMEOUT) as mine:
            if not mine:
                raise RuntimeError(f"another process of this node held the index for over {REBUILD_TIMEOUT:.0f} s")
            return self._rebuild(progress)

    def _rebuild(self, progress: Callable[[int], None] | None) -> int:
        node_id = self.node.node_id()
        ix = self._index()
        with db.engine.connect() as conn:
            # Everything up to here is in the rows read below; later changes are applied after.
            start = changelog.latest(conn)
            try:
                count = batch_write.write(ix, iter_documents(conn), [], REBUILD_TIMEOUT, progress, clear=True)
            except store.LockError:
                raise RuntimeError(f"the search index is locked by another writer for over {REBUILD_TIMEOUT:.0f} s") from None
            except Exception:  # noqa: BLE001 - a damaged index: start from an empty one
                log.exception("rebuild into the existing index failed; starting from an empty one")
                ix = self.engine.recreate()
                count = batch_write.write(ix, iter_documents(conn), [], REBUILD_TIMEOUT, progress, clear=True)
        self.node.write(node_id, start)
        self._report(node_id, start)
        self._catch_up(REBUILD_TIMEOUT)
        return count

    def check(self) -> Drift:
        with db.engine.connect() as conn:
            wanted = {doc.entry_id: (doc.label(), doc.stamp()) for doc in iter_documents(conn)}
        with self.engine.reading() as state:
            indexed = state.stamps()
            duplicates = state.live_count - len(indexed)
        drift = Drift(position=self.position())
        with db.engine.connect() as conn:
            drift.latest = changelog.latest(conn)
        drift.missing = [wanted[i][0] for i in sorted(set(wanted) - set(indexed))]
        drift.extra = [f"#{i}" for i in sorted(set(indexed) - set(wanted))]
        drift.stale = [wanted[i][0] for i in sorted(set(wanted) & set(indexed)) if wanted[i][1] != indexed[i]]
        if duplicates:
            drift.stale.append(f"{duplicates} duplicate documents")
        return drift

    def close(self) -> None:
        self.engine.close()


def service() -> SearchService | None:
    """The search service of the current app (None before ``init_app``)."""
    return current_app.extensions.get(EXTENSION)
