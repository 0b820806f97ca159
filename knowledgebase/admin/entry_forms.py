"""The entry form builder of the adviser area.

Entry forms are built by one builder, ``entry_form_class``, from the content-type registry
(``knowledgebase.content_types``): the fields every entry shares, then the type's own
fields by kind. ``form_values`` and ``form_to_data`` translate between a form and the seed
format, so saving goes through the same validation as imports (services.serialization)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from markupsafe import Markup
from sqlalchemy import select
from wtforms import (
    EmailField,
    HiddenField,
    RadioField,
    SelectField,
    StringField,
    SubmitField,
    TelField,
    TextAreaField,
    URLField,
)
from wtforms.validators import InputRequired, Length, Optional, Regexp

from knowledgebase import models as m
from knowledgebase.content_types import (
    CONTENT_TYPES,
    FINANCING_KIND_LABELS,
    LAW_LABELS,
    PROCUREMENT_ROUTES,
    ROUTE_LABELS,
    ContentType,
)
from knowledgebase.extensions import db
from knowledgebase.forms import CheckboxesField, options, valid_org_number
from knowledgebase.services.serialization import EMAIL_RE, PHONE_RE, SLUG_RE, URL_RE
from knowledgebase.templating import render_markdown

CHOICE_LABELS = {"procurement_route": ROUTE_LABELS, "kind": FINANCING_KIND_LABELS, "law": LAW_LABELS}
MAX_SHORT = 300
MAX_LONG = 100_000



# -- choices from the taxonomy ------------------------------------------------------------

Group = tuple[str, list[tuple[str, str]]]


@dataclass
class Choices:
    """Taxonomy choices for entry forms, loaded once per request in the interface language."""

    themes: list[tuple[str, str]] = field(default_factory=list)
    packages: list[Group] = field(default_factory=list)
    counties: list[tuple[str, str]] = field(default_factory=list)
    municipalities: list[Group] = field(default_factory=list)
    vocabularies: dict[type, list[tuple[str, str]]] = field(default_factory=dict)
    entries: dict[str, list[tuple[str, str]]] = field(default_factory=dict)

    @classmethod
    def load(cls, locale: str) -> Choices:
        themes = list(db.session.scalars(select(m.Theme).order_by(m.Theme.number)))
        counties = list(db.session.scalars(select(m.County).order_by(m.County.code)))
        choices = cls(
            themes=[(str(t.number), f"{t.number}. {t.name(locale)}") for t in themes],
            packages=[(f"{t.number}. {t.name(locale)}", [(p.code, f"{p.code} {p.name(locale)}") for p in t.packages])
                      for t in themes],
            counties=[(c.code, c.name) for c in counties],
            municipalities=[(c.name, [(mu.code, mu.name) for mu in c.municipalities]) for c in counties],
        )
        for model in (m.LegalForm, m.ServiceCategory, m.TargetGroup):
            choices.vocabularies[model] = [
                (row.slug, row.name(locale)) for row in db.session.scalars(select(model).order_by(model.name_sv))]
        for ct in CONTENT_TYPES:
            for spec in ct.fields:
                if spec.kind == "entries" and spec.target_type not in choices.entries:
                    target = next(c for c in CONTENT_TYPES if c.key == spec.target_type).model
                    choices.entries[spec.target_type] = [
                        (slug, title) for slug, title in db.session.execute(
                            select(target.slug, target.title_sv).order_by(target.title_sv))]
        return choices

    def groups(self, name: str) -> list[Group] | None:
        """Grouped choices for a checkbox field (None: one flat group)."""
        return {"packages": self.packages, "municipalities": self.municipalities}.get(name)


def _flat(groups: list[Group]) -> list[tuple[str, str]]:
    return [choice for _legend, items in groups for choice in items]


# -- the layout of an entry form ----------------------------------------------------------

@dataclass(frozen=True)
class FormField:
    """One input of an entry form: its form name, its kind and, for checkboxes, whether
    it gets a filter box."""

    name: str
    kind: str
    filterable: bool = False


@dataclass(frozen=True)
class Section:
    key: str
    title: object
    fields: tuple[FormField, ...]


def _bitext_fields(name: str, kind: str) -> tuple[FormField, ...]:
    return (FormField(f"{name}_sv", kind), FormField(f"{name}_en", kind))


def _kind_of(spec_kind: str, name: str) -> str:
    return {
        "text": "textarea" if name == "organisations" else "text",
        "int": "int", "bool": "bool", "url": "url", "email": "email", "phone": "phone",
        "orgnr": "text", "list": "lines", "choice": "select", "law_refs": "lines",
        "taxonomy": "select", "taxonomy_list": "checkboxes", "entries": "checkboxes",
        "date": "text", "contracts": "lines",
    }[spec_kind]


def layout(ct: ContentType) -> list[Section]:
    """The sections of ``ct``'s form, in order."""
    own: list[FormField] = []
    for spec in ct.fields:
        if spec.kind == "bitext":
            own.extend(_bitext_fields(spec.name, "markdown"))
        else:
            own.append(FormField(spec.name, _kind_of(spec.kind, spec.name), filterable=spec.kind == "entries"))
    return [
        Section("basics", _l("Name and summary"), (
            FormField("title_sv", "text"), FormField("title_en", "text"), FormField("slug", "text"),
            FormField("summary_sv", "textarea"), FormField("summary_en", "textarea"),
        )),
        Section("text", _l("Text"), (*_bitext_fields("body", "markdown"), FormField("easy_read", "textarea"))),
        Section("details", _l("Details: %(type)s", type=ct.label), tuple(own)),
        Section("classification", _l("Themes and places"), (
            FormField("themes", "checkboxes"), FormField("packages", "checkboxes"),
            FormField("counties", "checkboxes"), FormField("municipalities", "checkboxes", filterable=True),
        )),
        Section("sources", _l("Sources"), (FormField("sources", "lines"),)),
    ]


