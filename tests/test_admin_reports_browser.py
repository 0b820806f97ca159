"""The editorial area in a real browser, and accessibility reports from the public handled by
advisers. Names and addresses are fictional."""

from __future__ import annotations

from pathlib import Path

import pytest

from knowledgebase import models as m
from knowledgebase.content_types import CONTENT_TYPES
from knowledgebase.extensions import db
from knowledgebase.services.curation import suggestions
from tests.apps import close_app, make_curation_app
from tests.admin_support import accessibility_report, entry_with_revisions, waiting_suggestion
from tests.curation_support import (
    PASSWORD,
    accessibility_problems,
    add_entry,
    add_user,
    csrf_token,
    entry_state,
    logged_in_client,
)


# -- accessibility reports ------------------------------------------------------------------


def test_a_reader_reports_an_accessibility_problem_and_an_adviser_closes_it(capp):
    reader = capp.test_client()
    statement = reader.get("/en/accessibility?page=/en/buyers").get_data(as_text=True)
    assert 'id="report"' in statement and 'value="/en/buyers"' in statement
    assert accessibility_problems(statement) == []
    # An empty description is refused in the reader's language, and what was typed stays.
    refused = reader.post("/sv/accessibility", data={"message": " ", "page_url": "/sv/buyers"})
    html = refused.get_data(as_text=True)
    assert refused.status_code == 422 and 'role="alert"' in html and "Fyll i det här fältet." in html
    assert 'value="/sv/buyers"' in html and accessibility_problems(html) == []
    sent = reader.post("/en/accessibility", data={
        "message": "The filter buttons cannot be reached with the keyboard.", "page_url": "/en/buyers",
        "sender_name": "Fiktiv Läsare", "sender_email": "lasare@exempel.se"})
    assert sent.status_code == 302 and sent.headers["Location"].endswith("/en/accessibility?sent=1#report")
    assert "Thank you for your report." in reader.get(sent.headers["Location"]).get_data(as_text=True)
    with capp.app_context():
        report = db.session.scalar(db.select(m.Suggestion).where(m.Suggestion.kind == "accessibility"))
        assert (report.status, report.lang, report.page_url, report.sender_email, report.entry_id) == (
            "waiting", "en", "/en/buyers", "lasare@exempel.se", None)
        report_id = report.id
    # A robot that fills the trap is thanked and nothing is saved.
    trapped = reader.post("/sv/accessibility", data={"message": "Köp nu!", "homepage": "http://spam.example"})
    assert trapped.status_code == 302
    adviser = logged_in_client(capp, "adviser")
    queue = adviser.get("/admin/suggestions/").get_data(as_text=True)
    assert "Tillgänglighetsproblem" in queue
    detail = adviser.get(f"/admin/suggestions/{report_id}").get_data(as_text=True)
    assert "/en/buyers" in detail and "Markera som åtgärdad" in detail
    # A note is required; then the report is closed with it, and it cannot be closed twice.
    empty = adviser.post(f"/admin/suggestions/{report_id}/handled", data={"handled-note": ""})
    assert empty.status_code == 422 and 'id="handled-note-error"' in empty.get_data(as_text=True)
    done = adviser.post(f"/admin/suggestions/{report_id}/handled", data={"handled-note": "Fokusordningen rättad."})
    assert done.status_code == 302
    again = adviser.post(f"/admin/suggestions/{report_id}/handled", data={"handled-note": "Igen."})
    assert again.status_code == 302
    with capp.app_context():
        report = db.session.get(m.Suggestion, report_id)
        assert (report.status, report.moderator_note, report.result_entry_id) == (
            "accepted", "Fokusordningen rättad.", None)
        assert db.session.scalar(db.select(db.func.count()).select_from(m.Suggestion)) == 1
        actions = db.session.scalars(db.select(m.AuditEvent.action)).all()
        assert actions.count("suggestion_handled") == 1


