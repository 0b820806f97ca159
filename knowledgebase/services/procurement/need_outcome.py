"""What came of a need. After the deadline the buyer is asked once (``flask needs follow-up``,
safe to run from cron) whether a social enterprise got the contract, which one and its value,
through a one-time link; an adviser can record it too. With the buyer's consent the contract
joins the enterprise's list of public contracts. The advisers' impact page counts needs
posted, sent, answered, matched and awarded, and the value awarded, by county and service; a
need sent to no enterprise is a gap in supply."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from knowledgebase import models as m
from knowledgebase.extensions import db
from knowledgebase.services.procurement.needs import NeedError
from knowledgebase.services.upkeep import outbox
from knowledgebase.services.upkeep.confirmations import aware
from knowledgebase.urls import need_outcome_url

BY_BUYER = "the buyer"


def due_follow_ups(today: date) -> list[m.Need]:
    """Sent needs whose deadline has passed, not yet asked about and with no outcome."""
    return list(db.session.scalars(select(m.Need).where(
        m.Need.status == "sent", m.Need.deadline < today, m.Need.outcome_asked_at.is_(None),
        m.Need.outcome_at.is_(None)).order_by(m.Need.deadline, m.Need.id)))


def follow_up(need: m.Need, now: datetime) -> outbox.Outgoing:
    """The one e-mail that asks the buyer what came of the need, with a one-time link."""
    token, need.outcome_hash = outbox.new_token()
    need.outcome_asked_at = now
    mail = outbox.render_mail("need_outcome", need.contact_email, need.lang,
                              _l("What came of your need? %(title)s", title=need.title), need=need,
                              link=need_outcome_url(token, need.lang))
    return outbox.Outgoing(mail, "need_outcome")


def find_by_outcome_token(token: str, now: datetime) -> m.Need:
    need = outbox.by_token(m.Need.outcome_hash, token)
    if need is None:
        raise NeedError(_("This link is not valid, or it has already been used."))
    days = current_app.config["NEED_OUTCOME_DAYS"]
    if need.outcome_asked_at is None or aware(need.outcome_asked_at) + timedelta(days=days) <= now:
        raise NeedError(_("This link has expired."))
    return need


def candidates(need: m.Need) -> list[m.Enterprise]:
    """The enterprises the need was sent to, those that said they were interested first."""
    def order(recipient: m.NeedRecipient) -> tuple:
        answer = recipient.answer
        return (0 if answer is not None and answer.kind == "interested" else 1, recipient.id)
    return [r.enterprise for r in sorted(need.recipients, key=order)]


def record_outcome(need: m.Need, awarded: bool, enterprise: m.Enterprise | None, value: int | None,
                   consent: bool, by: str, now: datetime) -> None:
    """Record the outcome (again, replacing an earlier one); the link, if used, stops working.
    With consent the contract is added to (or updated in) the enterprise's public contracts."""
    if awarded and (enterprise is None or enterprise.id not in {r.enterprise_id for r in need.recipients}):
        raise NeedError(_("Choose one of the enterprises the need was sent to."))
    need.awarded = awarded
    need.awarded_enterprise = enterprise if awarded else None
    need.awarded_value = value if awarded else None
    need.contract_consent = bool(awarded and consent)
    need.outcome_at, need.outcome_by, need.outcome_hash = now, by, ""
    old = db.session.get(m.PublicContract, need.contract_id) if need.contract_id else None
    if old is not None and (not need.contract_consent or old.enterprise_id != enterprise.id):
        db.session.delete(old)
        need.contract_id, old = None, None
    if need.contract_consent:
        contract = old or m.PublicContract(enterprise_id=enterprise.id, position=len(enterprise.contracts))
        contract.buyer, contract.year, contract.service = need.organisation, now.year, need.title[:300]
        contract.route = "reserved" if need.may_reserve else ("direct_award" if need.may_direct_award else "")
        db.session.add(contract)
        db.session.flush()
        need.contract_id = contract.id


# -- the advisers' impact page ------------------------------------------------------------

@dataclass
class Tally:
    posted: int = 0
    sent: int = 0
    answered: int = 0
    matched: int = 0
    awarded: int = 0
    value: int = 0


@dataclass
class Impact:
    total: Tally
    by_county: list[tuple[m.County, Tally]]
    by_service: list[tuple[str, Tally]]
    gaps: list[m.Need] = field(default_factory=list)


def _count(tally: Tally, need: m.Need) -> None:
    tally.posted += 1
    if need.status == "sent":
        tally.sent += 1
        tally.matched += bool(need.recipients)
        tally.answered += any(r.answers for r in need.recipients)
    if need.awarded:
        tally.awarded += 1
        tally.value += need.awarded_value or 0


def impact(lang: str) -> Impact:
    """Needs confirmed by their buyers, counted in total, per county they are to be delivered in
    and per service; "matched" counts needs sent to at least one enterprise."""
    needs = list(db.session.scalars(select(m.Need).where(m.Need.status != "unconfirmed").options(
        selectinload(m.Need.municipalities).selectinload(m.Municipality.county),
        selectinload(m.Need.recipients).selectinload(m.NeedRecipient.answers),
        selectinload(m.Need.service)).order_by(m.Need.id)))
    total, counties, services = Tally(), defaultdict(Tally), defaultdict(Tally)
    county_rows: dict[str, m.County] = {}
    for need in needs:
        _count(total, need)
        for county in {mu.county_code: mu.county for mu in need.municipalities}.values():
            county_rows[county.code] = county
            _count(counties[county.code], need)
        label = need.service.name(lang) if need.service else (f"CPV {need.cpv}" if need.cpv else _("Not stated"))
        _count(services[label], need)
    gaps = [n for n in needs if n.status == "sent" and not n.recipients]
    return Impact(total, [(county_rows[code], counties[code]) for code in sorted(counties)],
                  sorted(services.items()), gaps)

