"""The fixed query mix, drawn deterministically from the first 1 000 entries and the
vocabulary: one-word, two-word, prefix, phrase, filtered, and empty queries with filters.
Words are chosen log-uniformly over the frequency ranking (rare and very common words are
equally likely), and a fifth are typed without å, ä and ö, as people do."""

from __future__ import annotations

import math
import random
import re

from bench.corpus import FORMS, REGION, STOP, Taxonomy, entry

KINDS = ("one-word", "two-word", "prefix", "phrase", "filtered", "filters-only")
PER_KIND = {"one-word": 60, "two-word": 50, "prefix": 40, "phrase": 40, "filtered": 60, "filters-only": 40}
WORD = re.compile(r"[^\W\d_]+")
PLAIN = str.maketrans("åäöÅÄÖ", "aaoAAO")


def _log_uniform(rng: random.Random, items: list[str]) -> str:
    return items[min(len(items) - 1, int(math.exp(rng.uniform(0, math.log(len(items))))) - 1)]


def _typed(rng: random.Random, word: str) -> str:
    return word.translate(PLAIN) if rng.random() < 0.2 else word


def _filters(rng: random.Random, taxonomy: Taxonomy) -> dict[str, list[str]]:
    choice = rng.randrange(5)
    if choice == 0:
        return {"county": [rng.choice(REGION)]}
    if choice == 1:
        return {"type": ["enterprise"], "county": [rng.choice(REGION)]}
    if choice == 2:
        return {"theme": [str(rng.randint(1, 3))], "type": [rng.choice(("example", "research", "financing"))]}
    if choice == 3:
        return {"type": ["enterprise"], "service": [rng.choice(taxonomy.services)]}
    return {"municipality": [rng.choice(taxonomy.region_municipalities)]}


def make_mix(taxonomy: Taxonomy, seed: int = 7) -> list[dict]:
    """[{kind, q, filters}] in a fixed order."""
    rng = random.Random(seed)
    bodies = [entry(i, taxonomy)[1]["body"]["sv"] for i in range(1000)]
    content = [w for w in FORMS if w not in STOP]
    mix = []
    for kind in KINDS:
        for _ in range(PER_KIND[kind]):
            filters: dict[str, list[str]] = {}
            if kind in ("one-word", "filtered"):
                q = _typed(rng, _log_uniform(rng, content))
                if kind == "filtered":
                    filters = _filters(rng, taxonomy)
            elif kind == "two-word":
                words = [w.lower() for w in WORD.findall(rng.choice(bodies)) if w.lower() not in STOP]
                q = " ".join(_typed(rng, w) for w in rng.sample(words, 2))
            elif kind == "prefix":
                word = _log_uniform(rng, [w for w in content if len(w) >= 4])
                q = word[: rng.randint(3, min(6, len(word)))] + "*"
            elif kind == "phrase":
                sentence = rng.choice(rng.choice(bodies).split(". "))
                words = [w.lower() for w in WORD.findall(sentence)]
                pairs = [(a, b) for a, b in zip(words, words[1:]) if a not in STOP and b not in STOP]
                a, b = rng.choice(pairs) if pairs else (words[0], words[-1])
                q = f'"{a} {b}"'
            else:
                q = ""
                filters = _filters(rng, taxonomy)
            mix.append({"kind": kind, "q": q, "filters": filters})
    return mix
