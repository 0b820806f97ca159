"""Spotting likely duplicate enterprises: the same organisation number, or a similar name in
the same municipality."""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from difflib import SequenceMatcher
from typing import NamedTuple

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import false, or_, select
from sqlalchemy.orm import selectinload

from knowledgebase import models as m
from knowledgebase.extensions import db
from knowledgebase.models.entries import entry_municipality

SIMILAR_NAME = 0.85
REASON_LABELS = {"org_number": _l("same organisation number"), "similar_name": _l("similar name, same municipality")}
# Words that say what kind of organisation it is, not which one.
NOISE_WORDS = {"ab", "ek", "for", "ekonomisk", "ekonomiska", "forening", "ideell", "kooperativet",
               "kooperativ", "sociala", "socialt", "arbetskooperativet", "arbetskooperativ", "i", "the"}


def _fold(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text.lower())
    return "".join(ch for ch in folded if not unicodedata.combining(ch))


def name_key(name: str) -> str:
    """A name without case, accents, punctuation and words like "ekonomisk förening"."""
    return " ".join(w for w in re.findall(r"[a-z0-9]+", _fold(name)) if w not in NOISE_WORDS)


def likely_duplicates(name: str, org_number: str = "", municipality_codes: list[str] | None = None,
                      exclude_id: int | None = None) -> list[tuple[m.Enterprise, str]]:
    """Enterprises (any status) that may be the same as the one described; each with the reason
    (``"org_number"`` or ``"similar_name"``)."""
    found: list[tuple[m.Enterprise, str]] = []
    key = name_key(name)
    wanted = set(municipality_codes or [])
    # Only enterprises that could match are loaded: same number, or in the same municipality.
    query = select(m.Enterprise).options(selectinload(m.Enterprise.municipalities)).where(or_(
        m.Enterprise.org_number == org_number if org_number else false(),
        m.Enterprise.municipalities.any(m.Municipality.code.in_(wanted)) if wanted else false(),
    ))
    if exclude_id is not None:
        query = query.where(m.Enterprise.id != exclude_id)
    for enterprise in db.session.scalars(query):
        if org_number and enterprise.org_number == org_number:
            found.append((enterprise, "org_number"))
            continue
        same_place = wanted & {mu.code for mu in enterprise.municipalities}
        if key and same_place and _similar(key, name_key(enterprise.title_sv)):
            found.append((enterprise, "similar_name"))
    return found


class Named(NamedTuple):
    id: int
    slug: str


# Name pairs an import compares at most (a few seconds; ~10 µs each): beyond that only
# equal names (and organisation numbers) are looked for, since every new enterprise would
# otherwise be compared with every other in its municipality (for 5 000 new enterprises in
# 49 municipalities, about half a million pairs; for 50 000, fifty million).
MAX_COMPARISONS = 250_000


def import_duplicates(entries: list[tuple[str, str, str]]) -> tuple[list[tuple[Named, Named, str]], bool]:
    """For an import report's ``(type, slug, outcome)`` rows: each enterprise the import
    created or changed that looks like another enterprise (the rules of
    ``likely_duplicates``), as (imported, other, reason); a pair is listed once. Every
    enterprise is read in two queries and compared in memory. Also returns whether similar
    names were compared (False when that would take more than ``MAX_COMPARISONS``)."""
    slugs = {slug for type_key, slug, outcome in entries if type_key == "enterprise" and outcome != "unchanged"}
    if not slugs:
        return [], True
    rows = db.session.execute(select(m.Enterprise.id, m.Enterprise.slug, m.Enterprise.title_sv,
                                     m.Enterprise.org_number).order_by(m.Enterprise.id)).all()
    link = entry_municipality
    places: dict[int, list[str]] = defaultdict(list)
    for entry_id, code in db.session.execute(select(link.c.entry_id, link.c.municipality_key).where(
            link.c.entry_id.in_(select(m.Enterprise.id)))):
        places[entry_id].append(code)
    by_number: dict[str, list[Named]] = defaultdict(list)
    by_place: dict[str, list[tuple[Named, str]]] = defaultdict(list)
    imported = []
    for entry_id, slug, title, org_number in rows:
        named, key = Named(entry_id, slug), name_key(title or "")
        if org_number:
            by_number[org_number].append(named)
        for code in places[entry_id]:
            by_place[code].append((named, key))
        if slug in slugs:
            imported.append((named, key, org_number, places[entry_id]))
    similar = sum(len(by_place[code]) for *_, codes in imported for code in codes) <= MAX_COMPARISONS
    found, seen = [], set()
    for one, key, org_number, codes in sorted(imported, key=lambda item: item[0].slug):
        matches = {other: "org_number" for other in by_number.get(org_number, ()) if other != one}
        for code in codes:
            for other, other_key in by_place[code]:
                if other != one and other not in matches and key and (
                        other_key == key if not similar else _similar(key, other_key)):
                    matches[other] = "similar_name"
        for other, reason in sorted(matches.items(), key=lambda item: item[0].id):
            pair = frozenset((one.id, other.id))
            if pair not in seen:
                seen.add(pair)
                found.append((one, other, reason))
    return found, similar


def _similar(key: str, other: str) -> bool:
    """Whether two name keys are similar: ``SequenceMatcher``'s ratio at least
    ``SIMILAR_NAME`` (its cheap upper bounds checked first)."""
    if 2 * min(len(key), len(other)) < SIMILAR_NAME * (len(key) + len(other)):
        return False
    matcher = SequenceMatcher(None, key, other)
    return matcher.quick_ratio() >= SIMILAR_NAME and matcher.ratio() >= SIMILAR_NAME


def import_duplicate_warnings(entries: list[tuple[str, str, str]]) -> list[str]:
    """``import_duplicates`` as sentences, for the CLI and the import page."""
    found, similar = import_duplicates(entries)
    lines = [_("Likely duplicate: %(slug)s and %(other)s (%(reason)s)", slug=one.slug, other=other.slug,
               reason=REASON_LABELS[reason]) for one, other, reason in found]
    if not similar:
        lines.append(_("Names were only compared for equality: this import has too many enterprises "
                       "in the same municipalities to compare every similar name."))
    return lines
