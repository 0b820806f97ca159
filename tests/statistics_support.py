"""Shared by tests/test_statistics.py and tests/test_map.py: a fictional import of enterprises
spread over the region, and every figure counted again, independently, by walking the
published entries in Python (no grouped SQL), to compare the pages and the API with."""

from __future__ import annotations

from collections import Counter
from datetime import date

import yaml
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from knowledgebase import models as m
from knowledgebase.extensions import db
from knowledgebase.freshness import months_before
from knowledgebase.services.transfer.imports import import_path

REGION = ("06", "07", "08", "09")
SERVICES = ["cleaning", "catering-cafe", "gardening", "laundry", "carpentry", "transport", "bicycle-repair"]
TARGET_GROUPS = ["persons-with-disabilities", "long-term-unemployed", "newly-arrived", "young-people"]
LEGAL_FORMS = ["ekonomisk-forening", "ideell-forening", "aktiebolag-svb", None]
# A part of the region's municipalities, so that others stay empty (the map's zero).
MUNICIPALITIES = ["0604", "0680", "0685", "0687", "0760", "0764", "0780", "0781", "0860", "0880", "0883",
                  "0885", "0980"]


def fictional_enterprises(count: int, today: date) -> dict:
    """``count`` clearly fictional enterprises: in one or two municipalities (some also naming
    a whole county), with services, target groups, legal forms, themes, packages, reserved
    contract answers and confirmations of every age."""
    entries = []
    for n in range(1, count + 1):
        places = [MUNICIPALITIES[n % len(MUNICIPALITIES)]]
        if n % 5 == 0:
            places.append(MUNICIPALITIES[(n * 7) % len(MUNICIPALITIES)])
        entry = {
            "slug": f"fiktiv-statistik-{n}", "status": "published",
            "title": {"sv": f"Fiktivt statistikföretag {n}"},
            "summary": {"sv": f"Påhittat socialt företag {n} för tester av statistiken."},
            "services": SERVICES[n % 3: n % 3 + n % 4],
            "target_groups": TARGET_GROUPS[: n % 3],
            "municipalities": sorted(set(places)),
            "counties": ["07"] if n % 11 == 0 else [],
            "themes": [1 + n % 3],
            "packages": [f"{1 + n % 3}.{1 + n % 2}"],
            "reserved_contracts": [True, False, None][n % 3],
            "sources": [{"title": "Testdata (fiktiv)", "url": ""}],
            "last_verified": months_before(today, n % 20).isoformat() if n % 6 else None,
        }
        if LEGAL_FORMS[n % 4]:
            entry["legal_form"] = LEGAL_FORMS[n % 4]
        if n % 9 == 0:
            entry["reserved_share"] = 20 if n % 2 else 45
        entries.append({k: v for k, v in entry.items() if v is not None})
    return {"type": "enterprise", "entries": entries}


def import_fictional(app, path, count: int = 200, today: date | None = None) -> None:
    """Import ``count`` fictional enterprises, and a few that are not published."""
    path.write_text(yaml.safe_dump(fictional_enterprises(count, today or date.today()), allow_unicode=True),
                    encoding="utf-8")
    with app.app_context():
        import_path(path)
        db.session.commit()


def _published(model=m.Entry) -> list:
    options = [selectinload(m.Entry.municipalities).selectinload(m.Municipality.county),
               selectinload(m.Entry.counties), selectinload(m.Entry.themes), selectinload(m.Entry.packages)]
    if model is m.Enterprise:
        options += [selectinload(m.Enterprise.services), selectinload(m.Enterprise.target_groups)]
    return list(db.session.scalars(select(model).where(model.status == m.PUBLISHED).options(*options)))


def _counties_of(entry) -> set[str]:
    return {c.code for c in entry.counties} | {mu.county_code for mu in entry.municipalities}


