"""“Did you mean”: words of a query that occur nowhere are replaced by the most frequent
indexed word one or two edits away (Damerau-Levenshtein; the first letter is kept, which
keeps the lexicon scan short)."""

from __future__ import annotations

from collections import Counter

from knowledgebase.search import store
from knowledgebase.search.analysis import en_term, sv_term
from knowledgebase.search.engine import State
from knowledgebase.search.query import tokenize

MIN_WORD = 3


def distance(a: str, b: str) -> int:
    """Optimal string alignment distance (adjacent swaps count as one edit)."""
    prev2: list[int] = []
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        row = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            row[j] = min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + (ca != cb))
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                row[j] = min(row[j], prev2[j - 2] + 1)
        prev2, prev = prev, row
    return prev[-1]


def _known(state: State, word: str) -> bool:
    stem = sv_term(word)[0]
    english = en_term(word)
    if not stem or not english:
        return True
    for fieldname in (*store.TEXT_FIELDS, "places"):
        if state.doc_frequency(fieldname, stem) or state.doc_frequency(fieldname, english):
            return True
    return False


def correct(state: State, word: str) -> str | None:
    """The best replacement for an unknown word, spelled with its diacritics."""
    stem = sv_term(word)[0]
    if len(stem) < MIN_WORD or stem.isdigit():
        return None
    maxdist = 1 if len(stem) <= 4 else 2
    best: tuple[int, int, str] | None = None
    for seg, _ in state.segments:
        lexicon = seg.lexicon()
        with seg.lock:
            candidates = {t for f in store.TEXT_FIELDS for t in seg.reader.terms_within(f, stem, maxdist, prefix=1)}
        for term in candidates:
            rank = (distance(stem, term), -lexicon.df.get(term, 0), term)
            if best is None or rank < best:
                best = rank
    if best is None or best[0] == 0:
        return None
    term = best[2]
    variants = sorted({v for seg, _ in state.segments for v in seg.variants(term)})
    return variants[0] if variants else term


def suggestion_for(state: State, query: str) -> str | None:
    """The query with its unknown words corrected, or None if nothing could be corrected.
    Words typed together without a space ("status:draft", "e-post") are left as typed:
    correcting one part ("status drygt") changes what was meant."""
    parts: list[str] = []
    changed = False
    tokens = tokenize(query).tokens
    group_sizes = Counter(token.group for token in tokens)
    for token in tokens:
        if token.kind == "word" and group_sizes[token.group] == 1 and not _known(state, token.words[0]):
            fixed = correct(state, token.words[0])
            if fixed:
                parts.append(fixed)
                changed = True
                continue
        if token.kind == "phrase":
            parts.append(f'"{token.text}"')
        elif token.kind == "prefix":
            parts.append(f"{token.text}*")
        else:
            parts.append(token.text)
    return " ".join(parts) if changed else None
