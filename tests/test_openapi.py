"""The OpenAPI 3.1 description of /api/v1/ (knowledgebase/api/openapi.yaml and openapi.py) is
valid, describes every route the app has under /api/v1/, and every real answer of the seeded
app, with and without filters, fits it: body, status and headers."""

from __future__ import annotations

import re
from typing import Any

import pytest
from jsonschema import Draft202012Validator, FormatChecker
from openapi_spec_validator import validate as validate_openapi
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012
from sqlalchemy import select

from knowledgebase import models as m
from knowledgebase.api import openapi
from knowledgebase.content_types import CONTENT_TYPES
from knowledgebase.extensions import db

PREFIX = "/api/v1/"
# Methods every Flask rule has besides the ones it was made for.
IMPLICIT_METHODS = {"HEAD", "OPTIONS"}


@pytest.fixture(scope="module")
def description(seeded_app) -> dict[str, Any]:
    return seeded_app.test_client().get("/api/v1/openapi.json").get_json()


def described_path(rule: str) -> str:
    """A Werkzeug rule as an OpenAPI path: ``/x/<int:id>`` → ``/x/{id}``."""
    return re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", rule)


def test_the_description_is_valid_openapi_3_1(description):
    validate_openapi(description)
    assert description["openapi"] == "3.1.0"


def test_every_route_under_api_v1_is_described_and_nothing_else(seeded_app, description):
    """A new endpoint under /api/v1/ fails here until openapi.yaml describes it."""
    routes = {(described_path(rule.rule), method.lower())
              for rule in seeded_app.url_map.iter_rules() if rule.rule.startswith(PREFIX)
              for method in rule.methods - IMPLICIT_METHODS}
    described = {(path, method) for path, item in description["paths"].items() for method in item
                 if method in ("get", "put", "post", "delete", "patch")}
    assert routes - described == set(), "routes missing from knowledgebase/api/openapi.yaml"
    assert described - routes == set(), "described operations the app does not have"


def test_every_text_for_people_is_in_both_languages(description):
    """The API page shows ``x-description-sv`` (and ``x-summary-sv``) to Swedish visitors."""
    missing = []

    def walk(node: Any, where: str) -> None:
        if isinstance(node, dict):
            for key in ("description", "summary"):
                if isinstance(node.get(key), str) and not node.get(f"x-{key}-sv") and where not in ("", "/info/license"):
                    missing.append(f"{where}/{key}")
            for key, value in node.items():
                walk(value, f"{where}/{key}")
        elif isinstance(node, list):
            for index, value in enumerate(node):
                walk(value, f"{where}/{index}")

    walk({key: value for key, value in description.items() if key != "tags"}, "")
    assert missing == []


def test_every_operation_and_parameter_is_described_in_both_languages(description):
    for path, item in description["paths"].items():
        operation = item["get"]
        for key in ("summary", "x-summary-sv", "description", "x-description-sv"):
            assert operation.get(key), (path, key)
        for parameter in operation.get("parameters", []):
            parameter, _ = resolve(description, parameter)
            assert parameter.get("description") and parameter.get("x-description-sv"), (path, parameter["name"])
            assert "schema" in parameter, (path, parameter["name"])


# -- real answers against the description ------------------------------------------------------

def pointer(*parts: str) -> str:
    """A JSON pointer (RFC 6901) into the description."""
    return "#/" + "/".join(part.replace("~", "~0").replace("/", "~1") for part in parts)


def resolve(description: dict, node: dict) -> tuple[dict, str | None]:
    """Follow a local ``$ref``: the node it names and its pointer (None when there was no ref)."""
    where = None
    while "$ref" in node:
        where = node["$ref"]
        node = description
        for part in where.removeprefix("#/").split("/"):
            node = node[part.replace("~1", "/").replace("~0", "~")]
    return node, where


