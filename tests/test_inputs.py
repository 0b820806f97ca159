"""Reading request input (knowledgebase.inputs) and each class of bad input found by trying
the site as an attacker would: reserved names, Unicode digits, huge numbers, redirect tricks,
NUL bytes, damaged uploads, links to unpublished entries, sessions after logout, the Host
header and a weak production secret. Names, addresses and passwords are fictional."""

from __future__ import annotations

import io
import secrets
import zipfile
from functools import partial
from pathlib import Path

import pytest
import yaml

from knowledgebase import create_app, inputs
from knowledgebase import models as m
from knowledgebase.admin import uploads
from knowledgebase.extensions import db
from tests.apps import close_app, create_entry, make_app
from tests.curation_support import PASSWORD, add_user, login, run_queued_job


# -- the module itself ----------------------------------------------------------------------

@pytest.mark.parametrize("raw", ["²", "١٢", "１", "-1", "+1", "1.5", "1e3", "", " ", "0x10", "99999999999999999999",
                                 "2147483648", "0"])
def test_whole_numbers_are_ascii_digits_within_bounds(raw):
    with pytest.raises(inputs.BadInput):
        inputs.whole_number(raw, "page")


def test_whole_numbers_accept_what_they_should():
    assert inputs.whole_number("7", "page") == 7
    assert inputs.whole_number(" 12 ", "page") == 12
    assert inputs.whole_number(str(inputs.DB_INT_MAX), "id") == inputs.DB_INT_MAX
    assert inputs.number_or_default(None, "per_page", 20) == 20
    assert inputs.number_or_default("500", "per_page", 20, cap=100) == 100
    assert inputs.record_id("²") is None and inputs.record_id("5") == 5


@pytest.mark.parametrize("target", ["//evil.example", "/\t/evil.example", "/\n/evil.example", "/\\evil.example",
                                    "https://evil.example/", "javascript:alert(1)", "evil.example", "/ok\r\nX: 1",
                                    "/a b", "", None, "/" + "x" * 3000])
def test_redirect_targets_off_the_site_are_refused(target):
    assert inputs.safe_redirect(target) is None


def test_redirect_targets_on_the_site_are_kept():
    assert inputs.safe_redirect("/sv/shortlist?full=1") == "/sv/shortlist?full=1"
    assert inputs.safe_redirect("/admin/entries/3") == "/admin/entries/3"


def test_text_loses_control_characters():
    assert inputs.single_line("a\x00b\nc\x7f", 10) == "abc"
    assert inputs.multi_line("rad 1\r\nrad\t2\x00", 100) == "rad 1\r\nrad\t2"
    assert inputs.iso_date("2026-02-28", "since").isoformat() == "2026-02-28"
    for bad in ("2026-02-30", "28/2/2026", "２０２６-01-01"):
        with pytest.raises(inputs.BadInput):
            inputs.iso_date(bad, "since")


# -- 1. reserved keyword names in the query string -------------------------------------------

@pytest.mark.parametrize("name", ["_anchor", "_scheme", "_method", "_external", "endpoint", "lang", "values"])
def test_reserved_names_in_the_query_string_are_plain_arguments(capp, name):
    response = capp.test_client().get(f"/sv/?{name}=x")
    assert response.status_code == 200
    # The language switch keeps the argument as an argument, nothing more (``lang`` is the
    # path's own: the switch sets it).
    expected = 'href="/en/"' if name == "lang" else f'href="/en/?{name}=x"'
    assert expected in response.get_data(as_text=True)


# -- 2. numbers that only look like digits ----------------------------------------------------

@pytest.mark.parametrize("url", ["/sv/enterprises/?page=²", "/sv/enterprises/?theme=²", "/sv/search?page=²",
                                 "/api/v1/enterprises/?per_page=²", "/api/v1/suggest?limit=²",
                                 "/sv/enterprises.csv?theme=１", "/sv/buyers?page=٣", "/sv/feed.atom?theme=²"])
def test_unicode_digits_are_a_clear_400(capp, url):
    response = capp.test_client().get(url)
    assert response.status_code == 400
    if not url.startswith("/api/"):
        assert "<h1>" in response.get_data(as_text=True)


def test_the_400_message_is_in_the_visitors_language(capp):
    html = capp.test_client().get("/sv/enterprises/?page=²").get_data(as_text=True)
    assert "page måste vara ett heltal från 1 till 10" in html.replace("\u00a0", " ")
    html = capp.test_client().get("/en/enterprises/?page=²").get_data(as_text=True)
    assert "page must be a whole number from 1 to 10" in html.replace(",", "")


# -- 3. numbers too large for the database ----------------------------------------------------

