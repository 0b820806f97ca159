"""The statistics page, its CSV files and /api/v1/statistics: on the seeded site and after a
fictional import of 200 enterprises, every figure matches counts made independently from the
database (tests/statistics_support.py); advisers also see the gaps, with links to act on."""

from __future__ import annotations

import csv
import io
import re
from datetime import date
from html import unescape

import pytest
from sqlalchemy import select

from knowledgebase import models as m
from knowledgebase.extensions import db
from knowledgebase.services.statistics import figures as figure_service
from knowledgebase.services.statistics import gaps as gap_service
from tests.apps import create_entry
from tests.curation_support import add_user, login
from tests.statistics_support import REGION, expected_figures, expected_map, expected_parts, import_fictional

TODAY = date.today()


def _fill(app, tmp_path):
    """The taxonomy, 200 fictional published enterprises, some not published, and one entry
    confirmed by its contact (not by an adviser's check)."""
    import_fictional(app, tmp_path / "fiktiva.yaml")
    for status in ("draft", "review", "archived"):
        create_entry(app, "enterprise", status=status, slug=f"fiktiv-{status}", title={"sv": f"Fiktiv {status}"},
                     services=["cleaning"], municipalities=["0617"], themes=[1])
    with app.app_context():
        never = db.session.scalars(select(m.Enterprise).where(m.Enterprise.last_verified.is_(None))).first()
        db.session.add(m.EntryUpkeep(entry_id=never.id, confirmed_at=TODAY))
        db.session.commit()
    return app


@pytest.fixture
def fictional_app(app, tmp_path):
    return _fill(app, tmp_path)


@pytest.fixture
def fictional_capp(capp, tmp_path):
    """The same with CSRF off, to log in by posting the form."""
    return _fill(capp, tmp_path)


def _api_values(client) -> dict[str, dict[str, float]]:
    data = client.get("/api/v1/statistics").get_json()
    return {f["key"]: {r["key"]: r["value"] for r in f["rows"]} for f in data["figures"]}


def _check_every_figure(app) -> None:
    client = app.test_client()
    with app.app_context():
        expected = expected_figures(TODAY)
        parts = {key: expected_parts(key) for key in ("entries-per-theme", "entries-per-package")}
    assert _api_values(client) == expected
    data = client.get("/api/v1/statistics").get_json()
    for figure in data["figures"]:
        if figure["series"]:
            got = {r["key"]: {k: v for k, v in r["parts"].items() if v} for r in figure["rows"]}
            assert got == {key: parts[figure["key"]].get(key, {}) for key in got}, figure["key"]
    html = client.get("/sv/statistics").get_data(as_text=True)
    for key, rows in expected.items():
        section = html[html.index(f'id="fig-{key}-heading"'):]
        section = section[:section.index("</figure>")]
        table_values = [unescape(v) for v in re.findall(r'<td class="num">([^<]*)</td>\s*</tr>', section)]
        suffix = " %" if key == "currency-per-county" else ""
        # The table's last column and the numbers written beside the bars, in the figure's order.
        api_order = [r["value"] for f in data["figures"] if f["key"] == key for r in f["rows"]]
        assert sorted(api_order) == sorted(rows.values())
        wanted = [f"{int(v)}{suffix}" for v in api_order]
        assert table_values == wanted, key
        bar_texts = re.findall(r'<text x="[\d.]+" y="[\d.]+" font-weight="700">([^<]*)</text>', section)
        assert [unescape(t) for t in bar_texts] == wanted, key


def test_every_figure_matches_the_database_on_the_seeded_site(seeded_app):
    _check_every_figure(seeded_app)


def test_every_figure_matches_the_database_after_an_import_of_200_enterprises(fictional_app):
    _check_every_figure(fictional_app)
    with fictional_app.app_context():
        assert sum(expected_map().values()) >= 200  # the import reached the figures
        assert expected_figures(TODAY)["reserved-per-county"]["07"] > 0


def test_each_figure_downloads_as_csv_with_the_same_numbers(fictional_app):
    client = fictional_app.test_client()
    with fictional_app.app_context():
        expected = expected_figures(TODAY)
        labels = {mu.code: mu.name for mu in db.session.scalars(select(m.Municipality))}
    for key, rows in expected.items():
        response = client.get(f"/sv/statistics/{key}.csv")
        assert response.status_code == 200 and response.mimetype == "text/csv"
        assert response.headers["Content-Disposition"] == f'attachment; filename="{key}.csv"'
        table = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
        assert len(table) == len(rows) + 1
        assert sorted(float(row[-1]) for row in table[1:]) == sorted(float(v) for v in rows.values())
    municipalities = list(csv.reader(io.StringIO(
        client.get("/sv/statistics/enterprises-per-municipality.csv").get_data(as_text=True).lstrip("\ufeff"))))
    assert municipalities[0] == ["Kommun", "Företag"]
    assert {row[0]: int(row[1]) for row in municipalities[1:]} == {
        labels[code]: count for code, count in expected["enterprises-per-municipality"].items()}
    theme = list(csv.reader(io.StringIO(client.get("/en/statistics/entries-per-theme.csv").get_data(as_text=True))))
    assert theme[0][0].endswith("Theme") and theme[0][1] == "Social enterprises" and theme[0][-1] == "Entries"
    assert client.get("/sv/statistics/no-such-figure.csv").status_code == 404


