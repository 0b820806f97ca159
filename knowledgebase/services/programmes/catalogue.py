"""Programmes and their targets: read and checked from the seed format
(seed_data/taxonomy/programmes.yaml) or the admin form, written back by the export."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from knowledgebase import inputs
from knowledgebase import models as m
from knowledgebase.extensions import db
from knowledgebase.models.programmes import METRICS

MAX_TARGET = 1_000_000
PROGRAMME_KEYS = {"slug", "name", "funder", "starts_on", "ends_on", "counties", "themes", "source", "targets"}
TARGET_KEYS = {"metric", "number", "women", "men", "county", "per_municipality"}


def by_slug(slug: str) -> m.Programme | None:
    """The programme with ``slug`` and its targets, or None."""
    if not inputs.is_slug(slug):
        return None
    return db.session.scalars(select(m.Programme).where(m.Programme.slug == slug)
                              .options(selectinload(m.Programme.targets))).first()


def all_programmes() -> list[m.Programme]:
    """Every programme, the newest first."""
    return list(db.session.scalars(select(m.Programme).order_by(m.Programme.starts_on.desc(), m.Programme.id)))


def clean_target(item: Any, where: str) -> dict:
    """One target checked: ``metric``, ``number``, and ``women``/``men`` (both or neither,
    adding up to at most ``number``), a ``county`` code or ``per_municipality``; raise
    ``ValueError`` with a message naming ``where``."""
    if not isinstance(item, dict) or set(item) - TARGET_KEYS or item.get("metric") not in METRICS:
        raise ValueError(_("%(where)s: a target has a metric (one of %(metrics)s), a number, and may have "
                           "women, men, county and per_municipality", where=where, metrics=", ".join(METRICS)))
    number, women, men = (_count(item.get(key), where, required=key == "number") for key in ("number", "women", "men"))
    if (women is None) != (men is None) or (women is not None and women + men > number):
        raise ValueError(_("%(where)s: women and men are given together and add up to at most the number",
                           where=where))
    county = item.get("county")
    if county is not None and (not isinstance(county, str) or db.session.get(m.County, county) is None):
        raise ValueError(_("%(where)s: unknown county %(value)s", where=where, value=inputs.shown(county)))
    per_municipality = item.get("per_municipality") is True
    return {"metric": item["metric"], "number": number, "women": women, "men": men, "county_code": county,
            "per_municipality": per_municipality}


def _count(value: Any, where: str, *, required: bool) -> int | None:
    if value is None and not required:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_TARGET:
        raise ValueError(_("%(where)s: target numbers are whole numbers from 0 to %(max)d", where=where,
                           max=MAX_TARGET))
    return value


def clean_programme(item: Any, where: str) -> dict:
    """A programme in the seed format checked; raise ``ValueError`` naming ``where``."""
    if not isinstance(item, dict) or set(item) - PROGRAMME_KEYS or not inputs.is_slug(item.get("slug")):
        raise ValueError(_("%(where)s: a programme has a slug, name, funder, starts_on, ends_on, counties, "
                           "themes, source and targets", where=where))
    here = f"{where}: {item['slug']}"
    name = item.get("name")
    name = {"sv": name} if isinstance(name, str) else name
    if not isinstance(name, dict) or not str(name.get("sv") or "").strip():
        raise ValueError(_("%(where)s: a name in Swedish (sv) is required", where=here))
    starts_on, ends_on = item.get("starts_on"), item.get("ends_on")
    if not isinstance(starts_on, date) or not isinstance(ends_on, date) or ends_on < starts_on:
        raise ValueError(_("%(where)s: starts_on and ends_on are dates (YYYY-MM-DD), the end not before the start",
                           where=here))
    counties = item.get("counties") or []
    known_counties = set(db.session.scalars(select(m.County.code)))
    if not isinstance(counties, list) or not set(counties) <= known_counties:
        raise ValueError(_("%(where)s: counties must be a list of known county codes", where=here))
    themes = item.get("themes") or []
    if not isinstance(themes, list) or not set(themes) <= {1, 2, 3}:
        raise ValueError(_("%(where)s: themes must be a list of theme numbers 1-3", where=here))
    source = item.get("source") or {}
    if not isinstance(source, dict):
        raise ValueError(_("%(where)s: source has a title and a url", where=here))
    targets = item.get("targets") or []
    if not isinstance(targets, list):
        raise ValueError(_("%(where)s: expected a list under 'targets'", where=here))
    return {
        "slug": item["slug"], "name_sv": str(name["sv"]).strip()[:300], "name_en": str(name.get("en") or "").strip()[:300],
        "funder": str(item.get("funder") or "").strip()[:300], "starts_on": starts_on, "ends_on": ends_on,
        "counties": list(counties), "themes": list(themes),
        "source_title": str(source.get("title") or "").strip()[:500], "source_url": str(source.get("url") or "").strip()[:1000],
        "targets": [clean_target(t, f"{here}: target {n}") for n, t in enumerate(targets, 1)],
    }


def save_programme(clean: dict, programme: m.Programme | None = None) -> m.Programme:
    """Create (or update) a programme from cleaned values; its targets are replaced. Flushes."""
    if programme is None:
        programme = db.session.scalars(select(m.Programme).where(m.Programme.slug == clean["slug"])).first()
    if programme is None:
        programme = m.Programme(slug=clean["slug"])
        db.session.add(programme)
    for key, value in clean.items():
        if key != "targets":
            setattr(programme, key, value)
    programme.targets = [m.ProgrammeTarget(position=n, **t) for n, t in enumerate(clean["targets"])]
    db.session.flush()
    return programme


def import_programmes(data: Any, where: str) -> int:
    """Create or update the programmes of the seed format; raise ``ValueError`` naming the
    first bad value. Returns the number of programmes read."""
    items = data.get("programmes") if isinstance(data, dict) else None
    if not isinstance(items, list):
        raise ValueError(_("%(where)s: expected a list under 'programmes'", where=where))
    cleaned = [clean_programme(item, f"{where}: {n}") for n, item in enumerate(items, 1)]
    for clean in cleaned:
        save_programme(clean)
    return len(cleaned)


def export_programmes() -> dict[str, list[dict]]:
    """Every programme in the seed format."""
    out = []
    for p in db.session.scalars(select(m.Programme).order_by(m.Programme.starts_on, m.Programme.slug)
                                .options(selectinload(m.Programme.targets))):
        targets = []
        for t in p.targets:
            target: dict[str, Any] = {"metric": t.metric}
            if t.county_code:
                target["county"] = t.county_code
            if t.per_municipality:
                target["per_municipality"] = True
            target["number"] = t.number
            if t.women is not None:
                target.update(women=t.women, men=t.men)
            targets.append(target)
        out.append({"slug": p.slug, "name": {"sv": p.name_sv, "en": p.name_en}, "funder": p.funder,
                    "starts_on": p.starts_on, "ends_on": p.ends_on, "counties": list(p.counties),
                    "themes": list(p.themes), "source": {"title": p.source_title, "url": p.source_url},
                    "targets": targets})
    return {"programmes": out}
