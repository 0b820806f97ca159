"""Kinds whose value is chosen from a set: a fixed choice, taxonomy rows (one or several)
and other entries."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import SelectField

from knowledgebase.field_kinds import checks
from knowledgebase.field_kinds.base import FieldKind, FormField
from knowledgebase.field_kinds.checks import SLUG_RE, FieldError
from knowledgebase.field_kinds.registry import register
from knowledgebase.forms import CheckboxesField, options
from knowledgebase.models import PUBLISHED

CHOOSE = _l("– Choose –")


class Choice(FieldKind):
    """One of the field's ``choices``, shown by its label in the field's ``labels``."""

    name = "choice"
    input = "select"

    def check(self, field, value, vocabulary) -> str:
        return checks.one_of(field.name, value, field.choices, 40)

    def json_schema(self, field) -> dict[str, Any]:
        return {"enum": list(field.choices)}

    def form_fields(self, field, choices) -> dict[str, Any]:
        return {field.name: SelectField(field.label, choices=options([("", CHOOSE)] + [
            (value, field.labels.get(value, value)) for value in field.choices]), default="")}


class Taxonomy(FieldKind):
    """One row of the taxonomy table ``field.target`` by its slug (column <name>_slug)."""

    name = "taxonomy"
    input = "select"
    empty = None

    def check(self, field, value, vocabulary) -> str | None:
        slug = checks.text(field.name, value, 80)
        if slug and slug not in vocabulary.for_target(field.target):
            raise FieldError(field.name, _("unknown value %(value)s", value=slug))
        return slug or None

    def columns(self, field, value) -> dict[str, Any]:
        return {f"{field.name}_slug": value}

    def export(self, entry, field) -> str | None:
        return getattr(entry, f"{field.name}_slug")

    def json_schema(self, field) -> dict[str, Any]:
        return {"type": "string"}

    def form_fields(self, field, choices) -> dict[str, Any]:
        return {field.name: SelectField(field.label, choices=options(
            [("", CHOOSE)] + choices.vocabularies[field.target]), default="")}


class Several(FieldKind):
    """Several keys, chosen with checkboxes; exported sorted by slug, so that the order of
    the links never counts as a change."""

    input = "checkboxes"

    def export(self, entry, field) -> list[str]:
        return sorted(row.slug for row in getattr(entry, field.name))

    def json_schema(self, field) -> dict[str, Any]:
        return {"type": "array", "items": {"type": "string"}}

    def form_data(self, field, value) -> dict[str, Any]:
        return {field.name: [str(item) for item in value or []]}

    def read_form(self, field, form) -> list[str]:
        return list(form[field.name].data or [])

    def form_fields(self, field, choices) -> dict[str, Any]:
        return {field.name: CheckboxesField(field.label, choices=options(self.form_choices(field, choices)))}

    def form_choices(self, field, choices) -> list[tuple[str, str]]:
        raise NotImplementedError


class TaxonomyList(Several):
    """Rows of the taxonomy table ``field.target`` by their slugs (a link table)."""

    name = "taxonomy_list"

    def check(self, field, value, vocabulary) -> list[str]:
        return checks.codes(field.name, value, vocabulary.for_target(field.target))

    def apply(self, entry, field, value, rows) -> None:
        setattr(entry, field.name, rows(field.target, field.target.slug, value))

    def bulk(self, field, value, row) -> None:
        row.link(field.name, value)

    def form_choices(self, field, choices) -> list[tuple[str, str]]:
        return choices.vocabularies[field.target]


class Entries(Several):
    """Other entries (of the type ``field.target_type``) by their slugs. They are linked
    once every entry of an import is saved (``serialization.apply_entry_links``); detail
    pages show them in lists of their own."""

    name = "entries"
    placement = ""
    links_entries = True

    def check(self, field, value, vocabulary) -> list[str]:
        slugs = checks.short_texts(field.name, value)
        for slug in slugs:
            if not SLUG_RE.match(slug):
                raise FieldError(field.name, _("unknown value %(value)s", value=slug))
        return slugs

    def apply(self, entry, field, value, rows) -> None:
        """Nothing yet: the linked entries may not be saved before this one."""

    def bulk(self, field, value, row) -> None:
        """Nothing yet (``serialization.insert_new_entry_links``)."""

    def public_export(self, entry, field) -> list[str]:
        """Only the published linked entries: drafts, entries in review and archived ones
        are not public."""
        return sorted(row.slug for row in getattr(entry, field.name) if row.status == PUBLISHED)

    def layout(self, field) -> tuple[FormField, ...]:
        return (FormField(field.name, self.input, filterable=True),)

    def form_choices(self, field, choices) -> list[tuple[str, str]]:
        return choices.entries.get(field.target_type, [])


CHOICE = register(Choice())
TAXONOMY = register(Taxonomy())
TAXONOMY_LIST = register(TaxonomyList())
ENTRIES = register(Entries())
