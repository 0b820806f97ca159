"""A text in Swedish and English (columns <name>_sv and <name>_en), written in Markdown.
The functions serve the title, summary and body every entry has as well."""

from __future__ import annotations

from typing import Any

from knowledgebase.field_kinds import checks
from knowledgebase.field_kinds.base import FieldKind, FormField
from knowledgebase.field_kinds.checks import LANGS
from knowledgebase.field_kinds.inputs import MARKDOWN_HINT, lang_label, text_area, text_of
from knowledgebase.field_kinds.registry import register


def pair_columns(name: str, value: dict[str, str]) -> dict[str, str]:
    """The columns of a clean {sv, en} text."""
    return {f"{name}_{lang}": value[lang] for lang in LANGS}


def export_pair(entry: Any, name: str) -> dict[str, str]:
    """The entry's text as {sv, en}, or {sv} when there is no English."""
    sv = getattr(entry, f"{name}_sv") or ""
    en = getattr(entry, f"{name}_en") or ""
    return {"sv": sv, "en": en} if en else {"sv": sv}


def form_pair(name: str, value: Any) -> dict[str, str]:
    """A seed-format text (a mapping or a plain Swedish string) as the form's two inputs."""
    if not isinstance(value, dict):
        value = {"sv": value}
    return {f"{name}_{lang}": value.get(lang) or "" for lang in LANGS}


def read_pair(form: Any, name: str) -> dict[str, str]:
    """The form's two inputs of a text as {sv, en}."""
    return {lang: text_of(form, f"{name}_{lang}") for lang in LANGS}


class Bitext(FieldKind):
    """A Markdown text in Swedish and English, shown as a section of its own."""

    name = "bitext"
    input = "markdown"
    placement = "section"

    def check(self, field, value, vocabulary) -> dict[str, str]:
        return checks.bitext(field.name, value)

    def json_schema(self, field) -> dict[str, Any]:
        # As export_pair gives it: Swedish always, English when there is one.
        return {"type": "object", "required": ["sv"], "additionalProperties": False,
                "properties": {"sv": {"type": "string"}, "en": {"type": "string"}}}

    def columns(self, field, value) -> dict[str, Any]:
        return pair_columns(field.name, value)

    def export(self, entry, field) -> dict[str, str]:
        return export_pair(entry, field.name)

    def form_fields(self, field, choices) -> dict[str, Any]:
        return {f"{field.name}_{lang}": text_area(lang_label(field.label, lang), rows=8, description=MARKDOWN_HINT)
                for lang in LANGS}

    def layout(self, field) -> tuple[FormField, ...]:
        return tuple(FormField(f"{field.name}_{lang}", self.input) for lang in LANGS)

    def form_data(self, field, value) -> dict[str, Any]:
        return form_pair(field.name, value)

    def read_form(self, field, form) -> dict[str, str]:
        return read_pair(form, field.name)

    def lines(self, value) -> list[str]:
        if isinstance(value, str):
            value = {"sv": value}
        return [f"[{lang}] {line}" for lang in LANGS for line in (value.get(lang) or "").splitlines()]

    def index_columns(self, field) -> list[tuple[str, str]]:
        return [(f"{field.name}_{lang}", lang) for lang in LANGS]

    def has_value(self, entry, field) -> bool:
        return bool(getattr(entry, f"{field.name}_sv"))


BITEXT = register(Bitext())
