"""Buyers: capability fields, their seed format and completeness, and the whole path of a buyer
in Vetlanda. Every enterprise here is fictional."""

from __future__ import annotations

import csv
import io

import pytest
from babel.dates import format_date
from sqlalchemy import select

from knowledgebase import models as m
from knowledgebase.admin.entry_forms import form_to_data, form_values
from knowledgebase.content_types import BY_KEY
from knowledgebase.extensions import db
from knowledgebase.services.procurement import buyers
from knowledgebase.services.transfer.exports import export_to
from knowledgebase.services.transfer.imports import import_path
from knowledgebase.services.content.serialization import FieldError, Vocabulary, clean_entry_data, entry_to_data
from tests.apps import close_app, make_curation_app
from tests.curation_support import add_entry, add_user, csrf_token, login
from tests.buyers_support import DECLARED, english, fictional_suppliers


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
    # In 2026-2027 the EU threshold is in euros: above 700 000 kr for sure, the threshold is for the
    # buyer to compare (or to answer with a value in euros).
    assert "above the direct-award limit (700,000 kr). Whether it is at or above the EU threshold (EUR 216,000)" in high_html
    in_euros = client.get("/en/procurement/route-guide?value=300000&currency=EUR&service=cleaning&municipality=0685")
    assert "at or above the EU threshold (EUR 216,000)" in " ".join(in_euros.get_data(as_text=True).split())
    for reference in ("LOU 4 kap. 18 §", "LOU 17 kap. 1 §", "LOU 4 kap. 3 §", "LOU 5 kap."):
        assert reference in high_html
    assert "Reserved contract: open to you" in high_html
    assert "Fiktiva Städkooperativet i Eksjö" in high_html  # a supplier for the reserved route
    assert "These figures applied until" not in high_html and "OJ C, 2025/5732" in high_html
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
