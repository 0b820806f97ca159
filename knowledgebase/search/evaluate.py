"""Running a clause tree on one index generation: which documents match (bitsets, exact)
and how they rank (BM25 over the matching documents only). Filters, facet counts and the
title and date sorts are in ``selection``."""

from __future__ import annotations

import heapq
import math
from array import array
from bisect import bisect_left
from collections.abc import Iterable
from itertools import chain, compress, repeat
from operator import and_, not_, or_, sub

from knowledgebase.search import store
from knowledgebase.search.engine import State, bits_from_docs, docs_from_bits
from knowledgebase.search.query import EXACT_BONUS, Node, Source

K1 = 1.2
B = 0.75
# Occurrence numbers: document << 16 | position (positions are 16-bit in the index).
_SHIFT_DOC = (16).__rlshift__  # d -> d << 16, called from C by map()
_DOC_OF = (16).__rrshift__  # n -> n >> 16
_HALF = (2).__rfloordiv__  # a value of n bytes holds n // 2 positions


class Evaluator:
    """Bitsets and scores for the nodes of one query; caches term bitsets per query."""

    def __init__(self, state: State):
        self.state = state
        self._bits: dict[tuple[str, str], int] = {}
        self._node_bits: dict[int, int] = {}

    def term_bits(self, fieldname: str, term: str) -> int:
        key = (fieldname, term)
        bits = self._bits.get(key)
        if bits is None:
            bits = self._bits[key] = self.state.term_bits(fieldname, term)
        return bits

    def bits(self, node: Node) -> int:
        cached = self._node_bits.get(id(node))
        if cached is not None:
            return cached
        if node.kind == "terms":
            bits = 0
            for source in node.sources:
                bits |= self.term_bits(source.field, source.term)
        elif node.kind == "phrase":
            bits = 0
            for fieldname, sequence in node.sequences:
                bits |= self._phrase(fieldname, sequence)
        elif node.kind == "any":
            bits = 0
            for child in node.children:
                bits |= self.bits(child)
        else:
            bits = self.state.live
            for child in node.children:
                bits &= self.bits(child)
        self._node_bits[id(node)] = bits
        return bits

    def match(self, nodes: list[Node]) -> int:
        bits = self.state.live & self.state.facet_bits("status:published")
        for node in nodes:
            if not bits:
                break
            bits &= self.bits(node)
        return bits

    def _phrase(self, fieldname: str, sequence: tuple[tuple[str, int], ...]) -> int:
        """Documents with the terms at the sequence's relative positions in ``fieldname``:
        the documents having every term, then a check of their positions."""
        candidates = self.state.live
        for term, _ in sequence:
            candidates &= self.term_bits(fieldname, term)
            if not candidates:
                return 0
        found: list[int] = []
        for seg, offset in self.state.segments:
            local = (candidates >> offset) & ((1 << seg.count) - 1)
            if local:
                wanted = docs_from_bits(local)
                wanted_set = set(wanted)
                columns = [seg.positions(fieldname, term, wanted_set) for term, _ in sequence]
                found += [doc + offset for doc in _lined_up(wanted, columns, [rel for _, rel in sequence])]
        return bits_from_docs(sorted(found))

    def ranked(self, nodes: list[Node], match: int, count: int) -> list[tuple[int, float]]:
        """The ``count`` best matching documents by BM25, exactly, without scoring every match.

        Term-at-a-time over the query's posting lists, highest possible contribution first.
        Once the ``count``-th best partial score exceeds what all unread lists could still
        add, no unseen document can make the page: later lists only update the documents
        already seen, and documents that can no longer reach the page are dropped."""
        tier = self._spelled_as_typed(nodes, match)
        skip_exact = tier.bit_count() >= count
        if skip_exact:
            # Enough documents carry every word spelled exactly as typed: the page comes from
            # them alone, and the exact-spelling tier no longer needs scoring.
            match = tier
        data = match.to_bytes((match.bit_length() + 7) >> 3, "little")
        lists = self._lists(nodes, match, skip_exact)
        remaining = sum(item[0] for item in lists)
        scores: dict[int, float] = {}
        accepting, threshold, prune_at = True, 0.0, 0.0
        for bound, kind, payload in lists:
            remaining -= bound
            if kind == "bits":
                _add_bonus(scores, payload & match, bound, accepting)
            else:
                _add_postings(scores, payload, data, match, accepting)
            if len(scores) < count:
                continue
            # The threshold only grows. Recompute it (a pass over the scores) only when the
            # unread lists could add little more than it, or could add half as much as at
            # the last pruning.
            if (accepting and (not threshold or remaining < 2 * threshold)) or (not accepting and remaining <= prune_at):
                threshold = heapq.nlargest(count, scores.values())[-1]
                if remaining < threshold:
                    accepting, prune_at = False, remaining / 2
                    scores = {d: v for d, v in scores.items() if v + remaining >= threshold}
        best = heapq.nlargest(count, scores.items(), key=lambda kv: (kv[1], -kv[0]))
        return best

    def _spelled_as_typed(self, nodes: list[Node], match: int) -> int:
        """Matches that have every word typed with diacritics spelled exactly so (0 when no
        word was typed with diacritics)."""
        tier = -1
        for node in nodes:
            for source in node.bonus:
                tier &= self.term_bits(source.field, source.term)
        return match & tier if tier != -1 else 0

    def _lists(self, nodes: list[Node], match: int, skip_exact: bool = False) -> list[tuple[float, str, object]]:
        """(upper bound of the contribution, kind, data) per source, highest bound first."""
        state = self.state
        total = max(state.live_count, 1)
        lists: list[tuple[float, str, object]] = []
        for source in _unique(s for node in nodes for s in node.all_sources()):
            if skip_exact and source.field == "exact":
                continue
            df = state.doc_frequency(source.field, source.term)
            if not df:
                continue
            if source.field == "exact":  # a tier for the spelling, the same for every word
                weight = source.weight
            else:
                if source.rarity_of:
                    df = max(df, state.doc_frequency(source.field, source.rarity_of))
                weight = source.weight * math.log(1 + (total - df + 0.5) / (df + 0.5))
            text = source.field in store.TEXT_FIELDS
            avg = state.avg_length(source.field) if text else 1.0
            parts, bound = [], 0.0
            for seg, offset in state.segments:
                postings = seg.postings(source.field, source.term)
                if postings.docs and (postings.bits << offset) & match:
                    parts.append((offset, postings, seg.lengths[source.field] if text else None))
                    if text:  # the most this list can add: its highest frequency, shortest text
                        tf = postings.max_freq
                        shortest = seg.min_lengths[source.field]
                        bound = max(bound, weight * (K1 + 1) * tf / (tf + K1 * (1 - B) + K1 * B * shortest / avg))
                    else:
                        bound = weight
            if parts:
                lists.append((bound, "postings", (weight, avg, parts)))
        for node in _terms_nodes(nodes):
            plain = self._plain(node)
            if plain:
                lists.append((EXACT_BONUS, "bits", plain))
        lists.sort(key=lambda item: -item[0])
        return lists

    def _plain(self, node: Node) -> int:
        """Documents spelled like a word typed without diacritics (the word has variants
        with diacritics in the index, and these documents do not use them)."""
        if node.plain or not node.word or not node.sources:
            return 0
        stem = node.sources[0].term
        variants = {v for seg, _ in self.state.segments for v in seg.variants(stem)}
        if not variants:
            return 0
        spelled_otherwise = 0
        for variant in variants:
            spelled_otherwise |= self.term_bits("exact", variant)
        return self.bits(node) & ~spelled_otherwise


