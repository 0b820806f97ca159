"""Whether this process can serve: the database answers, its schema is the code's, and this
node's search index follows the change log closely enough."""

from __future__ import annotations

from functools import cache
from typing import Any

from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import current_app
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from knowledgebase import database, search
from knowledgebase.extensions import db


@cache
def _heads(directory: str) -> frozenset[str]:
    return frozenset(ScriptDirectory(directory).get_heads())


def readiness() -> dict[str, dict[str, Any]]:
    """Each check's result: ``{"ok": bool, ...details}``."""
    checks: dict[str, dict[str, Any]] = {}
    try:
        with db.engine.connect() as conn:
            conn.execute(text("SELECT 1"))
            current = frozenset(MigrationContext.configure(conn).get_current_heads())
    except SQLAlchemyError as error:
        checks["database"] = {"ok": False, "error": type(error).__name__}
        return checks
    checks["database"] = {"ok": True}
    wanted = _heads(str(database.MIGRATIONS_DIR))
    checks["migrations"] = {"ok": current == wanted, "current": sorted(current), "wanted": sorted(wanted)}
    if current_app.config.get("SEARCH_ENABLED", True):
        lag = search.lag_seconds()
        bound = float(current_app.config["READY_MAX_SEARCH_LAG_SECONDS"])
        checks["search"] = {"ok": lag <= bound, "lag_seconds": round(lag, 1), "bound_seconds": bound}
    return checks
