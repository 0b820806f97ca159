"""Helpers shared by the admin test modules: entries, revisions and suggestions to act on."""

from __future__ import annotations

from typing import Any, Callable

from knowledgebase import models as m
from knowledgebase.extensions import db
from knowledgebase.services.curation import revisions, suggestions
from tests.curation_support import add_entry


def entry_with_revisions(status: str) -> Callable[[Any], dict]:
    def setup(app) -> dict:
        entry_id = add_entry(app, status=status)
        with app.app_context():
            entry = db.session.get(m.Entry, entry_id)
            first = revisions.record_revision(entry, None, "edit", author="test")
            entry.summary_sv = "Ändrad sammanfattning."
            db.session.flush()
            revisions.record_revision(entry, None, "edit", author="test")
            db.session.commit()
            return {"entry": entry_id, "revision": first.id}
    return setup


def waiting_suggestion(app) -> dict:
    entry_id = add_entry(app, status="published")
    with app.app_context():
        suggestion = suggestions.create_suggestion(
            "correction", "sv", db.session.get(m.Entry, entry_id), field="summary", message="Fel år.")
        db.session.commit()
        return {"entry": entry_id, "suggestion": suggestion.id}


def accessibility_report(app) -> dict:
    with app.app_context():
        report = suggestions.create_suggestion("accessibility", "sv", message="Fokus syns inte i menyn.")
        db.session.commit()
        return {"report": report.id}
