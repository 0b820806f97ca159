"""The index on disk: schema, opening, and writing documents.

Text is analysed by ``analysis`` before it reaches Whoosh and goes in as ready terms and
positions, so Whoosh runs no analyzer chain. Writers collect postings in ``FastPool``
(arrays in memory) instead of Whoosh's external-sort pool, which measured three times
slower here, and write each posting list a block at a time (``WriterWithFastPool``). Segments are not
compound: Whoosh copies a compound segment's files into memory when it opens them."""

from __future__ import annotations

import logging
import shutil
import sys
from array import array
from collections.abc import Iterable
from pathlib import Path

from whoosh import columns, fields, formats, index, writing
from whoosh.codec.whoosh3 import W3Codec
from whoosh.index import LockError  # noqa: F401 - re-exported for the service

from knowledgebase.search.analysis import FieldTerms, sv_term, title_sort_key, words
from knowledgebase.search.documents import IndexDoc

log = logging.getLogger(__name__)

# Bump when the schema or the analysis changes: a different version means "rebuild".
SCHEMA_VERSION = "kb-search-7"
VERSION_FILE = "KB_SCHEMA_VERSION"
TEXT_FIELDS = ("title", "summary", "body", "tags")
# Bulk writes commit every this many documents, which bounds the writer's memory.
COMMIT_EVERY = 25_000
# Added documents from which a write is split over processes (see ``write``): below this,
# forking costs more than it saves.
PARALLEL_MIN = 2_000
# Postings per block: larger blocks mean fewer (unpickled) blocks per posting list. Blocks
# are not compressed: reading them back is the hot path of every search.
BLOCK = 256


class TermPositions(formats.Positions):
    """Positions format fed with {term: [positions]} (wrapped in a 1-tuple); positions are
    stored as unsigned shorts, far cheaper than Whoosh's pickled lists."""

    def word_values(self, value, analyzer, **kwargs):
        fb = self.field_boost
        for term, positions in value[0].items():
            yield term, len(positions), len(positions) * fb, array("H", positions).tobytes()

    def encode(self, poslist):
        return array("H", poslist).tobytes()

    def decode_positions(self, valuestring):
        return decode_positions(valuestring)

    def decode_frequency(self, valuestring):
        return len(valuestring) // 2

    def decode_weight(self, valuestring):
        return self.field_boost * len(valuestring) // 2


class TermSet(formats.Existence):
    """Existence format fed with a ready term or list of terms."""

    def word_values(self, value, analyzer, **kwargs):
        fb = self.field_boost
        terms = [value] if isinstance(value, str) else set(value)
        return ((term, 1, fb, b"") for term in terms)


class ReadyField(fields.FieldType):
    """An indexed field whose values are already analysed (see the formats above)."""

    def __init__(self, format_: formats.Format, unique: bool = False):
        self.format = format_
        self.analyzer = None
        self.scorable = False
        self.stored = False
        self.unique = unique
        self.vector = None


_SINGLE = [array("H", [p]).tobytes() for p in range(65_536)]


def decode_positions(valuestring: bytes) -> array:
    positions = array("H")
    positions.frombytes(valuestring)
    return positions


def make_schema() -> fields.Schema:
    return fields.Schema(
        id=ReadyField(TermSet(), unique=True),
        eid=fields.COLUMN(columns.NumericColumn("I")),
        updated=fields.COLUMN(columns.NumericColumn("I")),
        len_title=fields.COLUMN(columns.NumericColumn("H")),
        len_summary=fields.COLUMN(columns.NumericColumn("H")),
        len_body=fields.COLUMN(columns.NumericColumn("H")),
        len_tags=fields.COLUMN(columns.NumericColumn("H")),
        tkey_sv=fields.COLUMN(columns.VarBytesColumn()),
        tkey_en=fields.COLUMN(columns.VarBytesColumn()),
        stamp=fields.STORED(),
        title=ReadyField(TermPositions()),
        summary=ReadyField(TermPositions()),
        body=ReadyField(TermPositions()),
        tags=ReadyField(TermPositions()),
        places=ReadyField(TermSet()),
        exact=ReadyField(TermSet()),
        facet=ReadyField(TermSet()),
    )


