"""Spreadsheets of enterprises for advisers: a CSV or XLSX file read into a header and rows,
a mapping of its columns onto enterprise fields (guessed from the header names, Swedish or
English), and the rows converted into a seed-format ``enterprises.yaml`` that the ordinary
importer checks and imports (dry run, all or nothing, duplicates flagged: ``services.jobs``).
Every refusal found here names the row and the column. The export writes the same columns
back, so an exported file imports again unchanged."""

from __future__ import annotations

import csv
import io
import re
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

import yaml
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from knowledgebase import models as m
from knowledgebase.content_types import BY_KEY
from knowledgebase.extensions import db
from knowledgebase.services.content.serialization import FieldError, Vocabulary, clean_entry_data, entry_to_data
from knowledgebase.services.curation.suggestions import slugify

MAX_ROWS = 5000
MAX_COLUMNS = 60
MAX_CELL = 5000
MAX_UNPACKED = 100 * 1024 * 1024
PREVIEW_ROWS = 5
SUFFIXES = (".csv", ".xlsx")
# Cells that a spreadsheet program would run as a formula are written with a leading
# apostrophe, which the import takes off again.
FORMULA_START = ("=", "+", "-", "@")

# The fields a column can become, in the order of the export; "" leaves a column out.
TARGETS: dict[str, Any] = {
    "slug": _l("Slug (address of the entry)"),
    "title_sv": _l("Name (Swedish)"),
    "title_en": _l("Name (English)"),
    "summary_sv": _l("Summary (Swedish)"),
    "summary_en": _l("Summary (English)"),
    "municipalities": _l("Municipalities"),
    "counties": _l("Counties"),
    "services": _l("Services"),
    "target_groups": _l("Target groups"),
    "legal_form": _l("Legal form"),
    "org_number": _l("Organisation number"),
    "website": _l("Website"),
    "email": _l("E-mail"),
    "phone": _l("Phone"),
    "address": _l("Address"),
    "status": _l("Status"),
    "sources": _l("Sources (one per line: title | address)"),
}
# The header names the export writes (and the guess knows).
EXPORT_HEADERS = {"slug": "slug", "title_sv": "name", "title_en": "name_en", "summary_sv": "summary",
                  "summary_en": "summary_en", "municipalities": "municipalities", "counties": "counties",
                  "services": "services", "target_groups": "target_groups", "legal_form": "legal_form",
                  "org_number": "org_number", "website": "website", "email": "email", "phone": "phone",
                  "address": "address", "status": "status", "sources": "sources"}
# Header names (lower case, without spaces, dots and hyphens) that a target is guessed from.
GUESSES: dict[str, tuple[str, ...]] = {
    "slug": ("slug",),
    "title_sv": ("namn", "name", "foretag", "företag", "foretagsnamn", "företagsnamn", "organisation", "titel",
                 "title", "namnsv"),
    "title_en": ("nameen", "namnen", "engelsktnamn", "englishname"),
    "summary_sv": ("summary", "beskrivning", "sammanfattning", "verksamhet", "description", "om"),
    "summary_en": ("summaryen", "descriptionen", "beskrivningen"),
    "municipalities": ("kommun", "kommuner", "municipality", "municipalities", "ort"),
    "counties": ("lan", "län", "county", "counties"),
    "services": ("tjanster", "tjänster", "tjanst", "tjänst", "services", "service", "bransch"),
    "target_groups": ("malgrupp", "målgrupp", "malgrupper", "målgrupper", "targetgroups", "targetgroup"),
    "legal_form": ("juridiskform", "bolagsform", "foretagsform", "företagsform", "legalform"),
    "org_number": ("orgnr", "organisationsnummer", "orgnummer", "orgnumber", "organisationnumber"),
    "website": ("webbplats", "hemsida", "webb", "website", "web", "url"),
    "email": ("epost", "email", "mail", "mejl"),
    "phone": ("telefon", "tel", "phone", "telefonnummer"),
    "address": ("adress", "address", "besoksadress", "besöksadress"),
    "status": ("status",),
    "sources": ("kalla", "källa", "kallor", "källor", "source", "sources", "kallurl", "källurl", "sourceurl"),
}
LIST_TARGETS = ("municipalities", "counties", "services", "target_groups")


class SheetError(ValueError):
    """The spreadsheet cannot be used; the message is for the user."""


@dataclass
class Sheet:
    """A spreadsheet's header and rows, every cell as text."""

    header: list[str]
    rows: list[list[str]]
    # Each row's number in the file (the header's row counts).
    numbers: list[int] = field(default_factory=list)


