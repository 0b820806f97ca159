"""The enterprise directory in Open Referral HSDS 3.0: organizations and services as JSON
with HSDS paging, and the tabular data package as a zip file."""

from __future__ import annotations

import re
from datetime import date, datetime, timezone

from flask import Response, abort, current_app, jsonify
from flask_babel import force_locale
from flask_babel import gettext as _

from knowledgebase import inputs
from knowledgebase.api.blueprint import hsds_bp as bp
from knowledgebase.api.http import pagination_links
from knowledgebase.i18n import LOCALES
from knowledgebase.services.transfer import hsds, hsds_tabular
from knowledgebase.urls import external_url

# HSDS ids are UUIDs written in lower-case hexadecimal with hyphens.
UUID_SHAPE = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"


def _lang() -> str:
    """``lang=sv|en``: the language of names and descriptions (Swedish by default)."""
    return inputs.arg_choice("lang", LOCALES, "sv")


def _links(lang: str) -> hsds.Links:
    return hsds.Links(
        enterprise=lambda slug: external_url("public.entry_detail", lang=lang, type_key="enterprise", slug=slug),
        place=lambda kind, code: external_url(f"public.{kind}", lang=lang, code=code),
    )


def _paging() -> tuple[int, int]:
    page = inputs.arg_number("page", 1, maximum=1_000_000)
    per_page = inputs.arg_number("per_page", current_app.config["PER_PAGE"], maximum=1_000_000,
                                 cap=current_app.config["API_MAX_PER_PAGE"])
    return page, per_page


def _paged(body: dict, endpoint: str, lang: str, per_page: int) -> Response:
    """An HSDS page as JSON, with a ``Link`` header naming the other pages."""
    response = jsonify(body)
    response.headers["Link"] = pagination_links(endpoint, body["page_number"], body["total_pages"],
                                                lang=lang, per_page=per_page)
    return response


def _uuid_or_404(raw: str) -> str:
    if not re.fullmatch(UUID_SHAPE, raw):
        abort(404, description=_("No published record with this id."))
    return raw


@bp.route("/")
def index():
    """What HSDS's API root says: the version and where to find things (and whose standard it is)."""
    return jsonify({
        "version": hsds.HSDS_VERSION,
        "profile": "https://github.com/openreferral/specification/tree/3.0",
        "openapi_url": "https://raw.githubusercontent.com/openreferral/specification/3.0/schema/openapi.json",
        "organizations": external_url("hsds.organizations"),
        "services": external_url("hsds.services"),
        "datapackage": external_url("hsds.datapackage"),
        "credit": _("Published in the Open Referral Human Services Data Specification (HSDS) 3.0, "
                    "© Open Referral, CC BY-SA 4.0: %(url)s", url=hsds.OPEN_REFERRAL),
    })


def _page_of(records, endpoint: str):
    """One page of ``records(page, per_page, lang, links, today)`` in HSDS's paging."""
    lang = _lang()
    page, per_page = _paging()
    with force_locale(lang):
        return _paged(records(page, per_page, lang, _links(lang), date.today()), endpoint, lang, per_page)


def _one_of(find, raw_id: str):
    """The record ``find(id, lang, links, today)`` gives, or 404."""
    lang = _lang()
    with force_locale(lang):
        record = find(_uuid_or_404(raw_id), lang, _links(lang), date.today())
    if record is None:
        abort(404, description=_("No published record with this id."))
    return jsonify(record)


@bp.route("/organizations")
def organizations():
    return _page_of(hsds.list_organizations, "hsds.organizations")


@bp.route("/organizations/<org_id>")
def organization(org_id: str):
    return _one_of(hsds.find_organization, org_id)


@bp.route("/services")
def services():
    return _page_of(hsds.list_services, "hsds.services")


@bp.route("/services/<service_id>")
def service(service_id: str):
    return _one_of(hsds.find_service, service_id)


@bp.route("/datapackage.zip")
def datapackage():
    """Every published enterprise as HSDS CSV files with their ``datapackage.json``."""
    lang = _lang()
    with force_locale(lang):
        body = hsds_tabular.package_zip(
            hsds.all_organizations(lang, _links(lang), date.today()),
            title=_("Social enterprises in southern Sweden (Open Referral HSDS 3.0)"),
            homepage=external_url("public.home", lang=lang), now=datetime.now(timezone.utc))
    return Response(body, mimetype="application/zip", headers={
        "Content-Disposition": f'attachment; filename="hsds-{lang}.zip"'})