def test_huge_ids_in_paths_are_not_found(capp):
    client = capp.test_client()
    assert client.get("/sv/themes/99999999999999999999").status_code == 404
    assert client.get("/sv/themes/1/99999999999999999999").status_code == 404
    login(client, add_user(capp, "admin"))
    for url in ("/admin/entries/99999999999999999999", "/admin/entries/2147483648/history",
                "/admin/suggestions/99999999999999999999", "/admin/upkeep/changes/2147483648"):
        assert client.get(url).status_code == 404, url
    assert client.get("/admin/entries/?page=99999999999999999999").status_code == 400


# -- 4. control characters in a redirect target -----------------------------------------------

def test_shortlist_and_language_redirects_stay_on_the_site(capp):
    client = capp.test_client()
    for target in ("/\n/x", "/\t/evil.example", "//evil.example", "https://evil.example/"):
        response = client.post("/sv/shortlist", data={"action": "clear", "next": target})
        assert response.status_code == 303
        assert response.headers["Location"].endswith("/sv/shortlist"), target
        response = client.post("/auth/language", data={"lang": "en", "next": target})
        assert response.status_code == 302
        assert "evil" not in response.headers["Location"] and "\n" not in response.headers["Location"]
    response = client.post("/sv/shortlist", data={"action": "clear", "next": "/sv/buyers?service=st%C3%A4d"})
    assert response.headers["Location"].endswith("/sv/buyers?service=st%C3%A4d")


# -- 5. NUL bytes -----------------------------------------------------------------------------

@pytest.mark.parametrize("url", ["/sv/enterprises/%00", "/api/v1/enterprises/%00", "/sv/counties/%00",
                                 "/sv/municipalities/%00", "/sv/enterprises/a%00b/capability",
                                 "/sv/enterprises/%00/eligibility", "/sv/examples/%00/easy-read"])
def test_nul_in_a_path_is_not_found(capp, url):
    assert capp.test_client().get(url).status_code == 404


def test_nul_in_queries_and_forms(capp):
    client = capp.test_client()
    assert client.get("/sv/search?q=a%00b").status_code == 200  # any text is a valid search
    assert client.get("/sv/report-outdated?type=enterprise&slug=%00").status_code == 404
    login(client, add_user(capp, "admin"))
    assert client.get("/admin/entries/?q=%00").status_code == 200
    assert client.post("/sv/suggest", data={"kind": "new", "message": "a\x00b"}).status_code == 400


# -- 6. unreadable uploads -------------------------------------------------------------------

def _zip(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_STORED) as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def _bad_crc_zip() -> bytes:
    text = yaml.safe_dump({"type": "glossary", "entries": [{"slug": "fiktiv-term", "title": "Fiktiv"}]}).encode()
    data = _zip({"glossary.yaml": text})
    position = data.index(text[:12])
    return data[:position] + b"X" + data[position + 1:]  # same length, wrong CRC


def _uploads_left(app) -> list[Path]:
    root = uploads.upload_root(app.config["DATA_DIR"])
    return list(root.iterdir()) if root.exists() else []


@pytest.mark.parametrize(("name", "content", "message"), [
    ("damaged.zip", _bad_crc_zip(), "skadad"),
    ("truncated.zip", _zip({"a.yaml": b"type: glossary\n" * 50})[:-40], "går inte att läsa"),
    ("many.zip", _zip({f"f{n}.yaml": b"x: 1\n" for n in range(uploads.MAX_FILES + 1)}), "för stor"),
    ("latin1.yaml", "type: glossary\nentries:\n- slug: fiktiv\n  title: Fiktiv \xe5\xe4\xf6\n".encode("latin-1"),
     "kan inte läsas"),
])
def test_unreadable_uploads_give_a_message_and_leave_nothing(capp, name, content, message):
    client = capp.test_client()
    login(client, add_user(capp, "admin"))
    response = client.post("/admin/import", content_type="multipart/form-data",
                           data={"file": (io.BytesIO(content), name)})
    if response.status_code == 303:  # stored; the dry-run job finds it unreadable
        response = run_queued_job(capp, client, response)
    assert response.status_code in (200, 422)
    assert message in response.get_data(as_text=True)
    assert _uploads_left(capp) == []


def test_an_upload_over_the_size_limit_is_a_clear_413(tmp_path):
    app = make_app(tmp_path, WTF_CSRF_ENABLED=False, MAX_CONTENT_LENGTH=1024)
    try:
        client = app.test_client()
        login(client, add_user(app, "admin"))
        response = client.post("/admin/import", content_type="multipart/form-data",
                               data={"file": (io.BytesIO(b"x" * 5000), "big.yaml")})
        assert response.status_code == 413
        assert "Filen är för stor" in response.get_data(as_text=True)
        assert _uploads_left(app) == []
    finally:
        close_app(app)