def fields_for(doc: IndexDoc) -> tuple[dict, dict[str, dict[str, list[int]]], dict[str, list[str]]]:
    """One document as (fields Whoosh stores itself, positions per term of the text
    fields, terms of the keyword fields). Postings go straight into ``FastPool``."""
    plain: dict = {"id": str(doc.entry_id), "eid": doc.entry_id, "updated": max(doc.updated, 0),
                   "stamp": doc.stamp(), "tkey_sv": title_sort_key(doc.title_sv).encode(),
                   "tkey_en": title_sort_key(doc.title_en or doc.title_sv).encode()}
    positions: dict[str, dict[str, list[int]]] = {}
    exact: set[str] = set()
    for name in TEXT_FIELDS:
        terms = FieldTerms()
        terms.add_all(getattr(doc, name))
        positions[name] = terms.positions
        plain[f"len_{name}"] = min(terms.length, 65_535)
        if name in ("title", "summary"):  # the exact-spelling bonus counts in titles and summaries
            exact |= terms.exact
    keywords = {
        "exact": sorted(exact),
        "places": sorted({t for name in doc.places for t in (sv_term(w)[0] for w in words(name)) if t}),
        "facet": doc.facets,
    }
    return plain, positions, keywords


class FastPool:
    """A posting pool for ``SegmentWriter`` that keeps postings per field and term in arrays
    and hands them out sorted. Postings arrive in document order, so each list is sorted.
    Terms are kept as text (encoded once, when the segment is written): encoding each
    posting's term cost as much as storing it."""

    def __init__(self) -> None:
        # field → term (text; bytes from Whoosh are decoded losslessly) → (docs, weights, values)
        self._fields: dict[str, dict[str, tuple[array, array, list]]] = {}
        self._values: dict[bytes, bytes] = {}
        self.fieldnames: set[str] = set()

    def _terms(self, fieldname: str) -> dict[str, tuple[array, array, list]]:
        terms = self._fields.get(fieldname)
        if terms is None:
            terms = self._fields[fieldname] = {}
            self.fieldnames.add(fieldname)
        return terms

    def add(self, item) -> None:
        """The pool interface Whoosh calls (for fields it indexes itself, and merges)."""
        fieldname, text, docnum, weight, value = item
        terms = self._terms(fieldname)
        key = text.decode("utf-8", "surrogateescape")
        lists = terms.get(key)
        if lists is None:
            lists = terms[key] = (array("I"), array("f"), [])
        lists[0].append(docnum)
        lists[1].append(weight)
        # Interning keeps the many identical small values (b"", one position) shared.
        lists[2].append(self._values.setdefault(value, value) if value is not None else b"")

    def add_positions(self, fieldname: str, docnum: int, positions: dict[str, list[int]]) -> None:
        terms, single = self._terms(fieldname), _SINGLE
        for term, where in positions.items():
            lists = terms.get(term)
            if lists is None:
                lists = terms[term] = (array("I"), array("f"), [])
            lists[0].append(docnum)
            n = len(where)
            lists[1].append(n)
            # Most terms occur once: their value is one shared bytes object per position.
            lists[2].append(single[where[0]] if n == 1 else array("H", where).tobytes())

    def add_terms(self, fieldname: str, docnum: int, terms: Iterable[str]) -> None:
        field = self._terms(fieldname)
        for term in terms:
            lists = field.get(term)
            if lists is None:
                lists = field[term] = (array("I"), array("f"), [])
            lists[0].append(docnum)
            lists[1].append(1.0)
            lists[2].append(b"")

    def iter_postings(self):
        for fieldname, text, docs, weights, values in self.iter_terms():
            for i in range(len(docs)):
                yield fieldname, text, docs[i], weights[i], values[i]

    def iter_terms(self):
        """(field, term bytes, docs, weights, values) per term, sorted by field and bytes."""
        for fieldname in sorted(self._fields):
            terms = self._fields[fieldname]
            for text, lists in sorted((t.encode("utf-8", "surrogateescape"), v) for t, v in terms.items()):
                yield (fieldname, text, *lists)

    def cleanup(self) -> None:
        self._fields = {}
        self._values = {}


class WriterWithFastPool(writing.SegmentWriter):
    """A segment writer that writes each posting list a block at a time from the pool's
    arrays, instead of one Python call per posting (what made committing slow)."""

    def _flush_segment(self) -> None:
        self.perdocwriter.close()
        fieldwriter, schema, limit = self.fieldwriter, self.schema, BLOCK
        current = None
        for fieldname, text, docs, weights, values in self.pool.iter_terms():
            if fieldname != current:
                if current is not None:
                    fieldwriter.finish_field()
                fieldwriter.start_field(fieldname, schema[fieldname])
                current = fieldname
            fieldwriter.start_term(text)
            postwriter = fieldwriter._postwriter  # noqa: SLF001 - whoosh3 W3PostingsWriter, pinned
            for start in range(0, len(docs), limit):
                chunk = weights[start:start + limit]
                postwriter._ids = docs[start:start + limit]  # noqa: SLF001
                postwriter._weights = chunk  # noqa: SLF001
                postwriter._values = values[start:start + limit]  # noqa: SLF001
                postwriter._maxweight = max(chunk)  # noqa: SLF001
                if start + limit < len(docs):
                    postwriter._write_block()  # noqa: SLF001
            fieldwriter.finish_term()
        if current is not None:
            fieldwriter.finish_field()
        fieldwriter.close()


