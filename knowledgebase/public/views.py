"""Views of the public site. Each reads its arguments, calls a service and renders."""

from __future__ import annotations

from datetime import datetime, timezone

from flask import abort, current_app, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy.orm import selectinload

from knowledgebase.downloads import csv_download
from knowledgebase import inputs
from knowledgebase import models as m
from knowledgebase.content_types import BY_KEY, CONTENT_TYPES
from knowledgebase.extensions import db
from knowledgebase.i18n import best_locale
from knowledgebase.public.blueprint import bp
from knowledgebase.public.statistics_views import map_context
from knowledgebase.services.content import entries as entry_service
from knowledgebase.services.content import linked_data
from knowledgebase.services.content import taxonomy
from knowledgebase.services.content.csv_export import enterprise_rows
from knowledgebase.services.programmes import activities
from knowledgebase.services.programmes.labels import ARRANGEMENT_LABELS, KIND_LABELS

# Upcoming activities shown on a theme's, package's or municipality's page.
UPCOMING_ON_PAGES = 5


def upcoming_activities(**filters) -> dict:
    """The next few activities matching ``filters`` and the labels to show them (one query)."""
    found = activities.upcoming(activities.CalendarFilters(**filters), datetime.now(timezone.utc), UPCOMING_ON_PAGES)
    return {"upcoming": found, "kind_labels": KIND_LABELS, "arrangement_labels": ARRANGEMENT_LABELS}


def root():
    """``/`` sends people to the language their browser prefers."""
    return redirect(url_for("public.home", lang=best_locale()))


def page_arg() -> int:
    return inputs.arg_number("page", 1, maximum=10_000)


def filters_arg() -> entry_service.EntryFilters:
    return inputs.parsed(entry_service.parse_filters, request.args)


@bp.route("/")
def home():
    return render_template(
        "public/home.html",
        themes=taxonomy.themes(),
        counts=entry_service.count_by_type(entry_service.EntryFilters()),
        counties=taxonomy.region_counties(),
        **map_context(),
    )


def entry_list(type_key: str):
    ct = BY_KEY[type_key]
    filters = filters_arg()
    sort = inputs.arg_choice("sort", entry_service.SORTS, "title")
    if ct.key == "glossary" and filters.is_empty():
        terms = list(db.session.scalars(entry_service.published_query(ct).order_by(m.Entry.title_sv).options(
            selectinload(m.GlossaryTerm.related))))
        return render_template("public/glossary.html", ct=ct, terms=terms,
                               linked_data=linked_data.glossary_linked_data(terms, g.lang))
    page = entry_service.list_published(
        ct, filters, page_arg(), current_app.config["PER_PAGE"], sort=sort, locale=g.lang
    )
    return render_template(
        "public/entry_list.html", ct=ct, page=page, filters=filters, sort=sort,
        filter_options=taxonomy.filter_options(),
    )


def entry_detail(type_key: str, slug: str):
    ct = BY_KEY[type_key]
    entry = entry_service.get_published(ct, slug)
    if entry is None:
        abort(404)
    return render_template(
        "public/entry_detail.html", ct=ct, entry=entry, related=entry_service.related_entries(entry),
        linked_data=linked_data.entry_linked_data(entry, g.get("lang", "sv")),
    )


for _ct in CONTENT_TYPES:
    bp.add_url_rule(f"/{_ct.path}/", "entry_list", entry_list, defaults={"type_key": _ct.key})
    bp.add_url_rule(f"/{_ct.path}/<slug>", "entry_detail", entry_detail, defaults={"type_key": _ct.key})


@bp.route("/themes/")
def theme_index():
    return render_template("public/theme_index.html", themes=taxonomy.themes())


@bp.route("/themes/<int:number>")
def theme(number: int):
    theme_row = db.session.get(m.Theme, number) or abort(404)
    grouped = entry_service.entries_by_type(entry_service.EntryFilters(themes=[number]))
    return render_template("public/theme.html", theme=theme_row, grouped=grouped,
                           **upcoming_activities(theme=number))


@bp.route("/themes/<int:number>/<int:package>")
def package(number: int, package: int):
    row = db.session.get(m.CompetencePackage, f"{number}.{package}") or abort(404)
    grouped = entry_service.entries_by_type(entry_service.EntryFilters(packages=[row.code]))
    return render_template("public/package.html", package=row, grouped=grouped,
                           **upcoming_activities(package=row.code))


@bp.route("/counties/")
def county_index():
    return render_template("public/county_index.html", counties=taxonomy.counties_with_municipalities())


@bp.route("/counties/<code>")
def county(code: str):
    row = db.session.get(m.County, code) or abort(404)
    grouped = entry_service.entries_by_type(entry_service.EntryFilters(counties=[code]))
    # Only the region's counties have shapes on the map.
    shown = map_context(code) if code in taxonomy.REGION_COUNTIES else {}
    return render_template("public/place.html", county=row, municipality=None, grouped=grouped, **shown,
                           **upcoming_activities(county=code))


@bp.route("/municipalities/<code>")
def municipality(code: str):
    row = db.session.get(m.Municipality, code) or abort(404)
    grouped = taxonomy.entries_for_municipality(row)
    return render_template("public/place.html", county=row.county, municipality=row, grouped=grouped,
                           **upcoming_activities(municipality=row.code))


@bp.route("/enterprises.csv")
def enterprises_csv():
    """The published enterprise directory as CSV (filters as on the list page)."""
    query = entry_service.published_query(BY_KEY["enterprise"], filters_arg()).order_by(m.Entry.title_sv).options(
        selectinload(m.Enterprise.municipalities), selectinload(m.Enterprise.services),
        selectinload(m.Enterprise.counties), selectinload(m.Enterprise.legal_form))
    enterprises = list(db.session.scalars(query))
    # The file name in the visitor's language.
    return csv_download(enterprise_rows(enterprises, g.lang), _("enterprises"))
