"""Background jobs in the editorial area: each job's page (status, a progress bar, and the
report when it is done; it reloads itself while the job runs, with or without JavaScript),
the list of recent jobs, retrying a failed job and starting a reindex."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from knowledgebase.admin.blueprint import acting_user, bp, requires
from knowledgebase.extensions import db
from knowledgebase.models import Job
from knowledgebase.models.jobs import FAILED
from knowledgebase.services import jobs
from knowledgebase.services.curation.accounts import can

RECENT = 50


def _job_or_404(job_id: int) -> Job:
    job = db.session.get(Job, job_id)
    # Advisers see their own jobs; admins every job.
    if job is None or not (can(current_user, "user.manage") or job.created_by_id == current_user.id):
        abort(404)
    return job


@bp.route("/jobs/")
@requires("bulk.import")
def job_list():
    query = select(Job).order_by(Job.id.desc()).limit(RECENT)
    if not can(current_user, "user.manage"):
        query = query.where(Job.created_by_id == current_user.id)
    return render_template("admin/jobs.html", jobs=db.session.scalars(query).all())


@bp.route("/jobs/<int:job_id>")
@requires("bulk.import")
def job_page(job_id: int):
    return render_template("admin/job.html", job=_job_or_404(job_id), refresh_seconds=2)


@bp.route("/jobs/<int:job_id>/retry", methods=["POST"])
@requires("bulk.import")
def job_retry(job_id: int):
    job = _job_or_404(job_id)
    if job.status != FAILED:
        flash(_("Only a failed job can be retried."), "error")
    else:
        jobs.retry(job)
        db.session.commit()
    return redirect(url_for("admin.job_page", job_id=job.id), 303)


@bp.route("/jobs/reindex", methods=["POST"])
@requires("user.manage")
def job_reindex():
    job = jobs.enqueue(jobs.REINDEX, {}, acting_user())
    db.session.commit()
    return redirect(url_for("admin.job_page", job_id=job.id), 303)
