"""Each page type and API endpoint loads what it shows in a few queries: a fixed number,
whatever the number of entries it lists (no query per entry, fired from a template)."""

from __future__ import annotations

import itertools

import pytest

from knowledgebase import search
from knowledgebase.extensions import db
from knowledgebase.services.transfer.imports import import_path
from tests.apps import SEED_DIR, close_app, create_entry, make_app
from tests.pages import recorded_statements

# The most queries any public page or API answer may make (the enterprise page, with a
# query per relation it shows, makes about 19).
MAX_QUERIES = 22
# The route guide runs a supplier search for each route the value allows (at most six).
MAX_QUERIES_FOR = {"/sv/procurement/route-guide?value=400000&service=catering-cafe": 32}
_numbers = itertools.count(1)

URLS = [
    "/sv/", "/sv/themes/", "/sv/themes/1", "/sv/themes/1/1", "/sv/counties/", "/sv/counties/06",
    "/sv/municipalities/0680", "/sv/easy-read", "/sv/search?q=fiktiv", "/sv/search?q=fiktiv&theme=1",
    "/sv/buyers", "/sv/buyers?service=catering-cafe&serves=0680", "/sv/whats-new", "/sv/feed.atom",
    "/sv/enterprises.csv", "/sv/procurement/route-guide?value=400000&service=catering-cafe",
    "/sv/enterprises/", "/sv/enterprises/?municipality=0680&sort=updated", "/sv/examples/", "/sv/glossary/",
    "/sv/advice/", "/sv/networks/", "/sv/enterprises/fiktiv-bas-foretag", "/sv/examples/fiktivt-bas-exempel",
    "/sv/glossary/fiktiv-bas-term", "/sv/enterprises/fiktiv-bas-foretag/capability",
    "/sv/enterprises/fiktiv-bas-foretag/eligibility", "/sv/enterprises/fiktiv-bas-foretag/easy-read",
    "/api/v1/", "/api/v1/taxonomy", "/api/v1/enterprises/", "/api/v1/examples/", "/api/v1/glossary/",
    "/api/v1/enterprises/fiktiv-bas-foretag", "/api/v1/examples/fiktivt-bas-exempel",
    "/api/v1/search?q=fiktiv", "/api/v1/suggest?q=fik", "/api/v1/suppliers?service=catering-cafe",
    "/sv/?map=reserved", "/sv/?map=service:catering-cafe", "/sv/?map=example", "/sv/counties/06?map=network",
    "/sv/statistics", "/sv/statistics/entries-per-theme.csv", "/api/v1/statistics",
    "/sv/needs", "/sv/needs?county=06&service=cleaning", "/sv/needs/feed.atom", "/api/v1/needs",
]


def _add_entries(app, count: int) -> None:
    """``count`` more enterprises, examples, glossary terms, advice contacts and networks,
    all in Jönköping (0680), theme 1, linked to each other."""
    for _ in range(count):
        n = next(_numbers)
        enterprise = f"fiktiv-foretag-{n}"
        create_entry(app, "enterprise", slug=enterprise, title={"sv": f"Fiktiv företag {n}"}, themes=[1],
                     packages=["1.1"], municipalities=["0680"], counties=["06"], services=["catering-cafe"])
        create_entry(app, "example", slug=f"fiktivt-exempel-{n}", title={"sv": f"Fiktivt exempel {n}"}, themes=[1],
                     municipalities=["0680"], enterprises=[enterprise, "fiktiv-bas-foretag"])
        create_entry(app, "glossary", slug=f"fiktiv-term-{n}", title={"sv": f"Fiktiv term {n}"}, themes=[1],
                     related=["fiktiv-bas-term"])
        for type_key in ("advice", "network"):
            create_entry(app, type_key, slug=f"fiktiv-{type_key}-{n}", title={"sv": f"Fiktiv {type_key} {n}"},
                         themes=[1], counties=["06"])
    with app.app_context():  # indexed now, so that no page counts the index's catching up
        search.catch_up()


@pytest.fixture(scope="module")
def query_app(tmp_path_factory):
    app = make_app(tmp_path_factory.mktemp("queries"))
    with app.app_context():
        import_path(SEED_DIR / "taxonomy")
        db.session.commit()
    create_entry(app, "enterprise", slug="fiktiv-bas-foretag", title={"sv": "Fiktiv bas företag"}, themes=[1],
                 easy_read="Ett påhittat företag.",
                 municipalities=["0680"], counties=["06"], services=["catering-cafe"])
    create_entry(app, "glossary", slug="fiktiv-bas-term", title={"sv": "Fiktiv bas term"}, themes=[1])
    create_entry(app, "example", slug="fiktivt-bas-exempel", title={"sv": "Fiktivt bas exempel"}, themes=[1],
                 municipalities=["0680"], enterprises=["fiktiv-bas-foretag"])
    yield app
    close_app(app)


def _counts(app) -> dict[str, int]:
    client = app.test_client()
    counts = {}
    with recorded_statements(app) as statements:
        for url in URLS:
            statements.clear()
            response = client.get(url)
            assert response.status_code == 200, url
            counts[url] = len(statements)
    return counts


def test_every_page_type_makes_a_fixed_number_of_queries(query_app):
    _add_entries(query_app, 2)
    few = _counts(query_app)
    _add_entries(query_app, 10)
    many = _counts(query_app)
    grew = {url: (few[url], many[url]) for url in URLS if many[url] > few[url]}
    assert grew == {}, "queries grew with the number of entries listed"
    too_many = {url: count for url, count in many.items() if count > MAX_QUERIES_FOR.get(url, MAX_QUERIES)}
    assert too_many == {}
