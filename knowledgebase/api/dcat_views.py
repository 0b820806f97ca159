"""The DCAT-AP-SE description of the site's datasets, at a stable address for data portals
(Sweden's dataportal.se) to harvest."""

from __future__ import annotations

from flask import Response, current_app
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l

from knowledgebase.api.blueprint import bp
from knowledgebase.services.transfer import dcat
from knowledgebase.urls import external_url

# (key, title, description, keywords (comma-separated), EU data themes, EU frequency)
DATASETS = (
    ("directory", _l("Directory of social enterprises"),
     _l("Social enterprises in Jönköpings, Kronobergs, Kalmar and Gotlands län: what they offer, where, "
        "their contact for tenders, whether they can take reserved contracts, and when each fact was last "
        "confirmed. Also in Open Referral HSDS 3.0."),
     _l("social enterprises, work integration, public procurement, reserved contracts"),
     ("SOCI", "ECON"), "CONT"),
    ("entries", _l("Knowledge base on social enterprises"),
     _l("Good examples, research, financing, procurement guidance, advice contacts, networks and a glossary "
        "about social enterprises, in Swedish and English."),
     _l("social economy, social enterprises, procurement, financing, glossary"),
     ("SOCI", "GOVE"), "CONT"),
    ("taxonomy", _l("Taxonomy of the knowledge base"),
     _l("The themes and competence packages, counties and municipalities (SCB codes), service categories "
        "with CPV codes, target groups and legal forms that the knowledge base is organised by."),
     _l("taxonomy, CPV, municipalities, counties"),
     ("SOCI", "REGI"), "IRREG"),
)


def _both(text: object) -> dcat.Text:
    """A lazy message in Swedish and in English."""
    values = {}
    for lang in ("sv", "en"):
        with force_locale(lang):
            values[lang] = str(text)
    return dcat.Text(values["sv"], values["en"])


def _distributions(key: str) -> tuple[dcat.Distribution, ...]:
    json_api = _l("JSON API")
    if key == "directory":
        return (
            dcat.Distribution(_both(json_api), external_url("api.entry_list", type_key="enterprise"), "application/json"),
            dcat.Distribution(_both(_l("CSV file")), external_url("public.enterprises_csv", lang="sv"), "text/csv"),
            dcat.Distribution(_both(_l("Open Referral HSDS 3.0 (JSON API)")), external_url("hsds.organizations"),
                              "application/json", dcat.HSDS_SPEC),
            dcat.Distribution(_both(_l("Open Referral HSDS 3.0 (tabular data package)")),
                              external_url("hsds.datapackage"), "application/zip", dcat.HSDS_SPEC),
        )
    if key == "entries":
        return (
            dcat.Distribution(_both(json_api), external_url("api.index"), "application/json"),
            dcat.Distribution(_both(_l("Atom feed of new and updated entries")), external_url("public.feed", lang="sv"),
                              "application/atom+xml"),
        )
    return (dcat.Distribution(_both(json_api), external_url("api.taxonomy"), "application/json"),)


@bp.route("/dcat.rdf")
def dcat_catalog():
    """The catalogue in DCAT-AP-SE, as RDF/XML."""
    catalog = dcat.Catalog(
        uri=external_url("api.dcat_catalog"),
        title=_both(_l("Social enterprise knowledge base: open data")),
        description=_both(_l("Open data from the knowledge base and directory of social enterprises in southern "
                             "Sweden. Licence: CC BY 4.0.")),
        homepage=external_url("public.home", lang="sv"),
        publisher_name=current_app.config["DATA_PUBLISHER"],
        contact_url=external_url("public.open_data", lang="sv"),
        contact_email=current_app.config["DATA_CONTACT_EMAIL"],
        datasets=tuple(dcat.Dataset(key, _both(title), _both(description), _both(keywords), themes, frequency,
                                    landing_page=external_url("public.open_data", lang="sv") + f"#{key}",
                                    distributions=_distributions(key))
                       for key, title, description, keywords, themes, frequency in DATASETS),
        modified=dcat.last_modified(),
    )
    return Response(dcat.catalog_rdf(catalog), mimetype="application/rdf+xml")
