"""The API's OpenAPI description (``openapi.py``) as a reference for people: the operations
grouped by tag, each with its parameters (type and limits in words), responses and response
fields, in the visitor's language. The API page (``/<lang>/open-data/api``) shows it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from flask_babel import format_decimal
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

GROUPS = {
    "entries": _l("Entries"),
    "search": _l("Search"),
    "buyers": _l("For buyers"),
    "statistics": _l("Statistics"),
    "site": _l("The API itself"),
}


# Translated when a page uses them (a reference page names a type thousands of times).
KIND_NAMES = {"string": _l("text"), "integer": _l("whole number"), "number": _l("number"),
              "boolean": _l("true or false"), "object": _l("object"), "null": "null"}
FORMAT_NAMES = {"date": _l("date (YYYY-MM-DD)"), "uri": _l("web address")}


@dataclass
class Row:
    """A parameter or a response field."""

    name: str
    type: str
    limits: str = ""
    text: str = ""
    where: str = ""
    required: bool = False


@dataclass
class Operation:
    id: str
    method: str
    path: str
    summary: str
    text: str
    parameters: list[Row]
    responses: list[tuple[str, str]]
    fields: list[Row]
    example: str = ""


@dataclass
class Group:
    key: str
    title: str
    operations: list[Operation] = field(default_factory=list)


class Reference:
    """Reads one description in one language (``sv`` or ``en``); ``slugs`` gives the example
    requests of the detail operations a slug, by operation id."""

    def __init__(self, description: dict[str, Any], lang: str, slugs: dict[str, str]) -> None:
        self.description = description
        self.lang = lang
        self.slugs = slugs

    def resolve(self, node: dict[str, Any]) -> dict[str, Any]:
        """Follow local ``$ref``s (``#/components/...``)."""
        while "$ref" in node:
            target: Any = self.description
            for part in node["$ref"].removeprefix("#/").split("/"):
                target = target[part]
            node = {**target, **{k: v for k, v in node.items() if k != "$ref"}}
        return node

    def text(self, node: dict[str, Any], key: str = "description") -> str:
        """A text in the visitor's language: ``x-<key>-sv`` in Swedish, ``<key>`` in English."""
        if self.lang == "sv" and node.get(f"x-{key}-sv"):
            return node[f"x-{key}-sv"]
        return node.get(key, "")

    # -- schemas in words ------------------------------------------------------------------------

    def type_of(self, schema: dict[str, Any]) -> str:
        schema = self.resolve(schema)
        if "const" in schema:
            return _("always %(value)s", value=schema["const"])
        if "enum" in schema:
            return _("one of: %(values)s", values=", ".join(str(v) for v in schema["enum"]))
        if "allOf" in schema:
            return _("object")
        kinds = schema.get("type", "")
        if isinstance(kinds, list):
            return f" {_('or')} ".join(self._kind({**schema, "type": kind}) for kind in kinds)
        return self._kind(schema)

    def _kind(self, schema: dict[str, Any]) -> str:
        kind = schema.get("type", "")
        if kind == "array":
            items = self.resolve(schema.get("items", {}))
            if "enum" in items:  # a repeatable parameter of set values
                return self.type_of(items)
            return _("list of %(items)s", items=self.type_of(items))
        if kind == "string" and schema.get("format") in FORMAT_NAMES:
            return str(FORMAT_NAMES[schema["format"]])
        return str(KIND_NAMES.get(kind, kind or _("any")))

    def limits_of(self, schema: dict[str, Any]) -> str:
        schema = self.resolve(schema)
        if schema.get("type") == "array":
            inner = self.limits_of(schema.get("items", {}))
            return _("repeatable") + (f"; {inner}" if inner else "")
        parts = []
        if "minimum" in schema and "maximum" in schema:
            parts.append(_("from %(low)s to %(high)s", low=format_decimal(schema["minimum"]),
                           high=format_decimal(schema["maximum"])))
        if "maxLength" in schema:
            parts.append(_("at most %(count)s characters", count=format_decimal(schema["maxLength"])))
        if "pattern" in schema:
            parts.append(_("pattern %(pattern)s", pattern=schema["pattern"]))
        if "default" in schema:
            parts.append(_("default %(value)s", value=schema["default"]))
        return "; ".join(parts)

    def fields_of(self, schema: dict[str, Any]) -> list[Row]:
        """The top-level fields of an object schema (an ``allOf`` merged)."""
        schema = self.resolve(schema)
        properties: dict[str, Any] = {}
        required: set[str] = set(schema.get("required", []))
        for part in schema.get("allOf", []):
            part = self.resolve(part)
            properties.update(part.get("properties", {}))
            required |= set(part.get("required", []))
        properties.update(schema.get("properties", {}))
        return [Row(name, self.type_of(value), self.limits_of(value), self.text(self.resolve(value)),
                    required=name in required)
                for name, value in properties.items()]

    # -- operations ------------------------------------------------------------------------------

    def operation(self, path: str, method: str, node: dict[str, Any]) -> Operation:
        parameters = []
        for parameter in node.get("parameters", []):
            parameter = self.resolve(parameter)
            schema = self.resolve(parameter["schema"])
            # A repeatable parameter is described by its values (its limits say "repeatable").
            one = schema.get("items", {}) if schema.get("type") == "array" else schema
            parameters.append(Row(parameter["name"], self.type_of(one), self.limits_of(schema), self.text(parameter),
                                  where=parameter["in"], required=parameter.get("required", False)))
        responses = [(status, self.text(self.resolve(response))) for status, response in node["responses"].items()]
        ok = self.resolve(node["responses"]["200"])
        body = self.resolve(ok.get("content", {}).get("application/json", {}).get("schema", {}))
        fields = self.fields_of(body) if body.get("type") == "object" or "allOf" in body else []
        example = path.replace("{slug}", self.slugs.get(node["operationId"], "")) + node.get("x-example", "")
        return Operation(node["operationId"], method.upper(), path, self.text(node, "summary"), self.text(node),
                         parameters, responses, fields, example if "{" not in example else "")

    def groups(self) -> list[Group]:
        """The operations by tag, in the order of ``GROUPS``; each in order of its path."""
        groups = {key: Group(key, str(title)) for key, title in GROUPS.items()}
        for path, item in sorted(self.description["paths"].items()):
            for method, node in item.items():
                groups[node["tags"][0]].operations.append(self.operation(path, method, node))
        return [group for group in groups.values() if group.operations]


def reference(description: dict[str, Any], lang: str, slugs: dict[str, str]) -> list[Group]:
    """The operations of ``description`` by group, described in ``lang``, with example requests
    (the detail operations' with the slug ``slugs`` gives for their operation id)."""
    return Reference(description, lang, slugs).groups()
