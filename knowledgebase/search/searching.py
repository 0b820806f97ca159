"""Answering a search request: match, count facets, rank, then load the page's entries from
the database (published only, whatever the index says) and make their snippets."""

from __future__ import annotations

import logging

from flask_babel import gettext as _
from sqlalchemy import select

from knowledgebase import freshness
from knowledgebase import models as m
from knowledgebase.extensions import db
from knowledgebase.models import entries as tables
from knowledgebase.models.entries import translated_text
from knowledgebase.search import evaluate, selection
from knowledgebase.search.engine import State
from knowledgebase.search.facets import FACETS, term
from knowledgebase.search.query import Builder, tokenize
from knowledgebase.search.results import Hit, SearchRequest, SearchResult
from knowledgebase.search.service import SearchService
from knowledgebase.search.snippets import snippet
from knowledgebase.search.spelling import suggestion_for

log = logging.getLogger(__name__)


def run(search: SearchService, request: SearchRequest) -> SearchResult:
    result = SearchResult(request=request, query=request.q)
    if not search.enabled:
        result.message = _("Search is switched off on this site.")
        return result
    # Changes committed by another process or node since the last look (one cheap query).
    search.follow()
    try:
        with search.engine.reading() as state:
            _run(search, state, request, result)
    except Exception:  # noqa: BLE001 - a broken index must not break the page
        log.exception("search failed for %r", request.q[:200])
        result.hits, result.total, result.facets = [], 0, {}
        result.message = _("Search is not available at the moment. Please try again later.")
    return result


def _run(search: SearchService, state: State, request: SearchRequest, result: SearchResult) -> None:
    parsed = tokenize(request.q)
    builder = Builder(state, search.synonyms())
    nodes = builder.build(parsed.tokens)
    messages = []
    if parsed.truncated or "clauses" in builder.notes:
        messages.append(_("Your search was long: only its beginning was used."))
    if "prefix" in builder.notes:
        messages.append(_("A word ending in * needs at least two letters before the *."))
    if request.q.strip() and not nodes:
        result.message = " ".join(messages + [_("Your search has no words to look for. Try another word.")])
        return
    evaluator = evaluate.Evaluator(state)
    match = evaluator.match(nodes)
    if nodes and not match:
        result.suggestion = suggestion_for(state, request.q)
        if result.suggestion:
            retry_builder = Builder(state, search.synonyms())
            retry = retry_builder.build(tokenize(result.suggestion).tokens)
            retry_evaluator = evaluate.Evaluator(state)
            retry_match = retry_evaluator.match(retry)
            if retry_match:
                builder, evaluator, nodes, match = retry_builder, retry_evaluator, retry, retry_match
                result.corrected, result.query = True, result.suggestion
                messages.append(_("No results for “%(query)s”. Showing results for “%(corrected)s”.",
                                  query=request.q.strip(), corrected=result.suggestion))
    groups: dict[int, list] = {}
    for node, group in zip(nodes, builder.groups):
        groups.setdefault(group, []).append(node)
    if len(groups) > 1 and not match and not result.corrected:
        # No entry has every word ("städ Vetlanda" with no cleaning firm there): show the
        # entries that have some of them, best first, and say so. Words typed together
        # without a space ("status:draft") count as one: all of them or none.
        for group_nodes in groups.values():
            match |= evaluator.match(group_nodes)
        if match:
            messages.append(_("No entry matches all the words; showing entries that match some of them."))
    selected = selection.filter_bits(state, {k: v for k, v in request.filters.items() if k != "fresh"}, term)
    if request.filters.get("fresh"):
        selected["fresh"] = selection.entry_bits(state, freshness.fresh_entry_ids())
    result.facets = selection.facet_counts(state, match, selected, FACETS, request.filters, term)
    for bits in selected.values():
        match &= bits
    result.total = match.bit_count()
    if not result.total and not result.corrected:
        messages.append(_("Nothing was found.") if request.q.strip() else _("Nothing matches these filters."))
    result.message = " ".join(str(m_) for m_ in messages) or None
    end = request.page * request.per_page
    if not result.total or (request.page - 1) * request.per_page >= result.total:
        return
    if request.sort == "relevance" and nodes:
        scores = dict(evaluator.ranked(nodes, match, end))
        docnums = list(scores)
    else:
        scores = {}
        docnums = selection.ordered(state, match, request.sort if request.sort != "relevance" else "title",
                                   request.locale, end)
    page = docnums[(request.page - 1) * request.per_page:end]
    result.hits = _hits(state, page, scores, builder.highlight, request.locale)


def _hits(state: State, docnums: list[int], scores: dict[int, float], terms: set[str], locale: str) -> list[Hit]:
    """The page's hits, read from the database with a few Core queries (published only,
    whatever the index says)."""
    ids = [state.entry_id(d) for d in docnums]
    score_of = {state.entry_id(d): scores.get(d, 0.0) for d in docnums}
    entry = m.Entry.__table__
    columns = [entry.c[name] for name in ("id", "type", "slug", "title_sv", "title_en", "summary_sv",
                                          "summary_en", "body_sv", "body_en")]
    rows = {row.id: row for row in db.session.execute(
        select(*columns).where(entry.c.id.in_(ids), entry.c.status == m.PUBLISHED))}
    places: dict[int, list[str]] = {}
    link = tables.entry_municipality
    for entry_id, name in db.session.execute(
            select(link.c.entry_id, m.Municipality.name).join(m.Municipality, m.Municipality.code == link.c.municipality_key)
            .where(link.c.entry_id.in_(list(rows))).order_by(link.c.entry_id, m.Municipality.name)):
        places.setdefault(entry_id, []).append(name)
    themes: dict[int, list[int]] = {}
    for entry_id, number in db.session.execute(
            select(tables.entry_theme.c.entry_id, tables.entry_theme.c.theme_key)
            .where(tables.entry_theme.c.entry_id.in_(list(rows))).order_by(tables.entry_theme.c.theme_key)):
        themes.setdefault(entry_id, []).append(number)
    hits = []
    for entry_id in ids:
        row = rows.get(entry_id)
        if row is None:  # unpublished or deleted since the index was written
            continue
        title, title_lang = translated_text(row, "title", locale)
        texts = [translated_text(row, "summary", locale), translated_text(row, "body", locale)]
        if locale == "en":
            texts += [(row.summary_sv or "", "sv"), (row.body_sv or "", "sv")]
        hits.append(Hit(
            entry_id=entry_id, type=row.type, slug=row.slug, title=title, title_lang=title_lang,
            snippet=snippet(texts, terms), score=round(score_of.get(entry_id, 0.0), 4),
            municipalities=places.get(entry_id, []), themes=themes.get(entry_id, []),
        ))
    return hits
