"""Background jobs recorded in the database (imports, reindexing, a county's confirmation
requests): queued by a view or the command line, claimed by
one worker (a thread in each serving process, or ``flask --app app jobs work``), run with
their progress written where anyone can follow it, and finished as done or failed. Work that
changes content commits once at its end, so a job whose process dies leaves nothing
half-applied; the next worker marks it failed and it can be retried."""

from __future__ import annotations

import logging
import os
import shutil
import socket
import threading
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select, update
from sqlalchemy.exc import SQLAlchemyError

from knowledgebase.extensions import db
from knowledgebase.models import User
from knowledgebase.models.base import now_utc
from knowledgebase.models.jobs import DONE, FAILED, QUEUED, RUNNING, Job

log = logging.getLogger(__name__)

IMPORT_CHECK, IMPORT, REINDEX, CONFIRMATIONS = "import_check", "import", "reindex", "confirmations"
KINDS = (IMPORT_CHECK, IMPORT, REINDEX, CONFIRMATIONS)
HEARTBEAT_SECONDS = 10.0
# A job on another host whose heartbeat is older than this is taken for dead.
STALE_AFTER = timedelta(minutes=5)

Progress = Callable[[int, int], None]


class JobFailed(Exception):
    """The work refused or failed as it should be reported (no trace needed); ``result``
    holds what the job's page shows."""

    def __init__(self, message: str, result: dict[str, Any] | None = None):
        super().__init__(message)
        self.result = result


def this_worker() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def enqueue(kind: str, params: dict[str, Any], user: User | None = None) -> Job:
    """Queue a job (flushed; the caller commits)."""
    if kind not in KINDS:
        raise ValueError(f"unknown job kind {kind!r}")
    job = Job(kind=kind, params=params, created_by=user, error="", worker="", result=None)
    db.session.add(job)
    db.session.flush()
    return job


def claim(worker: str) -> Job | None:
    """Take the oldest queued job for ``worker``; two workers never get the same one."""
    for job_id in db.session.scalars(select(Job.id).where(Job.status == QUEUED).order_by(Job.id).limit(5)).all():
        now = now_utc()
        taken = db.session.execute(update(Job).where(Job.id == job_id, Job.status == QUEUED).values(
            status=RUNNING, worker=worker, started_at=now, heartbeat_at=now, attempts=Job.attempts + 1))
        db.session.commit()
        if taken.rowcount:
            return db.session.get(Job, job_id)
    return None


def reap(worker: str, now: datetime | None = None) -> list[int]:
    """Mark failed the running jobs whose process is gone (this host: the process no longer
    exists; another host: no heartbeat for ``STALE_AFTER``). Returns their ids."""
    now = now or now_utc()
    host = worker.rsplit(":", 1)[0]
    dead = []
    for job in db.session.scalars(select(Job).where(Job.status == RUNNING)):
        job_host, _sep, pid = job.worker.rpartition(":")
        if job_host == host:
            gone = not _alive(int(pid)) if pid.isdigit() else True
        else:
            beat = job.heartbeat_at or job.started_at or job.created_at
            gone = beat is None or _aware(beat) < now - STALE_AFTER
        if gone:
            job.status, job.finished_at = FAILED, now
            job.error = _("The process running this job stopped before it finished; nothing of it was saved. "
                          "Retry it.")
            dead.append(job.id)
    db.session.commit()
    return dead


def _aware(moment: datetime) -> datetime:
    from datetime import timezone

    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def retry(job: Job) -> Job:
    """Queue a failed job again (flushed; the caller commits)."""
    if job.status != FAILED:
        raise ValueError("only a failed job can be retried")
    job.status, job.error, job.result = QUEUED, "", None
    job.progress_done = job.progress_total = 0
    job.started_at = job.finished_at = job.heartbeat_at = None
    db.session.flush()
    return job


def work_once(worker: str | None = None) -> Job | None:
    """Reap dead jobs, then claim and run one; returns it (None if nothing was queued)."""
    worker = worker or this_worker()
    reap(worker)
    job = claim(worker)
    if job is not None:
        run(job)
    return job


def work(poll_seconds: float = 1.0, stop: threading.Event | None = None, max_jobs: int | None = None) -> int:
    """Run jobs until ``stop`` is set (or ``max_jobs`` ran); returns how many ran."""
    stop = stop or threading.Event()
    ran = 0
    while not stop.is_set() and (max_jobs is None or ran < max_jobs):
        try:
            job = work_once()
        except SQLAlchemyError:
            db.session.rollback()
            log.warning("jobs: the database did not answer; trying again", exc_info=True)
            job = None
        finally:
            db.session.remove()
        if job is None:
            stop.wait(poll_seconds)
        else:
            ran += 1
    return ran


def run(job: Job) -> None:
    """Run a claimed job to done or failed, with a heartbeat meanwhile."""
    job_id, kind, params = job.id, job.kind, dict(job.params or {})
    user_id = job.created_by_id
    from flask import current_app

    beating = threading.Event()
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    heart = threading.Thread(target=_heartbeat, args=(app, job_id, beating), daemon=True)
    heart.start()
    try:
        result = RUNNERS[kind](params, db.session.get(User, user_id) if user_id else None, _progress(job_id))
        status, error = DONE, ""
    except JobFailed as failure:
        db.session.rollback()
        status, error, result = FAILED, str(failure), failure.result
    except Exception as exc:  # noqa: BLE001 - the job fails; the worker goes on
        db.session.rollback()
        log.exception("job %s (%s) failed", job_id, kind)
        status, error, result = FAILED, _("The job failed: %(error)s", error=type(exc).__name__), None
    finally:
        beating.set()
        heart.join()
    job = db.session.get(Job, job_id)
    job.status, job.error, job.result, job.finished_at = status, error, result, now_utc()
    if status == DONE:
        job.progress_done = max(job.progress_total, job.progress_done, 1)
        job.progress_total = job.progress_done
    db.session.commit()


