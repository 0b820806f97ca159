"""“Did you mean”: words of a query that occur nowhere are replaced by the most frequent
indexed word within ``max_edits`` of the word *as typed* (Damerau-Levenshtein, diacritics
and case ignored; the first letter is kept, which keeps the lexicon scan short). The
distance is measured between the typed word and the word offered, not between their
stems: "måltider" (stem "maltid") is two edits from the stem "malin" but four from the
word, so it is not offered. What is offered is a real word of the indexed texts (how an
entry holding the term spells it), never a bare stem."""

from __future__ import annotations

from collections import Counter

from knowledgebase.extensions import db
from knowledgebase.search import store
from knowledgebase.search.analysis import en_term, fold, sv_term, term as stem_in, words
from knowledgebase.search.documents import iter_documents
from knowledgebase.search.engine import State
from knowledgebase.search.query import tokenize

MIN_WORD = 3
# Candidate terms whose spellings are looked up in the entries that hold them (a few
# single-row reads, and only for a word that occurs nowhere).
MAX_CANDIDATES = 8
# Words of up to this many letters are corrected by at most one edit, longer ones by two.
SHORT_WORD = 4


def max_edits(word: str) -> int:
    """The edits allowed between a typed word and its correction (docs/search.md)."""
    return 1 if len(word) <= SHORT_WORD else 2


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
    """The best replacement for an unknown word, spelled with its diacritics, or None when
    no indexed word lies within ``max_edits(word)`` of the word as typed."""
    stem = sv_term(word)[0]
    if len(stem) < MIN_WORD or stem.isdigit():
        return None
    typed = fold(word)
    limit = max_edits(typed)
    # The candidates are the typed stem's neighbours in the lexicon; each is then measured
    # as it would be shown against the word as typed, which is what the person compares.
    frequency: dict[str, int] = {}
    for seg, _ in state.segments:
        lexicon = seg.lexicon()
        with seg.lock:
            found = {t for f in store.TEXT_FIELDS for t in seg.reader.terms_within(f, stem, limit, prefix=1)}
        for term in found:
            frequency[term] = frequency.get(term, 0) + lexicon.df.get(term, 0)
    nearest = sorted(frequency, key=lambda t: (distance(stem, t), -frequency[t], t))[:MAX_CANDIDATES]
    best: tuple[int, int, str] | None = None
    for term, spellings in _spellings(state, nearest).items():
        for shown, count in spellings.items():
            edits = distance(typed, fold(shown))
            rank = (edits, -frequency[term] * 1000 - count, shown)
            if 0 < edits <= limit and (best is None or rank < best):
                best = rank
    return best[2] if best else None


def _spellings(state: State, terms: list[str]) -> dict[str, Counter]:
    """The words (as written, lower-cased) that each term stands for in an entry holding it."""
    holder: dict[str, int] = {}
    for term in terms:
        bits = 0
        for fieldname in store.TEXT_FIELDS:
            bits |= state.term_bits(fieldname, term)
        bits &= state.live
        if bits:
            holder[term] = state.entry_id((bits & -bits).bit_length() - 1)
    found: dict[str, Counter] = {term: Counter() for term in holder}
    if not holder:
        return found
    with db.engine.connect() as conn:
        docs = list(iter_documents(conn, set(holder.values())))
    for doc in docs:
        wanted = {term for term, eid in holder.items() if eid == doc.entry_id}
        for text, lang in (*doc.title, *doc.summary, *doc.body, *doc.tags):
            for word in words(text):
                if stem_in(word, lang) in wanted:
                    found[stem_in(word, lang)][word] += 1
    return found


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
