"""The directory in Open Referral HSDS 3.0, validated against HSDS's own JSON Schemas
(copied into tests/data/hsds/ with their licence): the seeded directory and a fictional
import of 200 enterprises, as JSON pages, single records and the tabular data package."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from pathlib import Path

import pytest
import yaml
from sqlalchemy import func, select
from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from knowledgebase import models as m
from knowledgebase.extensions import db
from knowledgebase.services.transfer.imports import import_path
from knowledgebase.orgnr import luhn_valid

SCHEMAS = Path(__file__).parent / "data" / "hsds"
SERVICE_CATEGORIES = ["cleaning", "catering-cafe", "gardening", "laundry", "carpentry", "transport"]
MUNICIPALITIES = ["0685", "0680", "0764", "0780", "0880", "0980"]


def _registry() -> Registry:
    """Every HSDS object schema under its file name, as their ``$ref``s name them."""
    resources = [(path.name, Resource.from_contents(json.loads(path.read_text()), default_specification=DRAFT202012))
                 for path in SCHEMAS.glob("*.json") if path.name not in ("openapi.json", "tabular.json")]
    return Registry().with_resources(resources)


REGISTRY = _registry()
PAGE = json.loads((SCHEMAS / "openapi.json").read_text())["components"]["schemas"]["Page"]


def validator(schema: dict) -> Draft202012Validator:
    return Draft202012Validator(schema, registry=REGISTRY, format_checker=Draft202012Validator.FORMAT_CHECKER)


FULL_ORGANIZATION = validator({"$ref": "organization.json", "required": ["services"],
                               "properties": {"services": {"type": "array", "items": {"$ref": "service.json"}}}})
SERVICE = validator({"$ref": "service.json", "required": ["organization", "service_areas"]})


def page_validator(item: str) -> Draft202012Validator:
    """HSDS's Page envelope (every field present) around ``contents`` of ``item``."""
    return validator({"allOf": [PAGE], "required": [*PAGE["properties"], "contents"],
                      "properties": {"contents": {"type": "array", "items": {"$ref": item}}}})


def assert_valid(checker: Draft202012Validator, document: dict) -> None:
    errors = sorted(checker.iter_errors(document), key=lambda e: list(e.absolute_path))
    assert not errors, "\n".join(f"{list(e.absolute_path)}: {e.message}" for e in errors[:10])


def every_page(client, path: str) -> list[dict]:
    """All pages of an HSDS list, each checked against the envelope."""
    item = "organization.json" if "organizations" in path else "service.json"
    pages, number = [], 1
    while True:
        response = client.get(f"{path}?page={number}&per_page=100")
        assert response.status_code == 200
        assert_valid(page_validator(item), response.json)
        pages.append(response.json)
        if response.json["last_page"]:
            return pages
        number += 1


def check_directory(client, expected_organizations: int) -> None:
    """Every organization and service, in lists and one by one, validates against HSDS."""
    organizations = [o for page in every_page(client, "/api/hsds/organizations") for o in page["contents"]]
    assert len(organizations) == expected_organizations == len({o["id"] for o in organizations})
    services = [s for page in every_page(client, "/api/hsds/services") for s in page["contents"]]
    for record in services:
        assert_valid(SERVICE, record)
    total_services = 0
    for summary in organizations:
        full = client.get(f"/api/hsds/organizations/{summary['id']}").json
        assert_valid(FULL_ORGANIZATION, full)
        assert full["services"], "every organization has at least one service"
        total_services += len(full["services"])
    assert total_services == len(services) == len({s["id"] for s in services})
    one = client.get(f"/api/hsds/services/{services[0]['id']}?lang=en")
    assert one.status_code == 200
    assert_valid(SERVICE, one.json)


