"""The blueprint of admin: its URL prefix and what every one of its views shares; the
views register their routes on ``bp``."""

from __future__ import annotations

from functools import wraps
from typing import Any, Callable

from flask import Blueprint, abort
from flask_login import current_user

from knowledgebase import models as m
from knowledgebase.auth.blueprint import layout_context, use_interface_locale
from knowledgebase.extensions import login_manager
from knowledgebase.services.curation.accounts import can

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.before_request
def require_login():
    use_interface_locale()
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    return None


bp.context_processor(layout_context)


def requires(permission: str) -> Callable:
    """Answer 403 unless the current user's role holds ``permission``."""
    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any):
            if not can(current_user, permission):
                abort(403)
            return view(*args, **kwargs)
        return wrapped
    return decorator


def acting_user() -> m.User:
    """The signed-in user as a model object, to hand to services."""
    return current_user._get_current_object()
