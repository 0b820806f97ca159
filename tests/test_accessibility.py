"""Accessibility and valid HTML, proven in a real browser: axe-core (WCAG 2.1 A and AA) and the
Nu Html Checker on every page of ``tests/pages.py`` in both languages, and keyboard use."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest

from tests.browser import AXE_JS, CHROMIUM, CHROMIUM_ARGS, VNU_JAR, LiveServer, require, run_axe, run_vnu
from tests.pages import PUBLIC_PAGES, expand

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def browser_page(seeded_app):
    require(CHROMIUM, "Chromium")
    require(AXE_JS, "axe-core")
    from playwright.sync_api import sync_playwright

    with LiveServer(seeded_app) as server, sync_playwright() as playwright, \
            tempfile.TemporaryDirectory() as profile:
        context = playwright.chromium.launch_persistent_context(
            profile, executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True,
            bypass_csp=True,  # axe is injected as a script; the site's own CSP forbids that
        )
        page = context.new_page()
        page.base_url = server.url
        yield page
        context.close()


def test_every_page_passes_axe(seeded_app, browser_page):
    failures = {}
    for path in expand(PUBLIC_PAGES, seeded_app):
        browser_page.goto(browser_page.base_url + path)
        violations = run_axe(browser_page)
        if violations:
            failures[path] = violations
    assert not failures, failures


def test_every_page_is_valid_html(seeded_app, tmp_path):
    require(VNU_JAR, "vnu.jar")
    client = seeded_app.test_client()
    files = []
    for number, path in enumerate(expand(PUBLIC_PAGES, seeded_app)):
        file = tmp_path / f"page-{number:03d}.html"
        file.write_bytes(client.get(path).data)
        files.append(file)
    errors = run_vnu(files)
    by_page = {}
    for error in errors:
        name = Path(error.get("url", "")).name
        by_page.setdefault(name, []).append(f"{error.get('lastLine')}: {error.get('message')}")
    assert not by_page, by_page


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


def test_layout_fits_a_narrow_screen(browser_page):
    """At 320 px (and so at 400 % zoom of 1280 px) nothing scrolls sideways."""
    browser_page.set_viewport_size({"width": 320, "height": 800})
    try:
        for path in ("/sv/", "/en/enterprises/", "/sv/glossary/"):
            browser_page.goto(browser_page.base_url + path)
            overflow = browser_page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
            assert overflow <= 0, (path, overflow)
    finally:
        browser_page.set_viewport_size({"width": 1280, "height": 800})


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
