"""Declarative base, naming convention and small column helpers shared by all models."""

from datetime import datetime, timezone

from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase

# A naming convention makes Alembic migrations deterministic on SQLite and PostgreSQL alike.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


# The Flask-SQLAlchemy extension lives here, beside the base it is built on, so that models
# can import it without importing the other extensions; ``extensions`` re-exports it.
db = SQLAlchemy(model_class=Base)


def now_utc() -> datetime:
    """The current time in UTC (a callable default, so every row gets its own time)."""
    return datetime.now(timezone.utc)
