"""The cache of rendered public pages and API answers: right by construction (an edit on any
worker or node shows on the next request everywhere), conditional GET, nothing of one visitor
served to another, and bounded memory. Every entry and account is fictional."""

from __future__ import annotations

import logging
import re
from datetime import date

import pytest
from sqlalchemy import select

from knowledgebase import content_version
from knowledgebase import models as m
from knowledgebase.extensions import db
from knowledgebase.page_cache import EXTENSION, OVERHEAD, FastPath, PageCache, Stored
from tests.apps import close_app, create_entry, make_app
from tests.curation_support import PASSWORD, add_user
from tests.pages import recorded_statements

DETAIL = "/sv/enterprises/fiktiv-cachebagare"
TOKEN = re.compile(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"')


@pytest.fixture
def cache_app(tmp_path):
    app = make_app(tmp_path, taxonomy=True, PAGE_CACHE=True)
    create_entry(app, "enterprise", slug="fiktiv-cachebagare", title={"sv": "Fiktiv cachebagare"},
                 municipalities=["0680"], services=["catering-cafe"])
    yield app
    close_app(app)


def _queries(app, client, url: str, **kwargs):
    with recorded_statements(app) as statements:
        response = client.get(url, **kwargs)
    return response, statements


def _rename(app, slug: str, title: str) -> None:
    with app.app_context():
        entry = db.session.scalar(select(m.Entry).where(m.Entry.slug == slug))
        entry.title_sv = title
        db.session.commit()


def test_a_stored_page_costs_at_most_one_query(cache_app):
    first, statements = _queries(cache_app, cache_app.test_client(), DETAIL)
    assert first.status_code == 200 and len(statements) > 3
    for url in (DETAIL, "/sv/", "/sv/enterprises/?municipality=0680", "/sv/search?q=bagare", "/api/v1/enterprises/"):
        cache_app.test_client().get(url)
        client = cache_app.test_client()  # another visitor without a session
        again, statements = _queries(cache_app, client, url)
        assert again.status_code == 200
        assert len(statements) <= 1, (url, statements)
        # Again, now with the CSRF token the page may have given them in a session.
        assert len(_queries(cache_app, client, url)[1]) <= 1
    # The same bytes, and headers that let a reverse proxy keep the page briefly.
    assert again.headers["Cache-Control"] == "public, max-age=60"
    assert "Cookie" in again.headers["Vary"]


def test_an_edit_shows_at_once_on_this_worker_and_another_node(cache_app, tmp_path):
    other = make_app(tmp_path / "b", DATABASE_URL=cache_app.config["SQLALCHEMY_DATABASE_URI"], PAGE_CACHE=True)
    try:
        here, there = cache_app.test_client(), other.test_client()
        for client in (here, there):
            assert "Fiktiv cachebagare" in client.get(DETAIL).get_data(as_text=True)
            assert "Fiktiv cachebagare" in client.get(DETAIL).get_data(as_text=True)  # stored
        assert len(other.extensions[EXTENSION]) >= 1

        _rename(other, "fiktiv-cachebagare", "Fiktiv omdöpt bagare")
        for client in (here, there):
            page = client.get(DETAIL).get_data(as_text=True)
            assert "Fiktiv omdöpt bagare" in page and "Fiktiv cachebagare" not in page
            answer = client.get("/api/v1/enterprises/fiktiv-cachebagare").get_json()
            assert answer["title"]["sv"] == "Fiktiv omdöpt bagare"
    finally:
        close_app(other)


def test_taxonomy_and_procurement_limit_edits_bump_the_version(cache_app):
    client = cache_app.test_client()
    client.get(DETAIL)
    with cache_app.app_context():
        before = content_version.read().number
        db.session.get(m.Theme, 1).name_sv = "Fiktivt temanamn"
        db.session.commit()
        after_theme = content_version.read().number
        db.session.add(m.ProcurementLimit(key="eu_threshold_services", amount=2_500_000, valid_from=date(2028, 1, 1),
                                          valid_to=date(2029, 12, 31), law_reference="LOU 5 kap.",
                                          source_url="https://example.org/fiktiv-kalla"))
        db.session.commit()
        after_limit = content_version.read().number
        # Signing in writes only tables no public page reads: no new version.
        add_user(cache_app, "adviser")
        after_user = content_version.read().number
    assert before < after_theme < after_limit == after_user
    assert "Fiktivt temanamn" in client.get("/sv/themes/").get_data(as_text=True)


def test_a_rolled_back_edit_changes_nothing(cache_app):
    with cache_app.app_context():
        before = content_version.read().number
        db.session.get(m.Theme, 1).name_sv = "Fiktivt ångrat namn"
        db.session.flush()
        db.session.rollback()
        assert content_version.read().number == before


@pytest.mark.parametrize("url", [DETAIL, "/api/v1/enterprises/"])
def test_an_unchanged_page_answers_304(cache_app, url):
    client = cache_app.test_client()
    first = client.get(url)
    etag, modified = first.headers["ETag"], first.headers["Last-Modified"]
    assert client.get(url, headers={"If-None-Match": etag}).status_code == 304
    assert client.get(url, headers={"If-Modified-Since": modified}).status_code == 304
    # A stored answer too, and the same validators.
    again = client.get(url)
    assert (again.headers["ETag"], again.headers["Last-Modified"]) == (etag, modified)
    assert client.get(url, headers={"If-None-Match": etag}).status_code == 304

    _rename(cache_app, "fiktiv-cachebagare", "Fiktiv ny bagare")
    changed = client.get(url, headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed.headers["ETag"] != etag


def test_a_signed_in_adviser_never_gets_or_leaves_a_stored_page(cache_app):
    anonymous = cache_app.test_client()
    anonymous.get("/sv/")
    stored = anonymous.get("/sv/").get_data(as_text=True)

    adviser = cache_app.test_client()
    token = TOKEN.search(adviser.get("/auth/login").get_data(as_text=True)).group(1)
    signed_in = adviser.post("/auth/login", data={"email": add_user(cache_app, "adviser"), "password": PASSWORD,
                                                  "csrf_token": token})
    assert signed_in.status_code == 302
    cache = cache_app.extensions[EXTENSION]
    count = len(cache)
    page, statements = _queries(cache_app, adviser, "/sv/")
    assert page.status_code == 200 and len(statements) > 1  # rendered for them
    assert "no-cache" in page.headers["Cache-Control"] and "private" in page.headers["Cache-Control"]
    _, statements = _queries(cache_app, adviser, DETAIL)
    assert len(statements) > 1
    assert len(cache) == count  # neither of their pages was stored
    assert anonymous.get("/sv/").get_data(as_text=True) == stored


def test_each_visitor_gets_their_own_csrf_token(cache_app):
    tokens = {}
    for visitor in ("a", "b"):
        client = cache_app.test_client()  # a new visitor, without a session
        for url in (DETAIL, "/sv/suggest", DETAIL):
            page = client.get(url)
            html = page.get_data(as_text=True)
            assert "kb-csrf-" not in html
            found = set(TOKEN.findall(html))
            assert len(found) == 1, url
            tokens[visitor, url] = found.pop()
            # A page with a visitor's token is never kept by a shared cache.
            assert "private" in page.headers["Cache-Control"]
    assert {tokens["a", DETAIL], tokens["a", "/sv/suggest"]}.isdisjoint({tokens["b", DETAIL], tokens["b", "/sv/suggest"]})

    # The token of a stored page works: the shortlist button adds the enterprise.
    visitor = cache_app.test_client()
    visitor.get(DETAIL)
    html = visitor.get(DETAIL).get_data(as_text=True)
    token = TOKEN.search(html).group(1)
    added = visitor.post("/sv/shortlist", data={"csrf_token": token, "slug": "fiktiv-cachebagare", "action": "add",
                                                "next": DETAIL})
    assert added.status_code == 303
    # Now their session holds a shortlist: their pages are theirs alone.
    mine = visitor.get(DETAIL).get_data(as_text=True)
    assert "Remove from shortlist" in mine or "Ta bort från" in mine
    others = cache_app.test_client().get(DETAIL).get_data(as_text=True)
    assert "Remove from shortlist" not in others and "Ta bort från" not in others


def test_the_memory_bound_holds():
    cache = PageCache(max_bytes=3 * (1000 + OVERHEAD))
    page = Stored(200, b"x" * 1000, (), "etag", date(2026, 1, 1))
    for number in range(5):
        cache.put(f"page-{number}", "1.0", page)
    assert len(cache) == 3 and cache.size <= cache.max_bytes
    assert cache.get("page-0", "1.0") is None and cache.get("page-4", "1.0") is page
    cache.get("page-2", "1.0")  # used lately: kept
    cache.put("page-5", "1.0", page)
    assert cache.get("page-2", "1.0") is page and cache.get("page-3", "1.0") is None
    # Another content version makes the stored answers unreachable: they go.
    assert cache.get("page-2", "2.0") is None and len(cache) == 0
    cache.put("huge", "2.0", Stored(200, b"x" * cache.max_bytes, (), "e", date(2026, 1, 1)))
    assert len(cache) == 0


def test_the_configured_bound_holds_in_the_app(tmp_path):
    app = make_app(tmp_path, taxonomy=True, PAGE_CACHE=True, PAGE_CACHE_MAX_BYTES=30_000)
    try:
        client = app.test_client()
        for url in ("/sv/", "/en/", "/sv/themes/", "/en/themes/", "/sv/counties/", "/en/counties/", "/sv/glossary/"):
            assert client.get(url).status_code == 200
        cache = app.extensions[EXTENSION]
        assert 0 < cache.size <= 30_000 and len(cache) < 7
    finally:
        close_app(app)


def test_the_cache_is_off_in_tests_by_default(app):
    assert EXTENSION not in app.extensions
    client = app.test_client()
    client.get("/sv/")
    _, statements = _queries(app, client, "/sv/")
    assert len(statements) > 1


def test_the_taxonomy_is_read_once_and_again_after_a_change_on_another_node(app, tmp_path):
    """The page cache off (as in ``app``): the taxonomy alone is kept, per content version."""
    other = make_app(tmp_path / "b", DATABASE_URL=app.config["SQLALCHEMY_DATABASE_URI"])
    try:
        client = app.test_client()
        client.get("/sv/themes/")
        _, statements = _queries(app, client, "/sv/themes/")
        assert not [s for s in statements if "FROM theme" in s or "FROM county" in s]
        client.get("/sv/buyers")
        _, statements = _queries(app, client, "/sv/buyers")
        assert not [s for s in statements if "FROM service_category" in s or "FROM county" in s]
        with other.app_context():
            db.session.get(m.Theme, 1).name_sv = "Fiktivt tema från nod B"
            db.session.commit()
        page, statements = _queries(app, client, "/sv/themes/")
        assert "Fiktivt tema från nod B" in page.get_data(as_text=True)
        assert [s for s in statements if "FROM theme" in s]
    finally:
        close_app(other)


def test_a_shared_stored_page_is_sent_before_flask_with_every_header(cache_app, caplog):
    fast = cache_app.wsgi_app
    assert isinstance(fast, FastPath)
    reached = []
    inner = fast.wsgi_app
    fast.wsgi_app = lambda environ, start_response: reached.append(environ["PATH_INFO"]) or inner(environ, start_response)
    client = cache_app.test_client()
    first = client.get("/sv/themes/")
    assert reached == ["/sv/themes/"]
    with caplog.at_level(logging.INFO, logger="knowledgebase.requests"):
        again = client.get("/sv/themes/", headers={"X-Request-ID": "fiktiv-id-1"})
    assert reached == ["/sv/themes/"]  # answered by the fast path
    assert again.get_data() == first.get_data()
    for name in ("Content-Security-Policy", "X-Frame-Options", "ETag", "Last-Modified", "Cache-Control", "Vary",
                 "Content-Type"):
        assert again.headers[name] == first.headers[name], name
    assert again.headers["X-Request-ID"] == "fiktiv-id-1"
    assert [r for r in caplog.records if getattr(r, "request_id", "") == "fiktiv-id-1" and r.status == 200]
    head = client.head("/sv/themes/")
    assert head.status_code == 200 and head.get_data() == b"" and head.headers["Content-Length"] == first.headers["Content-Length"]
    assert client.get("/sv/themes/", headers={"If-None-Match": first.headers["ETag"]}).status_code == 304
    # A page with a visitor's own token, and a visitor with a session, go through Flask.
    client.get(DETAIL)
    client.get(DETAIL)
    assert reached.count(DETAIL) == 2
    client.get("/sv/themes/")
    assert reached.count("/sv/themes/") == 2
