"""Keeping the link checker's results (``flask links check``) so advisers can see what is
broken, since when, and in which entries."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask import current_app
from sqlalchemy import select

from knowledgebase import models as m
from knowledgebase.extensions import db
from knowledgebase.services.upkeep.links import LinkResult, check_urls, published_links


def store_results(links: dict[str, set[int]], results: list[LinkResult], now: datetime) -> list[m.LinkCheck]:
    """Save one check of every URL in ``links`` (URL → entry ids); rows of URLs that no
    published entry holds any more are removed. Returns the rows, broken ones first."""
    existing = {row.url: row for row in db.session.scalars(select(m.LinkCheck))}
    rows = []
    for result in results:
        row = existing.pop(result.url, None) or m.LinkCheck(url=result.url)
        row.entry_ids = sorted(links.get(result.url, ()))
        row.ok, row.status, row.error = result.ok, result.status, result.error[:200]
        row.checked_at = now
        row.failing_since = None if result.ok else (row.failing_since or now)
        db.session.add(row)
        rows.append(row)
    for gone in existing.values():
        db.session.delete(gone)
    db.session.flush()
    return sorted(rows, key=lambda row: (row.ok, row.url))


def check_published_links(now: datetime) -> list[m.LinkCheck]:
    """Check every external URL of published entries (KB_LINKCHECK_CONCURRENCY requests at
    a time, KB_LINKCHECK_TIMEOUT seconds each) and store the results; the caller commits."""
    links = published_links()
    config = current_app.config
    results = check_urls(links, concurrency=int(config["LINKCHECK_CONCURRENCY"]),
                         timeout=float(config["LINKCHECK_TIMEOUT"]))
    return store_results(links, results, now)


@dataclass
class BrokenLink:
    check: m.LinkCheck
    entries: list[m.Entry]


def broken_links() -> list[BrokenLink]:
    """Links that failed their latest check, with the entries that hold them (for advisers)."""
    rows = list(db.session.scalars(select(m.LinkCheck).where(m.LinkCheck.ok.is_(False)).order_by(m.LinkCheck.url)))
    ids = {entry_id for row in rows for entry_id in row.entry_ids}
    entries = {e.id: e for e in db.session.scalars(select(m.Entry).where(m.Entry.id.in_(ids)))} if ids else {}
    return [BrokenLink(row, [entries[i] for i in row.entry_ids if i in entries]) for row in rows]
