"""Starting many processes at once on an empty database (several server workers, several
nodes): one migrated schema, one copy of the seed content, every process serving."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

from sqlalchemy import create_engine, func, select, text

from knowledgebase import models as m
from tests.apps import TEST_CONFIG, fresh_database_url

ROOT = Path(__file__).resolve().parent.parent
PROCESSES = 4

STARTER = textwrap.dedent("""
    from knowledgebase import create_app
    from knowledgebase import search
    app = create_app()
    with app.app_context():
        result = search.search(search.parse_request({"q": "kooperativ"}, "sv"))
        print(result.total)
""")


def _start_at_once(env: dict[str, str], count: int) -> list[subprocess.CompletedProcess]:
    workers = [subprocess.Popen([sys.executable, "-c", STARTER], cwd=ROOT, env=env, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True) for _ in range(count)]
    results = []
    for worker in workers:
        out, err = worker.communicate(timeout=300)
        results.append(subprocess.CompletedProcess(worker.args, worker.returncode, out, err))
    return results


def test_processes_started_at_once_on_an_empty_database_migrate_and_seed_once(tmp_path):
    url = fresh_database_url()
    env = {**os.environ, "KB_DATA_DIR": str(tmp_path / "data"), "KB_DATABASE_URL": url,
           "KB_SECRET_KEY": TEST_CONFIG["SECRET_KEY"], "KB_SEARCH_FOLLOW_SECONDS": "0"}
    results = _start_at_once(env, PROCESSES)
    assert [r.returncode for r in results] == [0] * PROCESSES, [r.stderr[-2000:] for r in results]
    found = {r.stdout.strip() for r in results}
    assert len(found) == 1 and int(found.pop()) > 0  # every process searches the same index

    engine = create_engine(url or f"sqlite:///{tmp_path / 'data' / 'knowledgebase.sqlite'}")
    try:
        with engine.connect() as conn:
            assert conn.scalar(text("SELECT count(*) FROM alembic_version")) == 1
            slugs = conn.execute(select(m.Entry.type, m.Entry.slug)).all()
            assert slugs and len(slugs) == len(set(slugs))
            seeded = conn.scalar(select(func.count()).select_from(m.Entry))
            # One node (one data folder), whatever the number of processes.
            assert conn.scalar(select(func.count()).select_from(m.SearchNode)) == 1
    finally:
        engine.dispose()

    # Started again, a process finds everything in place and changes nothing.
    assert all(r.returncode == 0 for r in _start_at_once(env, 1))
    engine = create_engine(url or f"sqlite:///{tmp_path / 'data' / 'knowledgebase.sqlite'}")
    try:
        with engine.connect() as conn:
            assert conn.scalar(select(func.count()).select_from(m.Entry)) == seeded
    finally:
        engine.dispose()
