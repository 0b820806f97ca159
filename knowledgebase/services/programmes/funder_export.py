"""The funder's report: a programme's held activities, one row each with its counts by
sector and gender, as CSV and as an XLSX workbook (openpyxl)."""

from __future__ import annotations

import io
from datetime import datetime

from openpyxl import Workbook
from openpyxl.cell.cell import TYPE_STRING
from openpyxl.utils import get_column_letter

from knowledgebase import models as m
from knowledgebase.services.content.csv_export import csv_text
from knowledgebase.services.programmes.followup import activity_rows


def csv_bytes(programme: m.Programme) -> bytes:
    """The rows as UTF-8 CSV with a byte-order mark (so that spreadsheet programs read the
    letters right); text that a spreadsheet would run as a formula is quoted."""
    header, rows = activity_rows(programme)
    return csv_text([header, *rows]).encode("utf-8")


def xlsx_bytes(programme: m.Programme, sheet_title: str, now: datetime) -> bytes:
    """The rows as a one-sheet workbook: text stays text (never a formula), numbers are numbers."""
    header, rows = activity_rows(programme)
    book = Workbook()
    sheet = book.active
    sheet.title = sheet_title[:31]
    for values in (header, *rows):
        sheet.append([None if value == "" else value for value in values])
    for row in sheet.iter_rows():
        for cell in row:
            # openpyxl would store text starting with "=" as a formula.
            if isinstance(cell.value, str):
                cell.data_type = TYPE_STRING
    sheet.freeze_panes = "B2"
    for index, title in enumerate(header, 1):
        sheet.column_dimensions[get_column_letter(index)].width = max(10, min(len(str(title)) + 2, 40))
    book.properties.title = f"{programme.name_sv}: {sheet_title}"
    book.properties.created = now.replace(tzinfo=None)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
