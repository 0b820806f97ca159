"""The baseline: the same published entries in a plain SQLite FTS5 index, answering the
same query mix with the top 20 by BM25 (title, summary, body weighted 3 : 1.6 : 1), the
exact total, and facet counts from one GROUP BY over a (doc, facet, value) table.

FTS5 has no Swedish stemming, compounds or synonyms: it answers a narrower question
(exact word forms, diacritics folded by ``remove_diacritics 2``). Facet counts are
conjunctive (every filter applied), where the application's are disjunctive per facet."""

from __future__ import annotations

import re
import sqlite3
import time
from pathlib import Path

SCHEMA = """
PRAGMA journal_mode=WAL;
PRAGMA synchronous=NORMAL;
CREATE TABLE docs(id INTEGER PRIMARY KEY, title TEXT, tkey TEXT, summary TEXT, body TEXT);
CREATE TABLE doc_facet(doc INTEGER, facet TEXT, value TEXT);
CREATE VIRTUAL TABLE fts USING fts5(title, summary, body, content='docs', content_rowid='id',
    tokenize='unicode61 remove_diacritics 2');
"""
WORD = re.compile(r"[^\W_]+")


def facets_of(type_key: str, data: dict, county_of: dict[str, str]) -> list[tuple[str, str]]:
    pairs = [("type", type_key), ("language", "sv")]
    if data["title"].get("en") and data["summary"].get("en"):
        pairs.append(("language", "en"))
    pairs += [("theme", str(t)) for t in data["themes"]] + [("package", p) for p in data["packages"]]
    pairs += [("municipality", c) for c in data["municipalities"]]
    counties = set(data["counties"]) | {county_of[c] for c in data["municipalities"]}
    pairs += [("county", c) for c in sorted(counties)]
    if type_key == "enterprise":
        pairs += [("service", s) for s in data["services"]] + [("target_group", t) for t in data["target_groups"]]
        pairs.append(("legal_form", data["legal_form"]))
        if data["reserved_contracts"] is not None:
            pairs.append(("reserved", "yes" if data["reserved_contracts"] else "no"))
    return pairs


def build(path: Path, entries, county_of: dict[str, str]) -> tuple[int, float]:
    """Index the published ``entries`` ((type, data) pairs); returns (count, seconds)."""
    start = time.perf_counter()
    conn = sqlite3.connect(path)
    conn.executescript(SCHEMA)
    count = 0
    docs, facets = [], []
    for type_key, data in entries:
        if data["status"] != "published":
            continue
        count += 1
        text = lambda name: " ".join(v for v in data[name].values() if v)  # noqa: E731
        docs.append((count, text("title"), data["title"]["sv"].lower(), text("summary"), text("body")))
        facets += [(count, f, v) for f, v in facets_of(type_key, data, county_of)]
    conn.executemany("INSERT INTO docs VALUES (?, ?, ?, ?, ?)", docs)
    conn.executemany("INSERT INTO doc_facet VALUES (?, ?, ?)", facets)
    conn.execute("INSERT INTO fts(rowid, title, summary, body) SELECT id, title, summary, body FROM docs")
    conn.execute("CREATE INDEX doc_facet_fv ON doc_facet(facet, value, doc)")
    conn.execute("CREATE INDEX doc_facet_doc ON doc_facet(doc, facet, value)")
    conn.execute("INSERT INTO fts(fts) VALUES ('optimize')")
    conn.commit()
    conn.close()
    return count, time.perf_counter() - start


def match_expression(q: str) -> str:
    """The mix's query as an FTS5 expression (words AND-ed, "…" phrases, word* prefixes)."""
    if q.startswith('"'):
        return '"' + " ".join(WORD.findall(q)) + '"'
    if q.endswith("*"):
        return f'"{q[:-1]}"*'
    return " ".join(f'"{w}"' for w in WORD.findall(q))


class Searcher:
    def __init__(self, path: Path):
        self.conn = sqlite3.connect(path)

    def search(self, q: str, filters: dict[str, list[str]]) -> tuple[int, list, dict]:
        where, params = [], []
        for facet, values in filters.items():
            marks = ",".join("?" * len(values))
            where.append(f"id IN (SELECT doc FROM doc_facet WHERE facet = ? AND value IN ({marks}))")
            params += [facet, *values]
        if q:
            match = "SELECT rowid AS id FROM fts WHERE fts MATCH ?"
            matched = f"SELECT id FROM ({match}) WHERE {' AND '.join(where) or '1'}"
            args = [match_expression(q), *params]
            top = self.conn.execute(
                f"SELECT d.id, d.title FROM fts JOIN docs d ON d.id = fts.rowid WHERE fts MATCH ? "
                f"AND {' AND '.join(w.replace('id IN', 'd.id IN') for w in where) or '1'} "
                f"ORDER BY bm25(fts, 3.0, 1.6, 1.0) LIMIT 20", args).fetchall()
        else:
            matched = f"SELECT id FROM docs WHERE {' AND '.join(where) or '1'}"
            args = params
            top = self.conn.execute(f"SELECT id, title FROM docs WHERE {' AND '.join(where) or '1'} "
                                    f"ORDER BY tkey LIMIT 20", args).fetchall()
        rows = self.conn.execute(
            f"SELECT facet, value, count(*) FROM doc_facet WHERE doc IN ({matched}) GROUP BY facet, value",
            args).fetchall()
        facets: dict[str, dict[str, int]] = {}
        for facet, value, count in rows:
            facets.setdefault(facet, {})[value] = count
        total = sum(facets.get("type", {}).values())
        return total, top, facets
