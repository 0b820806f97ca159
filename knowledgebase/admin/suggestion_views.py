"""The moderation queue of suggestions from the public."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from knowledgebase import models as m
from knowledgebase.admin import acting_user, bp, requires
from knowledgebase.admin.forms import RejectForm
from knowledgebase.admin.views import page_arg
from knowledgebase.extensions import db
from knowledgebase.models.curation import SUGGESTION_STATUSES
from knowledgebase.services import suggestions, workflow
from knowledgebase.services.entries import paginate


@bp.route("/suggestions/")
@requires("suggestion.moderate")
def suggestion_list():
    status = request.args.get("status", "waiting")
    if status not in (*SUGGESTION_STATUSES, "all"):
        abort(400)
    page = paginate(suggestions.queue(status), page_arg(), current_app.config["PER_PAGE"])
    return render_template("admin/suggestions.html", page=page, status=status,
                           status_labels=suggestions.STATUS_LABELS, kind_labels=suggestions.KIND_LABELS)


@bp.route("/suggestions/<int:suggestion_id>")
@requires("suggestion.moderate")
def suggestion_detail(suggestion_id: int):
    suggestion = db.get_or_404(m.Suggestion, suggestion_id)
    municipality = db.session.get(m.Municipality, suggestion.municipality_code) if suggestion.municipality_code else None
    return render_template("admin/suggestion_detail.html", suggestion=suggestion, form=RejectForm(),
                           municipality=municipality, fields=suggestions.CORRECTION_FIELDS,
                           status_labels=suggestions.STATUS_LABELS, kind_labels=suggestions.KIND_LABELS)


@bp.route("/suggestions/<int:suggestion_id>/reject", methods=["POST"])
@requires("suggestion.moderate")
def suggestion_reject(suggestion_id: int):
    suggestion = db.get_or_404(m.Suggestion, suggestion_id)
    form = RejectForm()
    if not form.validate():
        municipality = db.session.get(m.Municipality, suggestion.municipality_code) if suggestion.municipality_code else None
        return render_template("admin/suggestion_detail.html", suggestion=suggestion, form=form,
                               municipality=municipality, fields=suggestions.CORRECTION_FIELDS,
                               status_labels=suggestions.STATUS_LABELS, kind_labels=suggestions.KIND_LABELS), 422
    try:
        suggestions.reject(suggestion, acting_user(), form.note.data)
        db.session.commit()
    except workflow.WorkflowError as exc:
        db.session.rollback()
        flash(exc.message, "error")
        return redirect(url_for("admin.suggestion_detail", suggestion_id=suggestion_id))
    flash(_("The suggestion was rejected."), "success")
    return redirect(url_for("admin.suggestion_list"))
