"""Helpers shared by the search test modules."""

from __future__ import annotations

from werkzeug.datastructures import MultiDict

from knowledgebase import models as m
from knowledgebase import search
from knowledgebase.extensions import db


def run(app, q: str = "", lang: str = "sv", **filters) -> search.SearchResult:
    args = MultiDict([("q", q)] + [(k, v) for k, vs in filters.items() for v in (vs if isinstance(vs, list) else [vs])])
    with app.app_context():
        return search.search(search.parse_request(args, lang))


def titles(app, q: str = "", **filters) -> list[str]:
    return [hit.title for hit in run(app, q, **filters).hits]


def add_synonyms(app, *groups: list[str]) -> None:
    with app.app_context():
        for terms in groups:
            db.session.add(m.SynonymGroup(terms=terms))
        db.session.commit()
