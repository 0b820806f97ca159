"""GET /api/v1/needs: the buyers' needs shown publicly (services.procurement.need_listing),
with the filters of /<lang>/needs."""

from __future__ import annotations

from datetime import date

from flask import current_app, jsonify, request

from knowledgebase import inputs
from knowledgebase.api.blueprint import bp
from knowledgebase.api.views import positive_int_arg
from knowledgebase.services.procurement import need_listing
from knowledgebase.urls import need_page_url


@bp.route("/needs")
def needs():
    """Open public needs: ``county``, ``service`` (category slug, name or CPV code), ``deadline``
    (answers due on or before, YYYY-MM-DD), ``page``, ``per_page``."""
    filters = inputs.parsed(need_listing.parse_filters, request.args)
    page = need_listing.open_needs(
        filters, date.today(), page=positive_int_arg("page", 1, 1_000_000),
        per_page=positive_int_arg("per_page", current_app.config["PER_PAGE"], current_app.config["API_MAX_PER_PAGE"]))
    return jsonify({
        "query": filters.as_args(),
        "total": page.total,
        "page": page.page,
        "per_page": page.per_page,
        "pages": page.pages,
        "results": [need_listing.need_json(need, need_page_url(need.id, "sv")) for need in page.items],
    })
