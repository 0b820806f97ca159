"""What a search selects beyond its words, on one index generation: the bitsets of the
filters and of a set of entries, how many matches carry each facet value, and the order of
the title (A–Ö) and date sorts."""

from __future__ import annotations

import heapq
from collections.abc import Callable, Iterable

from knowledgebase.search.engine import State, bits_from_docs, docs_from_bits

# Up to this many matches, a sort extracts and sorts them; above, it walks a cached order.
SMALL_SET = 4000


def ordered(state: State, match: int, sort: str, locale: str, count: int) -> list[int]:
    """The first ``count`` matches by title (A–Ö) or by last update (newest first)."""
    if sort == "updated":
        key = _updated_key(state)
    else:
        key = _title_key(state, locale)
    if match.bit_count() <= SMALL_SET:
        return heapq.nsmallest(count, docs_from_bits(match), key=key)
    order = _order(state, sort, locale, key)
    data = match.to_bytes((match.bit_length() + 7) >> 3, "little")
    size = len(data)
    out = []
    for doc in order:
        i = doc >> 3
        if i < size and data[i] >> (doc & 7) & 1:
            out.append(doc)
            if len(out) == count:
                break
    return out


def _updated_key(state: State):
    def key(doc: int):
        seg, local = state.locate(doc)
        return (-seg.updated[local], -doc)
    return key


def _title_key(state: State, locale: str):
    def key(doc: int):
        seg, local = state.locate(doc)
        return (seg.title_keys(locale)[local], doc)
    return key


def _order(state: State, sort: str, locale: str, key) -> list[int]:
    """Every live document in sort order, computed once per generation."""
    name = f"order:{sort}:{locale}"
    if name not in state.cache:
        keys: list = []
        for seg, _ in state.segments:
            if sort == "updated":
                keys += [-u for u in seg.updated]
            else:
                keys += seg.title_keys(locale)
        live = docs_from_bits(state.live)
        # Stable sort on the key alone keeps document order for ties (newer later); the
        # date sort wants newer first among equal times, hence the reversed walk.
        if sort == "updated":
            live.reverse()
        state.cache[name] = sorted(live, key=keys.__getitem__)
    return state.cache[name]


def facet_values(state: State) -> dict[str, list[str]]:
    """Facet → the values present in this generation."""
    cache = state.cache.get("facet_values")
    if cache is None:
        cache = {}
        for term in sorted(state.facet_terms()):
            name, _, value = term.partition(":")
            cache.setdefault(name, []).append(value)
        state.cache["facet_values"] = cache
    return cache


def filter_bits(state: State, filters: dict[str, list[str]], term: Callable[[str, str], str]) -> dict[str, int]:
    """Per facet with a selection: the documents having any selected value (OR within);
    ``term(name, value)`` is the index term of a value."""
    result = {}
    for name, values in filters.items():
        if values:
            bits = 0
            for value in values:
                bits |= state.facet_bits(term(name, value))
            result[name] = bits
    return result


def entry_bits(state: State, entry_ids: Iterable[int]) -> int:
    """The live documents of ``entry_ids`` (ids the index does not hold are left out)."""
    mapping = state.entry_ids()
    return bits_from_docs([mapping[i] for i in entry_ids if i in mapping])


def facet_counts(state: State, match: int, selected: dict[str, int], facets: Iterable[str],
                 chosen: dict[str, list[str]], term: Callable[[str, str], str]) -> dict[str, dict[str, int]]:
    """Counts per facet value among the matches, each facet ignoring its own selection (so
    that choosing a second value of one facet widens, as OR within a facet promises)."""
    present = facet_values(state)
    counts: dict[str, dict[str, int]] = {}
    for name in facets:
        base = match
        for other, bits in selected.items():
            if other != name:
                base &= bits
        values = {}
        if base:
            for value in present.get(name, ()):
                count = (base & state.facet_bits(f"{name}:{value}")).bit_count()
                if count:
                    values[value] = count
        for value in chosen.get(name, ()):
            # A chosen value is always shown: counted when it is not a value of its own
            # (a CPV prefix), zero when nothing matches.
            if value not in values:
                values[value] = (base & state.facet_bits(term(name, value))).bit_count() if base else 0
        counts[name] = values
    return counts
