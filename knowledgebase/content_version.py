"""The content version shared by every worker and node: a number in the database that goes up
in the same transaction as any write to a table public pages or API answers read.

Bumped by a listener on every engine's statements, not by the ORM's flush events, so that
Core statements (bulk imports, ``update(...)`` through a session or a bare connection) count
too. The bump runs before the transaction's first content write, once per transaction:
every content-writing transaction takes the counter row first (after the search log's
writer lock, which the search sync takes first too), so two of them never wait on each other
in opposite orders.

Readers read the version once per request (``current``) before they read any content: a page
rendered after a commit is never stored under the version from before it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timezone
from weakref import WeakKeyDictionary

from flask import g, has_request_context, request
from sqlalchemy import event, inspect, select, update
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.sql.dml import UpdateBase

from knowledgebase.extensions import db
from knowledgebase.models.base import now_utc
from knowledgebase.models.content_version import ROW_ID, ContentVersion

TABLE = ContentVersion.__tablename__
# Tables no public page or API answer reads: writing them is not a content change (signing
# in, the audit trail, the search log, suggestions, the mail bookkeeping and background jobs).
UNSHOWN = frozenset({
    TABLE, "search_changes", "search_nodes", "user_account", "audit_event", "revision", "suggestion",
    "confirmation_request", "reminder_log", "alert_subscription", "adviser_digest", "alembic_version",
    "job", "claim_request", "entry_manager", "manager_sign_in",
})
BUMPED = "kb_content_bumped"
# Where the page cache's fast path leaves the version it read for Flask.
ENVIRON_KEY = "kb.content_version"
_registered = False
# Engines known to have the table (a database being migrated may not have it yet).
_ready: WeakKeyDictionary[Engine, bool] = WeakKeyDictionary()


@dataclass(frozen=True)
class Version:
    """The content version and when it last changed."""

    number: int
    changed_at: datetime

    @property
    def token(self) -> str:
        """The version as a key: the number and the time of the change, so that a database
        restored from a backup (an older number again, reached by other changes) never
        matches what was kept for the number before."""
        return f"{self.number}.{self.changed_at.timestamp():.6f}"

    def last_modified(self, today: date | None = None) -> datetime:
        """An upper bound of when any page last changed: the last content change, or the
        start of today (pages say whether a confirmation is older than its shelf life,
        which changes with the date)."""
        day = today or datetime.now(timezone.utc).date()
        start = datetime.combine(day, time(), tzinfo=timezone.utc)
        changed = self.changed_at if self.changed_at.tzinfo else self.changed_at.replace(tzinfo=timezone.utc)
        return max(start, changed.replace(microsecond=0))


def register() -> None:
    """Listen on every engine's statements (once per process)."""
    global _registered
    if _registered:
        return
    event.listen(Engine, "before_execute", _before_execute)
    for name in ("begin", "commit", "rollback", "rollback_savepoint"):
        event.listen(Engine, name, _forget)
    _registered = True


def _forget(conn: Connection, *_args) -> None:
    # A new transaction bumps again; a savepoint rolled back may have taken the bump with it.
    conn.info.pop(BUMPED, None)


def _before_execute(conn: Connection, clauseelement, _multiparams, _params, _options) -> None:
    if not isinstance(clauseelement, UpdateBase) or conn.info.get(BUMPED):
        return
    table = getattr(clauseelement, "table", None)
    if getattr(table, "name", None) in UNSHOWN or not _has_table(conn):
        return
    conn.info[BUMPED] = True
    bump(conn)


def _has_table(conn: Connection) -> bool:
    engine = conn.engine
    if _ready.get(engine):
        return True
    if not inspect(conn).has_table(TABLE):
        return False
    _ready[engine] = True
    return True


def bump(conn: Connection) -> None:
    """Raise the version in ``conn``'s transaction."""
    # Imported here: the search package (and Whoosh) is not needed by commands that start
    # without routes (``flask --help``, ``users list``), which import this module.
    from knowledgebase.search import changelog

    changelog.lock_writers(conn)
    result = conn.execute(update(ContentVersion).where(ContentVersion.id == ROW_ID)
                          .values(version=ContentVersion.version + 1, changed_at=now_utc()))
    if result.rowcount == 0:
        conn.execute(ContentVersion.__table__.insert().values(id=ROW_ID, version=1, changed_at=now_utc()))


_READ = select(ContentVersion.version, ContentVersion.changed_at).where(ContentVersion.id == ROW_ID)


def read(engine: Engine | None = None) -> Version:
    """The version as committed now (one query by primary key, on a connection of its own:
    cheaper than the ORM session, and it leaves the session's transaction unstarted)."""
    with (engine or db.engine).connect() as conn:
        row = conn.execute(_READ).first()
    if row is None:
        return Version(0, datetime(2000, 1, 1, tzinfo=timezone.utc))
    return Version(int(row.version), row.changed_at)


def current() -> Version:
    """The version for this request: read once, at its first use (or by the page cache's
    fast path before the request reached Flask)."""
    if not has_request_context():
        return read()
    if "kb_content_version" not in g:
        g.kb_content_version = request.environ.get(ENVIRON_KEY) or read()
    return g.kb_content_version
