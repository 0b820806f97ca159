"""Checks of single values from the seed format and the API: each returns the clean value
or raises ``FieldError`` naming the field. The field kinds and the fields every entry
shares (``services.content.serialization``) use them alike."""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any

from flask_babel import gettext as _

from knowledgebase.inputs import SLUG


SLUG_RE = SLUG  # the same shape as in a URL
EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
PHONE_RE = re.compile(r"^\+?[0-9 ()-]{5,30}$")
URL_RE = re.compile(r"^https?://[^\s<>\"]+$", re.IGNORECASE)
LANGS = ("sv", "en")
MAX_SHORT = 300
MAX_LONG = 100_000


class FieldError(ValueError):
    """A value that cannot be accepted; ``field`` names it for the user."""

    def __init__(self, field_name: str, message: str):
        super().__init__(message)
        self.field = field_name
        self.message = message


def text(name: str, value: Any, limit: int = MAX_LONG, required: bool = False) -> str:
    """A text without NUL bytes or surrounding spaces; numbers are taken as their text."""
    if value is None:
        value = ""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str):
        raise FieldError(name, _("must be text"))
    value = value.replace("\x00", "").strip()
    if required and not value:
        raise FieldError(name, _("is required"))
    if len(value) > limit:
        raise FieldError(name, _("is too long (at most %(limit)d characters)", limit=limit))
    return value


def bitext(name: str, value: Any, limit: int = MAX_LONG, required: bool = False) -> dict[str, str]:
    """A text in Swedish and optionally English: a mapping {sv, en} or a plain Swedish string."""
    if value is None or isinstance(value, str):
        value = {"sv": value or ""}
    if not isinstance(value, dict) or set(value) - set(LANGS):
        raise FieldError(name, _("must be a text or a mapping with the keys sv and en"))
    return {
        "sv": text(f"{name}.sv", value.get("sv"), limit, required),
        "en": text(f"{name}.en", value.get("en"), limit),
    }


def whole_number(name: str, value: Any) -> int | None:
    """A whole number from 0 to ten million, or None for an empty value."""
    if value in (None, ""):
        return None
    if isinstance(value, bool):
        raise FieldError(name, _("must be a whole number"))
    try:
        number = int(str(value).strip())
    except ValueError:
        raise FieldError(name, _("must be a whole number")) from None
    if not 0 <= number <= 10_000_000:
        raise FieldError(name, _("is out of range"))
    return number


def yes_no(name: str, value: Any) -> bool | None:
    """True or false (also yes/no, ja/nej, 1/0), or None for an empty value."""
    if value in (None, ""):
        return None
    if isinstance(value, bool):
        return value
    word = str(value).strip().lower()
    if word in ("true", "yes", "ja", "1"):
        return True
    if word in ("false", "no", "nej", "0"):
        return False
    raise FieldError(name, _("must be true or false"))


def short_texts(name: str, value: Any) -> list[str]:
    """A list of short texts (a single text counts as a list of one); empty items dropped."""
    if value in (None, ""):
        return []
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list):
        raise FieldError(name, _("must be a list"))
    items = [text(name, item, MAX_SHORT) for item in value]
    return [item for item in items if item]


def codes(name: str, value: Any, allowed: set, convert=str) -> list:
    """Keys out of ``allowed`` (after ``convert``), each once, in the order given."""
    result = []
    for item in short_texts(name, value if not isinstance(value, int) else [value]):
        try:
            key = convert(item)
        except ValueError:
            key = None
        if key not in allowed:
            raise FieldError(name, _("unknown value %(value)s", value=item))
        if key not in result:
            result.append(key)
    return result


def web_address(name: str, value: Any) -> str:
    """An http(s) address, or an empty text."""
    url = text(name, value, 1000)
    if url and not URL_RE.match(url):
        raise FieldError(name, _("must be a web address starting with http:// or https://"))
    return url


def iso_date(name: str, value: Any) -> date | None:
    """A date (YYYY-MM-DD), or None for an empty value."""
    if value in (None, ""):
        return None
    # A YAML timestamp ("2013-01-19 10:00") is read as a datetime, which is a date too.
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    try:
        return date.fromisoformat(str(value).strip())
    except ValueError:
        raise FieldError(name, _("must be a date (YYYY-MM-DD)")) from None


def one_of(name: str, value: Any, choices: tuple[str, ...], limit: int) -> str:
    """One of ``choices``, or an empty text."""
    choice = text(name, value, limit)
    if choice and choice not in choices:
        raise FieldError(name, _("must be one of %(choices)s", choices=", ".join(choices)))
    return choice


def records(name: str, value: Any) -> list:
    """The list of mappings a record field holds (empty for an empty value)."""
    if value in (None, ""):
        return []
    if not isinstance(value, list):
        raise FieldError(name, _("must be a list"))
    return value