@dataclass
class FileSource:
    """The one source given for the whole file (title, address, date), if any."""

    title: str = ""
    url: str = ""
    date: str = ""

    def as_source(self) -> dict[str, str] | None:
        if not self.title:
            return None
        title = f"{self.title} ({self.date})" if self.date else self.title
        return {"title": title, "url": self.url}


@dataclass
class Conversion:
    """The converted entries, where each came from (row numbers, as the spreadsheet counts
    them, by slug) and the refusals, each naming its row and column."""

    entries: list[dict[str, Any]] = field(default_factory=list)
    rows: dict[str, int] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)


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
    if text[:2] in {"'" + start for start in FORMULA_START}:
        text = text[1:]
    return text


# -- mapping --------------------------------------------------------------------------------

def _squeeze(name: str) -> str:
    return re.sub(r"[\s._\-/()]+", "", name.lower())


def guess_mapping(header: list[str]) -> list[str]:
    """A target for each column, guessed from its name ("" where none fits); a target is
    given to one column only."""
    known = {_squeeze(name): target for target, names in GUESSES.items() for name in names}
    known.update({_squeeze(name): target for target, name in EXPORT_HEADERS.items()})
    taken: set[str] = set()
    mapping = []
    for name in header:
        target = known.get(_squeeze(name), "")
        if target in taken:
            target = ""
        taken.add(target)
        mapping.append(target)
    return mapping


def clean_mapping(values: list[str]) -> tuple[list[str], list[str]]:
    """The posted mapping with unknown targets left out, and the problems: a target chosen
    for two columns, or no column for the name."""
    mapping = [value if value in TARGETS else "" for value in values]
    problems = []
    for target in TARGETS:
        if mapping.count(target) > 1:
            problems.append(_("%(field)s is chosen for more than one column.", field=TARGETS[target]))
    if "title_sv" not in mapping and "slug" not in mapping:
        problems.append(_("Choose the column that holds the name (Swedish)."))
    return mapping, problems


@dataclass
class Lookup:
    """The directory's taxonomy by code, slug and name, for turning cells into codes."""

    municipalities: dict[str, str]
    counties: dict[str, str]
    services: dict[str, str]
    target_groups: dict[str, str]
    legal_forms: dict[str, str]
    labels: dict[str, dict[str, str]]

    @classmethod
    def load(cls) -> Lookup:
        def by_name(model, key, names) -> tuple[dict[str, str], dict[str, str]]:
            found, labels = {}, {}
            for row in db.session.scalars(select(model)):
                code = getattr(row, key)
                labels[code] = getattr(row, names[0])
                for name in (code, *[getattr(row, attr) for attr in names]):
                    if name:
                        found[_fold(str(name))] = code
            return found, labels

        municipalities, mun_labels = by_name(m.Municipality, "code", ("name",))
        counties, county_labels = by_name(m.County, "code", ("name",))
        services, service_labels = by_name(m.ServiceCategory, "slug", ("name_sv", "name_en"))
        groups, group_labels = by_name(m.TargetGroup, "slug", ("name_sv", "name_en"))
        forms, form_labels = by_name(m.LegalForm, "slug", ("name_sv", "name_en"))
        return cls(municipalities, counties, services, groups, forms, {
            "municipalities": mun_labels, "counties": county_labels, "services": service_labels,
            "target_groups": group_labels, "legal_form": form_labels})

    def code(self, target: str, value: str) -> str | None:
        table = {"municipalities": self.municipalities, "counties": self.counties, "services": self.services,
                 "target_groups": self.target_groups, "legal_form": self.legal_forms}[target]
        folded = _fold(value)
        if target == "municipalities" and folded.isdigit() and len(folded) == 3:
            folded = "0" + folded  # a code that a spreadsheet took for a number
        if target == "counties" and folded.isdigit() and len(folded) == 1:
            folded = "0" + folded
        for candidate in (folded, re.sub(r"\s+(kommun|municipality|län|lan|county)$", "", folded)):
            if candidate in table:
                return table[candidate]
        return None


def _fold(text: str) -> str:
    return re.sub(r"\s+", " ", text.strip().lower())


def convert_cell(target: str, value: str, lookup: Lookup) -> tuple[Any, str | None]:
    """A cell's value for a target, and a refusal (for the user) if it cannot be converted."""
    value = value.strip()
    if target in LIST_TARGETS:
        codes, unknown = [], []
        for part in _list_parts(target, value, lookup):
            code = lookup.code(target, part)
            (codes.append(code) if code else unknown.append(part))
        if unknown:
            return codes, _("not recognised: %(values)s", values=", ".join(unknown))
        return sorted(set(codes)), None
    if target == "legal_form":
        if not value:
            return "", None
        code = lookup.code(target, value)
        return (code, None) if code else ("", _("not recognised: %(values)s", values=value))
    if target == "sources":
        return _sources(value), None
    return value, None


