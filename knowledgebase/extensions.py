"""Flask extensions, created once and bound to the app in ``create_app``."""

from flask_babel import Babel
from flask_migrate import Migrate
from flask_wtf import CSRFProtect

from knowledgebase.models.base import db

__all__ = ["db", "migrate", "babel", "csrf"]

migrate = Migrate()
babel = Babel()
csrf = CSRFProtect()
