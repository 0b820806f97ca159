"""The public list of needs: those the buyer allowed to be shown, once an adviser has sent
them, while answers are still taken. Filtered by county, service and deadline alike on the
page, in the Atom feed and in /api/v1/needs; and e-mail alerts about them for subscribers who
follow a municipality or a service (the alert subscriptions of services.upkeep.alerts)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Mapping

from flask_babel import lazy_gettext as _l

from sqlalchemy import false, or_, select
from sqlalchemy.orm import selectinload

from knowledgebase import models as m
from knowledgebase.extensions import db
from knowledgebase.inputs import COUNTY_CODE, BadFilter, iso_date, single_line
from knowledgebase.procurement_codes import cpv_prefix
from knowledgebase.services.content.entries import Page, paginate
from knowledgebase.services.procurement import buyers
from knowledgebase.services.upkeep import alerts, outbox
from knowledgebase.urls import need_page_url


@dataclass
class NeedFilters:
    county: str = ""
    service: str = ""
    # Answers due on or before this day.
    deadline: date | None = None

    def as_args(self) -> dict[str, str]:
        args = {"county": self.county, "service": self.service,
                "deadline": self.deadline.isoformat() if self.deadline else ""}
        return {key: value for key, value in args.items() if value}


def parse_filters(args: Mapping) -> NeedFilters:
    """Filters from query arguments; ``BadInput`` for a value that names nothing."""
    county = single_line(args.get("county"), 10)
    if county and (not COUNTY_CODE.match(county) or db.session.get(m.County, county) is None):
        raise BadFilter("county", county)
    service = single_line(args.get("service"), 100)
    if service and not cpv_prefix(service) and not buyers.categories_for_service(service):
        raise BadFilter("service", service)
    return NeedFilters(county, service, iso_date(args.get("deadline"), "deadline"))


def _service_clause(service: str):
    slugs = [c.slug for c in buyers.categories_for_service(service)]
    clauses = [m.Need.service_slug.in_(slugs)] if slugs else []
    prefix = cpv_prefix(service)
    if prefix:
        clauses.append(m.Need.cpv.startswith(prefix))
    return or_(*clauses) if clauses else false()


def open_needs_query(filters: NeedFilters, today: date):
    """Public, sent needs whose deadline has not passed, soonest deadline first."""
    query = select(m.Need).where(m.Need.public.is_(True), m.Need.status == "sent", m.Need.deadline >= today)
    if filters.county:
        query = query.where(m.Need.municipalities.any(m.Municipality.county_code == filters.county))
    if filters.service:
        query = query.where(_service_clause(filters.service))
    if filters.deadline:
        query = query.where(m.Need.deadline <= filters.deadline)
    return query.options(selectinload(m.Need.municipalities), selectinload(m.Need.service)).order_by(
        m.Need.deadline, m.Need.id)


def open_needs(filters: NeedFilters, today: date, page: int = 1, per_page: int = 20) -> Page:
    return paginate(open_needs_query(filters, today), page, per_page)


def public_need(need_id: int, today: date) -> m.Need | None:
    """A need anyone may see: public, sent and still open."""
    need = db.session.get(m.Need, need_id)
    if need is None or not need.public or need.status != "sent" or need.deadline < today:
        return None
    return need


def need_json(need: m.Need, page_url: str) -> dict[str, Any]:
    """A public need as the API gives it (never the buyer's contact person)."""
    return {
        "id": need.id,
        "title": need.title,
        "description": need.description,
        "organisation": need.organisation,
        "organisation_kind": need.organisation_kind,
        "service": need.service_slug,
        "cpv": need.cpv or None,
        "municipalities": [mu.code for mu in need.municipalities],
        "counties": sorted({mu.county_code for mu in need.municipalities}),
        "value": need.value,
        "period_start": need.period_start.isoformat() if need.period_start else None,
        "period_end": need.period_end.isoformat() if need.period_end else None,
        "deadline": need.deadline.isoformat(),
        "may_reserve": need.may_reserve,
        "may_direct_award": need.may_direct_award,
        "published": need.sent_at.date().isoformat() if need.sent_at else None,
        "url": page_url,
    }


@dataclass
class FeedItem:
    """A need as the Atom feed (services.content.feeds.atom_feed) reads an entry."""

    need: m.Need
    type: str = "need"

    def title(self, lang: str) -> str:
        return self.need.title

    def text(self, name: str, lang: str) -> tuple[str, str]:
        return self.need.description[:500], self.need.lang

    @property
    def updated_at(self) -> datetime | None:
        return self.need.sent_at

    @property
    def created_at(self) -> datetime | None:
        return self.need.sent_at


def feed_items(filters: NeedFilters, today: date, limit: int = 50) -> list[FeedItem]:
    query = open_needs_query(filters, today).order_by(None).order_by(m.Need.sent_at.desc(), m.Need.id.desc())
    return [FeedItem(need) for need in db.session.scalars(query.limit(limit))]



def need_alerts(need: m.Need) -> list[outbox.Outgoing]:
    """Alert e-mails about a public need just sent: one per subscribed address that follows one
    of its municipalities or its service, in the subscriber's language."""
    if not need.public or need.status != "sent":
        return []
    outgoing, seen = [], set()
    for subscription in alerts.need_subscribers([mu.code for mu in need.municipalities], need.service_slug):
        if subscription.email in seen:
            continue
        seen.add(subscription.email)
        lang = subscription.lang
        mail = outbox.render_mail(
            "need_alert", subscription.email, lang, _l("A buyer needs: %(title)s", title=need.title),
            unsubscribe=outbox.unsubscribe_url("alerts", subscription.id, subscription.salt, lang),
            need=need, topic=alerts.topic_label(subscription, lang), link=need_page_url(need.id, lang))
        outgoing.append(outbox.Outgoing(mail, "need_alert", subscription_id=subscription.id))
    return outgoing
