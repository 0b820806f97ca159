"""Entries in the editorial area: create and edit (one generic form for every content type),
review, workflow steps, verification, deletion, history, comparison and restore."""

from __future__ import annotations

from datetime import date

from flask import abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm.exc import StaleDataError

from knowledgebase import inputs
from knowledgebase import models as m
from knowledgebase.admin.blueprint import acting_user, bp, requires
from knowledgebase.admin.entry_forms import (
    Choices,
    EntryForm,
    entry_form_class,
    error_field_name,
    form_to_data,
    form_values,
    layout,
    markdown_previews,
)
from knowledgebase.content_types import BY_KEY, STATUS_LABELS, ContentType, for_entry
from knowledgebase.extensions import db
from knowledgebase.models.base import now_utc
from knowledgebase.services.curation import revisions, suggestions, workflow
from knowledgebase.services.upkeep import alerts
from knowledgebase.services.curation.duplicates import REASON_LABELS, likely_duplicates
from knowledgebase.services.curation.accounts import can
from knowledgebase.services.content.serialization import FieldError


def version_arg(raw: str | None) -> int | None:
    return inputs.record_id(raw)


def suggestion_arg(kind: str, entry: m.Entry | None = None) -> m.Suggestion | None:
    """The waiting suggestion being accepted through this form (``?suggestion=ID``), if any."""
    if not request.values.get("suggestion"):
        return None
    if not can(acting_user(), "suggestion.moderate"):
        abort(403)
    suggestion_id = inputs.arg_id("suggestion")
    suggestion = db.session.get(m.Suggestion, suggestion_id) if suggestion_id else None
    if suggestion is None or suggestion.kind != kind or (entry is not None and suggestion.entry_id != entry.id):
        abort(404)
    if suggestion.status != "waiting":
        flash(_("This suggestion has already been handled."), "info")
        return None
    return suggestion


def render_entry_form(ct: ContentType, form: EntryForm, choices: Choices, entry: m.Entry | None = None,
                      status: int = 200, **context):
    sections = layout(ct)
    order = [item.name for section in sections for item in section.fields] + ["note"]
    return render_template(
        "admin/entry_form.html", ct=ct, form=form, entry=entry, sections=sections, order=order,
        groups={"packages": choices.packages, "municipalities": choices.municipalities},
        status_labels=STATUS_LABELS, correction_fields=suggestions.CORRECTION_FIELDS, **context), status


def save_entry_form(ct: ContentType, form: EntryForm, choices: Choices, entry: m.Entry | None,
                    suggestion: m.Suggestion | None):
    """Save the submitted form; on any failure show it again with what the user typed."""
    user = acting_user()
    expected = version_arg(form.version.data)
    data = form_to_data(ct, form)
    note = (form.note.data or "").strip()
    if suggestion is not None and not note:
        note = _("From suggestion #%(id)d", id=suggestion.id)
    existing = entry
    changed = True
    try:
        if entry is None:
            entry = workflow.create_entry(ct, data, user, note)
        else:
            changed = workflow.update_entry(entry, data, user, expected, note) is not None
        if suggestion is not None:
            suggestions.accept(suggestion, user, entry)
        db.session.commit()
    except FieldError as exc:
        db.session.rollback()
        name = error_field_name(form, exc.field)
        message = exc.message if name else f"{exc.field}: {exc.message}"
        return render_entry_form(ct, form, choices, existing, 422, suggestion=suggestion,
                                 extra_errors=[(name, message)])
    except workflow.NotAllowed:
        db.session.rollback()
        abort(403)
    except (workflow.EditConflict, StaleDataError) as exc:
        db.session.rollback()
        if existing is None:
            raise
        conflict = exc if isinstance(exc, workflow.EditConflict) else workflow.EditConflict(existing, expected or 0)
        return render_conflict(ct, form, choices, existing, conflict, data, suggestion)
    except SQLAlchemyError:
        db.session.rollback()
        return render_entry_form(ct, form, choices, existing, 500, suggestion=suggestion, extra_errors=[(
            None, _("The database could not save the entry. Nothing was saved; what you typed is still "
                    "here, so try again in a moment."))])
    flash(_("Saved.") if changed else _("Nothing had changed, so nothing was saved."), "success")
    warn_about_duplicates(entry)
    return redirect(url_for("admin.entry_detail", entry_id=entry.id))