def add_document(writer: writing.SegmentWriter, doc: IndexDoc, update: bool) -> None:
    plain, positions, keywords = fields_for(doc)
    docnum = writer.docnum
    if update:
        writer.update_document(**plain)
    else:
        _add_plain(writer, plain)
    pool = writer.pool
    for fieldname, terms in positions.items():
        pool.add_positions(fieldname, docnum, terms)
    for fieldname, terms in keywords.items():
        pool.add_terms(fieldname, docnum, terms)


def _add_plain(writer: writing.SegmentWriter, plain: dict) -> None:
    """What ``SegmentWriter.add_document`` does for the fields of ``fields_for``, without
    its generic per-field work (boosts, analysers, vectors, spelling), which cost as much
    as the rest of a document's indexing."""
    plan = writer.__dict__.get("_kb_plan")
    if plan is None:
        schema = writer.schema
        plan = writer._kb_plan = [(name, schema[name], schema[name].column_type) for name in sorted(plain)]
    perdoc, docnum, pool = writer.perdocwriter, writer.docnum, writer.pool
    perdoc.start_doc(docnum)
    for name, field, column in plan:
        value = plain[name]
        if value is None:
            continue
        if field.indexed:  # the id: one term, as TermSet gives it
            pool.add_terms(name, docnum, (value,))
        perdoc.add_field(name, field, value if field.stored else None, 0)
        if column:
            perdoc.add_column_value(name, column, field.to_column_value(value))
    perdoc.finish_doc()
    writer._added = True  # noqa: SLF001
    writer.docnum += 1


def open_writer(ix: index.Index, timeout: float) -> writing.SegmentWriter:
    """A writer with the fast pool; raises ``whoosh.index.LockError`` after ``timeout``."""
    # Not compound: Whoosh copies each file of a compound segment into memory when it opens
    # it (a 100 000-entry index cost a serving process 300 MB); plain files are read in place.
    writer = WriterWithFastPool(ix, timeout=timeout, delay=0.05, compound=False,
                     codec=W3Codec(blocklimit=BLOCK, compression=0))
    writer.pool.cleanup()
    writer.pool = FastPool()
    return writer


def has_current_schema(path: str | Path) -> bool:
    marker = Path(path) / VERSION_FILE
    return index.exists_in(str(path)) and marker.exists() and marker.read_text().strip() == SCHEMA_VERSION


def create(path: str | Path) -> index.Index:
    """A new empty index at ``path`` (anything there before is removed)."""
    path = Path(path)
    if path.exists():
        shutil.rmtree(path)
    path.mkdir(parents=True)
    ix = index.create_in(str(path), make_schema())
    (path / VERSION_FILE).write_text(SCHEMA_VERSION)
    return ix


def open_or_create(path: str | Path) -> tuple[index.Index, bool]:
    """Open the index at ``path``; create it when missing, of an older schema or unreadable.
    Returns the index and whether it was (re)created."""
    if has_current_schema(path):
        try:
            return index.open_dir(str(path)), False
        except Exception:  # noqa: BLE001 - a damaged index is rebuilt from the database
            log.exception("search index at %s cannot be opened; creating a new one", path)
    return create(path), True


def disk_size(path: str | Path) -> int:
    return sum(f.stat().st_size for f in Path(path).iterdir() if f.is_file())


def raw_column(reader, fieldname: str, typecode: str, count: int) -> array:
    """A numeric column of one segment as an array, read in one piece where possible."""
    column = reader.column_reader(fieldname, translate=False)
    try:
        raw = column._dbfile.get(column._basepos, column._count * column._fixedlen)  # noqa: SLF001
        values = array(typecode)
        values.frombytes(bytes(raw))
        if sys.byteorder == "little":
            values.byteswap()
    except AttributeError:  # another column implementation: read value by value
        values = array(typecode, (column[i] for i in range(min(count, len(column)))))
    if len(values) < count:
        values.extend([0] * (count - len(values)))
    return values