def _list_parts(target: str, value: str, lookup: Lookup) -> list[str]:
    """A cell's values: split at ; and new lines, then at commas, except where pieces joined
    again make a known name ("Catering, café och restaurang" is one service)."""
    parts = []
    for chunk in [c.strip() for c in re.split(r"[;\n]", value) if c.strip()]:
        pieces = [piece.strip() for piece in chunk.split(",") if piece.strip()]
        start = 0
        while start < len(pieces):
            end = next((end for end in range(len(pieces), start, -1)
                        if lookup.code(target, ", ".join(pieces[start:end]))), start + 1)
            parts.append(", ".join(pieces[start:end]))
            start = end
    return parts


def _sources(value: str) -> list[dict[str, str]]:
    sources = []
    for line in [line.strip() for line in value.split("\n") if line.strip()]:
        title, bar, url = line.rpartition(" | ")
        if not bar:
            title, url = (line, line) if line.startswith(("http://", "https://")) else (line, "")
        sources.append({"title": title.strip() or url.strip(), "url": url.strip()})
    return sources


def shown(target: str, value: Any, lookup: Lookup) -> str:
    """A converted value as the preview shows it."""
    if target in LIST_TARGETS or target == "legal_form":
        codes = value if isinstance(value, list) else [value] if value else []
        labels = lookup.labels[target]
        return ", ".join(f"{labels.get(code, code)} ({code})" if labels.get(code) != code else code
                         for code in codes)
    if target == "sources":
        return "; ".join(f"{s['title']} <{s['url']}>" if s["url"] else s["title"] for s in value)
    return str(value)


@dataclass
class PreviewCell:
    raw: str
    became: str
    problem: str | None


def preview(sheet: Sheet, mapping: list[str], lookup: Lookup, rows: int = PREVIEW_ROWS) -> list[list[PreviewCell]]:
    """The first rows, each cell with what it became under the mapping."""
    table = []
    for row in sheet.rows[:rows]:
        cells = []
        for value, target in zip(row, mapping):
            if not target:
                cells.append(PreviewCell(value, "", None))
                continue
            converted, problem = convert_cell(target, value, lookup)
            cells.append(PreviewCell(value, shown(target, converted, lookup), problem))
        table.append(cells)
    return table


# -- converting -----------------------------------------------------------------------------

def convert(sheet: Sheet, mapping: list[str], source: FileSource) -> Conversion:
    """The rows as seed-format enterprises, each checked as the importer checks it; an
    enterprise already in the directory (same slug) keeps what the file does not map."""
    ct, lookup, vocabulary = BY_KEY["enterprise"], Lookup.load(), Vocabulary.load()
    column_of = {target: sheet.header[i] for i, target in enumerate(mapping) if target}
    result = Conversion()
    existing = _existing(sheet, mapping)
    numbers = sheet.numbers or list(range(2, len(sheet.rows) + 2))
    for number, row in zip(numbers, sheet.rows):
        values: dict[str, Any] = {}
        problems = []
        for value, target in zip(row, mapping):
            if target:
                values[target], problem = convert_cell(target, value, lookup)
                if problem:
                    problems.append(_row_error(number, sheet.header[mapping.index(target)], problem))
        slug = slugify(values.get("slug") or values.get("title_sv", "")) if (
            values.get("slug") or values.get("title_sv")) else ""
        if not slug:
            result.errors.append(_row_error(number, column_of.get("title_sv", column_of.get("slug", "")),
                                            _("the name is empty")))
            continue
        if slug in result.rows:
            result.errors.append(_row_error(number, column_of.get("slug", column_of.get("title_sv", "")),
                                            _("the same enterprise as row %(row)d", row=result.rows[slug])))
            continue
        result.rows[slug] = number
        if problems:
            result.errors.extend(problems)
            continue
        data = _entry(slug, values, existing.get(slug), source)
        error = _check(ct, data, vocabulary, number, column_of)
        if error:
            result.errors.append(error)
        else:
            result.entries.append(data)
    return result


def _existing(sheet: Sheet, mapping: list[str]) -> dict[str, dict[str, Any]]:
    """The seed-format data of the enterprises the file names that are already in the
    directory (loaded in one query)."""
    slug_column = mapping.index("slug") if "slug" in mapping else mapping.index("title_sv") if "title_sv" in mapping else None
    if slug_column is None:
        return {}
    slugs = {slugify(row[slug_column]) for row in sheet.rows if row[slug_column].strip()}
    ct = BY_KEY["enterprise"]
    found = {}
    for entry in db.session.scalars(select(m.Entry).where(m.Entry.type == ct.key, m.Entry.slug.in_(slugs))):
        found[entry.slug] = _plain(entry_to_data(entry, ct))
    return found


