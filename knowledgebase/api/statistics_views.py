"""GET /api/v1/statistics: the figures of the statistics page (services.statistics) as JSON."""

from __future__ import annotations

from datetime import date

from flask import jsonify
from flask_babel import force_locale

from knowledgebase import inputs
from knowledgebase.api.blueprint import bp
from knowledgebase.i18n import LOCALES
from knowledgebase.services.statistics import figures
from knowledgebase.urls import external_url


@bp.route("/statistics")
def statistics():
    """Every figure with its rows (labels in ``lang``, Swedish by default) and where its CSV is."""
    lang = inputs.arg_choice("lang", LOCALES, "sv")
    with force_locale(lang):
        shown = figures.all_figures(lang)
        data = [dict(one.as_dict(), csv=external_url("public.statistics_csv", lang=lang, key=one.key))
                for one in shown]
    return jsonify({"date": date.today().isoformat(), "lang": lang, "figures": data,
                    "page": external_url("public.statistics", lang=lang)})
