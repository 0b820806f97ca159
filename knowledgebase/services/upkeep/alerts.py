"""E-mail alerts about new entries in a chosen municipality or theme. Double opt-in: the
subscribe form sends a confirmation e-mail whose one-time link activates the subscription;
every alert carries an unsubscribe link. Confirmation tokens are stored only as hashes.

Alerts go out when an entry is published (``send_alerts_for``, called by the publishing view
after its commit) and, for anything missed then (the mail server was down), from
``flask reminders send`` (``recently_published``). The mail log makes both safe to repeat."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, or_, select
from sqlalchemy.exc import SQLAlchemyError

from knowledgebase import models as m
from knowledgebase.extensions import db
from knowledgebase.services.upkeep import outbox
from knowledgebase.services.curation.accounts import normalise_email
from knowledgebase.services.upkeep.confirmations import aware
from knowledgebase.urls import alert_confirmation_url, entry_page_url

# How long the link in a subscription's confirmation e-mail works.
CONFIRM_DAYS = 7
# How far back ``flask reminders send`` looks for publications that got no alerts yet.
CATCH_UP_DAYS = 7


class AlertError(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def topic_label(subscription: m.AlertSubscription, lang: str) -> str:
    """What the subscription follows, e.g. "Vetlanda", "Theme 1: ..." or, for buyers' needs,
    "Buyers' needs: Cleaning"."""
    if subscription.municipality_code:
        row = db.session.get(m.Municipality, subscription.municipality_code)
        label = row.name if row else subscription.municipality_code
    elif subscription.service_slug:
        row = db.session.get(m.ServiceCategory, subscription.service_slug)
        label = row.name(lang) if row else subscription.service_slug
    else:
        theme = db.session.get(m.Theme, subscription.theme_number)
        label = _("Theme %(number)s: %(name)s", number=theme.number, name=theme.name(lang)) if theme else ""
    return _("Buyers' needs: %(topic)s", topic=label) if subscription.topic == "needs" else label


def subscribe(email: str, lang: str, now: datetime, municipality_code: str | None = None,
              theme_number: int | None = None, service_slug: str | None = None,
              topic: str = "entries") -> outbox.Outgoing | None:
    """Start a subscription (or renew the link of one not yet confirmed) and return the
    confirmation e-mail; None when the address already follows this (nothing is sent, and
    the form says the same either way, so nobody learns who subscribes). New entries are
    followed by municipality or theme; buyers' needs (``topic="needs"``) by municipality or
    service."""
    second = service_slug if topic == "needs" else theme_number
    if bool(municipality_code) == bool(second) or (topic == "needs" and theme_number) \
            or (topic != "needs" and service_slug):
        raise AlertError(_("Choose a municipality or a theme."))
    email = normalise_email(email)
    existing = db.session.scalars(select(m.AlertSubscription).where(
        func.lower(m.AlertSubscription.email) == email, m.AlertSubscription.topic == topic,
        m.AlertSubscription.service_slug.is_(None) if not service_slug
        else m.AlertSubscription.service_slug == service_slug,
        m.AlertSubscription.municipality_code.is_(None) if not municipality_code
        else m.AlertSubscription.municipality_code == municipality_code,
        m.AlertSubscription.theme_number.is_(None) if not theme_number
        else m.AlertSubscription.theme_number == theme_number,
        m.AlertSubscription.unsubscribed_at.is_(None))).first()
    if existing is not None and existing.confirmed_at is not None:
        return None
    subscription = existing or m.AlertSubscription(
        email=email, municipality_code=municipality_code or None, theme_number=theme_number or None,
        service_slug=service_slug or None, topic=topic)
    token, digest = outbox.new_token()
    subscription.lang, subscription.created_at, subscription.confirm_hash = lang, now, digest
    db.session.add(subscription)
    db.session.flush()
    label = topic_label(subscription, lang)
    mail = outbox.render_mail(
        "alert_confirm", email, lang, _l("Confirm your e-mail alerts: %(topic)s", topic=label), topic=label,
        link=alert_confirmation_url(token, lang), days=CONFIRM_DAYS)
    return outbox.Outgoing(mail, "alert_confirm", subscription_id=subscription.id)


def confirm(token: str, now: datetime) -> m.AlertSubscription:
    """Activate the subscription behind a confirmation link (which then stops working)."""
    subscription = outbox.by_token(m.AlertSubscription.confirm_hash, token)
    if subscription is None or subscription.unsubscribed_at is not None:
        raise AlertError(_("This link is not valid, or it has already been used."))
    if aware(subscription.created_at) + timedelta(days=CONFIRM_DAYS) <= now:
        raise AlertError(_("This link has expired. Subscribe again to get a new one."))
    subscription.confirmed_at, subscription.confirm_hash = now, ""
    return subscription


def unsubscribe(subscription: m.AlertSubscription, now: datetime) -> None:
    subscription.unsubscribed_at = subscription.unsubscribed_at or now


def _matching(entry: m.Entry, published_at: datetime) -> list[m.AlertSubscription]:
    municipalities = [mu.code for mu in entry.municipalities]
    themes = [t.number for t in entry.themes]
    if not municipalities and not themes:
        return []
    return list(db.session.scalars(select(m.AlertSubscription).where(
        m.AlertSubscription.confirmed_at.is_not(None), m.AlertSubscription.unsubscribed_at.is_(None),
        m.AlertSubscription.confirmed_at <= published_at, m.AlertSubscription.topic == "entries",
        or_(m.AlertSubscription.municipality_code.in_(municipalities),
            m.AlertSubscription.theme_number.in_(themes))).order_by(m.AlertSubscription.id)))


def pending_alerts(entry: m.Entry, published_at: datetime) -> list[outbox.Outgoing]:
    """Alert e-mails about ``entry`` for subscribers who have not had one: one per address,
    in the subscriber's language, with the unsubscribe link of what they follow."""
    if entry.status != m.PUBLISHED:
        return []
    already = set(db.session.scalars(select(m.ReminderLog.recipient).where(
        m.ReminderLog.kind == "alert", m.ReminderLog.entry_id == entry.id)))
    outgoing = []
    for subscription in _matching(entry, published_at):
        if subscription.email in already:
            continue
        already.add(subscription.email)
        lang = subscription.lang
        topic = topic_label(subscription, lang)
        mail = outbox.render_mail(
            "alert", subscription.email, lang, _l("New in the knowledge base: %(title)s", title=entry.title(lang)),
            unsubscribe=outbox.unsubscribe_url("alerts", subscription.id, subscription.salt, lang),
            entry=entry, topic=topic,
            link=entry_page_url(entry, lang))
        outgoing.append(outbox.Outgoing(mail, "alert", entry_id=entry.id, subscription_id=subscription.id))
    return outgoing


