"""The amounts that decide which procurement route LOU allows, kept as data
(``ProcurementLimit`` rows, imported from seed_data/taxonomy/procurement_limits.yaml): which
apply on a day, their import and export, reading a value a buyer typed, and writing an amount
in its currency. The EU sets its thresholds in euros; a row is in kronor (SEK) or euros (EUR),
and nothing here converts between them (docs/buyers.md)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from flask_babel import format_decimal
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from knowledgebase import models as m
from knowledgebase.extensions import db

LIMIT_KEYS: dict[str, object] = {
    "direct_award": _l("Direct-award limit"),
    "direct_award_bilaga2": _l("Direct-award limit for social and other special services (bilaga 2)"),
    "eu_threshold_services": _l("EU threshold for goods and services bought by municipalities, regions "
                                "and other contracting authorities"),
    "eu_threshold_services_central": _l("EU threshold for goods and services bought by central government "
                                        "authorities"),
    "eu_threshold_works": _l("EU threshold for works"),
    "eu_threshold_bilaga2": _l("EU threshold for social and other special services (bilaga 2)"),
}
MAX_VALUE = 10**12
_MONEY_RE = re.compile(r"^(\d{1,13})(?:[.,]0{1,2})?$")
# The unit a value may be written with, for each currency (case-insensitive).
_UNIT_RE = {"SEK": re.compile(r"(?:kr|sek|:-)\.?$"), "EUR": re.compile(r"(?:eur|euro|euros|€)$")}
CURRENCIES: dict[str, object] = {"SEK": _l("kronor"), "EUR": _l("euros")}


@dataclass(frozen=True)
class CurrencyNotice:
    """The Commission's notice giving a period's EU thresholds in national currencies, by its
    number in the Official Journal's C series."""

    number: str
    published: date
    url: str

    @property
    def reference(self) -> str:
        return _("OJ C, %(number)s", number=self.number)


# For each period whose EU thresholds are kept in euros (their kronor values could not be
# sourced yet), the notice that publishes the kronor values: the guide names it instead of
# converting the amounts itself. Source: the EU's GPA notification of the 2026-2027 thresholds
# (docs/content-sources.md, "Procurement limits 2026-2027").
CURRENCY_NOTICES = {
    date(2026, 1, 1): CurrencyNotice("2025/5732", date(2025, 10, 23),
                                     "https://eur-lex.europa.eu/legal-content/EN/TXT/?uri=CELEX:52025XC05732"),
}


# -- the amounts as data ------------------------------------------------------------------

@dataclass(frozen=True)
class LimitInfo:
    key: str
    amount: int
    valid_from: date
    valid_to: date | None
    law_reference: str
    source_url: str
    expired: bool
    currency: str = "SEK"

    @property
    def label(self) -> object:
        return LIMIT_KEYS.get(self.key, self.key)


@dataclass(frozen=True)
class EuroPeriod:
    """A period whose limits are kept in euros, and the notice with their kronor values."""

    valid_from: date
    valid_to: date | None
    notice: CurrencyNotice | None


def euro_periods(limits: Iterable[LimitInfo]) -> list[EuroPeriod]:
    """The periods among ``limits`` that are kept in euros, oldest first, each once."""
    starts = {(limit.valid_from, limit.valid_to) for limit in limits if limit.currency == "EUR"}
    return [EuroPeriod(start, end, CURRENCY_NOTICES.get(start)) for start, end in sorted(starts)]


def current_limits(today: date) -> dict[str, LimitInfo]:
    """For each key the newest amount entered that has started by ``today``; ``expired`` when
    its period has ended (the newest figures are still used, with a warning)."""
    limits: dict[str, LimitInfo] = {}
    rows = db.session.scalars(select(m.ProcurementLimit).where(m.ProcurementLimit.valid_from <= today)
                              .order_by(m.ProcurementLimit.key, m.ProcurementLimit.valid_from.desc()))
    for row in rows:
        if row.key not in limits:
            limits[row.key] = LimitInfo(row.key, row.amount, row.valid_from, row.valid_to, row.law_reference,
                                        row.source_url, row.valid_to is not None and row.valid_to < today,
                                        row.currency or "SEK")
    return limits


