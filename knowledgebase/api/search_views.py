"""GET /api/v1/search and GET /api/v1/suggest: the site's search as JSON."""

from __future__ import annotations

from flask import abort, jsonify, request, url_for

from knowledgebase import search as search_module
from knowledgebase.api import bp
from knowledgebase.i18n import LOCALES
from knowledgebase.services.entries import BadFilter

MAX_SUGGESTIONS = 20


def _lang() -> str:
    lang = request.args.get("lang") or "sv"
    if lang not in LOCALES:
        abort(400, description=f"lang must be one of {', '.join(LOCALES)}")
    return lang


def _hit_json(hit: search_module.Hit, lang: str) -> dict:
    return {
        "type": hit.type,
        "slug": hit.slug,
        "title": hit.title,
        "title_lang": hit.title_lang,
        "url": url_for("public.entry_detail", lang=lang, type_key=hit.type, slug=hit.slug, _external=True),
        "snippet": str(hit.snippet),
        "score": hit.score,
        "municipalities": hit.municipalities,
        "themes": hit.themes,
    }


@bp.route("/search")
def search():
    lang = _lang()
    try:
        req = search_module.parse_request(request.args, lang)
    except BadFilter as exc:
        abort(400, description=f"bad value for {exc.name}: {exc.value[:100]}")
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
        return url_for("public.municipality", lang=lang, code=item["code"], _external=True)
    return url_for("public.entry_detail", lang=lang, type_key=item["type"], slug=item["slug"], _external=True)


@bp.route("/suggest")
def suggest():
    lang = _lang()
    raw_limit = request.args.get("limit") or "10"
    if not raw_limit.isdigit() or not 1 <= int(raw_limit) <= 1_000_000:
        abort(400, description="limit must be a whole number from 1")
    typed = request.args.get("q") or ""
    items = search_module.suggest(typed, lang, min(int(raw_limit), MAX_SUGGESTIONS))
    return jsonify({"query": typed, "suggestions": [{**item, "url": _suggestion_url(item, lang)} for item in items]})
