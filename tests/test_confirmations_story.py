"""Keeping it true from the advisers' side: the upkeep pages are for advisers, every upkeep
form refuses a missing CSRF token, a new contact address starts afresh, the pages pass the
accessibility checks, and the whole story as one test. Names and addresses are fictional."""

from __future__ import annotations

import re

import pytest
from babel.dates import format_date
from sqlalchemy import select

from knowledgebase import freshness
from knowledgebase import models as m
from knowledgebase.extensions import db
from knowledgebase.models.base import now_utc
from tests.curation_support import (
    PASSWORD,
    STATE_CHANGING,
    accessibility_problems,
    add_user,
    csrf_token,
    logged_in_client,
    run_queued_job,
)
from tests.confirmations_support import (
    BASE,
    TODAY,
    enterprise,
    entry_row,
    in_english,
    link_in,
    send_request,
    text_of,
)


# -- the advisers' pages, forms and the whole story --------------------------------------

def test_upkeep_pages_are_for_advisers(mail_app):
    entry_id = enterprise(mail_app)
    contributor = logged_in_client(mail_app, "contributor")
    for path in ("/admin/upkeep", f"/admin/upkeep/entries/{entry_id}"):
        assert contributor.get(path).status_code == 403
    assert contributor.post(f"/admin/upkeep/requests/{entry_id}").status_code == 403
    assert contributor.post("/admin/upkeep/requests/county", data={"county-county": "06"}).status_code == 403
    assert mail_app.test_client().get("/admin/upkeep").status_code == 302
    admin = in_english(logged_in_client(mail_app, "admin"))
    html = admin.get("/admin/upkeep").get_data(as_text=True)
    assert accessibility_problems(html) == []
    assert 'href="/admin/upkeep"' in admin.get("/admin/").get_data(as_text=True)


def test_forms_refuse_a_missing_csrf_token(tmp_path, mailbox):
    from tests.apps import close_app, make_curation_app

    app = make_curation_app(tmp_path, WTF_CSRF_ENABLED=True, MAIL_SERVER="127.0.0.1", MAIL_PORT=mailbox.port,
                            BASE_URL=BASE)
    try:
        email = add_user(app, "adviser")
        client = app.test_client()
        token = csrf_token(client.get("/auth/login").get_data(as_text=True))
        response = client.post("/auth/login", data={"email": email, "password": PASSWORD, "csrf_token": token})
        assert response.status_code == 302
        entry_id = enterprise(app)
        assert client.post(f"/admin/upkeep/requests/{entry_id}").status_code == 400
        page = client.get("/admin/upkeep").get_data(as_text=True)
        response = client.post(f"/admin/upkeep/requests/{entry_id}", data={"csrf_token": csrf_token(page)})
        assert response.status_code == 302
        link = link_in(mailbox.messages[0]).replace(BASE, "")
        public = app.test_client()
        assert public.post(link, data={"confirm_all": "1"}).status_code == 400
        form = public.get(link).get_data(as_text=True)
        assert public.post(link, data={"confirm_all": "1", "csrf_token": csrf_token(form)}).status_code == 302
    finally:
        close_app(app)


