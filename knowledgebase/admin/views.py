"""The dashboard and the list of all entries."""

from __future__ import annotations

from datetime import date

from flask import current_app, render_template

from knowledgebase import inputs
from knowledgebase import models as m
from knowledgebase.admin.blueprint import acting_user, bp, requires
from knowledgebase.content_types import BY_KEY, STATUS_LABELS
from knowledgebase.services.curation import workflow
from knowledgebase.services.content.entries import paginate


def page_arg() -> int:
    return inputs.arg_number("page", 1, maximum=100_000)


@bp.route("/")
def dashboard():
    """My drafts, what waits for review, recent publications, what needs verifying, suggestions."""
    board = workflow.dashboard(acting_user(), date.today())
    return render_template("admin/dashboard.html", board=board, status_labels=STATUS_LABELS)


@bp.route("/entries/")
def entries():
    type_key = inputs.arg_choice("type", BY_KEY, "")
    status = inputs.arg_choice("status", m.STATUSES, "")
    text = inputs.arg_text("q", 200)
    page = paginate(workflow.entries_query(type_key, status, text), page_arg(), current_app.config["PER_PAGE"])
    return render_template("admin/entries.html", page=page, type_key=type_key, status=status, q=text,
                           status_labels=STATUS_LABELS)


@bp.route("/entries/new")
@requires("entry.create")
def entry_types():
    """Choose the content type of a new entry."""
    return render_template("admin/entry_types.html")
