"""Form inputs the field kinds and the entry form share, and reading them back."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import StringField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional

from knowledgebase.field_kinds.checks import MAX_LONG, MAX_SHORT

MARKDOWN_HINT = _l("Markdown: **bold**, *italic*, [link text](https://…), lists with - at the start of a line. "
                   "Use Preview to see the result.")
LINES_HINT = _l("One per line.")


def text_input(label: object, required: bool = False, limit: int = MAX_SHORT, **kw: Any) -> StringField:
    """A one-line text input, optional unless ``required``."""
    first = InputRequired(message=_l("Fill in this field.")) if required else Optional()
    return StringField(label, [first, Length(max=limit)], **kw)


def text_area(label: object, required: bool = False, limit: int = MAX_LONG, rows: int = 4,
              **kw: Any) -> TextAreaField:
    """A text area of ``rows`` lines, optional unless ``required``."""
    first = InputRequired(message=_l("Fill in this field.")) if required else Optional()
    return TextAreaField(label, [first, Length(max=limit)], render_kw={"rows": rows}, **kw)


def lang_label(label: object, lang: str) -> object:
    """A field's label with the language of its input."""
    if lang == "sv":
        return _l("%(label)s (Swedish)", label=label)
    return _l("%(label)s (English)", label=label)


def text_of(form: Any, name: str) -> str:
    """The text typed into the form's field ``name``, without surrounding spaces."""
    return (form[name].data or "").strip()


def lines_of(value: str | None) -> list[str]:
    """The non-empty lines of a text area, stripped."""
    return [line.strip() for line in (value or "").splitlines() if line.strip()]


def parts(line: str, count: int) -> list[str]:
    """``count`` parts of a line separated by |, the missing ones empty."""
    found = [part.strip() for part in line.split("|", count - 1)]
    return found + [""] * (count - len(found))
