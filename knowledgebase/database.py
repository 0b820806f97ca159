"""Database set-up: SQLite pragmas, migrations on start, seeding an empty database."""

from __future__ import annotations

import sqlite3

from flask import Flask, current_app
from sqlalchemy import event
from sqlalchemy.engine import Engine

from knowledgebase.extensions import db


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
    """Nothing to wire per app yet; kept so the factory reads as a list of steps."""


def upgrade() -> None:
    """Apply all migrations (Alembic through Flask-Migrate)."""
    import logging

    from flask_migrate import upgrade as alembic_upgrade

    alembic_upgrade()
    # Alembic's fileConfig would otherwise silence loggers that exist at this point.
    logging.getLogger("alembic").setLevel(logging.WARNING)


def upgrade_if_allowed() -> None:
    """Apply the migrations the database lacks, unless ``KB_AUTO_MIGRATE`` is off."""
    if current_app.config["AUTO_MIGRATE"]:
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