def test_keeping_it_true_end_to_end(mail_app, mailbox):
    """An adviser asks a county; one enterprise confirms in one click, another corrects its
    phone number; after review the public pages show the new dates and the correction; a
    stale entry says "not confirmed since"; a subscriber to Vetlanda hears of a new
    enterprise there."""
    month = format_date(TODAY, "LLLL y", locale="en")
    old = freshness.months_before(TODAY, 13)
    fixarna = enterprise(mail_app, slug="fiktiva-fixarna", title={"sv": "Fiktiva Fixarna"},
                         email="fixarna@example.org", last_verified=old)
    bagarna = enterprise(mail_app, slug="fiktiva-bagarna", title={"sv": "Fiktiva Bagarna"},
                         email="bagarna@example.org", phone="036-33 33 33", last_verified=old)
    enterprise(mail_app, slug="fiktiva-gamla", title={"sv": "Fiktiva Gamla"}, email="", last_verified=old)
    public = mail_app.test_client()
    assert "Not confirmed since" in public.get("/en/enterprises/fiktiva-bagarna").get_data(as_text=True)

    # A reader follows Vetlanda (double opt-in).
    public.post("/sv/alerts", data={"email": "foljare@example.org", "municipality": "0685"})
    confirm = re.search(r"/sv/alerts/confirm/\S+", text_of(mailbox.to("foljare@example.org")[0])).group(0)
    assert public.post(confirm).status_code == 200

    # The adviser asks every enterprise in Jönköpings län.
    adviser = logged_in_client(mail_app, "adviser")
    run_queued_job(mail_app, adviser, adviser.post("/admin/upkeep/requests/county", data={"county-county": "06"}))
    [to_fixarna] = mailbox.to("fixarna@example.org")
    [to_bagarna] = mailbox.to("bagarna@example.org")

    # One confirms in one click; the other corrects its phone number.
    assert public.post(link_in(to_fixarna), data={"confirm_all": "1"}).status_code == 302
    assert public.post(link_in(to_bagarna), data={
        "send_changes": "1", "email": "bagarna@example.org", "phone": "036-44 44 44",
        "municipalities": ["0680"]}).status_code == 302
    assert "036-44 44 44" not in public.get("/en/enterprises/fiktiva-bagarna").get_data(as_text=True)

    # The adviser reviews the correction from the upkeep page.
    upkeep = adviser.get("/admin/upkeep").get_data(as_text=True)
    review = re.search(r'href="(/admin/upkeep/changes/\d+)"', upkeep).group(1)
    assert "036-44 44 44" in adviser.get(review).get_data(as_text=True)
    version = entry_row(mail_app, bagarna).version
    assert adviser.post(review + "/apply", data={"version": str(version)}).status_code == 302

    page = public.get("/en/enterprises/fiktiva-bagarna").get_data(as_text=True)
    assert "036-44 44 44" in page and "036-33 33 33" not in page
    assert f"Confirmed by the enterprise, {month}" in page and "Not confirmed since" not in page
    page = public.get("/en/enterprises/fiktiva-fixarna").get_data(as_text=True)
    assert f"Confirmed by the enterprise, {month}" in page and "Not confirmed since" not in page
    page = public.get("/en/enterprises/fiktiva-gamla").get_data(as_text=True)
    assert f"Not confirmed since {format_date(old, 'LLLL y', locale='en')}" in page
    listing = public.get("/en/enterprises/?fresh=1").get_data(as_text=True)
    assert "Fiktiva Fixarna" in listing and "Fiktiva Bagarna" in listing and "Fiktiva Gamla" not in listing
    with mail_app.app_context():
        assert {e.id for e in db.session.scalars(select(m.Entry))} >= {fixarna, bagarna}

    # A new enterprise in Vetlanda is written, reviewed and published: the follower hears of it.
    response = adviser.post("/admin/entries/new/enterprise", data={
        "title_sv": "Fiktiva Vetlandasnickarna", "slug": "fiktiva-vetlandasnickarna",
        "summary_sv": "Ett påhittat snickeri i Vetlanda.", "municipalities": ["0685"],
        "sources": "Fiktiv källa | https://example.org/kalla"})
    new_id = int(response.headers["Location"].rsplit("/", 1)[1])
    for action in ("submit", "publish"):
        adviser.post(f"/admin/entries/{new_id}/status",
                     data={"action": action, "version": str(entry_row(mail_app, new_id).version)})
    assert entry_row(mail_app, new_id).status == "published"
    [alert] = [message for message in mailbox.to("foljare@example.org") if "Vetlandasnickarna" in message["Subject"]]
    assert f"{BASE}/sv/enterprises/fiktiva-vetlandasnickarna" in text_of(alert)
    assert alert["List-Unsubscribe"].startswith(f"<{BASE}/sv/unsubscribe/alerts/")


def test_an_adviser_sets_the_contact_and_a_new_address_starts_afresh(mail_app, mailbox, adviser):
    entry_id = enterprise(mail_app)
    with mail_app.app_context():
        db.session.add(m.EntryUpkeep(entry_id=entry_id, reminders_off_at=now_utc()))
        db.session.commit()
    response = adviser.post(f"/admin/upkeep/entries/{entry_id}", data={
        "contact-email": "kontakt@fiktiva.example.org", "contact-lang": "en", "contact-submit": "1"})
    assert response.status_code == 302
    with mail_app.app_context():
        row = db.session.get(m.EntryUpkeep, entry_id)
        assert (row.email, row.lang, row.reminders_off_at) == ("kontakt@fiktiva.example.org", "en", None)
    send_request(mail_app, adviser, entry_id)
    assert [message["To"] for message in mailbox.messages] == ["kontakt@fiktiva.example.org"]
    bad = adviser.post(f"/admin/upkeep/entries/{entry_id}", data={
        "contact-email": "inte en adress", "contact-lang": "sv", "contact-submit": "1"})
    assert bad.status_code == 422 and "There is a problem" in bad.get_data(as_text=True)


