"""Kinds that hold one text: plain, long, and texts of a set shape (web address, e-mail,
phone number, organisation number)."""

from __future__ import annotations

import re
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import EmailField, StringField, TelField, URLField
from wtforms.validators import Length, Optional, Regexp

from knowledgebase.field_kinds import checks
from knowledgebase.field_kinds.base import FieldKind
from knowledgebase.field_kinds.checks import EMAIL_RE, MAX_LONG, MAX_SHORT, PHONE_RE, FieldError
from knowledgebase.field_kinds.inputs import text_area, text_input
from knowledgebase.field_kinds.registry import register
from knowledgebase.forms import valid_org_number
from knowledgebase.orgnr import normalise_org_number


class Text(FieldKind):
    """A short text on one line, searchable."""

    name = "text"
    limit = MAX_SHORT

    def check(self, field, value, vocabulary) -> str:
        return checks.text(field.name, value, self.limit)

    def json_schema(self, field) -> dict[str, Any]:
        return {"type": "string", "maxLength": self.limit}

    def form_fields(self, field, choices) -> dict[str, Any]:
        return {field.name: text_input(field.label)}

    def index_columns(self, field) -> list[tuple[str, str]]:
        return [(field.name, "sv")]


class LongText(Text):
    """A text of several lines (no Markdown), shown like a short one."""

    name = "long_text"
    macro = "text"
    input = "textarea"
    limit = MAX_LONG

    def form_fields(self, field, choices) -> dict[str, Any]:
        return {field.name: text_area(field.label, rows=3)}


class Shaped(FieldKind):
    """A text of a set shape (``pattern``), at most ``limit`` characters."""

    limit = MAX_SHORT
    pattern: re.Pattern
    # The input type, and the messages on import (``error``) and in the form (``hint``).
    wtform: type = StringField
    error: Any = ""
    hint: Any = ""

    def check(self, field, value, vocabulary) -> str:
        text = checks.text(field.name, value, self.limit)
        if text and not self.pattern.match(text):
            raise FieldError(field.name, str(self.error))
        return text

    def json_schema(self, field) -> dict[str, Any]:
        return {"type": "string", "maxLength": self.limit}

    def form_fields(self, field, choices) -> dict[str, Any]:
        return {field.name: self.wtform(field.label, [
            Optional(), Length(max=self.limit), Regexp(self.pattern, message=self.hint)])}


class Url(Shaped):
    """A web address (http or https), shown as a link."""

    name = "url"
    input = "url"
    web_address = True
    limit = 1000
    pattern = checks.URL_RE
    wtform = URLField
    hint = _l("Enter a web address that starts with https:// or http://.")

    def check(self, field, value, vocabulary) -> str:
        return checks.web_address(field.name, value)


class Email(Shaped):
    """An e-mail address, shown as a mailto link."""

    name = "email"
    input = "email"
    limit = 254
    pattern = EMAIL_RE
    wtform = EmailField
    error = _l("must be an e-mail address")
    hint = _l("Enter an e-mail address like name@example.se.")


class Phone(Shaped):
    """A phone number, shown as a tel link."""

    name = "phone"
    input = "phone"
    limit = 40
    pattern = PHONE_RE
    wtform = TelField
    error = _l("must be a phone number")
    hint = _l("Enter a phone number: digits, spaces, +, - and brackets.")


class OrgNumber(FieldKind):
    """A Swedish organisation number, stored as NNNNNN-NNNN."""

    name = "orgnr"
    macro = "text"

    def check(self, field, value, vocabulary) -> str:
        number = checks.text(field.name, value, 20)
        if not number:
            return ""
        try:
            return normalise_org_number(number)
        except ValueError:
            raise FieldError(
                field.name, _("is not a valid organisation number (NNNNNN-NNNN with a correct check digit)")
            ) from None

    def json_schema(self, field) -> dict[str, Any]:
        return {"type": "string", "pattern": "^[0-9]{6}-[0-9]{4}$"}

    def form_fields(self, field, choices) -> dict[str, Any]:
        return {field.name: StringField(field.label, [Optional(), Length(max=20), valid_org_number],
                                        description=_l("NNNNNN-NNNN, checked against its check digit."))}


TEXT = register(Text())
LONG_TEXT = register(LongText())
URL = register(Url())
EMAIL = register(Email())
PHONE = register(Phone())
ORGNR = register(OrgNumber())
