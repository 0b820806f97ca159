"""Forms of buyers' needs: the need itself (posted without an account, and edited by an
adviser), an enterprise's answer, and the outcome a buyer reports."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, RadioField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional, Regexp, ValidationError

from knowledgebase import inputs
from knowledgebase import models as m
from knowledgebase.forms import EMAIL_MESSAGE, REQUIRED, CheckboxesField, options
from knowledgebase.procurement_codes import cpv_prefix
from knowledgebase.public.suggest_forms import RobotTrapForm
from knowledgebase.services.content.serialization import EMAIL_RE, PHONE_RE
from knowledgebase.services.procurement import limits
from knowledgebase.services.procurement.need_answers import REASON_LABELS
from knowledgebase.services.procurement.needs import ORGANISATION_LABELS, NeedValues

# A tag, a comment or an entity: the forms take plain text only.
MARKUP = re.compile(r"<\s*[a-zA-Z/!?]|&[#a-zA-Z0-9]+;")
DATE_MESSAGE = _l("Enter a date as YYYY-MM-DD.")
DATE_HINT = _l("YYYY-MM-DD")


def no_markup(form: FlaskForm, field: Any) -> None:
    if field.data and MARKUP.search(field.data):
        raise ValidationError(_l("Write plain text, without HTML."))


def _iso_date(form: FlaskForm, field: Any) -> None:
    if field.data:
        try:
            inputs.iso_date(field.data, field.name)
        except inputs.BadInput:
            raise ValidationError(DATE_MESSAGE) from None


def _day(raw: str | None) -> date | None:
    return inputs.iso_date(raw, "date") if raw else None


def _valid_day(raw: str | None) -> date | None:
    try:
        return _day(raw)
    except inputs.BadInput:
        return None


def _money(form: FlaskForm, field: Any) -> None:
    if field.data:
        try:
            limits.parse_value(field.data)
        except ValueError:
            raise ValidationError(_l("Enter the value in whole kronor, for example 500 000.")) from None


def _cpv(form: FlaskForm, field: Any) -> None:
    if field.data and not cpv_prefix(field.data):
        raise ValidationError(_l("Enter a CPV code such as 90910000."))


class NeedForm(RobotTrapForm):
    """A need as the buyer describes it."""

    organisation = StringField(_l("Organisation"), [DataRequired(message=REQUIRED), Length(max=300), no_markup],
                               render_kw={"autocomplete": "organization"})
    organisation_kind = RadioField(_l("Kind of organisation"), [InputRequired(message=REQUIRED)],
                                   choices=options(ORGANISATION_LABELS.items()))
    contact_name = StringField(_l("Your name"), [DataRequired(message=REQUIRED), Length(max=300), no_markup],
                               render_kw={"autocomplete": "name"})
    contact_email = EmailField(_l("Your e-mail address"), [DataRequired(message=REQUIRED), Length(max=254),
                                                            Regexp(EMAIL_RE, message=EMAIL_MESSAGE)],
                               description=_l("We send a link to it first; the need goes nowhere until you use it."),
                               render_kw={"autocomplete": "email"})
    contact_phone = StringField(_l("Your phone number (optional)"), [Optional(), Length(max=40), Regexp(
        PHONE_RE, message=_l("Enter a phone number, e.g. 036-12 34 56."))], render_kw={"autocomplete": "tel"})
    title = StringField(_l("What do you need? (a short title)"), [DataRequired(message=REQUIRED), Length(max=300),
                                                                  no_markup])
    description = TextAreaField(_l("Describe the need"), [DataRequired(message=REQUIRED), Length(max=5000),
                                                          no_markup],
                                description=_l("What is to be done, how much, how often, and any requirements."),
                                render_kw={"rows": 6})
    service = SelectField(_l("Service"), choices=[], default="")
    cpv = StringField(_l("or a CPV code"), [Optional(), Length(max=20), _cpv],
                      description=_l("For example 90910000 (cleaning services)."))
    municipalities = CheckboxesField(_l("Municipalities where it is to be delivered"), choices=[])
    value = StringField(_l("Estimated value in kronor, excluding VAT (optional)"), [Optional(), Length(max=40), _money],
                        description=_l("For the whole contract period, including options."))
    period_start = StringField(_l("Period from (optional)"), [Optional(), _iso_date],
                               description=DATE_HINT, render_kw={"type": "date"})
    period_end = StringField(_l("Period to (optional)"), [Optional(), _iso_date], description=DATE_HINT,
                             render_kw={"type": "date"})
    deadline = StringField(_l("Deadline for answers"), [DataRequired(message=REQUIRED), _iso_date],
                           description=DATE_HINT, render_kw={"type": "date"})
    may_reserve = BooleanField(_l("The contract may be reserved for work-integrating social enterprises "
                                  "(LOU 4 kap. 18 §)"))
    may_direct_award = BooleanField(_l("The contract may be direct-awarded"))
    public = BooleanField(_l("The need may be shown publicly on the site"),
                          description=_l("Your name, e-mail and phone number are never shown."))
    submit = SubmitField(_l("Send the need"))

    def load_choices(self, categories: list[m.ServiceCategory], counties: list[m.County], lang: str) -> None:
        self.service.choices = options([("", _l("– Choose –"))] + [(c.slug, c.name(lang)) for c in categories])
        self.municipalities.choices = options((mu.code, mu.name) for c in counties for mu in c.municipalities)

    def validate_service(self, field: Any) -> None:
        if not field.data and not (self.cpv.data or "").strip():
            raise ValidationError(_l("Choose a service or enter a CPV code."))

    def validate_municipalities(self, field: Any) -> None:
        if not field.data:
            raise ValidationError(_l("Choose at least one municipality."))

    def validate_deadline(self, field: Any) -> None:
        if _valid_day(field.data) and _day(field.data) < date.today():
            raise ValidationError(_l("The deadline cannot be in the past."))

    def validate_period_end(self, field: Any) -> None:
        start, end = _valid_day(self.period_start.data), _valid_day(field.data)
        if start and end and end < start:
            raise ValidationError(_l("The period cannot end before it starts."))

    def to_values(self) -> NeedValues:
        return NeedValues(
            organisation=self.organisation.data.strip(), organisation_kind=self.organisation_kind.data,
            contact_name=self.contact_name.data.strip(), contact_email=self.contact_email.data.strip(),
            contact_phone=(self.contact_phone.data or "").strip(), title=self.title.data.strip(),
            description=self.description.data.strip(), service_slug=self.service.data or None,
            cpv=(self.cpv.data or "").strip(), municipalities=list(self.municipalities.data or []),
            value=limits.parse_value(self.value.data) if self.value.data else None,
            period_start=_day(self.period_start.data), period_end=_day(self.period_end.data),
            deadline=_day(self.deadline.data),
            may_reserve=bool(self.may_reserve.data), may_direct_award=bool(self.may_direct_award.data),
            public=bool(self.public.data))

    @staticmethod
    def data_of(values: NeedValues) -> dict[str, Any]:
        """Form data from a need's values (an adviser's edit form)."""
        days = {name: getattr(values, name).isoformat() if getattr(values, name) else ""
                for name in ("period_start", "period_end", "deadline")}
        return {**{k: v for k, v in vars(values).items() if k not in ("service_slug", "value")}, **days,
                "service": values.service_slug or "", "value": str(values.value) if values.value is not None else ""}


class AnswerForm(RobotTrapForm):
    """An enterprise's answer to a need."""

    kind = RadioField(_l("Your answer"), [InputRequired(message=REQUIRED)], choices=options((
        ("interested", _l("We are interested")), ("not_interested", _l("We are not interested")),
        ("question", _l("We have a question for the buyer")))))
    # No Optional(): it would stop the checks that depend on the answer.
    contact_person = StringField(_l("Contact person (if interested)"), [Length(max=300), no_markup],
                                 render_kw={"autocomplete": "name"})
    reason = SelectField(_l("Why not? (optional)"), choices=options([("", _l("– No reason given –"))]
                                                                     + list(REASON_LABELS.items())), default="")
    message = TextAreaField(_l("Message or question to the buyer"), [Length(max=3000), no_markup],
                            render_kw={"rows": 5})
    submit = SubmitField(_l("Send the answer"))

    def validate_contact_person(self, field: Any) -> None:
        if self.kind.data == "interested" and not (field.data or "").strip():
            raise ValidationError(_l("Name a contact person."))

    def validate_message(self, field: Any) -> None:
        if self.kind.data == "question" and not (field.data or "").strip():
            raise ValidationError(_l("Write your question."))


