"""The blueprint of api: its URL prefix and what every one of its views shares; the
views register their routes on ``bp``."""

from flask import Blueprint

bp = Blueprint("api", __name__, url_prefix="/api/v1")
