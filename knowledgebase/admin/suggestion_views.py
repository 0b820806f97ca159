"""The moderation queue of suggestions from the public."""

from __future__ import annotations

from flask import current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _

from knowledgebase import inputs
from knowledgebase import models as m
from knowledgebase.admin.blueprint import acting_user, bp, requires
from knowledgebase.admin.forms import HandledForm, RejectForm
from knowledgebase.admin.views import page_arg
from knowledgebase.content_types import STATUS_LABELS as ENTRY_STATUS_LABELS
from knowledgebase.extensions import db
from knowledgebase.models.curation import SUGGESTION_STATUSES
from knowledgebase.services.curation import suggestions, workflow
from knowledgebase.services.curation.duplicates import REASON_LABELS
from knowledgebase.services.content.entries import paginate


@bp.route("/suggestions/")
@requires("suggestion.moderate")
def suggestion_list():
    status = inputs.arg_choice("status", (*SUGGESTION_STATUSES, "all"), "waiting")
    page = paginate(suggestions.queue(status), page_arg(), current_app.config["PER_PAGE"])
    return render_template("admin/suggestions.html", page=page, status=status,
                           status_labels=suggestions.STATUS_LABELS, kind_labels=suggestions.KIND_LABELS)


def _detail(suggestion: m.Suggestion, reject_form: RejectForm | None = None,
            handled_form: HandledForm | None = None, status: int = 200):
    municipality = db.session.get(m.Municipality, suggestion.municipality_code) if suggestion.municipality_code else None
    return render_template("admin/suggestion_detail.html", suggestion=suggestion, form=reject_form or RejectForm(),
                           handled_form=handled_form or HandledForm(), municipality=municipality,
                           fields=suggestions.CORRECTION_FIELDS, note_only=suggestions.NOTE_ONLY_KINDS,
                           status_labels=suggestions.STATUS_LABELS, kind_labels=suggestions.KIND_LABELS,
                           reason_labels=REASON_LABELS, entry_status_labels=ENTRY_STATUS_LABELS), status


@bp.route("/suggestions/<int:suggestion_id>")
@requires("suggestion.moderate")
def suggestion_detail(suggestion_id: int):
    return _detail(db.get_or_404(m.Suggestion, suggestion_id))


def _close(suggestion_id: int, form_class: type, close, done: str):
    """Reject a suggestion, or mark it handled: the form's note, then back to the queue."""
    suggestion = db.get_or_404(m.Suggestion, suggestion_id)
    form = form_class()
    if not form.validate():
        forms = {"reject_form": form} if form_class is RejectForm else {"handled_form": form}
        return _detail(suggestion, status=422, **forms)
    try:
        close(suggestion, acting_user(), form.note.data)
        db.session.commit()
    except workflow.WorkflowError as exc:
        db.session.rollback()
        flash(exc.message, "error")
        return redirect(url_for("admin.suggestion_detail", suggestion_id=suggestion_id))
    flash(done, "success")
    return redirect(url_for("admin.suggestion_list"))


@bp.route("/suggestions/<int:suggestion_id>/reject", methods=["POST"])
@requires("suggestion.moderate")
def suggestion_reject(suggestion_id: int):
    return _close(suggestion_id, RejectForm, suggestions.reject, _("The suggestion was rejected."))


@bp.route("/suggestions/<int:suggestion_id>/handled", methods=["POST"])
@requires("suggestion.moderate")
def suggestion_handled(suggestion_id: int):
    """Close an accessibility report with a note on what was done."""
    return _close(suggestion_id, HandledForm, suggestions.mark_handled, _("The suggestion was marked as handled."))