def _add_postings(scores: dict[int, float], payload, data: bytes, match: int, accepting: bool) -> None:
    weight, avg, parts = payload
    norm, scale, top = K1 * (1 - B), K1 * B / avg, weight * (K1 + 1)
    size = len(data)
    get = scores.get
    for offset, postings, lengths in parts:
        docs, freqs = postings.docs, postings.freqs
        if accepting:
            own = postings.bits << offset
            # A list wholly inside the matches (the usual case for a word's own lists)
            # needs no per-posting membership test.
            if own & match == own:
                if lengths is None:
                    for doc in docs:
                        g = doc + offset
                        scores[g] = get(g, 0.0) + weight
                else:
                    for doc, tf in zip(docs, freqs):
                        g = doc + offset
                        scores[g] = get(g, 0.0) + top * tf / (tf + norm + scale * lengths[doc])
            else:
                for doc, tf in zip(docs, freqs):
                    g = doc + offset
                    i = g >> 3
                    if i < size and data[i] >> (g & 7) & 1:
                        if lengths is None:
                            scores[g] = get(g, 0.0) + weight
                        else:
                            scores[g] = get(g, 0.0) + top * tf / (tf + norm + scale * lengths[doc])
        elif len(scores) * 8 < len(docs):
            # Few documents left in the running: look each up instead of reading the list.
            for g in [g for g in scores if offset <= g]:
                i = bisect_left(docs, g - offset)
                if i < len(docs) and docs[i] == g - offset:
                    tf = freqs[i]
                    scores[g] += weight if lengths is None else top * tf / (tf + norm + scale * lengths[docs[i]])
        else:
            for doc, tf in zip(docs, freqs):
                g = doc + offset
                if g in scores:
                    scores[g] += weight if lengths is None else top * tf / (tf + norm + scale * lengths[doc])