class OutcomeForm(FlaskForm):
    """What came of a need: did a social enterprise get the contract, which one, its value."""

    awarded = RadioField(_l("Did a social enterprise get the contract?"), [InputRequired(message=REQUIRED)],
                         choices=options((("yes", _l("Yes")), ("no", _l("No")))))
    enterprise = SelectField(_l("Which enterprise?"), choices=[], default="")
    value = StringField(_l("Value of the contract in kronor, excluding VAT"), [Optional(), Length(max=40), _money])
    consent = BooleanField(_l("The contract may be listed on the enterprise's page"))
    submit = SubmitField(_l("Send"))

    def load_choices(self, enterprises: list[m.Enterprise], lang: str) -> None:
        self.enterprise.choices = options([("", _l("– Choose –"))] + [(str(e.id), e.title(lang)) for e in enterprises])

    def validate_enterprise(self, field: Any) -> None:
        if self.awarded.data == "yes" and not field.data:
            raise ValidationError(_l("Choose the enterprise."))

    def validate_value(self, field: Any) -> None:
        if self.awarded.data == "yes" and not field.data:
            raise ValidationError(_l("Enter the value in whole kronor, for example 500 000."))

    @property
    def value_kronor(self) -> int | None:
        return limits.parse_value(self.value.data) if self.value.data else None

