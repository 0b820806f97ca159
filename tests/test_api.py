"""The read-only JSON API."""

import pytest

from knowledgebase.content_types import CONTENT_TYPES


@pytest.mark.parametrize("ct", CONTENT_TYPES, ids=lambda ct: ct.key)
def test_list_and_detail_shapes(seeded_client, ct):
    listing = seeded_client.get(f"/api/v1/{ct.path}/?per_page=5").get_json()
    assert set(listing) == {"type", "total", "page", "per_page", "pages", "results"}
    assert listing["total"] >= 1 and listing["page"] == 1 and len(listing["results"]) <= 5
    first = listing["results"][0]
    assert {"type", "slug", "title", "summary", "url", "themes", "municipalities"} <= set(first)
    detail = seeded_client.get(f"/api/v1/{ct.path}/{first['slug']}").get_json()
    assert detail["slug"] == first["slug"] and detail["type"] == ct.key
    assert detail["sources"] and "status" not in detail
    assert detail["url"]["sv"].endswith(f"/sv/{ct.path}/{first['slug']}")


def test_filters_and_pagination(client, make_entry):
    for number in range(3):
        make_entry("network", slug=f"fiktivt-natverk-{number}", counties=["07"], themes=[1])
    make_entry("network", slug="fiktivt-natverk-kalmar", counties=["08"], themes=[2])
    make_entry("network", slug="fiktivt-natverk-vaxjo", municipalities=["0780"], themes=[2])
    data = client.get("/api/v1/networks/?county=07&per_page=2").get_json()
    assert data["total"] == 4 and data["pages"] == 2 and len(data["results"]) == 2
    page_two = client.get("/api/v1/networks/?county=07&per_page=2&page=2").get_json()
    assert len(page_two["results"]) == 2
    both = client.get("/api/v1/networks/?county=07&county=08").get_json()
    assert both["total"] == 5
    assert client.get("/api/v1/networks/?county=07&theme=2").get_json()["total"] == 1
    assert client.get("/api/v1/networks/?municipality=0780").get_json()["total"] == 1


def test_per_page_is_capped(client, app):
    data = client.get("/api/v1/glossary/?per_page=100000").get_json()
    assert data["per_page"] == app.config["API_MAX_PER_PAGE"]


@pytest.mark.parametrize("url, status", [
    ("/api/v1/enterprises/?theme=x", 400),
    ("/api/v1/enterprises/?page=abc", 400),
    ("/api/v1/enterprises/?sort=x", 400),
    ("/api/v1/enterprises/none-such", 404),
    ("/api/v1/nothing", 404),
])
def test_errors_are_json(client, url, status):
    response = client.get(url)
    assert response.status_code == status
    assert response.get_json()["error"]["status"] == status


def test_taxonomy(seeded_client):
    data = seeded_client.get("/api/v1/taxonomy").get_json()
    assert [t["number"] for t in data["themes"]] == [1, 2, 3]
    assert sum(len(t["packages"]) for t in data["themes"]) == 9
    assert len(data["counties"]) == 21 and len(data["municipalities"]) == 290
    assert {"code": "0685", "name": "Vetlanda", "county": "06"} in data["municipalities"]


def test_index_lists_every_endpoint(client):
    """The API's front door names every resource, and each address answers."""
    index = client.get("/api/v1/").get_json()
    assert set(index) == {"content_types", "taxonomy", "search", "suggest", "suppliers", "statistics", "feeds", "hsds",
                          "dcat"}
    for url in [*index["content_types"].values(), index["taxonomy"], index["search"], index["suppliers"], index["statistics"],
                index["suggest"] + "?q=st", *index["feeds"].values(), index["hsds"], index["dcat"]]:
        assert url.startswith(client.application.config["BASE_URL"] + "/"), url
        assert client.get(url.removeprefix(client.application.config["BASE_URL"])).status_code == 200, url
