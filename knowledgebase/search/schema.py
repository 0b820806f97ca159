"""The index's schema: its fields, the ready-made postings formats that take analysed
terms and positions (``analysis`` runs before Whoosh, so Whoosh runs no analyzer chain), one
document as fields, and reading a numeric column back."""

from __future__ import annotations

import sys
from array import array

from whoosh import columns, fields, formats

from knowledgebase.search.analysis import FieldTerms, sv_term, title_sort_key, words
from knowledgebase.search.documents import IndexDoc

# Bump when the schema or the analysis changes: a different version means "rebuild".
SCHEMA_VERSION = "kb-search-6"
VERSION_FILE = "KB_SCHEMA_VERSION"
TEXT_FIELDS = ("title", "summary", "body")

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


SINGLE_POSITION_VALUES = [array("H", [p]).tobytes() for p in range(65_536)]


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
        tkey_sv=fields.COLUMN(columns.VarBytesColumn()),
        tkey_en=fields.COLUMN(columns.VarBytesColumn()),
        stamp=fields.STORED(),
        title=ReadyField(TermPositions()),
        summary=ReadyField(TermPositions()),
        body=ReadyField(TermPositions()),
        places=ReadyField(TermSet()),
        exact=ReadyField(TermSet()),
        facet=ReadyField(TermSet()),
    )


def fields_for(doc: IndexDoc) -> tuple[dict, dict[str, dict[str, list[int]]], dict[str, list[str]]]:
    """One document as (fields Whoosh stores itself, positions per term of the text
    fields, terms of the keyword fields). Postings go straight into ``_FastPool``."""
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
        if name != "body":  # the exact-spelling bonus counts in titles and summaries
            exact |= terms.exact
    keywords = {
        "exact": sorted(exact),
        "places": sorted({t for name in doc.places for t in (sv_term(w)[0] for w in words(name)) if t}),
        "facet": doc.facets,
    }
    return plain, positions, keywords


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
