"""Segments as the search reads them: whole posting lists read block by block, bitsets of
document numbers, and what is cached per segment (columns, facets, lexicon, hot postings).

Segments never change once written, so these caches stay valid across index generations:
a save that adds a small segment leaves the caches of the big one warm."""

from __future__ import annotations

import re
import threading
from array import array
from collections import OrderedDict, deque
from dataclasses import dataclass
from itertools import accumulate, compress, repeat

from whoosh.reading import SegmentReader, TermNotFound
from whoosh.support.charset import accent_map

from knowledgebase.search import store

_NONZERO = re.compile(rb"[^\x00]")
_ONE = ord("1")
_BITS = tuple(tuple(j for j in range(8) if byte >> j & 1) for byte in range(256))
EMPTY = array("I")


def bits_from_docs(docs, offset: int = 0) -> int:
    """A bitset (int) of document numbers, shifted by ``offset``.

    For dense lists the loop runs in C: ``map`` sets one ASCII digit per document in a
    bytearray, and ``int(…, 2)`` packs the digits into bits."""
    if not docs:
        return 0
    top = docs[-1] if isinstance(docs, array) else max(docs)
    if len(docs) * 32 < top:
        # Sparse: set bits in a byte buffer an eighth of the size (fewer bytes to convert).
        data = bytearray((top >> 3) + 1)
        for d in docs:
            data[d >> 3] |= 1 << (d & 7)
        bits = int.from_bytes(data, "little")
        return bits << offset if offset else bits
    digits = bytearray(b"0") * (top + 1)
    deque(map(digits.__setitem__, docs, repeat(_ONE)), maxlen=0)
    digits.reverse()
    bits = int(digits, 2)
    return bits << offset if offset else bits


def docs_from_bits(bits: int) -> list[int]:
    """The document numbers in a bitset, ascending."""
    if not bits:
        return []
    data = bits.to_bytes((bits.bit_length() + 7) >> 3, "little")
    out: list[int] = []
    extend = out.extend
    for match in _NONZERO.finditer(data):
        base = match.start() << 3
        extend([base + j for j in _BITS[data[base >> 3]]])
    return out


class Postings:
    """One term's postings in one segment: local document numbers and frequencies."""

    __slots__ = ("docs", "freqs", "_bits", "max_freq")

    def __init__(self, docs: array, freqs: array):
        self.docs = docs
        self.freqs = freqs
        self._bits: int | None = None
        self.max_freq = max(freqs) if freqs else 0.0

    @property
    def bits(self) -> int:
        if self._bits is None:
            self._bits = bits_from_docs(self.docs)
        return self._bits


NO_POSTINGS = Postings(EMPTY, array("f"))


@dataclass
class Lexicon:
    """The text terms of a segment, for prefix, compound and exact-spelling expansion."""

    df: dict[str, int]
    terms: list[str]
    reversed_terms: list[str]
    exact: list[str]
    # Folded stem → the spellings with diacritics that fold to it.
    variants: dict[str, list[str]]


