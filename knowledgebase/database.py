"""Database set-up: SQLite pragmas, migrations on start (one process at a time), seeding an
empty database."""

from __future__ import annotations

import contextlib
import functools
import sqlite3
import time
from collections.abc import Iterator
from pathlib import Path

from flask import Flask, current_app
from sqlalchemy import event, text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError

from knowledgebase.extensions import db

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows: one process at a time is the operator's job
    fcntl = None  # type: ignore[assignment]

# Any fixed number: the advisory lock held while one process migrates and seeds.
START_LOCK_KEY = 7_214_003_516
# The newest migration. A database already at it is started without Alembic, whose import
# and migration scripts took a fifth of a second of every start (a worker's, a command's);
# tests/test_models.py checks that this is Alembic's head. A new migration changes it.
SCHEMA_HEAD = "1a7c057c7698"
MIGRATIONS_DIR = Path(__file__).parent / "migrations"


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, _record) -> None:
    # Foreign keys are off by default in SQLite; WAL lets readers in other processes
    # (several server workers) read while one writes.
    if isinstance(dbapi_connection, sqlite3.Connection):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=5000")
        cursor.close()


def init_app(app: Flask) -> None:
    """On a database server, a new connection that fails (the server is restarting) is tried
    again for up to ``DATABASE_CONNECT_RETRY_SECONDS``: a restart then costs the requests in
    flight, and the others wait for it rather than fail."""
    seconds = float(app.config.get("DATABASE_CONNECT_RETRY_SECONDS", 0))
    if seconds <= 0 or app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        return
    with app.app_context():
        event.listen(db.engine, "do_connect", functools.partial(_connect_with_retries, seconds=seconds))


def _connect_with_retries(dialect, _record, cargs, cparams, seconds: float):
    deadline = time.monotonic() + seconds
    while True:
        try:
            return dialect.connect(*cargs, **cparams)
        except dialect.loaded_dbapi.OperationalError:
            if time.monotonic() >= deadline:
                raise
            time.sleep(0.25)


def init_migrations(app: Flask) -> None:
    """Flask-Migrate for ``app``: set up when migrations run or ``flask db`` is used, not
    on every start (it imports Alembic)."""
    if "migrate" not in app.extensions:
        from flask_migrate import Migrate

        Migrate(app, db, directory=str(MIGRATIONS_DIR))


def at_head() -> bool:
    """Whether the database is at ``SCHEMA_HEAD`` (False too when it has no tables yet)."""
    try:
        with db.engine.connect() as connection:
            return connection.scalars(text("SELECT version_num FROM alembic_version")).all() == [SCHEMA_HEAD]
    except SQLAlchemyError:
        return False


def upgrade() -> None:
    """Apply all migrations (Alembic through Flask-Migrate)."""
    import logging

    from flask_migrate import upgrade as alembic_upgrade

    init_migrations(current_app._get_current_object())  # type: ignore[attr-defined]
    alembic_upgrade()
    # Alembic's fileConfig would otherwise silence loggers that exist at this point.
    logging.getLogger("alembic").setLevel(logging.WARNING)


@contextlib.contextmanager
def start_lock() -> Iterator[None]:
    """Let one process at a time migrate and seed: any number of workers or nodes starting at
    once on an empty or outdated database end up with one schema and one copy of the seed.
    PostgreSQL: a session advisory lock (every node sees it); SQLite: a lock file beside the
    database file (its processes share one machine)."""
    if db.engine.dialect.name == "postgresql":
        with db.engine.connect() as conn:
            conn.execute(text("SELECT pg_advisory_lock(:key)"), {"key": START_LOCK_KEY})
            conn.commit()
            try:
                yield
            finally:
                conn.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": START_LOCK_KEY})
                conn.commit()
        return
    database = db.engine.url.database
    if fcntl is None or not database or database == ":memory:":
        yield
        return
    with open(f"{database}.start-lock", "a+b") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def upgrade_if_allowed() -> None:
    """Apply the migrations the database lacks, unless ``KB_AUTO_MIGRATE`` is off."""
    if current_app.config["AUTO_MIGRATE"] and not at_head():
        upgrade()


def seed_if_empty() -> bool:
    """Load seed_data/ into an empty database; True if it did."""
    from knowledgebase.services.transfer.imports import database_is_empty, import_path

    if not database_is_empty():
        return False
    try:
        import_path(current_app.config["SEED_DIR"])
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return True