def import_limits(data: Any, where: str) -> int:
    """Create or update ``ProcurementLimit`` rows from the seed format (see docs/buyers.md);
    raise ``ValueError`` naming the first bad value. Returns the number of rows read."""
    items = data.get("limits") if isinstance(data, dict) else None
    if not isinstance(items, list):
        raise ValueError(_("%(where)s: expected a list under 'limits'", where=where))
    seen = set()
    for number, item in enumerate(items, 1):
        here = f"{where}: {number}"
        if not isinstance(item, dict) or set(item) - {"key", "amount", "currency", "valid_from", "valid_to",
                                                      "law_reference", "source"}:
            raise ValueError(_("%(where)s: a limit has key, amount, currency, valid_from, valid_to, law_reference "
                               "and source", where=here))
        key, amount, currency = item.get("key"), item.get("amount"), item.get("currency") or "SEK"
        if key not in LIMIT_KEYS:
            raise ValueError(_("%(where)s: key must be one of %(keys)s", where=here, keys=", ".join(LIMIT_KEYS)))
        if currency not in m.LIMIT_CURRENCIES:
            raise ValueError(_("%(where)s: currency must be one of %(currencies)s", where=here,
                               currencies=", ".join(m.LIMIT_CURRENCIES)))
        if isinstance(amount, bool) or not isinstance(amount, int) or not 0 < amount < MAX_VALUE:
            raise ValueError(_("%(where)s: amount must be a whole number (of kronor, or of euros with currency EUR)",
                               where=here))
        valid_from, valid_to = _day(item.get("valid_from"), here), _day(item.get("valid_to"), here)
        source = str(item.get("source") or "").strip()
        if valid_from is None or (valid_to and valid_to < valid_from) or not re.match(r"^https?://\S+$", source):
            raise ValueError(_("%(where)s: a limit needs valid_from (before valid_to) and the web address of "
                               "its source", where=here))
        if (key, valid_from) in seen:
            raise ValueError(_("%(where)s: %(key)s from %(day)s appears twice", where=here, key=key, day=valid_from))
        seen.add((key, valid_from))
        row = db.session.scalars(select(m.ProcurementLimit).where(
            m.ProcurementLimit.key == key, m.ProcurementLimit.valid_from == valid_from)).first()
        if row is None:
            row = m.ProcurementLimit(key=key, valid_from=valid_from)
            db.session.add(row)
        row.amount, row.currency, row.valid_to, row.source_url = amount, currency, valid_to, source
        row.law_reference = str(item.get("law_reference") or "").strip()[:200]
    return len(items)


def _day(value: Any, where: str) -> date | None:
    if value in (None, ""):
        return None
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise ValueError(_("%(where)s: dates are written YYYY-MM-DD", where=where)) from None


def export_limits() -> dict[str, list[dict]]:
    """Every limit row in the seed format; ``currency`` only for amounts not in kronor."""
    rows = db.session.scalars(select(m.ProcurementLimit).order_by(m.ProcurementLimit.key,
                                                                  m.ProcurementLimit.valid_from))
    return {"limits": [{"key": r.key, "amount": r.amount, **({"currency": r.currency} if r.currency != "SEK" else {}),
                        "valid_from": r.valid_from, "valid_to": r.valid_to, "law_reference": r.law_reference,
                        "source": r.source_url} for r in rows]}


def parse_value(raw: str, currency: str = "SEK") -> int:
    """A contract value as people write it ("500 000", "3000000 kr", or "216 000 EUR" when
    ``currency`` is EUR); ``ValueError`` otherwise."""
    text = _UNIT_RE[currency].sub("", (raw or "").strip().lower()).strip()
    text = re.sub(r"[\s\u00a0\u202f]", "", text)
    match = _MONEY_RE.match(text)
    if not match or int(match.group(1)) >= MAX_VALUE:
        raise ValueError(raw)
    return int(match.group(1))


def kronor(amount: int) -> str:
    return _("%(amount)s kr", amount=format_decimal(amount))


def money(amount: int, currency: str = "SEK") -> str:
    """An amount with its currency, as the visitor's language writes it."""
    return _("EUR %(amount)s", amount=format_decimal(amount)) if currency == "EUR" else kronor(amount)
