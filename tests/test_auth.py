"""Accounts: passwords, logging in and out, rate limits, sessions, and the users CLI."""

from __future__ import annotations

import time

import pytest

from knowledgebase import models as m
from knowledgebase.extensions import db
from knowledgebase.services.curation import accounts
from tests.apps import close_app, make_curation_app
from tests.conftest import SHIPPED_HASH_METHOD
from tests.curation_support import (
    PASSWORD,
    add_user,
    login,
)


def _events(app, action: str) -> list[m.AuditEvent]:
    with app.app_context():
        events = list(db.session.scalars(db.select(m.AuditEvent).where(m.AuditEvent.action == action)))
        for event in events:
            db.session.expunge(event)
        return events


# -- passwords ----------------------------------------------------------------------------

@pytest.mark.parametrize("password,ok", [
    ("kort", False),
    ("elva tecken", False),  # 11 characters
    ("password1234", False),
    ("Sommar2024!!", False),  # a common word with digits and symbols around it
    ("123456789012", False),
    ("aaaaaaaaaaaa", False),
    ("abcabcabcabc", False),
    ("qwertyuiopå1", False),
    ("x" * 300, False),
    ("gröna äpplen under eken", True),
    ("Tre-Blå-Stolar-På-Taket", True),
])
def test_password_rules(capp, password, ok):
    with capp.app_context():
        assert (accounts.password_problems(password, "ada@exempel.se") == []) is ok


def test_password_must_not_contain_the_email_name(capp):
    with capp.app_context():
        assert accounts.password_problems("karin-lindqvist-2024", "karin-lindqvist@exempel.se") != []


def test_the_common_password_list_ships_with_its_source():
    from importlib import resources

    text = resources.files("knowledgebase").joinpath("data/common-passwords.txt").read_text("utf-8")
    assert "SecLists" in text and "github.com/danielmiessler/SecLists" in text
    assert len(accounts.common_passwords()) > 1000 and "password" in accounts.common_passwords()


def test_passwords_are_stored_with_scrypt(capp, monkeypatch):
    # The other tests hash at a lower cost (conftest): this one uses the method the app ships.
    monkeypatch.setattr(accounts, "HASH_METHOD", SHIPPED_HASH_METHOD)
    email = add_user(capp, "adviser")
    with capp.app_context():
        stored = accounts.find_user(email).password_hash
    assert stored.startswith("scrypt:32768:8:1$") and PASSWORD not in stored  # Werkzeug's full cost


# -- logging in and out -------------------------------------------------------------------

def test_login_starts_a_new_session_and_is_audited(capp):
    email = add_user(capp, "adviser")
    client = capp.test_client()
    with client.session_transaction() as session:
        session["planted"] = "by an attacker"
    response = login(client, email, environ_base={"REMOTE_ADDR": "192.0.2.5"})
    assert response.status_code == 302 and response.headers["Location"] == "/admin/"
    with client.session_transaction() as session:
        assert "planted" not in session and session["_user_id"].startswith("1:")
    events = _events(capp, "login")
    assert [(e.actor, e.ip) for e in events] == [(email, "192.0.2.5")]
    assert client.get("/admin/", environ_base={"REMOTE_ADDR": "192.0.2.5"}).status_code == 200


def test_failed_login_is_refused_and_audited(capp):
    email = add_user(capp, "adviser")
    client = capp.test_client()
    response = login(client, email, "fel lösenord helt klart")
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'class="error-summary" role="alert"' in html
    assert login(client, "okand@exempel.se").status_code == 422  # same answer for unknown accounts
    assert [e.actor for e in _events(capp, "login_failed")] == [email, "okand@exempel.se"]
    assert client.get("/admin/").status_code == 302


def test_disabled_accounts_cannot_log_in(capp):
    email = add_user(capp, "adviser")
    with capp.app_context():
        accounts.disable_user(accounts.find_user(email), None, actor_label="test")
        db.session.commit()
    assert login(capp.test_client(), email).status_code == 422


def test_next_only_leads_within_the_site(capp):
    email = add_user(capp, "adviser")
    assert login(capp.test_client(), email, query_string={"next": "/admin/entries/"}).headers["Location"] == \
        "/admin/entries/"
    for target in ("//evil.example/", "https://evil.example/", "/\\evil.example"):
        response = login(capp.test_client(), email, query_string={"next": target})
        assert response.headers["Location"] == "/admin/", target


