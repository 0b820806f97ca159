"""Registration for activities and what becomes of it: places and a waiting list, the
confirmation mail, cancellation by a one-time link, attendance, head counts, and the
personal data given out and erased on request (GDPR)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timezone

from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, func, select

from knowledgebase import models as m
from knowledgebase.extensions import db
from knowledgebase.models.programmes import COUNT_GENDERS, GENDERS, SECTORS
from knowledgebase.services.curation.accounts import normalise_email
from knowledgebase.services.programmes.activities import as_local
from knowledgebase.services.upkeep import outbox
from knowledgebase.urls import activity_page_url, registration_cancel_url

MAIL_KIND = "registration"


class RegistrationError(ValueError):
    """A registration that cannot be made or changed; the message is for the person."""

    def __init__(self, message: object) -> None:
        super().__init__(str(message))
        self.message = message


@dataclass
class Person:
    """What a registrant gives in the form."""

    name: str
    email: str
    organisation: str
    sector: str
    gender: str
    needs: str


def count_gender(gender: str) -> str:
    """The head-count group of a registrant's gender: "another" and "not stated" together."""
    return gender if gender in ("woman", "man") else "other"


def is_open(activity: m.Activity, now: datetime) -> bool:
    """Whether people can register: planned, open for registration, not yet started."""
    return activity.status == "planned" and activity.registration and as_local(activity.starts_at) > now


def places_taken(activity: m.Activity) -> int:
    return db.session.scalar(select(func.count(m.Registration.id)).where(
        m.Registration.activity_id == activity.id, m.Registration.status == "registered")) or 0


def places_left(activity: m.Activity) -> int | None:
    """Free places, or None when there is no cap."""
    return None if activity.capacity is None else max(activity.capacity - places_taken(activity), 0)


def register(activity: m.Activity, person: Person, lang: str, now: datetime) -> tuple[m.Registration, outbox.Outgoing]:
    """Register ``person`` (on the waiting list when the places are taken) and return the
    registration and its confirmation mail, which holds the one-time cancellation link."""
    if not is_open(activity, now):
        raise RegistrationError(_l("Registration for this activity is closed."))
    if person.sector not in SECTORS or person.gender not in GENDERS:
        raise RegistrationError(_l("Choose a sector and a gender from the lists."))
    left = places_left(activity)
    token, digest = outbox.new_token()
    registration = m.Registration(
        activity=activity, name=person.name, email=normalise_email(person.email), organisation=person.organisation,
        sector=person.sector, gender=person.gender, needs=person.needs, lang=lang,
        status="waiting" if left == 0 else "registered", cancel_token_hash=digest, consented_at=now, created_at=now)
    db.session.add(registration)
    db.session.flush()
    return registration, _confirmation(registration, token)


def _confirmation(registration: m.Registration, token: str) -> outbox.Outgoing:
    activity, lang = registration.activity, registration.lang
    template = "registration_waiting" if registration.status == "waiting" else "registration_confirmed"
    subject = (_l("On the waiting list: %(title)s", title=activity.title(lang)) if registration.status == "waiting"
               else _l("You are registered: %(title)s", title=activity.title(lang)))
    mail = outbox.render_mail(template, registration.email, lang, subject, activity=activity,
                              name=registration.name, page=activity_page_url(activity.id, lang),
                              cancel=registration_cancel_url(registration.id, token, lang))
    return outbox.Outgoing(mail, MAIL_KIND)


def cancel(registration_id: int, token: str) -> tuple[m.Registration, outbox.Outgoing | None]:
    """Cancel the registration behind a one-time link; the first on the waiting list gets the
    place (and the mail returned, with a new cancellation link of their own)."""
    registration = db.session.get(m.Registration, registration_id)
    if registration is None or not outbox.same_hash(registration.cancel_token_hash, token):
        raise RegistrationError(_l("This link does not work: it is wrong, or it has been used already."))
    had_place = registration.status == "registered"
    registration.status, registration.cancel_token_hash = "cancelled", ""
    db.session.flush()
    if not had_place:
        return registration, None
    waiting = db.session.scalars(select(m.Registration).where(
        m.Registration.activity_id == registration.activity_id, m.Registration.status == "waiting")
        .order_by(m.Registration.id)).first()
    if waiting is None or places_left(registration.activity) == 0:
        return registration, None
    waiting.status = "registered"
    new_token, waiting.cancel_token_hash = outbox.new_token()
    db.session.flush()
    return registration, _confirmation(waiting, new_token)


# -- after the activity --------------------------------------------------------------------

