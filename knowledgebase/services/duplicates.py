"""Spotting likely duplicate enterprises: the same organisation number, or a similar name in
the same municipality."""

from __future__ import annotations

import re
import unicodedata
from difflib import SequenceMatcher

from sqlalchemy import false, or_, select
from sqlalchemy.orm import selectinload

from knowledgebase import models as m
from knowledgebase.extensions import db

SIMILAR_NAME = 0.85
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
