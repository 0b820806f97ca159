"""Secure defaults: headers, caching, cookies, the production secret key, error pages, CSRF
on every state-changing route, and stored XSS rendered inert everywhere."""

from __future__ import annotations

import re

import pytest
from flask import request

from knowledgebase import create_app
from knowledgebase import models as m
from knowledgebase.config import DEFAULT_SECRET_KEY
from knowledgebase.extensions import db
from knowledgebase.services.curation import suggestions
from knowledgebase.services.curation.revisions import record_revision
from knowledgebase.templating import render_markdown
from tests.apps import ROOT, close_app, make_app, make_curation_app
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


# Pages opened from a one-time link in an e-mail (the token is in the address).
PRIVATE_LINK_PAGES = ("/sv/needs/confirm/fiktiv-token", "/sv/needs/outcome/fiktiv-token",
                      "/en/alerts/confirm/fiktiv-token", "/sv/manage/sign-in/fiktiv-token",
                      "/en/registrations/1/cancel/fiktiv-token")


@pytest.mark.parametrize("path", PRIVATE_LINK_PAGES)
def test_a_page_behind_a_private_link_is_not_indexed_and_sends_no_referrer(seeded_client, path):
    page = seeded_client.get(path).get_data(as_text=True)
    assert '<meta name="robots" content="noindex">' in page
    assert '<meta name="referrer" content="no-referrer">' in page
