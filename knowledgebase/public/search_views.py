"""The search page: a GET form (works without JavaScript), facets, results, suggestions,
and help when nothing is found."""

from __future__ import annotations

from flask import g, render_template, request, url_for
from sqlalchemy import select

from knowledgebase import inputs
from knowledgebase import models as m
from knowledgebase import search as search_module
from knowledgebase.content_types import BY_KEY
from knowledgebase.extensions import db
from knowledgebase.public.blueprint import bp
from knowledgebase.services.content import entries as entry_service
from knowledgebase.services.content import taxonomy

ADVICE_SHOWN = 5


@bp.route("/search")
def search():
    req = inputs.parsed(search_module.parse_request, request.args, g.lang)
    result = search_module.search(req)
    return render_template(
        "public/search.html", req=req, result=result,
        labels=search_module.facet_labels(result.facets, g.lang),
        facet_names=search_module.FACETS, facet_legends=search_module.FACET_LABELS,
        sort_facet=search_module.sorted_facet_values,
        clear_url=url_for("public.search", **req.args(**{name: None for name in req.filters})),
        advice=advice_nearby(req) if not result.total else [],
        counties=taxonomy.counties_with_municipalities(),
    )


def advice_nearby(req: search_module.SearchRequest) -> list[m.Entry]:
    """Published advice contacts in the chosen municipalities, else in their counties or
    the chosen counties (for the page that found nothing)."""
    municipalities = req.filters.get("municipality", [])
    counties = set(req.filters.get("county", []))
    if municipalities:
        counties |= set(db.session.scalars(
            select(m.Municipality.county_code).where(m.Municipality.code.in_(municipalities))))
    ct = BY_KEY["advice"]
    for filters in (entry_service.EntryFilters(municipalities=municipalities),
                    entry_service.EntryFilters(counties=sorted(counties))):
        if filters.is_empty():
            continue
        query = entry_service.published_query(ct, filters).order_by(m.Entry.title_sv).limit(ADVICE_SHOWN)
        found = list(db.session.scalars(query))
        if found:
            return found
    return []