def _reserved(enterprise) -> bool:
    return enterprise.reserved_contracts is True and (enterprise.reserved_share is None
                                                      or enterprise.reserved_share >= 30)


def expected_map(kind: str = "enterprise", service: str = "") -> dict[str, int]:
    """Per region municipality code, the published entries the map counts (in an app context)."""
    if kind in ("enterprise", "reserved", "service"):
        entries = _published(m.Enterprise)
        if kind == "reserved":
            entries = [e for e in entries if _reserved(e)]
        elif kind == "service":
            entries = [e for e in entries if service in {s.slug for s in e.services}]
    else:
        entries = [e for e in _published() if e.type == kind]
    region = db.session.scalars(select(m.Municipality.code).where(m.Municipality.county_code.in_(REGION)))
    counts = Counter(mu.code for e in entries for mu in e.municipalities)
    return {code: counts.get(code, 0) for code in region}


def expected_figures(today: date, locale: str = "sv") -> dict[str, dict[str, float]]:
    """Every figure as {figure key: {row key: value}} (in an app context)."""
    enterprises = _published(m.Enterprise)
    entries = _published()
    per_county = Counter(c for e in enterprises for c in _counties_of(e) if c in REGION)
    reserved = Counter(c for e in enterprises if _reserved(e) for c in _counties_of(e) if c in REGION)
    cutoff = months_before(today, 12)
    upkeep = {u.entry_id: u.confirmed_at for u in db.session.scalars(select(m.EntryUpkeep))}

    def fresh(e) -> bool:
        return any(d is not None and d >= cutoff for d in (e.last_verified, upkeep.get(e.id)))

    in_region = [e for e in enterprises if _counties_of(e) & set(REGION)]
    currency = {}
    for code in REGION:
        here = [e for e in enterprises if code in _counties_of(e)]
        currency[code] = round(100 * sum(map(fresh, here)) / len(here)) if here else 0
    currency["region"] = round(100 * sum(map(fresh, in_region)) / len(in_region)) if in_region else 0
    themes, packages = Counter(), Counter()
    for e in entries:
        themes.update(f"{t.number}:{e.type}" for t in e.themes)
        packages.update(f"{p.code}:{e.type}" for p in e.packages)
    return {
        "enterprises-per-county": {c: per_county.get(c, 0) for c in REGION},
        "enterprises-per-municipality": expected_map(),
        "enterprises-per-service": _vocabulary(m.ServiceCategory, Counter(
            s.slug for e in enterprises for s in e.services)),
        "enterprises-per-target-group": _vocabulary(m.TargetGroup, Counter(
            t.slug for e in enterprises for t in e.target_groups)),
        "reserved-per-county": {c: reserved.get(c, 0) for c in REGION},
        "enterprises-by-legal-form": {**_vocabulary(m.LegalForm, Counter(e.legal_form_slug for e in enterprises)),
                                      "": sum(1 for e in enterprises if e.legal_form_slug is None)},
        "entries-per-theme": {str(t.number): sum(v for k, v in themes.items() if k.startswith(f"{t.number}:"))
                              for t in db.session.scalars(select(m.Theme))},
        "entries-per-package": {p.code: sum(v for k, v in packages.items() if k.startswith(f"{p.code}:"))
                                for p in db.session.scalars(select(m.CompetencePackage))},
        "currency-per-county": currency,
    }


def expected_parts(figure_key: str) -> dict[str, dict[str, int]]:
    """For the per-theme and per-package figures: {row key: {type: count}}."""
    counts: dict[str, Counter] = {}
    for e in _published():
        for key in ({str(t.number) for t in e.themes} if figure_key == "entries-per-theme"
                    else {p.code for p in e.packages}):
            counts.setdefault(key, Counter())[e.type] += 1
    return {key: dict(c) for key, c in counts.items()}


def _vocabulary(model, counts: Counter) -> dict[str, int]:
    return {row.slug: counts.get(row.slug, 0) for row in db.session.scalars(select(model))}
