"""Reading the index fast: segment caches, document-number bitsets, and one long-lived view
per index generation that every thread of a process shares.

Whoosh's own matchers cost ~19 µs per matching document at 100 000 entries (see
docs/search.md), nearly all of it interpreter overhead walking matcher trees. Here posting
lists are read whole (``segments``), sets of documents are Python integers used as bitsets
(AND, OR and popcount run in C, which makes exact facet counts cheap), and each process
keeps one ``State`` per index generation, shared by its threads and replaced when a writer
commits."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from whoosh import index

from knowledgebase.search import store
from knowledgebase.search.segments import Segment, bits_from_docs, docs_from_bits

__all__ = ["Engine", "State", "Segment", "bits_from_docs", "docs_from_bits"]


@dataclass
class State:
    """One generation of the index as this process sees it."""

    generation: int
    segments: list[tuple[Segment, int]]
    live: int
    total: int
    users: int = 0
    retired: bool = False
    _facet_bits: dict[str, int] = field(default_factory=dict)
    _avg: dict[str, float] = field(default_factory=dict)
    _df: dict[tuple[str, str], int] = field(default_factory=dict)
    _eid_map: dict[int, int] | None = None
    lock: threading.Lock = field(default_factory=threading.Lock)
    # Per-generation results of evaluate (sort orders, facet values).
    cache: dict = field(default_factory=dict)

    @property
    def live_count(self) -> int:
        return self.live.bit_count()

    @property
    def max_entry_id(self) -> int:
        """The highest entry id in this generation (deleted documents included)."""
        return max((seg.max_eid for seg, _ in self.segments), default=0)

    def term_bits(self, fieldname: str, term: str) -> int:
        bits = 0
        for seg, offset in self.segments:
            local = seg.postings(fieldname, term).bits
            if local:
                bits |= local << offset
        return bits

    def doc_frequency(self, fieldname: str, term: str) -> int:
        key = (fieldname, term)
        df = self._df.get(key)
        if df is None:
            df = self._df[key] = sum(seg.doc_frequency(fieldname, term) for seg, _ in self.segments)
        return df

    def facet_terms(self) -> set[str]:
        return {t for seg, _ in self.segments for t in seg.facets()}

    def facet_bits(self, term: str) -> int:
        """Live documents with a facet value; cached for this generation."""
        bits = self._facet_bits.get(term)
        if bits is None:
            bits = 0
            for seg, offset in self.segments:
                local = seg.facets().get(term, 0)
                if local:
                    bits |= local << offset
            bits &= self.live
            with self.lock:
                self._facet_bits[term] = bits
        return bits

    def avg_length(self, fieldname: str) -> float:
        avg = self._avg.get(fieldname)
        if avg is None:
            total = sum(sum(seg.lengths[fieldname]) for seg, _ in self.segments)
            avg = self._avg[fieldname] = max(total / max(self.total, 1), 1.0)
        return avg

    def locate(self, docnum: int) -> tuple[Segment, int]:
        for seg, offset in reversed(self.segments):
            if docnum >= offset:
                return seg, docnum - offset
        raise IndexError(docnum)

    def entry_id(self, docnum: int) -> int:
        seg, local = self.locate(docnum)
        return seg.eids[local]

    def entry_ids(self) -> dict[int, int]:
        """Entry id → document number of every live document."""
        if self._eid_map is None:
            live = self.live
            mapping = {}
            for seg, offset in self.segments:
                for local, eid in enumerate(seg.eids):
                    if live >> (offset + local) & 1:
                        mapping[eid] = offset + local
            self._eid_map = mapping
        return self._eid_map

    def stamps(self) -> dict[int, str]:
        """Entry id → stamp of every live document (for the drift check)."""
        result = {}
        for eid, docnum in self.entry_ids().items():
            seg, local = self.locate(docnum)
            with seg.lock:
                result[eid] = seg.reader.stored_fields(local).get("stamp", "")
        return result


class Engine:
    """The index of one app in this process: opens it, notices new generations, and hands
    out the current ``State`` to any number of threads."""

    def __init__(self, path: str | Path):
        self.path = Path(path)
        self.ix: index.Index | None = None
        self._state: State | None = None
        self._segments: dict[str, Segment] = {}
        self._lock = threading.RLock()
        self.closed = False

    def open(self) -> tuple[index.Index, bool]:
        with self._lock:
            self.ix, created = store.open_or_create(self.path)
            return self.ix, created

    def recreate(self) -> index.Index:
        with self._lock:
            self._retire(self._state)
            self._state = None
            self.ix = store.create(self.path)
            return self.ix

    def _latest(self) -> int:
        return index.TOC._latest_generation(self.ix.storage, self.ix.indexname)  # noqa: SLF001

    def _build(self) -> State:
        toc = self.ix._read_toc()  # noqa: SLF001
        segments, offset, live = [], 0, 0
        for whoosh_segment in toc.segments:
            key = whoosh_segment.segment_id()
            seg = self._segments.get(key)
            if seg is None:
                seg = self._segments[key] = Segment(self.ix.storage, toc.schema, whoosh_segment, toc.generation)
            seg.refs += 1
            count = whoosh_segment.doc_count_all()
            seg_live = (1 << count) - 1
            deleted = sorted(whoosh_segment.deleted_docs() or ())
            if deleted:
                seg_live &= ~bits_from_docs(deleted)
            live |= seg_live << offset
            segments.append((seg, offset))
            offset += count
        return State(toc.generation, segments, live, offset)

    def _retire(self, state: State | None) -> None:
        if state is None:
            return
        state.retired = True
        if state.users == 0:
            self._release(state)

    def _release(self, state: State) -> None:
        for seg, _ in state.segments:
            seg.refs -= 1
            if seg.refs <= 0:
                self._segments.pop(seg.id, None)
                seg.close()
        state.segments = []

    def current(self) -> State:
        """The state of the newest generation (refreshed when a writer committed)."""
        with self._lock:
            if self.ix is None:
                self.open()
            state = self._state
            if state is None or state.generation != self._latest():
                for attempt in range(5):
                    try:
                        new = self._build()
                        break
                    except OSError:  # a writer removed a file between listing and opening
                        if attempt == 4:
                            raise
                self._retire(state)
                self._state = state = new
            return state

    @contextmanager
    def reading(self) -> Iterator[State]:
        with self._lock:
            state = self.current()
            state.users += 1
        try:
            yield state
        finally:
            with self._lock:
                state.users -= 1
                if state.retired and state.users == 0:
                    self._release(state)

    def close(self) -> None:
        """Close every open file (the app is going away)."""
        with self._lock:
            self.closed = True
            self._retire(self._state)
            self._state = None
            for seg in list(self._segments.values()):
                seg.close()
            self._segments.clear()
