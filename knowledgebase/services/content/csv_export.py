"""CSV exports for people who open them in a spreadsheet."""

from __future__ import annotations

import csv
import io
from typing import Iterable

from flask_babel import gettext as _

from knowledgebase import models as m

# A spreadsheet treats a cell starting with one of these as a formula (CSV injection).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def safe_csv_cell(value: object) -> str:
    """The value as text that no spreadsheet will run as a formula."""
    text = "" if value is None else str(value)
    if text.startswith(FORMULA_PREFIXES):
        return "'" + text
    return text


def safe_csv_row(row: Iterable[object]) -> list[str]:
    return [safe_csv_cell(value) for value in row]


def csv_text(rows: Iterable[Iterable[object]]) -> str:
    """Rows as CSV for a spreadsheet program: a byte-order mark first, so that it reads the
    letters as UTF-8, and no cell that it would run as a formula."""
    buffer = io.StringIO()
    csv.writer(buffer).writerows(safe_csv_row(row) for row in rows)
    return "\ufeff" + buffer.getvalue()


def _yes_no(value: bool | None) -> str:
    if value is None:
        return ""
    return _("yes") if value else _("no")


def enterprise_rows(enterprises: Iterable[m.Enterprise], locale: str) -> Iterable[list[object]]:
    """A header and one row per enterprise."""
    yield [
        _("Name"), _("Organisation number"), _("Legal form"), _("Municipalities"), _("Services"),
        _("Reserved contracts (LOU 4 kap. 18 §)"), _("Website"), _("E-mail"), _("Phone"),
        _("Address"), _("Last verified"),
    ]
    for e in enterprises:
        yield [
            e.title(locale),
            e.org_number,
            e.legal_form.name(locale) if e.legal_form else "",
            "; ".join(mu.name for mu in e.municipalities),
            "; ".join(s.name(locale) for s in e.services),
            _yes_no(e.reserved_contracts),
            e.website,
            e.email,
            e.phone,
            e.address,
            e.last_verified.isoformat() if e.last_verified else "",
        ]
