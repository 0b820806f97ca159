"""A programme's activities in the adviser area: the list, a new activity, editing one, and
an activity's registrations, attendance and head counts."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from knowledgebase import inputs
from knowledgebase import models as m
from knowledgebase.admin.blueprint import bp, requires
from knowledgebase.admin.programme_forms import ActivityForm
from knowledgebase.extensions import db
from knowledgebase.i18n import current_lang
from knowledgebase.models.programmes import COUNT_GENDERS, SECTORS
from knowledgebase.services.programmes import activities, catalogue, followup, registrations
from knowledgebase.services.programmes.labels import (
    COUNT_GENDER_LABELS,
    GENDER_LABELS,
    KIND_LABELS,
    REGISTRATION_STATUS_LABELS,
    SECTOR_LABELS,
    STATUS_LABELS,
)


def programme_or_404(slug: str) -> m.Programme:
    return catalogue.by_slug(slug) or abort(404)


def activity_or_404(activity_id: int) -> m.Activity:
    return activities.get(activity_id) or abort(404)


@bp.route("/programmes/<slug>/activities")
@requires("programme.manage")
def programme_activities(slug: str):
    """A programme's activities, the latest first."""
    programme = programme_or_404(slug)
    return render_template("admin/programme_activities.html", programme=programme,
                           activities=activities.for_programme(programme), kind_labels=KIND_LABELS,
                           status_labels=STATUS_LABELS, as_local=activities.as_local)


def _render_form(form: ActivityForm, programme: m.Programme, activity: m.Activity | None, status: int = 200):
    return render_template("admin/activity_form.html", form=form, programme=programme, activity=activity), status


def _save(form: ActivityForm, programme: m.Programme, activity: m.Activity | None):
    form.set_choices(programme, current_lang())
    if request.method == "GET":
        if activity is not None:
            form.fill_from(activities.values_of(activity))
        return _render_form(form, programme, activity)
    if not form.validate():
        return _render_form(form, programme, activity, 422)
    try:
        saved = activities.save_activity(programme, form.values(), activity)
    except activities.ActivityError as exc:
        db.session.rollback()
        getattr(form, exc.field).errors.append(exc.message)
        return _render_form(form, programme, activity, 422)
    db.session.commit()
    flash(_("Saved the activity %(title)s.", title=saved.title_sv), "success")
    return redirect(url_for("admin.activity_detail", activity_id=saved.id))


@bp.route("/programmes/<slug>/activities/new", methods=["GET", "POST"])
@requires("programme.manage")
def activity_new(slug: str):
    """Plan a new activity of the programme."""
    return _save(ActivityForm(), programme_or_404(slug), None)


@bp.route("/activities/<int:activity_id>/edit", methods=["GET", "POST"])
@requires("programme.manage")
def activity_edit(activity_id: int):
    """Change an activity (its status too: held or cancelled)."""
    activity = activity_or_404(activity_id)
    return _save(ActivityForm(), activity.programme, activity)


def _render_detail(activity: m.Activity, status: int = 200):
    head_counts = {(row.sector, row.gender): row.count for row in activity.head_counts}
    return render_template(
        "admin/activity_detail.html", activity=activity, kind_labels=KIND_LABELS, status_labels=STATUS_LABELS,
        as_local=activities.as_local, head_counts=head_counts, sectors=SECTORS,
        count_genders=COUNT_GENDERS, sector_labels=SECTOR_LABELS, gender_labels=GENDER_LABELS,
        count_gender_labels=COUNT_GENDER_LABELS, registration_status_labels=REGISTRATION_STATUS_LABELS,
        chart=followup.activity_chart(activity)), status


@bp.route("/activities/<int:activity_id>")
@requires("programme.manage")
def activity_detail(activity_id: int):
    """An activity for its advisers: who registered (with their accessibility needs), who
    came, head counts, and what it counts for."""
    return _render_detail(activity_or_404(activity_id))


@bp.route("/activities/<int:activity_id>/attendance", methods=["POST"])
@requires("programme.manage")
def activity_attendance(activity_id: int):
    """Mark who of those registered came (the ticked boxes)."""
    activity = activity_or_404(activity_id)
    present = {number for number in (inputs.record_id(raw) for raw in request.form.getlist("present")) if number}
    registrations.mark_attendance(activity, present)
    db.session.commit()
    flash(_("Saved the attendance."), "success")
    return redirect(url_for("admin.activity_detail", activity_id=activity.id))


@bp.route("/activities/<int:activity_id>/head-counts", methods=["POST"])
@requires("programme.manage")
def activity_head_counts(activity_id: int):
    """Head counts per sector and gender group, for people who came without registering."""
    activity = activity_or_404(activity_id)
    counts = {}
    try:
        for sector in SECTORS:
            for gender in COUNT_GENDERS:
                counts[(sector, gender)] = inputs.number_or_default(
                    request.form.get(f"count-{sector}-{gender}"), _("Head count"), 0, minimum=0, maximum=100_000)
    except inputs.BadInput as exc:
        flash(str(exc.message), "error")
        return _render_detail(activity, 422)
    registrations.set_head_counts(activity, counts)
    db.session.commit()
    flash(_("Saved the head counts."), "success")
    return redirect(url_for("admin.activity_detail", activity_id=activity.id))
