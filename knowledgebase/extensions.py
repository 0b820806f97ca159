"""Flask extensions, created once and bound to the app in ``create_app``."""

from flask_babel import Babel
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_wtf import CSRFProtect

from knowledgebase.models.base import db

__all__ = ["db", "babel", "csrf", "login_manager", "limiter"]

# Flask-Migrate is set up only where migrations run (knowledgebase.database.init_migrations).
babel = Babel()
csrf = CSRFProtect()
login_manager = LoginManager()
# Per address by default; the login view adds a per-account limit (knowledgebase.auth).
limiter = Limiter(key_func=get_remote_address)
