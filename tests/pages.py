"""The pages that the browser tests visit: one list that covers every template.

Later features add their pages here. ``{lang}`` is replaced by sv and en; ``{enterprise}`` and
the like by the slug of a published seeded entry of that type."""

from __future__ import annotations

from sqlalchemy import select

from knowledgebase import models as m
from knowledgebase.content_types import CONTENT_TYPES
from knowledgebase.extensions import db
from knowledgebase.services.shortlist_share import make_token

PUBLIC_PAGES: list[str] = [
    "/{lang}/",
    "/{lang}/themes/",
    "/{lang}/themes/1",
    "/{lang}/themes/3/1",
    "/{lang}/counties/",
    "/{lang}/counties/06",
    "/{lang}/municipalities/0685",
    *[f"/{{lang}}/{ct.path}/" for ct in CONTENT_TYPES],
    *[f"/{{lang}}/{ct.path}/{{{ct.key}}}" for ct in CONTENT_TYPES],
    "/{lang}/enterprises/?county=06&sort=updated",
    "/{lang}/easy-read",
    "/{lang}/glossary/{glossary}/easy-read",
    "/{lang}/accessibility",
    "/{lang}/whats-new",
    "/{lang}/whats-new?county=08",
    "/{lang}/search?q=kooperativ",
    "/{lang}/search?q=zzzzqqqq",
    "/{lang}/search",
    "/{lang}/no-such-page",
    "/{lang}/enterprises/?theme=banana",
    # Buyers (knowledgebase/public/buyer_views.py).
    "/{lang}/buyers",
    "/{lang}/buyers?service=90&serves=0685&reserved=1&experience=lou",
    "/{lang}/buyers?service=zzzzqqqq",
    "/{lang}/procurement/route-guide",
    "/{lang}/procurement/route-guide?value=3000000&service=cleaning&municipality=0685",
    "/{lang}/procurement/route-guide?value=500000&service=85000000",
    "/{lang}/procurement/route-guide?value=lots&service=zzzz&municipality=9999",
    "/{lang}/shortlist",
    "/{lang}/shortlist?full=1",
    "/{lang}/shortlist/print?route=reserved",
    "/{lang}/enterprises/{enterprise}/capability",
    "/{lang}/enterprises/{enterprise}/eligibility",
    # Keeping it true (knowledgebase/public/upkeep_views.py).
    "/{lang}/enterprises/?fresh=1",
    "/{lang}/report-outdated?type=enterprise&slug={enterprise}",
    "/{lang}/alerts",
    "/{lang}/alerts?municipality=0685",
    "/{lang}/alerts/sent",
    "/{lang}/alerts/confirm/not-a-real-token",
    "/{lang}/confirm/done",
    # Open data (knowledgebase/public/info_views.py) and a shared shortlist (shortlist_views.py).
    "/{lang}/open-data",
    "/{lang}/shortlist/shared/{shared_shortlist}?made=1",
    "/{lang}/shortlist/shared/{shared_shortlist}/print",
]


def sample_slugs(app) -> dict[str, str]:
    """The first published slug of each content type (preferring one with an English text)."""
    with app.app_context():
        slugs = {}
        for ct in CONTENT_TYPES:
            query = select(ct.model.slug).where(ct.model.status == m.PUBLISHED).order_by(ct.model.slug)
            slugs[ct.key] = db.session.scalars(query).first()
        slugs["shared_shortlist"] = make_token([slugs["enterprise"]], app.config["SECRET_KEY"])
        return slugs


def expand(pages: list[str], app) -> list[str]:
    slugs = sample_slugs(app)
    return [page.format(lang=lang, **slugs) for page in pages for lang in ("sv", "en")]
