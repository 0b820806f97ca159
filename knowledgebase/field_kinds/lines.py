"""Kinds edited one item per line: lists of short texts, law references and public
contracts (records whose parts a | separates)."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from knowledgebase import models as m
from knowledgebase.field_kinds import checks
from knowledgebase.field_kinds.base import FieldKind
from knowledgebase.field_kinds.checks import MAX_SHORT, FieldError
from knowledgebase.field_kinds.inputs import LINES_HINT, lines_of, parts, text_area
from knowledgebase.field_kinds.registry import register


class TextList(FieldKind):
    """A list of short texts, searchable."""

    name = "list"
    input = "lines"

    def check(self, field, value, vocabulary) -> list[str]:
        return checks.short_texts(field.name, value)

    def json_schema(self, field) -> dict[str, Any]:
        return {"type": "array", "items": {"type": "string"}}

    def form_fields(self, field, choices) -> dict[str, Any]:
        return {field.name: text_area(field.label, rows=3, limit=20_000, description=LINES_HINT)}

    def form_data(self, field, value) -> dict[str, Any]:
        return {field.name: "\n".join(value or [])}

    def read_form(self, field, form) -> list[str]:
        return lines_of(form[field.name].data)

    def index_columns(self, field) -> list[tuple[str, str]]:
        return [(field.name, "sv")]

    def index_text(self, value) -> str:
        return " ".join(str(item) for item in value or [])


class Records(FieldKind):
    """A list of records, each a mapping of ``keys``: in a form one per line, its parts
    separated by |."""

    input = "lines"
    keys: tuple[str, ...] = ()
    hint = LINES_HINT

    def form_fields(self, field, choices) -> dict[str, Any]:
        return {field.name: text_area(field.label, rows=4, limit=20_000, description=self.form_hint(field))}

    def form_hint(self, field) -> Any:
        return self.hint

    def form_data(self, field, value) -> dict[str, Any]:
        return {field.name: "\n".join(self.joined(item).rstrip(" |") for item in value or [])}

    def read_form(self, field, form) -> list[dict[str, str]]:
        return [dict(zip(self.keys, parts(line, len(self.keys)))) for line in lines_of(form[field.name].data)]

    def lines(self, value) -> list[str]:
        return [self.joined(item) for item in value]

    def joined(self, item: dict[str, Any]) -> str:
        return " | ".join(str(item.get(key) or "") for key in self.keys)


class LawRefs(Records):
    """References to laws: label (required), SFS number, chapter and section; searchable
    by their labels."""

    name = "law_refs"
    keys = ("label", "sfs", "chapter", "section")
    hint = _l("One reference per line: label | SFS number | chapter | section, e.g. "
              "LOU 4 kap. 18 § | 2016:1145 | 4 | 18.")

    def check(self, field, value, vocabulary) -> list[dict[str, str]]:
        refs = []
        for index, item in enumerate(checks.records(field.name, value), 1):
            where = f"{field.name}[{index}]"
            if not isinstance(item, dict):
                raise FieldError(where, _("must be a mapping with sfs, chapter, section and label"))
            ref = {key: checks.text(f"{where}.{key}", item.get(key), 100)
                   for key in ("sfs", "chapter", "section", "label")}
            if not ref["label"]:
                raise FieldError(f"{where}.label", _("is required"))
            refs.append(ref)
        return refs

    def index_columns(self, field) -> list[tuple[str, str]]:
        return [(field.name, "sv")]

    def index_text(self, value) -> str:
        return " ".join(str(item.get("label", "")) for item in value or [])

    def json_schema(self, field) -> dict[str, Any]:
        text = {"type": "string", "maxLength": 100}
        return {"type": "array", "items": {"type": "object", "required": list(self.keys), "additionalProperties": False,
                                           "properties": {key: text for key in self.keys}}}


class Contracts(Records):
    """Public contracts an enterprise has had: buyer (required), year, service and the
    procurement route (one of the field's ``choices``, labelled by its ``labels``). Stored
    as child rows (``models.PublicContract``), not searchable."""

    name = "contracts"
    keys = ("buyer", "year", "service", "route")

    def check(self, field, value, vocabulary) -> list[dict[str, Any]]:
        contracts = []
        for index, item in enumerate(checks.records(field.name, value), 1):
            where = f"{field.name}[{index}]"
            if not isinstance(item, dict) or set(item) - set(self.keys):
                raise FieldError(where, _("must be a mapping with buyer, year, service and route"))
            year = checks.whole_number(f"{where}.year", item.get("year"))
            if year is not None and not 1900 <= year <= 2100:
                raise FieldError(f"{where}.year", _("is out of range"))
            route = checks.one_of(f"{where}.route", item.get("route"), field.choices, 30)
            contracts.append({
                "buyer": checks.text(f"{where}.buyer", item.get("buyer"), MAX_SHORT, required=True),
                "year": year,
                "service": checks.text(f"{where}.service", item.get("service"), MAX_SHORT),
                "route": route,
            })
        return contracts

    def columns(self, field, value) -> dict[str, Any]:
        return {}

    def apply(self, entry, field, value, rows) -> None:
        current = [c.as_data() for c in getattr(entry, field.name)]
        wanted = [m.PublicContract(position=i, **c) for i, c in enumerate(value)]
        # Rows replaced only on a change, so that an unchanged import changes nothing.
        if current != [c.as_data() for c in wanted]:
            setattr(entry, field.name, wanted)

    def bulk(self, field, value, row) -> None:
        row.child(field.name, value)

    def export(self, entry, field) -> list[dict[str, Any]]:
        return [row.as_data() for row in getattr(entry, field.name)]

    def json_schema(self, field) -> dict[str, Any]:
        # As PublicContract.as_data gives it: the buyer always, the rest when known.
        return {"type": "array", "items": {"type": "object", "required": ["buyer"], "additionalProperties": False,
                                           "properties": {"buyer": {"type": "string"},
                                                          "year": {"type": "integer", "minimum": 1900, "maximum": 2100},
                                                          "service": {"type": "string"},
                                                          "route": {"enum": list(field.choices)}}}}

    def form_hint(self, field) -> Any:
        # "none" (not a purchase) is no route for a contract.
        return _l("One contract per line: buyer | year | service | route, e.g. "
                  "Vetlanda kommun | 2025 | Lokalvård | reserved. Routes: %(routes)s.",
                  routes=", ".join(r for r in field.choices if r != "none"))


LIST = register(TextList())
LAW_REFS = register(LawRefs())
CONTRACTS = register(Contracts())
