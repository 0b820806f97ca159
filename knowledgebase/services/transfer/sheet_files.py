"""Spreadsheet files: reading a .csv or .xlsx file into a header and rows of text (with the
limits that keep a hostile file harmless) and writing rows back as CSV or XLSX. What the
columns mean is ``spreadsheet``'s business."""

from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from flask_babel import gettext as _

from knowledgebase.services.content.csv_export import FORMULA_PREFIXES

MAX_ROWS = 5000
MAX_COLUMNS = 60
MAX_CELL = 5000
MAX_UNPACKED = 100 * 1024 * 1024
SUFFIXES = (".csv", ".xlsx")

class SheetError(ValueError):
    """The spreadsheet cannot be used; the message is for the user."""


@dataclass
class Sheet:
    """A spreadsheet's header and rows, every cell as text."""

    header: list[str]
    rows: list[list[str]]
    # Each row's number in the file (the header's row counts).
    numbers: list[int] = field(default_factory=list)


# -- reading --------------------------------------------------------------------------------

def read_sheet(path: Path) -> Sheet:
    """Read a .csv (UTF-8, ; or , between cells) or .xlsx file (its first sheet). Raises
    ``SheetError`` with a message for the user."""
    suffix = path.suffix.lower()
    if suffix == ".csv":
        table = _read_csv(path)
    elif suffix == ".xlsx":
        table = _read_xlsx(path)
    else:
        raise SheetError(_("Choose a .csv or .xlsx file."))
    # Row numbers as the spreadsheet shows them (empty rows are skipped but still counted).
    numbered = [(number, row) for number, row in enumerate(table, start=1) if any(cell for cell in row)]
    if not numbered:
        raise SheetError(_("The file holds no rows."))
    numbers = [number for number, _row in numbered[1:]]
    table = [row for _number, row in numbered]
    header = [cell.strip() for cell in table[0]]
    width = max(len(row) for row in table)
    if width > MAX_COLUMNS:
        raise SheetError(_("The file has %(count)d columns; at most %(limit)d can be imported.",
                           count=width, limit=MAX_COLUMNS))
    if len(table) - 1 > MAX_ROWS:
        raise SheetError(_("The file has %(count)d rows; at most %(limit)d can be imported at once.",
                           count=len(table) - 1, limit=MAX_ROWS))
    if len(table) < 2:
        raise SheetError(_("The file has a header but no rows under it."))
    header += [""] * (width - len(header))
    header = [name or _("Column %(number)d", number=i + 1) for i, name in enumerate(header)]
    rows = [row + [""] * (width - len(row)) for row in table[1:]]
    return Sheet(header, rows, numbers)


def _read_csv(path: Path) -> list[list[str]]:
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise SheetError(_("The CSV file is not in UTF-8. Save it as \"CSV UTF-8\" and upload it again.")) from None
    if "\x00" in text:
        raise SheetError(_("The file cannot be read as CSV."))
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    try:
        rows = []
        for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter):
            rows.append([_cell(value) for value in row])
            if len(rows) > MAX_ROWS + 1:
                raise SheetError(_("The file has more than %(limit)d rows; at most %(limit)d can be imported at once.",
                                   limit=MAX_ROWS))
    except csv.Error:
        raise SheetError(_("The file cannot be read as CSV.")) from None
    return rows


def _read_xlsx(path: Path) -> list[list[str]]:
    from openpyxl import load_workbook

    _check_unpacked_size(path)
    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except Exception:  # noqa: BLE001 - a damaged file raises zip, XML and openpyxl errors of many kinds
        raise SheetError(_("The XLSX file is damaged and cannot be read.")) from None
    try:
        if not workbook.worksheets:
            raise SheetError(_("The file holds no rows."))
        rows = []
        for row in workbook.worksheets[0].iter_rows(values_only=True):
            rows.append([_cell(value) for value in row[:MAX_COLUMNS + 1]])
            if len(rows) > MAX_ROWS + 1:
                raise SheetError(_("The file has more than %(limit)d rows; at most %(limit)d can be imported at once.",
                                   limit=MAX_ROWS))
    except SheetError:
        raise
    except Exception:  # noqa: BLE001 - as above, while the sheet is read
        raise SheetError(_("The XLSX file is damaged and cannot be read.")) from None
    finally:
        workbook.close()
    return rows


def _check_unpacked_size(path: Path) -> None:
    """Refuse an .xlsx whose parts unpack to more than ``MAX_UNPACKED`` (a zip bomb)."""
    try:
        with zipfile.ZipFile(path) as archive:
            size = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError):
        raise SheetError(_("The XLSX file is damaged and cannot be read.")) from None
    if size > MAX_UNPACKED:
        raise SheetError(_("The XLSX file is too large."))


def _cell(value: Any) -> str:
    """A cell as text: whole numbers without ".0", dates as YYYY-MM-DD."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        return value.isoformat()
    text = str(value).replace("\r\n", "\n").strip()[:MAX_CELL]
    # A cell the export quoted so that no spreadsheet program runs it as a formula.
    if text.startswith("'") and text[1:].startswith(FORMULA_PREFIXES):
        text = text[1:]
    return text


# -- writing ---------------------------------------------------------------------------------



def write_csv(header: list[str], rows: list[list[str]]) -> bytes:
    """UTF-8 with a byte order mark and ; between cells, as Swedish spreadsheet programs open it."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode("utf-8-sig")


def write_xlsx(header: list[str], rows: list[list[str]]) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("enterprises")
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
