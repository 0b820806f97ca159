"""Buyers: CPV codes and their hierarchy, the area served, the supplier search (page and API),
eligibility with dated evidence, capability fields and their completeness, and the whole
path of a buyer in Vetlanda. Every enterprise here is fictional."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from knowledgebase import models as m
from knowledgebase.extensions import db
from knowledgebase.services.procurement import buyers
from knowledgebase.services.content.entries import BadFilter
from knowledgebase.services.transfer.imports import ImportFailed, import_path
from tests.buyers_support import DECLARED, TODAY, english, fictional_suppliers, slugs


# -- CPV codes ----------------------------------------------------------------------------

@pytest.mark.parametrize("value, prefix", [
    ("90910000-9", "9091"), ("90910000", "9091"), ("9091 0000", "9091"), (" 90.91 ", "9091"),
    ("90", "90"), ("90000000", "90"), ("909", "909"), ("CPV 909", "909"), ("03000000-1", "03"),
    ("90911200", "909112"), ("cleaning", None), ("9", None), ("123456789", None), ("", None),
])
def test_cpv_prefix_reads_codes_in_any_common_form(value, prefix):
    assert buyers.cpv_prefix(value) == prefix


@pytest.mark.parametrize("value, term", [
    ("90910000-9", "9091"), ("90", "90"), ("Cleaning", "cleaning"), (" Bicycle repair ", "bicycle-repair"),
    ("care-assistance", "care-assistance"),
])
def test_normalise_service_query(value, term):
    assert buyers.normalise_service_query(value) == term


def test_service_terms_hold_slugs_codes_and_every_ancestor(app, make_entry):
    ids = fictional_suppliers(make_entry)
    with app.app_context():
        terms = buyers.service_terms(db.session.get(m.Enterprise, ids["eksjo"]))
    assert {"cleaning", "90910000", "9091", "909", "90", "90911200", "909112", "90919300", "98341110"} <= set(terms)
    assert "77313000" not in terms
    assert terms == sorted(set(terms))
    # Every term a query can produce for these codes is among them.
    for query in ("90", "90000000", "909", "90910000-9", "9091 1200"):
        assert buyers.normalise_service_query(query) in terms


def test_seeded_cpv_codes_are_sourced_and_marked(app):
    with app.app_context():
        categories = {c.slug: c for c in db.session.scalars(select(m.ServiceCategory))}
        codes = buyers.cpv_codes(categories.values())
    assert len(codes) >= 20
    for code in codes:
        assert buyers.CPV_CODE_RE.match(code.code)
        assert code.name_sv or code.name_en
        assert code.sources and all(url.startswith("https://") for url in code.sources)
        assert not code.reservable or code.bilaga2
    by_code = {c.code[:8]: c for c in codes}
    assert by_code["85000000"].bilaga2 and by_code["85000000"].reservable
    assert by_code["55520000"].bilaga2 and not by_code["55520000"].reservable
    assert not by_code["90910000"].bilaga2
    assert "lov" in categories["care-assistance"].routes


@pytest.mark.parametrize("item, message", [
    ({"code": "9091000", "name": {"en": "x"}, "source": "https://example.org/"}, "not an eight-digit"),
    ({"code": "90910000", "name": {"en": "x"}}, "source"),
    ({"code": "90910000", "name": {}, "source": "https://example.org/"}, "name"),
    ({"code": "90910000", "name": {"en": "x"}, "source": "ftp://example.org/"}, "source"),
    ({"code": "90910000", "name": {"en": "x"}, "source": "https://example.org/", "reservable": True}, "bilaga"),
    ({"code": "90910000", "name": {"en": "x"}, "source": "https://example.org/", "extra": 1}, "mapping"),
])
def test_cpv_lists_are_checked(app, item, message):
    with english(app), pytest.raises(ValueError, match=message):
        buyers.clean_cpv_list([item], "service_categories.yaml: cleaning")


def test_a_bad_cpv_code_refuses_the_whole_import(app, tmp_path):
    bad = tmp_path / "service_categories.yaml"
    bad.write_text('- slug: cleaning\n  name: {sv: Städ}\n  cpv:\n    - {code: "90910000", name: {en: X}}\n'
                   '- slug: brand-new\n  name: {sv: Ny}\n', encoding="utf-8")
    with english(app):
        with pytest.raises(ImportFailed, match="source"):
            import_path(bad)
        db.session.rollback()
        assert db.session.get(m.ServiceCategory, "brand-new") is None
        assert buyers.cpv_codes([db.session.get(m.ServiceCategory, "cleaning")])


# -- the area served and the supplier search ------------------------------------------------

def test_served_municipalities_count_whole_counties(app, make_entry):
    ids = fictional_suppliers(make_entry)
    with app.app_context():
        eksjo = buyers.served_municipalities(db.session.get(m.Enterprise, ids["eksjo"]))
        kalmar = buyers.served_municipalities(db.session.get(m.Enterprise, ids["kalmar"]))
        county_06 = {mu.code for mu in db.session.get(m.County, "06").municipalities}
    assert "0685" in eksjo and "0686" in eksjo and eksjo == county_06
    assert kalmar == {"0880"}


def test_serves_my_municipality_counts_the_area_served_not_the_address(app, make_entry):
    fictional_suppliers(make_entry)
    with app.app_context():
        vetlanda = buyers.find_suppliers(service="cleaning", serves="0685")
        kalmar_county = buyers.find_suppliers(service="cleaning", county="08")
        everywhere = buyers.find_suppliers(service="cleaning")
    assert slugs(vetlanda) == {"fiktiva-stadkooperativet-eksjo"}
    assert slugs(kalmar_county) == {"fiktiva-putsarna-kalmar"}
    assert slugs(everywhere) == {"fiktiva-stadkooperativet-eksjo", "fiktiva-putsarna-kalmar"}


@pytest.mark.parametrize("service, expected", [
    ("90", {"eksjo", "kalmar"}), ("90000000", {"eksjo", "kalmar"}), ("909", {"eksjo", "kalmar"}),
    ("90910000-9", {"eksjo", "kalmar"}), ("9091 1200", {"eksjo", "kalmar"}), ("77", {"vetlanda"}),
    ("85", {"vaxjo"}), ("85312400", {"vaxjo"}), ("cleaning", {"eksjo", "kalmar"}), ("Städ", {"eksjo", "kalmar"}),
    ("school cleaning", {"eksjo", "kalmar"}), ("Trädgård", {"vetlanda"}), ("", {"eksjo", "kalmar", "vetlanda", "vaxjo"}),
])
def test_search_by_service_name_or_cpv_code_with_its_hierarchy(app, make_entry, service, expected):
    ids = fictional_suppliers(make_entry)
    names = {v: k for k, v in ids.items()}
    with app.app_context():
        found = buyers.find_suppliers(service=service)
        assert {names[e.id] for e in found.page.items} == expected
        assert not found.unknown_service


def test_a_service_that_matches_nothing_says_so(app, make_entry):
    fictional_suppliers(make_entry)
    with app.app_context():
        found = buyers.find_suppliers(service="99999999")
    assert found.page.total == 0 and found.unknown_service


def test_reserved_and_experience_filters(app, make_entry):
    ids = fictional_suppliers(make_entry)
    # States it can, but the declared share is below 30 %: not eligible.
    make_entry("enterprise", slug="fiktiva-for-lag-andel", municipalities=["0685"], services=["cleaning"],
               reserved_contracts=True, reserved_share=25)
    with app.app_context():
        reserved = buyers.find_suppliers(reserved=True)
        assert slugs(reserved) == {"fiktiva-stadkooperativet-eksjo", "fiktiva-tradgarden-vetlanda"}
        assert slugs(buyers.find_suppliers(experience=("lou",))) == {
            "fiktiva-stadkooperativet-eksjo", "fiktiva-putsarna-kalmar"}
        assert slugs(buyers.find_suppliers(experience=("lou",), reserved=True)) == {"fiktiva-stadkooperativet-eksjo"}
        assert slugs(buyers.find_suppliers(experience=("lov",))) == {"fiktiva-omsorgen-vaxjo"}
        assert buyers.can_take_reserved(db.session.get(m.Enterprise, ids["eksjo"]))
        assert not buyers.can_take_reserved(db.session.get(m.Enterprise, ids["vaxjo"]))


def test_only_published_enterprises_are_found(app, make_entry):
    make_entry("enterprise", slug="fiktiv-utkast", status="draft", municipalities=["0685"], services=["cleaning"])
    with app.app_context():
        assert "fiktiv-utkast" not in slugs(buyers.find_suppliers(service="cleaning"))


@pytest.mark.parametrize("args", [{"serves": "9999"}, {"serves": "06"}, {"county": "99"}, {"reserved": "maybe"},
                                  {"experience": "luf"}])
def test_bad_search_arguments_are_refused(app, args):
    with app.app_context(), pytest.raises(BadFilter):
        buyers.parse_supplier_args(args)


def test_buyers_page_and_api_share_the_parameters(app, client, make_entry):
    fictional_suppliers(make_entry)
    page = client.get("/en/buyers?service=90&serves=0685&reserved=1&experience=lou")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Fiktiva Städkooperativet i Eksjö" in html and "Fiktiva Putsarna" not in html
    assert '<label for="buyers-service">' in html and 'name="csrf_token"' in html
    assert html.count("<h1") == 1
    api = client.get("/api/v1/suppliers?service=90&serves=0685&reserved=1&experience=lou").get_json()
    assert api["total"] == 1 and api["query"] == {"service": "90", "serves": "0685", "reserved": "1",
                                                    "experience": ["lou"]}
    result = api["results"][0]
    assert result["slug"] == "fiktiva-stadkooperativet-eksjo"
    assert "0685" in result["serves_municipalities"] and result["whole_counties"] == ["06"]
    assert result["eligibility"]["reserved"] == {"status": "yes", "as_of": DECLARED.isoformat(), "stale": False}
    assert "90910000" in result["cpv"]
    assert client.get("/api/v1/suppliers?serves=0000").status_code == 400
    assert client.get("/en/buyers?serves=0000").status_code == 400
    assert client.get("/sv/buyers?service=zzzqqq").status_code == 200


def _search_slugs(client, query: str) -> set[str]:
    response = client.get(f"/api/v1/search?{query}")
    assert response.status_code == 200, response.get_data(as_text=True)
    return {hit["slug"] for hit in response.get_json()["results"]}


@pytest.mark.parametrize("service, expected", [
    ("90", {"eksjo", "kalmar"}), ("90000000", {"eksjo", "kalmar"}), ("909", {"eksjo", "kalmar"}),
    ("90910000-9", {"eksjo", "kalmar"}), ("9091+1200", {"eksjo", "kalmar"}), ("77", {"vetlanda"}),
    ("85312400", {"vaxjo"}), ("cleaning", {"eksjo", "kalmar"}), ("99999999", set()),
])
def test_site_search_takes_a_service_slug_or_cpv_code_with_its_hierarchy(client, make_entry, service, expected):
    ids = fictional_suppliers(make_entry)
    wanted = {slug for key, slug in (("eksjo", "fiktiva-stadkooperativet-eksjo"), ("kalmar", "fiktiva-putsarna-kalmar"),
                                     ("vetlanda", "fiktiva-tradgarden-vetlanda"), ("vaxjo", "fiktiva-omsorgen-vaxjo"))
              if key in expected}
    assert ids and _search_slugs(client, f"service={service}") == wanted


def test_site_search_serves_and_reserved_match_the_supplier_search(app, client, make_entry):
    fictional_suppliers(make_entry)
    make_entry("enterprise", slug="fiktiva-for-lag-andel", municipalities=["0685"], services=["cleaning"],
               reserved_contracts=True, reserved_share=25)
    # "Serves Vetlanda" counts the whole county the Eksjö cooperative serves, not only addresses.
    assert _search_slugs(client, "service=cleaning&serves=0685") == {
        "fiktiva-stadkooperativet-eksjo", "fiktiva-for-lag-andel"}
    assert _search_slugs(client, "serves=0685&reserved=1") == {
        "fiktiva-stadkooperativet-eksjo", "fiktiva-tradgarden-vetlanda"}
    assert _search_slugs(client, "service=90&serves=0685&reserved=1") == {"fiktiva-stadkooperativet-eksjo"}
    assert _search_slugs(client, "serves=0880") == {"fiktiva-putsarna-kalmar"}
    # The same answers as the supplier search, for every municipality of the region.
    with app.app_context():
        region = [mu.code for county in db.session.scalars(select(m.County).where(m.County.code.in_(
            ["05", "06", "07", "08", "09"]))) for mu in county.municipalities]
        for code in region:
            expected = slugs(buyers.find_suppliers(serves=code, reserved=True, per_page=100))
            assert _search_slugs(client, f"serves={code}&reserved=1&per_page=100") == expected, code
    api = client.get("/api/v1/search?service=90910000-9&serves=0685").get_json()
    assert api["filters"] == {"service": ["9091"], "serves": ["0685"]}
    assert api["facets"]["service"]["9091"] == 2
    for bad in ("serves=0000", "serves=06", "reserved=maybe", "service=no-such-service", "fresh=ja"):
        assert client.get(f"/api/v1/search?{bad}").status_code == 400, bad
        assert client.get(f"/sv/search?{bad}").status_code == 400, bad
    page = client.get("/en/search?service=90&serves=0685").get_data(as_text=True)
    assert "Fiktiva Städkooperativet i Eksjö" in page and "Fiktiva Putsarna" not in page
    assert '<option value="0685" selected>' in page and "CPV 90" in page


# -- eligibility with dated evidence --------------------------------------------------------

@pytest.mark.parametrize("declared, stale", [("2025-11-29", False), ("2025-11-28", True), ("2026-03-01", False)])
def test_evidence_older_than_a_year_is_not_confirmed(app, make_entry, declared, stale):
    entry_id = make_entry("enterprise", reserved_contracts=True, reserved_share=35,
                          reserved_share_declared_on=declared)
    with app.app_context():
        item = buyers.eligibility(db.session.get(m.Enterprise, entry_id), TODAY)[0]
    assert item.key == "reserved" and item.status == "yes"
    assert item.as_of == date.fromisoformat(declared) and item.stale is stale


def test_eligibility_statuses(app, make_entry):
    ids = fictional_suppliers(make_entry)
    unknown = make_entry("enterprise", municipalities=["0685"])
    with english(app):
        cards = {key: {i.key: i for i in buyers.eligibility(db.session.get(m.Enterprise, entry_id), TODAY)}
                 for key, entry_id in {**ids, "unknown": unknown}.items()}
    assert cards["eksjo"]["reserved"].status == "yes"
    assert cards["kalmar"]["reserved"].status == "no"
    assert cards["vaxjo"]["reserved"].status == "no"  # 20 % is below 30 %
    assert cards["vetlanda"]["reserved"].status == "unknown"  # no declared share
    assert cards["unknown"]["reserved"].status == "unknown" and cards["unknown"]["reserved"].as_of is None
    assert cards["vaxjo"]["bilaga2"].status == "yes"
    assert any("85000000-9" in note for note in cards["vaxjo"]["bilaga2"].notes)
    assert any("None of" in note for note in cards["eksjo"]["bilaga2"].notes)


def test_eligibility_card_prints_as_an_annex(client, make_entry):
    make_entry("enterprise", slug="fiktiv-gammal-uppgift", reserved_contracts=True, reserved_share=50,
               reserved_share_declared_on="2020-01-15", reserved_evidence="Intyg (fiktivt)")
    html = client.get("/en/enterprises/fiktiv-gammal-uppgift/eligibility").get_data(as_text=True)
    assert "Not confirmed since January 15, 2020" in html
    assert "LOU 4 kap. 18 §" in html and "LOU 19 kap. 25 §, 25 a §" in html
    assert "50 %" in html and "Intyg (fiktivt)" in html
    assert html.count("<h1") == 1
    assert client.get("/en/enterprises/no-such-slug/eligibility").status_code == 404