def test_logout_ends_the_session(capp):
    email = add_user(capp, "adviser")
    client = capp.test_client()
    login(client, email)
    assert client.get("/auth/logout").status_code == 405  # only by POST (with CSRF)
    assert client.post("/auth/logout").status_code == 302
    assert client.get("/admin/").status_code == 302
    assert [e.actor for e in _events(capp, "logout")] == [email]


def test_session_protection_drops_a_session_used_from_another_browser(capp):
    email = add_user(capp, "adviser")
    client = capp.test_client()
    login(client, email, headers={"User-Agent": "Firefox"})
    assert client.get("/admin/", headers={"User-Agent": "Firefox"}).status_code == 200
    assert client.get("/admin/", headers={"User-Agent": "Stolen"}).status_code == 302


def test_idle_sessions_end(tmp_path):
    app = make_curation_app(tmp_path, IDLE_TIMEOUT_MINUTES=5)
    email = add_user(app, "adviser")
    client = app.test_client()
    login(client, email)
    with client.session_transaction() as session:
        session["last_active"] = int(time.time()) - 4 * 60
    assert client.get("/admin/").status_code == 200
    with client.session_transaction() as session:
        session["last_active"] = int(time.time()) - 6 * 60
    response = client.get("/admin/entries/")
    assert response.status_code == 302 and response.headers["Location"].startswith("/auth/login")
    assert client.get("/admin/").status_code == 302
    close_app(app)


def test_changing_the_password_ends_other_sessions(capp):
    email = add_user(capp, "adviser")
    here, elsewhere = capp.test_client(), capp.test_client()
    login(here, email)
    login(elsewhere, email)
    wrong = here.post("/auth/password", data={"current": "inte rätt alls", "new": "nya blå stolar i rad",
                                              "confirm": "nya blå stolar i rad"})
    assert wrong.status_code == 422 and 'href="#current"' in wrong.get_data(as_text=True)
    weak = here.post("/auth/password", data={"current": PASSWORD, "new": "password1234", "confirm": "password1234"})
    assert weak.status_code == 422 and 'href="#new"' in weak.get_data(as_text=True)
    differ = here.post("/auth/password", data={"current": PASSWORD, "new": "nya blå stolar i rad",
                                               "confirm": "nya gröna stolar"})
    assert differ.status_code == 422 and 'href="#confirm"' in differ.get_data(as_text=True)
    done = here.post("/auth/password", data={"current": PASSWORD, "new": "nya blå stolar i rad",
                                             "confirm": "nya blå stolar i rad"})
    assert done.status_code == 302
    assert here.get("/admin/").status_code == 200
    assert elsewhere.get("/admin/").status_code == 302
    assert login(capp.test_client(), email).status_code == 422
    assert login(capp.test_client(), email, "nya blå stolar i rad").status_code == 302
    assert [e.actor for e in _events(capp, "password_change")] == [email]


def test_disabling_ends_sessions_at_once(capp):
    email = add_user(capp, "adviser")
    client = capp.test_client()
    login(client, email)
    with capp.app_context():
        accounts.disable_user(accounts.find_user(email), None, actor_label="test")
        db.session.commit()
    assert client.get("/admin/").status_code == 302


# -- rate limits --------------------------------------------------------------------------

def test_login_is_rate_limited_per_account(tmp_path):
    app = make_curation_app(tmp_path, LOGIN_LIMIT_PER_ACCOUNT="3 per 15 minutes")
    email, other = add_user(app, "adviser"), add_user(app, "adviser")
    for number in range(3):
        client = app.test_client()
        assert login(client, email, "fel fel fel fel", environ_base={"REMOTE_ADDR": f"192.0.2.{number}"}
                     ).status_code == 422
    blocked = login(app.test_client(), email, environ_base={"REMOTE_ADDR": "192.0.2.99"})
    assert blocked.status_code == 429
    html = blocked.get_data(as_text=True)
    assert 'role="alert"' in html and "minut" in html and int(blocked.headers["Retry-After"]) > 0
    # Another account from the same addresses is not affected.
    assert login(app.test_client(), other, environ_base={"REMOTE_ADDR": "192.0.2.1"}).status_code == 302
    close_app(app)


def test_login_is_rate_limited_per_address(tmp_path):
    app = make_curation_app(tmp_path, LOGIN_LIMIT_PER_ADDRESS="4 per 15 minutes")
    emails = [add_user(app, "adviser") for _ in range(6)]
    here = {"REMOTE_ADDR": "198.51.100.7"}
    for email in emails[:4]:
        assert login(app.test_client(), email, "fel fel fel fel", environ_base=here).status_code == 422
    assert login(app.test_client(), emails[4], environ_base=here).status_code == 429
    assert login(app.test_client(), emails[5], environ_base={"REMOTE_ADDR": "198.51.100.8"}).status_code == 302
    close_app(app)