# The upkeep routes of the list of every state-changing route.
POSTS = {endpoint: path for endpoint, path in STATE_CHANGING.items()
         if endpoint.startswith(("admin.upkeep_", "public.confirm_", "public.alerts_", "public.report_outdated"))}


def test_every_upkeep_form_refuses_a_missing_csrf_token(tmp_path, mailbox):
    """All but unsubscribing, which mail programs post to directly (RFC 8058) and which
    carries its own proof (an HMAC in the link)."""
    from tests.apps import close_app, make_curation_app

    app = make_curation_app(tmp_path, WTF_CSRF_ENABLED=True, MAIL_SERVER="127.0.0.1", MAIL_PORT=mailbox.port)
    try:
        ours = {rule.endpoint for rule in app.url_map.iter_rules() if "POST" in rule.methods
                and ("upkeep" in rule.rule or rule.endpoint in POSTS or rule.endpoint == "public.unsubscribe")}
        assert ours == set(POSTS) | {"public.unsubscribe"}
        email = add_user(app, "admin")
        client = app.test_client()
        token = csrf_token(client.get("/auth/login").get_data(as_text=True))
        assert client.post("/auth/login", data={"email": email, "password": PASSWORD,
                                                "csrf_token": token}).status_code == 302
        entry_id = enterprise(app, slug="fiktiv-csrf")
        for endpoint, path in POSTS.items():
            response = client.post(path.format(entry=entry_id, slug="fiktiv-csrf"),
                                   data={"county-county": "06", "email": "x@example.org", "municipality": "0685"})
            assert response.status_code == 400, endpoint
        assert mailbox.messages == []
    finally:
        close_app(app)


@pytest.mark.browser
def test_upkeep_pages_pass_axe_and_the_html_checker(mail_app, mailbox, adviser, tmp_path):
    """The pages no public list reaches (they need a link or an account), in a real browser."""
    import tempfile

    from tests.browser import AXE_JS, CHROMIUM, CHROMIUM_ARGS, VNU_JAR, LiveServer, require, run_axe, run_vnu

    require(CHROMIUM, "Chromium")
    require(AXE_JS, "axe-core")
    require(VNU_JAR, "vnu.jar")
    from playwright.sync_api import sync_playwright

    entry_id = enterprise(mail_app, org_number="556016-0680", services=["cleaning"], reserved_contracts=True,
                          reserved_share=40, certifications=["Fiktiv märkning"])
    changed_id = enterprise(mail_app, email="andra@fiktiva.example.org")
    send_request(mail_app, adviser, entry_id)
    send_request(mail_app, adviser, changed_id)
    confirm = link_in(mailbox.to("info@fiktiva.example.org")[0])
    mail_app.test_client().post(link_in(mailbox.to("andra@fiktiva.example.org")[0]), data={
        "send_changes": "1", "email": "andra@fiktiva.example.org", "phone": "036-99 99 99",
        "municipalities": ["0680"]})
    with mail_app.app_context():
        request_id = db.session.scalars(select(m.ConfirmationRequest.id).where(
            m.ConfirmationRequest.outcome == "changes")).one()
    pages = {
        "admin-upkeep": "/admin/upkeep",
        "admin-entry": f"/admin/upkeep/entries/{entry_id}",
        "admin-changes": f"/admin/upkeep/changes/{request_id}",
    }
    public = {"confirm-sv": confirm, "confirm-en": confirm.replace("/sv/", "/en/", 1)}
    files = []
    for name, path in {**pages, **public}.items():
        client = adviser if name.startswith("admin") else mail_app.test_client()
        file = tmp_path / f"{name}.html"
        file.write_bytes(client.get(path).data)
        files.append(file)
    errors = [f'{e["url"].rsplit("/", 1)[1]}:{e.get("lastLine")}: {e["message"]}' for e in run_vnu(files)]
    assert not errors, "\n".join(errors)
    email = add_user(mail_app, "adviser")
    with LiveServer(mail_app) as server, sync_playwright() as playwright, tempfile.TemporaryDirectory() as profile:
        context = playwright.chromium.launch_persistent_context(
            profile, executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True, bypass_csp=True)
        page = context.new_page()
        failures = {}
        for name, path in public.items():
            page.goto(server.url + path)
            failures[name] = run_axe(page)
        page.goto(server.url + "/auth/login")
        page.fill("#email", email)
        page.fill("#password", PASSWORD)
        page.click("#submit")
        page.wait_for_url("**/admin/")
        for name, path in pages.items():
            page.goto(server.url + path)
            failures[name] = run_axe(page)
        context.close()
    assert {name: found for name, found in failures.items() if found} == {}
