"""Reminders on a schedule (``flask --app app reminders send``, safe to run from cron):

* enterprises whose facts are due (stale, or going stale within REMINDER_LEAD_DAYS) get a
  confirmation link, at most one per REMINDER_INTERVAL_DAYS and REMINDERS_MAX_PER_RUN per run;
* advisers get a digest of their counties (stale entries, open suggestions, bounced mail)
  at most once per DIGEST_INTERVAL_DAYS, and only when there is something in it;
* alerts owed for recent publications go out (see services.upkeep.alerts).

Every message sent is logged (``ReminderLog``), so running twice in a day sends nothing new."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Callable

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, or_, select

from knowledgebase import models as m
from knowledgebase.extensions import db
from knowledgebase.services.upkeep import alerts, confirmations, outbox, provenance
from knowledgebase.services.curation.accounts import can
from knowledgebase.services.content.entries import county_clause


@dataclass
class Plan:
    """What one run sends: confirmation requests, digests and alerts."""

    requests: list[outbox.Outgoing] = field(default_factory=list)
    digests: list[outbox.Outgoing] = field(default_factory=list)
    alerts: list[outbox.Outgoing] = field(default_factory=list)
    skipped: list[tuple[m.Entry, str]] = field(default_factory=list)
    # Enterprises that are due but were left for a later run by the limit.
    deferred: int = 0

    @property
    def outgoing(self) -> list[outbox.Outgoing]:
        return self.requests + self.digests + self.alerts


def _recently_logged(kind: str, since: date, column, values) -> set:
    return set(db.session.scalars(select(column).where(
        m.ReminderLog.kind == kind, m.ReminderLog.sent_on > since, column.in_(list(values)))))


def due_enterprises(today: date, lead_days: int, interval_days: int) -> list[m.Enterprise]:
    """Published enterprises with an e-mail contact whose facts are stale or go stale within
    ``lead_days``, and that were not sent a request in the last ``interval_days``; the
    longest unconfirmed first."""
    horizon = today + timedelta(days=lead_days)
    enterprises = list(db.session.scalars(select(m.Enterprise).where(m.Enterprise.status == m.PUBLISHED)))
    upkeep = {row.entry_id: row for row in db.session.scalars(select(m.EntryUpkeep))}
    recent = _recently_logged("confirmation", today - timedelta(days=interval_days), m.ReminderLog.entry_id,
                              [e.id for e in enterprises])
    due = []
    for enterprise in enterprises:
        contact = upkeep.get(enterprise.id)
        if enterprise.id in recent or not confirmations.contact_email(enterprise, contact):
            continue
        if contact is not None and contact.reminders_off_at is not None:
            continue
        if any(status.stale for status in provenance.fact_statuses(enterprise, horizon)):
            due.append(enterprise)
    never = date.min
    due.sort(key=lambda e: (provenance.confirmed_on(e, upkeep[e.id].confirmed_at if e.id in upkeep else None)
                            or never, e.title_sv))
    return due


# -- the advisers' digest -----------------------------------------------------------------

@dataclass
class Digest:
    counties: list[m.County]
    stale: list[m.Entry]
    stale_total: int
    suggestions: list[m.Suggestion]
    bounces: list[m.ReminderLog]

    def is_empty(self) -> bool:
        return not (self.stale or self.suggestions or self.bounces)


def digest_for(counties: list[str], today: date, since: date, limit: int = 30) -> Digest:
    """What needs doing in ``counties``: published entries not confirmed within the shelf
    life, waiting suggestions about entries or places there, and mail that bounced since
    ``since``."""
    rows = list(db.session.scalars(select(m.County).where(m.County.code.in_(counties)).order_by(m.County.code)))
    stale_query = provenance.stale_query(today).where(county_clause(counties))
    stale_total = db.session.scalar(select(func.count()).select_from(stale_query.order_by(None).subquery())) or 0
    in_counties = select(m.Entry.id).where(county_clause(counties))
    places = select(m.Municipality.code).where(m.Municipality.county_code.in_(counties))
    waiting = list(db.session.scalars(select(m.Suggestion).where(
        m.Suggestion.status == "waiting",
        or_(m.Suggestion.entry_id.in_(in_counties), m.Suggestion.municipality_code.in_(places)))
        .order_by(m.Suggestion.created_at)))
    bounces = list(db.session.scalars(select(m.ReminderLog).where(
        m.ReminderLog.status == "bounced", m.ReminderLog.sent_on > since, m.ReminderLog.entry_id.in_(in_counties))
        .order_by(m.ReminderLog.created_at)))
    return Digest(rows, list(db.session.scalars(stale_query.limit(limit))), stale_total, waiting, bounces)


@dataclass(frozen=True)
class AdviserLinks:
    """Where a digest sends an adviser: made by the caller, which knows the editorial routes."""

    upkeep: str
    entry: Callable[[m.Entry], str]
    suggestion: Callable[[m.Suggestion], str]


def prepare_digests(today: date, interval_days: int, links: AdviserLinks) -> list[outbox.Outgoing]:
    """A digest for every adviser who chose counties and has not had one within the interval."""
    since = today - timedelta(days=interval_days)
    choices = [row for row in db.session.scalars(select(m.AdviserDigest)) if row.counties
               and row.user is not None and can(row.user, "suggestion.moderate")]
    recent = _recently_logged("digest", since, m.ReminderLog.user_id, [row.user_id for row in choices])
    outgoing = []
    for choice in choices:
        if choice.user_id in recent:
            continue
        digest = digest_for(choice.counties, today, since)
        if digest.is_empty():
            continue
        lang = choice.lang
        mail = outbox.render_mail(
            "digest", choice.user.email, lang, _l("What needs checking in your counties"),
            unsubscribe=outbox.unsubscribe_url("digest", choice.user_id, choice.salt, lang),
            digest=digest, today=today, admin_url=links.upkeep, entry_admin_url=links.entry,
            suggestion_url=links.suggestion)
        outgoing.append(outbox.Outgoing(mail, "digest", user_id=choice.user_id))
    return outgoing


# -- one run ------------------------------------------------------------------------------

def plan(today: date, now: datetime, links: AdviserLinks, limit: int | None = None) -> Plan:
    """Prepare a run: new confirmation links are flushed (a dry run rolls them back);
    ``links`` are the editorial area's, for the advisers' digests."""
    config = current_app.config
    limit = int(config["REMINDERS_MAX_PER_RUN"] if limit is None else limit)
    due = due_enterprises(today, int(config["REMINDER_LEAD_DAYS"]), int(config["REMINDER_INTERVAL_DAYS"]))
    prepared = confirmations.prepare_requests(due[:limit], now)
    result = Plan(requests=prepared.outgoing, skipped=prepared.skipped, deferred=max(0, len(due) - limit))
    result.digests = prepare_digests(today, int(config["DIGEST_INTERVAL_DAYS"]), links)
    result.alerts = alerts.catch_up(now)
    return result


def set_digest(user: m.User, counties: list[str], lang: str) -> m.AdviserDigest:
    """An adviser's choice of counties (none: no digest) and language for the digest."""
    choice = db.session.get(m.AdviserDigest, user.id) or m.AdviserDigest(user_id=user.id)
    choice.counties = sorted(set(counties))
    choice.lang = lang if lang in ("sv", "en") else "sv"
    db.session.add(choice)
    db.session.flush()
    return choice
