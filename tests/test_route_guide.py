"""The route guide: the answers just below and above each limit, limits that come from data
(and warn when they have expired), which routes open for which service, and the page."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from knowledgebase import models as m
from knowledgebase.extensions import db
from knowledgebase.services.procurement import route_guide
from knowledgebase.services.transfer.imports import ImportFailed, import_path
from tests.test_buyers import english, fictional_suppliers

TODAY = date(2026, 11, 29)


def guide(value, service="cleaning", today=TODAY, municipality=None):
    info = route_guide.resolve_service(service, "en") if service else None
    muni = db.session.get(m.Municipality, municipality) if municipality else None
    return route_guide.build_guide(value, info, muni, today, "en")


def routes(answer) -> dict[str, str]:
    return {route.key: route.status for route in answer.routes}


@pytest.mark.parametrize("raw, value", [
    ("500000", 500_000), ("500 000", 500_000), ("3 000 000 kr", 3_000_000), ("700\u00a0000", 700_000),
    ("2389585 SEK", 2_389_585), ("1000,00", 1_000), ("0", 0),
])
def test_values_as_people_write_them(raw, value):
    assert route_guide.parse_value(raw) == value


@pytest.mark.parametrize("raw", ["", "abc", "-5", "1.5", "10e6", "9" * 14])
def test_values_that_are_not_kronor(raw):
    with pytest.raises(ValueError):
        route_guide.parse_value(raw)


@pytest.mark.parametrize("value, level, direct", [
    (699_999, "direct", "open"),
    (700_000, "direct", "open"),  # "uppgår till högst 700 000 kronor": the limit itself is allowed
    (700_001, "national", "closed"),
    (2_389_584, "national", "closed"),
    (2_389_585, "eu", "closed"),
])
def test_ordinary_services_at_each_limit(app, value, level, direct):
    with app.app_context():
        answer = guide(value)
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
        answer = guide(value, service="85000000")
    assert answer.service.bilaga2 is True
    assert answer.level == level and routes(answer)["direct_award"] == direct
    assert answer.direct_limit.key == "direct_award_bilaga2" and answer.direct_limit.amount == 8_109_450
    assert answer.threshold.key == "eu_threshold_bilaga2"


def test_works_use_the_works_threshold(app):
    with app.app_context():
        answer = guide(2_389_585, service="45112712")
    assert answer.service.works and answer.threshold.key == "eu_threshold_works"
    assert answer.level == "national"


def test_thresholds_come_from_data(app):
    with app.app_context():
        assert guide(2_500_000).level == "eu"
        row = db.session.scalars(select(m.ProcurementLimit).where(
            m.ProcurementLimit.key == "eu_threshold_services")).one()
        row.amount = 3_000_000
        db.session.commit()
        assert guide(2_500_000).level == "national"
        direct = db.session.scalars(select(m.ProcurementLimit).where(m.ProcurementLimit.key == "direct_award")).one()
        direct.amount = 400_000
        db.session.commit()
        assert guide(500_000).level == "national"


def test_expired_figures_are_still_used_with_a_warning_until_new_ones_are_entered(app):
    with app.app_context():
        before = guide(3_000_000)
        assert before.threshold.expired and before.threshold.amount == 2_389_585
        assert not before.direct_limit.expired  # fixed in the law, no end date
        assert [limit.key for limit in before.expired_limits] == ["eu_threshold_services"]
        # In 2025 the same figures were current.
        assert not guide(3_000_000, today=date(2025, 6, 1)).threshold.expired
        db.session.add(m.ProcurementLimit(key="eu_threshold_services", amount=2_500_000, valid_from=date(2026, 1, 1),
                                          valid_to=date(2027, 12, 31), law_reference="LOU 5 kap.",
                                          source_url="https://example.org/fiktiv-kalla"))
        db.session.commit()
        after = guide(2_450_000)
        assert after.threshold.amount == 2_500_000 and not after.threshold.expired
        assert after.level == "national"
        # A period that has not started is not used yet.
        assert guide(2_450_000, today=date(2025, 12, 31)).threshold.amount == 2_389_585


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
])
def test_limit_files_are_checked(app, data, message):
    with english(app), pytest.raises(ValueError, match=message):
        route_guide.import_limits(data, "procurement_limits.yaml")


def test_a_bad_limit_refuses_the_whole_import(app, tmp_path):
    bad = tmp_path / "procurement_limits.yaml"
    bad.write_text("limits:\n"
                   "  - {key: eu_threshold_services, amount: 1, valid_from: 2026-01-01, source: https://example.org/}\n"
                   "  - {key: eu_threshold_services, amount: 2, valid_from: 2026-01-01, source: https://example.org/}\n",
                   encoding="utf-8")
    with english(app):
        with pytest.raises(ImportFailed, match="twice"):
            import_path(bad)
        db.session.rollback()
        assert db.session.scalars(select(m.ProcurementLimit).where(
            m.ProcurementLimit.valid_from == date(2026, 1, 1))).first() is None


def test_an_adviser_updates_a_threshold_through_the_seed_format(app, client, tmp_path):
    update = tmp_path / "procurement_limits.yaml"
    update.write_text("limits:\n  - key: eu_threshold_services\n    amount: 2500000\n    valid_from: 2026-01-01\n"
                      "    valid_to: 2027-12-31\n    law_reference: LOU 5 kap.\n    source: https://example.org/fiktiv\n",
                      encoding="utf-8")
    with app.app_context():
        import_path(update)
        db.session.commit()
    html = " ".join(client.get("/en/procurement/route-guide?value=2400000&service=cleaning").get_data(
        as_text=True).split())
    assert "above the direct-award limit (700,000 kr) and below the EU threshold (2,500,000 kr)" in html
    assert "These figures applied until" not in html


# -- the page -------------------------------------------------------------------------------

def test_the_page_without_a_question_shows_the_limits(client):
    html = " ".join(client.get("/en/procurement/route-guide").get_data(as_text=True).split())
    assert "This is guidance, not legal advice." in html
    assert "2,389,585 kr" in html and "8,109,450 kr" in html and "700,000 kr" in html
    assert "These figures applied until December 31, 2025; check the current thresholds at Upphandlingsmyndigheten." in html
    assert "From February 1, 2022, fixed in the law" in html
    assert '<label for="route-value">' in html and '<label for="route-service">' in html
    assert '<label for="route-municipality">' in html and html.count("<h1") == 1


def test_the_page_answers_in_swedish_too(client):
    response = client.get("/sv/procurement/route-guide?value=500000&service=90910000")
    assert response.status_code == 200 and 'lang="sv"' in response.get_data(as_text=True)


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
    assert "within the direct-award limit (8,109,450 kr)" in html
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
