"""Spreadsheets of enterprises (CSV or XLSX): upload, map the columns with a preview of the
first rows, then the ordinary import's dry run and all-or-nothing import as background jobs
(``bulk_views``, ``job_views``); and the same columns exported back."""

from __future__ import annotations

import re
from datetime import date

from flask import Response, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _

from knowledgebase.admin import uploads
from knowledgebase.admin.blueprint import acting_user, bp, requires
from knowledgebase.extensions import db
from knowledgebase.services import jobs
from knowledgebase.services.curation import audit
from knowledgebase.services.transfer import sheet_columns, sheet_files
from knowledgebase.services.transfer import spreadsheet as sheets

URL_RE = re.compile(r"^https?://[^\s<>\"]+$")


@bp.route("/import/sheet", methods=["GET", "POST"])
@requires("bulk.import")
def sheet_upload():
    """Upload a .csv or .xlsx file of enterprises; the next page maps its columns."""
    if request.method == "GET":
        return render_template("admin/sheet_upload.html", error=None)
    file = request.files.get("file")
    error = None
    if file is None or not file.filename:
        error = _("Choose a file.")
    else:
        try:
            token, path = uploads.store_sheet(file, current_app.config["DATA_DIR"])
            sheet_files.read_sheet(path)
        except uploads.UploadError as exc:
            error = str(exc)
        except sheet_files.SheetError as exc:
            uploads.discard(token, current_app.config["DATA_DIR"])
            error = str(exc)
    if error:
        return render_template("admin/sheet_upload.html", error=error), 422
    session["sheet_token"] = token
    session["sheet_name"] = file.filename[:200]
    return redirect(url_for("admin.sheet_mapping"), 303)


@bp.route("/import/sheet/mapping", methods=["GET", "POST"])
@requires("bulk.import")
def sheet_mapping():
    """Choose what each column becomes, see the first rows converted, and start the dry run."""
    data_dir = current_app.config["DATA_DIR"]
    path = uploads.sheet_in(session.get("sheet_token", ""), data_dir)
    if path is None:
        flash(_("The uploaded spreadsheet is no longer available: upload it again."), "error")
        return redirect(url_for("admin.sheet_upload"))
    try:
        sheet = sheet_files.read_sheet(path)
    except sheet_files.SheetError as exc:
        flash(str(exc), "error")
        return redirect(url_for("admin.sheet_upload"))
    if request.method == "GET":
        return _mapping_page(sheet, sheet_columns.guess_mapping(sheet.header), sheets.FileSource(), [])
    mapping, problems = sheet_columns.clean_mapping(
        [request.form.get(f"column-{i}", "") for i in range(len(sheet.header))])
    source, source_problems = _file_source()
    problems += source_problems
    if request.form.get("action") != "check" or problems:
        return _mapping_page(sheet, mapping, source, problems), 422 if problems else 200
    conversion = sheets.convert(sheet, mapping, source)
    if conversion.errors:
        return _mapping_page(sheet, mapping, source, [], refusals=conversion.errors), 422
    token, folder = uploads.new_folder(data_dir)
    sheets.write_seed_file(conversion, folder)
    name = session.get("sheet_name", "")
    job = jobs.enqueue(jobs.IMPORT_CHECK, {"path": str(folder), "name": name, "token": token,
                                           "rows": conversion.rows, "sheet": True}, acting_user())
    db.session.commit()
    session["import_token"], session["import_name"], session["import_check_job"] = token, name, job.id
    return redirect(url_for("admin.job_page", job_id=job.id), 303)


def _file_source() -> tuple[sheets.FileSource, list[str]]:
    """The source given for the whole file, and what is wrong with it."""
    source = sheets.FileSource(request.form.get("source_title", "").strip()[:400],
                               request.form.get("source_url", "").strip()[:1000],
                               request.form.get("source_date", "").strip()[:10])
    problems = []
    if source.url and not URL_RE.match(source.url):
        problems.append(_("The source's address must start with http:// or https://."))
    if source.date:
        try:
            date.fromisoformat(source.date)
        except ValueError:
            problems.append(_("The source's date must be written as YYYY-MM-DD."))
    if (source.url or source.date) and not source.title:
        problems.append(_("Give the source a title."))
    return source, problems


def _mapping_page(sheet: sheet_files.Sheet, mapping: list[str], source: sheets.FileSource, problems: list[str],
                  refusals: list[str] | None = None) -> str:
    lookup = sheet_columns.Lookup.load()
    return render_template("admin/sheet_mapping.html", sheet=sheet, mapping=mapping, targets=sheet_columns.TARGETS,
                           preview=sheet_columns.preview(sheet, mapping, lookup), source=source, problems=problems,
                           refusals=refusals or [], name=session.get("sheet_name", ""),
                           row_count=len(sheet.rows))


@bp.route("/export/enterprises.csv", defaults={"fmt": "csv"})
@bp.route("/export/enterprises.xlsx", defaults={"fmt": "xlsx"})
@requires("bulk.export")
def export_sheet(fmt: str):
    """Every enterprise in the columns the spreadsheet import reads."""
    header, rows = sheet_columns.export_rows()
    audit.record("export", acting_user(), detail=_("Enterprises as %(format)s: %(count)d", format=fmt.upper(),
                                                   count=len(rows)))
    db.session.commit()
    if fmt == "csv":
        body, mimetype = sheet_files.write_csv(header, rows), "text/csv; charset=utf-8"
    else:
        body = sheet_files.write_xlsx(header, rows)
        mimetype = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    filename = f"enterprises-{date.today().isoformat()}.{fmt}"
    return Response(body, mimetype=mimetype, headers={"Content-Disposition": f'attachment; filename="{filename}"'})
