"""Snippets: a short piece of an entry's text around the words that matched, HTML-escaped,
with ``<mark>`` around matched words and nothing else added."""

from __future__ import annotations

import re

from markupsafe import Markup, escape

from knowledgebase.search.analysis import MAX_WORD, WORD_RE, en_term, sv_term

WINDOW = 32
LEAD = 6
# Only the start of a long text is searched for a snippet.
MAX_CHARS = 3000
# Markdown punctuation that would only be noise in a snippet.
_LINK_RE = re.compile(r"\[([^\]]*)\]\([^)]*\)")
_MARKUP_RE = re.compile(r"[*`]+|^\s*(?:[#>]+|[-+]|\d+\.)\s", re.MULTILINE)


def plain_text(text: str) -> str:
    """Text without the Markdown punctuation (emphasis, headings, quotes, list markers)."""
    text = _LINK_RE.sub(r"\1", text or "")
    return " ".join(_MARKUP_RE.sub(" ", text).split())


def _matcher(terms: set[str]):
    memo: dict[tuple[str, str], bool] = {}

    def matches(word: str, lang: str) -> bool:
        key = (word, lang)
        hit = memo.get(key)
        if hit is None:
            lowered = word.lower()
            if len(lowered) > MAX_WORD:
                hit = False
            else:
                stem = sv_term(lowered)[0]
                hit = bool(stem) and (stem in terms or (lang == "en" and en_term(lowered) in terms))
            memo[key] = hit
        return hit

    return matches


def snippet(texts: list[tuple[str, str]], terms: set[str], window: int = WINDOW) -> Markup:
    """The best window of the first text that mentions a matched term (else the start of
    the first text), as safe HTML."""
    candidates = [(plain_text(text[:MAX_CHARS]), lang) for text, lang in texts if text and text.strip()]
    if not candidates:
        return Markup("")
    matches = _matcher(terms) if terms else None
    for text, lang in candidates if matches else ():
        # Cheap test on the distinct words first: most texts of a hit do not mention it.
        if not any(matches(word, lang) for word in set(WORD_RE.findall(text))):
            continue
        spans = [(m.start(), m.end(), matches(m.group(), lang)) for m in WORD_RE.finditer(text)]
        hits = [i for i, span in enumerate(spans) if span[2]]
        return _render(text, spans, _best_start(hits, window), window)
    text, lang = candidates[0]
    spans = [(m.start(), m.end(), False) for m in WORD_RE.finditer(text)]
    return _render(text, spans, 0, window)


def _best_start(hits: list[int], window: int) -> int:
    """Start of the window holding the most matched words (leading with a little context)."""
    best, best_count = hits[0], 0
    j = 0
    for i, first in enumerate(hits):
        while j < len(hits) and hits[j] < first + window - LEAD:
            j += 1
        if j - i > best_count:
            best, best_count = first, j - i
    return max(0, best - LEAD)


def _render(text: str, spans: list[tuple[int, int, bool]], start: int, window: int) -> Markup:
    if not spans:
        return Markup(escape(text[:240]))
    chosen = spans[start:start + window]
    begin = chosen[0][0] if start else 0
    end = chosen[-1][1] if start + window < len(spans) else len(text)
    parts = ["… " if begin else ""]
    cursor = begin
    for s, e, hit in chosen:
        if hit:
            parts.append(str(escape(text[cursor:s])))
            parts.append(f"<mark>{escape(text[s:e])}</mark>")
            cursor = e
    parts.append(str(escape(text[cursor:end])))
    if start + window < len(spans):
        parts.append(" …")
    return Markup("".join(parts))
