"""Field kinds: what a content type's own field holds, as objects. Each kind checks a value
from an import or the API, stores it on an entry (and in a bulk insert), exports it, builds
its form field and reads it back, shows it in a diff, gives its text to the search index and
names its display macro (``templates/_macros/field_kinds.html``). The fields of
``content_types`` refer to these objects, so a new kind is one class in one module here
(plus its macro), registered under its name with ``register``."""

from knowledgebase.field_kinds.base import BulkRow, FieldKind, FormField, RowLookup
from knowledgebase.field_kinds.bitext import BITEXT
from knowledgebase.field_kinds.checks import FieldError
from knowledgebase.field_kinds.choices import CHOICE, ENTRIES, TAXONOMY, TAXONOMY_LIST
from knowledgebase.field_kinds.lines import CONTRACTS, LAW_REFS, LIST
from knowledgebase.field_kinds.numbers import BOOL, DATE, INT, YEAR
from knowledgebase.field_kinds.registry import KINDS, is_registered, kind_named, register, unregister
from knowledgebase.field_kinds.text import EMAIL, LONG_TEXT, ORGNR, PHONE, TEXT, URL

__all__ = [
    "FieldKind", "FieldError", "FormField", "BulkRow", "RowLookup",
    "KINDS", "register", "unregister", "is_registered", "kind_named",
    "TEXT", "LONG_TEXT", "URL", "EMAIL", "PHONE", "ORGNR", "INT", "YEAR", "BOOL", "DATE",
    "BITEXT", "LIST", "LAW_REFS", "CONTRACTS", "CHOICE", "TAXONOMY", "TAXONOMY_LIST", "ENTRIES",
]
