"""Production as an operator runs it: gunicorn with several workers (gunicorn.conf.py), rate
limits shared through a real Redis server, health checks and the JSON request log."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from tests.apps import TEST_CONFIG
from tests.curation_support import add_user, csrf_token

ROOT = Path(__file__).resolve().parent.parent
WORKERS = 4


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_for(url: str, process: subprocess.Popen, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        assert process.poll() is None, "the server stopped"
        try:
            if httpx.get(url, timeout=1).status_code < 500:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    raise AssertionError(f"{url} did not answer in {seconds} s")


@pytest.fixture
def redis_url(tmp_path):
    """A real Redis server on a free loopback port, for this test only."""
    server = shutil.which("redis-server")
    if server is None:
        if os.environ.get("CI"):
            pytest.fail("redis-server is missing (.ci/run installs it)")
        pytest.skip("redis-server is not installed (apt-get install redis-server)")
    port = _free_port()
    process = subprocess.Popen([server, "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                                "--appendonly", "no", "--dir", str(tmp_path)],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                assert time.monotonic() < deadline and process.poll() is None, "redis-server did not start"
                time.sleep(0.05)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture
def gunicorn_site(app, redis_url, tmp_path):
    """The site under gunicorn with four workers, on ``app``'s database and data folder."""
    email = add_user(app, "adviser")
    port = _free_port()
    env = {**os.environ, "KB_DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
           "KB_DATA_DIR": app.config["DATA_DIR"], "KB_AUTO_SEED": "false", "KB_AUTO_MIGRATE": "false",
           "KB_SECRET_KEY": TEST_CONFIG["SECRET_KEY"], "KB_RATELIMIT_STORAGE_URI": redis_url,
           "KB_LOG_FORMAT": "json", "KB_BIND": f"127.0.0.1:{port}", "KB_WORKERS": str(WORKERS)}
    log = (tmp_path / "gunicorn.log").open("w+")
    process = subprocess.Popen([sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py"], cwd=ROOT, env=env,
                               stdout=log, stderr=subprocess.STDOUT)
    try:
        base = f"http://127.0.0.1:{port}"
        _wait_for(base + "/healthz", process)
        yield base, email, log
    finally:
        process.terminate()
        process.wait(timeout=30)
        log.close()


def _failed_logins(base: str, email: str, attempts: int) -> list[int]:
    statuses = []
    for _ in range(attempts):
        # A new connection each time: gunicorn hands them to whichever worker accepts first.
        with httpx.Client(base_url=base, timeout=10) as client:
            token = csrf_token(client.get("/auth/login").text)
            statuses.append(client.post("/auth/login", data={"csrf_token": token, "email": email,
                                                             "password": "fel-lösenord-fiktivt"}).status_code)
    return statuses


def test_the_login_limit_holds_across_four_workers_and_health_checks_answer(gunicorn_site):
    base, email, log = gunicorn_site
    statuses = _failed_logins(base, email, 9)
    # The account's limit is 5 failed attempts per 15 minutes, counted in Redis by every worker.
    assert statuses[:5] == [422] * 5 and statuses[5:] == [429] * 4, statuses

    assert httpx.get(base + "/healthz").json() == {"status": "ok"}
    ready = httpx.get(base + "/readyz")
    assert ready.status_code == 200
    assert {name: check["ok"] for name, check in ready.json()["checks"].items()} == {
        "database": True, "migrations": True, "search": True}

    # One JSON line per request, with its id, status and duration.
    response = httpx.get(base + "/sv/", headers={"X-Request-ID": "fiktiv-forfragan-1"})
    assert response.headers["X-Request-ID"] == "fiktiv-forfragan-1"
    time.sleep(0.2)
    log.seek(0)
    lines = [json.loads(line) for line in log if line.startswith("{")]
    mine = [line for line in lines if line.get("request_id") == "fiktiv-forfragan-1"]
    assert len(mine) == 1 and mine[0]["status"] == 200 and mine[0]["path"] == "/sv/"
    assert mine[0]["duration_ms"] > 0 and mine[0]["logger"] == "knowledgebase.requests"
    assert sum(1 for line in lines if line.get("status") == 429) == 4


def test_readyz_says_what_is_not_ready(app, make_entry):
    from datetime import timedelta

    from sqlalchemy import text, update

    from knowledgebase import models as m
    from knowledgebase.extensions import db
    from knowledgebase.models.base import now_utc
    from knowledgebase.search import service as search_service
    from knowledgebase.search import store

    client = app.test_client()
    assert client.get("/readyz").status_code == 200
    with app.app_context():
        blocker = store.open_writer(search_service.service().engine.ix, timeout=1)
        search_service.service().write_timeout = 0.05
    try:
        make_entry("enterprise", title={"sv": "Fiktiv väntar"}, summary={"sv": "Text."})
        with app.app_context():
            # The change waits for the blocked index; pretend it has waited for a minute.
            db.session.execute(update(m.SearchChange).values(changed_at=now_utc() - timedelta(minutes=1)))
            db.session.commit()
        response = client.get("/readyz")
        assert response.status_code == 503 and response.headers["Cache-Control"] == "no-store"
        checks = response.get_json()["checks"]
        assert not checks["search"]["ok"] and checks["search"]["lag_seconds"] >= 60
        assert checks["database"]["ok"] and checks["migrations"]["ok"]
    finally:
        blocker.cancel()
    with app.app_context():
        search_service.service().catch_up()
    assert client.get("/readyz").status_code == 200
    with app.app_context():
        db.session.execute(text("UPDATE alembic_version SET version_num = 'fc23c84ff36a'"))
        db.session.commit()
    response = client.get("/readyz")
    assert response.status_code == 503 and response.get_json()["checks"]["migrations"]["current"] == ["fc23c84ff36a"]
