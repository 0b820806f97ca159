"""schema.org linked data (JSON-LD) for an entry's public page, so that search engines and
other readers get the facts the page shows in a form they understand. Plain dicts from a
published entry; the template embeds them with ``|tojson``. Only what the page itself shows
is said, and an unknown value is left out rather than said empty."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from knowledgebase import models as m
from knowledgebase.content_types import BY_KEY
from knowledgebase.urls import entry_list_url, entry_page_url

CONTEXT = "https://schema.org"

Data = dict[str, Any]


def entry_linked_data(entry: m.Entry, lang: str) -> Data:
    """The JSON-LD object of ``entry``'s page in ``lang``: ``{}`` for an entry that is not
    published (its page is not public, so nothing is said about it)."""
    if not entry.is_published:
        return {}
    build = _BUILDERS.get(entry.type, _article)
    return _compact({"@context": CONTEXT, **build(entry, lang)})


# -- the parts every type shares -----------------------------------------------------------

def _common(entry: m.Entry, lang: str) -> Data:
    """Name, description, address, language and modification date of the page's entry."""
    title, title_lang = entry.text("title", lang)
    return {
        "name": title,
        "description": entry.text("summary", lang)[0],
        "url": entry_page_url(entry, lang),
        "inLanguage": title_lang,
        "dateModified": entry.updated_at.date().isoformat() if entry.updated_at else None,
    }


def _area(name: str, contained_in: Data | None = None) -> Data:
    return {"@type": "AdministrativeArea", "name": name, "containedInPlace": contained_in}


def _areas(entry: m.Entry) -> list[Data]:
    """The entry's municipalities (each within its county) and its own counties."""
    areas = [_area(mu.name, _area(mu.county.name)) for mu in entry.municipalities]
    return areas + [_area(county.name) for county in entry.counties]


def _organisation(entry: m.Entry, lang: str, website: str) -> Data:
    common = _common(entry, lang)
    # An organisation has no language of its own; the page's language is said by the page.
    common.pop("inLanguage")
    common.pop("dateModified")
    return {"@type": "Organization", **common, "sameAs": website, "areaServed": _areas(entry)}


def _property(name: str, value: str, property_id: str | None = None) -> Data | None:
    if not value:
        return None
    return {"@type": "PropertyValue", "propertyID": property_id, "name": name, "value": value}


# -- one builder per content type ------------------------------------------------------------

def _enterprise(entry: m.Enterprise, lang: str) -> Data:
    label = BY_KEY["enterprise"].field("org_number").label
    offers = [{"@type": "Offer", "itemOffered": {"@type": "Service", "name": service.name(lang)}}
              for service in entry.services]
    return {
        **_organisation(entry, lang, entry.website),
        "identifier": _property(str(label), entry.org_number),
        "makesOffer": offers,
    }


def _article(entry: m.Entry, lang: str) -> Data:
    common = _common(entry, lang)
    return {"@type": "Article", "headline": common["name"], **common, "spatialCoverage": _areas(entry)}


def _research(entry: m.Research, lang: str) -> Data:
    identifiers = [_property("DOI", entry.doi, "DOI"), _property("ISBN", entry.isbn, "ISBN")]
    doi_url = f"https://doi.org/{entry.doi}" if entry.doi else None
    return {
        **_article(entry, lang),
        "@type": "ScholarlyArticle",
        # Names as the source gives them: whether each is a person or a body is not recorded.
        "author": list(entry.authors or []),
        "datePublished": str(entry.year) if entry.year else None,
        "publisher": {"@type": "Organization", "name": entry.publisher} if entry.publisher else None,
        "identifier": [i for i in identifiers if i],
        "sameAs": [u for u in (entry.url, doi_url) if u],
    }


def _glossary(entry: m.GlossaryTerm, lang: str) -> Data:
    common = _common(entry, lang)
    glossary = BY_KEY["glossary"]
    return {
        "@type": "DefinedTerm",
        **common,
        "alternateName": entry.abbreviation,
        "inDefinedTermSet": {
            "@type": "DefinedTermSet",
            "name": str(glossary.plural),
            "url": entry_list_url(glossary.key, lang),
        },
    }


def glossary_linked_data(terms: list[m.GlossaryTerm], lang: str) -> Data:
    """The glossary page's JSON-LD: the set of its published terms, each with its page."""
    glossary = BY_KEY["glossary"]
    defined = [{"@type": "DefinedTerm", "name": term.title(lang), "alternateName": term.abbreviation,
                "url": entry_page_url(term, lang)} for term in terms if term.is_published]
    return _compact({
        "@context": CONTEXT,
        "@type": "DefinedTermSet",
        "name": str(glossary.plural),
        "url": entry_list_url(glossary.key, lang),
        "hasDefinedTerm": defined,
    })


def _advice(entry: m.AdviceContact, lang: str) -> Data:
    return _organisation(entry, lang, entry.website)


def _network(entry: m.Network, lang: str) -> Data:
    return _organisation(entry, lang, entry.website)


# Examples, financing and procurement guidance are articles. Financing is not said to be a
# MonetaryGrant: many sources are loans, guarantees or advice, not grants.
_BUILDERS: dict[str, Callable[[Any, str], Data]] = {
    "enterprise": _enterprise,
    "research": _research,
    "glossary": _glossary,
    "advice": _advice,
    "network": _network,
}


def _compact(value: Any) -> Any:
    """``value`` without empty strings, ``None``, empty lists and empty objects, at any depth:
    an unknown fact is left out, never said empty."""
    if isinstance(value, dict):
        pairs = ((key, _compact(item)) for key, item in value.items())
        return {key: item for key, item in pairs if item not in (None, "", [], {})}
    if isinstance(value, list):
        items = (_compact(item) for item in value)
        return [item for item in items if item not in (None, "", [], {})]
    if isinstance(value, str):
        return value.strip()
    return value