class Segment:
    """An open segment and everything cached about it (valid for as long as it exists)."""

    def __init__(self, storage, schema, segment, generation: int):
        self.id = segment.segment_id()
        self.reader = SegmentReader(storage, schema, segment, generation=generation)
        self.count = segment.doc_count_all()
        self.lock = threading.RLock()
        self.refs = 0
        self.eids = store.raw_column(self.reader, "eid", "I", self.count)
        self.max_eid = max(self.eids, default=0)
        self.updated = store.raw_column(self.reader, "updated", "I", self.count)
        self.lengths = {name: store.raw_column(self.reader, f"len_{name}", "H", self.count)
                        for name in store.TEXT_FIELDS}
        self.min_lengths = {name: min(lengths, default=0) for name, lengths in self.lengths.items()}
        self._cache: OrderedDict[tuple[str, str], Postings] = OrderedDict()
        self._cached = 0
        self._budget = max(300_000, 30 * self.count)
        self._facets: dict[str, int] | None = None
        self._lexicon: Lexicon | None = None
        self._tkeys: dict[str, list[bytes]] = {}

    def close(self) -> None:
        with self.lock:
            self.reader.close()

    def _matcher(self, fieldname: str, term: str):
        reader = self.reader
        return reader._terms.matcher(fieldname, term.encode(), reader.schema[fieldname].format)  # noqa: SLF001

    def _read(self, fieldname: str, term: str, values: bool = False) -> tuple[array, array, list]:
        """Read a posting list whole, block by block (no per-posting matcher calls)."""
        docs, freqs, vals = array("I"), array("f"), []
        try:
            matcher = self._matcher(fieldname, term)
        except (TermNotFound, KeyError):
            return docs, freqs, vals
        if hasattr(matcher, "_read_data") and hasattr(matcher, "_lastblock"):
            # whoosh3's W3LeafMatcher (pinned version): unpickle each block and decode its
            # delta-coded ids with itertools.accumulate (in C) instead of a generator.
            while True:
                matcher._read_data()  # noqa: SLF001
                ids, weights, block_values = matcher._data  # noqa: SLF001
                docs.extend(accumulate(ids))
                count = matcher._blocklength  # noqa: SLF001
                if weights is None:
                    freqs.extend(repeat(1.0, count))
                elif isinstance(weights, float):
                    freqs.extend(repeat(weights, count))
                else:
                    freqs.extend(weights)
                if values:
                    vals.extend(block_values if block_values is not None else repeat(b"", count))
                if matcher._lastblock:  # noqa: SLF001
                    break
                matcher._next_block()  # noqa: SLF001
        else:  # postings inlined in the term info: a short list
            while matcher.is_active():
                docs.append(matcher.id())
                freqs.append(matcher.weight())
                if values:
                    vals.append(matcher.value())
                matcher.next()
        return docs, freqs, vals

    def postings(self, fieldname: str, term: str) -> Postings:
        """A term's postings, from a bounded LRU cache."""
        key = (fieldname, term)
        with self.lock:
            hit = self._cache.get(key)
            if hit is not None:
                self._cache.move_to_end(key)
                return hit
            docs, freqs, _ = self._read(fieldname, term)
            postings = Postings(docs, freqs) if docs else NO_POSTINGS
            self._cache[key] = postings
            self._cached += len(docs) + 1
            while self._cached > self._budget and len(self._cache) > 1:
                _, old = self._cache.popitem(last=False)
                self._cached -= len(old.docs) + 1
            return postings

    def positions(self, fieldname: str, term: str, wanted: set[int]) -> list[bytes]:
        """Encoded positions of ``term`` in the local documents ``wanted`` (all of which have
        the term), in ascending document order: selected in C, without a dict."""
        with self.lock:
            docs, _, vals = self._read(fieldname, term, values=True)
        return list(compress(vals, map(wanted.__contains__, docs)))

    def doc_frequency(self, fieldname: str, term: str) -> int:
        with self.lock:
            try:
                return self.reader.doc_frequency(fieldname, term)
            except (TermNotFound, KeyError):
                return 0

    def facets(self) -> dict[str, int]:
        """Local bitsets of every facet value ("type:enterprise" → bits)."""
        with self.lock:
            if self._facets is None:
                terms = [t.decode() for t in self.reader.lexicon("facet")]
                self._facets = {t: bits_from_docs(self._read("facet", t)[0]) for t in terms}
            return self._facets

    def lexicon(self) -> Lexicon:
        with self.lock:
            if self._lexicon is None:
                df: dict[str, int] = {}
                for fieldname in store.TEXT_FIELDS:
                    for btext, info in self.reader.iter_field(fieldname):
                        text = btext.decode()
                        df[text] = df.get(text, 0) + info.doc_frequency()
                terms = sorted(df)
                exact = sorted(t.decode() for t in self.reader.lexicon("exact"))
                variants: dict[str, list[str]] = {}
                for spelling in exact:
                    variants.setdefault(spelling.translate(accent_map), []).append(spelling)
                self._lexicon = Lexicon(df, terms, sorted(t[::-1] for t in terms), exact, variants)
            return self._lexicon

    def variants(self, stem: str) -> list[str]:
        return self.lexicon().variants.get(stem, [])

    def title_keys(self, locale: str) -> list[bytes]:
        with self.lock:
            keys = self._tkeys.get(locale)
            if keys is None:
                column = self.reader.column_reader(f"tkey_{locale}", translate=False)
                keys = self._tkeys[locale] = [column[i] for i in range(self.count)]
            return keys