def warn_about_duplicates(entry: m.Entry) -> None:
    """Flash a warning when a saved enterprise looks like another one."""
    if not isinstance(entry, m.Enterprise):
        return
    codes = [mu.code for mu in entry.municipalities]
    for other, reason in likely_duplicates(entry.title_sv, entry.org_number, codes, entry.id):
        flash(_("Is this a duplicate? %(title)s (%(status)s): %(reason)s.", title=other.title_sv,
                status=STATUS_LABELS.get(other.status, other.status), reason=REASON_LABELS[reason]), "error")


def render_conflict(ct, form, choices, entry, conflict: workflow.EditConflict, mine: dict, suggestion):
    """The form as typed, the other person's changes, and a version to save over them."""
    form.version.data = str(conflict.current_version)
    theirs = (revisions.diff_data(conflict.base_data, conflict.current_data, ct.key)
              if conflict.base_data is not None else None)
    yours = revisions.diff_data(conflict.current_data, revisions.to_json(mine), ct.key)
    return render_entry_form(ct, form, choices, entry, 409, suggestion=suggestion, conflict=conflict,
                             their_changes=theirs, your_changes=yours)


@bp.route("/entries/new/<type_key>", methods=["GET", "POST"])
@requires("entry.create")
def entry_new(type_key: str):
    ct = BY_KEY.get(type_key) or abort(404)
    suggestion = suggestion_arg("enterprise") if ct.key == "enterprise" else None
    choices = Choices.load(g.lang)
    form_class = entry_form_class(ct, choices)
    if request.method == "GET":
        data = suggestions.new_entry_data(suggestion) if suggestion else {}
        form = form_class(data=form_values(ct, data))
        form.suggestion.data = str(suggestion.id) if suggestion else ""
        return render_entry_form(ct, form, choices, suggestion=suggestion)
    form = form_class()
    if form.preview.data:
        return render_entry_form(ct, form, choices, suggestion=suggestion, previews=markdown_previews(ct, form))
    if not form.validate():
        return render_entry_form(ct, form, choices, status=422, suggestion=suggestion)
    return save_entry_form(ct, form, choices, None, suggestion)


@bp.route("/entries/<int:entry_id>/edit", methods=["GET", "POST"])
def entry_edit(entry_id: int):
    entry = db.get_or_404(m.Entry, entry_id)
    if not workflow.can_edit(acting_user(), entry):
        abort(403)
    ct = for_entry(entry)
    suggestion = suggestion_arg("correction", entry)
    choices = Choices.load(g.lang)
    form_class = entry_form_class(ct, choices)
    if request.method == "GET":
        data = suggestions.correction_data(suggestion, entry) if suggestion else revisions.current_data(entry)
        form = form_class(data=form_values(ct, data))
        form.version.data = str(entry.version)
        form.suggestion.data = str(suggestion.id) if suggestion else ""
        return render_entry_form(ct, form, choices, entry, suggestion=suggestion)
    form = form_class()
    if form.preview.data:
        return render_entry_form(ct, form, choices, entry, suggestion=suggestion,
                                 previews=markdown_previews(ct, form))
    if not form.validate():
        return render_entry_form(ct, form, choices, entry, 422, suggestion=suggestion)
    return save_entry_form(ct, form, choices, entry, suggestion)


@bp.route("/entries/<int:entry_id>")
def entry_detail(entry_id: int):
    """The entry as it reads, with its workflow steps: where reviewers review."""
    entry = db.get_or_404(m.Entry, entry_id)
    user = acting_user()
    return render_template(
        "admin/entry_detail.html", entry=entry, ct=for_entry(entry), status_labels=STATUS_LABELS,
        transitions=workflow.available_transitions(user, entry), labels=workflow.TRANSITION_LABELS,
        can_edit=workflow.can_edit(user, entry), verification=revisions.last_verification(entry.id))


def _redirect_detail(entry_id: int):
    return redirect(url_for("admin.entry_detail", entry_id=entry_id))


@bp.route("/entries/<int:entry_id>/status", methods=["POST"])
def entry_transition(entry_id: int):
    entry = db.get_or_404(m.Entry, entry_id)
    action = request.form.get("action", "")
    try:
        workflow.transition(entry, action, acting_user(), version_arg(request.form.get("version")),
                            note=inputs.multi_line(request.form.get("note"), 500))
        db.session.commit()
    except workflow.NotAllowed:
        db.session.rollback()
        abort(403)
    except (workflow.WorkflowError, StaleDataError) as exc:
        db.session.rollback()
        flash(getattr(exc, "message", None) or _("Someone else changed this entry; look again and retry."), "error")
        return _redirect_detail(entry_id)
    flash(_("Done: %(step)s.", step=workflow.TRANSITION_LABELS[action]), "success")
    if action == "publish":
        alerted = alerts.send_after_publishing(entry, date.today(), now_utc())
        db.session.commit()
        if alerted:
            flash(ngettext("%(num)d subscriber was alerted.", "%(num)d subscribers were alerted.", alerted), "info")
    return _redirect_detail(entry_id)


