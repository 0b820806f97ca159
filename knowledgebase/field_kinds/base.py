"""The base of every field kind: each operation on a field's value, with the behaviour most
kinds share. A kind is stateless; what differs between two fields of one kind (name, label,
choices, the taxonomy table) is on the ``content_types.Field`` that every method receives."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from knowledgebase.field_kinds.inputs import text_of

if TYPE_CHECKING:
    from knowledgebase.content_types import Field

# Taxonomy rows by key, as (model, key column, keys) -> the rows in the order of the keys.
RowLookup = Callable[[type, Any, list], list]


@dataclass(frozen=True)
class FormField:
    """One input of an entry form: its form name, its kind of input ("markdown" ones get a
    preview) and, for checkboxes, whether it gets a filter box."""

    name: str
    kind: str
    filterable: bool = False


class BulkRow(Protocol):
    """What a new entry's rows take in a bulk insert (``serialization.insert_new_entries``)."""

    def set(self, attr: str, value: Any) -> None:
        """A column of the entry's own row, by attribute name."""

    def link(self, relationship: str, keys: list) -> None:
        """Rows of a many-to-many link table, by the linked rows' keys."""

    def child(self, relationship: str, rows: list[dict[str, Any]]) -> None:
        """Rows of a one-to-many child table, in order."""


class FieldKind:
    """What one kind of field holds, and how it is checked, stored, exported, edited,
    compared, indexed and shown. Subclasses set ``name`` and override what differs."""

    name = ""
    # The kind of input in the form layout (admin.entry_forms.layout).
    input = "text"
    # Where detail pages show the field: "facts" (a row of the facts list), "section" (a
    # heading of its own) or "" (elsewhere, or not at all).
    placement = "facts"
    # The value names other entries by slug; they are linked after all entries are saved.
    links_entries = False
    # The value is a web address (the link checker visits it).
    web_address = False
    # What an empty value is stored and read back from a form as.
    empty: Any = ""
    # The template with the display macro; the macro is named after the kind (``macro``).
    template = "_macros/field_kinds.html"

    @property
    def macro(self) -> str:
        """The display macro's name in ``template``."""
        return self.name

    def __repr__(self) -> str:
        return f"<field kind {self.name}>"

    # -- the seed format and the API ------------------------------------------------------

    def check(self, field: Field, value: Any, vocabulary: Any) -> Any:
        """The clean value of ``value`` from an import or the API; raises ``FieldError``.
        ``vocabulary`` (``serialization.Vocabulary``) holds the known taxonomy keys."""
        raise NotImplementedError

    def export(self, entry: Any, field: Field) -> Any:
        """The entry's value in the seed format (also the API's)."""
        value = getattr(entry, field.name)
        return list(value) if isinstance(value, list) else value

    def public_export(self, entry: Any, field: Field) -> Any:
        """The value as the public may see it (the API): the export, unless the kind holds
        something that is not public."""
        return self.export(entry, field)

    def json_schema(self, field: Field) -> dict[str, Any]:
        """The JSON Schema of ``public_export``'s value, for the API's OpenAPI description
        (``api/openapi.py``); a kind without one cannot be described, and the test of the
        description fails."""
        raise NotImplementedError(f"field kind {self.name} has no JSON Schema for the API description")

    # -- storing ---------------------------------------------------------------------------

    def columns(self, field: Field, value: Any) -> dict[str, Any]:
        """The entry's own columns (by attribute) that hold a clean value."""
        return {field.name: self.empty if value is None else value}

    def apply(self, entry: Any, field: Field, value: Any, rows: RowLookup) -> None:
        """Set a clean value on ``entry``; ``rows`` finds taxonomy rows by key."""
        for attr, item in self.columns(field, value).items():
            setattr(entry, attr, item)

    def bulk(self, field: Field, value: Any, row: BulkRow) -> None:
        """Give a clean value to a new entry's rows for a bulk insert, as ``apply`` and a
        flush would store it."""
        for attr, item in self.columns(field, value).items():
            row.set(attr, item)

    # -- the entry form --------------------------------------------------------------------

    def form_fields(self, field: Field, choices: Any) -> dict[str, Any]:
        """The WTForms fields (unbound) by form name; ``choices``
        (``admin.entry_forms.Choices``) holds the taxonomy and entry choices."""
        raise NotImplementedError

    def layout(self, field: Field) -> tuple[FormField, ...]:
        """The field's inputs in the form layout, in order."""
        return (FormField(field.name, self.input),)

    def form_data(self, field: Field, value: Any) -> dict[str, Any]:
        """A seed-format value as the form's initial values, by form name."""
        return {field.name: "" if value is None else str(value)}

    def read_form(self, field: Field, form: Any) -> Any:
        """The form's input as a seed-format value (``check`` checks it)."""
        return text_of(form, field.name) or self.empty

    # -- revisions, search and display ------------------------------------------------------

    def diff_lines(self, value: Any) -> list[str]:
        """A seed-format value (from a revision) as the lines a diff compares."""
        if value in (None, "", [], {}):
            return []
        return self.lines(value)

    def lines(self, value: Any) -> list[str]:
        """A non-empty value as lines (``diff_lines``)."""
        if isinstance(value, list):
            return [str(item) for item in value]
        if isinstance(value, bool):
            return ["yes" if value else "no"]
        return str(value).splitlines() or [""]

    def index_columns(self, field: Field) -> list[tuple[str, str]]:
        """The columns whose text the search index holds, as (column, language)."""
        return []

    def index_text(self, value: Any) -> str:
        """A column's value (from ``index_columns``) as text for the index."""
        return str(value or "")

    def has_value(self, entry: Any, field: Field) -> bool:
        """Whether a detail page has something to show for the field."""
        return bool(getattr(entry, field.name))
