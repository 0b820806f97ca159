"""schema.org linked data in the entries' public pages: read back with ``extruct`` as a search
engine reads it, its shape checked for every content type in both languages, and kept safe
to embed (a hostile title stays inside the JSON string)."""

from __future__ import annotations

from html.parser import HTMLParser
from typing import Any

import extruct
import pytest
from sqlalchemy import select

from knowledgebase import models as m
from knowledgebase.content_types import BY_KEY
from knowledgebase.extensions import db
from knowledgebase.services.content.linked_data import entry_linked_data

LANGS = ("sv", "en")
# The schema.org type each content type's page is described as.
SCHEMA_TYPES = {
    "enterprise": "Organization",
    "example": "Article",
    "research": "ScholarlyArticle",
    "financing": "Article",
    "procurement": "Article",
    "advice": "Organization",
    "network": "Organization",
    "glossary": "DefinedTerm",
}


class ScriptTags(HTMLParser):
    """Every ``<script>`` element of a page: its attributes and its text."""

    def __init__(self) -> None:
        super().__init__()
        self.scripts: list[tuple[dict[str, str | None], str]] = []
        self._inside = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "script":
            self.scripts.append((dict(attrs), ""))
            self._inside = True

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._inside = False

    def handle_data(self, data: str) -> None:
        if self._inside:
            attrs, text = self.scripts[-1]
            self.scripts[-1] = (attrs, text + data)


def scripts_of(html: str) -> list[tuple[dict[str, str | None], str]]:
    parser = ScriptTags()
    parser.feed(html)
    parser.close()
    return parser.scripts


def page_url(app, type_key: str, slug: str, lang: str) -> str:
    return f"{app.config['BASE_URL'].rstrip('/')}/{lang}/{BY_KEY[type_key].path}/{slug}"


def linked_data(app, client, type_key: str, slug: str, lang: str) -> dict[str, Any]:
    """The page's one JSON-LD object, as extruct reads it; the page may carry no other
    inline script."""
    response = client.get(f"/{lang}/{BY_KEY[type_key].path}/{slug}")
    assert response.status_code == 200, (type_key, slug, lang)
    html = response.get_data(as_text=True)
    inline = [attrs for attrs, _ in scripts_of(html) if "src" not in attrs]
    assert inline == [{"type": "application/ld+json"}], (type_key, slug, lang)
    found = extruct.extract(html, base_url=page_url(app, type_key, slug, lang),
                            syntaxes=["json-ld"], uniform=False)["json-ld"]
    assert len(found) == 1, (type_key, slug, lang)
    return found[0]


def empty_values(value: Any, path: str = "$") -> list[str]:
    """Where ``value`` holds an empty string, list, object or a null."""
    if value in (None, "", [], {}):
        return [path]
    if isinstance(value, dict):
        return [p for key, item in value.items() for p in empty_values(item, f"{path}.{key}")]
    if isinstance(value, list):
        return [p for i, item in enumerate(value) for p in empty_values(item, f"{path}[{i}]")]
    return []


def slug_of(app, entry_id: int) -> str:
    with app.app_context():
        return db.session.get(m.Entry, entry_id).slug


# -- enterprises -----------------------------------------------------------------------------

