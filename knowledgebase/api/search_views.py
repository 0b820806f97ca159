"""GET /api/v1/search and GET /api/v1/suggest: the site's search as JSON."""

from __future__ import annotations

from flask import jsonify, request

from knowledgebase import inputs
from knowledgebase import search as search_module
from knowledgebase.api.blueprint import bp
from knowledgebase.i18n import LOCALES
from knowledgebase.urls import external_url

MAX_SUGGESTIONS = 20


def _lang() -> str:
    return inputs.arg_choice("lang", LOCALES, "sv")


def _hit_json(hit: search_module.Hit, lang: str) -> dict:
    return {
        "type": hit.type,
        "slug": hit.slug,
        "title": hit.title,
        "title_lang": hit.title_lang,
        "url": external_url("public.entry_detail", lang=lang, type_key=hit.type, slug=hit.slug),
        "snippet": str(hit.snippet),
        "score": hit.score,
        "municipalities": hit.municipalities,
        "themes": hit.themes,
    }


@bp.route("/search")
def search():
    lang = _lang()
    req = inputs.parsed(search_module.parse_request, request.args, lang)
    result = search_module.search(req)
    return jsonify({
        "query": req.q,
        "query_run": result.query,
        "total": result.total,
        "page": result.page,
        "per_page": result.per_page,
        "pages": result.pages,
        "sort": req.sort,
        "filters": req.filters,
        "results": [_hit_json(hit, lang) for hit in result.hits],
        "facets": result.facets,
        "suggestion": result.suggestion,
        "corrected": result.corrected,
        "message": result.message,
    })


def _suggestion_url(item: dict, lang: str) -> str:
    if item["kind"] == "municipality":
        return external_url("public.municipality", lang=lang, code=item["code"])
    return external_url("public.entry_detail", lang=lang, type_key=item["type"], slug=item["slug"])


@bp.route("/suggest")
def suggest():
    lang = _lang()
    limit = inputs.arg_number("limit", 10, maximum=1_000_000, cap=MAX_SUGGESTIONS)
    typed = inputs.arg_text("q", 200)
    items = search_module.suggest(typed, lang, limit)
    return jsonify({"query": typed, "suggestions": [{**item, "url": _suggestion_url(item, lang)} for item in items]})
