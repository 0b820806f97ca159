"""Atom feeds and the "what's new" page."""

from xml.etree import ElementTree

ATOM = "{http://www.w3.org/2005/Atom}"


def parse(client, url):
    response = client.get(url)
    assert response.status_code == 200
    assert response.mimetype == "application/atom+xml"
    return ElementTree.fromstring(response.data)


def test_feed_is_valid_atom_without_drafts(client, make_entry):
    make_entry("example", slug="fiktivt-nytt", title={"sv": "Fiktivt nytt exempel", "en": "Fictional example"})
    make_entry("example", slug="fiktivt-utkast", title={"sv": "Hemligt utkast"}, status="draft")
    make_entry("example", slug="fiktivt-arkiv", title={"sv": "Arkiverat"}, status="archived")
    root = parse(client, "/en/feed.atom")
    assert root.tag == f"{ATOM}feed"
    for required in ("id", "title", "updated"):
        assert root.find(f"{ATOM}{required}") is not None
    entries = root.findall(f"{ATOM}entry")
    titles = [e.findtext(f"{ATOM}title") for e in entries]
    assert titles == ["Fictional example"]
    for entry in entries:
        for required in ("id", "title", "updated", "summary"):
            assert entry.find(f"{ATOM}{required}") is not None
    assert entries[0].find(f"{ATOM}link").get("href").endswith("/en/examples/fiktivt-nytt")


def test_feed_is_narrowed_by_place_and_theme(client, make_entry):
    make_entry("enterprise", slug="fiktivt-vetlanda", municipalities=["0685"], themes=[1])
    make_entry("enterprise", slug="fiktivt-kalmar", municipalities=["0880"], themes=[2])
    make_entry("network", slug="fiktivt-lan", counties=["06"], themes=[2])

    def slugs(url):
        return {e.findtext(f"{ATOM}id").rsplit("/", 1)[1] for e in parse(client, url).findall(f"{ATOM}entry")}

    assert slugs("/sv/feed.atom?municipality=0685") == {"fiktivt-vetlanda"}
    assert slugs("/sv/feed.atom?county=06") == {"fiktivt-vetlanda", "fiktivt-lan"}
    assert slugs("/sv/feed.atom?theme=2") == {"fiktivt-kalmar", "fiktivt-lan"}
    assert client.get("/sv/feed.atom?county=xx").status_code == 400


def test_whats_new_lists_newest_first(client, make_entry):
    make_entry("research", slug="fiktiv-gammal", title={"sv": "Fiktiv äldre"})
    make_entry("research", slug="fiktiv-ny", title={"sv": "Fiktiv nyare"})
    html = client.get("/sv/whats-new").get_data(as_text=True)
    assert html.index("Fiktiv nyare") < html.index("Fiktiv äldre")
    assert 'type="application/atom+xml"' in html
