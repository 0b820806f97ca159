"""Kinds whose value may be unknown (stored as NULL): whole numbers, years, yes/no, dates."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import RadioField, StringField
from wtforms.validators import Optional, Regexp

from knowledgebase.field_kinds import checks
from knowledgebase.field_kinds.base import FieldKind
from knowledgebase.field_kinds.registry import register
from knowledgebase.forms import options


class Unknowable(FieldKind):
    """A value that is None when not known (so 0, no and an empty value differ)."""

    empty = None

    def has_value(self, entry, field) -> bool:
        return getattr(entry, field.name) is not None


class Int(Unknowable):
    """A whole number, shown with the locale's digit grouping."""

    name = "int"
    input = "int"

    def check(self, field, value, vocabulary) -> int | None:
        return checks.whole_number(field.name, value)

    def json_schema(self, field) -> dict[str, Any]:
        return {"type": "integer", "minimum": 0, "maximum": 10_000_000}

    def form_fields(self, field, choices) -> dict[str, Any]:
        return {field.name: StringField(field.label, [
            Optional(), Regexp(r"^\s*\d{1,8}\s*$", message=_l("Enter a whole number."))],
            render_kw={"inputmode": "numeric"})}


class Year(Int):
    """A year: a whole number shown without digit grouping (2015, not 2 015)."""

    name = "year"


class Bool(Unknowable):
    """Yes, no, or not known."""

    name = "bool"
    input = "bool"
    FORM = {"yes": True, "no": False}

    def check(self, field, value, vocabulary) -> bool | None:
        return checks.yes_no(field.name, value)

    def json_schema(self, field) -> dict[str, Any]:
        return {"type": "boolean"}

    def form_fields(self, field, choices) -> dict[str, Any]:
        return {field.name: RadioField(field.label, choices=options(
            [("", _l("Not known")), ("yes", _l("Yes")), ("no", _l("No"))]), default="", validators=[Optional()])}

    def form_data(self, field, value) -> dict[str, Any]:
        return {field.name: "" if value is None else ("yes" if value else "no")}

    def read_form(self, field, form) -> bool | None:
        return self.FORM.get(form[field.name].data or "")


class Date(FieldKind):
    """A date (YYYY-MM-DD)."""

    name = "date"
    empty = None

    def check(self, field, value, vocabulary) -> date | None:
        return checks.iso_date(field.name, value)

    def json_schema(self, field) -> dict[str, Any]:
        return {"type": "string", "format": "date"}

    def export(self, entry, field) -> str | None:
        # As text, so that the API and revisions need no date handling.
        value = getattr(entry, field.name)
        return value.isoformat() if value else None

    def form_fields(self, field, choices) -> dict[str, Any]:
        return {field.name: StringField(field.label, [Optional(), Regexp(
            r"^\s*\d{4}-\d{2}-\d{2}\s*$", message=_l("Enter a date as YYYY-MM-DD."))], render_kw={"type": "date"})}


INT = register(Int())
YEAR = register(Year())
BOOL = register(Bool())
DATE = register(Date())
