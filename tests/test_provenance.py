"""Provenance of facts: shelf life at the boundary dates, what public pages say about each
fact, freshness in lists and the ``fresh=1`` filter, and "report outdated information"."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from babel.dates import format_date

from knowledgebase import freshness
from knowledgebase.freshness import months_before
from knowledgebase import models as m
from knowledgebase.extensions import db
from knowledgebase.services.upkeep import provenance
from tests.curation_support import accessibility_problems, csrf_token, logged_in_client

TODAY = date.today()


def month(day: date, locale: str = "en") -> str:
    return format_date(day, "LLLL y", locale=locale)


@pytest.mark.parametrize("day, months, expected", [
    (date(2026, 3, 15), 12, date(2025, 3, 15)),
    (date(2026, 3, 31), 1, date(2026, 2, 28)),
    (date(2024, 2, 29), 12, date(2023, 2, 28)),
    (date(2026, 1, 10), 1, date(2025, 12, 10)),
    (date(2026, 5, 31), 6, date(2025, 11, 30)),
])
def test_months_before(day, months, expected):
    assert months_before(day, months) == expected


@pytest.mark.parametrize("today, stale", [
    (date(2026, 3, 14), False),  # a day before the shelf life ends
    (date(2026, 3, 15), False),  # exactly 12 months: the last fresh day
    (date(2026, 3, 16), True),   # a day after
])
def test_a_fact_decays_after_exactly_its_shelf_life(app, make_entry, today, stale):
    entry_id = make_entry("enterprise", phone="036-11 11 11", last_verified=None)
    with app.app_context():
        entry = db.session.get(m.Entry, entry_id)
        provenance.record(entry, ["phone"], "enterprise", date(2025, 3, 15))
        [status] = provenance.fact_statuses(entry, today)
        assert (status.fact.key, status.source, status.confirmed_at) == ("phone", "enterprise", date(2025, 3, 15))
        assert status.stale is stale
        assert freshness.is_stale(date(2025, 3, 15), today, 12) is stale


def test_shelf_life_can_differ_per_fact(app, make_entry):
    app.config["FACT_SHELF_LIFE"] = {"phone": 6}
    entry_id = make_entry("enterprise", phone="036-11 11 11", email="info@example.org", last_verified=None)
    with app.app_context():
        entry = db.session.get(m.Entry, entry_id)
        provenance.record(entry, ["phone", "email"], "enterprise", date(2025, 9, 1))
        statuses = {s.fact.key: s.stale for s in provenance.fact_statuses(entry, date(2026, 3, 2))}
    assert statuses == {"phone": True, "email": False}


def test_an_edit_after_confirmation_and_a_later_verification_win(app, make_entry):
    entry_id = make_entry("enterprise", phone="036-11 11 11", email="info@example.org",
                          last_verified=date(2025, 1, 10))
    with app.app_context():
        entry = db.session.get(m.Entry, entry_id)
        provenance.record(entry, ["phone", "email"], "enterprise", date(2025, 6, 1))
        entry.phone = "036-22 22 22"
        db.session.commit()
        statuses = {s.fact.key: s for s in provenance.fact_statuses(entry, date(2025, 7, 1))}
        assert statuses["email"].source == "enterprise"
        # The record vouched for the old number only.
        assert statuses["phone"].changed and statuses["phone"].source == "adviser"
        entry.last_verified = date(2025, 6, 20)
        db.session.commit()
        statuses = {s.fact.key: s for s in provenance.fact_statuses(entry, date(2025, 7, 1))}
        assert statuses["email"].source == "adviser" and statuses["email"].confirmed_at == date(2025, 6, 20)


def _record(app, entry_id, keys, source, day, **kwargs):
    with app.app_context():
        provenance.record(db.session.get(m.Entry, entry_id), keys, source, day, **kwargs)
        db.session.commit()


def test_public_page_shows_provenance_in_the_locale(app, client, make_entry):
    make_entry("enterprise", slug="fiktiva-kallor", phone="036-11 11 11", org_number="556016-0680",
               last_verified=None)
    entry_id = db_id(app, "fiktiva-kallor")
    _record(app, entry_id, ["phone"], "enterprise", TODAY)
    _record(app, entry_id, ["org_number"], "register", TODAY, note="Bolagsverket",
            url="https://example.org/bolagsverket")
    sv = client.get("/sv/enterprises/fiktiva-kallor").get_data(as_text=True)
    en = client.get("/en/enterprises/fiktiva-kallor").get_data(as_text=True)
    assert f"Confirmed by the enterprise, {month(TODAY)}" in en
    assert f"From a public register, {month(TODAY)}" in en
    assert '<a href="https://example.org/bolagsverket" rel="noopener noreferrer">Bolagsverket</a>' in en
    # Dates follow the locale (the Swedish month name is written in lower case).
    assert f", {month(TODAY, 'sv')}" in sv and f", {month(TODAY, 'sv')}" not in en
    assert "Report outdated information" in en


def db_id(app, slug: str) -> int:
    with app.app_context():
        return db.session.scalar(db.select(m.Entry.id).where(m.Entry.slug == slug))


@pytest.mark.parametrize("days_older, shown", [(0, "Confirmed by the enterprise"), (1, "Not confirmed since")])
def test_public_page_at_the_shelf_life_boundary(app, client, make_entry, days_older, shown):
    make_entry("enterprise", slug="fiktiv-grans", phone="036-11 11 11", last_verified=None)
    confirmed = months_before(TODAY, 12) - timedelta(days=days_older)
    _record(app, db_id(app, "fiktiv-grans"), ["phone"], "enterprise", confirmed)
    html = client.get("/en/enterprises/fiktiv-grans").get_data(as_text=True)
    assert f"{shown}" in html
    assert f"{month(confirmed)}" in html


def test_cards_show_freshness_and_fresh_filter(app, client, make_entry):
    make_entry("enterprise", slug="fiktiv-farsk", title={"sv": "Fiktiv färsk"}, last_verified=TODAY)
    make_entry("enterprise", slug="fiktiv-gammal", title={"sv": "Fiktiv gammal"},
               last_verified=months_before(TODAY, 13))
    make_entry("enterprise", slug="fiktiv-aldrig", title={"sv": "Fiktiv aldrig"}, last_verified=None)
    # Confirmed by its contact (every fact) although never verified by an adviser.
    make_entry("enterprise", slug="fiktiv-bekraftad", title={"sv": "Fiktiv bekräftad"}, last_verified=None)
    with app.app_context():
        db.session.add(m.EntryUpkeep(entry_id=db_id(app, "fiktiv-bekraftad"), confirmed_at=TODAY))
        db.session.commit()
    html = client.get("/en/enterprises/").get_data(as_text=True)
    assert f"Confirmed {month(TODAY)}" in html
    assert f"Not confirmed since {month(months_before(TODAY, 13))}" in html
    fresh = client.get("/en/enterprises/?fresh=1").get_data(as_text=True)
    assert "Fiktiv färsk" in fresh and "Fiktiv bekräftad" in fresh
    assert "Fiktiv gammal" not in fresh and "Fiktiv aldrig" not in fresh
    assert 'id="filter-fresh" name="fresh" value="1" checked' in fresh
    api = client.get("/api/v1/enterprises/?fresh=1").get_json()
    assert sorted(item["slug"] for item in api["results"]) == ["fiktiv-bekraftad", "fiktiv-farsk"]
    assert client.get("/api/v1/enterprises/?fresh=ja").status_code == 400
    assert client.get("/sv/enterprises/?fresh=ja").status_code == 400
    with app.app_context():
        ids = freshness.fresh_entry_ids(12, TODAY)
    assert ids == {db_id(app, "fiktiv-farsk"), db_id(app, "fiktiv-bekraftad")}


def test_search_filters_on_freshness_and_the_api_shows_confirmations(app, client, make_entry):
    make_entry("enterprise", slug="fiktiv-farsk", title={"sv": "Fiktiv färsk kaffebar"}, last_verified=TODAY,
               email="info@fiktivt-exempel.se")
    make_entry("enterprise", slug="fiktiv-gammal", title={"sv": "Fiktiv gammal kaffebar"},
               last_verified=months_before(TODAY, 13), email="gammal@fiktivt-exempel.se")
    make_entry("example", slug="fiktivt-exempel-farskt", title={"sv": "Fiktivt kaffebar-exempel"}, last_verified=TODAY)
    # Confirmed one day inside the shelf life by its contact, never by an adviser.
    make_entry("enterprise", slug="fiktiv-bekraftad", title={"sv": "Fiktiv bekräftad kaffebar"}, last_verified=None)
    with app.app_context():
        db.session.add(m.EntryUpkeep(entry_id=db_id(app, "fiktiv-bekraftad"),
                                     confirmed_at=months_before(TODAY, 12)))
        db.session.commit()

    def found(query: str) -> tuple[set[str], dict]:
        body = client.get(f"/api/v1/search?{query}").get_json()
        return {hit["slug"] for hit in body["results"]}, body["facets"]

    every, _facets = found("q=kaffebar")
    assert every == {"fiktiv-farsk", "fiktiv-gammal", "fiktivt-exempel-farskt", "fiktiv-bekraftad"}
    fresh, facets = found("q=kaffebar&fresh=1")
    assert fresh == {"fiktiv-farsk", "fiktivt-exempel-farskt", "fiktiv-bekraftad"}
    assert facets["type"] == {"enterprise": 2, "example": 1}  # counts follow the filter
    assert found("fresh=1&type=enterprise")[0] == {"fiktiv-farsk", "fiktiv-bekraftad"}
    assert found("q=kaffebar&fresh=0")[0] == every
    page = client.get("/en/search?q=kaffebar&fresh=1").get_data(as_text=True)
    assert 'id="search-fresh" name="fresh" value="1" checked' in page and "Fiktiv gammal" not in page

    summary = client.get("/api/v1/enterprises/").get_json()["results"]
    confirmed = {item["slug"]: item["confirmed"] for item in summary}
    assert confirmed["fiktiv-farsk"] == {"on": TODAY.isoformat(), "stale": False, "shelf_life_months": 12}
    assert confirmed["fiktiv-gammal"]["stale"] is True
    assert confirmed["fiktiv-bekraftad"] == {"on": months_before(TODAY, 12).isoformat(), "stale": False,
                                             "shelf_life_months": 12}
    detail = client.get("/api/v1/enterprises/fiktiv-gammal").get_json()
    facts = {item["fact"]: item for item in detail["facts"]}
    assert facts["email"]["confirmed_at"] == months_before(TODAY, 13).isoformat()
    assert facts["email"]["stale"] is True and facts["email"]["source"] == "adviser"
    assert "phone" not in facts  # facts without a value have nothing to confirm


def test_report_outdated_information_reaches_the_suggestion_queue(app, client, make_entry):
    make_entry("enterprise", slug="fiktiv-inaktuell", title={"sv": "Fiktiv inaktuell"})
    page = client.get("/sv/report-outdated?type=enterprise&slug=fiktiv-inaktuell")
    assert page.status_code == 200
    assert accessibility_problems(page.get_data(as_text=True)) == []
    token = csrf_token(page.get_data(as_text=True))
    assert client.post("/sv/report-outdated?type=enterprise&slug=fiktiv-inaktuell",
                       data={"field": "contact"}).status_code == 400  # no CSRF token
    response = client.post("/sv/report-outdated?type=enterprise&slug=fiktiv-inaktuell", data={
        "field": "contact", "message": "Telefonnumret går inte fram.", "sender_email": "lasare@example.org",
        "csrf_token": token})
    assert response.status_code == 302
    assert "sent=1" in response.headers["Location"]
    with app.app_context():
        [suggestion] = db.session.scalars(db.select(m.Suggestion)).all()
        assert (suggestion.kind, suggestion.field, suggestion.status) == ("correction", "contact", "waiting")
        assert suggestion.entry.slug == "fiktiv-inaktuell"
        assert "Telefonnumret går inte fram." in suggestion.message
        assert suggestion.sender_email == "lasare@example.org"
    # Only published entries, and the robot trap saves nothing.
    assert client.get("/sv/report-outdated?type=enterprise&slug=finns-inte").status_code == 404
    client.post("/sv/report-outdated?type=enterprise&slug=fiktiv-inaktuell",
                data={"field": "other", "homepage": "http://spam.example.org", "csrf_token": token})
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(m.Suggestion.id))) == 1


def test_adviser_records_a_register_source(capp):
    from tests.curation_support import add_entry

    entry_id = add_entry(capp, status="published", slug="fiktiv-register", org_number="556016-0680")
    adviser = logged_in_client(capp, "adviser")
    page = adviser.get(f"/admin/upkeep/entries/{entry_id}")
    assert page.status_code == 200
    response = adviser.post(f"/admin/upkeep/entries/{entry_id}", data={
        "source-facts": ["org_number"], "source-source": "register", "source-note": "Bolagsverket",
        "source-url": "https://example.org/register", "source-submit": "1"})
    assert response.status_code == 302
    with capp.app_context():
        [row] = db.session.scalars(db.select(m.FactProvenance)).all()
        assert (row.fact_key, row.source_kind, row.source_note, row.confirmed_at) == (
            "org_number", "register", "Bolagsverket", TODAY)
        assert row.confirmed_by.startswith("adviser") and row.confirmed_by_id is not None
    html = capp.test_client().get("/en/enterprises/fiktiv-register").get_data(as_text=True)
    assert f"Organisation number: From a public register, {month(TODAY)}" in html
    # Contributors may not.
    contributor = logged_in_client(capp, "contributor")
    assert contributor.get(f"/admin/upkeep/entries/{entry_id}").status_code == 403
