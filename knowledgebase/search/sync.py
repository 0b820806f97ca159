"""Keeping the index in step with the database through SQLAlchemy session events.

After each flush the ids of changed entries are collected in ``session.info``; after the
commit they are indexed (reading the committed rows again, so the index only ever sees
committed data); a rollback discards them. Renaming a municipality or county reindexes the
entries in it (changing a service category, target group or legal form: its enterprises,
which are found by those names and CPV codes); changing a synonym group only refreshes the synonyms (applied at query time)."""

from __future__ import annotations

import logging
from collections.abc import Iterable

from flask import has_app_context
from sqlalchemy import event, or_, select
from sqlalchemy.orm import Session

from knowledgebase import models as m
from knowledgebase.extensions import db
from knowledgebase.models import entries as tables
from knowledgebase.search.service import service

log = logging.getLogger(__name__)

IDS = "kb_search_ids"
PLACES = "kb_search_places"
SYNONYMS = "kb_search_synonyms"
_registered = False


def register() -> None:
    """Listen on every ORM session (once per process)."""
    global _registered
    if _registered:
        return
    event.listen(Session, "after_flush", _after_flush)
    event.listen(Session, "after_commit", _after_commit)
    event.listen(Session, "after_rollback", _after_rollback)
    _registered = True


def _after_flush(session: Session, _context) -> None:
    ids = session.info.setdefault(IDS, set())
    for obj in (*session.new, *session.dirty, *session.deleted):
        if isinstance(obj, m.Entry):
            if obj.id is not None:
                ids.add(obj.id)
        elif isinstance(obj, (m.Municipality, m.County)):
            session.info.setdefault(PLACES, set()).add((type(obj).__name__, obj.code))
        elif isinstance(obj, (m.ServiceCategory, m.TargetGroup, m.LegalForm)):
            # its names (and CPV codes) are terms of its enterprises
            session.info.setdefault(PLACES, set()).add((type(obj).__name__, obj.slug))
        elif isinstance(obj, m.SynonymGroup):
            session.info[SYNONYMS] = True


def note_written(session: Session, ids: Iterable[int]) -> None:
    """Entries inserted or changed past the ORM (Core statements fire no flush events) in
    ``session``'s transaction: they are indexed after its commit, like flushed ones."""
    session.info.setdefault(IDS, set()).update(ids)


def _after_rollback(session: Session) -> None:
    for key in (IDS, PLACES, SYNONYMS):
        session.info.pop(key, None)


def _after_commit(session: Session) -> None:
    ids = session.info.pop(IDS, set())
    places = session.info.pop(PLACES, set())
    synonyms = session.info.pop(SYNONYMS, False)
    if not (ids or places or synonyms) or not has_app_context():
        return
    search = service()
    if search is None or not search.enabled:
        return
    if synonyms:
        search.forget_synonyms()
    if places:
        ids |= _entries_in(places)
    if ids:
        search.index_ids(ids)
    search.maybe_drain()


def _entries_in(places: set[tuple[str, str]]) -> set[int]:
    municipalities = [code for kind, code in places if kind == "Municipality"]
    counties = [code for kind, code in places if kind == "County"]
    services = [slug for kind, slug in places if kind == "ServiceCategory"]
    groups = [slug for kind, slug in places if kind == "TargetGroup"]
    forms = [slug for kind, slug in places if kind == "LegalForm"]
    link_m, link_c, link_s = tables.entry_municipality, tables.entry_county, tables.enterprise_service
    link_t = tables.enterprise_target_group
    with db.engine.connect() as conn:
        in_counties = select(m.Municipality.code).where(m.Municipality.county_code.in_(counties))
        ids = set(conn.scalars(select(link_m.c.entry_id).where(or_(
            link_m.c.municipality_key.in_(municipalities), link_m.c.municipality_key.in_(in_counties)))))
        ids |= set(conn.scalars(select(link_c.c.entry_id).where(link_c.c.county_key.in_(counties))))
        ids |= set(conn.scalars(select(link_s.c.entry_id).where(link_s.c.service_category_key.in_(services))))
        ids |= set(conn.scalars(select(link_t.c.entry_id).where(link_t.c.target_group_key.in_(groups))))
        ids |= set(conn.scalars(select(m.Enterprise.id).where(m.Enterprise.legal_form_slug.in_(forms))))
    return ids
