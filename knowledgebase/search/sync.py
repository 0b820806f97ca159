"""Keeping the index in step with the database through SQLAlchemy session events.

After each flush the ids of changed entries are written to the change log (``changelog``) in
the same transaction, so a change and its log row commit or vanish together; after the commit
this process's node applies the log (reading the committed rows again, so the index only ever
sees committed data), and every other node does on its next catch-up. Renaming a municipality or county reindexes the
entries in it (changing a service category, target group or legal form: its enterprises,
which are found by those names and CPV codes); changing a synonym group only refreshes the synonyms (applied at query time)."""

from __future__ import annotations

from collections.abc import Iterable

from flask import has_app_context
from sqlalchemy import event, or_, select
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from knowledgebase import models as m
from knowledgebase.models import entries as tables
from knowledgebase.search import changelog
from knowledgebase.search.service import service

LOGGED = "kb_search_logged"
DIRTY = "kb_search_dirty"
_registered = False


def register() -> None:
    """Listen on every ORM session (once per process)."""
    global _registered
    if _registered:
        return
    event.listen(Session, "before_flush", _before_flush)
    event.listen(Session, "after_flush", _after_flush)
    event.listen(Session, "after_commit", _after_commit)
    event.listen(Session, "after_rollback", _after_rollback)
    event.listen(Session, "after_soft_rollback", _after_soft_rollback)
    _registered = True


SEARCHED = (m.Entry, m.Municipality, m.County, m.ServiceCategory, m.TargetGroup, m.LegalForm, m.SynonymGroup)


def _before_flush(session: Session, _context, _instances) -> None:
    # Take the log's writer lock before this flush's own row locks, so two transactions
    # never wait on each other in opposite orders.
    if any(isinstance(obj, SEARCHED) for obj in (*session.new, *session.dirty, *session.deleted)):
        changelog.lock_writers(session.connection())


def _after_flush(session: Session, _context) -> None:
    ids, places, synonyms = set(), set(), False
    for obj in (*session.new, *session.dirty, *session.deleted):
        if isinstance(obj, m.Entry):
            if obj.id is not None:
                ids.add(obj.id)
        elif isinstance(obj, (m.Municipality, m.County)):
            places.add((type(obj).__name__, obj.code))
        elif isinstance(obj, (m.ServiceCategory, m.TargetGroup, m.LegalForm)):
            # its names (and CPV codes) are terms of its enterprises
            places.add((type(obj).__name__, obj.slug))
        elif isinstance(obj, m.SynonymGroup):
            synonyms = True
    if places:
        ids |= _entries_in(session.connection(), places)
    _log(session, ids, synonyms)


def _log(session: Session, ids: set[int], synonyms: bool = False) -> None:
    logged = session.info.setdefault(LOGGED, set())
    ids = ids - logged
    if ids or synonyms:
        changelog.record(session.connection(), ids, synonyms)
        logged |= ids
        session.info[DIRTY] = True


def note_written(session: Session, ids: Iterable[int]) -> None:
    """Entries inserted or changed past the ORM (Core statements fire no flush events) in
    ``session``'s transaction: logged now, indexed after its commit like flushed ones."""
    _log(session, set(ids))


def _after_soft_rollback(session: Session, _previous) -> None:
    # A savepoint rolled back may have taken log rows with it: log again on the next flush.
    session.info.pop(LOGGED, None)


def _after_rollback(session: Session) -> None:
    for key in (LOGGED, DIRTY):
        session.info.pop(key, None)


def _after_commit(session: Session) -> None:
    session.info.pop(LOGGED, None)
    if not session.info.pop(DIRTY, False) or not has_app_context():
        return
    search = service()
    if search is not None and search.enabled:
        search.catch_up()


def _entries_in(conn: Connection, places: set[tuple[str, str]]) -> set[int]:
    municipalities = [code for kind, code in places if kind == "Municipality"]
    counties = [code for kind, code in places if kind == "County"]
    services = [slug for kind, slug in places if kind == "ServiceCategory"]
    groups = [slug for kind, slug in places if kind == "TargetGroup"]
    forms = [slug for kind, slug in places if kind == "LegalForm"]
    link_m, link_c, link_s = tables.entry_municipality, tables.entry_county, tables.enterprise_service
    link_t = tables.enterprise_target_group
    in_counties = select(m.Municipality.code).where(m.Municipality.county_code.in_(counties))
    ids = set(conn.scalars(select(link_m.c.entry_id).where(or_(
        link_m.c.municipality_key.in_(municipalities), link_m.c.municipality_key.in_(in_counties)))))
    ids |= set(conn.scalars(select(link_c.c.entry_id).where(link_c.c.county_key.in_(counties))))
    ids |= set(conn.scalars(select(link_s.c.entry_id).where(link_s.c.service_category_key.in_(services))))
    ids |= set(conn.scalars(select(link_t.c.entry_id).where(link_t.c.target_group_key.in_(groups))))
    ids |= set(conn.scalars(select(m.Enterprise.id).where(m.Enterprise.legal_form_slug.in_(forms))))
    return ids