def test_the_api_answers_in_either_language_and_refuses_others(seeded_client):
    english = seeded_client.get("/api/v1/statistics?lang=en").get_json()
    assert english["figures"][0]["title"] == "Social enterprises per county"
    assert english["figures"][0]["csv"].endswith("/en/statistics/enterprises-per-county.csv")
    swedish = seeded_client.get("/api/v1/statistics").get_json()
    assert swedish["figures"][0]["title"] == "Sociala företag per län"
    response = seeded_client.get("/api/v1/statistics?lang=xx")
    assert response.status_code == 400


def test_the_page_draws_each_figure_with_a_title_a_description_and_a_table(seeded_client):
    html = seeded_client.get("/en/statistics").get_data(as_text=True)
    with seeded_client.application.app_context():
        keys = [f.key for f in figure_service.all_figures("en")]
    for key in keys:
        assert '<svg class="chart" viewBox="0 0 320 ' in html
        assert f'<title id="fig-{key}-title">' in html and f'<desc id="fig-{key}-desc">' in html
        assert f'<caption id="fig-{key}-table-table">' in html or f'<caption id="fig-{key}-table">' in html
        assert f'href="/en/statistics/{key}.csv"' in html
    assert "<script" not in html.split("<main", 1)[1]
    assert "Gaps to act on" not in html  # not for the public


def test_the_needs_figures_are_shown_with_their_csv(seeded_app):
    """The buyers' needs add their figures (counted against the database in
    test_needs.py's story and in ``expected_figures``); the seeded site has none yet."""
    client = seeded_app.test_client()
    page = client.get("/sv/statistics").get_data(as_text=True)
    assert "Beställares behov per län" in page and "Behov som ledde till ett kontrakt med ett socialt företag" in page
    assert "Jönköpings län,0" in client.get("/sv/statistics/needs-per-county.csv").get_data(as_text=True)


def test_advisers_see_the_gaps_with_links_to_act_on(fictional_capp):
    fictional_app = fictional_capp
    email = add_user(fictional_app, "adviser")
    client = fictional_app.test_client()
    login(client, email)
    html = client.get("/en/statistics").get_data(as_text=True)
    gaps = html[html.index('id="gaps-title"'):html.index("</section>", html.index('id="gaps-title"'))]
    with fictional_app.app_context():
        empty = [code for code, count in expected_map().items() if count == 0]
        names = {mu.code: mu.name for mu in db.session.scalars(select(m.Municipality))}
        offered = {(county, s.slug) for e in db.session.scalars(select(m.Enterprise).where(
            m.Enterprise.status == m.PUBLISHED)) for county in
            ({c.code for c in e.counties} | {mu.county_code for mu in e.municipalities}) for s in e.services}
        categories = [c.slug for c in db.session.scalars(select(m.ServiceCategory))]
        never = db.session.scalars(select(m.Enterprise).where(
            m.Enterprise.status == m.PUBLISHED, m.Enterprise.last_verified.is_(None),
            ~m.Enterprise.id.in_(select(m.EntryUpkeep.entry_id)))).all()
    assert empty and "0617" in empty  # Gnosjö has only unpublished entries
    for code in empty:
        assert f'<a href="/en/municipalities/{code}">{names[code]}</a>' in gaps
    assert "/admin/entries/new/enterprise" in gaps
    for county in REGION:
        missing = [slug for slug in categories if (county, slug) not in offered]
        for slug in missing:
            assert f"service={slug}&amp;county={county}" in gaps
    # The stalest first: those never confirmed, each linked to keeping it current.
    stalest = re.findall(r'<li><a href="http://[^"]+/admin/upkeep/entries/(\d+)">', gaps)
    assert len(stalest) == 15 and len(never) >= 15
    assert {int(i) for i in stalest} <= {e.id for e in never}
    assert "never confirmed" in gaps


def test_the_stalest_entries_go_by_the_later_of_check_and_confirmation(app):
    """An adviser's check (last_verified) and the contact's confirmation both count: the later one."""
    ids = {name: create_entry(app, "enterprise", slug=f"fiktiv-{name}", title={"sv": f"Fiktiv {name}"},
                              last_verified=day)
           for name, day in (("gammal", "2020-01-01"), ("ny", "2025-06-01"), ("aldrig", None),
                             ("bekraftad", "2019-01-01"))}
    with app.app_context():
        db.session.add(m.EntryUpkeep(entry_id=ids["bekraftad"], confirmed_at=date(2024, 1, 1)))
        db.session.commit()
        stale = gap_service.stalest_entries(gap_service.GapLinks("/ny", lambda i: f"/upkeep/{i}"), limit=3)
    assert [(e.id, e.confirmed) for e in stale] == [
        (ids["aldrig"], None), (ids["gammal"], date(2020, 1, 1)), (ids["bekraftad"], date(2024, 1, 1))]
    assert stale[0].action_url == f"/upkeep/{ids['aldrig']}"
