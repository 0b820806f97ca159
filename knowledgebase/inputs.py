"""Reading request input, in one place.

Every value that a view, the API, the admin or a form takes from a URL, a query string or a
form body passes through these functions, so that malformed input is a clear 400 in the
visitor's language and never reaches the database as something it cannot hold (a number too
large for an integer column, a NUL byte that PostgreSQL refuses, a redirect off the site).

The plain functions (``whole_number``, ``choice``, ``single_line``, ``safe_redirect``, ...)
take a raw string and raise ``BadInput``; services and the search use them. The ``arg_*``
and ``form_*`` functions read the current request and answer 400 themselves; views use them.
``init_app`` installs the URL converters that bound every ``<int:...>`` path part and keep
control characters out of every other one, and refuses a form holding a NUL character.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from datetime import date
from typing import Any, Callable, NoReturn, TypeVar
from urllib.parse import urlsplit

from flask import Flask, abort, request
from flask_babel import lazy_gettext as _l
from werkzeug.routing import BaseConverter, ValidationError

T = TypeVar("T")

# The largest value of a 32-bit signed integer column (PostgreSQL ``integer``; SQLite's are
# wider, but ids and numbers beyond this are never real).
DB_INT_MAX = 2_147_483_647
# C0 and C1 control characters and DEL; tab, newline and carriage return are allowed in
# multi-line text.
CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
CONTROL_BUT_LINES = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
# SCB codes: two digits for a county, four for a municipality.
COUNTY_CODE = re.compile(r"^[0-9]{2}$")
MUNICIPALITY_CODE = re.compile(r"^[0-9]{4}$")
MAX_SLUG = 200


class BadInput(ValueError):
    """A request value that cannot be used: ``name`` and ``value`` say which, ``message`` why
    (translatable, for the visitor)."""

    def __init__(self, name: str, value: Any, message: object = "") -> None:
        super().__init__(f"{name}={value!r}")
        self.name = name
        self.value = value
        self.message = message or _l("Unknown value for %(name)s.", name=name)


class BadFilter(BadInput):
    """A filter value that names nothing (a theme, county, municipality or facet value)."""

    def __init__(self, name: str, value: Any) -> None:
        super().__init__(name, value, _l("Unknown filter value: %(name)s=%(value)s", name=name,
                                         value=shown(value)))


def shown(value: Any, limit: int = 60) -> str:
    """A value fit to quote back in a message: no control characters, not too long."""
    text = CONTROL.sub("", str(value))
    return text if len(text) <= limit else text[:limit] + "…"


# Plain values ---------------------------------------------------------------------------------

def whole_number(raw: str | None, name: str, *, minimum: int = 1, maximum: int = DB_INT_MAX) -> int:
    """A whole number written in ASCII digits (no sign, no "²" or "١"), within bounds."""
    text = (raw or "").strip()
    if not (text.isascii() and text.isdigit()) or len(text) > 12 or not minimum <= int(text) <= maximum:
        raise BadInput(name, raw, _l("%(name)s must be a whole number from %(minimum)d to %(maximum)d.",
                                      name=name, minimum=minimum, maximum=maximum))
    return int(text)


def number_or_default(raw: str | None, name: str, default: int, *, minimum: int = 1,
                      maximum: int = DB_INT_MAX, cap: int | None = None) -> int:
    """``whole_number`` where an absent or empty value means ``default``; ``cap`` lowers a
    larger (valid) value instead of refusing it, as for ``per_page``."""
    if raw is None or not raw.strip():
        return default
    value = whole_number(raw, name, minimum=minimum, maximum=maximum)
    return min(value, cap) if cap is not None else value


def record_id(raw: str | None) -> int | None:
    """A database id, or None for anything that cannot be one."""
    try:
        return whole_number(raw, "id")
    except BadInput:
        return None


def choice(raw: str | None, choices: Collection[str], name: str, default: str | None = None) -> str:
    """One of ``choices``; absent or empty gives ``default`` (refused when that is None)."""
    if raw is None or raw == "":
        if default is None:
            raise BadInput(name, raw)
        return default
    if raw not in choices:
        raise BadInput(name, raw, _l("Unknown value for %(name)s: %(value)s.", name=name, value=shown(raw)))
    return raw


def flag(raw: str | None, name: str) -> bool:
    """A yes/no value: "1" (or "true", "on") is yes; absent, "", "0" (or "false", "off") no."""
    value = (raw or "").strip().lower()
    if value in ("", "0", "false", "off", "no"):
        return False
    if value in ("1", "true", "on", "yes"):
        return True
    raise BadInput(name, raw, _l("%(name)s must be 1 or 0.", name=name))


def single_line(raw: str | None, max_length: int) -> str:
    """Text on one line: control characters (NUL, newlines, ...) dropped, trimmed, cut."""
    return CONTROL.sub("", raw or "").strip()[:max_length]


def multi_line(raw: str | None, max_length: int) -> str:
    """Text that may hold line breaks and tabs, without other control characters."""
    return CONTROL_BUT_LINES.sub("", raw or "").strip()[:max_length]


def is_slug(raw: str | None) -> bool:
    return bool(raw) and len(raw) <= MAX_SLUG and bool(SLUG.match(raw))


def iso_date(raw: str | None, name: str) -> date | None:
    """A date written YYYY-MM-DD, or None when empty."""
    text = (raw or "").strip()
    if not text:
        return None
    if not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", text):
        raise BadInput(name, raw, _l("Dates are written YYYY-MM-DD."))
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise BadInput(name, raw, _l("Dates are written YYYY-MM-DD.")) from None


def safe_redirect(target: str | None) -> str | None:
    """``target`` if it is a path on this site, else None: no other host, no scheme, no
    backslash, no control character or whitespace (browsers drop tabs and newlines, which
    would turn ``/<TAB>/evil.example`` into ``//evil.example``)."""
    if not target or len(target) > 2000 or CONTROL.search(target) or any(c.isspace() for c in target):
        return None
    if not target.startswith("/") or target.startswith("//") or "\\" in target:
        return None
    parts = urlsplit(target)
    return target if not parts.scheme and not parts.netloc else None


# The current request ---------------------------------------------------------------------------

def refuse(exc: BadInput) -> NoReturn:
    """Answer 400 with the message of ``exc``."""
    abort(400, description=str(exc.message))


def parsed(parser: Callable[..., T], *args: Any) -> T:
    """``parser(*args)`` (a function that reads request input and raises ``BadInput``),
    answering 400 with its message when the input is refused."""
    try:
        return parser(*args)
    except BadInput as exc:
        refuse(exc)


def arg_number(name: str, default: int, *, minimum: int = 1, maximum: int = DB_INT_MAX,
               cap: int | None = None, args: Mapping | None = None) -> int:
    """A whole number from the query string (400 if it is not one within bounds)."""
    source = request.args if args is None else args
    try:
        return number_or_default(source.get(name), name, default, minimum=minimum, maximum=maximum, cap=cap)
    except BadInput as exc:
        refuse(exc)


def arg_choice(name: str, choices: Collection[str], default: str) -> str:
    """One of ``choices`` from the query string; absent means ``default``; else 400."""
    try:
        return choice(request.args.get(name), choices, name, default)
    except BadInput as exc:
        refuse(exc)


def arg_flag(name: str) -> bool:
    try:
        return flag(request.args.get(name), name)
    except BadInput as exc:
        refuse(exc)


def arg_text(name: str, max_length: int = 200) -> str:
    """One line of text from the query string, cleaned (never refused)."""
    return single_line(request.args.get(name), max_length)


def arg_date(name: str) -> date | None:
    try:
        return iso_date(request.args.get(name), name)
    except BadInput as exc:
        refuse(exc)


def arg_id(name: str) -> int | None:
    """A database id from the query string or form, or None when absent or impossible."""
    return record_id(request.values.get(name))


def form_text(name: str, max_length: int = 200) -> str:
    return single_line(request.form.get(name), max_length)


def next_target(default: str, name: str = "next") -> str:
    """Where to go after a form: the form's (or query's) ``next`` if it is safe, else ``default``."""
    return safe_redirect(request.values.get(name)) or default


# Routing ---------------------------------------------------------------------------------------

class BoundedIntConverter(BaseConverter):
    """``<int:...>``: ASCII digits only, at most ``DB_INT_MAX`` (a larger id is a 404, not an
    overflow in the database)."""

    regex = r"[0-9]{1,10}"
    weight = 50
    part_isolating = True

    def to_python(self, value: str) -> int:
        number = int(value)
        if number > DB_INT_MAX:
            raise ValidationError()
        return number

    def to_url(self, value: Any) -> str:
        return str(int(value))


class TextConverter(BaseConverter):
    """The default path part: anything but a slash or a control character (a NUL in a slug
    would reach PostgreSQL, which refuses it)."""

    regex = r"[^/\x00-\x1f\x7f-\x9f]{1,500}"
    part_isolating = True


def refuse_nul() -> None:
    """No NUL character in a submitted form: none is ever meant, and PostgreSQL refuses to
    store one. (Query values are cleaned where they are read: a search for any text works.)"""
    if request.method in ("GET", "HEAD", "OPTIONS"):
        return
    for key, values in request.form.lists():
        if "\x00" in key or any("\x00" in value for value in values):
            abort(400, description=str(_l("The form holds a NUL character, which cannot be saved.")))


def init_app(app: Flask) -> None:
    """Install the converters (before any blueprint registers its routes) and the NUL check."""
    app.url_map.converters["int"] = BoundedIntConverter
    app.url_map.converters["default"] = TextConverter
    app.url_map.converters["string"] = TextConverter
    app.before_request(refuse_nul)
