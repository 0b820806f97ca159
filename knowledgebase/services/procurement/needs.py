"""Buyers post needs without an account. A need is saved unconfirmed and the buyer gets a
one-time link: only once it is used does the need wait in the advisers' queue, where an adviser
edits it, rejects it with a reason (the buyer is told) or sends it (``need_matching``).
The route guide's rules say which procurement routes the value allows."""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import date, datetime, timedelta

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from knowledgebase import models as m
from knowledgebase.extensions import db
from knowledgebase.services.curation.accounts import normalise_email
from knowledgebase.services.procurement import buyers, route_guide
from knowledgebase.services.upkeep import outbox
from knowledgebase.services.upkeep.confirmations import aware
from knowledgebase.urls import need_buyer_url, need_confirmation_url

STATUS_LABELS = {
    "unconfirmed": _l("E-mail not confirmed"),
    "waiting": _l("Waiting"),
    "rejected": _l("Rejected"),
    "sent": _l("Sent"),
}
ORGANISATION_LABELS = {
    "municipality": _l("Municipality"),
    "region": _l("Region"),
    "authority": _l("Other contracting authority"),
    "company": _l("Company"),
}


class NeedError(Exception):
    """A link that cannot be used or a change that cannot be made; the message is for people."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass
class NeedValues:
    """What the buyer (or an adviser) says about a need, checked by the form."""

    organisation: str
    organisation_kind: str
    contact_name: str
    contact_email: str
    contact_phone: str
    title: str
    description: str
    service_slug: str | None
    cpv: str
    municipalities: list[str]
    value: int | None
    period_start: date | None
    period_end: date | None
    deadline: date
    may_reserve: bool
    may_direct_award: bool
    public: bool

    @classmethod
    def of(cls, need: m.Need) -> NeedValues:
        data = {f.name: getattr(need, f.name) for f in fields(cls) if f.name != "municipalities"}
        return cls(**data, municipalities=[mu.code for mu in need.municipalities])


def service_query(need: m.Need | NeedValues) -> str:
    """The service as the route guide and the supplier search read it: the CPV code if given."""
    return need.cpv or need.service_slug or ""


def route_statuses(value: int | None, service: str, today: date, lang: str) -> list[route_guide.Route]:
    """The route guide's answer for ``value`` and ``service``: each route with its status."""
    try:
        info = route_guide.resolve_service(service, lang)
    except route_guide.UnknownService:
        info = None
    return route_guide.build_guide(value, info, None, today, lang).routes


def direct_award_problem(value: int | None, service: str, today: date, lang: str) -> str:
    """Why a direct award cannot be offered for this value ("" when it can)."""
    direct = next(r for r in route_statuses(value, service, today, lang) if r.key == "direct_award")
    return direct.summary if direct.status == "closed" else ""


def _apply(need: m.Need, values: NeedValues) -> None:
    for f in fields(NeedValues):
        if f.name != "municipalities":
            setattr(need, f.name, getattr(values, f.name))
    need.contact_email = normalise_email(values.contact_email)
    if need.cpv and not need.service_slug:
        # The category a CPV code belongs to, when it is one: the lists filter by category.
        categories = buyers.categories_for_service(need.cpv)
        need.service_slug = categories[0].slug if len(categories) == 1 else None
    need.municipalities = list(db.session.scalars(select(m.Municipality).where(
        m.Municipality.code.in_(values.municipalities))))


def post_need(values: NeedValues, lang: str, now: datetime) -> tuple[m.Need, outbox.Outgoing]:
    """Save a new, unconfirmed need and return the e-mail with its confirmation link."""
    need = m.Need(lang=lang, created_at=now, status="unconfirmed")
    _apply(need, values)
    token, need.confirm_hash = outbox.new_token()
    db.session.add(need)
    db.session.flush()
    days = current_app.config["NEED_CONFIRM_DAYS"]
    mail = outbox.render_mail("need_confirm", need.contact_email, lang,
                              _l("Confirm your need: %(title)s", title=need.title), need=need,
                              link=need_confirmation_url(token, lang), days=days)
    return need, outbox.Outgoing(mail, "need_confirm")


def confirm_need(token: str, now: datetime) -> tuple[m.Need, outbox.Outgoing]:
    """Put the need behind a confirmation link into the advisers' queue (the link then stops
    working) and return the e-mail that gives the buyer the private page of answers."""
    need = outbox.by_token(m.Need.confirm_hash, token)
    if need is None or need.status != "unconfirmed":
        raise NeedError(_("This link is not valid, or it has already been used."))
    if aware(need.created_at) + timedelta(days=current_app.config["NEED_CONFIRM_DAYS"]) <= now:
        raise NeedError(_("This link has expired. Post the need again to get a new one."))
    need.status, need.confirmed_at, need.confirm_hash = "waiting", now, ""
    mail = outbox.render_mail("need_page", need.contact_email, need.lang,
                              _l("Your need is with the advisers: %(title)s", title=need.title), need=need,
                              link=buyer_page_url(need))
    return need, outbox.Outgoing(mail, "need_page")


def update_need(need: m.Need, values: NeedValues) -> None:
    """An adviser's edit of a need not yet sent."""
    if need.status == "sent":
        raise NeedError(_("A need that has been sent can no longer be changed."))
    _apply(need, values)


def reject_need(need: m.Need, reason: str, adviser: str, now: datetime) -> outbox.Outgoing:
    """Reject a waiting need with a reason, and return the e-mail that tells the buyer why."""
    if need.status not in ("waiting", "unconfirmed"):
        raise NeedError(_("Only a need that waits can be rejected."))
    need.status, need.reject_reason, need.handled_by = "rejected", reason.strip(), adviser
    mail = outbox.render_mail("need_rejected", need.contact_email, need.lang,
                              _l("Your need was not sent: %(title)s", title=need.title), need=need)
    return outbox.Outgoing(mail, "need_rejected")


def queue(status: str) -> list[m.Need]:
    """Needs with ``status`` ("all" for every one), the oldest waiting first."""
    query = select(m.Need).order_by(m.Need.created_at.desc(), m.Need.id.desc())
    if status != "all":
        query = query.where(m.Need.status == status)
    return list(db.session.scalars(query.limit(500)))


def page_expired(need: m.Need, today: date) -> bool:
    """Whether the buyer's page of answers no longer opens (NEED_PAGE_DAYS after the deadline)."""
    return need.deadline + timedelta(days=current_app.config["NEED_PAGE_DAYS"]) < today


def page_token(need: m.Need) -> str:
    """The token of the buyer's page: an HMAC of the need (nothing to store, so every mail to
    the buyer can carry the link; a new ``page_salt`` ends the old links)."""
    return outbox.unsubscribe_token("need-page", need.id, need.page_salt)


def buyer_page_url(need: m.Need) -> str:
    return need_buyer_url(f"{need.id}-{page_token(need)}", need.lang)


def find_by_page_token(token: str, today: date) -> m.Need:
    """The need whose buyer's page ``token`` ("<id>-<hmac>") opens; ``NeedError`` if unknown or
    expired."""
    raw_id, _sep, digest = token.partition("-")
    need = db.session.get(m.Need, int(raw_id)) if raw_id.isascii() and raw_id.isdigit() and len(raw_id) < 10 else None
    if need is None or not outbox.check_unsubscribe_token("need-page", need.id, need.page_salt, digest):
        raise NeedError(_("This link is not valid."))
    if page_expired(need, today):
        raise NeedError(_("This link has expired."))
    return need
