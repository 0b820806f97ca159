"""The search change log on the database side, and a node's place in it on the index side.

Writers add a row per changed entry in their own transaction (``record``); each node applies
the rows after its position and then moves the position on (``NodeFile``), so a change can be
applied twice but never skipped. On PostgreSQL, sequence numbers are handed out at insert time
and transactions may commit out of order; writers of the log therefore take a transaction-level
advisory lock first (``lock_writers``), so rows become visible in sequence order. SQLite has
one writer at a time anyway."""

from __future__ import annotations

import contextlib
import json
import os
import time
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from sqlalchemy import delete, func, insert, select, text, update
from sqlalchemy.engine import Connection

from knowledgebase.models.base import now_utc
from knowledgebase.models.search_log import CHANGE_ENTRY, CHANGE_SYNONYMS, SearchChange, SearchNode

try:  # POSIX; elsewhere the processes of one node are not kept from catching up side by side
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]

# Any fixed number: the key of the advisory lock that orders writers of the log.
WRITERS_LOCK_KEY = 7_214_003_517
CHUNK = 1000


def lock_writers(conn: Connection) -> None:
    """Hold, until this transaction ends, the lock that keeps log rows in commit order."""
    if conn.dialect.name == "postgresql":
        conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": WRITERS_LOCK_KEY})


def record(conn: Connection, entry_ids: Iterable[int] = (), synonyms: bool = False) -> None:
    """Log changed entries (and a synonym change) in ``conn``'s transaction."""
    rows = [{"kind": CHANGE_ENTRY, "entry_id": i} for i in sorted(set(entry_ids))]
    if synonyms:
        rows.append({"kind": CHANGE_SYNONYMS, "entry_id": None})
    if not rows:
        return
    lock_writers(conn)
    for start in range(0, len(rows), CHUNK):
        conn.execute(insert(SearchChange), rows[start:start + CHUNK])


def latest(conn: Connection) -> int:
    """The newest sequence number (0 for an empty log)."""
    return conn.scalar(select(func.max(SearchChange.seq))) or 0


@dataclass
class Pending:
    """The changes after a position: entries to bring in line, and whether synonyms changed."""

    last: int
    entry_ids: set[int]
    synonyms: bool


def pending(conn: Connection, after: int, limit: int = 50_000) -> Pending | None:
    rows = conn.execute(select(SearchChange.seq, SearchChange.kind, SearchChange.entry_id)
                        .where(SearchChange.seq > after).order_by(SearchChange.seq).limit(limit)).all()
    if not rows:
        return None
    return Pending(last=rows[-1].seq, entry_ids={r.entry_id for r in rows if r.kind == CHANGE_ENTRY},
                   synonyms=any(r.kind == CHANGE_SYNONYMS for r in rows))


def node_known(conn: Connection, node_id: str) -> bool:
    return conn.scalar(select(SearchNode.id).where(SearchNode.id == node_id)) is not None


def report_position(conn: Connection, node_id: str, position: int) -> None:
    """Tell the other nodes how far this node got (so that rows all have applied can go)."""
    values = {"position": position, "seen_at": now_utc()}
    if conn.execute(update(SearchNode).where(SearchNode.id == node_id).values(**values)).rowcount == 0:
        conn.execute(insert(SearchNode).values(id=node_id, **values))


def prune(conn: Connection, node_ttl: timedelta) -> int:
    """Forget nodes not seen for ``node_ttl`` (they rebuild when they come back) and delete the
    rows every remaining node has applied. Returns how many rows went."""
    conn.execute(delete(SearchNode).where(SearchNode.seen_at < now_utc() - node_ttl))
    everyone_has = conn.scalar(select(func.min(SearchNode.position)))
    if not everyone_has:
        return 0
    # The newest row always stays: its number is the log's position (``latest``).
    keep = latest(conn)
    return conn.execute(delete(SearchChange).where(SearchChange.seq <= everyone_has,
                                                   SearchChange.seq < keep)).rowcount or 0


class NodeFile:
    """This node's id and position, kept beside its index (a new data folder is a new node)."""

    def __init__(self, index_dir: str | Path):
        self.path = Path(index_dir) / "kb-node.json"
        self.lock_path = Path(index_dir) / "kb-node.lock"

    def read(self) -> tuple[str, int]:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
            return str(data["node"]), int(data["position"])
        except (OSError, ValueError, KeyError, TypeError):
            return "", 0

    def write(self, node_id: str, position: int) -> None:
        """Replace the file in one step: a crash leaves the old position or the new one."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        temporary = self.path.with_suffix(f".{os.getpid()}.tmp")
        temporary.write_text(json.dumps({"node": node_id, "position": position}), encoding="utf-8")
        os.replace(temporary, self.path)

    def node_id(self) -> str:
        node_id, position = self.read()
        if not node_id:
            node_id = str(uuid.uuid4())
            self.write(node_id, position)
        return node_id

    @contextlib.contextmanager
    def exclusive(self, timeout: float) -> Iterator[bool]:
        """Hold the node's catch-up lock (one process of the node applies the log at a time);
        yields False if another process held it for ``timeout`` seconds."""
        if fcntl is None:
            yield True
            return
        self.lock_path.parent.mkdir(parents=True, exist_ok=True)
        with open(self.lock_path, "a+b") as handle:
            deadline = time.monotonic() + timeout
            while True:
                try:
                    fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if time.monotonic() >= deadline:
                        yield False
                        return
                    time.sleep(0.02)
            try:
                yield True
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)