def checker(description: dict):
    """A function that checks a test client's answer to a GET of ``template`` (a path of the
    description) against it: a documented status, the required headers, the media type and
    the body's JSON Schema."""
    registry = Registry().with_resource("urn:api", Resource(contents=description, specification=DRAFT202012))

    def check(template: str, response) -> None:
        operation = description["paths"][template]["get"]
        status = str(response.status_code)
        assert status in operation["responses"], (template, status, response.get_data(as_text=True)[:300])
        documented, where = resolve(description, operation["responses"][status])
        where = where or pointer("paths", template, "get", "responses", status)
        for name, header in documented.get("headers", {}).items():
            header, _ = resolve(description, header)
            if header.get("required"):
                assert name in response.headers, (template, status, name)
            if "const" in header["schema"]:
                assert response.headers.get(name) == header["schema"]["const"], (template, name)
        content = documented.get("content")
        if not content:
            assert response.data == b"", (template, status)
            return
        assert response.mimetype in content, (template, status, response.mimetype)
        if response.mimetype != "application/json":
            return
        schema = {"$ref": "urn:api" + where + pointer("content", response.mimetype, "schema")[1:]}
        validator = Draft202012Validator(schema, registry=registry, format_checker=FormatChecker())
        errors = sorted(validator.iter_errors(response.get_json()), key=lambda e: list(e.absolute_path))
        assert not errors, (template, status, [f"{list(e.absolute_path)}: {e.message}" for e in errors[:5]])

    return check


def published_slugs(app) -> dict[str, list[str]]:
    with app.app_context():
        return {ct.key: list(db.session.scalars(select(ct.model.slug).where(ct.model.status == m.PUBLISHED)))
                for ct in CONTENT_TYPES}


LIST_QUERIES = ["", "?per_page=1", "?per_page=100000&page=2", "?page=999", "?sort=updated", "?fresh=1",
                "?theme=1&theme=3", "?package=3.1", "?county=06&county=09", "?municipality=0685",
                "?county=07&theme=2&package=1.3&sort=updated&per_page=3&fresh=0",
                # Refused: 400 with the error shape.
                "?theme=4", "?county=99", "?municipality=06", "?page=0", "?per_page=x", "?sort=size", "?fresh=2"]

OTHER_REQUESTS = [
    ("/api/v1/", ""), ("/api/v1/openapi.json", ""), ("/api/v1/taxonomy", ""), ("/api/v1/dcat.rdf", ""),
    ("/api/v1/search", ""), ("/api/v1/search", "?q=kooperativ"), ("/api/v1/search", "?q=kooperativ&lang=en"),
    ("/api/v1/search", "?q=kooprativ"),  # corrected to a suggestion
    ("/api/v1/search", "?q=st%C3%A4dning&type=enterprise&county=06&sort=title&per_page=5&page=2"),
    ("/api/v1/search", "?theme=1&package=1.2&municipality=0685&service=90&target_group=everyone"),
    ("/api/v1/search", "?legal_form=ekonomisk-forening&reserved=1&language=en&serves=0685&fresh=1&sort=updated"),
    ("/api/v1/search", "?q=%22%28%2A&page=10000000&per_page=0"), ("/api/v1/search", "?type=nothing"),
    ("/api/v1/search", "?lang=de"), ("/api/v1/search", "?sort=random"),
    ("/api/v1/suggest", ""), ("/api/v1/suggest", "?q=st"), ("/api/v1/suggest", "?q=v%C3%A4x&lang=en&limit=50"),
    ("/api/v1/suggest", "?q=j&limit=1"), ("/api/v1/suggest", "?limit=0"),
    ("/api/v1/suppliers", ""), ("/api/v1/suppliers", "?service=90&serves=0685&reserved=1&experience=lou"),
    ("/api/v1/suppliers", "?county=06&experience=lov&experience=iop&per_page=2&page=2"),
    ("/api/v1/suppliers", "?service=cleaning&reserved=no"), ("/api/v1/suppliers", "?service=zzzz"),
    ("/api/v1/suppliers", "?serves=9999"), ("/api/v1/suppliers", "?experience=lots"), ("/api/v1/suppliers", "?reserved=maybe"),
    ("/api/v1/statistics", ""), ("/api/v1/statistics", "?lang=en"), ("/api/v1/statistics", "?lang=de"),
    ("/api/v1/needs", ""), ("/api/v1/needs", "?county=06&service=cleaning&deadline=2030-01-01&per_page=5"),
    ("/api/v1/needs", "?county=99"), ("/api/v1/needs", "?deadline=tomorrow"),
]