def _write_beside(job_id: int, **values: Any) -> None:
    """Update the job row on a connection of its own, visible at once to every reader. On
    SQLite this waits for the job's own write transaction, if any; then it is skipped."""
    try:
        with db.engine.begin() as conn:
            conn.execute(update(Job).where(Job.id == job_id).values(heartbeat_at=now_utc(), **values))
    except SQLAlchemyError:
        log.debug("job %s: progress not written now", job_id)


def _progress(job_id: int) -> Progress:
    last = [0.0]

    def report(done: int, total: int) -> None:
        if time.monotonic() - last[0] >= 1.0 or done >= total:
            last[0] = time.monotonic()
            _write_beside(job_id, progress_done=done, progress_total=total)

    return report


def _heartbeat(app, job_id: int, stop: threading.Event) -> None:
    while not stop.wait(HEARTBEAT_SECONDS):
        with app.app_context():
            _write_beside(job_id)


# -- the work -----------------------------------------------------------------------------------

def _import_result(report, duplicates: list[str]) -> dict[str, Any]:
    outcomes: dict[str, list[list[str]]] = {"created": [], "updated": [], "unchanged": []}
    for type_key, slug, outcome in report.entries:
        outcomes[outcome].append([type_key, slug])
    return {"summary": report.summary(), "taxonomy": dict(report.taxonomy), "outcomes": outcomes,
            "duplicates": duplicates, "errors": []}


def _import_check(params: dict[str, Any], _user: User | None, progress: Progress) -> dict[str, Any]:
    """What importing the upload would do, saving nothing (a refusal is a result too)."""
    from knowledgebase.services.curation.duplicates import import_duplicate_warnings
    from knowledgebase.services.transfer.imports import ImportFailed, import_path

    progress(0, 1)
    try:
        report = import_path(params["path"])
        result = _import_result(report, import_duplicate_warnings(report.entries))
    except ImportFailed as exc:
        result = {"errors": _without(exc.errors, params["path"], params.get("rows"))}
    finally:
        db.session.rollback()
    if result["errors"]:
        shutil.rmtree(params["path"], ignore_errors=True)
    return result


def _import(params: dict[str, Any], user: User | None, progress: Progress) -> dict[str, Any]:
    """Import the checked upload, all or nothing, keeping the changed entries' earlier content."""
    from knowledgebase.services.curation import audit
    from knowledgebase.services.curation.duplicates import import_duplicate_warnings
    from knowledgebase.services.curation.revisions import ensure_baselines, record_import
    from knowledgebase.services.transfer.imports import ImportFailed, import_path

    path, name = params["path"], params.get("name", "")
    if not Path(path).is_dir():
        raise JobFailed(_("The checked file is no longer available: upload it again."))
    try:
        progress(0, 2)
        # A first pass finds the entries the import changes, so their earlier content is kept
        # as a revision before the real pass changes them.
        planned = import_path(path)
        db.session.rollback()
        ensure_baselines(planned)
        progress(1, 2)
        report = import_path(path)
        count = record_import(report, user, _("Import of %(name)s", name=name))
        audit.record("import", user, target_label=name, detail=report.summary())
        db.session.commit()
    except ImportFailed as exc:
        db.session.rollback()
        raise JobFailed(_("Refused: nothing was saved"), {"errors": _without(exc.errors, path, params.get("rows"))}) from None
    finally:
        shutil.rmtree(path, ignore_errors=True)
    result = _import_result(report, import_duplicate_warnings(report.entries))
    result["count"] = count
    return result


def _without(errors: list[str], path: str, rows: dict[str, int] | None = None) -> list[str]:
    """Messages without the server's upload folder in them; for a converted spreadsheet
    (``rows``: its row number by slug), each with the row it came from."""
    messages = [message.replace(str(path).rstrip("/") + "/", "").replace(str(path), "") for message in errors]
    if rows:
        from knowledgebase.services.transfer.spreadsheet import with_rows

        messages = with_rows(messages, rows)
    return messages


def _reindex(_params: dict[str, Any], _user: User | None, progress: Progress) -> dict[str, Any]:
    from knowledgebase import search

    total = search.count_indexable()
    count = search.rebuild(lambda done: progress(done, total))
    return {"summary": _("%(count)d entries indexed.", count=count)}


def _confirmations(params: dict[str, Any], user: User | None, progress: Progress) -> dict[str, Any]:
    """Ask every published enterprise of a county to confirm its facts, by e-mail. The
    requests are saved before anything is sent (the links must work when they arrive); mail
    that could not be delivered is tried again by the next ``reminders send``."""
    from datetime import date

    from knowledgebase.services.upkeep import confirmations, outbox

    entries = confirmations.county_enterprises(params["county"])
    progress(0, 2)
    prepared = confirmations.prepare_requests(entries, now_utc(), user)
    skipped = [[entry.title_sv, reason] for entry, reason in prepared.skipped]
    db.session.commit()
    progress(1, 2)
    delivery = outbox.deliver(prepared.outgoing, date.today())
    db.session.commit()
    return {"sent": [item.mail.to for item in delivery.sent],
            "not_delivered": [[item.mail.to, reason] for item, reason in delivery.bounced + delivery.failed],
            "skipped": skipped}


RUNNERS: dict[str, Callable[[dict[str, Any], User | None, Progress], dict[str, Any]]] = {
    IMPORT_CHECK: _import_check, IMPORT: _import, REINDEX: _reindex, CONFIRMATIONS: _confirmations}
