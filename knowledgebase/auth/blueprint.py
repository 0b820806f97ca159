"""The blueprint of auth: its URL prefix and what every one of its views shares; the
views register their routes on ``bp``."""

from __future__ import annotations

from flask import Blueprint, g, session
from flask_login import current_user

from knowledgebase.i18n import LOCALES, best_locale

bp = Blueprint("auth", __name__, url_prefix="/auth")


def use_interface_locale() -> None:
    """The signed-in area has no /sv/ prefix: use the language chosen in the interface
    (kept in the session), else the browser's (Accept-Language), else Swedish."""
    chosen = session.get("ui_lang")
    g.lang = chosen if chosen in LOCALES else best_locale()


def layout_context() -> dict:
    """What the editorial layout needs: a permission check for the current user."""
    from knowledgebase.services.curation.accounts import ROLE_LABELS, can

    return {"can": lambda permission: can(current_user, permission), "role_labels": ROLE_LABELS}


bp.before_request(use_interface_locale)
bp.context_processor(layout_context)
