"""The data catalogue (DCAT-AP-SE, parsed as RDF), the open-data page with the licence, and
what every API answer carries: CORS, conditional GET and Link pagination headers."""

from __future__ import annotations

import rdflib
from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF

BASE = "https://kunskapsbank.example.org"
EU = "http://publications.europa.eu/resource/authority/"
CC_BY = rdflib.URIRef("http://creativecommons.org/licenses/by/4.0/")


def catalogue(client) -> rdflib.Graph:
    response = client.get("/api/v1/dcat.rdf")
    assert response.status_code == 200 and response.mimetype == "application/rdf+xml"
    graph = rdflib.Graph()
    graph.parse(data=response.data, format="xml")
    return graph


def test_the_catalogue_parses_as_rdf_and_describes_three_datasets(app, client, make_entry):
    app.config["BASE_URL"] = BASE
    make_entry("enterprise", slug="fiktivt-foretag")
    graph = catalogue(client)
    [catalog] = graph.subjects(RDF.type, DCAT.Catalog)
    assert str(catalog) == f"{BASE}/api/v1/dcat.rdf"
    assert (catalog, DCTERMS.license, CC_BY) in graph
    datasets = set(graph.objects(catalog, DCAT.dataset))
    assert {str(d).rsplit("#", 1)[1] for d in datasets} == {"directory", "entries", "taxonomy"}
    for dataset in datasets:
        assert (dataset, RDF.type, DCAT.Dataset) in graph
        titles = {t.language: str(t) for t in graph.objects(dataset, DCTERMS.title)}
        assert set(titles) == {"sv", "en"} and titles["sv"] != titles["en"]  # translated
        assert {t.language for t in graph.objects(dataset, DCTERMS.description)} == {"sv", "en"}
        assert str(graph.value(dataset, DCTERMS.accrualPeriodicity)).startswith(f"{EU}frequency/")
        assert graph.value(graph.value(dataset, DCTERMS.publisher), FOAF.name) is not None
        assert graph.value(dataset, DCAT.contactPoint) is not None
        assert list(graph.objects(dataset, DCAT.theme)) and list(graph.objects(dataset, DCAT.keyword))
        distributions = list(graph.objects(dataset, DCAT.distribution))
        assert distributions
        for distribution in distributions:
            assert (distribution, DCTERMS.license, CC_BY) in graph
            url = str(graph.value(distribution, DCAT.accessURL))
            assert url.startswith(BASE)
            # Every distribution answers (its address, on this site).
            assert client.get(url.removeprefix(BASE)).status_code == 200, url
    directory = next(d for d in datasets if str(d).endswith("#directory"))
    conforms = {str(o) for dist in graph.objects(directory, DCAT.distribution)
                for o in graph.objects(dist, DCTERMS.conformsTo)}
    assert conforms == {"https://github.com/openreferral/specification/tree/3.0"}


def test_the_open_data_page_states_the_licence_in_both_languages(client):
    swedish = client.get("/sv/open-data").get_data(as_text=True)
    assert "CC BY 4.0" in swedish and 'rel="license"' in swedish and "Open Referral" in swedish
    english = client.get("/en/open-data").get_data(as_text=True)
    assert "Creative Commons Attribution 4.0" in english
    assert "/sv/open-data" in client.get("/sv/").get_data(as_text=True)  # linked from every page's footer


def test_the_api_answers_other_websites_and_unchanged_copies(client, make_entry):
    make_entry("enterprise", slug="fiktivt-foretag")
    for path in ("/api/v1/enterprises/", "/api/hsds/organizations", "/api/v1/dcat.rdf", "/api/v1/taxonomy"):
        response = client.get(path, headers={"Origin": "https://annan.example.org"})
        assert response.headers["Access-Control-Allow-Origin"] == "*", path
        assert "Link" in response.headers["Access-Control-Expose-Headers"]
        etag, modified = response.headers["ETag"], response.headers["Last-Modified"]
        again = client.get(path, headers={"If-None-Match": etag})
        assert again.status_code == 304 and again.data == b"", path
        assert client.get(path, headers={"If-Modified-Since": modified}).status_code == 304
    # A change to a published entry makes earlier copies stale.
    first = client.get("/api/v1/enterprises/")
    make_entry("enterprise", slug="fiktivt-foretag-2")
    assert client.get("/api/v1/enterprises/", headers={"If-None-Match": first.headers["ETag"]}).status_code == 200
    # Errors carry the CORS header too, so that a website can show them.
    assert client.get("/api/v1/enterprises/x-y-z").headers["Access-Control-Allow-Origin"] == "*"


def _links(header: str) -> dict[str, str]:
    links = {}
    for part in header.split(", <"):
        url, rel = part.strip("<").split(">; rel=")
        links[rel.strip('"')] = url
    return links


def test_lists_name_their_pages_in_a_link_header(app, client, make_entry):
    app.config["BASE_URL"] = BASE
    for number in range(5):
        make_entry("enterprise", slug=f"fiktivt-{number}", municipalities=["0685"])
    links = _links(client.get("/api/v1/enterprises/?per_page=2&page=2&municipality=0685").headers["Link"])
    assert set(links) == {"first", "prev", "next", "last"}
    assert links["next"] == f"{BASE}/api/v1/enterprises/?page=3&per_page=2&sort=title&municipality=0685"
    assert "page=3" in links["last"] and "page=1" in links["first"] and "page=1" in links["prev"]
    assert client.get(links["next"].removeprefix(BASE)).json["page"] == 3
    hsds = _links(client.get("/api/hsds/organizations?per_page=2").headers["Link"])
    assert set(hsds) == {"first", "next", "last"} and "page=3" in hsds["last"]


def test_an_address_that_matches_no_route_is_readable_by_other_websites_too(client):
    """Found by Schemathesis: a path part with a control character (or too long to be a slug)
    matches no route, so the 404 came before the API's blueprint and without its CORS headers."""
    for path in ("/api/v1/advice/%04", "/api/v1/glossary/" + "x" * 501, "/api/v1/no-such-list/", "/api/hsds/x/%09"):
        response = client.get(path, headers={"Origin": "https://annan.example.org"})
        assert response.status_code == 404 and response.get_json()["error"]["status"] == 404, path
        assert response.headers["Access-Control-Allow-Origin"] == "*", path
        assert response.headers["Access-Control-Expose-Headers"] == "ETag, Last-Modified, Link", path
