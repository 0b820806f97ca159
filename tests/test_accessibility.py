"""Accessibility and valid HTML, proven in a real browser: axe-core (WCAG 2.1 A and AA) and the
Nu Html Checker on every page of ``tests/pages.py`` in both languages, keyboard use, every page
(public and editorial) at 320 px, the focus ring's contrast, and what prints."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest

from tests.browser import (
    AXE_JS,
    CHROMIUM,
    REFLOW_PROBE,
    VNU_JAR,
    LiveServer,
    contrast,
    focus_rings,
    log_in,
    open_page,
    require,
    run_axe,
    run_vnu,
)
from tests.apps import close_app, make_app
from tests.curation_support import PASSWORD, add_user, login
from tests.pages import (
    ADMIN_PAGES,
    ANONYMOUS_ADMIN_PAGES,
    PUBLIC_PAGES,
    entry_pages,
    expand,
    expand_admin,
    prepare_admin_site,
)

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def playwright():
    require(CHROMIUM, "Chromium")
    require(AXE_JS, "axe-core")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as running:
        yield running


@pytest.fixture(scope="module")
def browser_page(seeded_app, playwright):
    with LiveServer(seeded_app) as server, tempfile.TemporaryDirectory() as profile:
        page = open_page(playwright, profile, server.url)
        yield page
        page.context.close()


@pytest.fixture(scope="module")
def admin_page(playwright, tmp_path_factory):
    """A page logged in as an administrator on a seeded app of its own (the shared seeded app
    is read-only), with an edited entry, a suggestion and changes waiting; ``page.ids`` names
    them for ``ADMIN_PAGES``."""
    app = make_app(tmp_path_factory.mktemp("editorial"), seeded=True, WTF_CSRF_ENABLED=False)
    email = add_user(app, "admin")
    client = app.test_client()
    login(client, email)
    ids = prepare_admin_site(app, client)
    with LiveServer(app) as server, tempfile.TemporaryDirectory() as profile:
        page = open_page(playwright, profile, server.url)
        log_in(page, email, PASSWORD)
        # The administrator is a fictional enterprise's manager too (prepare_admin_site).
        page.goto(f"{server.url}/sv/manage/sign-in/{ids['manager_link']}")
        page.click("#submit")
        page.ids = ids
        yield page
        page.context.close()
    close_app(app)


def test_every_page_passes_axe(seeded_app, browser_page):
    failures = {}
    for path in expand(PUBLIC_PAGES, seeded_app) + entry_pages(seeded_app, tables_only=True):
        browser_page.goto(browser_page.base_url + path)
        violations = run_axe(browser_page)
        if violations:
            failures[path] = violations
    assert not failures, failures


def test_every_page_is_valid_html(seeded_app, tmp_path):
    require(VNU_JAR, "vnu.jar")
    client = seeded_app.test_client()
    files = []
    for number, path in enumerate(expand(PUBLIC_PAGES, seeded_app) + entry_pages(seeded_app, tables_only=True)):
        file = tmp_path / f"page-{number:03d}.html"
        file.write_bytes(client.get(path).data)
        files.append(file)
    errors = run_vnu(files)
    by_page = {}
    for error in errors:
        name = Path(error.get("url", "")).name
        by_page.setdefault(name, []).append(f"{error.get('lastLine')}: {error.get('message')}")
    assert not by_page, by_page


def test_every_editorial_page_passes_axe_and_is_valid_html(browser_page, admin_page, tmp_path):
    require(VNU_JAR, "vnu.jar")
    visits = [(browser_page, path) for path in ANONYMOUS_ADMIN_PAGES]
    visits += [(admin_page, path) for path in expand_admin(ADMIN_PAGES, admin_page.ids)]
    failures, files = {}, {}
    for number, (page, path) in enumerate(visits):
        response = page.goto(page.base_url + path)
        file = tmp_path / f"editorial-{number:03d}.html"
        file.write_text(response.text(), encoding="utf-8")  # as served, before axe is injected
        files[file.name] = path
        violations = run_axe(page)
        if violations:
            failures[path] = violations
    for error in run_vnu([tmp_path / name for name in files]):
        path = files.get(Path(error.get("url", "")).name, "?")
        failures.setdefault(path, []).append(f"{error.get('lastLine')}: {error.get('message')}")
    assert not failures, failures


def test_first_tab_reaches_the_skip_link(browser_page):
    browser_page.goto(browser_page.base_url + "/sv/")
    browser_page.keyboard.press("Tab")
    focused = browser_page.evaluate("document.activeElement.getAttribute('href')")
    assert focused == "#main"
    browser_page.keyboard.press("Enter")
    assert browser_page.evaluate("location.hash") == "#main"


def test_search_and_filters_work_by_keyboard(browser_page):
    browser_page.goto(browser_page.base_url + "/sv/")
    browser_page.focus("#site-search-q")
    browser_page.keyboard.type("kooperativ")
    with browser_page.expect_navigation():
        browser_page.keyboard.press("Enter")
    assert "/sv/search" in browser_page.url and "q=kooperativ" in browser_page.url

    browser_page.goto(browser_page.base_url + "/sv/enterprises/")
    browser_page.focus("#filter-county")
    browser_page.keyboard.press("ArrowDown")  # the first county after "All counties"
    chosen = browser_page.evaluate("document.querySelector('#filter-county').value")
    assert chosen
    # Tab on to the submit button and press it.
    for _ in range(10):
        browser_page.keyboard.press("Tab")
        if browser_page.evaluate("document.activeElement.type") == "submit":
            break
    with browser_page.expect_navigation():
        browser_page.keyboard.press("Enter")
    assert f"county={chosen}" in browser_page.url


def test_every_page_fits_320_px(seeded_app, browser_page, admin_page):
    """At 320 px (and so at 400 % zoom of 1280 px) no page, public or editorial, scrolls
    sideways; a wide table scrolls in its own focusable box named by its caption."""
    public = expand(PUBLIC_PAGES, seeded_app)
    public += [path for path in entry_pages(seeded_app) if path not in public]
    visits = [(browser_page, path) for path in public + ANONYMOUS_ADMIN_PAGES]
    visits += [(admin_page, path) for path in expand_admin(ADMIN_PAGES, admin_page.ids)]
    failures = {}
    for page in (browser_page, admin_page):
        page.set_viewport_size({"width": 320, "height": 800})
    try:
        for page, path in visits:
            page.goto(page.base_url + path)
            found = page.evaluate(REFLOW_PROBE)
            if found["width"] > found["viewport"] or found["problems"]:
                failures[path] = found
    finally:
        for page in (browser_page, admin_page):
            page.set_viewport_size({"width": 1280, "height": 800})
    assert len(visits) > 100
    assert not failures, failures


def test_wide_tables_scroll_in_their_own_box_at_320_px(admin_page):
    """The accounts table is wider than 320 px: its box scrolls, by keyboard too, and the page
    does not."""
    admin_page.set_viewport_size({"width": 320, "height": 800})
    try:
        admin_page.goto(admin_page.base_url + "/admin/users/")
        box = admin_page.locator(".table-scroll").first
        assert box.evaluate("box => box.scrollWidth > box.clientWidth")
        assert box.get_attribute("role") == "region"
        assert admin_page.locator("#" + box.get_attribute("aria-labelledby")).inner_text().strip()
        box.focus()
        admin_page.keyboard.press("ArrowRight")
        admin_page.wait_for_function("document.querySelector('.table-scroll').scrollLeft > 0")
        assert admin_page.evaluate("document.documentElement.scrollWidth <= innerWidth")
    finally:
        admin_page.set_viewport_size({"width": 1280, "height": 800})


def test_the_focus_ring_stands_out_from_every_background(browser_page, admin_page):
    """Every element that takes focus by Tab, in the header, the navigation, the body and the
    footer, shows an outline of at least 2 px with 3:1 contrast against the background around
    it (WCAG 2.4.7 and 1.4.11)."""
    rings, failures = [], []
    for page, path in ((browser_page, "/sv/"), (browser_page, "/en/enterprises/"),
                       (browser_page, "/sv/procurement/route-guide"), (browser_page, "/auth/login"),
                       (admin_page, "/admin/users/"), (admin_page, "/admin/entries/")):
        page.goto(page.base_url + path)
        for ring in focus_rings(page):
            rings.append(ring)
            ratios = [contrast(ring["colour"], background) for background in ring["backgrounds"]]
            if ring["style"] == "none" or ring["width"] < 2 or not ratios or min(ratios) < 3:
                failures.append((path, ring["region"], ring["what"], ring["colour"], ring["backgrounds"]))
    assert {"header", "navigation", "body", "footer"} <= {ring["region"] for ring in rings}
    assert len(rings) > 100
    assert not failures, "\n".join(map(str, failures))


def test_nothing_interactive_prints(seeded_app, browser_page):
    """Printed pages carry no buttons, fields or forms: not "Add to shortlist", not filters."""
    slug = expand(["{enterprise}"], seeded_app)[0]
    browser_page.goto(browser_page.base_url + f"/sv/enterprises/{slug}")
    with browser_page.expect_navigation():
        browser_page.click(".buyer-actions button")  # put it on the shortlist, to print that too
    printed = {}
    try:
        for path in (f"/sv/enterprises/{slug}", f"/en/enterprises/{slug}/capability", "/sv/shortlist",
                     "/sv/buyers?service=90", "/sv/whats-new", "/sv/procurement/route-guide", "/sv/suggest",
                     "/sv/enterprises/"):
            browser_page.goto(browser_page.base_url + path)
            browser_page.emulate_media(media="screen")
            on_screen = browser_page.evaluate(INTERACTIVE)
            browser_page.emulate_media(media="print")
            printed[path] = browser_page.evaluate(INTERACTIVE)
            assert on_screen, path  # the check sees them on screen
    finally:
        browser_page.emulate_media(media="screen")
    assert not any(printed.values()), printed


INTERACTIVE = """() => [...document.querySelectorAll(
  'button, input:not([type=hidden]), select, textarea, [role=button], summary[tabindex]')]
  .filter(el => el.checkVisibility()).map(el => el.outerHTML.slice(0, 100))"""


def test_no_request_leaves_the_site(seeded_app, browser_page):
    """Fonts, scripts, styles and images all come from the site itself."""
    requested = []

    def record(request) -> None:
        requested.append(request.url)

    browser_page.on("request", record)
    try:
        for path in expand(["/{lang}/", "/{lang}/enterprises/{enterprise}", "/{lang}/search?q=stad"], seeded_app):
            browser_page.goto(browser_page.base_url + path)
    finally:
        browser_page.remove_listener("request", record)
    outside = [url for url in requested if not url.startswith(browser_page.base_url)]
    assert requested and not outside, outside


def test_print_shows_the_logo_and_hides_navigation(browser_page):
    browser_page.goto(browser_page.base_url + "/sv/glossary/")
    browser_page.emulate_media(media="print")
    try:
        visible = browser_page.evaluate("""() => ({
            logo: getComputedStyle(document.querySelector('.brand img')).display,
            nav: getComputedStyle(document.querySelector('.main-nav')).display,
            search: getComputedStyle(document.querySelector('.site-search')).display,
        })""")
    finally:
        browser_page.emulate_media(media="screen")
    assert visible["logo"] != "none"
    assert visible["nav"] == "none" and visible["search"] == "none"
