"""A backup of the running site restored into an empty instance: the same content and the same
search results (SQLite's online backup; pg_dump and pg_restore on PostgreSQL)."""

from __future__ import annotations

import os
import shutil
import subprocess

import pytest
from sqlalchemy import select
from sqlalchemy.engine import make_url

from knowledgebase import models as m
from knowledgebase.extensions import db
from tests.apps import close_app, fresh_database_url, make_app
from tests.search_support import titles

QUERIES = ("bagare", "fiktiv", "snickeri")


def _content(app) -> set[tuple]:
    with app.app_context():
        return set(db.session.execute(select(m.Entry.type, m.Entry.slug, m.Entry.status, m.Entry.version)).all())


def _restore_postgresql(dump, url: str) -> None:
    if shutil.which("pg_restore") is None:
        pytest.fail("pg_restore is missing (Debian: postgresql-client)")
    target = make_url(url)
    env = {**os.environ, "PGPASSWORD": target.password or ""}
    libpq = target.set(drivername="postgresql", password=None).render_as_string(hide_password=False)
    subprocess.run(["pg_restore", "--no-owner", f"--dbname={libpq}", str(dump)], env=env, check=True)


def test_a_backup_restored_into_an_empty_instance_has_the_same_content_and_search(app, make_entry, tmp_path):
    make_entry("enterprise", title={"sv": "Fiktiv bagare"}, summary={"sv": "Bröd och snickeri."})
    make_entry("example", title={"sv": "Fiktivt exempel"}, summary={"sv": "Ett snickeri."})
    make_entry("enterprise", title={"sv": "Fiktiv utkastbagare"}, summary={"sv": "Bröd."}, status="draft")
    result = app.test_cli_runner().invoke(args=["backup", str(tmp_path / "backups")])
    assert result.exit_code == 0, result.output
    database, seed = (tmp_path / "backups" / line.rsplit("/", 1)[-1] for line in result.output.split())
    # The seed-format copy holds the enterprises, the draft too.
    assert "Fiktiv utkastbagare" in (seed / "entries" / "enterprises.yaml").read_text(encoding="utf-8")

    restored_dir = tmp_path / "restored"
    if database.suffix == ".sqlite":
        (restored_dir / "data").mkdir(parents=True)
        shutil.copy(database, restored_dir / "data" / "knowledgebase.sqlite")
        url = f"sqlite:///{restored_dir / 'data' / 'knowledgebase.sqlite'}"
    else:
        url = fresh_database_url()
        _restore_postgresql(database, url)
    restored = make_app(restored_dir, DATABASE_URL=url)
    try:
        assert _content(restored) == _content(app)
        for query in QUERIES:
            assert titles(restored, query) == titles(app, query)
        assert titles(restored, "bagare") == ["Fiktiv bagare"]
    finally:
        close_app(restored)