@pytest.mark.parametrize("lang", LANGS)
def test_an_enterprise_is_an_organisation_with_its_areas_services_and_number(app, client, make_entry, lang):
    entry_id = make_entry("enterprise", title={"sv": "Fiktiva Städ AB", "en": "Fictional Cleaning Ltd"},
                          summary={"sv": "Påhittat företag.", "en": "A made-up enterprise."},
                          municipalities=["0680"], counties=["08"], services=["cleaning"],
                          org_number="556016-0680", website="https://fiktiv.example.org/")
    slug = slug_of(app, entry_id)
    data = linked_data(app, client, "enterprise", slug, lang)

    assert data["@context"] in ("https://schema.org", "http://schema.org")
    assert data["@type"] == "Organization"
    assert data["name"] == {"sv": "Fiktiva Städ AB", "en": "Fictional Cleaning Ltd"}[lang]
    assert data["description"] == {"sv": "Påhittat företag.", "en": "A made-up enterprise."}[lang]
    assert data["url"] == page_url(app, "enterprise", slug, lang)
    assert data["sameAs"] == "https://fiktiv.example.org/"
    assert data["identifier"] == {"@type": "PropertyValue", "value": "556016-0680",
                                  "name": {"sv": "Organisationsnummer", "en": "Organisation number"}[lang]}
    areas = data["areaServed"]
    assert all(area["@type"] == "AdministrativeArea" for area in areas)
    assert areas[0]["name"] == "Jönköping"
    assert areas[0]["containedInPlace"] == {"@type": "AdministrativeArea", "name": "Jönköpings län"}
    assert areas[1]["name"] == "Kalmar län"
    assert data["makesOffer"] == [{"@type": "Offer", "itemOffered": {
        "@type": "Service", "name": {"sv": "Städ och lokalvård", "en": "Cleaning"}[lang]}}]
    assert empty_values(data) == []


def test_an_enterprise_without_number_or_website_says_nothing_of_them(app, client, make_entry):
    slug = slug_of(app, make_entry("enterprise"))
    for lang in LANGS:
        data = linked_data(app, client, "enterprise", slug, lang)
        assert data["@type"] == "Organization"
        for absent in ("identifier", "sameAs", "areaServed", "makesOffer"):
            assert absent not in data, (absent, lang)
        assert empty_values(data) == []


# -- every content type ------------------------------------------------------------------------

@pytest.mark.parametrize("type_key", sorted(SCHEMA_TYPES))
def test_every_content_type_has_its_schema_type_in_both_languages(app, client, make_entry, type_key):
    slug = slug_of(app, make_entry(type_key, title={"sv": f"Fiktiv {type_key}", "en": f"Fictional {type_key}"},
                                   municipalities=["0680"]))
    for lang in LANGS:
        data = linked_data(app, client, type_key, slug, lang)
        assert data["@type"] == SCHEMA_TYPES[type_key], lang
        assert data["name"] == {"sv": f"Fiktiv {type_key}", "en": f"Fictional {type_key}"}[lang]
        assert data["url"] == page_url(app, type_key, slug, lang)
        if data["@type"] in ("Article", "ScholarlyArticle"):
            assert data["headline"] == data["name"]
            assert data["inLanguage"] == lang
            assert data["dateModified"][:4].isdigit()
            assert data["spatialCoverage"][0]["name"] == "Jönköping"
        if data["@type"] == "Organization":
            assert data["areaServed"][0]["name"] == "Jönköping"
        assert empty_values(data) == [], (type_key, lang)


def test_an_untranslated_article_says_it_is_in_swedish(app, client, make_entry):
    slug = slug_of(app, make_entry("example", title={"sv": "Fiktivt exempel"}))
    data = linked_data(app, client, "example", slug, "en")
    assert data["name"] == "Fiktivt exempel"
    assert data["inLanguage"] == "sv"


def test_research_has_its_authors_year_publisher_and_doi(app, client, make_entry):
    slug = slug_of(app, make_entry("research", authors=["Fiktiv, Forskare", "Påhittad, Person"], year=2021,
                                   publisher="Fiktiva universitetet", doi="10.9999/fiktiv.1",
                                   url="https://fiktiv.example.org/rapport.pdf"))
    data = linked_data(app, client, "research", slug, "sv")
    assert data["@type"] == "ScholarlyArticle"
    assert data["author"] == ["Fiktiv, Forskare", "Påhittad, Person"]
    assert data["datePublished"] == "2021"
    assert data["publisher"] == {"@type": "Organization", "name": "Fiktiva universitetet"}
    assert data["identifier"] == [{"@type": "PropertyValue", "propertyID": "DOI", "name": "DOI",
                                   "value": "10.9999/fiktiv.1"}]
    assert data["sameAs"] == ["https://fiktiv.example.org/rapport.pdf", "https://doi.org/10.9999/fiktiv.1"]


