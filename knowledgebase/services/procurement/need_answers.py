"""Enterprises answer a need from the link in their e-mail, without an account: interested
(with a message and a contact person), not interested (with an optional reason), or a question.
The first two close the link; a question leaves it open. The buyer gets an e-mail with every
answer, and a private page listing the interested enterprises (reached only through the
buyer's own link, so no buyer sees another's answers)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Callable

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from knowledgebase import models as m
from knowledgebase.extensions import db
from knowledgebase.models.needs import ANSWER_KINDS, DECLINE_REASONS
from knowledgebase.services.procurement import buyers
from knowledgebase.services.procurement.needs import NeedError, buyer_page_url
from knowledgebase.services.upkeep import outbox

ANSWER_LABELS = {
    "interested": _l("Interested"),
    "not_interested": _l("Not interested"),
    "question": _l("A question"),
}
REASON_LABELS = {
    "capacity": _l("No capacity just now"),
    "area": _l("We do not work in that area"),
    "service": _l("We do not deliver that service"),
}


class LinkUnknown(NeedError):
    """No such link (answered with 404)."""


class LinkClosed(NeedError):
    """The link was used, or the deadline has passed (answered with 410)."""


def find_recipient(token: str, today: date) -> m.NeedRecipient:
    """The enterprise's copy of a need behind an answer link."""
    recipient = outbox.by_token(m.NeedRecipient.token_hash, token)
    if recipient is None:
        raise LinkUnknown(_("This link is not valid."))
    if recipient.closed_at is not None:
        raise LinkClosed(_("You have already answered this need. Thank you!"))
    if recipient.need.deadline < today:
        raise LinkClosed(_("The deadline for answers to this need has passed."))
    return recipient


def answer(recipient: m.NeedRecipient, kind: str, message: str, contact_person: str, reason: str,
           now: datetime) -> outbox.Outgoing:
    """Record an answer and return the e-mail that tells the buyer about it."""
    if kind not in ANSWER_KINDS or (reason and reason not in DECLINE_REASONS):
        raise NeedError(_("Choose an answer."))
    if kind == "interested" and not contact_person.strip():
        raise NeedError(_("Name a contact person."))
    if kind == "question" and not message.strip():
        raise NeedError(_("Write your question."))
    row = m.NeedAnswer(recipient=recipient, kind=kind, message=message.strip(),
                       contact_person=contact_person.strip() if kind == "interested" else "",
                       reason=reason if kind == "not_interested" else "", created_at=now)
    db.session.add(row)
    if kind != "question":
        recipient.closed_at = now
    db.session.flush()
    need = recipient.need
    name, title = recipient.enterprise.title(need.lang), need.title
    subject = {"interested": _l("%(name)s is interested in your need: %(title)s", name=name, title=title),
               "not_interested": _l("%(name)s answered your need: %(title)s", name=name, title=title),
               "question": _l("%(name)s has a question about your need: %(title)s", name=name, title=title)}[kind]
    mail = outbox.render_mail(
        "need_answer", need.contact_email, need.lang, subject, need=need, answer=row,
        enterprise=recipient.enterprise, reply_to=recipient.email, link=buyer_page_url(need),
        kind_label=ANSWER_LABELS[kind], reason_label=REASON_LABELS.get(row.reason, ""))
    return outbox.Outgoing(mail, "need_answer", entry_id=recipient.enterprise_id)


def answered(need: m.Need) -> list[m.NeedRecipient]:
    """The need's recipients with their answers loaded, in the order they were sent."""
    return list(db.session.scalars(select(m.NeedRecipient).where(m.NeedRecipient.need_id == need.id).options(
        selectinload(m.NeedRecipient.answers),
        selectinload(m.NeedRecipient.enterprise).selectinload(m.Enterprise.services),
        selectinload(m.NeedRecipient.enterprise).selectinload(m.Enterprise.municipalities),
        selectinload(m.NeedRecipient.enterprise).selectinload(m.Enterprise.counties),
        selectinload(m.NeedRecipient.enterprise).selectinload(m.Enterprise.contracts))
        .order_by(m.NeedRecipient.id)))


def interested(need: m.Need) -> list[m.NeedRecipient]:
    return [r for r in answered(need) if r.answer is not None and r.answer.kind == "interested"]


CSV_HEADER = (_l("Enterprise"), _l("Organisation number"), _l("Contact person"), _l("E-mail"),
              _l("Phone"), _l("Message"), _l("Can take reserved contracts"), _l("Answered"), _l("Page"))


def csv_rows(need: m.Need, page_url: Callable[[m.Enterprise], str]) -> list[list[str]]:
    """The interested enterprises as CSV rows, a header first (in the current language)."""
    rows = [[str(label) for label in CSV_HEADER]]
    for recipient in interested(need):
        e, a = recipient.enterprise, recipient.answer
        rows.append([e.title(need.lang), e.org_number, a.contact_person, recipient.email,
                     e.tender_contact_phone or e.phone, a.message,
                     _("Yes") if buyers.can_take_reserved(e) else _("No"), a.created_at.date().isoformat(),
                     page_url(e)])
    return rows
