"""The columns of an enterprise spreadsheet: what a column can become (``TARGETS``), the
guess of a mapping from Swedish or English header names, each cell converted into codes and
slugs (municipalities, counties, services, target groups, legal forms) for the preview and the
conversion, and the enterprises written back out in the same columns."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from knowledgebase import models as m
from knowledgebase.content_types import BY_KEY
from knowledgebase.extensions import db
from knowledgebase.services.content.entries import with_every_relation
from knowledgebase.services.content.serialization import entry_to_data
from knowledgebase.services.content.csv_export import safe_csv_cell
from knowledgebase.services.transfer.sheet_files import Sheet

PREVIEW_ROWS = 5

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


# -- export ---------------------------------------------------------------------------------

def export_rows() -> tuple[list[str], list[list[str]]]:
    """Every enterprise (every status) in the columns the import reads, by slug."""
    ct = BY_KEY["enterprise"]
    rows = []
    query = with_every_relation(select(ct.model).order_by(ct.model.slug), ct.model)
    for entry in db.session.scalars(query):
        data = entry_to_data(entry, ct)
        rows.append([safe_csv_cell(_export_value(target, data)) for target in EXPORT_HEADERS])
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
