"""How fresh an entry is: the shelf life of a confirmation and the rule that an entry was
confirmed as a whole within it. Shared by the services, the public pages and the search's
"fresh" filter (which must not depend on the services)."""

from __future__ import annotations

import calendar
from datetime import date

from flask import current_app, has_app_context
from sqlalchemy import ColumnElement, and_, or_, select

from knowledgebase import models as m
from knowledgebase.extensions import db

DEFAULT_SHELF_LIFE_MONTHS = 12


def months_before(day: date, months: int) -> date:
    """The same day ``months`` earlier (the last day of that month when it is shorter)."""
    total = day.year * 12 + day.month - 1 - months
    year, month = divmod(total, 12)
    month += 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def shelf_life_months(fact_key: str | None = None) -> int:
    """How many months a confirmation of ``fact_key`` stays fresh (KB_FACT_SHELF_LIFE_MONTHS,
    or the fact's own figure in KB_FACT_SHELF_LIFE)."""
    if not has_app_context():
        return DEFAULT_SHELF_LIFE_MONTHS
    config = current_app.config
    per_fact = config.get("FACT_SHELF_LIFE") or {}
    if fact_key and fact_key in per_fact:
        return int(per_fact[fact_key])
    return int(config.get("FACT_SHELF_LIFE_MONTHS", DEFAULT_SHELF_LIFE_MONTHS))


def is_stale(confirmed: date | None, today: date, months: int) -> bool:
    """A confirmation is fresh up to and including the day ``months`` later; stale after it."""
    return confirmed is None or confirmed < months_before(today, months)


def fresh_clause(model: type[m.Entry], cutoff: date) -> ColumnElement[bool]:
    """SQL: the entry was confirmed as a whole on ``cutoff`` or later."""
    confirmed = select(m.EntryUpkeep.entry_id).where(m.EntryUpkeep.confirmed_at >= cutoff)
    # Never NULL, so that its negation finds the entries that were never confirmed.
    return or_(and_(model.last_verified.is_not(None), model.last_verified >= cutoff), model.id.in_(confirmed))


def fresh_entry_ids(months: int | None = None, today: date | None = None) -> set[int]:
    """Ids of the published entries confirmed as a whole in the last ``months`` months (the
    shelf life by default) before ``today``: for the search's "fresh" filter."""
    cutoff = months_before(today or date.today(), months or shelf_life_months())
    return set(db.session.scalars(select(m.Entry.id).where(
        m.Entry.status == m.PUBLISHED, fresh_clause(m.Entry, cutoff))))