def send_after_publishing(entry: m.Entry, today: date, now: datetime) -> int:
    """Alert the subscribers who follow a just-published entry's places or themes; how many
    were alerted. Call it after the publication is committed, and commit afterwards. It runs
    in a savepoint: a database problem undoes only the alerts (logged), never the publication,
    and ``flask reminders send`` sends what is still owed."""
    try:
        with db.session.begin_nested():
            delivery = send_alerts_for(entry, today, now)
    except SQLAlchemyError:
        current_app.logger.exception("alerts for entry %s", entry.id)
        return 0
    return len(delivery.sent)


def send_alerts_for(entry: m.Entry, today: date, now: datetime) -> outbox.Delivery:
    """Send the alerts about a just-published entry; call it after the publication is
    committed, and commit afterwards (the mail log)."""
    return outbox.deliver(pending_alerts(entry, now), today)


def recently_published(now: datetime, days: int = CATCH_UP_DAYS) -> list[tuple[m.Entry, datetime]]:
    """Entries first published in the last ``days`` days and still published, with the time
    of that first publication (imports and seed content are not news)."""
    first = (select(m.Revision.entry_id, func.min(m.Revision.created_at).label("at"))
             .where(m.Revision.action == "publish").group_by(m.Revision.entry_id).subquery())
    rows = db.session.execute(
        select(m.Entry, first.c.at).join(first, first.c.entry_id == m.Entry.id)
        .where(m.Entry.status == m.PUBLISHED, first.c.at >= now - timedelta(days=days))
        .order_by(first.c.at))
    return [(entry, aware(at)) for entry, at in rows]


def catch_up(now: datetime) -> list[outbox.Outgoing]:
    """Alerts still owed for recent publications."""
    return [item for entry, at in recently_published(now) for item in pending_alerts(entry, at)]


def need_subscribers(municipality_codes: list[str], service_slug: str | None) -> list[m.AlertSubscription]:
    """Active subscriptions to buyers' needs in one of the municipalities or for the service."""
    clauses = [m.AlertSubscription.municipality_code.in_(municipality_codes)]
    if service_slug:
        clauses.append(m.AlertSubscription.service_slug == service_slug)
    return list(db.session.scalars(select(m.AlertSubscription).where(
        m.AlertSubscription.topic == "needs", m.AlertSubscription.confirmed_at.is_not(None),
        m.AlertSubscription.unsubscribed_at.is_(None), or_(*clauses)).order_by(m.AlertSubscription.id)))
