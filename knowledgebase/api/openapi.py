"""The OpenAPI 3.1 description of the API under /api/v1/.

Most of it is written once in ``openapi.yaml`` beside this module; what the code knows better
is added here: the site's address (``KB_BASE_URL``), the list and detail operations of every
content type with each type's own fields (``content_types``, each field described by its
kind's ``json_schema``), and the headers that ``http.finish`` puts on every answer.

A new endpoint under /api/v1/ is described in ``openapi.yaml`` (its path, parameters with
their limits as ``inputs`` enforces them, and responses); ``tests/test_openapi.py`` fails
while a route of ``app.url_map`` under /api/v1/ is missing from the description.
"""

from __future__ import annotations

import copy
import functools
from pathlib import Path
from typing import Any

import yaml
from flask import current_app
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l

from knowledgebase.api.serializers import field_key
from knowledgebase.content_types import CONTENT_TYPES, ContentType

SOURCE = Path(__file__).with_name("openapi.yaml")
PREFIX = "/api/v1"
# The headers of every answer (CORS) and of every full one (conditional GET), by status.
CORS_HEADERS = ("Access-Control-Allow-Origin", "Access-Control-Expose-Headers")
FULL_HEADERS = ("ETag", "Last-Modified", *CORS_HEADERS)

LIST_SUMMARY = _l("%(plural)s: the list")
LIST_DESCRIPTION = _l("The published entries of this type, one page at a time; the filters narrow the list "
                      "(any of the values given for one filter, all of the filters given).")
DETAIL_SUMMARY = _l("%(label)s: one entry")
DETAIL_DESCRIPTION = _l("Every public field of one published entry, with when it was last confirmed and where "
                        "each tracked fact came from.")


@functools.cache
def _written() -> dict[str, Any]:
    """The hand-written part, read once per process."""
    return yaml.safe_load(SOURCE.read_text(encoding="utf-8"))


def ref(name: str, kind: str = "schemas") -> dict[str, str]:
    return {"$ref": f"#/components/{kind}/{name}"}


def _both(text: Any, **values: Any) -> tuple[str, str]:
    """A lazy message (with its values, themselves lazy messages) in English and in Swedish."""
    found = []
    for lang in ("en", "sv"):
        with force_locale(lang):
            found.append(str(text) % {key: str(value) for key, value in values.items()} if values else str(text))
    return found[0], found[1]


def _texts(summary: tuple[str, str], description: tuple[str, str]) -> dict[str, str]:
    return {"summary": summary[0], "x-summary-sv": summary[1],
            "description": description[0], "x-description-sv": description[1]}


def detail_schema(ct: ContentType) -> dict[str, Any]:
    """An entry's detail as the API gives it: what every entry has, and the type's own fields
    (each present when it has a value)."""
    base = _written()["components"]["schemas"]["EntryDetailBase"]
    own = {field_key(spec.name): spec.kind.json_schema(spec) for spec in ct.fields}
    if set(own) & set(base["properties"]):
        raise ValueError(f"{ct.key}: fields {sorted(set(own) & set(base['properties']))} hide the detail's own keys")
    properties = {**base["properties"], **own}
    return {"type": "object", "required": list(base["required"]), "additionalProperties": False,
            "properties": properties}


def _list_operation(ct: ContentType) -> dict[str, Any]:
    return {
        "operationId": f"list_{ct.key}",
        "tags": ["entries"],
        "x-example": "?county=06&per_page=5",
        **_texts(_both(LIST_SUMMARY, plural=ct.plural), _both(LIST_DESCRIPTION)),
        "parameters": [ref(name, "parameters") for name in
                       ("theme", "package", "county", "municipality", "fresh", "sort", "page", "perPage")],
        "responses": {
            "200": {"description": "One page of the list.", "x-description-sv": "En sida av listan.",
                    "headers": {"Link": ref("Link", "headers")},
                    "content": {"application/json": {"schema": ref("EntryList")}}},
            "304": ref("NotModified", "responses"),
            "400": ref("BadRequest", "responses"),
        },
    }


def _detail_operation(ct: ContentType) -> dict[str, Any]:
    return {
        "operationId": f"get_{ct.key}",
        "tags": ["entries"],
        **_texts(_both(DETAIL_SUMMARY, label=ct.label), _both(DETAIL_DESCRIPTION)),
        "parameters": [ref("slug", "parameters")],
        "responses": {
            "200": {"description": "The entry.", "x-description-sv": "Posten.",
                    "content": {"application/json": {"schema": ref(f"{ct.key.title()}Detail")}}},
            "304": ref("NotModified", "responses"),
            "404": ref("NotFound", "responses"),
        },
    }


def _add_headers(description: dict[str, Any]) -> None:
    """The headers ``http.finish`` puts on every answer to a GET: CORS on all, ETag and
    Last-Modified on the full ones (200)."""
    responses = description["components"]["responses"]
    for name in ("BadRequest", "NotFound"):
        responses[name]["headers"] = {header: ref(header, "headers") for header in CORS_HEADERS}
    for item in description["paths"].values():
        ok = item["get"]["responses"]["200"]
        ok["headers"] = {**{header: ref(header, "headers") for header in FULL_HEADERS}, **ok.get("headers", {})}


def build(base_url: str) -> dict[str, Any]:
    """The whole description, for the site at ``base_url`` (needs an app context for the
    translations of the content types' names)."""
    description = copy.deepcopy(_written())
    description["servers"] = [{"url": base_url.rstrip("/") or "/"}]
    paths = description["paths"]
    schemas = description["components"]["schemas"]
    for ct in CONTENT_TYPES:
        paths[f"{PREFIX}/{ct.path}/"] = {"get": _list_operation(ct)}
        paths[f"{PREFIX}/{ct.path}/{{slug}}"] = {"get": _detail_operation(ct)}
        schemas[f"{ct.key.title()}Detail"] = detail_schema(ct)
    _add_headers(description)
    return description


def description() -> dict[str, Any]:
    """The description of this app's API, under its ``KB_BASE_URL``: built once per app (it
    follows from the code alone), so callers must not change it."""
    built = current_app.extensions.setdefault("kb_openapi", {})
    base_url = current_app.config["BASE_URL"]
    if base_url not in built:
        built[base_url] = build(base_url)
    return built[base_url]