# -- 7. relations show published entries only -------------------------------------------------

def test_no_channel_links_to_unpublished_entries(capp):
    make_entry_in = partial(create_entry, capp)
    make_entry_in("enterprise", slug="fiktiv-publicerad", title={"sv": "Fiktiv publicerad AB"})
    for status in ("draft", "review", "archived"):
        make_entry_in("enterprise", slug=f"fiktiv-{status}", status=status, title={"sv": f"Fiktiv dold {status}"})
    make_entry_in("example", slug="fiktivt-exempel", title={"sv": "Fiktivt exempel"},
                  enterprises=["fiktiv-publicerad", "fiktiv-draft", "fiktiv-review", "fiktiv-archived"])
    client = capp.test_client()
    data = client.get("/api/v1/examples/fiktivt-exempel").get_json()
    assert data["enterprises"] == ["fiktiv-publicerad"]
    for url in ("/sv/examples/fiktivt-exempel", "/en/examples/fiktivt-exempel", "/sv/feed.atom",
                "/sv/search?q=fiktivt", "/api/v1/search?q=fiktivt", "/sv/enterprises.csv", "/sv/whats-new"):
        text = client.get(url).get_data(as_text=True)
        assert "Fiktiv dold" not in text and "fiktiv-draft" not in text, url


# -- 8. logout, a password change and disabling end every session ------------------------------

def test_a_copied_session_cookie_dies_with_logout(capp):
    email = add_user(capp, "adviser")
    client = capp.test_client()
    login(client, email)
    assert client.get("/admin/").status_code == 200
    copy = capp.test_client()
    copy.set_cookie("session", client.get_cookie("session").value)
    assert copy.get("/admin/").status_code == 200
    client.post("/auth/logout")
    assert copy.get("/admin/").status_code == 302  # to the login page


def test_password_change_and_disabling_end_other_sessions(capp):
    email = add_user(capp, "adviser")
    first, second = capp.test_client(), capp.test_client()
    login(first, email)
    login(second, email)
    first.post("/auth/password", data={"current": PASSWORD, "new": "ett helt nytt fiktivt lösenord 42",
                                       "confirm": "ett helt nytt fiktivt lösenord 42"})
    assert first.get("/admin/").status_code == 200
    assert second.get("/admin/").status_code == 302
    admin = capp.test_client()
    login(admin, add_user(capp, "admin"))
    with capp.app_context():
        user_id = db.session.query(m.User.id).filter_by(email=email).scalar()
    admin.post(f"/admin/users/{user_id}/disable")
    assert first.get("/admin/").status_code == 302


# -- 9. absolute URLs never come from the Host header -----------------------------------------

def test_absolute_urls_use_the_public_base_url(tmp_path):
    app = make_app(tmp_path, BASE_URL="https://kunskapsbank.example.org")
    try:
        client = app.test_client()
        headers = {"Host": "evil.example"}
        data = client.get("/api/v1/", headers=headers).get_json()
        assert data["taxonomy"] == "https://kunskapsbank.example.org/api/v1/taxonomy"
        feed = client.get("/sv/feed.atom", headers=headers).get_data(as_text=True)
        assert "evil.example" not in feed and "https://kunskapsbank.example.org/sv/feed.atom" in feed
    finally:
        close_app(app)


def test_production_refuses_other_hosts(tmp_path):
    app = make_app(tmp_path, ENV="production", SECRET_KEY=secrets.token_urlsafe(48),
                   BASE_URL="https://kunskapsbank.example.org")
    try:
        client = app.test_client()
        assert client.get("/sv/", base_url="https://kunskapsbank.example.org").status_code == 200
        assert client.get("/sv/", base_url="https://evil.example").status_code == 400
    finally:
        close_app(app)


# -- 10. a weak production secret ----------------------------------------------------------------

@pytest.mark.parametrize("secret", ["abc", "a" * 40, "password" * 4, ""])
def test_production_refuses_a_weak_secret(tmp_path, secret):
    with pytest.raises(RuntimeError, match="token_urlsafe"):
        create_app({"ENV": "production", "SECRET_KEY": secret, "BASE_URL": "https://kunskapsbank.example.org",
                    "DATA_DIR": str(tmp_path), "AUTO_SEED": False, "AUTO_MIGRATE": False, "SEARCH_ENABLED": False})


def test_production_needs_a_public_base_url(tmp_path):
    with pytest.raises(RuntimeError, match="KB_BASE_URL"):
        create_app({"ENV": "production", "SECRET_KEY": secrets.token_urlsafe(48), "DATA_DIR": str(tmp_path),
                    "AUTO_SEED": False, "AUTO_MIGRATE": False, "SEARCH_ENABLED": False})