@bp.route("/entries/<int:entry_id>/verify", methods=["POST"])
@requires("entry.verify")
def entry_verify(entry_id: int):
    entry = db.get_or_404(m.Entry, entry_id)
    try:
        workflow.verify(entry, acting_user(), version_arg(request.form.get("version")), date.today())
        db.session.commit()
    except (workflow.WorkflowError, StaleDataError) as exc:
        db.session.rollback()
        flash(getattr(exc, "message", None) or _("Someone else changed this entry; look again and retry."), "error")
        return _redirect_detail(entry_id)
    flash(_("Marked as verified today."), "success")
    return _redirect_detail(entry_id)


@bp.route("/entries/<int:entry_id>/delete", methods=["GET", "POST"])
@requires("entry.delete")
def entry_delete(entry_id: int):
    entry = db.get_or_404(m.Entry, entry_id)
    if request.method == "GET":
        return render_template("admin/entry_delete.html", entry=entry, ct=for_entry(entry))
    title = entry.title_sv
    try:
        workflow.delete_entry(entry, acting_user(), version_arg(request.form.get("version")))
        db.session.commit()
    except (workflow.WorkflowError, StaleDataError) as exc:
        db.session.rollback()
        flash(getattr(exc, "message", None) or _("Someone else changed this entry; look again and retry."), "error")
        return _redirect_detail(entry_id)
    flash(_("Deleted %(title)s. Its history is kept in the audit log and its revisions.", title=title), "success")
    return redirect(url_for("admin.entries"))


@bp.route("/entries/<int:entry_id>/history")
def entry_history(entry_id: int):
    entry = db.get_or_404(m.Entry, entry_id)
    return render_template("admin/entry_history.html", entry=entry, ct=for_entry(entry),
                           revisions=revisions.history(entry.id), action_labels=revisions.ACTION_LABELS,
                           status_labels=STATUS_LABELS, can_edit=workflow.can_edit(acting_user(), entry))


def _side(entry: m.Entry, raw: str | None) -> tuple[str, dict, m.Revision | None]:
    """One side of a comparison: a revision id, or "current"."""
    if raw == "current" or not raw:
        return _("Current content"), revisions.current_data(entry), None
    revision_id = inputs.record_id(raw)
    revision = revisions.get_revision(entry.id, revision_id) if revision_id else None
    if revision is None:
        abort(404)
    return _("Revision %(number)d", number=revision.number), revision.data, revision


@bp.route("/entries/<int:entry_id>/compare")
def entry_compare(entry_id: int):
    """Any two revisions (or a revision and the current content) as a readable diff."""
    entry = db.get_or_404(m.Entry, entry_id)
    label_a, data_a, rev_a = _side(entry, request.args.get("a"))
    label_b, data_b, rev_b = _side(entry, request.args.get("b"))
    return render_template("admin/entry_compare.html", entry=entry, ct=for_entry(entry),
                           label_a=label_a, label_b=label_b, rev_a=rev_a, rev_b=rev_b,
                           diffs=revisions.diff_data(data_a, data_b, entry.type),
                           revisions=revisions.history(entry.id))


@bp.route("/entries/<int:entry_id>/revisions/<int:revision_id>/restore", methods=["POST"])
def revision_restore(entry_id: int, revision_id: int):
    entry = db.get_or_404(m.Entry, entry_id)
    revision = revisions.get_revision(entry.id, revision_id) or abort(404)
    try:
        workflow.restore(entry, revision, acting_user(), version_arg(request.form.get("version")))
        db.session.commit()
    except workflow.NotAllowed:
        db.session.rollback()
        abort(403)
    except FieldError as exc:
        db.session.rollback()
        flash(_("Revision %(number)d cannot be restored: %(field)s %(message)s",
                number=revision.number, field=exc.field, message=exc.message), "error")
    except (workflow.WorkflowError, StaleDataError) as exc:
        db.session.rollback()
        flash(getattr(exc, "message", None) or _("Someone else changed this entry; look again and retry."), "error")
    else:
        flash(_("Revision %(number)d restored as a new revision.", number=revision.number), "success")
    return redirect(url_for("admin.entry_history", entry_id=entry_id))
