"""The shortlist: kept in the session across requests and languages, added to and removed from
by POST with CSRF, exported as CSV (formula cells neutralised) and as a printable page."""

from __future__ import annotations

import csv
import io

import pytest

from knowledgebase.services.procurement import shortlist
from tests.curation_support import csrf_token
from tests.test_buyers import fictional_suppliers

EKSJO = "fiktiva-stadkooperativet-eksjo"
KALMAR = "fiktiva-putsarna-kalmar"


def add(client, slug: str, lang: str = "sv"):
    token = csrf_token(client.get(f"/{lang}/enterprises/{slug}").get_data(as_text=True))
    return client.post(f"/{lang}/shortlist", data={"csrf_token": token, "slug": slug, "action": "add",
                                                   "next": f"/{lang}/enterprises/{slug}?"})


def csv_rows(client, lang: str = "en") -> list[list[str]]:
    response = client.get(f"/{lang}/shortlist.csv")
    assert response.mimetype == "text/csv"
    return list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))


def test_the_shortlist_survives_requests_and_language_switches(client, make_entry):
    fictional_suppliers(make_entry)
    response = add(client, EKSJO)
    assert response.status_code == 303 and response.headers["Location"].rstrip("?") == f"/sv/enterprises/{EKSJO}"
    add(client, KALMAR, lang="en")
    page = client.get("/en/shortlist").get_data(as_text=True)
    assert "Fiktiva Städkooperativet i Eksjö" in page and "Fiktiva Putsarna i Kalmar" in page
    swedish = client.get("/sv/shortlist").get_data(as_text=True)
    assert "Fiktiva Städkooperativet i Eksjö" in swedish and 'lang="sv"' in swedish
    # The detail page now offers to remove it instead.
    detail = client.get(f"/en/enterprises/{EKSJO}").get_data(as_text=True)
    assert "Remove from shortlist" in detail and "Your shortlist (2)" in detail
    assert [row[0] for row in csv_rows(client)[1:]] == ["Fiktiva Städkooperativet i Eksjö", "Fiktiva Putsarna i Kalmar"]


def test_removing_and_emptying(client, make_entry):
    fictional_suppliers(make_entry)
    add(client, EKSJO)
    add(client, KALMAR)
    token = csrf_token(client.get("/en/shortlist").get_data(as_text=True))
    response = client.post("/en/shortlist", data={"csrf_token": token, "slug": EKSJO, "action": "remove"})
    assert response.status_code == 303 and response.headers["Location"] == "/en/shortlist"
    assert [row[0] for row in csv_rows(client)[1:]] == ["Fiktiva Putsarna i Kalmar"]
    client.post("/en/shortlist", data={"csrf_token": token, "action": "clear"})
    assert len(csv_rows(client)) == 1
    assert "Your shortlist is empty." in client.get("/en/shortlist").get_data(as_text=True)


def test_posting_needs_a_csrf_token(client, make_entry):
    fictional_suppliers(make_entry)
    response = client.post("/sv/shortlist", data={"slug": EKSJO, "action": "add"})
    assert response.status_code == 400
    assert len(csv_rows(client)) == 1


@pytest.mark.parametrize("target", ["//evil.example/x", "https://evil.example/", "\\\\evil", "javascript:alert(1)"])
def test_only_local_addresses_to_go_back_to(client, make_entry, target):
    fictional_suppliers(make_entry)
    token = csrf_token(client.get(f"/sv/enterprises/{EKSJO}").get_data(as_text=True))
    response = client.post("/sv/shortlist", data={"csrf_token": token, "slug": EKSJO, "next": target})
    assert response.headers["Location"] == "/sv/shortlist"


def test_unpublished_and_unknown_enterprises_are_not_added(client, make_entry):
    fictional_suppliers(make_entry)
    make_entry("enterprise", slug="fiktivt-utkast", status="draft")
    token = csrf_token(client.get(f"/sv/enterprises/{EKSJO}").get_data(as_text=True))
    for slug in ("fiktivt-utkast", "finns-inte", "../admin"):
        response = client.post("/en/shortlist", data={"csrf_token": token, "slug": slug})
        assert response.headers["Location"] == "/en/shortlist?full=1"
    assert "could not be added" in client.get("/en/shortlist?full=1").get_data(as_text=True)
    assert len(csv_rows(client)) == 1


def test_the_shortlist_has_a_limit(app):
    store: dict = {}
    with app.test_request_context():
        store[shortlist.SESSION_KEY] = [f"fiktiv-{n}" for n in range(shortlist.MAX_ITEMS)]
        assert shortlist.add(store, "fiktiv-extra") is False
        shortlist.remove(store, "fiktiv-3")
        assert len(shortlist.slugs(store)) == shortlist.MAX_ITEMS - 1
        store[shortlist.SESSION_KEY] = "tampered"
        assert shortlist.slugs(store) == []


def test_csv_contents_and_formula_cells(client, make_entry):
    make_entry("enterprise", slug="fiktiv-formel", title={"sv": "=HYPERLINK(\"http://evil.example\")"},
               municipalities=["0685"], counties=["08"], services=["cleaning"], capacity="+46 personer",
               tender_contact_name="-Fiktiv", tender_contact_email="anbud@fiktivt-exempel.se",
               tender_contact_phone="010-000 00 00", reserved_contracts=True, reserved_share=40,
               reserved_share_declared_on="2020-02-01", f_tax=True, vat_registered=False,
               website="https://fiktivt-exempel.se/",
               contracts=[{"buyer": "@Fiktiva kommunen", "year": 2024, "service": "Städ", "route": "reserved"}])
    add(client, "fiktiv-formel")
    header, row = csv_rows(client)
    record = dict(zip(header, row))
    assert record["Name"] == "'=HYPERLINK(\"http://evil.example\")"
    assert record["Capacity"] == "'+46 personer"
    assert record["Contact for tenders"] == "'-Fiktiv"
    assert record["Previous public contracts"].startswith("'@Fiktiva kommunen 2024 Städ (Reserved contract)")
    assert record["Area served"] == "Kalmar län (whole county); Vetlanda"
    assert record["Reserved contract (LOU 4 kap. 18 §)"] == "yes (not confirmed since 2020-02-01)"
    assert record["Share of workers (%)"] == "40"
    assert record["F-tax"] == "yes" and record["VAT registered"] == "no"
    assert "90910000" in record["CPV codes"]
    assert record["E-mail for tenders"] == "anbud@fiktivt-exempel.se"
    assert record["Page"].endswith("/en/enterprises/fiktiv-formel")
    swedish = client.get("/sv/shortlist.csv")
    assert "attachment" in swedish.headers["Content-Disposition"]


def test_printable_version_links_the_guidance_for_the_route(seeded_app):
    client = seeded_app.test_client()
    slug = "kooperativet-veteaxet"
    token = csrf_token(client.get(f"/en/enterprises/{slug}").get_data(as_text=True))
    client.post("/en/shortlist", data={"csrf_token": token, "slug": slug})
    html = client.get("/en/shortlist/print?route=reserved").get_data(as_text=True)
    assert "Planned procurement route: Reserved contract." in html
    assert "/en/procurement/reserverad-upphandling-lou-4-kap-18" in html
    assert "/en/procurement/marknadskannedom-och-dialog" in html
    assert "Veteaxet" in html and html.count("<h1") == 1
    assert client.get("/en/shortlist/print?route=bribery").status_code == 400
    assert client.get("/en/shortlist/print").status_code == 200
