"""What changed: the newest published entries, for the Atom feeds and the "what's new" page."""

from __future__ import annotations

from datetime import datetime, timezone

from feedgen.feed import FeedGenerator
from sqlalchemy.orm import selectinload

from knowledgebase import models as m
from knowledgebase.extensions import db
from knowledgebase.services.content.entries import EntryFilters, published_query


def recent_entries(filters: EntryFilters, limit: int = 50) -> list[m.Entry]:
    """Published entries of every type, most recently updated first."""
    query = (published_query(None, filters)
             .options(selectinload(m.Entry.municipalities), selectinload(m.Entry.themes))
             .order_by(m.Entry.updated_at.desc(), m.Entry.id.desc())
             .limit(limit))
    return list(db.session.scalars(query))


def _aware(value: datetime | None) -> datetime:
    # SQLite hands back naive datetimes; they were stored in UTC.
    if value is None:
        return datetime.now(timezone.utc)
    return value if value.tzinfo else value.replace(tzinfo=timezone.utc)


def atom_feed(entries: list[m.Entry], *, feed_id: str, title: str, self_url: str, site_url: str,
              lang: str, entry_url, type_label) -> bytes:
    """An Atom 1.0 document of ``entries``; ``entry_url(entry)`` and ``type_label(entry)``
    give each entry's address and kind in the feed's language."""
    feed = FeedGenerator()
    feed.id(feed_id)
    feed.title(title)
    feed.language(lang)
    feed.link(href=self_url, rel="self", type="application/atom+xml")
    feed.link(href=site_url, rel="alternate", type="text/html")
    feed.updated(max((_aware(e.updated_at) for e in entries), default=datetime(2026, 1, 1, tzinfo=timezone.utc)))
    feed.author({"name": title})
    # feedgen prepends entries; add the oldest first so the newest ends up on top.
    for entry in reversed(entries):
        item = feed.add_entry()
        url = entry_url(entry)
        item.id(url)
        item.title(entry.title(lang))
        item.link(href=url, rel="alternate", type="text/html")
        item.updated(_aware(entry.updated_at))
        item.published(_aware(entry.created_at))
        item.summary(entry.text("summary", lang)[0] or entry.title(lang))
        item.category(term=entry.type, label=str(type_label(entry)))
    return feed.atom_str(pretty=True)