def _add_bonus(scores: dict[int, float], bits: int, bonus: float, accepting: bool) -> None:
    if accepting:
        for doc in docs_from_bits(bits):
            scores[doc] = scores.get(doc, 0.0) + bonus
    else:
        for doc in scores:
            if bits >> doc & 1:
                scores[doc] += bonus


def _terms_nodes(nodes: Iterable[Node]) -> Iterable[Node]:
    for node in nodes:
        if node.kind == "terms":
            yield node
        yield from _terms_nodes(node.children)


def _unique(sources: Iterable[Source]) -> list[Source]:
    """Merge repeated (field, term) pairs, keeping the largest weight."""
    best: dict[tuple[str, str], Source] = {}
    for source in sources:
        key = (source.field, source.term)
        if key not in best or best[key].weight < source.weight:
            best[key] = source
    return list(best.values())


def _lined_up(docs: list[int], columns: list[list[bytes]], rels: list[int]) -> list[int]:
    """The documents whose positions line up: ``columns[k][i]`` holds the positions of the
    k-th word in ``docs[i]``, which must be ``rels[k]`` after the first word's. Most words
    occur once per document (a 2-byte value); those documents are checked with C-level maps
    over arrays, the others as sets of occurrence numbers (``_lined_up_many``)."""
    simple = list(map(all, zip(*[map((2).__eq__, map(len, column)) for column in columns])))
    first = _positions_array(compress(columns[0], simple))
    lined_up = None
    for column, rel in zip(columns[1:], rels[1:]):
        step = map(rel.__eq__, map(sub, _positions_array(compress(column, simple)), first))
        lined_up = step if lined_up is None else map(and_, lined_up, step)
    found = list(compress(compress(docs, simple), lined_up)) if lined_up is not None else list(compress(docs, simple))
    if not all(simple):
        found += _lined_up_many(list(compress(docs, map(not_, simple))),
                                [list(compress(column, map(not_, simple))) for column in columns], rels)
    return found


def _lined_up_many(docs: list[int], columns: list[list[bytes]], rels: list[int]) -> list[int]:
    """``_lined_up`` for documents where some word occurs more than once. Each occurrence
    becomes one number, document << 16 | position, so "b is ``rel`` after a" is a set
    intersection of a's numbers with b's numbers minus ``rel`` (all in C)."""
    lined_up: set[int] | None = None
    for column, rel in zip(columns, rels):
        positions = _positions_array(column)
        owners = chain.from_iterable(map(repeat, docs, map(_HALF, map(len, column))))
        keys = map(or_, map(_SHIFT_DOC, owners), positions)
        moved = set(map(rel.__rsub__, keys)) if rel else set(keys)
        lined_up = moved if lined_up is None else lined_up & moved
        if not lined_up:
            return []
    return list(set(map(_DOC_OF, lined_up)))


def _positions_array(values: Iterable[bytes]) -> array:
    positions = array("H")
    positions.frombytes(b"".join(values))
    return positions
