"""API views: the same services as the public site, answered as JSON."""

from __future__ import annotations

from flask import abort, current_app, jsonify, request

from knowledgebase import inputs
from knowledgebase.api import openapi
from knowledgebase.api.blueprint import bp
from knowledgebase.api.http import pagination_links
from knowledgebase.api.serializers import entry_detail as detail_json
from knowledgebase.api.serializers import entry_summary
from knowledgebase.content_types import BY_KEY, CONTENT_TYPES
from knowledgebase.services.content import entries as entry_service
from knowledgebase.services.content.taxonomy import taxonomy_data
from knowledgebase.urls import external_url


def positive_int_arg(name: str, default: int, maximum: int) -> int:
    """``page`` or ``per_page``: a whole number from 1; a ``per_page`` above ``maximum`` is lowered."""
    return inputs.arg_number(name, default, maximum=1_000_000, cap=maximum)


@bp.route("/")
def index():
    return jsonify({
        "content_types": {
            ct.key: external_url("api.entry_list", type_key=ct.key) for ct in CONTENT_TYPES
        },
        "taxonomy": external_url("api.taxonomy"),
        "search": external_url("api.search"),
        "suggest": external_url("api.suggest"),
        "suppliers": external_url("api.suppliers"),
        "statistics": external_url("api.statistics"),
        "needs": external_url("api.needs"),
        "hsds": external_url("hsds.index"),
        "dcat": external_url("api.dcat_catalog"),
        "openapi": external_url("api.openapi_description"),
        "feeds": {lang: external_url("public.feed", lang=lang) for lang in ("sv", "en")},
    })


def entry_list(type_key: str):
    ct = BY_KEY[type_key]
    filters = inputs.parsed(entry_service.parse_filters, request.args)
    sort = inputs.arg_choice("sort", entry_service.SORTS, "title")
    page = entry_service.list_published(
        ct, filters,
        page=positive_int_arg("page", 1, 1_000_000),
        per_page=positive_int_arg("per_page", current_app.config["PER_PAGE"], current_app.config["API_MAX_PER_PAGE"]),
        sort=sort,
    )
    response = jsonify({
        "type": ct.key,
        "total": page.total,
        "page": page.page,
        "per_page": page.per_page,
        "pages": page.pages,
        "results": [entry_summary(e) for e in page.items],
    })
    response.headers["Link"] = pagination_links("api.entry_list", page.page, page.pages, type_key=ct.key,
                                                per_page=page.per_page, sort=sort, **filters.as_args())
    return response


def entry_detail(type_key: str, slug: str):
    ct = BY_KEY[type_key]
    entry = entry_service.get_published(ct, slug)
    if entry is None:
        abort(404, description=f"no published {ct.key} with slug {slug}")
    return jsonify(detail_json(entry, ct))


for _ct in CONTENT_TYPES:
    bp.add_url_rule(f"/{_ct.path}/", "entry_list", entry_list, defaults={"type_key": _ct.key})
    bp.add_url_rule(f"/{_ct.path}/<slug>", "entry_detail", entry_detail, defaults={"type_key": _ct.key})


@bp.route("/taxonomy")
def taxonomy():
    return jsonify(taxonomy_data())


@bp.route("/openapi.json")
def openapi_description():
    """This API described in OpenAPI 3.1 (``api/openapi.py``)."""
    return jsonify(openapi.description())