def mark_attendance(activity: m.Activity, present: set[int]) -> None:
    """Those registered (with a place) came if their id is in ``present``, else not."""
    for registration in activity.registrations:
        if registration.status == "registered":
            registration.attended = registration.id in present
    db.session.flush()


def set_head_counts(activity: m.Activity, counts: dict[tuple[str, str], int]) -> None:
    """The adviser's head counts per (sector, gender group) for people without a registration
    (an activity held without registration, or walk-ins); replaces the earlier ones."""
    if any(s not in SECTORS or g not in COUNT_GENDERS or n < 0 for (s, g), n in counts.items()):
        raise RegistrationError(_l("Head counts are whole numbers, per sector and gender group."))
    existing = {(row.sector, row.gender): row for row in activity.head_counts}
    for key, number in counts.items():
        if key in existing:
            existing[key].count = number
        elif number:
            activity.head_counts.append(m.HeadCount(sector=key[0], gender=key[1], count=number))
    db.session.flush()


def _add_to_counts(activity_id: int, sector: str, gender: str, number: int = 1) -> None:
    row = db.session.scalars(select(m.HeadCount).where(
        m.HeadCount.activity_id == activity_id, m.HeadCount.sector == sector, m.HeadCount.gender == gender)).first()
    if row is None:
        db.session.add(m.HeadCount(activity_id=activity_id, sector=sector, gender=gender, count=number))
    else:
        row.count += number


def participant_counts(activity: m.Activity) -> Counter:
    """Who took part, per (sector, gender group): the head counts plus those registered who
    came. (Uses the loaded relationships: load them with the activity.)"""
    counts: Counter = Counter()
    for row in activity.head_counts:
        counts[(row.sector, row.gender)] += row.count
    for registration in activity.registrations:
        if registration.attended:
            counts[(registration.sector, count_gender(registration.gender))] += 1
    return counts


# -- one person's data (GDPR) --------------------------------------------------------------

def registrations_of(email: str) -> list[m.Registration]:
    """Every registration given with ``email``."""
    return list(db.session.scalars(select(m.Registration).where(
        m.Registration.email == normalise_email(email)).order_by(m.Registration.id)))


def export_person(email: str) -> dict:
    """Everything kept about the person with ``email`` (their registrations and the mail sent
    to them about these), as plain data for a copy on request."""
    address = normalise_email(email)
    regs = registrations_of(address)
    return {
        "email": address,
        "registrations": [{
            "activity": r.activity.title_sv, "activity_id": r.activity_id,
            "starts_at": as_local(r.activity.starts_at).isoformat(timespec="minutes"),
            "name": r.name, "organisation": r.organisation, "sector": r.sector, "gender": r.gender,
            "accessibility_needs": r.needs, "status": r.status, "attended": r.attended, "language": r.lang,
            "consented_at": as_local(r.consented_at).isoformat(timespec="seconds"),
        } for r in regs],
        "mail_sent": [{"sent_on": row.sent_on.isoformat(), "status": row.status} for row in db.session.scalars(
            select(m.ReminderLog).where(m.ReminderLog.kind == MAIL_KIND, m.ReminderLog.recipient == address)
            .order_by(m.ReminderLog.id))],
    }


def _fold(registration: m.Registration) -> None:
    """Keep a registration that came only as a head count, and delete it."""
    if registration.attended:
        _add_to_counts(registration.activity_id, registration.sector, count_gender(registration.gender))
    db.session.delete(registration)


def erase_person(email: str) -> int:
    """Erase the person with ``email``: their registrations become head counts (when they
    came) and are deleted, and the log of mail sent to them about activities goes too.
    Returns how many registrations were erased."""
    address = normalise_email(email)
    regs = registrations_of(address)
    for registration in regs:
        _fold(registration)
    db.session.execute(delete(m.ReminderLog).where(m.ReminderLog.kind == MAIL_KIND,
                                                   m.ReminderLog.recipient == address))
    db.session.flush()
    return len(regs)


def reduce_expired(now: datetime, months: int) -> int:
    """Reduce to head counts the registrations of every activity that ended ``months`` or more
    ago (the retention the README states). Returns how many activities were reduced."""
    cutoff = _months_before(now, months)
    due = list(db.session.scalars(select(m.Activity).where(m.Activity.ends_at < cutoff, m.Activity.reduced_at.is_(None))))
    for activity in due:
        for registration in list(activity.registrations):
            _fold(registration)
        activity.reduced_at = now
    db.session.flush()
    return len(due)


def _months_before(now: datetime, months: int) -> datetime:
    year, month = divmod(now.month - 1 - months, 12)
    day = min(now.day, 28)
    return now.astimezone(timezone.utc).replace(year=now.year + year, month=month + 1, day=day)