MARKDOWN_HINT = _l("Markdown: **bold**, *italic*, [link text](https://…), lists with - at the start of a line. "
                   "Use Preview to see the result.")
LINES_HINT = _l("One per line.")


def _lang_label(label: object, lang: str) -> object:
    if lang == "sv":
        return _l("%(label)s (Swedish)", label=label)
    return _l("%(label)s (English)", label=label)


def _text(label: object, required: bool = False, limit: int = MAX_SHORT, **kw: Any) -> StringField:
    first = InputRequired(message=_l("Fill in this field.")) if required else Optional()
    return StringField(label, [first, Length(max=limit)], **kw)


def _area(label: object, required: bool = False, limit: int = MAX_LONG, rows: int = 4, **kw: Any) -> TextAreaField:
    first = InputRequired(message=_l("Fill in this field.")) if required else Optional()
    return TextAreaField(label, [first, Length(max=limit)], render_kw={"rows": rows}, **kw)


def _common_fields(choices: Choices) -> dict[str, Any]:
    return {
        "title_sv": _text(_l("Title (Swedish)"), required=True),
        "title_en": _text(_l("Title (English)")),
        "slug": StringField(_l("Address (slug)"), [
            InputRequired(message=_l("Fill in this field.")), Length(max=120),
            Regexp(SLUG_RE, message=_l("Use only the letters a–z, digits and single hyphens."))],
            description=_l("Part of the web address: lower-case a–z, digits and hyphens, e.g. vaxjo-cafe.")),
        "summary_sv": _area(_l("Summary (Swedish)"), required=True, rows=3,
                            description=_l("One or two sentences, shown in lists and search results.")),
        "summary_en": _area(_l("Summary (English)"), rows=3),
        "body_sv": _area(_l("Text (Swedish)"), rows=12, description=MARKDOWN_HINT),
        "body_en": _area(_l("Text (English)"), rows=12, description=MARKDOWN_HINT),
        "easy_read": _area(_l("Easy-to-read text (Swedish)"), rows=4,
                           description=_l("Short sentences and everyday words (lättläst).")),
        "themes": CheckboxesField(_l("Themes"), choices=options(choices.themes)),
        "packages": CheckboxesField(_l("Competence packages"), choices=options(_flat(choices.packages))),
        "counties": CheckboxesField(_l("Counties"), choices=options(choices.counties),
                                    description=_l("For entries that cover a whole county.")),
        "municipalities": CheckboxesField(_l("Municipalities"), choices=options(_flat(choices.municipalities))),
        "sources": _area(_l("Sources"), rows=4, description=_l(
            "One source per line: its title, then | and its web address if it has one. "
            "A published entry needs at least one source.")),
    }


