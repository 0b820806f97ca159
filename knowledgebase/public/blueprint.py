"""The blueprint of public: its URL prefix and what every one of its views shares; the
views register their routes on ``bp``."""

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
