"""Interface languages: Swedish first, English throughout. The URL prefix picks the locale."""

from __future__ import annotations

from flask import g, has_request_context, request

LOCALES = ("sv", "en")
DEFAULT_LOCALE = "sv"
LANGUAGE_NAMES = {"sv": "Svenska", "en": "English"}


def best_locale() -> str:
    """The best supported locale from the Accept-Language header."""
    return request.accept_languages.best_match(LOCALES) or DEFAULT_LOCALE


def select_locale() -> str:
    if not has_request_context():
        return DEFAULT_LOCALE
    lang = g.get("lang")
    if lang in LOCALES:
        return lang
    return best_locale()


def current_lang() -> str:
    if not has_request_context():
        return DEFAULT_LOCALE
    return g.get("lang") or DEFAULT_LOCALE