def _own_field(spec: Any, choices: Choices) -> dict[str, Any]:
    kind, label, name = spec.kind, spec.label, spec.name
    if kind == "bitext":
        return {f"{name}_{lang}": _area(_lang_label(label, lang), rows=8, description=MARKDOWN_HINT)
                for lang in ("sv", "en")}
    if kind == "text":
        if name == "organisations":
            return {name: _area(label, rows=3)}
        return {name: _text(label)}
    if kind == "int":
        return {name: StringField(label, [Optional(), Regexp(r"^\s*\d{1,8}\s*$", message=_l("Enter a whole number."))],
                                  render_kw={"inputmode": "numeric"})}
    if kind == "bool":
        return {name: RadioField(label, choices=options([("", _l("Not known")), ("yes", _l("Yes")), ("no", _l("No"))]),
                                 default="", validators=[Optional()])}
    if kind == "url":
        return {name: URLField(label, [Optional(), Length(max=1000), Regexp(
            URL_RE, message=_l("Enter a web address that starts with https:// or http://."))])}
    if kind == "email":
        return {name: EmailField(label, [Optional(), Length(max=254), Regexp(
            EMAIL_RE, message=_l("Enter an e-mail address like name@example.se."))])}
    if kind == "phone":
        return {name: TelField(label, [Optional(), Length(max=40), Regexp(
            PHONE_RE, message=_l("Enter a phone number: digits, spaces, +, - and brackets."))])}
    if kind == "orgnr":
        return {name: StringField(label, [Optional(), Length(max=20), valid_org_number],
                                  description=_l("NNNNNN-NNNN, checked against its check digit."))}
    if kind == "list":
        return {name: _area(label, rows=3, limit=20_000, description=LINES_HINT)}
    if kind == "law_refs":
        return {name: _area(label, rows=4, limit=20_000, description=_l(
            "One reference per line: label | SFS number | chapter | section, e.g. "
            "LOU 4 kap. 18 § | 2016:1145 | 4 | 18."))}
    if kind == "date":
        return {name: StringField(label, [Optional(), Regexp(r"^\s*\d{4}-\d{2}-\d{2}\s*$",
                                                             message=_l("Enter a date as YYYY-MM-DD."))],
                                  render_kw={"type": "date"})}
    if kind == "contracts":
        return {name: _area(label, rows=4, limit=20_000, description=_l(
            "One contract per line: buyer | year | service | route, e.g. "
            "Vetlanda kommun | 2025 | Lokalvård | reserved. Routes: %(routes)s.",
            routes=", ".join(r for r in PROCUREMENT_ROUTES if r != "none")))}
    if kind == "choice":
        labels = CHOICE_LABELS.get(name, {})
        return {name: SelectField(label, choices=options([("", _l("– Choose –"))] + [
            (value, labels.get(value, value)) for value in spec.choices]), default="")}
    if kind == "taxonomy":
        return {name: SelectField(label, choices=options([("", _l("– Choose –"))] + choices.vocabularies[spec.target]),
                                  default="")}
    if kind == "taxonomy_list":
        return {name: CheckboxesField(label, choices=options(choices.vocabularies[spec.target]))}
    if kind == "entries":
        return {name: CheckboxesField(label, choices=options(choices.entries.get(spec.target_type, [])))}
    raise AssertionError(f"unknown field kind {kind}")


class EntryForm(FlaskForm):
    """Base of every entry form; the builder adds the content fields."""

    version = HiddenField()
    suggestion = HiddenField()
    note = StringField(_l("Note about this change (optional)"), [Optional(), Length(max=500)],
                       description=_l("Shown in the entry's history."))
    save = SubmitField(_l("Save"))
    preview = SubmitField(_l("Preview"))


def entry_form_class(ct: ContentType, choices: Choices) -> type[EntryForm]:
    """The form class for ``ct``: shared fields, then the type's own fields by kind."""
    attrs = _common_fields(choices)
    for spec in ct.fields:
        attrs.update(_own_field(spec, choices))
    return type(f"{ct.key.title()}EntryForm", (EntryForm,), attrs)


# -- between forms and the seed format ----------------------------------------------------

def _lines(text: str | None) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def _parts(line: str, count: int) -> list[str]:
    parts = [part.strip() for part in line.split("|", count - 1)]
    return parts + [""] * (count - len(parts))