def fictional_enterprises(count: int) -> dict:
    """``count`` clearly fictional enterprises with every field HSDS carries filled in."""
    entries = []
    for n in range(1, count + 1):
        digits = f"55690{n:04d}"
        org_number = next(f"{digits[:6]}-{digits[6:]}{d}" for d in "0123456789" if luhn_valid(digits + d))
        entries.append({
            "slug": f"fiktiv-{n}", "status": "published",
            "title": {"sv": f"Fiktiv Städ & Café {n}", "en": f"Fictional Cleaning & Café {n}"},
            "summary": {"sv": f"Påhittat socialt företag nummer {n} för tester.",
                        "en": f"Made-up social enterprise number {n} for tests."},
            "org_number": org_number,
            "legal_form": "ekonomisk-forening",
            "address": f"Fiktivgatan {n}, 555 {n % 100:02d} Fiktivby" if n % 4 else f"Fiktiva torget {n}",
            "website": f"https://fiktiv-{n}.example.org",
            "email": f"info@fiktiv-{n}.example.org",
            "phone": f"010-000 {n:04d}",
            "founded_year": 1990 + n % 30,
            "tender_contact_name": f"Fiktiv Kontakt {n}" if n % 3 else "",
            "tender_contact_email": f"anbud@fiktiv-{n}.example.org" if n % 3 else "",
            "tender_contact_phone": f"010-111 {n:04d}" if n % 5 else "",
            "services": SERVICE_CATEGORIES[: n % 4],  # some have none: their whole activity is one service
            "municipalities": [MUNICIPALITIES[n % len(MUNICIPALITIES)]],
            "counties": ["07"] if n % 7 == 0 else [],
            "sources": [{"title": "Testdata (fiktiv)", "url": ""}],
            "last_verified": "2026-10-01",
        })
    return {"type": "enterprise", "entries": entries}


@pytest.fixture
def fictional_app(app, tmp_path, make_entry):
    """The taxonomy, 200 fictional published enterprises, and some that are not published."""
    path = tmp_path / "fiktiva.yaml"
    path.write_text(yaml.safe_dump(fictional_enterprises(200), allow_unicode=True), encoding="utf-8")
    with app.app_context():
        import_path(path)
        db.session.commit()
    for status in ("draft", "review", "archived"):
        make_entry("enterprise", slug=f"fiktiv-{status}", status=status, services=["cleaning"])
    return app


def test_the_seeded_directory_validates_against_hsds(seeded_client):
    with seeded_client.application.app_context():
        published = db.session.scalar(select(func.count()).select_from(m.Enterprise).where(
            m.Enterprise.status == m.PUBLISHED))
    check_directory(seeded_client, published)


def test_a_fictional_import_of_200_enterprises_validates_against_hsds(fictional_app):
    client = fictional_app.test_client()
    check_directory(client, 200)
    page = client.get("/api/hsds/organizations?per_page=100&page=2").json
    assert (page["page_number"], page["size"], page["total_items"], page["total_pages"]) == (2, 100, 200, 2)
    assert page["last_page"] and not page["first_page"]
    assert client.get("/api/hsds/organizations?per_page=100&page=3").json["empty"] is True


def find(client, name: str) -> dict:
    for page in every_page(client, "/api/hsds/organizations"):
        for summary in page["contents"]:
            if summary["name"] == name:
                return client.get(f"/api/hsds/organizations/{summary['id']}").json
    raise AssertionError(name)


def test_an_enterprise_maps_to_hsds_fields(fictional_app):
    client = fictional_app.test_client()
    org = find(client, "Fiktiv Städ & Café 14")
    assert org["alternate_name"] == "Fictional Cleaning & Café 14"
    assert org["uri"].endswith("/sv/enterprises/fiktiv-14")
    assert org["organization_identifiers"][0]["identifier_scheme"] == "SE-ON"
    assert org["organization_identifiers"][0]["identifier"].startswith("556900-014")
    assert org["contacts"][0]["name"] == "Fiktiv Kontakt 14"
    assert org["phones"][0]["number"] == "010-000 0014"
    address = org["locations"][0]["addresses"][0]
    assert (address["address_1"], address["postal_code"], address["city"], address["country"]) == (
        "Fiktivgatan 14", "55514", "Fiktivby", "SE")
    # 14 % 4 == 2 categories, and 14 % 7 == 0: the whole of Kronobergs län besides one municipality.
    with fictional_app.app_context():
        wanted = {db.session.get(m.ServiceCategory, slug).name_sv for slug in ("cleaning", "catering-cafe")}
    assert {s["name"] for s in org["services"]} == wanted and len(org["services"]) == 2
    assert {a["name"] for a in org["services"][0]["service_areas"]} == {"Kronobergs län", "Alvesta"}
    assert {s["assured_date"] for s in org["services"]} == {"2026-10-01"}
    confirmed = {r["field_name"]: r for r in org["metadata"]}
    assert confirmed["org_number"]["last_action_date"] == "2026-10-01"
    assert confirmed["org_number"]["replacement_value"] == org["organization_identifiers"][0]["identifier"]
    assert "area" in {r["field_name"] for r in org["services"][0]["metadata"]} and "area" not in confirmed
    assert any(a["taxonomy_term"]["taxonomy"] == "CPV" for s in org["services"] for a in s["attributes"])
    # An address that is not "street, postal code town" is kept whole, not guessed at.
    other = find(client, "Fiktiv Städ & Café 16")
    assert other["locations"][0]["description"] == "Fiktiva torget 16" and not other["locations"][0]["addresses"]
    # Without service categories, the enterprise's whole activity is its one service.
    assert [s["name"] for s in other["services"]] == ["Fiktiv Städ & Café 16"]


