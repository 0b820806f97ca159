"""GET /api/v1/suppliers: the buyers' supplier search (services.procurement.buyers) as JSON."""

from __future__ import annotations

from datetime import date

from flask import current_app, jsonify, request

from knowledgebase import inputs
from knowledgebase.api.blueprint import bp
from knowledgebase.api.serializers import entry_summary
from knowledgebase.api.views import positive_int_arg
from knowledgebase.services.procurement import buyers


def _supplier_json(enterprise, today: date) -> dict:
    cards = {item.key: item for item in buyers.eligibility(enterprise, today)}
    return {
        **entry_summary(enterprise),
        "services": [s.slug for s in enterprise.services],
        "cpv": [c.code for c in buyers.cpv_codes(enterprise.services)],
        "serves_municipalities": sorted(buyers.served_municipalities(enterprise)),
        "whole_counties": [c.code for c in enterprise.counties],
        "eligibility": {key: {"status": item.status, "as_of": item.as_of.isoformat() if item.as_of else None,
                              "stale": item.stale} for key, item in cards.items()},
        "tender_contact": {"name": enterprise.tender_contact_name or None,
                           "email": enterprise.tender_contact_email or None,
                           "phone": enterprise.tender_contact_phone or None},
    }


@bp.route("/suppliers")
def suppliers():
    """The same parameters as /<lang>/buyers: service, serves, county, reserved, experience, page."""
    query = inputs.parsed(buyers.parse_supplier_args, request.args)
    results = buyers.find_suppliers(
        query.service, query.serves, query.county, query.reserved, query.experience,
        page=positive_int_arg("page", 1, 1_000_000),
        per_page=positive_int_arg("per_page", current_app.config["PER_PAGE"], current_app.config["API_MAX_PER_PAGE"]),
    )
    today = date.today()
    page = results.page
    return jsonify({
        "query": query.as_args(),
        "service_categories": [c.slug for c in results.categories],
        "total": page.total,
        "page": page.page,
        "per_page": page.per_page,
        "pages": page.pages,
        "results": [_supplier_json(e, today) for e in page.items],
    })
