"""Bulk work: import a seed-format file (dry run first, then all or nothing) and download
the whole knowledge base as a zip of the seed format.

The import runs within the request; when it is done the page reports the counts (there is
no live progress bar)."""

from __future__ import annotations

import io
import re
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
from knowledgebase.services.curation import audit
from knowledgebase.services.curation.duplicates import import_duplicate_warnings
from knowledgebase.services.transfer.exports import export_to
from knowledgebase.services.transfer.imports import ImportFailed, ImportReport, import_path
from knowledgebase.services.curation.revisions import ensure_baselines, record_import


def _outcomes(report: ImportReport) -> dict[str, list[tuple[str, str]]]:
    grouped: dict[str, list[tuple[str, str]]] = {"created": [], "updated": [], "unchanged": []}
    for type_key, slug, outcome in report.entries:
        grouped[outcome].append((type_key, slug))
    return grouped


def _without_paths(errors: list[str], data_dir: str) -> list[str]:
    """Messages without the server's upload folder in them."""
    root = str(uploads.upload_root(data_dir))
    return [re.sub(re.escape(root) + r"/[0-9a-f]{32}/?", "", message) for message in errors]


@bp.route("/import", methods=["GET", "POST"])
@requires("bulk.import")
def import_upload():
    """Upload a file and see, without saving anything, what it would create, change or refuse."""
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
    errors: list[str] = []
    duplicates: list[str] = []
    report = None
    try:
        report = import_path(uploads.path_for(token, data_dir))
        duplicates = import_duplicate_warnings(report.entries)
    except ImportFailed as exc:
        errors = _without_paths(exc.errors, data_dir)
    finally:
        # A dry run: whatever the import did is undone.
        db.session.rollback()
    if errors:
        uploads.discard(token, data_dir)
    else:
        session["import_token"] = token
        session["import_name"] = name
    return render_template("admin/import_report.html", dry_run=True, report=report, errors=errors,
                           outcomes=_outcomes(report) if report else None, token=token, name=name,
                           duplicates=duplicates)


@bp.route("/import/apply", methods=["POST"])
@requires("bulk.import")
def import_apply():
    """Import the file checked in the dry run, all or nothing."""
    token = request.form.get("token", "")
    data_dir = current_app.config["DATA_DIR"]
    folder = uploads.path_for(token, data_dir)
    if folder is None or session.get("import_token") != token:
        flash(_("The checked file is no longer available: upload it again."), "error")
        return redirect(url_for("admin.import_upload"))
    name = session.get("import_name", "")
    user = acting_user()
    try:
        # A first pass finds the entries the import changes, so their earlier content is
        # kept as a revision before the real pass changes them.
        planned = import_path(folder)
        db.session.rollback()
        ensure_baselines(planned)
        report = import_path(folder)
        count = record_import(report, user, _("Import of %(name)s", name=name))
        audit.record("import", user, target_label=name, detail=report.summary())
        db.session.commit()
        duplicates = import_duplicate_warnings(report.entries)
    except ImportFailed as exc:
        db.session.rollback()
        return render_template("admin/import_report.html", dry_run=False, report=None,
                               errors=_without_paths(exc.errors, data_dir),
                               outcomes=None, token=token, name=name), 422
    finally:
        session.pop("import_token", None)
        uploads.discard(token, data_dir)
    flash(_("Imported %(name)s: %(count)d entries created or changed.", name=name, count=count), "success")
    return render_template("admin/import_report.html", dry_run=False, report=report, errors=[],
                           outcomes=_outcomes(report), token=None, name=name, duplicates=duplicates)


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