def test_successful_logins_do_not_count(tmp_path):
    app = make_curation_app(tmp_path, LOGIN_LIMIT_PER_ACCOUNT="2 per 15 minutes")
    email = add_user(app, "adviser")
    for _ in range(4):
        assert login(app.test_client(), email).status_code == 302
    close_app(app)


def test_rate_limit_storage_is_configurable(tmp_path, monkeypatch):
    monkeypatch.setenv("KB_RATELIMIT_STORAGE_URI", "memory://")
    app = make_curation_app(tmp_path)
    assert app.config["RATELIMIT_STORAGE_URI"] == "memory://"
    close_app(app)


# -- the users command --------------------------------------------------------------------

def test_users_cli(capp):
    runner = capp.test_cli_runner()
    result = runner.invoke(args=["users", "create", "Ada@Exempel.se", "--role", "adviser", "--password-stdin"],
                           input=PASSWORD + "\n")
    assert result.exit_code == 0, result.output
    result = runner.invoke(args=["users", "create", "bo@exempel.se", "--role", "admin"],
                           input="blå stolar på taket\nblå stolar på taket\n")
    assert result.exit_code == 0, result.output
    weak = runner.invoke(args=["users", "create", "cy@exempel.se", "--role", "contributor", "--password-stdin"],
                         input="password1234\n")
    assert weak.exit_code == 1 and ("common" in weak.output.lower() or "vanligt" in weak.output.lower())
    duplicate = runner.invoke(args=["users", "create", "ada@exempel.se", "--role", "adviser", "--password-stdin"],
                              input=PASSWORD + "\n")
    assert duplicate.exit_code == 1
    bad_role = runner.invoke(args=["users", "create", "dy@exempel.se", "--role", "king", "--password-stdin"],
                             input=PASSWORD + "\n")
    assert bad_role.exit_code == 2

    listing = runner.invoke(args=["users", "list"]).output
    assert "ada@exempel.se\tadviser\tactive" in listing and "bo@exempel.se\tadmin\tactive" in listing

    client = capp.test_client()
    login(client, "ada@exempel.se")
    assert runner.invoke(args=["users", "set-role", "ada@exempel.se", "contributor"]).exit_code == 0
    assert runner.invoke(args=["users", "disable", "ada@exempel.se"]).exit_code == 0
    assert client.get("/admin/").status_code == 302  # the session ended with the account
    assert "ada@exempel.se\tcontributor\tdisabled" in runner.invoke(args=["users", "list"]).output
    assert runner.invoke(args=["users", "disable", "nobody@exempel.se"]).exit_code == 1
    # The last admin keeps the role.
    assert runner.invoke(args=["users", "set-role", "bo@exempel.se", "adviser"]).exit_code == 1
    assert [(e.actor, e.detail) for e in _events(capp, "role_change")] == [("command line", "adviser → contributor")]
    assert len(_events(capp, "user_create")) == 2 and len(_events(capp, "user_disable")) == 1


def test_admins_manage_accounts_in_the_browser(capp):
    admin_email = add_user(capp, "admin")
    client = capp.test_client()
    login(client, admin_email)
    weak = client.post("/admin/users/", data={"email": "ny@exempel.se", "role": "adviser", "password": "kort"})
    assert weak.status_code == 422 and 'href="#password"' in weak.get_data(as_text=True)
    assert client.post("/admin/users/", data={"email": "ny@exempel.se", "role": "adviser",
                                              "password": "blå stolar på taket"}).status_code == 302
    with capp.app_context():
        user_id = accounts.find_user("ny@exempel.se").id
    client.post(f"/admin/users/{user_id}/role", data={"role": "contributor"})
    client.post(f"/admin/users/{user_id}/disable")
    with capp.app_context():
        user = db.session.get(m.User, user_id)
        assert (user.role, user.active) == ("contributor", False)
    roles = _events(capp, "role_change")
    assert [(e.actor, e.target_label, e.detail) for e in roles] == [(admin_email, "ny@exempel.se",
                                                                     "adviser → contributor")]
    html = client.get("/admin/audit/?action=role_change").get_data(as_text=True)
    assert "ny@exempel.se" in html and "adviser → contributor" in html
