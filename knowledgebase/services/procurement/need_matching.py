"""Which enterprises a need goes to, and sending it. A published enterprise matches when it
delivers the service (by category, or by CPV code with the whole branch below it), serves one
of the need's municipalities (named, or its whole county) and, when the buyer may reserve the
contract, can take reserved contracts (LOU 4 kap. 18 §). It is mailed once, through its tender
contact else its contact, in its language, with a one-time link to answer; one that asked for
no more needs, or got NEEDS_PER_ENTERPRISE_WEEK in the last seven days, is left out."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import false, func, or_, select
from sqlalchemy.orm import selectinload

from knowledgebase import models as m
from knowledgebase.extensions import db
from knowledgebase.services.procurement import buyers
from knowledgebase.services.procurement.needs import NeedError, service_query
from knowledgebase.services.upkeep import outbox
from knowledgebase.urls import need_answer_url

# Why a matching enterprise is not sent the need.
SKIP_LABELS = {
    "no_email": _l("No e-mail address"),
    "unsubscribed": _l("Asked for no more needs"),
    "cap": _l("Already got the most needs for this week"),
}


@dataclass
class Match:
    enterprise: m.Enterprise
    email: str
    lang: str
    # "" when it will be sent the need, else a key of SKIP_LABELS.
    skip: str = ""


def matching_enterprises(need: m.Need) -> list[m.Enterprise]:
    """Published enterprises that match the need's service, area and (if asked) reservation."""
    categories = buyers.categories_for_service(service_query(need)) if service_query(need) else []
    slugs = [c.slug for c in categories]
    query = select(m.Enterprise).where(
        m.Enterprise.status == m.PUBLISHED,
        m.Enterprise.services.any(m.ServiceCategory.slug.in_(slugs)) if slugs else false(),
        or_(*[buyers.serves_clause(mu) for mu in need.municipalities]) if need.municipalities else false())
    if need.may_reserve:
        query = query.where(buyers.reserved_clause())
    return list(db.session.scalars(query.options(selectinload(m.Enterprise.services))
                                   .order_by(m.Enterprise.title_sv, m.Enterprise.id)))


def _sent_this_week(enterprise_ids: list[int], now: datetime) -> dict[int, int]:
    rows = db.session.execute(select(m.NeedRecipient.enterprise_id, func.count()).where(
        m.NeedRecipient.enterprise_id.in_(enterprise_ids), m.NeedRecipient.sent_at > now - timedelta(days=7))
        .group_by(m.NeedRecipient.enterprise_id))
    return dict(rows.all())


def matches(need: m.Need, now: datetime) -> list[Match]:
    """Every matching enterprise, with the address and language it would be mailed in, or why
    it will not be (for the advisers' preview)."""
    enterprises = matching_enterprises(need)
    ids = [e.id for e in enterprises]
    upkeep = {row.entry_id: row for row in db.session.scalars(select(m.EntryUpkeep).where(
        m.EntryUpkeep.entry_id.in_(ids)))}
    counts = _sent_this_week(ids, now)
    already = {r.enterprise_id for r in need.recipients}
    cap = int(current_app.config["NEEDS_PER_ENTERPRISE_WEEK"])
    found = []
    for enterprise in enterprises:
        if enterprise.id in already:
            continue
        contact = upkeep.get(enterprise.id)
        match = Match(enterprise, enterprise.tender_contact_email or enterprise.email,
                      contact.lang if contact else "sv")
        if not match.email:
            match.skip = "no_email"
        elif contact is not None and contact.needs_off_at is not None:
            match.skip = "unsubscribed"
        elif counts.get(enterprise.id, 0) >= cap:
            match.skip = "cap"
        found.append(match)
    return found


def _offer(need: m.Need, match: Match, now: datetime) -> outbox.Outgoing:
    token, digest = outbox.new_token()
    recipient = m.NeedRecipient(need=need, enterprise=match.enterprise, email=match.email, lang=match.lang,
                                token_hash=digest, sent_at=now)
    db.session.add(recipient)
    db.session.flush()
    upkeep = db.session.get(m.EntryUpkeep, match.enterprise.id)
    if upkeep is None:
        upkeep = m.EntryUpkeep(entry_id=match.enterprise.id, lang=match.lang)
        db.session.add(upkeep)
        db.session.flush()
    mail = outbox.render_mail(
        "need_offer", match.email, match.lang, _l("A buyer needs: %(title)s", title=need.title),
        unsubscribe=outbox.unsubscribe_url("needs", upkeep.entry_id, upkeep.salt, match.lang),
        need=need, enterprise=match.enterprise, link=need_answer_url(token, match.lang))
    return outbox.Outgoing(mail, "need_offer", entry_id=match.enterprise.id)


def prepare_sending(need: m.Need, adviser: str, now: datetime) -> list[outbox.Outgoing]:
    """Mark a waiting need sent and return one e-mail per matched enterprise that may get it;
    the caller commits (so the links work) and then delivers."""
    if need.status != "waiting":
        raise NeedError(_("Only a need that waits in the queue can be sent."))
    if need.deadline < now.date():
        raise NeedError(_("The deadline for answers has passed: change it before sending."))
    need.status, need.sent_at, need.handled_by = "sent", now, adviser
    return [_offer(need, match, now) for match in matches(need, now) if not match.skip]

