"""Secure defaults: headers, caching, cookies, the production secret key, error pages, CSRF
on every state-changing route, and stored XSS rendered inert everywhere."""

from __future__ import annotations

import http.client
import re

import pytest
from flask import request

from knowledgebase import create_app
from knowledgebase import models as m
from knowledgebase.config import DEFAULT_SECRET_KEY
from knowledgebase.extensions import db
from knowledgebase.security import PRIVATE_PREFIXES
from knowledgebase.services.curation import suggestions
from knowledgebase.services.curation.revisions import record_revision
from knowledgebase.templating import render_markdown
from tests.browser import LiveServer
from tests.conftest import ROOT, close_app, make_app, make_curation_app
from tests.curation_support import (
    PASSWORD,
    STATE_CHANGING,
    add_entry,
    add_user,
    csrf_token,
    edit_payload,
    entry_state,
    inert_problems,
    logged_in_client,
    login,
)
from tests.pages import (
    ADMIN_PAGES,
    ANONYMOUS_ADMIN_PAGES,
    PUBLIC_PAGES,
    expand,
    expand_admin,
    prepare_admin_site,
)

# -- headers and caching ------------------------------------------------------------------


def test_security_headers_on_every_kind_of_response(capp):
    client = logged_in_client(capp, "admin")
    for path in ("/sv/", "/admin/", "/auth/login", "/api/v1/", "/sv/finns-inte", "/static/css/site.css"):
        response = client.get(path)
        csp = response.headers["Content-Security-Policy"]
        assert "frame-ancestors 'none'" in csp and "script-src 'self'" in csp, path
        assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
        assert response.headers["X-Frame-Options"] == "DENY"
        response.close()


def test_the_adviser_area_is_never_cached(capp):
    client = logged_in_client(capp, "admin")
    entry_id = add_entry(capp)
    for path in ("/admin/", f"/admin/entries/{entry_id}/edit", "/admin/export.zip", "/auth/login", "/auth/password"):
        response = (capp.test_client() if path == "/auth/login" else client).get(path)
        assert response.status_code == 200, path
        assert response.headers["Cache-Control"] == "no-store, private", path
    anonymous = capp.test_client().get("/admin/")
    assert anonymous.headers["Cache-Control"] == "no-store, private"
    assert "private" not in capp.test_client().get("/sv/").headers.get("Cache-Control", "")


def test_session_cookie_flags(capp):
    email = add_user(capp, "adviser")
    plain = login(capp.test_client(), email)
    cookie = plain.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" not in cookie
    secure = login(capp.test_client(), email, base_url="https://kunskapsbank.exempel.se")
    assert "Secure" in secure.headers["Set-Cookie"]
    assert secure.headers["Strict-Transport-Security"].startswith("max-age=")


def test_production_refuses_a_missing_or_default_secret_key(tmp_path):
    for secret in (DEFAULT_SECRET_KEY, "", None):
        with pytest.raises(RuntimeError, match="KB_SECRET_KEY"):
            create_app({"ENV": "production", "SECRET_KEY": secret, "DATA_DIR": str(tmp_path / "p"),
                        "AUTO_SEED": False, "AUTO_MIGRATE": False, "SEARCH_ENABLED": False})
    app = make_app(tmp_path / "ok", ENV="production", SECRET_KEY="a-long-random-secret-for-this-test",
                   BASE_URL="https://kunskapsbank.example.org")
    assert app.config["SESSION_COOKIE_SECURE"] is True
    close_app(app)


def test_error_pages_never_show_a_stack_trace(tmp_path):
    app = make_curation_app(tmp_path, TESTING=False, PROPAGATE_EXCEPTIONS=False)

    def explode():
        raise RuntimeError("secret internals: password=hunter2")

    app.add_url_rule("/sv/explode", "explode", explode)
    response = app.test_client().get("/sv/explode")
    assert response.status_code == 500
    html = response.get_data(as_text=True)
    assert "Traceback" not in html and "hunter2" not in html and "RuntimeError" not in html
    assert response.headers["Content-Security-Policy"]
    close_app(app)