def test_only_published_enterprises_and_clear_errors(fictional_app):
    client = fictional_app.test_client()
    from knowledgebase.services.transfer.hsds import record_id

    names = {o["name"] for page in every_page(client, "/api/hsds/organizations") for o in page["contents"]}
    assert not any(status in name for name in names for status in ("draft", "review", "archived"))
    for status in ("draft", "review", "archived"):
        assert client.get(f"/api/hsds/organizations/{record_id('organization', f'fiktiv-{status}')}").status_code == 404
        assert client.get(f"/api/hsds/services/{record_id('service', f'fiktiv-{status}', 'cleaning')}").status_code == 404
    assert client.get("/api/hsds/organizations/not-a-uuid").status_code == 404
    assert client.get("/api/hsds/organizations?page=0").status_code == 400
    assert client.get("/api/hsds/services?lang=xx").status_code == 400
    assert client.get("/api/hsds/").json["version"] == "3.0"


def _typed(field: dict, raw: str):
    """A CSV cell as the JSON value the tabular schema expects (empty cells are absent)."""
    if field["type"] in ("number", "integer"):
        return float(raw) if field["type"] == "number" else int(raw)
    return raw


def test_the_tabular_data_package_validates_against_hsds(fictional_app):
    client = fictional_app.test_client()
    response = client.get("/api/hsds/datapackage.zip")
    assert response.status_code == 200 and response.mimetype == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(response.data))
    package = json.loads(archive.read("datapackage.json"))
    assert package["profile"] == "tabular-data-package"
    assert package["licenses"][0]["name"] == "CC-BY-4.0"
    assert "Open Referral" in package["sources"][0]["title"]
    tabular = json.loads((SCHEMAS / "tabular.json").read_text())
    rows_by_table: dict[str, list[dict]] = {}
    for resource in package["resources"]:
        fields = {f["name"]: f for f in resource["schema"]["fields"]}
        reader = csv.DictReader(io.StringIO(archive.read(resource["path"]).decode("utf-8")))
        assert reader.fieldnames == list(fields), resource["name"]
        rows = [{k: _typed(fields[k], v) for k, v in row.items() if v != ""} for row in reader]
        rows_by_table[resource["name"]] = rows
        for row in rows:
            for name, spec in fields.items():
                if spec.get("constraints", {}).get("required"):
                    assert name in row, f"{resource['name']}.{name} is required"
    assert_valid(validator(tabular), rows_by_table)
    assert {"organization", "service", "service_area", "contact", "phone", "location", "address", "metadata",
            "organization_identifier", "attribute", "taxonomy_term"} <= set(rows_by_table)
    assert len(rows_by_table["organization"]) == 200
    # Every reference points to a row that is there.
    ids = {table: {row["id"] for row in rows} for table, rows in rows_by_table.items()}
    for row in rows_by_table["service"]:
        assert row["organization_id"] in ids["organization"]
    for row in rows_by_table["service_area"]:
        assert row["service_id"] in ids["service"]
    for row in rows_by_table["address"]:
        assert row["location_id"] in ids["location"]
    for row in rows_by_table["attribute"]:
        assert row["taxonomy_term_id"] in ids["taxonomy_term"]
