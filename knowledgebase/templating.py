"""Jinja filters and context: locale-aware formatting, Markdown, links between languages."""

from __future__ import annotations

import itertools
import re
from datetime import date
from typing import Any, Mapping
from urllib.parse import urlencode

import markdown as markdown_lib
import nh3
from flask import Flask, g, request, url_for
from flask_babel import format_date, format_datetime, format_decimal
from flask_babel import gettext as _
from markupsafe import Markup, escape
from werkzeug.datastructures import MultiDict

from knowledgebase import content_types
from knowledgebase.freshness import shelf_life_months
from knowledgebase.i18n import LANGUAGE_NAMES, LOCALES
from knowledgebase.services.programmes.activities import as_local
from knowledgebase.services.upkeep import provenance
from knowledgebase.urls import absolute_url, external_url

ALLOWED_TAGS = {
    "p", "br", "strong", "em", "b", "i", "ul", "ol", "li", "a", "h2", "h3", "h4", "blockquote",
    "code", "pre", "table", "thead", "tbody", "tr", "th", "td", "hr", "abbr",
}


def render_markdown(text: str | None) -> Markup:
    """Markdown as HTML, sanitised: no scripts, no event handlers, only http(s)/mailto links,
    and ``rel="noopener noreferrer"`` on every link."""
    if not text:
        return Markup("")
    html = markdown_lib.markdown(text, extensions=["tables", "sane_lists"])
    clean = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes={"a": {"href", "title"}, "abbr": {"title"}, "th": {"scope"}},
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer",
    )
    # Headings inside an entry sit under the page's h1 and the section's h2.
    clean = clean.replace("<h2>", "<h3>").replace("</h2>", "</h3>")
    return Markup(scrolling_tables(clean))


_TABLE_START = re.compile(r"<table>(\s*<thead>)?")
_table_numbers = itertools.count(1)


def scrolling_tables(html: str) -> str:
    """Each table of sanitised HTML in a box that scrolls on its own on a narrow screen, not
    the page (WCAG 1.4.10), like templates/_macros/tables.html: a focusable region named by
    the table's column headings, as a Markdown table has no caption."""
    def open_box(match: re.Match) -> str:
        if match.group(1):
            head_id = f"table-head-{next(_table_numbers)}"  # unique on any page
            name = f'aria-labelledby="{head_id}"'
            head = match.group(1).replace("<thead>", f'<thead id="{head_id}">')
        else:
            label = escape(_("Table"))
            name, head = f'aria-label="{label}"', ""
        return f'<div class="table-scroll" role="region" tabindex="0" {name}><table>{head}'

    return _TABLE_START.sub(open_box, html).replace("</table>", "</table></div>")


def url_with_query(endpoint: str, query: Mapping[str, Any] | None = None, **values: Any) -> str:
    """``url_for(endpoint, **values)`` with ``query`` appended as a query string. The query's
    keys never reach ``url_for`` as keyword arguments, so a visitor's ``?_anchor=``,
    ``?endpoint=`` or ``?lang=`` stays a plain argument instead of breaking the link."""
    url = url_for(endpoint, **values)
    if not query:
        return url
    items = query.lists() if isinstance(query, MultiDict) else query.items()
    pairs = [(key, value) for key, values_ in items
             for value in (values_ if isinstance(values_, (list, tuple)) else [values_])
             if value is not None and value != ""]
    return f"{url}?{urlencode(pairs)}" if pairs else url


def other_language_url(lang: str) -> str:
    """The current page in ``lang`` (same endpoint, same arguments)."""
    if not request.endpoint or not request.endpoint.startswith("public."):
        return url_for("public.home", lang=lang)
    args = dict(request.view_args or {})
    args["lang"] = lang
    query = [(key, value) for key, value in request.args.items(multi=True) if key not in args]
    return url_with_query(request.endpoint, MultiDict(query), **args)


def freshness(entry) -> dict:
    """An entry's confirmation as a whole, for cards: {"date", "stale"}."""
    day, stale = provenance.entry_confirmation(entry, date.today())
    return {"date": day, "stale": stale}


def entry_url(entry, lang: str | None = None) -> str:
    return url_for("public.entry_detail", type_key=entry.type, slug=entry.slug, lang=lang or g.get("lang", "sv"))


def init_app(app: Flask) -> None:
    app.jinja_env.filters["markdown"] = render_markdown
    app.jinja_env.filters["date"] = lambda value, fmt="long": format_date(value, fmt) if value else ""
    app.jinja_env.filters["datetime"] = lambda value, fmt="medium": format_datetime(value, fmt) if value else ""
    app.jinja_env.filters["number"] = lambda value: format_decimal(value) if value is not None else ""
    app.jinja_env.filters["month_year"] = provenance.month_year
    # A stored moment in Swedish time, for <time datetime="...">.
    app.jinja_env.filters["local_iso"] = lambda value: as_local(value).isoformat(timespec="minutes")
    app.jinja_env.add_extension("jinja2.ext.do")
    app.jinja_env.globals.update(
        freshness=freshness,
        provenance_notes=lambda entry: provenance.public_notes(entry, date.today()),
        fresh_months=shelf_life_months,
    )

    @app.context_processor
    def inject() -> dict:
        return {
            "lang": g.get("lang", "sv"),
            "locales": LOCALES,
            "language_names": LANGUAGE_NAMES,
            "other_language_url": other_language_url,
            "url_with_query": url_with_query,
            "external_url": external_url,
            "absolute_url": absolute_url,
            "entry_url": entry_url,
            "content_types": content_types.CONTENT_TYPES,
            "ct_by_key": content_types.BY_KEY,
            "route_labels": content_types.ROUTE_LABELS,
            "financing_kind_labels": content_types.FINANCING_KIND_LABELS,
            "law_labels": content_types.LAW_LABELS,
        }