def test_only_reports_are_closed_without_an_entry(capp):
    """A correction is taken up by editing its entry, never closed with a note alone."""
    ids = waiting_suggestion(capp)
    adviser = logged_in_client(capp, "adviser")
    response = adviser.post(f"/admin/suggestions/{ids['suggestion']}/handled", data={"handled-note": "Klart."})
    assert response.status_code == 302
    with capp.app_context():
        assert db.session.get(m.Suggestion, ids["suggestion"]).status == "waiting"


def test_dashboard_lists_what_needs_attention(capp):
    adviser = logged_in_client(capp, "adviser")
    mine = adviser.post("/admin/entries/new/glossary",
                        data={"title_sv": "Min fiktiva term", "slug": "min-term", "summary_sv": "P."})
    assert mine.status_code == 302
    add_entry(capp, "research", status="review", title={"sv": "Granskas fiktivt"})
    add_entry(capp, "research", status="published", title={"sv": "Gammal fiktiv"}, last_verified="2020-01-01")
    add_entry(capp, "research", status="published", title={"sv": "Aldrig verifierad"}, last_verified=None)
    with capp.app_context():
        entry = db.session.scalar(db.select(m.Entry).where(m.Entry.slug.like("fiktiv-research-%")))
        suggestions.create_suggestion("enterprise", "sv", name="Fiktivt förslag AB", message="Finns i Växjö.")
        db.session.commit()
        assert entry is not None
    html = adviser.get("/admin/").get_data(as_text=True)
    sections = {key: html[html.index(f'id="{key}"'):] for key in
                ("my-drafts", "in-review", "recently-published", "unverified", "suggestions")}
    assert "Min fiktiva term" in sections["my-drafts"].split("</section>")[0]
    assert "Granskas fiktivt" in sections["in-review"].split("</section>")[0]
    unverified = sections["unverified"].split("</section>")[0]
    assert "Gammal fiktiv" in unverified and "Aldrig verifierad" in unverified
    assert "Fiktivt förslag AB" in sections["suggestions"].split("</section>")[0]
    # Contributors do not moderate: no suggestions on their dashboard.
    assert 'id="suggestions"' not in logged_in_client(capp, "contributor").get("/admin/").get_data(as_text=True)