def test_a_glossary_term_is_a_defined_term_in_the_glossary(app, client, make_entry):
    slug = slug_of(app, make_entry("glossary", title={"sv": "Fiktiv term", "en": "Fictional term"},
                                   abbreviation="FT"))
    for lang in LANGS:
        data = linked_data(app, client, "glossary", slug, lang)
        assert data["@type"] == "DefinedTerm"
        assert data["alternateName"] == "FT"
        term_set = data["inDefinedTermSet"]
        assert term_set["@type"] == "DefinedTermSet"
        assert term_set["name"] == {"sv": "Ordlista", "en": "Glossary"}[lang]
        assert term_set["url"] == f"{app.config['BASE_URL'].rstrip('/')}/{lang}/glossary/"


def test_an_organisation_links_its_website(app, client, make_entry):
    for type_key in ("advice", "network"):
        slug = slug_of(app, make_entry(type_key, website="https://fiktiv.example.org/"))
        assert linked_data(app, client, type_key, slug, "sv")["sameAs"] == "https://fiktiv.example.org/"


# -- safety -------------------------------------------------------------------------------------

HOSTILE = "</script><script>alert(1)</script> & <!-- Fiktiv"


def test_a_hostile_title_stays_inside_the_json_string(app, client, make_entry):
    slug = slug_of(app, make_entry("enterprise", title={"sv": HOSTILE, "en": HOSTILE}))
    for lang in LANGS:
        data = linked_data(app, client, "enterprise", slug, lang)  # one inline script, the data block
        assert data["name"] == HOSTILE
        html = client.get(f"/{lang}/{BY_KEY['enterprise'].path}/{slug}").get_data(as_text=True)
        (block,) = [text for attrs, text in scripts_of(html) if attrs.get("type") == "application/ld+json"]
        assert "<" not in block and ">" not in block and "&" not in block
        assert "<script>alert(1)" not in html


def test_an_unpublished_entry_has_no_linked_data(app, make_entry):
    entry_id = make_entry("enterprise", status="review", org_number="556016-0680")
    with app.app_context(), app.test_request_context():
        assert entry_linked_data(db.session.get(m.Entry, entry_id), "sv") == {}


# -- the seeded site ----------------------------------------------------------------------------

@pytest.mark.parametrize("lang", LANGS)
def test_every_seeded_page_carries_linked_data_that_parses(seeded_app, seeded_client, lang):
    with seeded_app.app_context():
        entries = [(e.type, e.slug) for e in db.session.scalars(
            select(m.Entry).where(m.Entry.status == m.PUBLISHED))]
    assert {type_key for type_key, _ in entries} == set(SCHEMA_TYPES)
    for type_key, slug in entries:
        data = linked_data(seeded_app, seeded_client, type_key, slug, lang)
        assert data["@type"] == SCHEMA_TYPES[type_key], (type_key, slug)
        assert data["url"] == page_url(seeded_app, type_key, slug, lang)
        assert data["name"]
        assert empty_values(data) == [], (type_key, slug, lang)


@pytest.mark.parametrize("lang", LANGS)
def test_the_glossary_page_is_the_set_of_its_published_terms(app, client, make_entry, lang):
    published = slug_of(app, make_entry("glossary", title={"sv": "Fiktiv term", "en": "Fictional term"},
                                        abbreviation="FT"))
    make_entry("glossary", status="draft", title={"sv": "Fiktivt utkast"})
    html = client.get(f"/{lang}/glossary/").get_data(as_text=True)
    inline = [attrs for attrs, _ in scripts_of(html) if "src" not in attrs]
    assert inline == [{"type": "application/ld+json"}]
    (data,) = extruct.extract(html, syntaxes=["json-ld"], uniform=False)["json-ld"]
    assert data["@type"] == "DefinedTermSet"
    assert data["url"] == f"{app.config['BASE_URL'].rstrip('/')}/{lang}/glossary/"
    assert data["hasDefinedTerm"] == [{
        "@type": "DefinedTerm", "name": {"sv": "Fiktiv term", "en": "Fictional term"}[lang], "alternateName": "FT",
        "url": page_url(app, "glossary", published, lang)}]
    assert empty_values(data) == []
