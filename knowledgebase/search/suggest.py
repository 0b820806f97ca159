"""Suggestions while typing: municipalities, glossary terms and entry titles whose words
start with what was typed (diacritics optional)."""

from __future__ import annotations

import heapq

from sqlalchemy import select

from knowledgebase import models as m
from knowledgebase.extensions import db
from knowledgebase.search import engine as engine_module
from knowledgebase.search.analysis import en_term, fold, sv_term, words
from knowledgebase.search.engine import State
from knowledgebase.search.query import MAX_PREFIX_TERMS, prefix_range
from knowledgebase.search.service import SearchService

MAX_TYPED = 100
MAX_PLACES = 3


def suggest(search: SearchService, typed: str, locale: str, limit: int = 10) -> list[dict]:
    lowered = words((typed or "")[:MAX_TYPED])[:6]
    limit = max(1, min(limit, 20))
    if not lowered or not search.enabled:
        return []
    out = _places(lowered, MAX_PLACES if limit > MAX_PLACES else limit)
    search.follow()  # like a search: changes committed by another process or node first
    with search.engine.reading() as state:
        docnums = _titles(state, lowered, limit * 3)
        ids = [state.entry_id(d) for d in docnums]
    if ids:
        entries = {e.id: e for e in db.session.scalars(
            select(m.Entry).where(m.Entry.id.in_(ids), m.Entry.status == m.PUBLISHED))}
        ranked = sorted((entries[i] for i in ids if i in entries), key=lambda e: e.type != "glossary")
        for entry in ranked:
            title, title_lang = entry.text("title", locale)
            out.append({"kind": "glossary" if entry.type == "glossary" else "entry", "type": entry.type,
                        "slug": entry.slug, "label": title, "lang": title_lang})
    return out[:limit]


def _places(lowered: list[str], limit: int) -> list[dict]:
    typed = " ".join(fold(w) for w in lowered)
    found = []
    for code, name in db.session.execute(select(m.Municipality.code, m.Municipality.name).order_by(m.Municipality.name)):
        folded = fold(name)
        if folded.startswith(typed) or any(w.startswith(typed) for w in folded.split()):
            found.append({"kind": "municipality", "type": "municipality", "code": code, "label": name, "lang": "sv"})
            if len(found) == limit:
                break
    return found


def _titles(state: State, lowered: list[str], limit: int) -> list[int]:
    """Documents whose title has every typed word, the last one as a prefix."""
    bits = state.live & state.facet_bits("status:published")
    for word in lowered[:-1]:
        stem, english = sv_term(word)[0], en_term(word)
        if stem and english:
            bits &= state.term_bits("title", stem) | state.term_bits("title", english)
    prefixes = {fold(lowered[-1]), sv_term(lowered[-1])[0]} - {""}
    candidates: dict[str, int] = {}
    for seg, _ in state.segments:
        lexicon = seg.lexicon()
        for prefix in prefixes:
            for term in prefix_range(lexicon.terms, prefix):
                candidates[term] = lexicon.df[term]
    prefix_bits = 0
    for term in heapq.nlargest(MAX_PREFIX_TERMS, candidates, key=lambda t: (candidates[t], t)):
        prefix_bits |= state.term_bits("title", term)
    bits &= prefix_bits
    docs = engine_module.docs_from_bits(bits)

    def key(doc: int):
        seg, local = state.locate(doc)
        return (len(seg.title_keys("sv")[local]), doc)

    return heapq.nsmallest(limit, docs, key=key)
