"""The follow-up page (issue 18): no public group smaller than five people, every number for
advisers, charts beside their tables, and the exports."""

from __future__ import annotations

import re
from io import BytesIO

import openpyxl
import pytest

from knowledgebase import models as m
from knowledgebase.extensions import db
from knowledgebase.services.programmes import followup, registrations
from tests.programme_support import SEEDED, add_activity


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()


def _held_with_counts(app, counts: dict[tuple[str, str], int], **changes) -> int:
    activity_id = add_activity(app, status="held", **changes)
    with app.app_context():
        registrations.set_head_counts(db.session.get(m.Activity, activity_id), counts)
        db.session.commit()
    return activity_id


def _figure(html: str, chart_id: str) -> str:
    part = html[html.index(f'id="{chart_id}-heading"'):]
    return part[:part.index("</figure>")]


@pytest.mark.parametrize("values, hidden", [
    ({"woman": 5, "man": 5, "other": 0}, set()),
    ({"woman": 7, "man": 3, "other": 0}, {"man", "other", "woman"}),
    ({"woman": 9, "man": 6, "other": 2}, {"other", "man"}),
    ({"woman": 2, "man": 3, "other": 0}, {"woman", "man"}),
    ({"woman": 0, "man": 0, "other": 0}, set()),
    ({"woman": 6, "man": 5, "other": 5}, set()),
])
def test_a_split_never_lets_a_group_under_five_be_read(values, hidden):
    shown = followup.safe_split(values)
    assert {key for key, value in shown.items() if followup.is_suppressed(value)} == hidden
    # Whatever is hidden adds up to none or to five or more.
    assert sum(values[key] for key in hidden) == 0 or sum(values[key] for key in hidden) >= 5


def test_the_public_page_says_fewer_than_five_where_the_advisers_see_the_number(adviser, mail_app):
    _held_with_counts(mail_app, {("public", "woman"): 2, ("public", "man"): 1})
    client = mail_app.test_client()
    for lang, fewer, note in (("sv", "färre än 5 av 100", "Färre än 5 personer hittills"),
                              ("en", "fewer than 5 of 100", "Fewer than 5 people so far")):
        html = client.get(f"/{lang}/programmes/{SEEDED}").get_data(as_text=True)
        text = _text(html)
        assert fewer in text and note in text
        gender = _text(_figure(html, "t6-gender"))
        assert " 2 " not in f" {gender} " and " 3 " not in f" {gender} "
        county = _text(_figure(html, "t6-county"))
        assert "Kalmar" in county and fewer.split(" av")[0].split(" of")[0] in county
    advisers = _text(adviser.get(f"/admin/programmes/{SEEDED}/followup").get_data(as_text=True))
    assert "3 of 100" in advisers and "3 of 800" in advisers


def test_the_public_split_hides_a_small_group_and_what_would_give_it_away(mail_app):
    _held_with_counts(mail_app, {("public", "woman"): 6, ("private", "woman"): 3, ("private", "man"): 6,
                                 ("non_profit", "other"): 2})
    html = mail_app.test_client().get(f"/en/programmes/{SEEDED}").get_data(as_text=True)
    assert "17 of 100" in _text(html)
    gender = _text(_figure(html, "t6-gender"))
    # Women 9 shown; men 6 (which the total would give away) and another-or-not-stated 2 hidden.
    assert "So far 9 not shown fewer than 5 17 100" in gender
    sector = _text(_figure(html, "t6-sector"))
    assert "Public sector not shown" in sector and "Private sector 9" in sector
    assert "Non-profit sector fewer than 5" in sector


def test_the_follow_up_counts_each_activity_toward_its_targets(mail_app):
    _held_with_counts(mail_app, {("public", "woman"): 5, ("public", "man"): 5})
    _held_with_counts(mail_app, {("private", "woman"): 6}, kind="course", municipality_code="0680", theme_number=1,
                      package_code="")
    add_activity(mail_app, kind="course")  # planned: not counted
    with mail_app.app_context():
        from knowledgebase.services.programmes import catalogue

        views = {view.metric: view.headline for view in followup.progress(catalogue.by_slug(SEEDED), public=True)}
    assert views["participants_competence"] == "16 av 800"
    assert views["participants_training"] == "6 av 100"
    assert views["participants_study_trip"] == "10 av 100"


def test_the_funder_export_keeps_text_as_text(adviser, mail_app):
    _held_with_counts(mail_app, {("public", "woman"): 5}, title_sv="=HYPERLINK(\"http://evil.example\")")
    csv_text = adviser.get(f"/admin/programmes/{SEEDED}/export.csv").data.decode("utf-8-sig")
    assert "'=HYPERLINK" in csv_text
    book = openpyxl.load_workbook(BytesIO(adviser.get(f"/admin/programmes/{SEEDED}/export.xlsx").data))
    cell = book.active["A2"]
    assert cell.value == "=HYPERLINK(\"http://evil.example\")" and cell.data_type == "s"


@pytest.mark.parametrize("slug", ["no-such-programme", "%00", "x" * 300, "../admin"])
def test_an_unknown_programme_is_a_404(mail_app, slug):
    assert mail_app.test_client().get(f"/sv/programmes/{slug}").status_code == 404


def test_the_exports_and_the_advisers_view_are_not_public(mail_app):
    client = mail_app.test_client()
    for path in (f"/admin/programmes/{SEEDED}/export.csv", f"/admin/programmes/{SEEDED}/export.xlsx",
                 f"/admin/programmes/{SEEDED}/followup"):
        assert client.get(path).status_code == 302
