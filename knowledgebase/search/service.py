"""The search of one app: its engine, its synonyms, and keeping the index in step with the
database (writes with a lock time-out, a retry queue, rebuilds and the drift check)."""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable, Iterable

from flask import Flask, current_app
from sqlalchemy import delete, func, insert, select
from sqlalchemy.exc import SQLAlchemyError

from knowledgebase import models as m
from knowledgebase.extensions import db
from knowledgebase.search import batch_write, store
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
QUEUE_RETRY_EVERY = 60.0
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
        self._queue_checked = 0.0
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
        """Bring the index in line with the database for ``ids``; on failure (lock time-out,
        damaged index) queue them for a retry. The database change stands either way."""
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
        except Exception:  # noqa: BLE001 - the save must stand; the queue heals the index
            log.warning("search index update failed; %d entries queued for retry", len(ids), exc_info=True)
            self.enqueue(ids)
            return False

    def _index(self):
        if self.engine.ix is None:
            self.engine.open()
        return self.engine.ix

    def enqueue(self, ids: Iterable[int]) -> None:
        rows = [{"entry_id": i} for i in ids]
        try:
            with db.engine.begin() as conn:
                conn.execute(insert(m.SearchQueueItem), rows)
        except SQLAlchemyError:
            log.exception("could not queue %d entries for the search index", len(rows))

    def drain(self, timeout: float | None = None) -> int:
        """Index the queued entries; returns how many were done."""
        try:
            with db.engine.connect() as conn:
                rows = conn.execute(select(m.SearchQueueItem.id, m.SearchQueueItem.entry_id)).all()
        except SQLAlchemyError:
            return 0
        if not rows:
            return 0
        last = max(r[0] for r in rows)
        # Lift the rows out first: if the write fails, index_ids queues them again.
        with db.engine.begin() as conn:
            conn.execute(delete(m.SearchQueueItem).where(m.SearchQueueItem.id <= last))
        ids = {r[1] for r in rows}
        return len(ids) if self.index_ids(ids, timeout) else 0

    def maybe_drain(self) -> None:
        """Retry queued entries now and then (cheap check; at most once a minute)."""
        now = time.monotonic()
        if now - self._queue_checked < QUEUE_RETRY_EVERY:
            return
        self._queue_checked = now
        try:
            with db.engine.connect() as conn:
                queued = conn.scalar(select(func.count()).select_from(m.SearchQueueItem))
        except SQLAlchemyError:
            return
        if queued:
            self.drain(timeout=0.2)

    def rebuild(self, progress: Callable[[int], None] | None = None) -> int:
        """Replace the index with one built from the database, in one commit: searches see
        the old index until it is done; saves meanwhile are queued and applied after."""
        ix = self._index()
        with db.engine.connect() as conn:
            try:
                count = batch_write.write(ix, iter_documents(conn), [], REBUILD_TIMEOUT, progress, clear=True)
            except store.LockError:
                raise RuntimeError(f"the search index is locked by another writer for over {REBUILD_TIMEOUT:.0f} s") from None
            except Exception:  # noqa: BLE001 - a damaged index: start from an empty one
                log.exception("rebuild into the existing index failed; starting from an empty one")
                ix = self.engine.recreate()
                count = batch_write.write(ix, iter_documents(conn), [], REBUILD_TIMEOUT, progress, clear=True)
        self.drain(timeout=REBUILD_TIMEOUT)
        return count

    def check(self) -> Drift:
        with db.engine.connect() as conn:
            wanted = {doc.entry_id: (doc.label(), doc.stamp()) for doc in iter_documents(conn)}
        with self.engine.reading() as state:
            indexed = state.stamps()
            duplicates = state.live_count - len(indexed)
        drift = Drift()
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
