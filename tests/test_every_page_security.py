"""Every page, public and editorial, in development and in production: the flags of every
cookie set or cleared, the security headers and no software version, one meta description,
and language alternates by absolute address."""

from __future__ import annotations

import http.client
import re

import pytest

from knowledgebase.security import PRIVATE_PREFIXES
from tests.browser import LiveServer
from tests.apps import ROOT, close_app, make_app
from tests.curation_support import PASSWORD, add_user
from tests.pages import (
    ADMIN_PAGES,
    ANONYMOUS_ADMIN_PAGES,
    PUBLIC_PAGES,
    expand,
    expand_admin,
    prepare_admin_site,
)


# -- every page: cookies, headers, and what browsers and search engines expect -------------

BASE_URL = "https://kunskapsbank.example.org"


@pytest.fixture(scope="module", params=["development", "production"])
def every_page(request, tmp_path_factory):
    """Every page of tests/pages.py fetched from a seeded app in ``KB_ENV`` development and
    production, over plain HTTP (production sits behind a TLS proxy): each public page as a
    visitor whose session holds a CSRF token (which sets off Flask-Login's strong session
    protection), then logging in, every editorial page, changing language and logging out.
    Gives (env, [(who, method, path, response)])."""
    env = request.param
    # The test client's host (localhost) is served as well; the host check has its own test.
    app = make_app(tmp_path_factory.mktemp(env), seeded=True, WTF_CSRF_ENABLED=False, ENV=env,
                   BASE_URL=BASE_URL, EXTRA_TRUSTED_HOSTS=["localhost"])
    responses = []

    def fetch(client, who: str, method: str, path: str, **kwargs):
        response = client.open(path, method=method, **kwargs)
        response.get_data()  # buffered, so that the file of a static response can be closed
        response.close()
        responses.append((who, method, path, response))
        return response

    visitor = app.test_client()
    for path in expand(PUBLIC_PAGES, app) + ANONYMOUS_ADMIN_PAGES + ["/admin/", "/static/css/site.css", "/"]:
        fetch(visitor, "visitor", "GET", path)
    admin = app.test_client()
    assert fetch(admin, "admin", "POST", "/auth/login",
                 data={"email": add_user(app, "admin"), "password": PASSWORD}).status_code == 302
    ids = prepare_admin_site(app, admin)
    for path in expand_admin(ADMIN_PAGES, ids):
        fetch(admin, "admin", "GET", path)
    fetch(admin, "admin", "POST", "/auth/language", data={"lang": "en", "next": "/admin/"})
    fetch(admin, "admin", "POST", "/auth/logout")
    yield env, responses
    close_app(app)


def cookie_problems(set_cookie: str, secure: bool) -> list[str]:
    """What a Set-Cookie header lacks: HttpOnly, SameSite (Lax or Strict), and Secure if asked."""
    name = set_cookie.split("=", 1)[0]
    attributes = {part.strip().split("=", 1)[0].lower(): part.strip() for part in set_cookie.split(";")[1:]}
    problems = [f"{name} without {flag}" for flag in ("HttpOnly", "SameSite")
                if flag.lower() not in attributes]
    if "samesite" in attributes and attributes["samesite"].lower() not in ("samesite=lax", "samesite=strict"):
        problems.append(f"{name} with {attributes['samesite']}")
    if secure and "secure" not in attributes:
        problems.append(f"{name} without Secure")
    return problems


def test_the_cookie_check_finds_missing_flags():
    bare = "remember_token=; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; Path=/"
    assert cookie_problems(bare, secure=True) == [
        "remember_token without HttpOnly", "remember_token without SameSite", "remember_token without Secure"]
    assert cookie_problems("session=x; HttpOnly; Path=/; SameSite=None; Secure", secure=True) == [
        "session with SameSite=None"]
    assert cookie_problems("session=x; HttpOnly; Path=/; SameSite=Lax", secure=False) == []