# The one inline <script> allowed: a schema.org JSON-LD data block whose whole content is one
# value through |tojson (which escapes <, > and &, so no text can end the block). Browsers
# never execute it, so it is no script to the CSP (script-src 'self').
JSON_LD_BLOCK = re.compile(r'<script type="application/ld\+json">\{\{ [\w.]+\|tojson \}\}</script>')


def test_templates_have_no_inline_script_or_style():
    for path in (ROOT / "templates").rglob("*.html"):
        text = JSON_LD_BLOCK.sub("", path.read_text(encoding="utf-8"))
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", text), path
        assert not re.search(r"\son[a-z]+\s*=", text), path
        assert " style=" not in text and "<style" not in text, path


# -- CSRF ---------------------------------------------------------------------------------

# Posted to without a CSRF token by design: mail programs' one-click unsubscribe (RFC 8058);
# the link carries an HMAC instead (tests/test_confirmations.py, tests/test_alerts.py).
CSRF_EXEMPT = {"public.unsubscribe"}


@pytest.fixture
def csrf_app(tmp_path):
    app = make_curation_app(tmp_path, WTF_CSRF_ENABLED=True)
    yield app
    close_app(app)


def test_every_state_changing_route_is_listed(csrf_app):
    posting = {rule.endpoint for rule in csrf_app.url_map.iter_rules()
               if rule.methods & {"POST", "PUT", "PATCH", "DELETE"}}
    assert posting == set(STATE_CHANGING) | CSRF_EXEMPT


def test_every_state_changing_route_refuses_a_missing_csrf_token(csrf_app):
    admin_email = add_user(csrf_app, "admin")
    client = csrf_app.test_client()
    token = csrf_token(client.get("/auth/login").get_data(as_text=True))
    response = client.post("/auth/login", data={"email": admin_email, "password": PASSWORD, "csrf_token": token})
    assert response.status_code == 302
    entry_id = add_entry(csrf_app, status="published")
    other = add_user(csrf_app, "adviser")
    with csrf_app.app_context():
        entry = db.session.get(m.Entry, entry_id)
        suggestion = suggestions.create_suggestion("correction", "sv", entry, field="other", message="Fel.")
        report = suggestions.create_suggestion("accessibility", "sv", message="Knappen syns inte.")
        revision = record_revision(entry, None, "edit", author="test")
        db.session.commit()
        ids = {"entry": entry_id, "revision": revision.id, "suggestion": suggestion.id, "report": report.id,
               "user": db.session.scalar(db.select(m.User.id).where(m.User.email == other))}
    payloads = {
        "auth.login": {"email": admin_email, "password": PASSWORD},
        "auth.password": {"current": PASSWORD, "new": "nya blå stolar i rad", "confirm": "nya blå stolar i rad"},
        "auth.language": {"lang": "en"},
        "public.suggest": {"name": "Fiktivt AB", "message": "Hej."},
        "public.accessibility": {"message": "Kontrasten är för låg."},
        "admin.entry_new": {"title_sv": "X", "slug": "csrf-x", "summary_sv": "X"},
        "admin.entry_edit": edit_payload(csrf_app, entry_id, summary_sv="Ändrad utan token"),
        "admin.entry_transition": {"action": "archive", "version": "1"},
        "admin.entry_verify": {"version": "1"},
        "admin.entry_delete": {"version": "1"},
        "admin.revision_restore": {"version": "1"},
        "admin.suggestion_reject": {"note": "Nej."},
        "admin.suggestion_handled": {"handled-note": "Åtgärdat."},
        "admin.users": {"email": "csrf@exempel.se", "role": "admin", "password": "blå stolar på taket"},
        "admin.user_role": {"role": "admin"},
    }
    for endpoint, path in STATE_CHANGING.items():
        response = client.post(path.format(**ids), data=payloads.get(endpoint, {}))
        assert response.status_code == 400, endpoint
    entry = entry_state(csrf_app, entry_id)
    assert (entry.status, entry.summary_sv, entry.version) == ("published", "Påhittad post för tester.", 1)
    with csrf_app.app_context():
        assert db.session.get(m.Suggestion, ids["suggestion"]).status == "waiting"
        assert db.session.get(m.Suggestion, ids["report"]).status == "waiting"
        assert db.session.scalar(db.select(db.func.count()).select_from(m.Suggestion)) == 2
        assert db.session.get(m.User, ids["user"]).role == "adviser"
        assert db.session.scalar(db.select(db.func.count()).select_from(m.User)) == 2
    assert client.get("/admin/").status_code == 200  # still logged in: logout was refused too


