"""The route guide: the answers just below and above each limit, limits that come from data
(and warn when they have expired), the 2026-2027 thresholds kept in euros (decided only where no
conversion is needed), which routes open for which service, and the page."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from knowledgebase import models as m
from knowledgebase.extensions import db
from knowledgebase.services.procurement import limits, needs, route_guide
from knowledgebase.services.transfer.imports import ImportFailed, import_path
from tests.test_buyers import english, fictional_suppliers

TODAY = date(2026, 11, 29)
# A day when the 2024-2025 kronor amounts applied.
IN_2025 = date(2025, 6, 1)


def guide(value, service="cleaning", today=TODAY, municipality=None, currency="SEK"):
    info = route_guide.resolve_service(service, "en") if service else None
    muni = db.session.get(m.Municipality, municipality) if municipality else None
    return route_guide.build_guide(value, info, muni, today, "en", currency)


def routes(answer) -> dict[str, str]:
    return {route.key: route.status for route in answer.routes}


@pytest.mark.parametrize("raw, value", [
    ("500000", 500_000), ("500 000", 500_000), ("3 000 000 kr", 3_000_000), ("700\u00a0000", 700_000),
    ("2389585 SEK", 2_389_585), ("1000,00", 1_000), ("0", 0),
])
def test_values_as_people_write_them(raw, value):
    assert limits.parse_value(raw) == value


@pytest.mark.parametrize("raw, currency, value", [
    ("216 000", "EUR", 216_000), ("216000 EUR", "EUR", 216_000), ("750 000 €", "EUR", 750_000),
    ("5404000 euro", "EUR", 5_404_000),
])
def test_values_in_euros(raw, currency, value):
    assert limits.parse_value(raw, currency) == value


@pytest.mark.parametrize("raw, currency", [("216 000 kr", "EUR"), ("216 000 EUR", "SEK"), ("€", "EUR")])
def test_a_value_in_one_currency_is_not_read_as_the_other(raw, currency):
    with pytest.raises(ValueError):
        limits.parse_value(raw, currency)


@pytest.mark.parametrize("raw", ["", "abc", "-5", "1.5", "10e6", "9" * 14])
def test_values_that_are_not_kronor(raw):
    with pytest.raises(ValueError):
        limits.parse_value(raw)


@pytest.mark.parametrize("value, level, direct", [
    (699_999, "direct", "open"),
    (700_000, "direct", "open"),  # "uppgår till högst 700 000 kronor": the limit itself is allowed
    (700_001, "national", "closed"),
    (2_389_584, "national", "closed"),
    (2_389_585, "eu", "closed"),
])
def test_ordinary_services_at_each_limit(app, value, level, direct):
    with app.app_context():
        answer = guide(value, today=IN_2025)
    assert answer.level == level
    assert routes(answer)["direct_award"] == direct
    assert answer.direct_limit.key == "direct_award" and answer.threshold.key == "eu_threshold_services"


@pytest.mark.parametrize("value, level, direct", [
    (3_000_000, "direct", "open"),
    (8_109_449, "direct", "open"),
    (8_109_450, "eu", "closed"),  # below the threshold only ("understiger")
])
def test_bilaga_2_services_use_the_bilaga_2_threshold_as_direct_award_limit(app, value, level, direct):
    with app.app_context():
        answer = guide(value, service="85000000", today=IN_2025)
    assert answer.service.bilaga2 is True
    assert answer.level == level and routes(answer)["direct_award"] == direct
    assert answer.direct_limit.key == "direct_award_bilaga2" and answer.direct_limit.amount == 8_109_450
    assert answer.threshold.key == "eu_threshold_bilaga2"


def test_works_use_the_works_threshold(app):
    with app.app_context():
        answer = guide(2_389_585, service="45112712", today=IN_2025)
    assert answer.service.works and answer.threshold.key == "eu_threshold_works"
    assert answer.level == "national"


def test_thresholds_come_from_data(app):
    with app.app_context():
        assert guide(2_500_000, today=IN_2025).level == "eu"
        row = db.session.scalars(select(m.ProcurementLimit).where(
            m.ProcurementLimit.key == "eu_threshold_services", m.ProcurementLimit.valid_from == date(2024, 1, 1))).one()
        row.amount = 3_000_000
        db.session.commit()
        assert guide(2_500_000, today=IN_2025).level == "national"
        direct = db.session.scalars(select(m.ProcurementLimit).where(m.ProcurementLimit.key == "direct_award")).one()
        direct.amount = 400_000
        db.session.commit()
        assert guide(500_000, today=IN_2025).level == "national"
        assert guide(500_000).level == "above_direct"  # the same row in 2026


def test_expired_figures_are_still_used_with_a_warning_until_new_ones_are_entered(app):
    with app.app_context():
        # In 2026 the 2026-2027 rows are current: nothing has expired.
        assert not guide(3_000_000).expired_limits
        # In 2028, with no newer rows entered, the 2026-2027 ones are still used, with the warning.
        later = guide(3_000_000, today=date(2028, 3, 1))
        assert later.threshold.expired and (later.threshold.amount, later.threshold.currency) == (216_000, "EUR")
        assert not later.direct_limit.expired  # fixed in the law, no end date
        assert [limit.key for limit in later.expired_limits] == ["eu_threshold_services"]
        db.session.add(m.ProcurementLimit(key="eu_threshold_services", amount=2_500_000, valid_from=date(2028, 1, 1),
                                          valid_to=date(2029, 12, 31), law_reference="LOU 5 kap.",
                                          source_url="https://example.org/fiktiv-kalla"))
        db.session.commit()
        after = guide(2_450_000, today=date(2028, 3, 1))
        assert after.threshold.amount == 2_500_000 and after.threshold.currency == "SEK"
        assert not after.threshold.expired and after.level == "national"
        # A period that has not started is not used yet.
        assert guide(2_450_000, today=date(2027, 12, 31)).threshold.amount == 216_000
        assert guide(2_450_000, today=date(2025, 12, 31)).threshold.amount == 2_389_585


# -- 2026-2027: the EU thresholds kept in euros -------------------------------------------------

def test_in_2026_the_guide_uses_the_2026_2027_rows(app):
    with app.app_context():
        answer = guide(500_000)
        services, bilaga2, works = answer.threshold, guide(1, "85000000").threshold, guide(1, "45112712").threshold
        current = limits.current_limits(TODAY)
    assert (services.key, services.amount, services.currency) == ("eu_threshold_services", 216_000, "EUR")
    assert (bilaga2.amount, bilaga2.currency, works.amount, works.currency) == (750_000, "EUR", 5_404_000, "EUR")
    assert current["eu_threshold_services_central"].amount == 140_000
    assert current["direct_award_bilaga2"].amount == 750_000
    for limit in (services, bilaga2, works):
        assert (limit.valid_from, limit.valid_to) == (date(2026, 1, 1), date(2027, 12, 31)) and not limit.expired
    assert services.source_url == "http://data.europa.eu/eli/reg_del/2025/2152/oj"
    assert "2025/2152" in services.law_reference
    # The direct-award limit is written into LOU and stays in kronor.
    assert (answer.direct_limit.amount, answer.direct_limit.currency, answer.direct_limit.valid_to) == (
        700_000, "SEK", None)
    assert [(p.valid_from, p.notice.number) for p in answer.euro_periods] == [(date(2026, 1, 1), "2025/5732")]


@pytest.mark.parametrize("value, level, direct", [
    (699_999, "direct", "open"),
    (700_000, "direct", "open"),
    (700_001, "above_direct", "closed"),  # above 700 000 kr for sure; the euro threshold undecided
    (50_000_000, "above_direct", "closed"),
])
def test_in_2026_a_value_in_kronor_is_decided_only_against_the_kronor_limit(app, value, level, direct):
    with app.app_context():
        answer = guide(value)
    assert answer.level == level and routes(answer)["direct_award"] == direct


@pytest.mark.parametrize("value, service, level, direct", [
    (215_999, "cleaning", "below_threshold", "conditional"),
    (216_000, "cleaning", "eu", "closed"),
    (5_403_999, "45112712", "below_threshold", "conditional"),
    (5_404_000, "45112712", "eu", "closed"),
    (749_999, "85000000", "direct", "open"),
    (750_000, "85000000", "eu", "closed"),  # bilaga 2: below the threshold only
])
def test_in_2026_a_value_in_euros_is_compared_with_the_euro_thresholds(app, value, service, level, direct):
    with app.app_context():
        answer = guide(value, service=service, currency="EUR")
    assert answer.level == level and routes(answer)["direct_award"] == direct


def test_where_the_currencies_differ_the_answer_says_it_depends(app):
    with english(app):
        care = guide(3_000_000, service="85000000")
        cleaning_in_euros = guide(100_000, currency="EUR")
        cleaning_above = guide(300_000, currency="EUR")
    # Bilaga 2 in kronor: both amounts are in euros, nothing is decided and nothing is pretended.
    assert care.level == "undecided"
    direct = next(r for r in care.routes if r.key == "direct_award")
    assert direct.status == "conditional" and "EUR 750,000" in direct.summary
    assert "compare them yourself, or enter the value in euros" in direct.summary
    assert routes(care)["bilaga2"] == "open"  # the service itself still decides this route
    # Euros below the threshold: the 700 000 kr limit cannot be compared.
    direct = next(r for r in cleaning_in_euros.routes if r.key == "direct_award")
    assert direct.status == "conditional" and "700,000 kr" in direct.summary and "enter the value in kronor" in direct.summary
    # At or above the EU threshold direct award is closed whatever the currency.
    direct = next(r for r in cleaning_above.routes if r.key == "direct_award")
    assert direct.status == "closed" and "at or above the EU threshold of EUR 216,000" in direct.summary


def test_in_2025_a_value_in_euros_is_not_compared_with_kronor(app):
    with app.app_context():
        answer = guide(300_000, currency="EUR", today=IN_2025)
    assert answer.threshold.currency == "SEK" and answer.level == "undecided"
    assert routes(answer)["direct_award"] == "conditional"


def test_which_routes_open_for_which_service(app):
    with app.app_context():
        cleaning = routes(guide(3_000_000))
        care = routes(guide(3_000_000, service="85000000"))
        care_category = routes(guide(3_000_000, service="care-assistance"))
        catering = guide(3_000_000, service="catering-cafe")
        unknown_code = guide(3_000_000, service="90911300")
        nothing = routes(guide(3_000_000, service=None))
    assert cleaning == {"direct_award": "closed", "reserved": "open", "social_conditions": "open",
                        "bilaga2": "closed", "lov": "closed", "iop": "closed"}
    assert care["bilaga2"] == "open" and care["lov"] == "conditional" and care["iop"] == "conditional"
    # The category has codes outside the reservation list: the stricter answer, and a pointer.
    assert care_category["bilaga2"] == "closed"
    # Catering: one code in bilaga 2, the others not; the general limits apply unless the code is chosen.
    assert catering.service.bilaga2 is False and [c.code for c in catering.service.partly_bilaga2] == ["55520000-1"]
    assert catering.direct_limit.key == "direct_award"
    assert unknown_code.service.bilaga2 is None and unknown_code.direct_limit.key == "direct_award"
    assert nothing["bilaga2"] == "conditional" and nothing["lov"] == "conditional"


def test_routes_link_guidance_examples_and_suppliers(app, make_entry):
    fictional_suppliers(make_entry)
    make_entry("example", slug="fiktiv-reserverad-stadning", procurement_route="reserved", year=2025)
    make_entry("example", slug="fiktiv-direktupphandling", procurement_route="direct_award", year=2024)
    with app.app_context():
        answer = {r.key: r for r in guide(500_000, municipality="0685").routes}
    reserved = answer["reserved"]
    assert [e.slug for e in reserved.suppliers] == ["fiktiva-stadkooperativet-eksjo"]
    assert reserved.supplier_args == {"service": "cleaning", "serves": "0685", "reserved": "1"}
    assert [e.slug for e in reserved.examples] == ["fiktiv-reserverad-stadning"]
    assert [e.slug for e in answer["direct_award"].examples] == ["fiktiv-direktupphandling"]
    # Kalmar's cleaner does not serve Vetlanda.
    assert [e.slug for e in answer["social_conditions"].suppliers] == ["fiktiva-stadkooperativet-eksjo"]
    assert answer["bilaga2"].suppliers == [] and answer["bilaga2"].examples == []


def test_guidance_articles_are_linked(seeded_app):
    with seeded_app.app_context():
        answer = {r.key: r for r in guide(500_000, service="care-assistance").routes}
    for key, route in answer.items():
        assert route.guide is not None and route.guide.slug == route_guide.GUIDE_SLUGS[key]


@pytest.mark.parametrize("data, message", [
    ({"limits": [{"key": "direct_award", "amount": "700 000", "valid_from": "2022-02-01",
                  "source": "https://example.org/"}]}, "whole number"),
    ({"limits": [{"key": "nonsense", "amount": 1, "valid_from": "2022-02-01", "source": "https://example.org/"}]},
     "key must be"),
    ({"limits": [{"key": "direct_award", "amount": 1, "valid_from": "2022-02-01"}]}, "source"),
    ({"limits": [{"key": "direct_award", "amount": 1, "valid_from": "2022-02-01", "valid_to": "2021-01-01",
                  "source": "https://example.org/"}]}, "valid_from"),
    ({"limits": [{"key": "direct_award", "amount": 1, "valid_from": "1 Feb 2022", "source": "https://example.org/"}]},
     "YYYY-MM-DD"),
    ({"thresholds": []}, "limits"),
    ({"limits": [{"key": "eu_threshold_services", "amount": 216000, "currency": "USD", "valid_from": "2026-01-01",
                  "source": "https://example.org/"}]}, "currency must be one of SEK, EUR"),
])
def test_limit_files_are_checked(app, data, message):
    with english(app), pytest.raises(ValueError, match=message):
        limits.import_limits(data, "procurement_limits.yaml")


def test_a_bad_limit_refuses_the_whole_import(app, tmp_path):
    bad = tmp_path / "procurement_limits.yaml"
    bad.write_text("limits:\n"
                   "  - {key: eu_threshold_services, amount: 1, valid_from: 2028-01-01, source: https://example.org/}\n"
                   "  - {key: eu_threshold_services, amount: 2, valid_from: 2028-01-01, source: https://example.org/}\n",
                   encoding="utf-8")
    with english(app):
        with pytest.raises(ImportFailed, match="twice"):
            import_path(bad)
        db.session.rollback()
        assert db.session.scalars(select(m.ProcurementLimit).where(
            m.ProcurementLimit.valid_from == date(2028, 1, 1))).first() is None


def test_an_adviser_updates_a_threshold_through_the_seed_format(app, client, tmp_path):
    # What an adviser does once the official kronor amount can be read: the same key and
    # valid_from, now in kronor (a fictional amount here).
    update = tmp_path / "procurement_limits.yaml"
    update.write_text("limits:\n  - key: eu_threshold_services\n    amount: 2500000\n    valid_from: 2026-01-01\n"
                      "    valid_to: 2027-12-31\n    law_reference: LOU 5 kap.\n    source: https://example.org/fiktiv\n",
                      encoding="utf-8")
    with app.app_context():
        import_path(update)
        db.session.commit()
        assert limits.current_limits(TODAY)["eu_threshold_services"].currency == "SEK"
    html = " ".join(client.get("/en/procurement/route-guide?value=2400000&service=cleaning").get_data(
        as_text=True).split())
    assert "above the direct-award limit (700,000 kr) and below the EU threshold (2,500,000 kr)" in html
    assert "These figures applied until" not in html and "OJ C, 2025/5732" not in html


def test_limits_in_euros_round_trip_through_the_seed_format(app):
    with app.app_context():
        exported = limits.export_limits()["limits"]
        euro = [row for row in exported if row.get("currency") == "EUR"]
        assert {row["key"] for row in euro} == {"direct_award_bilaga2", "eu_threshold_services",
                                                "eu_threshold_services_central", "eu_threshold_works",
                                                "eu_threshold_bilaga2"}
        assert all(row["valid_from"] == date(2026, 1, 1) for row in euro)
        assert all("currency" not in row for row in exported if row["valid_from"] < date(2026, 1, 1))
        for row in db.session.scalars(select(m.ProcurementLimit)):
            db.session.delete(row)
        db.session.commit()
        assert limits.import_limits({"limits": exported}, "procurement_limits.yaml") == len(exported)
        db.session.commit()
        assert limits.export_limits()["limits"] == exported


# -- the page -------------------------------------------------------------------------------

def test_the_page_without_a_question_shows_the_limits(client):
    # The page answers for today (in 2026-2027: the euro thresholds).
    html = " ".join(client.get("/en/procurement/route-guide").get_data(as_text=True).split())
    assert "This is guidance, not legal advice." in html
    assert "EUR 216,000" in html and "EUR 140,000" in html and "EUR 5,404,000" in html and "EUR 750,000" in html
    assert "700,000 kr" in html and "2,389,585 kr" not in html
    assert "These figures applied until" not in html
    assert "From February 1, 2022, fixed in the law" in html
    assert "LOU 5 kap.; delegerad förordning (EU) 2025/2152" in html
    assert 'href="http://data.europa.eu/eli/reg_del/2025/2152/oj"' in html
    assert ("Their values in kronor are published in the Commission's notice of the corresponding values in "
            "national currencies (OJ C, 2025/5732, October 23, 2025) but are not yet in the knowledge base") in html
    assert '<label for="route-value">' in html and '<label for="route-service">' in html
    assert '<label for="route-municipality">' in html and html.count("<h1") == 1


def test_the_page_answers_in_swedish_too(client):
    response = client.get("/sv/procurement/route-guide?value=500000&service=90910000")
    assert response.status_code == 200 and 'lang="sv"' in response.get_data(as_text=True)
    html = " ".join(client.get("/sv/procurement/route-guide?value=3000000&service=cleaning").get_data(
        as_text=True).replace("\u00a0", " ").split())
    assert "216 000 euro" in html and "EUT C, 2025/5732" in html


def test_the_page_for_a_value_in_kronor_in_2026(client):
    html = " ".join(client.get("/en/procurement/route-guide?value=3000000&service=cleaning").get_data(
        as_text=True).split())
    assert ("At 3,000,000 kr the contract is above the direct-award limit (700,000 kr). Whether it is at or above "
            "the EU threshold (EUR 216,000) depends on that threshold's value in kronor, which is not in the "
            "knowledge base: compare with EUR 216,000, or enter the value in euros.") in html
    assert "Direct award: not open" in html
    assert "OJ C, 2025/5732" in html


def test_the_page_for_a_value_in_euros(client):
    html = " ".join(client.get("/en/procurement/route-guide?value=250+000+EUR&service=cleaning&currency=EUR")
                    .get_data(as_text=True).split())
    assert "At EUR 250,000 the contract is at or above the EU threshold (EUR 216,000)" in html
    assert '<option value="EUR" selected>' in html
    html = client.get("/en/procurement/route-guide?value=250000+kr&currency=EUR").get_data(as_text=True)
    assert "Enter the value in whole euros" in html and 'role="alert"' in html
    assert client.get("/en/procurement/route-guide?value=1&currency=USD").status_code == 400


@pytest.mark.parametrize("query, field", [
    ("value=lots&service=cleaning", "value"), ("value=500000&service=zzzz", "service"),
    ("value=500000&municipality=9999", "municipality"),
])
def test_the_page_explains_what_is_wrong(client, query, field):
    response = client.get(f"/en/procurement/route-guide?{query}")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert f'href="#route-{field}"' in html and 'role="alert"' in html
    assert "The routes" not in html


def test_the_page_for_a_bilaga_2_service(client):
    html = " ".join(client.get("/en/procurement/route-guide?value=3000000&service=85000000").get_data(
        as_text=True).split())
    assert "This service is in bilaga 2 to LOU" in html
    # In kronor the bilaga 2 threshold (in euros) cannot be compared: the guide says so.
    assert ("At 3,000,000 kr the guide cannot say whether the contract is within the direct-award limit "
            "(EUR 750,000) or at or above the threshold (EUR 750,000)") in html
    assert "Direct award: possible if the conditions are met" in html
    html = " ".join(client.get("/en/procurement/route-guide?value=300000&currency=EUR&service=85000000").get_data(
        as_text=True).split())
    assert "within the direct-award limit (EUR 750,000)" in html
    assert "Reserved procurement of welfare services (bilaga 2): open to you" in html
    assert "LOU 19 kap. 25 §, LOU 19 kap. 25 a §" in html
    assert "Choice system (LOV): possible if the conditions are met" in html


def test_without_limits_the_guide_says_they_are_missing(app, client):
    with app.app_context():
        for row in db.session.scalars(select(m.ProcurementLimit)):
            db.session.delete(row)
        db.session.commit()
        assert guide(500_000).level is None
    html = client.get("/en/procurement/route-guide?value=500000&service=cleaning").get_data(as_text=True)
    assert "The limits for this answer are missing" in html


def test_needs_use_the_2026_rules_for_a_direct_award(app):
    # Posting a need asks the route guide whether a direct award can be offered (values in kronor).
    with english(app):
        assert "above the direct-award limit of 700,000 kr" in needs.direct_award_problem(
            1_000_000, "cleaning", TODAY, "en")
        assert needs.direct_award_problem(700_000, "cleaning", TODAY, "en") == ""
        # Bilaga 2 in kronor cannot be compared with EUR 750 000: not refused, as without a value.
        assert needs.direct_award_problem(3_000_000, "85000000", TODAY, "en") == ""
        # In 2025 the kronor threshold decided it.
        assert needs.direct_award_problem(9_000_000, "85000000", IN_2025, "en") != ""
