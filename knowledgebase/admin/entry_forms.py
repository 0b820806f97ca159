"""The entry form builder of the adviser area.

Entry forms are built by one builder, ``entry_form_class``, from the content-type registry
(``knowledgebase.content_types``): the fields every entry shares, then the type's own
fields by kind. ``form_values`` and ``form_to_data`` translate between a form and the seed
format, so saving goes through the same validation as imports (services.content.serialization)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from markupsafe import Markup
from sqlalchemy import select
from sqlalchemy.orm import selectinload
from wtforms import HiddenField, StringField, SubmitField
from wtforms.validators import InputRequired, Length, Optional, Regexp

from knowledgebase import models as m
from knowledgebase.content_types import CONTENT_TYPES, ContentType
from knowledgebase.extensions import db
from knowledgebase.field_kinds import FormField
from knowledgebase.field_kinds.bitext import form_pair, read_pair
from knowledgebase.field_kinds.checks import SLUG_RE
from knowledgebase.field_kinds.inputs import MARKDOWN_HINT, lines_of, text_area, text_input, text_of
from knowledgebase.forms import CheckboxesField, options
from knowledgebase.templating import render_markdown


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
        # With their packages and municipalities in one query each, not one per theme and county.
        themes = list(db.session.scalars(select(m.Theme).options(selectinload(m.Theme.packages))
                                         .order_by(m.Theme.number)))
        counties = list(db.session.scalars(select(m.County).options(selectinload(m.County.municipalities))
                                           .order_by(m.County.code)))
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
                if spec.target_type and spec.target_type not in choices.entries:
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
class Section:
    key: str
    title: object
    fields: tuple[FormField, ...]


def layout(ct: ContentType) -> list[Section]:
    """The sections of ``ct``'s form, in order."""
    own = tuple(item for spec in ct.fields for item in spec.kind.layout(spec))
    return [
        Section("basics", _l("Name and summary"), (
            FormField("title_sv", "text"), FormField("title_en", "text"), FormField("slug", "text"),
            FormField("summary_sv", "textarea"), FormField("summary_en", "textarea"),
        )),
        Section("text", _l("Text"), (
            FormField("body_sv", "markdown"), FormField("body_en", "markdown"), FormField("easy_read", "textarea"),
        )),
        Section("details", _l("Details: %(type)s", type=ct.label), own),
        Section("classification", _l("Themes and places"), (
            FormField("themes", "checkboxes"), FormField("packages", "checkboxes"),
            FormField("counties", "checkboxes"), FormField("municipalities", "checkboxes", filterable=True),
        )),
        Section("sources", _l("Sources"), (FormField("sources", "lines"),)),
    ]


def _common_fields(choices: Choices) -> dict[str, Any]:
    return {
        "title_sv": text_input(_l("Title (Swedish)"), required=True),
        "title_en": text_input(_l("Title (English)")),
        "slug": StringField(_l("Address (slug)"), [
            InputRequired(message=_l("Fill in this field.")), Length(max=120),
            Regexp(SLUG_RE, message=_l("Use only the letters a–z, digits and single hyphens."))],
            description=_l("Part of the web address: lower-case a–z, digits and hyphens, e.g. vaxjo-cafe.")),
        "summary_sv": text_area(_l("Summary (Swedish)"), required=True, rows=3,
                                description=_l("One or two sentences, shown in lists and search results.")),
        "summary_en": text_area(_l("Summary (English)"), rows=3),
        "body_sv": text_area(_l("Text (Swedish)"), rows=12, description=MARKDOWN_HINT),
        "body_en": text_area(_l("Text (English)"), rows=12, description=MARKDOWN_HINT),
        "easy_read": text_area(_l("Easy-to-read text (Swedish)"), rows=4,
                               description=_l("Short sentences and everyday words (lättläst).")),
        "themes": CheckboxesField(_l("Themes"), choices=options(choices.themes)),
        "packages": CheckboxesField(_l("Competence packages"), choices=options(_flat(choices.packages))),
        "counties": CheckboxesField(_l("Counties"), choices=options(choices.counties),
                                    description=_l("For entries that cover a whole county.")),
        "municipalities": CheckboxesField(_l("Municipalities"), choices=options(_flat(choices.municipalities))),
        "sources": text_area(_l("Sources"), rows=4, description=_l(
            "One source per line: its title, then | and its web address if it has one. "
            "A published entry needs at least one source.")),
    }


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
        attrs.update(spec.kind.form_fields(spec, choices))
    return type(f"{ct.key.title()}EntryForm", (EntryForm,), attrs)


# -- between forms and the seed format ----------------------------------------------------

def form_values(ct: ContentType, data: dict[str, Any]) -> dict[str, Any]:
    """Seed-format ``data`` as the initial values of ``ct``'s form."""
    values: dict[str, Any] = {"slug": data.get("slug", ""), "easy_read": data.get("easy_read", "")}
    for name in ("title", "summary", "body"):
        values.update(form_pair(name, data.get(name)))
    for name in ("themes", "packages", "counties", "municipalities"):
        values[name] = [str(item) for item in data.get(name) or []]
    values["sources"] = "\n".join(
        f"{s.get('title', '')} | {s['url']}" if s.get("url") else s.get("title", "")
        for s in data.get("sources") or [])
    for spec in ct.fields:
        values.update(spec.kind.form_data(spec, data.get(spec.name)))
    return values


def form_to_data(ct: ContentType, form: EntryForm) -> dict[str, Any]:
    """The form's values in the seed format (``clean_entry_data`` checks them)."""
    data: dict[str, Any] = {
        "slug": text_of(form, "slug"),
        "easy_read": text_of(form, "easy_read"),
        "themes": list(form.themes.data or []),
        "packages": list(form.packages.data or []),
        "counties": list(form.counties.data or []),
        "municipalities": list(form.municipalities.data or []),
        "sources": [],
    }
    for name in ("title", "summary", "body"):
        data[name] = read_pair(form, name)
    for line in lines_of(form.sources.data):
        title, url = (part.strip() for part in line.rsplit("|", 1)) if "|" in line else (line, "")
        data["sources"].append({"title": title, "url": url})
    for spec in ct.fields:
        data[spec.name] = spec.kind.read_form(spec, form)
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
