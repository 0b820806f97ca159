"""Programmes and their targets in the adviser area: the list, a new programme, editing one,
the advisers' follow-up per activity and the funder's export."""

from __future__ import annotations

from datetime import datetime, timezone

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from knowledgebase import models as m
from knowledgebase.admin.blueprint import bp, requires
from knowledgebase.admin.programme_forms import COUNTIES, PARTICIPANT_METRICS, ProgrammeForm
from knowledgebase.extensions import db
from knowledgebase.services.programmes import catalogue, followup, funder_export
from knowledgebase.services.programmes.labels import METRIC_LABELS


def _render_form(form: ProgrammeForm, programme: m.Programme | None, status: int = 200, problems=()):
    return render_template("admin/programme_form.html", form=form, programme=programme, counties=COUNTIES,
                           participant_metrics=PARTICIPANT_METRICS, metric_labels=METRIC_LABELS,
                           problems=[(None, message) for message in problems]), status


@bp.route("/programmes/")
@requires("programme.manage")
def programmes():
    """Every programme, with links to its activities, networks and follow-up."""
    return render_template("admin/programmes.html", programmes=catalogue.all_programmes())


@bp.route("/programmes/new", methods=["GET", "POST"])
@bp.route("/programmes/<slug>/edit", methods=["GET", "POST"])
@requires("programme.manage")
def programme_form(slug: str | None = None):
    """Create a programme with its targets, or change one."""
    programme = None
    if slug is not None:
        programme = catalogue.by_slug(slug)
        if programme is None:
            abort(404)
    form = ProgrammeForm()
    if request.method == "GET":
        if programme is not None:
            form.fill_from(programme)
        return _render_form(form, programme)
    if not form.validate():
        return _render_form(form, programme, 422)
    taken = catalogue.by_slug(form.slug.data)
    if taken is not None and taken is not programme:
        form.slug.errors.append(_("Another programme has this address name."))
        return _render_form(form, programme, 422)
    try:
        clean = catalogue.clean_programme(form.seed_data(), _("The programme"))
    except ValueError as exc:
        return _render_form(form, programme, 422, [str(exc)])
    saved = catalogue.save_programme(clean, programme)
    db.session.commit()
    flash(_("Saved the programme %(name)s.", name=saved.name_sv), "success")
    return redirect(url_for("admin.programme_activities", slug=saved.slug))


@bp.route("/programmes/<slug>/followup")
@requires("programme.manage")
def programme_followup(slug: str):
    """The follow-up for advisers: every number (small groups too) and one row per activity."""
    programme = catalogue.by_slug(slug) or abort(404)
    header, rows = followup.activity_rows(programme)
    return render_template("admin/programme_followup.html", programme=programme,
                           views=followup.progress(programme, public=False), header=header, rows=rows)


@bp.route("/programmes/<slug>/export.csv")
@requires("programme.manage")
def programme_export_csv(slug: str):
    """The funder's report as CSV: one row per held activity with its counts."""
    programme = catalogue.by_slug(slug) or abort(404)
    return Response(funder_export.csv_bytes(programme), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{programme.slug}.csv"'})


@bp.route("/programmes/<slug>/export.xlsx")
@requires("programme.manage")
def programme_export_xlsx(slug: str):
    """The funder's report as an XLSX workbook."""
    programme = catalogue.by_slug(slug) or abort(404)
    body = funder_export.xlsx_bytes(programme, _("Activities"), datetime.now(timezone.utc))
    return Response(body, mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                    headers={"Content-Disposition": f'attachment; filename="{programme.slug}.xlsx"'})
