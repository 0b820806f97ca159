"""Bulk work: import a seed-format file (dry run first, then all or nothing, each a background
job followed on its page, ``job_views``) and download the whole knowledge base as a zip of the
seed format."""

from __future__ import annotations

import io
import tempfile
import zipfile
from datetime import date
from pathlib import Path

from flask import current_app, flash, redirect, render_template, request, send_file, session, url_for
from flask_babel import gettext as _

from knowledgebase.admin.blueprint import acting_user, bp, requires
from knowledgebase.admin import uploads
from knowledgebase.admin.forms import ImportForm
from knowledgebase.extensions import db
from knowledgebase.models import Job
from knowledgebase.services import jobs
from knowledgebase.services.curation import audit
from knowledgebase.services.transfer.exports import export_to


@bp.route("/import", methods=["GET", "POST"])
@requires("bulk.import")
def import_upload():
    """Upload a file; a background job checks, without saving anything, what it would create,
    change or refuse, and its page shows the report."""
    form = ImportForm()
    if request.method == "GET" or not form.validate():
        return render_template("admin/import.html", form=form), 200 if request.method == "GET" else 422
    data_dir = current_app.config["DATA_DIR"]
    try:
        token = uploads.store(form.file.data, data_dir)
    except uploads.UploadError as exc:
        form.file.errors.append(str(exc))
        return render_template("admin/import.html", form=form), 422
    name = form.file.data.filename or ""
    job = jobs.enqueue(jobs.IMPORT_CHECK, {"path": str(uploads.path_for(token, data_dir)), "name": name,
                                           "token": token}, acting_user())
    db.session.commit()
    session["import_token"] = token
    session["import_name"] = name
    return redirect(url_for("admin.job_page", job_id=job.id), 303)


@bp.route("/import/apply", methods=["POST"])
@requires("bulk.import")
def import_apply():
    """Import the file checked in the dry run, all or nothing, as a background job."""
    token = request.form.get("token", "")
    data_dir = current_app.config["DATA_DIR"]
    folder = uploads.path_for(token, data_dir)
    if folder is None or session.get("import_token") != token:
        flash(_("The checked file is no longer available: upload it again."), "error")
        return redirect(url_for("admin.import_upload"))
    session.pop("import_token", None)
    params = {"path": str(folder), "name": session.pop("import_name", "")}
    # A converted spreadsheet: its check job knows the row each entry came from.
    check = db.session.get(Job, session.pop("import_check_job", 0) or 0)
    if check is not None and check.params.get("token") == token and check.params.get("rows"):
        params["rows"], params["sheet"] = check.params["rows"], True
    job = jobs.enqueue(jobs.IMPORT, params, acting_user())
    db.session.commit()
    return redirect(url_for("admin.job_page", job_id=job.id), 303)


@bp.route("/export.zip")
@requires("bulk.export")
def export_zip():
    """Every entry (every status) and the taxonomy in the seed format, as one zip file."""
    buffer = io.BytesIO()
    with tempfile.TemporaryDirectory() as tmp:
        counts = export_to(Path(tmp))
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for path in sorted(Path(tmp).rglob("*")):
                if path.is_file():
                    archive.write(path, path.relative_to(tmp).as_posix())
    audit.record("export", acting_user(), detail=", ".join(f"{k}: {v}" for k, v in counts.items()))
    db.session.commit()
    buffer.seek(0)
    return send_file(buffer, mimetype="application/zip", as_attachment=True,
                     download_name=f"knowledgebase-{date.today().isoformat()}.zip")