def _plain(value: Any) -> Any:
    """Data as YAML can write it safely (dates as text)."""
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_plain(item) for item in value]
    if isinstance(value, date):
        return value.isoformat()
    return value


def _entry(slug: str, values: dict[str, Any], before: dict[str, Any] | None, source: FileSource) -> dict[str, Any]:
    data: dict[str, Any] = dict(before or {"slug": slug, "status": "draft", "title": {"sv": ""},
                                          "summary": {"sv": ""}})
    data["slug"] = slug
    for lang in ("sv", "en"):
        for name in ("title", "summary"):
            if f"{name}_{lang}" in values:
                data[name] = {**data.get(name, {}), lang: values[f"{name}_{lang}"]}
    for target in ("municipalities", "counties", "services", "target_groups", "legal_form", "org_number",
                   "website", "email", "phone", "address"):
        if target in values:
            data[target] = values[target]
    if values.get("status"):
        data["status"] = values["status"]
    sources = list(values["sources"]) if "sources" in values else list(data.get("sources") or [])
    file_source = source.as_source()
    if file_source and file_source not in sources:
        sources.append(file_source)
    data["sources"] = sources
    return {key: value for key, value in data.items() if value not in (None, "")}


def _check(ct, data: dict[str, Any], vocabulary: Vocabulary, number: int, column_of: dict[str, str]) -> str | None:
    """The importer's own check of one entry, its refusal naming the row and the column."""
    if not data.get("sources"):
        return _row_error(number, column_of.get("sources", ""),
                          _("no source: give one for the whole file or choose a column of sources"))
    try:
        clean_entry_data(ct, data, vocabulary)
    except FieldError as exc:
        name = exc.field.split("[")[0].split(".")[0]
        column = column_of.get(name) or column_of.get(f"{name}_sv") or ""
        if not column:
            return _("Row %(row)d: %(field)s: %(message)s", row=number, field=TARGETS.get(name, name),
                     message=exc.message)
        return _row_error(number, column, exc.message)
    return None


def _row_error(number: int, column: str, message: str) -> str:
    if not column:
        return _("Row %(row)d: %(message)s", row=number, message=message)
    return _("Row %(row)d, column %(column)s: %(message)s", row=number, column=column, message=message)


def write_seed_file(conversion: Conversion, folder: Path) -> Path:
    """The converted entries as ``enterprises.yaml`` in ``folder`` (the importer's input)."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "enterprises.yaml"
    path.write_text(yaml.safe_dump({"type": "enterprise", "entries": conversion.entries}, allow_unicode=True,
                                   sort_keys=False), encoding="utf-8")
    return path


def with_rows(errors: list[str], rows: dict[str, int]) -> list[str]:
    """The importer's refusals (which name the entry's slug) with the spreadsheet's row."""
    named = []
    for message in errors:
        found = re.search(r"\b(?:entry|posten) ([a-z0-9-]+)", message)
        if found and found.group(1) in rows:
            message = _("Row %(row)d: %(message)s", row=rows[found.group(1)], message=message)
        named.append(message)
    return named


# -- export ---------------------------------------------------------------------------------

def export_rows() -> tuple[list[str], list[list[str]]]:
    """Every enterprise (every status) in the columns the import reads, by slug."""
    ct = BY_KEY["enterprise"]
    rows = []
    for entry in db.session.scalars(select(m.Entry).where(m.Entry.type == ct.key).order_by(m.Entry.slug)):
        data = entry_to_data(entry, ct)
        rows.append([_escape(_export_value(target, data)) for target in EXPORT_HEADERS])
    return list(EXPORT_HEADERS.values()), rows


def _export_value(target: str, data: dict[str, Any]) -> str:
    if target.startswith(("title_", "summary_")):
        name, lang = target.rsplit("_", 1)
        return (data.get(name) or {}).get(lang, "") or ""
    value = data.get(target)
    if target in LIST_TARGETS:
        return ", ".join(value or [])
    if target == "sources":
        return "\n".join(f"{s['title']} | {s['url']}" if s.get("url") else s["title"] for s in value or [])
    return "" if value is None else str(value)


def _escape(text: str) -> str:
    return "'" + text if text.startswith(FORMULA_START) else text


def export_csv(header: list[str], rows: list[list[str]]) -> bytes:
    """UTF-8 with a byte order mark and ; between cells, as Swedish spreadsheet programs open it."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode("utf-8-sig")


def export_xlsx(header: list[str], rows: list[list[str]]) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("enterprises")
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