def form_values(ct: ContentType, data: dict[str, Any]) -> dict[str, Any]:
    """Seed-format ``data`` as the initial values of ``ct``'s form."""
    def bitext(value: Any) -> dict[str, str]:
        if isinstance(value, dict):
            return {"sv": value.get("sv") or "", "en": value.get("en") or ""}
        return {"sv": value or "", "en": ""}

    values: dict[str, Any] = {"slug": data.get("slug", ""), "easy_read": data.get("easy_read", "")}
    for name in ("title", "summary", "body"):
        text = bitext(data.get(name))
        values[f"{name}_sv"], values[f"{name}_en"] = text["sv"], text["en"]
    for name in ("themes", "packages", "counties", "municipalities"):
        values[name] = [str(item) for item in data.get(name) or []]
    values["sources"] = "\n".join(
        f"{s.get('title', '')} | {s['url']}" if s.get("url") else s.get("title", "")
        for s in data.get("sources") or [])
    for spec in ct.fields:
        value = data.get(spec.name)
        if spec.kind == "bitext":
            text = bitext(value)
            values[f"{spec.name}_sv"], values[f"{spec.name}_en"] = text["sv"], text["en"]
        elif spec.kind == "bool":
            values[spec.name] = "" if value is None else ("yes" if value else "no")
        elif spec.kind == "list":
            values[spec.name] = "\n".join(value or [])
        elif spec.kind == "law_refs":
            values[spec.name] = "\n".join(
                " | ".join(str(ref.get(key, "")) for key in ("label", "sfs", "chapter", "section")).rstrip(" |")
                for ref in value or [])
        elif spec.kind == "contracts":
            values[spec.name] = "\n".join(
                " | ".join(str(c.get(key) or "") for key in ("buyer", "year", "service", "route")).rstrip(" |")
                for c in value or [])
        elif spec.kind in ("taxonomy_list", "entries"):
            values[spec.name] = [str(item) for item in value or []]
        else:
            values[spec.name] = "" if value is None else str(value)
    return values


def form_to_data(ct: ContentType, form: EntryForm) -> dict[str, Any]:
    """The form's values in the seed format (``clean_entry_data`` checks them)."""
    def text(name: str) -> str:
        return (form[name].data or "").strip()

    data: dict[str, Any] = {
        "slug": text("slug"),
        "easy_read": text("easy_read"),
        "themes": list(form.themes.data or []),
        "packages": list(form.packages.data or []),
        "counties": list(form.counties.data or []),
        "municipalities": list(form.municipalities.data or []),
        "sources": [],
    }
    for name in ("title", "summary", "body"):
        data[name] = {"sv": text(f"{name}_sv"), "en": text(f"{name}_en")}
    for line in _lines(form.sources.data):
        title, url = (part.strip() for part in line.rsplit("|", 1)) if "|" in line else (line, "")
        data["sources"].append({"title": title, "url": url})
    for spec in ct.fields:
        name = spec.name
        if spec.kind == "bitext":
            data[name] = {"sv": text(f"{name}_sv"), "en": text(f"{name}_en")}
        elif spec.kind == "bool":
            data[name] = {"yes": True, "no": False}.get(form[name].data or "")
        elif spec.kind == "int":
            data[name] = text(name) or None
        elif spec.kind == "list":
            data[name] = _lines(form[name].data)
        elif spec.kind == "law_refs":
            data[name] = [dict(zip(("label", "sfs", "chapter", "section"), _parts(line, 4)))
                          for line in _lines(form[name].data)]
        elif spec.kind == "contracts":
            data[name] = [dict(zip(("buyer", "year", "service", "route"), _parts(line, 4)))
                          for line in _lines(form[name].data)]
        elif spec.kind == "date":
            data[name] = text(name) or None
        elif spec.kind in ("taxonomy_list", "entries"):
            data[name] = list(form[name].data or [])
        elif spec.kind == "taxonomy":
            data[name] = text(name) or None
        else:
            data[name] = text(name)
    return data


def error_field_name(form: EntryForm, field_name: str) -> str | None:
    """The form field a ``FieldError`` names ("title.sv" → title_sv, "sources[2].url" → sources)."""
    match = re.match(r"^([a-z_]+)(?:\.(sv|en))?", field_name or "")
    if not match:
        return None
    name = f"{match.group(1)}_{match.group(2)}" if match.group(2) else match.group(1)
    if name in form:
        return name
    if f"{name}_sv" in form:
        return f"{name}_sv"
    return None


def markdown_previews(ct: ContentType, form: EntryForm) -> dict[str, Markup]:
    """The sanitised rendering of every Markdown field that has text."""
    previews = {}
    for section in layout(ct):
        for item in section.fields:
            if item.kind == "markdown" and (form[item.name].data or "").strip():
                previews[item.name] = render_markdown(form[item.name].data)
    return previews