# -- stored XSS ---------------------------------------------------------------------------

XSS_PAYLOADS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "<svg onload=alert(1)>",
    '"><script>alert(1)</script>',
    "'><img src=x onerror=alert(1)>",
    '<a href="javascript:alert(1)">klicka</a>',
    "[klicka](javascript:alert(1))",
    "[klicka](JaVaScRiPt:alert(1))",
    "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "![x](javascript:alert(1))",
    '<iframe src="javascript:alert(1)"></iframe>',
    "<body onload=alert(1)>",
    '<div style="background:url(javascript:alert(1))">x</div>',
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "<details open ontoggle=alert(1)>",
    '<a href="  javascript:alert(1)">x</a>',
    '<object data="javascript:alert(1)"></object>',
    '<embed src="data:text/html,<script>alert(1)</script>">',
    '<form action="javascript:alert(1)"><button>x</button></form>',
    "<input autofocus onfocus=alert(1)>",
    '<base href="javascript:alert(1)//">',
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    "[x](&#106;avascript:alert(1))",
    "<scr<script>ipt>alert(1)</script>",
    '[x](https://exempel.se "\\" onmouseover=alert(1) x=\\"")',
    "{{ config.SECRET_KEY }}",
]


@pytest.fixture(scope="module")
def xss_app(tmp_path_factory):
    app = make_curation_app(tmp_path_factory.mktemp("xss"), SUGGEST_LIMIT="1000 per hour")
    admin = logged_in_client(app, "admin")
    yield app, admin
    close_app(app)


@pytest.mark.parametrize("number,payload", list(enumerate(XSS_PAYLOADS)))
def test_stored_xss_is_inert_everywhere(xss_app, number, payload):
    app, admin = xss_app
    slug = f"xss-{number}"
    entry_id = add_entry(
        app, "example", status="published", slug=slug, title={"sv": payload, "en": payload},
        summary={"sv": payload}, body={"sv": f"Text {payload} mer text", "en": payload}, easy_read=payload,
        results={"sv": payload}, organisations=payload, themes=[1], municipalities=["0680"],
        sources=[{"title": payload, "url": "https://exempel.se"}])
    reader = app.test_client()
    suggest_path = f"/sv/suggest?type=example&slug={slug}"
    assert reader.post(suggest_path, data={"field": "body", "message": payload, "proposed": payload,
                                           "sender_name": payload}).status_code == 302
    with app.app_context():
        suggestion_id = db.session.scalar(
            db.select(m.Suggestion.id).where(m.Suggestion.entry_id == entry_id))
    admin.post(f"/admin/entries/{entry_id}/edit", data=edit_payload(app, entry_id, body_sv=f"Ny {payload}",
                                                                     note=payload))
    with app.app_context():
        first = db.session.scalar(db.select(m.Revision.id).where(m.Revision.entry_id == entry_id)
                                  .order_by(m.Revision.number))
    pages = [
        f"/sv/examples/{slug}", f"/en/examples/{slug}", "/sv/examples/", "/sv/themes/1",
        "/sv/municipalities/0680", f"/sv/examples/{slug}/easy-read", suggest_path, "/sv/feed.atom",
        f"/admin/entries/{entry_id}", f"/admin/entries/{entry_id}/edit", f"/admin/entries/{entry_id}/history",
        f"/admin/entries/{entry_id}/compare?a={first}&b=current", f"/admin/suggestions/{suggestion_id}",
        "/admin/suggestions/", "/admin/", "/admin/entries/",
    ]
    for path in pages:
        client = admin if path.startswith("/admin/") else reader
        response = client.get(path)
        assert response.status_code == 200, path
        html = response.get_data(as_text=True)
        assert inert_problems(html) == [], (path, payload)
        assert "fiktiv-testnyckel-endast-for-tester-Q7w2Zr9Kx4Lm8Np" not in html
    preview = admin.post(f"/admin/entries/{entry_id}/edit",
                         data=edit_payload(app, entry_id, body_sv=payload, preview="Preview"))
    assert inert_problems(preview.get_data(as_text=True)) == []


