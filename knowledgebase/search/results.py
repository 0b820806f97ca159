"""What a search takes and returns (plain data: the views and the API format it)."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from markupsafe import Markup

SORTS = ("relevance", "title", "updated")


@dataclass
class SearchRequest:
    """A validated search: ``filters`` maps a facet to the values chosen (OR within a
    facet, AND across facets)."""

    q: str = ""
    filters: dict[str, list[str]] = field(default_factory=dict)
    sort: str = "relevance"
    page: int = 1
    per_page: int = 20
    locale: str = "sv"

    def args(self, **changes) -> dict[str, object]:
        """Query arguments that repeat this search (with ``changes``), for links."""
        args: dict[str, object] = {"q": self.q} if self.q else {}
        args.update({name: list(values) for name, values in self.filters.items() if values})
        if self.sort != "relevance":
            args["sort"] = self.sort
        args.update(changes)
        return {k: v for k, v in args.items() if v not in (None, "", [])}


@dataclass
class Hit:
    entry_id: int
    type: str
    slug: str
    title: str
    title_lang: str
    snippet: Markup
    score: float
    municipalities: list[str]
    themes: list[int]


@dataclass
class SearchResult:
    request: SearchRequest
    total: int = 0
    hits: list[Hit] = field(default_factory=list)
    facets: dict[str, dict[str, int]] = field(default_factory=dict)
    suggestion: str | None = None
    message: str | None = None
    corrected: bool = False
    # The query actually run (the suggestion when ``corrected``).
    query: str = ""

    @property
    def page(self) -> int:
        return self.request.page

    @property
    def per_page(self) -> int:
        return self.request.per_page

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.per_page))


@dataclass
class Drift:
    """Differences between the index and the database."""

    missing: list[str] = field(default_factory=list)
    extra: list[str] = field(default_factory=list)
    stale: list[str] = field(default_factory=list)
    # This node's place in the change log, and the log's newest number.
    position: int = 0
    latest: int = 0

    def is_clean(self) -> bool:
        return not (self.missing or self.extra or self.stale)
