"""From what a person typed to a tree of match clauses, without any query parser.

Every input is taken as words: quotes make a phrase, a trailing ``*`` a bounded prefix;
everything else (operators, parentheses, ``field:`` prefixes, control characters) only
separates words. So no input can reach a field or fail to parse. Synonyms (both ways, from
the SynonymGroup table), compounds and prefixes expand a word into a bounded set of terms."""

from __future__ import annotations

import heapq
import re
from bisect import bisect_left
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from knowledgebase.search import analysis
from knowledgebase.search.analysis import en_term, fold, sv_term, words
from knowledgebase.search.engine import State

MAX_QUERY = 500
MAX_CLAUSES = 12
MIN_PREFIX = 2
MIN_COMPOUND = 4
MAX_PREFIX_TERMS = 30
MAX_COMPOUND_TERMS = 24
# Lexicon entries looked at per expansion: bounds the work for very short prefixes.
MAX_SCAN = 20_000
# "tags": the names of an enterprise's services, CPV codes, target groups and legal form,
# below its own texts (a category name is broad; the entry's own words say more).
FIELD_WEIGHTS = {"title": 3.0, "summary": 1.6, "body": 1.0, "tags": 0.8}
PLACE_WEIGHT = 2.0
# A word typed with diacritics: documents spelled exactly so come first (a tier, not a nudge).
EXACT_TIER = 1000.0
# A word typed without them: documents spelled without them win ties.
EXACT_BONUS = 1.2
COMPOUND_FACTOR = 0.4
PREFIX_FACTOR = 0.7
SYNONYM_FACTOR = 0.8

_TOKEN_RE = re.compile(r'"([^"]*)"|([^\W_]+)(\*?)')


@dataclass(frozen=True)
class Source:
    """One term in one field and its weight in the score. ``rarity_of`` names the term
    whose document frequency sets the idf: an expansion (compound, prefix) counts as
    rare as the word typed, not as rare as itself, so that a dozen rare compounds do not
    outweigh the word and the bound on what they can add stays small."""

    field: str
    term: str
    weight: float
    rarity_of: str = ""


@dataclass
class Node:
    """A clause. ``kind`` is "terms" (any source matches), "phrase", "any" or "all"."""

    kind: str
    sources: list[Source] = field(default_factory=list)
    # Sources that only add to the score (the exact-spelling bonus).
    bonus: list[Source] = field(default_factory=list)
    # For phrases: per field, the (term, relative position) sequence.
    sequences: list[tuple[str, tuple[tuple[str, int], ...]]] = field(default_factory=list)
    children: list[Node] = field(default_factory=list)
    # The word as typed, for "did you mean".
    word: str = ""
    # Unfolded stem of a typed word with diacritics, for the bonus without diacritics.
    plain: str = ""

    def all_sources(self) -> Iterable[Source]:
        yield from self.sources
        yield from self.bonus
        for child in self.children:
            yield from child.all_sources()


@dataclass
class Token:
    kind: str  # "word", "prefix" or "phrase"
    text: str
    words: list[str]
    # Tokens typed together without a space ("status:draft", "e-post") share a group.
    group: int = 0


@dataclass
class Parsed:
    tokens: list[Token]
    truncated: bool


def tokenize(text: str) -> Parsed:
    """Split user input into words, prefixes and phrases; nothing else has meaning."""
    text = "".join(ch if ch.isprintable() else " " for ch in (text or ""))
    truncated = len(text) > MAX_QUERY
    text = text[:MAX_QUERY]
    if text.count('"') % 2:
        text = text.replace('"', " ")
    tokens: list[Token] = []
    group, last_end = 0, 0
    for match in _TOKEN_RE.finditer(text):
        if tokens and any(ch.isspace() for ch in text[last_end:match.start()]):
            group += 1
        last_end = match.end()
        phrase, word, star = match.groups()
        if phrase is not None:
            inner = words(phrase)
            if inner:
                tokens.append(Token("phrase", phrase.strip(), inner, group))
        elif word:
            lowered = word.lower()
            if len(lowered) > analysis.MAX_WORD:
                continue
            tokens.append(Token("prefix" if star else "word", word, [lowered], group))
    return Parsed(tokens, truncated)


