"""Background jobs: queued by the editorial area, followed on their page (with or without
JavaScript), run by a worker thread or ``flask jobs work``; a job whose process is killed
leaves nothing half-applied, is marked failed and can be retried. Data is fictional."""

from __future__ import annotations

import io
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import yaml
from sqlalchemy import func, select

from knowledgebase import models as m
from knowledgebase.extensions import db
from knowledgebase.services import jobs
from tests.curation_support import add_entry, logged_in_client, run_queued_job

ROOT = Path(__file__).resolve().parent.parent
# Enough glossary terms that importing them takes the worker well over a second.
TERMS = 1200


def _glossary(folder: Path, count: int) -> Path:
    folder.mkdir(parents=True)
    (folder / "glossary.yaml").write_text(yaml.safe_dump({"type": "glossary", "entries": [
        {"slug": f"fiktiv-jobbterm-{n}", "status": "published", "title": f"Fiktiv jobbterm {n}",
         "summary": "Påhittad term för ett test.", "sources": [{"title": "Testdata (fiktiv)", "url": ""}]}
        for n in range(count)]}, allow_unicode=True), encoding="utf-8")
    return folder


def _terms(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(m.Entry).where(
            m.Entry.slug.like("fiktiv-jobbterm-%")))


def test_the_job_page_follows_the_work_without_javascript(capp):
    client = logged_in_client(capp, "adviser")
    upload = yaml.safe_dump({"type": "glossary", "entries": [
        {"slug": "fiktiv-sida", "status": "draft", "title": "Fiktiv sida", "summary": "Påhittad."}]}).encode()
    queued = client.post("/admin/import", content_type="multipart/form-data",
                         data={"file": (io.BytesIO(upload), "glossary.yaml")})
    waiting = client.get(queued.location).get_data(as_text=True)
    # While it waits or runs, the page reloads itself and shows a progress bar.
    assert '<meta http-equiv="refresh" content="2">' in waiting and "<progress" in waiting
    assert "Väntar på att starta" in waiting
    done = run_queued_job(capp, client, queued).get_data(as_text=True)
    assert 'http-equiv="refresh"' not in done and "Klart" in done and "fiktiv-sida" in done
    listing = client.get("/admin/jobs/").get_data(as_text=True)
    assert queued.location in listing and "Provkörning av glossary.yaml" in listing


def test_a_job_killed_midway_leaves_nothing_and_can_be_retried(capp, tmp_path):
    folder = _glossary(tmp_path / "upload", TERMS)
    with capp.app_context():
        job_id = jobs.enqueue(jobs.IMPORT, {"path": str(folder), "name": "glossary.yaml"}).id
        db.session.commit()
    env = {**os.environ, "KB_DATABASE_URL": capp.config["SQLALCHEMY_DATABASE_URI"], "KB_DATA_DIR": capp.config["DATA_DIR"],
           "KB_AUTO_SEED": "false", "KB_SEARCH_FOLLOW_SECONDS": "0", "KB_JOBS_IN_PROCESS": "false",
           "KB_SECRET_KEY": capp.config["SECRET_KEY"]}
    worker = subprocess.Popen([sys.executable, "-m", "flask", "--app", "app", "jobs", "work", "--once"], cwd=ROOT,
                              env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while True:  # until the import has begun (its first progress report)
        with capp.app_context():
            job = db.session.get(m.Job, job_id)
            status, started = job.status, job.progress_total > 0
            db.session.remove()
        assert status in ("queued", "running") and time.monotonic() < deadline, status
        if started:
            break
        time.sleep(0.05)
    time.sleep(0.2)  # into the import (which takes seconds); reap() below fails if it had ended
    worker.send_signal(signal.SIGKILL)
    worker.wait()

    with capp.app_context():
        assert jobs.reap(jobs.this_worker()) == [job_id]
        job = db.session.get(m.Job, job_id)
        assert job.status == "failed" and "stoppade" in job.error
    assert _terms(capp) == 0  # all or nothing: nothing

    client = logged_in_client(capp, "admin")
    page = client.post(f"/admin/jobs/{job_id}/retry")
    done = run_queued_job(capp, client, page).get_data(as_text=True)
    assert "Klart" in done and "(försök 2)" in done
    assert _terms(capp) == TERMS
    with capp.app_context():
        from knowledgebase import search

        assert search.check().is_clean()


def test_admins_rebuild_the_index_as_a_job(capp):
    for n in range(3):
        add_entry(capp, "glossary", slug=f"fiktiv-index-{n}", status="published")
    add_entry(capp, "glossary", slug="fiktiv-index-utkast", status="draft")
    client = logged_in_client(capp, "admin")
    page = run_queued_job(capp, client, client.post("/admin/jobs/reindex")).get_data(as_text=True)
    assert "Bygger om sökindexet" in page and "Klart" in page and "3 poster indexerade." in page


def test_the_worker_command_runs_a_queued_job(capp):
    with capp.app_context():
        job_id = jobs.enqueue(jobs.REINDEX, {}).id
        db.session.commit()
    result = capp.test_cli_runner().invoke(args=["jobs", "work", "--once"])
    assert result.exit_code == 0 and f"{job_id} reindex: done" in result.output
    listing = capp.test_cli_runner().invoke(args=["jobs", "list"]).output
    assert f"{job_id}\treindex\tdone" in listing