def test_every_cookie_set_or_cleared_is_httponly_samesite_and_secure_in_production(every_page):
    env, responses = every_page
    problems, names = [], set()
    for who, method, path, response in responses:
        for set_cookie in response.headers.getlist("Set-Cookie"):
            names.add(set_cookie.split("=", 1)[0])
            problems += [f"{method} {path} ({who}): {problem}"
                         for problem in cookie_problems(set_cookie, secure=env == "production")]
    assert not problems, problems
    # The session and the remember cookie Flask-Login clears (the site never sets it) were seen.
    assert {"session", "remember_token"} <= names, names


def test_every_response_has_the_security_headers_and_no_server_version(every_page):
    _env, responses = every_page
    for who, method, path, response in responses:
        where = f"{method} {path} ({who})"
        assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"], where
        assert response.headers["X-Content-Type-Options"] == "nosniff", where
        assert response.headers["X-Frame-Options"] == "DENY", where
        assert not re.search(r"\d", " ".join(response.headers.getlist("Server"))), where
        if path.startswith(PRIVATE_PREFIXES):
            assert response.headers["Cache-Control"] == "no-store, private", where


def test_every_page_has_a_meta_description(every_page):
    _env, responses = every_page
    pages = [(who, path, response) for who, method, path, response in responses
             if method == "GET" and response.mimetype == "text/html" and not response.location]
    assert len(pages) > 100
    for who, path, response in pages:
        descriptions = re.findall(r'<meta name="description" content="([^"]*)">', response.get_data(as_text=True))
        assert len(descriptions) == 1 and len(descriptions[0].strip()) > 40, (path, who, descriptions)


def test_every_public_page_names_its_languages_by_absolute_address(every_page):
    _env, responses = every_page
    for _who, _method, path, response in responses:
        if path.startswith(("/sv/", "/en/")) and response.status_code == 200 and response.mimetype == "text/html":
            html = response.get_data(as_text=True)
            alternates = dict(re.findall(r'<link rel="alternate" hreflang="(\w+)" href="([^"]+)">', html))
            assert set(alternates) == {"sv", "en"}, path
            lang = path[1:3]
            assert alternates[lang].replace("&amp;", "&") == BASE_URL + path, path
            assert all(href.startswith(BASE_URL + "/") for href in alternates.values()), path


def test_the_server_header_names_no_software_version(capp):
    """The development server as ``python app.py`` runs it: Werkzeug writes ``Server`` before
    the app's own headers, so the request handler (knowledgebase.security) names no versions."""
    with LiveServer(capp) as server:
        for path in ("/sv/", "/static/css/site.css", "/sv/no-such-page", "/admin/", "/api/v1/"):
            connection = http.client.HTTPConnection("127.0.0.1", server.server.server_port, timeout=30)
            connection.request("GET", path)
            response = connection.getresponse()
            response.read()
            connection.close()
            servers = response.headers.get_all("Server") or []
            assert servers == ["Kunskapsbanken"], (path, servers)
    assert "request_handler=RequestHandler" in (ROOT / "app.py").read_text(encoding="utf-8")


def test_any_cookie_the_app_sets_or_clears_gets_the_flags(tmp_path):
    app = make_app(tmp_path, ENV="production", SECRET_KEY="a-long-random-secret-for-this-test",
                   BASE_URL="https://kunskapsbank.example.org")

    def cookies():
        response = app.make_response("x")
        response.set_cookie("plain", "1")
        response.set_cookie("loose", "1", samesite="None", httponly=False)
        response.set_cookie("strict", "1", samesite="Strict")
        response.delete_cookie("gone")
        return response

    app.add_url_rule("/sv/cookies", "cookies", cookies)
    try:
        headers = app.test_client().get("/sv/cookies", base_url="https://kunskapsbank.example.org").headers.getlist(
            "Set-Cookie")
    finally:
        close_app(app)
    assert [header.split("=", 1)[0] for header in headers] == ["plain", "loose", "strict", "gone"]
    assert [problem for header in headers for problem in cookie_problems(header, secure=True)] == []
    assert "SameSite=Strict" in headers[2] and "SameSite=Lax" in headers[1]
