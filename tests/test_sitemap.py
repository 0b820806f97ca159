"""The sitemap, robots.txt and the favicon, answered at the site's root."""

from __future__ import annotations

from urllib.parse import urlsplit
from xml.etree import ElementTree

from sqlalchemy import select

from knowledgebase import models as m
from knowledgebase.extensions import db

SM = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
XHTML = "{http://www.w3.org/1999/xhtml}"
BASE = "https://kunskapsbank.example.org"


def sitemap(client) -> dict[str, dict]:
    """Each ``<loc>`` of the sitemap with its lastmod and its alternates by language."""
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    assert response.mimetype == "application/xml"
    root = ElementTree.fromstring(response.data)
    assert root.tag == f"{SM}urlset"
    pages = {}
    for node in root.findall(f"{SM}url"):
        alternates = {link.get("hreflang"): link.get("href") for link in node.findall(f"{XHTML}link")
                      if link.get("rel") == "alternate"}
        loc = node.findtext(f"{SM}loc")
        assert loc not in pages, f"{loc} listed twice"
        pages[loc] = {"lastmod": node.findtext(f"{SM}lastmod"), "alternates": alternates}
    return pages


def test_root_files_answer_without_a_redirect(client):
    for path in ("/sitemap.xml", "/robots.txt", "/favicon.ico"):
        assert client.get(path).status_code == 200, path
    icon = client.get("/favicon.ico")
    assert icon.mimetype == "image/vnd.microsoft.icon"
    assert icon.data[:4] == b"\x00\x00\x01\x00"  # the ICO header


def test_sitemap_lists_published_entries_only_in_both_languages(app, client, make_entry):
    app.config["BASE_URL"] = BASE
    make_entry("enterprise", slug="fiktiv-publicerad", municipalities=["0685"])
    make_entry("glossary", slug="fiktiv-term", easy_read="Fiktiv lättläst text.")
    for status in ("draft", "review", "archived"):
        make_entry("enterprise", slug=f"fiktiv-{status}", status=status, municipalities=["0880"])
        make_entry("example", slug=f"fiktivt-exempel-{status}", status=status)
    pages = sitemap(client)
    for lang in ("sv", "en"):
        loc = f"{BASE}/{lang}/enterprises/fiktiv-publicerad"
        assert pages[loc]["alternates"] == {"sv": f"{BASE}/sv/enterprises/fiktiv-publicerad",
                                           "en": f"{BASE}/en/enterprises/fiktiv-publicerad"}
        assert f"{BASE}/{lang}/glossary/fiktiv-term" in pages
        assert f"{BASE}/{lang}/glossary/fiktiv-term/easy-read" in pages
        # The municipality with a published enterprise is listed; the one with only drafts is not.
        assert f"{BASE}/{lang}/municipalities/0685" in pages
        assert f"{BASE}/{lang}/municipalities/0880" not in pages
    listed = "\n".join(pages)
    for status in ("draft", "review", "archived"):
        assert f"fiktiv-{status}" not in listed
        assert f"fiktivt-exempel-{status}" not in listed
    assert f"{BASE}/sv/enterprises/fiktiv-publicerad/easy-read" not in pages  # it has no easy-read text
    with app.app_context():
        updated = db.session.scalar(select(m.Entry.updated_at).where(m.Entry.slug == "fiktiv-publicerad"))
    assert pages[f"{BASE}/sv/enterprises/fiktiv-publicerad"]["lastmod"] == updated.date().isoformat()


def test_sitemap_lists_the_fixed_pages_and_every_address_answers(app, client, make_entry):
    make_entry("network", slug="fiktivt-natverk", counties=["07"])
    pages = sitemap(client)
    paths = {urlsplit(loc).path for loc in pages}
    for lang in ("sv", "en"):
        for path in ("/", "/enterprises/", "/glossary/", "/themes/", "/themes/1", "/themes/1/1", "/counties/",
                     "/counties/06", "/counties/07", "/municipalities/0764", "/buyers",
                     "/procurement/route-guide", "/open-data", "/networks/fiktivt-natverk"):
            assert f"/{lang}{path}" in paths, f"/{lang}{path}"
        for path in ("/search", "/shortlist", "/suggest", "/enterprises.csv", "/feed.atom"):
            assert f"/{lang}{path}" not in paths
    for loc, page in pages.items():
        assert set(page["alternates"]) == {"sv", "en"}
        assert loc in page["alternates"].values()
        assert client.get(urlsplit(loc).path).status_code == 200, loc


def test_sitemap_of_the_seed_has_every_published_entry_and_nothing_else(seeded_app):
    client = seeded_app.test_client()
    pages = sitemap(client)
    with seeded_app.app_context():
        rows = db.session.execute(select(m.Entry.type, m.Entry.slug, m.Entry.status)).all()
    from knowledgebase.content_types import BY_KEY

    published = {f"/{lang}/{BY_KEY[t].path}/{slug}" for t, slug, status in rows if status == m.PUBLISHED
                 for lang in ("sv", "en")}
    listed = {urlsplit(loc).path for loc in pages}
    entry_paths = {path for path in listed if path.count("/") == 3 and not path.endswith("/")
                   and path.split("/")[2] in {ct.path for ct in BY_KEY.values()}
                   and not path.endswith("/procurement/route-guide")}  # a fixed page at an entry-like path
    assert published and entry_paths == published


def test_robots_points_to_the_sitemap_and_keeps_crawlers_out(app, client):
    app.config["BASE_URL"] = BASE
    response = client.get("/robots.txt")
    assert response.mimetype == "text/plain"
    lines = response.get_data(as_text=True).splitlines()
    assert f"Sitemap: {BASE}/sitemap.xml" in lines
    assert "User-agent: *" in lines
    disallowed = {line.split(": ", 1)[1] for line in lines if line.startswith("Disallow: ")}
    for path in ("/admin/", "/auth/", "/sv/search", "/en/search", "/sv/suggest", "/sv/shortlist",
                 "/sv/report-outdated", "/sv/alerts", "/sv/buyers?"):
        assert path in disallowed, path
    # The pages themselves stay open: nothing disallows the home page or an entry.
    for open_path in ("/sv/", "/sv/enterprises/x", "/en/glossary/"):
        assert not any(open_path.startswith(rule) for rule in disallowed), open_path


def test_a_large_sitemap_becomes_an_index_of_parts(app, client, make_entry):
    app.config.update(BASE_URL=BASE, SITEMAP_MAX_URLS=20)
    for number in range(30):
        make_entry("research", slug=f"fiktiv-studie-{number}")
    whole = set()
    index = ElementTree.fromstring(client.get("/sitemap.xml").data)
    assert index.tag == f"{SM}sitemapindex"
    locations = [node.findtext(f"{SM}loc") for node in index.findall(f"{SM}sitemap")]
    assert locations[0] == f"{BASE}/sitemap-1.xml" and len(locations) > 1
    for location in locations:
        part = ElementTree.fromstring(client.get(urlsplit(location).path).data)
        urls = [node.findtext(f"{SM}loc") for node in part.findall(f"{SM}url")]
        assert 0 < len(urls) <= 20
        whole.update(urls)
    for number in range(30):
        assert {f"{BASE}/sv/research/fiktiv-studie-{number}", f"{BASE}/en/research/fiktiv-studie-{number}"} <= whole
    assert client.get(f"/sitemap-{len(locations) + 1}.xml").status_code == 404
    app.config["SITEMAP_MAX_URLS"] = 50_000
    assert client.get("/sitemap-1.xml").status_code == 404  # one file: no parts