class Synonyms:
    """Synonym groups keyed by the Swedish stems of each member (stop words removed)."""

    def __init__(self, groups: Iterable[Sequence[str]]):
        self.groups: list[list[str]] = []
        self.keys: dict[tuple[str, ...], int] = {}
        self.longest = 1
        for terms in groups:
            index = len(self.groups)
            self.groups.append([t for t in terms if isinstance(t, str) and t.strip()])
            for member in self.groups[-1]:
                key = stem_key(words(member))
                if key:
                    self.keys.setdefault(key, index)
                    self.longest = max(self.longest, len(key))

    def others(self, index: int, key: tuple[str, ...]) -> list[str]:
        return [t for t in self.groups[index] if stem_key(words(t)) != key]


def stem_key(lowered: Sequence[str]) -> tuple[str, ...]:
    return tuple(s for s in (sv_term(w)[0] for w in lowered) if s)


class Builder:
    """Builds the clause tree against one index generation (its lexicon bounds expansion)."""

    def __init__(self, state: State, synonyms: Synonyms):
        self.state = state
        self.synonyms = synonyms
        self.highlight: set[str] = set()
        self.notes: list[str] = []
        # For each node of the last build: the group of the token it starts at.
        self.groups: list[int] = []

    def build(self, tokens: list[Token]) -> list[Node]:
        nodes: list[Node] = []
        self.groups = []
        i = 0
        while i < len(tokens) and len(nodes) < MAX_CLAUSES:
            token = tokens[i]
            if token.kind == "prefix":
                node = self.prefix(token.words[0])
                i += 1
            elif token.kind == "phrase":
                node = self.with_synonyms(stem_key(token.words), self.phrase(token.words))
                i += 1
            else:
                node, i = self.words_from(tokens, i)
            if node is not None:
                nodes.append(node)
                self.groups.append(token.group)
        if i < len(tokens):
            self.notes.append("clauses")
        return nodes

    def words_from(self, tokens: list[Token], start: int) -> tuple[Node | None, int]:
        """The longest synonym starting at ``start`` (plain words only), else one word."""
        end = start
        while end < len(tokens) and tokens[end].kind == "word" and end - start < self.synonyms.longest + 3:
            end += 1
        for stop in range(end, start, -1):
            lowered = [t.words[0] for t in tokens[start:stop]]
            key = stem_key(lowered)
            if key and key in self.synonyms.keys:
                words_nodes = [n for n in (self.word(w) for w in lowered) if n is not None]
                own = words_nodes[0] if len(words_nodes) == 1 else Node("all", children=words_nodes)
                return self.with_synonyms(key, own), stop
        return self.word(tokens[start].words[0]), start + 1

    def with_synonyms(self, key: tuple[str, ...], own: Node | None) -> Node | None:
        index = self.synonyms.keys.get(key)
        if own is None or index is None:
            return own
        alternatives = [own]
        for other in self.synonyms.others(index, key):
            lowered = words(other)
            alt = self.word(lowered[0], SYNONYM_FACTOR, expand=False) if len(lowered) == 1 else self.phrase(lowered, SYNONYM_FACTOR)
            if alt is not None:
                alternatives.append(alt)
        return Node("any", children=alternatives) if len(alternatives) > 1 else own

    def word(self, word: str, factor: float = 1.0, expand: bool = True) -> Node | None:
        stem, exact = sv_term(word)
        english = en_term(word)
        if not stem or not english:
            return None  # a stop word in either language: it would only narrow at random
        node = Node("terms", word=word, plain=exact)
        terms = {stem, english}
        for term in terms:
            self.highlight.add(term)
            node.sources += [Source(f, term, w * factor) for f, w in FIELD_WEIGHTS.items()]
        node.sources.append(Source("places", stem, PLACE_WEIGHT * factor))
        if exact:
            node.bonus.append(Source("exact", exact, EXACT_TIER * factor))
        if expand and len(stem) >= MIN_COMPOUND and not stem.isdigit():
            for term in self.compounds(stem, exact or stem if word != fold(word) else ""):
                self.highlight.add(term)
                node.sources += [Source(f, term, w * factor * COMPOUND_FACTOR, stem) for f, w in FIELD_WEIGHTS.items()]
        return node

    def prefix(self, word: str) -> Node | None:
        folded = fold(word)
        if len(folded) < MIN_PREFIX:
            self.notes.append("prefix")
            return None
        prefixes = {folded}
        stem = sv_term(word)[0]
        if len(stem) >= MIN_PREFIX:
            prefixes.add(stem)
        candidates: dict[str, int] = {}
        for prefix in prefixes:
            for term, df in self._expand(prefix, MAX_PREFIX_TERMS):
                candidates[term] = df
        chosen = heapq.nlargest(MAX_PREFIX_TERMS, candidates, key=lambda t: (candidates[t], t))
        self.highlight.update(chosen)
        sources = [Source(f, t, w * PREFIX_FACTOR, chosen[0]) for t in chosen for f, w in FIELD_WEIGHTS.items()]
        return Node("terms", sources=sources)

    def phrase(self, lowered: list[str], factor: float = 1.0) -> Node | None:
        sequences: list[tuple[str, tuple[tuple[str, int], ...]]] = []
        seen = set()
        for lang in ("sv", "en"):
            seq = tuple((t, pos) for pos, t in enumerate(analysis.term(w, lang) for w in lowered) if t)
            if not seq or seq in seen:
                continue
            seen.add(seq)
            if len(seq) == 1:
                continue
            first = seq[0][1]
            seq = tuple((t, pos - first) for t, pos in seq)
            sequences += [(f, seq) for f in FIELD_WEIGHTS]
        content = [w for w in lowered if sv_term(w)[0] and en_term(w)]
        if not sequences:
            return self.word(content[0], factor) if content else None
        node = Node("phrase", sequences=sequences)
        for f, seq in sequences:
            for term, _ in seq:
                self.highlight.add(term)
                node.sources.append(Source(f, term, FIELD_WEIGHTS[f] * factor))
        return node

    def compounds(self, stem: str, exact_prefix: str) -> list[str]:
        """Terms that begin or end with ``stem`` (Swedish compounds), most frequent first.
        A word typed with diacritics expands only over spellings with the same letters."""
        candidates: dict[str, int] = {}
        if exact_prefix:
            for seg, _ in self.state.segments:
                lexicon = seg.lexicon()
                for unfolded in prefix_range(lexicon.exact, exact_prefix):
                    folded = unfolded.translate(analysis.accent_map)
                    if folded != stem:
                        candidates[folded] = max(candidates.get(folded, 0), lexicon.df.get(folded, 0))
        else:
            candidates.update(self._expand(stem, MAX_COMPOUND_TERMS))
        for seg, _ in self.state.segments:
            lexicon = seg.lexicon()
            for reversed_term in prefix_range(lexicon.reversed_terms, stem[::-1]):
                term = reversed_term[::-1]
                candidates[term] = candidates.get(term, 0) + lexicon.df.get(term, 0)
        candidates.pop(stem, None)
        return heapq.nlargest(MAX_COMPOUND_TERMS, candidates, key=lambda t: (candidates[t], t))

    def _expand(self, prefix: str, limit: int) -> list[tuple[str, int]]:
        merged: dict[str, int] = {}
        for seg, _ in self.state.segments:
            lexicon = seg.lexicon()
            for term in prefix_range(lexicon.terms, prefix):
                merged[term] = merged.get(term, 0) + lexicon.df[term]
        return heapq.nlargest(limit, merged.items(), key=lambda kv: (kv[1], kv[0]))


def prefix_range(sorted_terms: list[str], prefix: str) -> list[str]:
    """Terms starting with ``prefix`` (at most MAX_SCAN of them)."""
    start = bisect_left(sorted_terms, prefix)
    out = []
    for term in sorted_terms[start:start + MAX_SCAN]:
        if not term.startswith(prefix):
            break
        out.append(term)
    return out
