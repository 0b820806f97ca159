"""The search change log: several nodes (each its own data folder and index) on one database,
and processes killed at any point. Every entry is fictional."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

from sqlalchemy import func, select

from knowledgebase import models as m
from knowledgebase import search
from knowledgebase.extensions import db
from knowledgebase.search import service as search_service
from knowledgebase.search import store
from tests.apps import close_app, make_app
from tests.search_support import run, titles

ROOT = Path(__file__).resolve().parent.parent


def _second_node(app, path: Path):
    """Another node: its own data folder and index, the same database as ``app``."""
    return make_app(path, DATABASE_URL=app.config["SQLALCHEMY_DATABASE_URI"])


def _set_status(app, entry_id: int, status: str) -> None:
    with app.app_context():
        db.session.get(m.Entry, entry_id).status = status
        db.session.commit()


def test_an_edit_on_one_node_reaches_the_search_of_another(app, make_entry, tmp_path):
    node_b = _second_node(app, tmp_path / "b")
    try:
        entry_id = make_entry("enterprise", title={"sv": "Fiktiv nodbagare"}, summary={"sv": "Bröd."},
                              municipalities=["0780"])
        assert titles(node_b, "nodbagare") == ["Fiktiv nodbagare"]
        assert run(node_b, "").facets["county"].get("07") == 1

        # Archived on A: gone from B's results and from its facet counts.
        _set_status(app, entry_id, "archived")
        assert titles(node_b, "nodbagare") == []
        assert run(node_b, "").facets.get("county", {}).get("07", 0) == 0
        with node_b.app_context():
            drift = search.check()
            assert drift.is_clean() and drift.position == drift.latest > 0
            # Both nodes told the database how far they got.
            assert db.session.scalar(select(func.count()).select_from(m.SearchNode)) == 2
        output = node_b.test_cli_runner().invoke(args=["search", "check"]).output
        assert f"tillämpat {drift.latest} av {drift.latest}" in output  # Swedish, the default
    finally:
        close_app(node_b)


def test_a_node_started_later_catches_up_from_the_log(app, make_entry, tmp_path):
    node_b = _second_node(app, tmp_path / "b")
    close_app(node_b)
    make_entry("enterprise", title={"sv": "Fiktiv under tiden"}, summary={"sv": "Text."})
    node_b = _second_node(app, tmp_path / "b")  # the same data folder: a restart
    try:
        with node_b.app_context():
            assert search_service.service().behind() == 0
        assert titles(node_b, "tiden") == ["Fiktiv under tiden"]
    finally:
        close_app(node_b)


def test_log_rows_every_node_has_are_pruned_and_a_forgotten_node_rebuilds(app, make_entry, tmp_path):
    from datetime import timedelta

    from knowledgebase.search import changelog

    node_b = _second_node(app, tmp_path / "b")
    try:
        make_entry("enterprise", title={"sv": "Fiktiv först"}, summary={"sv": "Text."})
        make_entry("enterprise", title={"sv": "Fiktiv andra"}, summary={"sv": "Text."})
        for node in (app, node_b):  # both nodes apply the log, so its old rows can go
            with node.app_context():
                search.catch_up()
        with app.app_context(), db.engine.begin() as conn:
            newest = changelog.latest(conn)
            assert changelog.prune(conn, timedelta(days=7)) > 0
            # All but the newest row, which keeps the log's number.
            assert conn.scalar(select(func.count()).select_from(m.SearchChange)) == 1
            # B is away too long: forgotten, and the rows after it are pruned without it.
            conn.execute(m.SearchNode.__table__.delete().where(m.SearchNode.id == node_b.extensions[
                search_service.EXTENSION].node.node_id()))
        make_entry("enterprise", title={"sv": "Fiktiv seglare"}, summary={"sv": "Text."})
        make_entry("enterprise", title={"sv": "Fiktiv sist"}, summary={"sv": "Text."})
        with app.app_context(), db.engine.begin() as conn:
            assert changelog.prune(conn, timedelta(days=7)) > 0
            assert changelog.latest(conn) > newest
        # B cannot know what it missed: it rebuilds, and is in step again.
        assert titles(node_b, "seglare") == ["Fiktiv seglare"]
        with node_b.app_context():
            assert search.check().is_clean()
    finally:
        close_app(node_b)


# -- processes killed -----------------------------------------------------------------------------

WRITER = textwrap.dedent("""
    import sys
    from knowledgebase import create_app
    from tests.apps import create_entry
    app = create_app({"SEARCH_WRITE_TIMEOUT": float(sys.argv[2])})
    for number in range(int(sys.argv[1])):
        create_entry(app, "enterprise", slug=f"fiktiv-dodad-{number}", title={"sv": f"Fiktiv dödad {number}"})
        print(number, flush=True)
""")


def _start_writer(app, count: int, write_timeout: float) -> subprocess.Popen:
    env = {**os.environ, "KB_DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"], "KB_DATA_DIR": app.config["DATA_DIR"],
           "KB_AUTO_SEED": "false", "KB_SEARCH_FOLLOW_SECONDS": "0", "KB_SECRET_KEY": app.config["SECRET_KEY"]}
    return subprocess.Popen([sys.executable, "-c", WRITER, str(count), str(write_timeout)], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, text=True)


def _kill(writer: subprocess.Popen) -> None:
    writer.send_signal(signal.SIGKILL)
    writer.wait()
    if writer.stdout is not None:
        writer.stdout.close()


def _committed(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(m.Entry).where(m.Entry.slug.like("fiktiv-dodad-%")))


def _restart(app, path: Path):
    close_app(app)
    return make_app(path, DATABASE_URL=app.config["SQLALCHEMY_DATABASE_URI"])


def test_a_process_killed_after_its_commit_while_the_index_was_blocked_loses_nothing(app, tmp_path):
    with app.app_context():
        blocker = store.open_writer(search_service.service().engine.ix, timeout=1)
    try:
        writer = _start_writer(app, 1, write_timeout=120)
        deadline = time.monotonic() + 60
        while _committed(app) < 1:  # committed, and now waiting for the index
            assert time.monotonic() < deadline and writer.poll() is None
            time.sleep(0.05)
        _kill(writer)
    finally:
        blocker.cancel()
    restarted = _restart(app, tmp_path)
    try:
        assert titles(restarted, "dödad") == ["Fiktiv dödad 0"]
        with restarted.app_context():
            assert search.check().is_clean()
    finally:
        close_app(restarted)


def test_a_process_killed_at_any_point_of_its_edits_and_index_writes_loses_nothing(app, tmp_path):
    writer = _start_writer(app, 200, write_timeout=5)
    # Kill it somewhere in the middle: after a few entries, at whatever step it is in.
    assert writer.stdout is not None
    for _ in range(6):
        writer.stdout.readline()
    time.sleep(0.13)
    _kill(writer)
    saved = _committed(app)
    assert 6 <= saved < 200
    restarted = _restart(app, tmp_path)
    try:
        with restarted.app_context():
            assert search.check().is_clean()
        assert run(restarted, "dödad", per_page="100").total == saved
    finally:
        close_app(restarted)
