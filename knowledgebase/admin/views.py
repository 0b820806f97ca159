"""The dashboard and the list of all entries."""

from __future__ import annotations

from datetime import date

from flask import abort, current_app, render_template, request

from knowledgebase import models as m
from knowledgebase.admin import acting_user, bp, requires
from knowledgebase.content_types import BY_KEY, STATUS_LABELS
from knowledgebase.services import workflow
from knowledgebase.services.entries import paginate


def page_arg() -> int:
    raw = request.args.get("page", "1")
    if not raw.isdigit() or not 1 <= int(raw) <= 100_000:
        abort(400)
    return int(raw)


@bp.route("/")
def dashboard():
    """My drafts, what waits for review, recent publications, what needs verifying, suggestions."""
    board = workflow.dashboard(acting_user(), date.today())
    return render_template("admin/dashboard.html", board=board, status_labels=STATUS_LABELS)


@bp.route("/entries/")
def entries():
    type_key = request.args.get("type", "")
    status = request.args.get("status", "")
    text = request.args.get("q", "").strip()[:200]
    if (type_key and type_key not in BY_KEY) or (status and status not in m.STATUSES):
        abort(400)
    page = paginate(workflow.entries_query(type_key, status, text), page_arg(), current_app.config["PER_PAGE"])
    return render_template("admin/entries.html", page=page, type_key=type_key, status=status, q=text,
                           status_labels=STATUS_LABELS)


@bp.route("/entries/new")
@requires("entry.create")
def entry_types():
    """Choose the content type of a new entry."""
    return render_template("admin/entry_types.html")
