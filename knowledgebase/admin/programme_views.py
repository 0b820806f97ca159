"""Programmes and their targets in the adviser area: the list, a new programme, editing one."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from knowledgebase import models as m
from knowledgebase.admin.blueprint import bp, requires
from knowledgebase.admin.programme_forms import COUNTIES, PARTICIPANT_METRICS, ProgrammeForm
from knowledgebase.extensions import db
from knowledgebase.services.programmes import catalogue
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
