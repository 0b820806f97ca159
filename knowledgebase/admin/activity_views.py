"""A programme's activities in the adviser area: the list, a new activity, editing one."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from knowledgebase import models as m
from knowledgebase.admin.blueprint import bp, requires
from knowledgebase.admin.programme_forms import ActivityForm
from knowledgebase.extensions import db
from knowledgebase.i18n import current_lang
from knowledgebase.services.programmes import activities, catalogue
from knowledgebase.services.programmes.labels import KIND_LABELS, STATUS_LABELS


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


@bp.route("/activities/<int:activity_id>")
@requires("programme.manage")
def activity_detail(activity_id: int):
    """An activity for its advisers: what it is, and (once registration is built) who comes."""
    activity = activity_or_404(activity_id)
    return render_template("admin/activity_detail.html", activity=activity, kind_labels=KIND_LABELS,
                           status_labels=STATUS_LABELS, as_local=activities.as_local)
