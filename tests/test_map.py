"""The map of the region's municipalities: its shapes file, its counts against counts made
independently (seeded site and a fictional import of 200 enterprises, for each thing it can
count), zero marked by more than a shade, the table beside it, where it is shown, and its
links followed with the keyboard in a real browser."""

from __future__ import annotations

import json
import re
import tempfile
from html import unescape

import pytest
from sqlalchemy import select

from knowledgebase import models as m
from knowledgebase.extensions import db
from knowledgebase.services.statistics.region_map import MAP_FILE, legend_classes
from tests.browser import CHROMIUM, LiveServer, open_page, require
from tests.statistics_support import REGION, expected_map, import_fictional

AREA = re.compile(r'<a href="/(?:sv|en)/municipalities/(\d{4})" aria-label="([^"]+): (\d+)">\s*<path d="[^"]+" '
                  r'fill="([^"]+)"[^>]*?(stroke-dasharray="3 2")?/>')
ROW = re.compile(r'<tr><th scope="row"><a href="/(?:sv|en)/municipalities/(\d{4})">[^<]+</a></th>'
                 r'<td class="num">(\d+)</td></tr>')


def _map(html: str) -> dict[str, tuple[int, str, bool]]:
    """{code: (count, fill, dashed)} of the map's areas in ``html``."""
    return {code: (int(count), fill, bool(dashed)) for code, _name, count, fill, dashed in AREA.findall(html)}


def _table(html: str) -> dict[str, int]:
    start = html.index('id="region-map-table"')
    return {code: int(count) for code, count in ROW.findall(html[start:html.index("</table>", start)])}


def _check(client, query: str, expected: dict[str, int]) -> None:
    html = client.get(f"/sv/{query}").get_data(as_text=True)
    areas = _map(html)
    assert {code: count for code, (count, _fill, _dashed) in areas.items()} == expected, query
    assert _table(html) == expected, query
    for code, (count, fill, dashed) in areas.items():
        # Zero: the hatched pattern and a dashed outline; otherwise a shade and a solid outline.
        assert (fill == "url(#region-map-zero)" and dashed) if count == 0 else (fill.startswith("#") and not dashed)
    assert f'<td class="num">{sum(expected.values())}</td></tr></tfoot>' in html


@pytest.fixture
def fictional_app(app, tmp_path):
    import_fictional(app, tmp_path / "fiktiva.yaml")
    return app


def test_the_shapes_file_has_the_34_municipalities_of_the_four_counties(app):
    data = json.loads(MAP_FILE.read_text(encoding="utf-8"))
    with app.app_context():
        region = dict(db.session.execute(select(m.Municipality.code, m.Municipality.county_code).where(
            m.Municipality.county_code.in_(REGION))).all())
    assert len(region) == 34
    assert {mu["code"]: mu["county"] for mu in data["municipalities"]} == region
    for mu in data["municipalities"]:
        assert re.fullmatch(r"(M[\d. L-]+Z)+", mu["path"]), mu["code"]
        left, top, right, bottom = mu["box"]
        assert left <= mu["label"][0] <= right and top <= mu["label"][1] <= bottom, mu["code"]
    assert "Valmyndigheten" in data["attribution"]["sv"] and MAP_FILE.stat().st_size < 40_000


def test_the_map_on_the_seeded_site_matches_the_database(seeded_app):
    client = seeded_app.test_client()
    with seeded_app.app_context():
        expected = {"": expected_map(), "?map=reserved": expected_map("reserved"),
                    "?map=service:cleaning": expected_map("service", "cleaning"),
                    "?map=example": expected_map("example"), "?map=network": expected_map("network")}
    for query, counts in expected.items():
        _check(client, query, counts)
    assert sum(expected[""].values()) > 0


def test_the_map_after_an_import_of_200_enterprises_matches_the_database(fictional_app):
    client = fictional_app.test_client()
    with fictional_app.app_context():
        expected = {"": expected_map(), "?map=reserved": expected_map("reserved"),
                    "?map=service:catering-cafe": expected_map("service", "catering-cafe"),
                    "?map=service:removals": expected_map("service", "removals"), "?map=example": expected_map("example")}
    assert sum(expected[""].values()) >= 200 and 0 in expected[""].values()
    assert sum(expected["?map=service:removals"].values()) == 0  # nobody offers it: every area hatched
    for query, counts in expected.items():
        _check(client, query, counts)


def test_the_map_is_on_the_home_buyers_and_county_pages(seeded_client):
    for url in ("/sv/", "/en/", "/sv/buyers", "/sv/buyers?service=90&map=reserved"):
        html = seeded_client.get(url).get_data(as_text=True)
        assert len(_map(html)) == 34, url
        assert "Valmyndigheten" in html and 'role="group"' in html
    kalmar = _map(seeded_client.get("/sv/counties/08").get_data(as_text=True))
    assert len(kalmar) == 12 and all(code.startswith("08") for code in kalmar)
    assert 'id="region-map"' not in seeded_client.get("/sv/counties/01").get_data(as_text=True)
    # The buyers' page keeps its search when the map's choice changes.
    buyers = seeded_client.get("/sv/buyers?service=90&reserved=1").get_data(as_text=True)
    assert '<input type="hidden" name="service" value="90">' in buyers
    assert '<input type="hidden" name="reserved" value="1">' in buyers


def test_the_form_lists_every_choice_and_a_wrong_one_is_refused_in_words(seeded_client):
    html = seeded_client.get("/en/?map=reserved").get_data(as_text=True)
    assert '<option value="reserved" selected>' in html
    assert '<option value="service:cleaning">' in html and '<option value="glossary">' in html
    for bad in ("nonsense", "service:no-such-service", "service:" + "x" * 300, "draft"):
        response = seeded_client.get("/en/", query_string={"map": bad})
        assert response.status_code == 400
        assert "Unknown filter value: map=" in unescape(response.get_data(as_text=True))


def test_legend_classes_cover_one_to_the_largest_count_without_gaps():
    assert legend_classes(0) == ()
    assert [c.text for c in legend_classes(2)] == ["1", "2"]
    classes = legend_classes(203)
    assert classes[0].low == 1 and classes[-1].high == 203
    assert all(a.high + 1 == b.low for a, b in zip(classes, classes[1:]))


@pytest.mark.browser
def test_the_map_links_are_reached_and_followed_with_the_keyboard(seeded_app):
    require(CHROMIUM, "Chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright, LiveServer(seeded_app) as server, tempfile.TemporaryDirectory() as profile:
        page = open_page(playwright, profile, server.url)
        try:
            page.goto(server.url + "/sv/")
            page.focus("#region-map-choice")  # the map's form, just before the map
            reached = []
            for _ in range(40):
                page.keyboard.press("Tab")
                href = page.evaluate("document.activeElement.closest('svg.region-map') ? "
                                     "document.activeElement.getAttribute('href') : null")
                if href is None:
                    if reached:
                        break
                    continue
                reached.append(href)
            assert len(reached) == 34 and len(set(reached)) == 34
            # Back to Jönköping's and follow it with Enter.
            for _ in range(len(reached) - reached.index("/sv/municipalities/0680")):
                page.keyboard.press("Shift+Tab")
            assert page.evaluate("document.activeElement.getAttribute('href')") == "/sv/municipalities/0680"
            with page.expect_navigation():
                page.keyboard.press("Enter")
            assert page.url.endswith("/sv/municipalities/0680")
            assert "Jönköping" in page.inner_text("h1")
        finally:
            page.context.close()
