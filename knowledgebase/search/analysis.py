"""Text analysis for the index and for queries: words, diacritics folding, Swedish and
English stemming, stop words, and the sort keys of titles.

The same functions analyse documents and queries, so both sides always agree. Results per
word are cached: a corpus has few distinct words, and stemming is pure Python."""

from __future__ import annotations

import re
from collections.abc import Iterable

from whoosh.lang import stemmer_for_language, stopwords_for_language
from whoosh.support.charset import accent_map

WORD_RE = re.compile(r"[^\W_]+")
# Longer "words" are noise (hashes, URLs run together) and only slow the index down.
MAX_WORD = 40
VOWELS = frozenset("aeiouyåäöéü")
SV_STOP = frozenset(stopwords_for_language("sv"))
EN_STOP = frozenset(stopwords_for_language("en"))
STOP = SV_STOP | EN_STOP
# Position gap between two texts indexed into one field, so that no phrase spans them.
TEXT_GAP = 100
MAX_POSITION = 65_000

_sv_stem = stemmer_for_language("sv")
_en_stem = stemmer_for_language("en")
_sv_cache: dict[str, tuple[str, str]] = {}
_en_cache: dict[str, str] = {}
_CACHE_LIMIT = 300_000

# Swedish sorts å, ä, ö after z (in that order); other accents sort as their base letter.
_SORT_MAP = {**accent_map, ord("å"): "{", ord("ä"): "|", ord("ö"): "}", ord("æ"): "|", ord("ø"): "}"}


def fold(text: str) -> str:
    """Lower case without diacritics: "Jönköping" → "jonkoping"."""
    return text.lower().translate(accent_map)


def words(text: str) -> list[str]:
    """The lower-cased words of ``text`` (letters and digits; everything else separates)."""
    return [w for w in WORD_RE.findall(text.lower()) if len(w) <= MAX_WORD]


def _sv_extra(stem: str) -> str:
    """Endings the Snowball stemmer leaves: the definite neuter "-et" (kooperativet,
    företaget, länet) and the adjective "-t" after l or ig (socialt, lokalt, viktigt)."""
    for _ in range(2):
        if len(stem) >= 5 and stem.endswith("et") and stem[-3] not in VOWELS:
            stem = stem[:-2]
        else:
            break
    if len(stem) >= 5 and stem.endswith("lt"):
        stem = stem[:-1]
    elif len(stem) >= 6 and stem.endswith("igt"):
        stem = stem[:-3]
    return stem


def sv_term(word: str) -> tuple[str, str]:
    """A lower-cased word as (folded Swedish stem, unfolded stem if it has diacritics, else
    ""); ("", "") for a stop word."""
    cached = _sv_cache.get(word)
    if cached is None:
        if word in SV_STOP:
            cached = ("", "")
        else:
            stem = _sv_extra(_sv_stem(word)) if not word.isdigit() else word
            folded = stem.translate(accent_map)
            cached = (folded, stem if folded != stem else "")
        if len(_sv_cache) > _CACHE_LIMIT:
            _sv_cache.clear()
        _sv_cache[word] = cached
    return cached


def en_term(word: str) -> str:
    """A lower-cased word as its folded English stem; "" for a stop word."""
    cached = _en_cache.get(word)
    if cached is None:
        if word in EN_STOP:
            cached = ""
        else:
            cached = (_en_stem(word) if not word.isdigit() else word).translate(accent_map)
        if len(_en_cache) > _CACHE_LIMIT:
            _en_cache.clear()
        _en_cache[word] = cached
    return cached


def term(word: str, lang: str) -> str:
    """The folded stem of one lower-cased word in ``lang`` ("" for a stop word)."""
    return sv_term(word)[0] if lang == "sv" else en_term(word)


class FieldTerms:
    """The analysed content of one index field: positions per term, length, and the
    unfolded spellings of words with diacritics (for the exact-spelling bonus)."""

    __slots__ = ("positions", "length", "exact", "_next")

    def __init__(self) -> None:
        self.positions: dict[str, list[int]] = {}
        self.length = 0
        self.exact: set[str] = set()
        self._next = 0

    def add(self, text: str, lang: str) -> None:
        """Analyse ``text`` in ``lang`` and append its terms after a gap."""
        if not text:
            return
        positions = self.positions
        pos = self._next
        for word in words(text):
            if lang == "sv":
                stem, exact = sv_term(word)
                if exact:
                    self.exact.add(exact)
            else:
                stem = en_term(word)
            if stem and pos < MAX_POSITION:
                bucket = positions.get(stem)
                if bucket is None:
                    positions[stem] = [pos]
                else:
                    bucket.append(pos)
                self.length += 1
            pos += 1
        self._next = pos + TEXT_GAP

    def add_all(self, texts: Iterable[tuple[str, str]]) -> None:
        for text, lang in texts:
            self.add(text, lang)


def title_sort_key(title: str) -> str:
    """A key that sorts titles in Swedish alphabetical order, ignoring case."""
    return title.strip().lower().translate(_SORT_MAP)
