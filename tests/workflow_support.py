"""Helpers shared by the workflow test modules."""

from __future__ import annotations

from knowledgebase import models as m
from knowledgebase.extensions import db
from tests.curation_support import add_user


def new_user_id(app, role: str) -> int:
    """A new account with ``role``; its id."""
    email = add_user(app, role)
    with app.app_context():
        return db.session.scalar(db.select(m.User.id).where(m.User.email == email))
