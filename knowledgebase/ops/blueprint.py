"""The operators' blueprint: health checks at the site's root, outside the language prefix."""

from flask import Blueprint

bp = Blueprint("ops", __name__)