def test_the_inertness_check_catches_live_markup():
    assert inert_problems('<p><img src="x" onerror="alert(1)"></p>')
    assert inert_problems("<script>alert(1)</script>")
    assert inert_problems('<a href=" javascript:alert(1)">x</a>')
    assert inert_problems('<script src="https://evil.example/x.js"></script>')
    assert inert_problems('<p>&lt;script&gt;alert(1)&lt;/script&gt;</p><script src="/static/js/admin.js"></script>') == []
    # A JSON-LD data block is inert; one with other attributes, or text that is not safe
    # JSON, or that breaks out of the block, is not.
    assert inert_problems('<script type="application/ld+json">{"name": "\\u003c/script\\u003e"}</script>') == []
    assert inert_problems('<script type="application/ld+json" onload="alert(1)">{}</script>')
    assert inert_problems('<script type="application/ld+json">alert(1)</script>')
    assert inert_problems('<script type="application/ld+json">{"a": "</script><script>alert(1)</script>"}')


@pytest.mark.parametrize("url", ["javascript:alert(1)", "data:text/html,x", " javascript:alert(1)",
                                 "vbscript:msgbox(1)", "//evil.example/x"])
def test_link_fields_refuse_script_urls(capp, url):
    client = logged_in_client(capp, "adviser")
    response = client.post("/admin/entries/new/enterprise", data={
        "title_sv": "X", "slug": "lank-x", "summary_sv": "X", "website": url, "sources": f"Källa | {url}"})
    assert response.status_code == 422
    with capp.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(m.Entry)) == 0


def test_rendered_markdown_gives_external_links_noopener():
    html = str(render_markdown("[Coompanion](https://coompanion.se) <b onclick=x>fet</b>"))
    assert 'rel="noopener noreferrer"' in html and "onclick" not in html


def test_forbidden_gives_a_friendly_page(capp):
    client = logged_in_client(capp, "contributor")
    response = client.get("/admin/users/")
    assert response.status_code == 403
    html = response.get_data(as_text=True)
    assert "<h1>" in html and "Traceback" not in html


def test_behind_a_proxy_links_use_the_public_base_url_and_the_forwarded_address(tmp_path):
    app = make_app(tmp_path, PROXY_COUNT=1, BASE_URL="https://kunskapsbank.example.org")
    seen = []
    app.before_request(lambda: seen.append((request.remote_addr, request.scheme)))
    try:
        data = app.test_client().get("/api/v1/", headers={
            "X-Forwarded-Proto": "https", "X-Forwarded-Host": "evil.example",
            "X-Forwarded-For": "203.0.113.7"}).get_json()
        assert data["taxonomy"] == "https://kunskapsbank.example.org/api/v1/taxonomy"
        assert seen == [("203.0.113.7", "https")]
    finally:
        close_app(app)


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
    app = make_app(tmp_path_factory.mktemp(env), AUTO_SEED=True, WTF_CSRF_ENABLED=False, ENV=env,
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
