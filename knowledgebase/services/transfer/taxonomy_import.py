"""Importing the taxonomy of the seed format: themes and competence packages, counties and
municipalities (SCB codes), the named vocabularies and the search synonyms."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select

from knowledgebase import models as m
from knowledgebase.extensions import db
from knowledgebase.services.procurement import buyers
from knowledgebase.services.transfer.seed_io import ImportFailed, ImportReport, read_csv, read_yaml


def _named(value: Any, where: str) -> tuple[str, str]:
    if isinstance(value, str):
        value = {"sv": value}
    if not isinstance(value, dict) or not str(value.get("sv") or "").strip():
        raise ImportFailed([_("%(where)s: a name in Swedish (sv) is required", where=where)])
    return str(value["sv"]).strip(), str(value.get("en") or "").strip()


def _upsert(model: type, key: Any, **values: Any) -> bool:
    """Create or update one taxonomy row; True if anything changed."""
    row = db.session.get(model, key)
    if row is None:
        row = model(**values)
        db.session.add(row)
        return True
    changed = False
    for name, value in values.items():
        if getattr(row, name) != value:
            setattr(row, name, value)
            changed = True
    return changed


def import_themes(path: Path, report: ImportReport) -> None:
    data = read_yaml(path)
    themes = data.get("themes") if isinstance(data, dict) else None
    if not isinstance(themes, list):
        raise ImportFailed([_("%(file)s: expected a list under 'themes'", file=path.name)])
    for theme in themes:
        number = theme.get("number") if isinstance(theme, dict) else None
        if number not in (1, 2, 3):
            raise ImportFailed([_("%(file)s: every theme needs a number 1-3", file=path.name)])
        where = f"{path.name}: {number}"
        name_sv, name_en = _named(theme.get("name"), where)
        desc_sv, desc_en = _bitext_pair(theme.get("description"))
        _upsert(m.Theme, number, number=number, name_sv=name_sv, name_en=name_en,
                description_sv=desc_sv, description_en=desc_en)
        report.taxonomy["themes"] += 1
        db.session.flush()
        for package in theme.get("packages") or []:
            pnum = package.get("number") if isinstance(package, dict) else None
            if pnum not in (1, 2, 3):
                raise ImportFailed([_("%(where)s: every competence package needs a number 1-3", where=where)])
            code = f"{number}.{pnum}"
            name_sv, name_en = _named(package.get("name"), f"{path.name}: {code}")
            desc_sv, desc_en = _bitext_pair(package.get("description"))
            _upsert(m.CompetencePackage, code, code=code, theme_number=number, number=pnum,
                    name_sv=name_sv, name_en=name_en, description_sv=desc_sv, description_en=desc_en)
            report.taxonomy["packages"] += 1


def _bitext_pair(value: Any) -> tuple[str, str]:
    if isinstance(value, str):
        return value.strip(), ""
    if isinstance(value, dict):
        return str(value.get("sv") or "").strip(), str(value.get("en") or "").strip()
    return "", ""


def import_named_list(path: Path, model: type, report: ImportReport) -> None:
    data = read_yaml(path)
    if not isinstance(data, list):
        raise ImportFailed([_("%(file)s: expected a list", file=path.name)])
    for item in data:
        slug = item.get("slug") if isinstance(item, dict) else None
        if not isinstance(slug, str) or not slug:
            raise ImportFailed([_("%(file)s: every item needs a slug", file=path.name)])
        name_sv, name_en = _named(item.get("name"), f"{path.name}: {slug}")
        values = {"slug": slug, "name_sv": name_sv, "name_en": name_en}
        if model is m.ServiceCategory:
            where = f"{path.name}: {slug}"
            try:
                values["cpv"] = buyers.clean_cpv_list(item.get("cpv"), where)
            except ValueError as exc:
                raise ImportFailed([str(exc)]) from None
            routes = item.get("routes") or []
            if not isinstance(routes, list) or set(routes) - {"lov", "iop"}:
                raise ImportFailed([_("%(where)s: routes may list lov and iop", where=where)])
            values["routes"] = list(routes)
        _upsert(model, slug, **values)
        report.taxonomy[path.stem] += 1


def import_places(counties: Path | None, municipalities: Path | None, report: ImportReport) -> None:
    if counties:
        for row in read_csv(counties, ("code", "name")):
            _upsert(m.County, row["code"], code=row["code"], name=row["name"])
            report.taxonomy["counties"] += 1
        db.session.flush()
    if municipalities:
        known = set(db.session.scalars(select(m.County.code)))
        for number, row in enumerate(read_csv(municipalities, ("code", "name", "county_code")), 2):
            if row["county_code"] not in known:
                raise ImportFailed([_("%(file)s: line %(line)d: unknown county %(value)s",
                                      file=municipalities.name, line=number, value=row["county_code"])])
            _upsert(m.Municipality, row["code"], code=row["code"], name=row["name"],
                    county_code=row["county_code"])
            report.taxonomy["municipalities"] += 1


def import_synonyms(path: Path, report: ImportReport) -> None:
    data = read_yaml(path)
    groups = data.get("groups") if isinstance(data, dict) else None
    if not isinstance(groups, list):
        raise ImportFailed([_("%(file)s: expected a list under 'groups'", file=path.name)])
    existing = {tuple(g.terms) for g in db.session.scalars(select(m.SynonymGroup))}
    for number, group in enumerate(groups, 1):
        if not isinstance(group, list) or len(group) < 2 or not all(isinstance(t, str) and t.strip() for t in group):
            raise ImportFailed([_("%(file)s: group %(number)d must list at least two words",
                                  file=path.name, number=number)])
        terms = tuple(t.strip() for t in group)
        if terms not in existing:
            db.session.add(m.SynonymGroup(terms=list(terms)))
            existing.add(terms)
        report.taxonomy["synonyms"] += 1
