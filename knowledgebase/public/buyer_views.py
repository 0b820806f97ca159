"""Pages for municipal buyers: the supplier search, the shortlist (with CSV and a printable
version), the procurement route guide, and each enterprise's capability statement and
eligibility card."""

from __future__ import annotations

from datetime import date

from flask import abort, current_app, g, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user

from knowledgebase.downloads import csv_download
from knowledgebase import inputs
from knowledgebase import models as m
from knowledgebase.content_types import ROUTE_LABELS
from knowledgebase.extensions import db
from knowledgebase.public.blueprint import bp
from knowledgebase.public.statistics_views import map_context
from knowledgebase.public.views import page_arg
from knowledgebase.services.content import taxonomy
from knowledgebase.services.procurement import buyers, limits, route_guide, shortlist
from knowledgebase.services.curation.accounts import can
from knowledgebase.urls import external_url


@bp.context_processor
def buyer_context() -> dict:
    return {
        "shortlist_slugs": lambda: shortlist.slugs(session),
        "enterprise_completeness": buyers.completeness,
        "capability_label": buyers.capability_label,
        "can_see_completeness": lambda: can(current_user, "entry.edit_any"),
        # The advisers' list of every enterprise: the view knows the editorial area's address.
        "completeness_url": lambda: url_for("admin.completeness"),
        "cpv_codes": buyers.cpv_codes,
        "eligibility_of": lambda enterprise: buyers.eligibility(enterprise, date.today()),
        "area_text": shortlist.area_text,
    }


@bp.route("/buyers")
def buyers_search():
    """Find enterprises by service (name or CPV code) and the municipality they serve."""
    query = inputs.parsed(buyers.parse_supplier_args, request.args)
    results = buyers.find_suppliers(query.service, query.serves, query.county, query.reserved, query.experience,
                                    page_arg(), current_app.config["PER_PAGE"], g.lang)
    categories = taxonomy.service_categories()
    return render_template("public/buyers.html", query=query, results=results, categories=categories,
                           counties=taxonomy.counties_with_municipalities(),
                           region_counties=taxonomy.region_counties(), today=date.today(), **map_context())


@bp.route("/shortlist", methods=["GET", "POST"])
def shortlist_page():
    if request.method == "POST":
        slug = inputs.form_text("slug")
        action = inputs.form_text("action") or "add"
        if action == "remove":
            shortlist.remove(session, slug)
        elif action == "clear":
            shortlist.clear(session)
        elif not shortlist.add(session, slug):
            # Full, or no such published enterprise: say so on the shortlist page.
            return redirect(url_for("public.shortlist_page", full=1), code=303)
        return redirect(inputs.next_target(url_for("public.shortlist_page")), code=303)
    items = shortlist.enterprises(shortlist.slugs(session))
    return render_template("public/shortlist.html", items=items, today=date.today(), routes=_route_choices(),
                           not_added=inputs.arg_text("full") == "1", max_items=shortlist.MAX_ITEMS,
                           share_days=current_app.config["SHORTLIST_SHARE_DAYS"])


def _route_choices() -> list[tuple[str, str]]:
    return [(key, str(ROUTE_LABELS[key])) for key in ("reserved", "social_conditions", "direct_award", "lov", "iop")]


@bp.route("/shortlist.csv")
def shortlist_csv():
    items = shortlist.enterprises(shortlist.slugs(session))
    page_url = lambda e: external_url("public.entry_detail", lang=g.lang, type_key="enterprise", slug=e.slug)  # noqa: E731
    # The file name in the visitor's language.
    return csv_download(shortlist.csv_rows(items, g.lang, date.today(), page_url), _("shortlist"))


@bp.route("/shortlist/print")
def shortlist_print():
    """The shortlist as a document for a market analysis or a request for information."""
    route = inputs.arg_choice("route", dict(_route_choices()), "")
    key = route if route in route_guide.GUIDE_SLUGS else ""
    return render_template("public/shortlist_print.html", items=shortlist.enterprises(shortlist.slugs(session)),
                           today=date.today(), route=route, route_label=dict(_route_choices()).get(route),
                           guide=route_guide.guide_article(key) if key else None,
                           dialogue=route_guide.guide_article("dialogue"))


@bp.route("/procurement/route-guide")
def route_guide_page():
    """Which routes LOU allows for a value and a service: a GET form that works without JavaScript."""
    errors: dict[str, str] = {}
    value = None
    raw_value = inputs.arg_text("value", 40)
    currency = inputs.arg_choice("currency", limits.CURRENCIES, "SEK")
    if raw_value:
        try:
            value = limits.parse_value(raw_value, currency)
        except ValueError:
            errors["value"] = (_("Enter the value in whole euros, for example 216 000.") if currency == "EUR" else
                               _("Enter the value in whole kronor, for example 500 000."))
    service, service_arg = None, inputs.arg_text("service", 100)
    try:
        service = route_guide.resolve_service(service_arg, g.lang)
    except route_guide.UnknownService:
        errors["service"] = _("Choose a service from the list, or enter a CPV code such as 90910000.")
    municipality = None
    code = inputs.arg_text("municipality", 10)
    if code:
        municipality = db.session.get(m.Municipality, code) if inputs.MUNICIPALITY_CODE.match(code) else None
        if municipality is None:
            errors["municipality"] = _("Choose a municipality from the list.")
    asked = bool(raw_value or service_arg)
    guide = (route_guide.build_guide(value, service, municipality, date.today(), g.lang, currency)
             if asked and not errors else None)
    categories = taxonomy.service_categories()
    return render_template("public/route_guide.html", guide=guide, errors=errors, raw_value=raw_value,
                           service_arg=service_arg, municipality_arg=code, currency=currency,
                           currencies=limits.CURRENCIES,
                           categories=categories, counties=taxonomy.counties_with_municipalities(),
                           limits=limits.current_limits(date.today()), limit_labels=limits.LIMIT_KEYS,
                           money=limits.money, euro_periods=limits.euro_periods,
                           thresholds_guide=route_guide.guide_article("thresholds"))


def _enterprise_or_404(slug: str) -> m.Enterprise:
    enterprise = buyers.published_enterprise(slug)
    if enterprise is None:
        abort(404)
    return enterprise


@bp.route("/enterprises/<slug>/eligibility")
def eligibility_card(slug: str):
    """Readiness for each reservation route, with the dates of the evidence: an annex to print."""
    enterprise = _enterprise_or_404(slug)
    return render_template("public/eligibility_card.html", entry=enterprise, today=date.today(),
                           items=buyers.eligibility(enterprise, date.today()))


@bp.route("/enterprises/<slug>/capability")
def capability(slug: str):
    """A capability statement a buyer can print or share."""
    enterprise = _enterprise_or_404(slug)
    return render_template("public/capability.html", entry=enterprise, today=date.today(),
                           items=buyers.eligibility(enterprise, date.today()),
                           codes=buyers.cpv_codes(enterprise.services), area=shortlist.area_text(enterprise))
