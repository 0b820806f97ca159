"""The public site, under /sv/ and /en/."""

from flask import Blueprint, abort, g

from knowledgebase.i18n import LOCALES

bp = Blueprint("public", __name__, url_prefix="/<lang>")


@bp.url_value_preprocessor
def pull_lang(endpoint, values) -> None:
    lang = (values or {}).pop("lang", None)
    if lang not in LOCALES:
        abort(404)
    g.lang = lang


@bp.url_defaults
def add_lang(endpoint, values) -> None:
    if "lang" not in values:
        values["lang"] = g.get("lang", "sv")


from knowledgebase.public import info_views, search_views, suggest_views, views  # noqa: E402,F401  (register routes on bp)
from knowledgebase.public import buyer_views, shortlist_views  # noqa: E402,F401
from knowledgebase.public import upkeep_views  # noqa: E402,F401  (register routes on bp)
