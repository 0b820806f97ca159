"""Spotting likely duplicate enterprises: the same organisation number, or a similar name in
the same municipality."""

from __future__ import annotations

import re
import unicodedata
from difflib import SequenceMatcher

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import false, or_, select
from sqlalchemy.orm import selectinload

from knowledgebase import models as m
from knowledgebase.extensions import db

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
        if key and same_place and SequenceMatcher(None, key, name_key(enterprise.title_sv)).ratio() >= SIMILAR_NAME:
            found.append((enterprise, "similar_name"))
    return found


def import_duplicates(entries: list[tuple[str, str, str]]) -> list[tuple[m.Enterprise, m.Enterprise, str]]:
    """For an import report's ``(type, slug, outcome)`` rows: each enterprise the import
    created or changed that looks like another enterprise, as (imported, other, reason);
    a pair is listed once."""
    found, seen = [], set()
    slugs = [slug for type_key, slug, outcome in entries if type_key == "enterprise" and outcome != "unchanged"]
    query = select(m.Enterprise).where(m.Enterprise.slug.in_(slugs)).order_by(m.Enterprise.slug)
    for enterprise in db.session.scalars(query.options(selectinload(m.Enterprise.municipalities))):
        codes = [mu.code for mu in enterprise.municipalities]
        for other, reason in likely_duplicates(enterprise.title_sv, enterprise.org_number, codes, enterprise.id):
            pair = frozenset((enterprise.id, other.id))
            if pair not in seen:
                seen.add(pair)
                found.append((enterprise, other, reason))
    return found


def import_duplicate_warnings(entries: list[tuple[str, str, str]]) -> list[str]:
    """``import_duplicates`` as sentences, for the CLI and the import page."""
    return [_("Likely duplicate: %(slug)s and %(other)s (%(reason)s)", slug=one.slug, other=other.slug,
              reason=REASON_LABELS[reason]) for one, other, reason in import_duplicates(entries)]
