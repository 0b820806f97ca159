"""Backups taken while the site runs: a consistent copy of the database (SQLite's online backup,
or ``pg_dump`` in its custom format for PostgreSQL) and the whole content in the seed format
beside it (readable, and importable into any database). Restoring is described in README."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from datetime import datetime
from pathlib import Path

from sqlalchemy.engine import URL

from knowledgebase.extensions import db
from knowledgebase.services.transfer.exports import export_to


class BackupError(Exception):
    """The backup could not be made (nothing half-written is left under its name)."""


def create_backup(directory: Path, now: datetime) -> list[Path]:
    """Write ``knowledgebase-<time>.sqlite`` (or ``.dump``) and ``seed-<time>/`` into
    ``directory``; returns their paths."""
    directory.mkdir(parents=True, exist_ok=True)
    stamp = now.strftime("%Y%m%d-%H%M%S")
    url = db.engine.url
    if url.get_backend_name() == "sqlite":
        database = _sqlite_copy(Path(url.database or ""), directory / f"knowledgebase-{stamp}.sqlite")
    elif url.get_backend_name() == "postgresql":
        database = _pg_dump(url, directory / f"knowledgebase-{stamp}.dump")
    else:
        raise BackupError(f"no backup method for {url.get_backend_name()}")
    seed = directory / f"seed-{stamp}"
    export_to(seed)
    return [database, seed]


def _sqlite_copy(source: Path, target: Path) -> Path:
    partial = target.with_suffix(".partial")
    with sqlite3.connect(source) as origin, sqlite3.connect(partial) as copy:
        # A page-by-page copy that other connections may write during (SQLite's backup API).
        origin.backup(copy)
    copy.close()
    origin.close()
    os.replace(partial, target)
    return target


def _pg_dump(url: URL, target: Path) -> Path:
    program = shutil.which("pg_dump")
    if program is None:
        raise BackupError("pg_dump is not installed (Debian: postgresql-client)")
    partial = target.with_suffix(".partial")
    # The password goes through the environment, not the command line that others can see.
    env = {**os.environ, "PGPASSWORD": url.password or ""}
    libpq = url.set(drivername="postgresql", password=None).render_as_string(hide_password=False)
    done = subprocess.run([program, "--format=custom", "--no-owner", f"--file={partial}", f"--dbname={libpq}"],
                          env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        partial.unlink(missing_ok=True)
        raise BackupError(f"pg_dump failed: {done.stderr.strip()[:500]}")
    os.replace(partial, target)
    return target
