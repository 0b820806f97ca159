"""The editorial area under /admin/: dashboard, entry forms, workflow, history,
suggestions, bulk import and export, accounts and the audit log. Everyone here is signed
in; what they may do follows their role (services.accounts.PERMISSIONS)."""

from __future__ import annotations

from functools import wraps
from typing import Any, Callable

from flask import Blueprint, abort
from flask_login import current_user

from knowledgebase import models as m
from knowledgebase.auth import layout_context, use_interface_locale
from knowledgebase.extensions import login_manager
from knowledgebase.services.accounts import can

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


from knowledgebase.admin import (  # noqa: E402,F401  (register routes on bp)
    bulk_views,
    entry_views,
    suggestion_views,
    user_views,
    views,
)
from knowledgebase.admin import upkeep_views  # noqa: E402,F401  (register routes on bp)
from knowledgebase.admin import buyer_views  # noqa: E402,F401
