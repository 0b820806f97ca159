"""The site's datasets described for data portals in DCAT-AP-SE (the Swedish profile of
DCAT-AP: https://docs.dataportal.se/dcat/), as RDF/XML: one catalogue with three datasets, the
enterprise directory, the knowledge base entries and the taxonomy, each with its
distributions (the API, CSV, HSDS, the Atom feed), licence and update frequency.

The view passes in the addresses (``Addresses``) and the texts in both languages; this module
holds the vocabulary: which DCAT and EU authority terms say what."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, select

from knowledgebase import models as m
from knowledgebase.extensions import db

NS = {
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "dcat": "http://www.w3.org/ns/dcat#",
    "dcterms": "http://purl.org/dc/terms/",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "vcard": "http://www.w3.org/2006/vcard/ns#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
}
EU = "http://publications.europa.eu/resource/authority/"
DATA_LICENSE = "http://creativecommons.org/licenses/by/4.0/"
IANA = "https://www.iana.org/assignments/media-types/"
# EU file types for the media types the site serves (none for Atom: described by media type).
FILE_TYPES = {"application/json": "JSON", "text/csv": "CSV", "application/zip": "ZIP"}
HSDS_SPEC = "https://github.com/openreferral/specification/tree/3.0"


@dataclass(frozen=True)
class Text:
    """A text in Swedish and English."""

    sv: str
    en: str


@dataclass(frozen=True)
class Distribution:
    title: Text
    url: str
    media_type: str
    conforms_to: str = ""


@dataclass(frozen=True)
class Dataset:
    key: str
    title: Text
    description: Text
    keywords: Text
    themes: tuple[str, ...]          # EU data themes, e.g. "SOCI"
    frequency: str                   # EU frequency, e.g. "CONT"
    landing_page: str
    distributions: tuple[Distribution, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class Catalog:
    uri: str
    title: Text
    description: Text
    homepage: str
    publisher_name: str
    contact_url: str
    contact_email: str
    datasets: tuple[Dataset, ...]
    modified: datetime | None = None


def last_modified() -> datetime | None:
    """When a published entry last changed."""
    return db.session.scalar(select(func.max(m.Entry.updated_at)).where(m.Entry.status == m.PUBLISHED))


# -- RDF/XML ------------------------------------------------------------------------------------

def _q(name: str) -> str:
    prefix, local = name.split(":")
    return f"{{{NS[prefix]}}}{local}"


def _resource(parent: ET.Element, name: str, uri: str) -> None:
    ET.SubElement(parent, _q(name), {_q("rdf:resource"): uri})


def _literal(parent: ET.Element, name: str, text: str, lang: str = "", datatype: str = "") -> None:
    attributes = {"{http://www.w3.org/XML/1998/namespace}lang": lang} if lang else {}
    if datatype:
        attributes[_q("rdf:datatype")] = NS["xsd"] + datatype
    ET.SubElement(parent, _q(name), attributes).text = text


def _texts(parent: ET.Element, name: str, text: Text) -> None:
    _literal(parent, name, text.sv, "sv")
    _literal(parent, name, text.en, "en")


def _node(parent: ET.Element, name: str, rdf_type: str, uri: str = "") -> ET.Element:
    """A nested description: ``parent --name--> [a rdf_type]`` (a blank node unless ``uri``)."""
    holder = ET.SubElement(parent, _q(name))
    return ET.SubElement(holder, _q(rdf_type), {_q("rdf:about"): uri} if uri else {})


def _publisher(parent: ET.Element, catalog: Catalog) -> None:
    agent = _node(parent, "dcterms:publisher", "foaf:Agent", catalog.homepage + "#publisher")
    _literal(agent, "foaf:name", catalog.publisher_name)
    _resource(agent, "foaf:homepage", catalog.homepage)


def _contact(parent: ET.Element, catalog: Catalog) -> None:
    card = _node(parent, "dcat:contactPoint", "vcard:Organization")
    _literal(card, "vcard:fn", catalog.publisher_name)
    _resource(card, "vcard:hasURL", catalog.contact_url)
    if catalog.contact_email:
        _resource(card, "vcard:hasEmail", f"mailto:{catalog.contact_email}")


def _distribution(parent: ET.Element, item: Distribution) -> None:
    node = _node(parent, "dcat:distribution", "dcat:Distribution", item.url + "#distribution")
    _texts(node, "dcterms:title", item.title)
    _resource(node, "dcat:accessURL", item.url)
    if item.media_type != "application/json":  # a file to download, not an API to page through
        _resource(node, "dcat:downloadURL", item.url)
    _resource(node, "dcat:mediaType", IANA + item.media_type)
    if item.media_type in FILE_TYPES:
        _resource(node, "dcterms:format", f"{EU}file-type/{FILE_TYPES[item.media_type]}")
    _resource(node, "dcterms:license", DATA_LICENSE)
    if item.conforms_to:
        _resource(node, "dcterms:conformsTo", item.conforms_to)


def _dataset(parent: ET.Element, catalog: Catalog, item: Dataset) -> None:
    node = _node(parent, "dcat:dataset", "dcat:Dataset", f"{catalog.uri}#{item.key}")
    _texts(node, "dcterms:title", item.title)
    _texts(node, "dcterms:description", item.description)
    for lang, words in (("sv", item.keywords.sv), ("en", item.keywords.en)):
        for word in words.split(", "):
            _literal(node, "dcat:keyword", word, lang)
    for theme in item.themes:
        _resource(node, "dcat:theme", f"{EU}data-theme/{theme}")
    _resource(node, "dcterms:accrualPeriodicity", f"{EU}frequency/{item.frequency}")
    _resource(node, "dcterms:spatial", f"{EU}country/SWE")
    for language in ("SWE", "ENG"):
        _resource(node, "dcterms:language", f"{EU}language/{language}")
    _resource(node, "dcat:landingPage", item.landing_page)
    if catalog.modified:
        _literal(node, "dcterms:modified", catalog.modified.replace(microsecond=0, tzinfo=None).isoformat(),
                 datatype="dateTime")
    _publisher(node, catalog)
    _contact(node, catalog)
    for distribution in item.distributions:
        _distribution(node, distribution)


def catalog_rdf(catalog: Catalog) -> bytes:
    """The catalogue as an RDF/XML document."""
    for prefix, uri in NS.items():
        ET.register_namespace(prefix, uri)
    root = ET.Element(_q("rdf:RDF"))
    node = ET.SubElement(root, _q("dcat:Catalog"), {_q("rdf:about"): catalog.uri})
    _texts(node, "dcterms:title", catalog.title)
    _texts(node, "dcterms:description", catalog.description)
    _resource(node, "foaf:homepage", catalog.homepage)
    _resource(node, "dcterms:license", DATA_LICENSE)
    for language in ("SWE", "ENG"):
        _resource(node, "dcterms:language", f"{EU}language/{language}")
    if catalog.modified:
        _literal(node, "dcterms:modified", catalog.modified.replace(microsecond=0, tzinfo=None).isoformat(),
                 datatype="dateTime")
    _publisher(node, catalog)
    for item in catalog.datasets:
        _dataset(node, catalog, item)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)
