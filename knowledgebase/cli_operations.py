"""Operators' commands: ``flask --app app backup DIR`` (safe to run from cron) and
``flask --app app jobs work|list`` (the background job worker)."""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import AppGroup, with_appcontext

from knowledgebase.cli import needs_app
from knowledgebase.models.base import now_utc

jobs_group = AppGroup("jobs", help="Run and list background jobs (imports, reindexing).")


@click.command("backup")
@with_appcontext
@click.argument("directory", type=click.Path(file_okay=False))
@needs_app
def backup_command(directory: str) -> None:
    """Copy the database and export the content in the seed format into DIRECTORY."""
    from knowledgebase.services.transfer.backups import BackupError, create_backup

    try:
        paths = create_backup(Path(directory), now_utc())
    except BackupError as error:
        raise click.ClickException(str(error)) from None
    for path in paths:
        click.echo(str(path))


@jobs_group.command("work")
@click.option("--once", is_flag=True, help="Run at most one queued job, then stop.")
@click.option("--poll", type=click.FloatRange(min=0.1), default=1.0, show_default=True,
              help="Seconds between looks at the queue when it is empty.")
@needs_app
def jobs_work(once: bool, poll: float) -> None:
    """Run queued jobs until stopped (SIGTERM or Ctrl-C), or one with --once."""
    import signal
    import threading

    from knowledgebase.services import jobs

    if once:
        job = jobs.work_once()
        click.echo(f"{job.id} {job.kind}: {job.status}" if job else "no job queued")
        return
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    try:
        ran = jobs.work(poll, stop)
    except KeyboardInterrupt:
        ran = 0
    click.echo(f"{ran} jobs run")


@jobs_group.command("list")
@click.option("--limit", type=click.IntRange(min=1), default=20, show_default=True)
@needs_app
def jobs_list(limit: int) -> None:
    """The latest jobs, newest first."""
    from sqlalchemy import select

    from knowledgebase.extensions import db
    from knowledgebase.models import Job

    for job in db.session.scalars(select(Job).order_by(Job.id.desc()).limit(limit)):
        click.echo(f"{job.id}\t{job.kind}\t{job.status}\t{job.progress_done}/{job.progress_total}\t"
                   f"{job.created_at:%Y-%m-%d %H:%M}\t{job.error}")