def test_every_answer_of_the_seeded_app_fits_the_description(seeded_app, description):
    client = seeded_app.test_client()
    check = checker(description)
    seen = set()
    for path, query in OTHER_REQUESTS:
        response = client.get(path + query)
        check(path, response)
        seen.add((path, response.status_code))
    for ct in CONTENT_TYPES:
        list_path = f"/api/v1/{ct.path}/"
        for query in LIST_QUERIES:
            response = client.get(list_path + query)
            check(list_path, response)
            seen.add((list_path, response.status_code))
        detail_path = f"/api/v1/{ct.path}/{{slug}}"
        for slug in [*published_slugs(seeded_app)[ct.key], "none-such", "%C3%A5%C3%A4%C3%B6", "x" * 500]:
            response = client.get(f"/api/v1/{ct.path}/{slug}")
            check(detail_path, response)
            seen.add((detail_path, response.status_code))
    # Every operation was seen answering in full, and each documented error was met.
    assert {path for path, status in seen if status == 200} == set(description["paths"])
    assert {path for path, status in seen if status == 400} == {
        path for path, item in description["paths"].items() if "400" in item["get"]["responses"]}
    assert {path for path, status in seen if status == 404} == {f"/api/v1/{ct.path}/{{slug}}" for ct in CONTENT_TYPES}


def test_a_current_copy_gets_304_without_a_body(seeded_app, description):
    client = seeded_app.test_client()
    check = checker(description)
    for path in ("/api/v1/", "/api/v1/openapi.json", "/api/v1/enterprises/", "/api/v1/search", "/api/v1/suppliers"):
        first = client.get(path)
        again = client.get(path, headers={"If-None-Match": first.headers["ETag"]})
        assert again.status_code == 304
        check(path, again)


def test_a_field_kind_without_a_json_schema_cannot_be_described(app):
    """Each content type's own fields are described by their kinds: a kind added without
    ``json_schema`` makes the description fail to build rather than go without its field."""
    from knowledgebase.content_types import ContentType, Field
    from knowledgebase.field_kinds import FieldKind, register, unregister

    class Untold(FieldKind):
        name = "untold-for-test"

    kind = register(Untold())
    try:
        ct = ContentType("fiktiv", "fiktiva", m.Entry, "Fiktiv", "Fiktiva", (Field("secret", kind, "Fiktiv"),))
        with pytest.raises(NotImplementedError):
            openapi.detail_schema(ct)
    finally:
        unregister(kind)
    with app.app_context():
        assert openapi.detail_schema(CONTENT_TYPES[0])["properties"]["org_number"]["pattern"]


# -- the API page ---------------------------------------------------------------------------------

def test_the_api_page_shows_every_operation_in_both_languages(seeded_app, description):
    client = seeded_app.test_client()
    base = seeded_app.config["BASE_URL"].rstrip("/")
    pages = {lang: client.get(f"/{lang}/open-data/api").get_data(as_text=True) for lang in ("sv", "en")}
    for lang, page in pages.items():
        for path, item in description["paths"].items():
            operation = item["get"]
            assert f'id="{operation["operationId"]}"' in page and f"GET {path}</code>" in page, (lang, path)
            summary = operation["x-summary-sv"] if lang == "sv" else operation["summary"]
            assert summary.replace("'", "&#39;") in page, (lang, summary)
        # Every example request is an address that answers.
        examples = re.findall(r'<a href="(http[^"]+)"><code>GET ', page)
        assert len(examples) == len(description["paths"])
        for url in examples:
            assert url.startswith(base + "/api/v1/")
            assert client.get(url.removeprefix(base).replace("&amp;", "&")).status_code == 200, url
    # Limits as the code enforces them, in the visitor's language.
    assert "från 1 till 1\u00a0000\u00a0000" in pages["sv"] and "from 1 to 1,000,000" in pages["en"]
    assert "Sidan, från 1; en sida efter den sista är tom." in pages["sv"]
    assert "The page, from 1; a page past the last one is empty." in pages["en"]
    assert "/sv/open-data/api" in client.get("/sv/open-data").get_data(as_text=True)
    assert "/en/open-data/api" in client.get("/en/open-data").get_data(as_text=True)
