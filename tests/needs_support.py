"""Helpers for the tests of buyers' needs: a fictional buyer's form, fictional enterprises,
and the links in the mail they get. Every name and address is fictional."""

from __future__ import annotations

import re
from datetime import date, timedelta

from tests.confirmations_support import BASE, text_of
from tests.curation_support import add_entry

DEADLINE = date.today() + timedelta(days=14)
BUYER = "inkop@fiktiva-kommunen.example.org"


def need_form(**overrides) -> dict:
    """The form of a fictional buyer in Vetlanda: cleaning worth 400 000 kr, may be reserved."""
    return {
        "organisation": "Fiktiva kommunen (Vetlanda)", "organisation_kind": "municipality",
        "contact_name": "Fiktiv Inköpare", "contact_email": BUYER, "contact_phone": "0383-00 00 00",
        "title": "Fiktiv städning av ett kontor", "description": "Städning två gånger i veckan av ett fiktivt kontor.",
        "service": "cleaning", "cpv": "", "municipalities": ["0685"], "value": "400 000",
        "period_start": "", "period_end": "", "deadline": DEADLINE.isoformat(),
        "may_reserve": "y", "public": "y", **overrides,
    }


def cleaner(app, slug: str, **fields) -> int:
    """A fictional published enterprise that cleans in Vetlanda and can take reserved contracts."""
    data = {"status": "published", "slug": slug, "title": {"sv": slug.replace("-", " ").title()},
            "email": f"{slug}@example.org", "services": ["cleaning"], "municipalities": ["0685"],
            "reserved_contracts": True, "reserved_share": 40, **fields}
    return add_entry(app, "enterprise", **data)


def link(message, kind: str) -> str:
    """The site path of the first ``/<lang>/needs/<kind>/...`` link in a message."""
    found = re.search(re.escape(BASE) + r"(/(?:sv|en)/needs/" + kind + r"/[A-Za-z0-9_-]+)", text_of(message))
    assert found, text_of(message)
    return found.group(1)
