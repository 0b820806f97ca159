"""Full-text search of published entries (Whoosh). Nothing outside this package imports
whoosh; the rest of the app uses the functions below.

The index is a derived copy of the database: it holds only published entries, is built on
first start, follows every commit (``sync``), and can be checked and rebuilt from the
command line. Design notes and measurements: docs/search.md."""

from __future__ import annotations

import logging
import weakref
from collections.abc import Iterable

from flask import Flask, current_app
from sqlalchemy import func, select
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.datastructures import MultiDict

from knowledgebase import models as m
from knowledgebase.extensions import db
from knowledgebase.search import facets as _facets
from knowledgebase import background
from knowledgebase.search import searching, suggest as _suggest, sync
from knowledgebase.search.facets import FACET_LABELS, FACETS
from knowledgebase.search.results import SORTS, Drift, Hit, SearchRequest, SearchResult
from knowledgebase.search.service import EXTENSION, SearchService
from knowledgebase.inputs import BadFilter as BadFilter  # re-exported for callers of parse_request
from knowledgebase.inputs import BadInput as BadInput
from knowledgebase.inputs import choice, number_or_default, single_line

__all__ = [
    "init_app", "note_written", "search", "catch_up", "lag_seconds", "parse_request", "suggest", "count_indexable", "rebuild", "check",
    "facet_labels", "sorted_facet_values", "SearchRequest", "SearchResult", "Hit", "Drift", "FACETS", "FACET_LABELS", "SORTS",
]

log = logging.getLogger(__name__)
MAX_PAGE = 10_000


def init_app(app: Flask) -> None:
    """Open the index (creating it if missing) and build it when it is empty while the
    database has published entries, else catch up on the change log; then follow the
    database through session events and, every ``SEARCH_FOLLOW_SECONDS``, a watcher thread."""
    service = SearchService(app)
    app.extensions[EXTENSION] = service
    if not service.enabled:
        return
    sync.register()
    weakref.finalize(app, service.close)
    with app.app_context(), service.node.exclusive(timeout=600) as mine:
        if not mine:
            log.warning("another process of this node held the search index for 10 minutes; not waiting")
            return
        ix, created = service.engine.open()
        try:
            wanted = count_indexable()
        except SQLAlchemyError:  # no tables yet (migrations not run): nothing to index
            db.session.rollback()
            return
        if wanted and (created or ix.doc_count() == 0):
            log.info("building the search index (%d entries)", wanted)
            service._rebuild(None)  # noqa: SLF001 - under the node lock held here
        else:
            service._catch_up(timeout=60)  # noqa: SLF001
    # Changes made by other processes and nodes reach this one's index within a second or two,
    # even when no one searches here (searches also catch up first).
    background.every(app, float(app.config.get("SEARCH_FOLLOW_SECONDS", 1.0)), service.follow, "kb-search-follower")


def note_written(ids: Iterable[int]) -> None:
    """Tell the index about entries written with Core statements (bulk SQL) in the current
    transaction: the ORM events that keep the index in step do not see those. They are
    indexed after the commit (if published) and forgotten on a rollback."""
    sync.note_written(db.session(), ids)


def _service() -> SearchService:
    service = current_app.extensions.get(EXTENSION)
    if service is None:
        raise RuntimeError("search.init_app(app) has not been called")
    return service


def _int_arg(args: MultiDict, name: str, default: int, maximum: int) -> int:
    return number_or_default(args.get(name), name, default, maximum=10_000_000, cap=maximum)


def parse_request(args: MultiDict, locale: str) -> SearchRequest:
    """A search request from query arguments (q, the facets, ``serves``, ``fresh``, sort,
    page, per_page).
    Raises ``BadInput`` (``BadFilter``) for a value that names nothing or is not a number."""
    if not hasattr(args, "getlist"):
        args = MultiDict(args)
    filters = {name: _facets.validate(name, args.getlist(name)) for name in _facets.FILTERS}
    sort = choice(args.get("sort"), SORTS, "sort", "relevance")
    config = current_app.config
    return SearchRequest(
        q=single_line(args.get("q"), 10_000),
        filters={name: values for name, values in filters.items() if values},
        sort=sort,
        page=_int_arg(args, "page", 1, MAX_PAGE),
        per_page=_int_arg(args, "per_page", config["PER_PAGE"], config["API_MAX_PER_PAGE"]),
        locale=locale if locale in ("sv", "en") else "sv",
    )


def search(request: SearchRequest) -> SearchResult:
    """Run a search. Never raises for any query text: a problem gives an empty result
    with a ``message``."""
    return searching.run(_service(), request)


def suggest(prefix: str, locale: str, limit: int = 10) -> list[dict]:
    """Titles, municipalities and glossary terms starting with ``prefix``."""
    try:
        return _suggest.suggest(_service(), prefix, locale, limit)
    except Exception:  # noqa: BLE001 - suggestions are a nicety
        log.exception("suggest failed")
        return []


def facet_labels(counts: dict[str, dict[str, int]], locale: str) -> dict[str, dict[str, str]]:
    return _facets.labels(counts, locale)


def sorted_facet_values(name: str, counts: dict[str, int], labels: dict[str, str]) -> list[tuple[str, int]]:
    """A facet's values in display order."""
    return _facets.sort_values(name, counts, labels)


def count_indexable() -> int:
    """How many entries the index should hold (the published ones)."""
    return db.session.scalar(select(func.count()).select_from(m.Entry).where(m.Entry.status == m.PUBLISHED)) or 0


def rebuild(progress=None) -> int:
    """Build the index again from the database; ``progress(n)`` is called per entry."""
    return _service().rebuild(progress)


def check() -> Drift:
    """Compare the index with the database: missing, extra and stale entries, and how far
    this node has followed the change log."""
    return _service().check()


def lag_seconds() -> float:
    """How long the oldest change this node's index has not applied has waited (0: none)."""
    return _service().lag_seconds()


def catch_up() -> int:
    """Apply the change log to this node's index now; returns how many entries it changed."""
    return _service().catch_up()
