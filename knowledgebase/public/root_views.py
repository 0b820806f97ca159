"""The files crawlers and browsers ask for at the site's root, outside the language prefix:
``/sitemap.xml``, ``/robots.txt`` and ``/favicon.ico``."""

from __future__ import annotations

from pathlib import Path

from flask import Flask, Response, abort, current_app, url_for

from knowledgebase.i18n import LOCALES
from knowledgebase.services.content import sitemap
from knowledgebase.urls import external_url

# How each kind of sitemap item becomes an endpoint of the public site.
ENDPOINTS = {
    "entry": "public.entry_detail",
    "entry_easy_read": "public.entry_easy_read",
    "entry_list": "public.entry_list",
    "theme": "public.theme",
    "package": "public.package",
    "county": "public.county",
    "municipality": "public.municipality",
}
# Pages that are forms, search results, personal lists or one person's links: not for crawlers.
NOT_FOR_CRAWLERS = ("public.search", "public.suggest", "public.report_outdated", "public.alerts_subscribe",
                    "public.shortlist_page")
# Path prefixes (after the language) of pages that take a token: confirmations, unsubscribing.
TOKEN_PREFIXES = ("confirm/", "unsubscribe/")
# Pages that are a search when they carry a query string.
QUERY_PAGES = ("public.buyers_search", "public.route_guide_page", "public.whats_new")
CACHE_SECONDS = 3600


def init_app(app: Flask) -> None:
    app.add_url_rule("/sitemap.xml", "sitemap", sitemap_view)
    app.add_url_rule("/sitemap-<int:number>.xml", "sitemap_part", sitemap_part)
    app.add_url_rule("/robots.txt", "robots", robots)
    app.add_url_rule("/favicon.ico", "favicon", favicon)


def item_url(item: sitemap.Item, lang: str) -> str:
    endpoint = ENDPOINTS.get(item.page, f"public.{item.page}")
    return external_url(endpoint, lang=lang, **item.values)


def _parts() -> list[list[sitemap.Item]]:
    return sitemap.parts(sitemap.sitemap_items(), current_app.config["SITEMAP_MAX_URLS"], len(LOCALES))


def _xml(body: bytes) -> Response:
    response = Response(body, mimetype="application/xml")
    response.cache_control.public = True
    response.cache_control.max_age = CACHE_SECONDS
    return response


def sitemap_view() -> Response:
    """Every published page in both languages, with its language alternates; past the
    protocol's 50 000 addresses, an index of numbered parts."""
    parts = _parts()
    if len(parts) == 1:
        return _xml(sitemap.sitemap_xml(parts[0], item_url, LOCALES))
    return _xml(sitemap.index_xml(parts, lambda number: external_url("sitemap_part", number=number)))


def sitemap_part(number: int) -> Response:
    parts = _parts()
    if not 1 <= number <= len(parts) or len(parts) == 1:
        abort(404)
    return _xml(sitemap.sitemap_xml(parts[number - 1], item_url, LOCALES))


def robots() -> Response:
    """Crawlers may read the site, but not the admin, the login, forms or search results."""
    lines = ["User-agent: *", f"Disallow: {url_for('admin.dashboard')}",
             f"Disallow: {url_for('auth.login').rsplit('/', 1)[0]}/"]
    for lang in LOCALES:
        lines += [f"Disallow: {url_for(endpoint, lang=lang)}" for endpoint in NOT_FOR_CRAWLERS]
        lines += [f"Disallow: /{lang}/{prefix}" for prefix in TOKEN_PREFIXES]
        lines += [f"Disallow: {url_for(endpoint, lang=lang)}?" for endpoint in QUERY_PAGES]
    lines += [f"Disallow: {url_for('api.search')}", f"Disallow: {url_for('api.suggest')}", "",
              f"Sitemap: {external_url('sitemap')}", ""]
    response = Response("\n".join(lines), mimetype="text/plain")
    response.cache_control.public = True
    response.cache_control.max_age = CACHE_SECONDS
    return response


def favicon() -> Response:
    """The site's icon (static/img/favicon.ico, drawn from the logo), read whole: it is small."""
    response = Response(Path(current_app.static_folder, "img", "favicon.ico").read_bytes(),
                        mimetype="image/vnd.microsoft.icon")
    response.cache_control.public = True
    response.cache_control.max_age = 7 * 24 * 3600
    return response
