"""Checking the external links of published entries: bounded concurrency, time-outs and a
polite user agent."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Iterable

import httpx
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from knowledgebase import models as m
from knowledgebase.content_types import CONTENT_TYPES
from knowledgebase.extensions import db

USER_AGENT = "KunskapsbankenLinkCheck/1.0 (checks links in a knowledge base of social enterprises)"
MAX_REDIRECTS = 5


@dataclass(frozen=True)
class LinkResult:
    url: str
    ok: bool
    status: int | None
    error: str = ""


def published_links() -> dict[str, set[int]]:
    """Every external URL in published entries (sources and URL fields) → the entry ids."""
    links: dict[str, set[int]] = {}
    entries = db.session.scalars(
        select(m.Entry).where(m.Entry.status == m.PUBLISHED).options(selectinload(m.Entry.sources)))
    url_fields = {ct.key: [f.name for f in ct.fields if f.kind.web_address] for ct in CONTENT_TYPES}
    for entry in entries:
        urls = [s.url for s in entry.sources] + [getattr(entry, name) for name in url_fields[entry.type]]
        for url in urls:
            if url and url.startswith(("http://", "https://")):
                links.setdefault(url, set()).add(entry.id)
    return links


def check_url(client: httpx.Client, url: str) -> LinkResult:
    """HEAD first (cheap), GET when the server does not allow HEAD."""
    try:
        response = client.head(url)
        if response.status_code in (403, 405, 501):
            response = client.get(url)
    except httpx.TooManyRedirects:
        return LinkResult(url, False, None, "too many redirects")
    except httpx.TimeoutException:
        return LinkResult(url, False, None, "time-out")
    except httpx.HTTPError as exc:
        return LinkResult(url, False, None, type(exc).__name__)
    return LinkResult(url, response.status_code < 400, response.status_code)


def check_urls(urls: Iterable[str], concurrency: int = 8, timeout: float = 10.0) -> list[LinkResult]:
    """Check ``urls`` with at most ``concurrency`` requests at a time."""
    urls = sorted(set(urls))
    with httpx.Client(
        headers={"User-Agent": USER_AGENT}, timeout=timeout, follow_redirects=True,
        max_redirects=MAX_REDIRECTS,
    ) as client, ThreadPoolExecutor(max_workers=max(1, concurrency)) as pool:
        return list(pool.map(lambda url: check_url(client, url), urls))
