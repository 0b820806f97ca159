"""Buyers: CPV codes and their hierarchy, the area served, the supplier search (page and API),
eligibility with dated evidence, capability fields and their completeness, and the whole
path of a buyer in Vetlanda. Every enterprise here is fictional."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta

import pytest
from babel.dates import format_date
from sqlalchemy import select

from knowledgebase import models as m
from knowledgebase.admin.entry_forms import form_to_data, form_values
from knowledgebase.content_types import BY_KEY
from knowledgebase.extensions import db
from knowledgebase.services import buyers
from knowledgebase.services.entries import BadFilter
from knowledgebase.services.exports import export_to
from knowledgebase.services.imports import ImportFailed, import_path
from knowledgebase.services.serialization import FieldError, Vocabulary, clean_entry_data, entry_to_data
from tests.conftest import close_app, make_curation_app
from tests.curation_support import add_entry, add_user, csrf_token, login

TODAY = date(2026, 11, 29)
# The fictional cooperative's declared share: recent, so that pages (which use the real date)
# show it as current whenever the tests run.
DECLARED = date.today() - timedelta(days=100)


def english(app):
    """A request context in English, for messages the tests read."""
    return app.test_request_context(headers={"Accept-Language": "en"})


def fictional_suppliers(make_entry) -> dict[str, int]:
    """Four fictional enterprises: a cleaner in Eksjö serving the whole of Jönköpings län, a
    cleaner in Kalmar, a gardener in Vetlanda and a care cooperative in Växjö."""
    return {
        "eksjo": make_entry(
            "enterprise", slug="fiktiva-stadkooperativet-eksjo", title={"sv": "Fiktiva Städkooperativet i Eksjö"},
            municipalities=["0686"], counties=["06"], services=["cleaning"], reserved_contracts=True,
            reserved_share=45, reserved_share_declared_on=DECLARED.isoformat(), reserved_evidence="Personallista (fiktiv)",
            reserved_checked_by="Fiktiv rådgivare", lou_experience=True, tender_contact_name="Fiktiv Kontakt",
            tender_contact_email="anbud@fiktivt-exempel.se", tender_contact_phone="010-000 00 00",
            contracts=[{"buyer": "Fiktiva kommunen", "year": 2025, "service": "Lokalvård", "route": "reserved"}]),
        "kalmar": make_entry(
            "enterprise", slug="fiktiva-putsarna-kalmar", title={"sv": "Fiktiva Putsarna i Kalmar"},
            municipalities=["0880"], services=["cleaning"], reserved_contracts=False, lou_experience=True),
        "vetlanda": make_entry(
            "enterprise", slug="fiktiva-tradgarden-vetlanda", title={"sv": "Fiktiva Trädgården i Vetlanda"},
            municipalities=["0685"], services=["gardening"], reserved_contracts=True),
        "vaxjo": make_entry(
            "enterprise", slug="fiktiva-omsorgen-vaxjo", title={"sv": "Fiktiva Omsorgen i Växjö"},
            municipalities=["0780"], services=["care-assistance"], ideburen=True, lov_experience=True,
            reserved_contracts=True, reserved_share=20),
    }


def slugs(results) -> set[str]:
    return {e.slug for e in results.page.items}


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


# -- capability fields, their seed format and completeness ---------------------------------

def test_capability_fields_round_trip_through_the_seed_format(app, make_entry, app_factory, tmp_path):
    ids = fictional_suppliers(make_entry)
    with app.app_context():
        data = entry_to_data(db.session.get(m.Enterprise, ids["eksjo"]), BY_KEY["enterprise"])
        assert data["reserved_share_declared_on"] == DECLARED.isoformat()
        assert data["contracts"] == [{"buyer": "Fiktiva kommunen", "year": 2025, "service": "Lokalvård",
                                      "route": "reserved"}]
        export_to(tmp_path / "export")
    other = app_factory("other")
    with other.app_context():
        import_path(tmp_path / "export")
        db.session.commit()
        copy = db.session.scalars(select(m.Enterprise).where(m.Enterprise.slug == "fiktiva-stadkooperativet-eksjo")).one()
        assert entry_to_data(copy, BY_KEY["enterprise"]) == data
        assert db.session.scalars(select(m.ProcurementLimit)).all()
        assert buyers.cpv_codes([db.session.get(m.ServiceCategory, "cleaning")])
        assert db.session.get(m.ServiceCategory, "care-assistance").routes == ["lov", "iop"]
        # Importing the same files again changes nothing.
        report = import_path(tmp_path / "export")
        assert report.updated["enterprise"] == 0


@pytest.mark.parametrize("contracts, field", [
    ([{"year": 2024}], "contracts[1].buyer"),
    ([{"buyer": "X", "route": "handshake"}], "contracts[1].route"),
    ([{"buyer": "X", "year": 1200}], "contracts[1].year"),
    ("Vetlanda 2024", "contracts"),
])
def test_bad_contracts_are_refused(app, contracts, field):
    data = {"slug": "fiktiv", "title": "Fiktiv", "summary": "Fiktiv.", "contracts": contracts}
    with app.app_context(), pytest.raises(FieldError) as error:
        clean_entry_data(BY_KEY["enterprise"], data, Vocabulary.load())
    assert error.value.field == field


def test_admin_form_reads_and_writes_dates_and_contracts(app, make_entry):
    ids = fictional_suppliers(make_entry)
    ct = BY_KEY["enterprise"]
    with app.app_context():
        data = entry_to_data(db.session.get(m.Enterprise, ids["eksjo"]), ct)
    values = form_values(ct, data)
    assert values["reserved_share_declared_on"] == DECLARED.isoformat()
    assert values["contracts"] == "Fiktiva kommunen | 2025 | Lokalvård | reserved"

    class Stub(dict):
        def __getattr__(self, name):
            return self[name]

    class Field:
        def __init__(self, value):
            self.data = value

    form = Stub({name: Field(value) for name, value in values.items()})
    back = form_to_data(ct, form)
    assert back["contracts"] == [{"buyer": "Fiktiva kommunen", "year": "2025", "service": "Lokalvård",
                                  "route": "reserved"}]
    assert back["reserved_share_declared_on"] == DECLARED.isoformat()
    with app.app_context():
        clean = clean_entry_data(ct, {**data, **{k: back[k] for k in ("contracts", "reserved_share_declared_on")}},
                                 Vocabulary.load())
    assert clean["contracts"][0]["year"] == 2025 and clean["reserved_share_declared_on"] == DECLARED


def test_completeness_scores_and_names_missing_fields(app, make_entry):
    ids = fictional_suppliers(make_entry)
    bare = make_entry("enterprise")
    with english(app):
        score, missing = buyers.completeness(db.session.get(m.Enterprise, bare))
        assert score == 0 and set(missing) == set(buyers.CAPABILITY_FIELDS)
        score, missing = buyers.completeness(db.session.get(m.Enterprise, ids["eksjo"]))
        assert 0 < score < 100 and missing == ["capacity", "f_tax", "vat_registered", "registration_stated_on"]
        # Evidence of the share does not count for an enterprise that takes no reserved contracts.
        _score, missing = buyers.completeness(db.session.get(m.Enterprise, ids["kalmar"]))
        assert "reserved_evidence" not in missing and "reserved_contracts" not in missing
        assert str(buyers.capability_label("area")) == "Area served"


def test_completeness_page_is_for_advisers(tmp_path):
    capp = make_curation_app(tmp_path / "c")
    try:
        client = capp.test_client()
        login(client, add_user(capp, "contributor"))
        assert client.get("/admin/completeness").status_code == 403
        client = capp.test_client()
        login(client, add_user(capp, "adviser"))
        add_entry(capp, title={"sv": "Fiktiv ofullständig"}, capacity="Två städare (fiktivt)")
        html = client.get("/admin/completeness", headers={"Accept-Language": "en"}).get_data(as_text=True)
        assert "Fiktiv ofullständig" in html and "Contact for tenders" in html and 'scope="col"' in html
    finally:
        close_app(capp)


def test_enterprise_page_shows_contracts_and_buyer_tools(client, make_entry):
    fictional_suppliers(make_entry)
    make_entry("example", slug="fiktivt-exempel-lokalvard", procurement_route="reserved", municipalities=["0685"],
               enterprises=["fiktiva-stadkooperativet-eksjo"])
    html = client.get("/en/enterprises/fiktiva-stadkooperativet-eksjo").get_data(as_text=True)
    assert "Previous public contracts" in html and "Fiktiva kommunen" in html and "<th scope=\"row\">" in html
    assert "Add to shortlist" in html and "/en/enterprises/fiktiva-stadkooperativet-eksjo/capability" in html
    assert "90910000" in html and "fiktivt-exempel-lokalvard" in html
    assert "Only advisers see this." not in html
    capability = client.get("/en/enterprises/fiktiva-stadkooperativet-eksjo/capability").get_data(as_text=True)
    assert "Capability statement" in capability and "anbud@fiktivt-exempel.se" in capability
    assert "Jönköpings län" in capability and "(the whole county)" in capability


def test_enterprise_page_shows_completeness_to_advisers(tmp_path):
    capp = make_curation_app(tmp_path / "c")
    try:
        client = capp.test_client()
        login(client, add_user(capp, "adviser"))
        add_entry(capp, status="published", slug="fiktiv-synlig", capacity="Liten (fiktivt)")
        html = client.get("/en/enterprises/fiktiv-synlig").get_data(as_text=True)
        assert "% complete" in html and "Only advisers see this." in html
        assert "Only advisers see this." not in capp.test_client().get("/en/enterprises/fiktiv-synlig").get_data(
            as_text=True)
    finally:
        close_app(capp)


# -- done when: a buyer in Vetlanda -------------------------------------------------------

def test_buyer_in_vetlanda_end_to_end(client, make_entry):
    """A buyer in Vetlanda looking for cleaning finds the enterprises that serve Vetlanda, sees
    which can take a reserved contract, exports a shortlist, and learns from the guide which
    routes the law allows at 500 000 kr and at 3 000 000 kr, with the law references."""
    fictional_suppliers(make_entry)

    search = client.get("/sv/buyers?service=St%C3%A4d&serves=0685").get_data(as_text=True)
    assert "Fiktiva Städkooperativet i Eksjö" in search  # in Eksjö, serves the whole county
    assert "Fiktiva Putsarna i Kalmar" not in search
    assert "Fiktiva Trädgården i Vetlanda" not in search  # in Vetlanda, but no cleaning
    reserved = client.get("/en/buyers?service=cleaning&serves=0685&reserved=1").get_data(as_text=True)
    assert "Fiktiva Städkooperativet i Eksjö" in reserved
    assert "Ready, as stated" in reserved and f"As of {format_date(DECLARED, 'long', locale='en')}" in reserved

    response = client.post("/sv/shortlist", data={
        "csrf_token": csrf_token(search), "slug": "fiktiva-stadkooperativet-eksjo", "action": "add",
        "next": "/sv/buyers?service=St%C3%A4d&serves=0685"})
    assert response.status_code == 303 and response.headers["Location"].startswith("/sv/buyers")
    exported = client.get("/en/shortlist.csv")
    rows = list(csv.reader(io.StringIO(exported.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[0][0] == "Name" and len(rows) == 2
    assert rows[1][0] == "Fiktiva Städkooperativet i Eksjö" and f"yes (as of {DECLARED.isoformat()})" in rows[1]
    assert "anbud@fiktivt-exempel.se" in rows[1]

    low = client.get("/en/procurement/route-guide?value=500+000&service=cleaning&municipality=0685")
    low_html = " ".join(low.get_data(as_text=True).split())
    assert "Direct award: open to you" in low_html
    assert "within the direct-award limit (700,000 kr)" in low_html and "LOU 19 a kap." in low_html
    high = client.get("/en/procurement/route-guide?value=3000000&service=cleaning&municipality=0685")
    high_html = " ".join(high.get_data(as_text=True).split())
    assert "Direct award: not open" in high_html
    assert "at or above the EU threshold (2,389,585 kr)" in high_html
    for reference in ("LOU 4 kap. 18 §", "LOU 17 kap. 1 §", "LOU 4 kap. 3 §", "LOU 5 kap."):
        assert reference in high_html
    assert "Reserved contract: open to you" in high_html
    assert "Fiktiva Städkooperativet i Eksjö" in high_html  # a supplier for the reserved route
    assert "These figures applied until December 31, 2025; check the current thresholds at Upphandlingsmyndigheten." in high_html
    assert "This is guidance, not legal advice." in high_html


@pytest.mark.browser
def test_eligibility_card_prints_without_navigation(seeded_app):
    import tempfile

    from tests.browser import CHROMIUM, CHROMIUM_ARGS, LiveServer, require

    require(CHROMIUM, "Chromium")
    from playwright.sync_api import sync_playwright

    with LiveServer(seeded_app) as server, sync_playwright() as playwright, tempfile.TemporaryDirectory() as profile:
        context = playwright.chromium.launch_persistent_context(profile, executable_path=CHROMIUM,
                                                                args=CHROMIUM_ARGS, headless=True)
        try:
            page = context.new_page()
            page.goto(server.url + "/en/enterprises/kooperativet-veteaxet/eligibility")
            page.emulate_media(media="print")
            shown = page.evaluate("""() => Object.fromEntries(
                ['.main-nav', '.site-search', '.breadcrumbs', '.eligibility-item', 'h1'].map(
                    s => [s, getComputedStyle(document.querySelector(s)).display]))""")
        finally:
            context.close()
    assert shown[".main-nav"] == shown[".site-search"] == shown[".breadcrumbs"] == "none"
    assert shown[".eligibility-item"] != "none" and shown["h1"] != "none"
