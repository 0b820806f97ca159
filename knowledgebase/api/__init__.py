"""The read-only JSON API under /api/v1/."""

from flask import Blueprint

bp = Blueprint("api", __name__, url_prefix="/api/v1")

from knowledgebase.api import search_views, views  # noqa: E402,F401  (register routes on bp)
from knowledgebase.api import buyer_views  # noqa: E402,F401