def test_interface_language_follows_the_choice_then_the_browser(capp):
    client = logged_in_client(capp, "adviser")
    assert '<html lang="en">' in client.get("/admin/", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert '<html lang="sv">' in client.get("/admin/", headers={"Accept-Language": "sv"}).get_data(as_text=True)
    assert '<html lang="sv">' in client.get("/admin/", headers={"Accept-Language": "de"}).get_data(as_text=True)
    client.post("/auth/language", data={"lang": "en", "next": "/admin/"})
    html = client.get("/admin/", headers={"Accept-Language": "sv"}).get_data(as_text=True)
    assert '<html lang="en">' in html and "Dashboard" in html


# -- in a real browser --------------------------------------------------------------------

ADMIN_PAGES = [
    "/admin/", "/admin/entries/", "/admin/entries/new", "/admin/entries/{entry}", "/admin/entries/{entry}/edit",
    "/admin/entries/{entry}/history", "/admin/entries/{entry}/compare?a={revision}&b=current",
    "/admin/entries/{entry}/delete", "/admin/suggestions/", "/admin/suggestions/{suggestion}",
    "/admin/suggestions/{report}", "/admin/users/", "/admin/audit/", "/admin/import", "/auth/password", "/sv/suggest", "/en/suggest?type=example&slug={slug}",
    "/sv/statistics",
    # The programme's follow-up (the seeded programme is in the taxonomy).
    "/admin/programmes/", "/admin/programmes/new", "/admin/programmes/social-ekonomi-for-okad-valfard/activities/new",
    "/admin/programmes/social-ekonomi-for-okad-valfard/followup", "/admin/people",
    # Enterprises' requests to manage their entries, and where a manager asks for a sign-in link.
    "/admin/claims/", "/admin/claims/?status=all", "/sv/manage/sign-in",
] + [f"/admin/entries/new/{ct.key}" for ct in CONTENT_TYPES]


@pytest.fixture(scope="module")
def browser_world(tmp_path_factory):
    """An app (CSRF on) with an admin, an entry with history, a suggestion and a published example."""
    app = make_curation_app(tmp_path_factory.mktemp("browser"), WTF_CSRF_ENABLED=True)
    email = add_user(app, "admin")
    ids = entry_with_revisions("published")(app)
    ids["suggestion"] = waiting_suggestion(app)["suggestion"]
    ids.update(accessibility_report(app))
    ids["slug"] = entry_state(app, add_entry(app, "example", status="published")).slug
    yield app, email, ids
    close_app(app)


def _browser_login(page, base_url: str, email: str) -> None:
    page.goto(base_url + "/auth/login")
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    page.click("#submit")
    page.wait_for_url("**/admin/")


@pytest.mark.browser
def test_admin_pages_pass_axe_and_work_with_javascript(browser_world):
    from tests.browser import AXE_JS, CHROMIUM, CHROMIUM_ARGS, LiveServer, require, run_axe

    require(CHROMIUM, "Chromium")
    require(AXE_JS, "axe-core")
    from playwright.sync_api import sync_playwright

    app, email, ids = browser_world
    with LiveServer(app) as server, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        # With the site's CSP: admin.js runs, and nothing is blocked or broken.
        page = browser.new_context().new_page()
        problems: list[str] = []
        page.on("pageerror", lambda error: problems.append(str(error)))
        page.on("console", lambda message: problems.append(message.text)
                if message.type == "error" and "status of 422" not in message.text else None)
        _browser_login(page, server.url, email)
        page.goto(server.url + "/admin/entries/new/enterprise")
        municipalities = page.locator("#municipalities")
        municipalities.locator("input[type=search]").fill("växj")
        visible = municipalities.locator(".choice:visible")
        assert visible.count() == 1 and "Växjö" in visible.inner_text()
        municipalities.locator("input[type=search]").fill("")
        assert municipalities.locator(".choice:visible").count() == 290
        # A failed save: the summary takes focus and its links lead to the fields.
        page.click("#save")
        page.wait_for_selector(".error-summary")
        # admin.js moves the focus once it runs, which may be just after the
        # summary is in the page: wait for it (a timeout fails the test).
        page.wait_for_function(
            "document.activeElement && document.activeElement.className === 'error-summary'",
            timeout=5000)
        page.click(".error-summary a[href='#title_sv']")
        assert page.evaluate("document.activeElement.id") == "title_sv"
        assert problems == []

        # axe-core is injected as a script, which the CSP forbids: check without it.
        page = browser.new_context(bypass_csp=True).new_page()
        _browser_login(page, server.url, email)
        failures = {}
        for path in ADMIN_PAGES:
            page.goto(server.url + path.format(**ids))
            violations = run_axe(page)
            if violations:
                failures[path] = violations
        browser.close()
    assert not failures, failures


@pytest.mark.browser
def test_admin_pages_are_valid_html(browser_world, tmp_path):
    from tests.browser import VNU_JAR, require, run_vnu

    require(VNU_JAR, "vnu.jar")
    app, email, ids = browser_world
    client = app.test_client()
    token = csrf_token(client.get("/auth/login").get_data(as_text=True))
    client.post("/auth/login", data={"email": email, "password": PASSWORD, "csrf_token": token})
    files = []
    for number, path in enumerate(ADMIN_PAGES + ["/auth/login?empty"]):
        file = tmp_path / f"admin-{number:02d}.html"
        response = (app.test_client() if path.startswith("/auth/login") else client).get(path.format(**ids))
        assert response.status_code == 200, path
        file.write_bytes(response.data)
        files.append(file)
    errors = run_vnu(files)
    assert not [(Path(e.get("url", "")).name, e.get("lastLine"), e.get("message")) for e in errors]
