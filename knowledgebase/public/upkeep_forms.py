"""Public forms for keeping entries true: an enterprise's confirmation form, e-mail alerts,
and "report outdated information"."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    EmailField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectChoice,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
    URLField,
)
from wtforms.validators import AnyOf, InputRequired, Length, NumberRange, Optional, Regexp, ValidationError

from knowledgebase import models as m
from knowledgebase.content_types import BY_KEY
from knowledgebase.services.content.serialization import EMAIL_RE, PHONE_RE, URL_RE
from knowledgebase.forms import EMAIL_MESSAGE, REQUIRED, CheckboxesField, options, valid_org_number
from knowledgebase.public.suggest_forms import ReaderMessageForm, RobotTrapForm
from knowledgebase.services.curation.suggestions import CORRECTION_FIELDS, LIMITS

LANGUAGE_CHOICES = [SelectChoice("sv", "Svenska"), SelectChoice("en", "English")]


def _label(name: str) -> object:
    return BY_KEY["enterprise"].field(name).label


class ConfirmForm(FlaskForm):
    """An enterprise's facts, prefilled; the contact confirms them or corrects them."""

    email = EmailField(_label("email"), [Optional(), Length(max=254), Regexp(EMAIL_RE, message=EMAIL_MESSAGE)],
                       render_kw={"autocomplete": "email"})
    phone = StringField(_label("phone"), [Optional(), Length(max=40), Regexp(
        PHONE_RE, message=_l("Enter a phone number, e.g. 036-12 34 56."))], render_kw={"autocomplete": "tel"})
    website = URLField(_label("website"), [Optional(), Length(max=500), Regexp(
        URL_RE, message=_l("Enter a web address that starts with https:// or http://."))],
        render_kw={"autocomplete": "url"})
    address = StringField(_label("address"), [Optional(), Length(max=300)])
    org_number = StringField(_label("org_number"), [Optional(), Length(max=20), valid_org_number])
    legal_form = SelectField(_label("legal_form"), choices=[], default="")
    services = CheckboxesField(_label("services"), choices=[])
    municipalities = CheckboxesField(_l("Municipalities where you work"), choices=[])
    reserved_contracts = RadioField(_label("reserved_contracts"), choices=[], default="")
    reserved_share = IntegerField(_label("reserved_share"), [Optional(), NumberRange(
        min=0, max=100, message=_l("Enter a whole number from 0 to 100."))])
    certifications = TextAreaField(_label("certifications"), [Optional(), Length(max=3000)],
                                   description=_l("One per line."), render_kw={"rows": 3})
    contact_lang = RadioField(_l("Language of our e-mails to you"), choices=LANGUAGE_CHOICES, default="sv")
    message = TextAreaField(_l("Anything else the advisers should know? (optional)"),
                            [Optional(), Length(max=LIMITS["message"] - 500)], render_kw={"rows": 3})
    confirm_all = SubmitField(_l("Everything is still right"))
    send_changes = SubmitField(_l("Send my changes"))

    FACT_FIELDS = ("email", "phone", "website", "address", "org_number", "legal_form", "services",
                   "municipalities", "reserved_contracts", "reserved_share", "certifications")

    def load_choices(self, legal_forms: list[m.LegalForm], services: list[m.ServiceCategory],
                     counties: list[m.County], lang: str) -> None:
        self.legal_form.choices = options([("", _l("– Not given –"))]
                                          + [(r.slug, r.name(lang)) for r in legal_forms])
        self.services.choices = options((r.slug, r.name(lang)) for r in services)
        self.municipalities.choices = options((mu.code, mu.name) for c in counties for mu in c.municipalities)
        self.reserved_contracts.choices = options((("yes", _l("Yes")), ("no", _l("No")), ("", _l("Not given"))))

    @staticmethod
    def values_from(data: dict[str, Any]) -> dict[str, Any]:
        """Form values from the entry's seed-format data."""
        reserved = data.get("reserved_contracts")
        return {
            **{name: data.get(name) or "" for name in ("email", "phone", "website", "address", "org_number")},
            "legal_form": data.get("legal_form") or "",
            "services": list(data.get("services") or []),
            "municipalities": list(data.get("municipalities") or []),
            "reserved_contracts": "" if reserved is None else ("yes" if reserved else "no"),
            "reserved_share": data.get("reserved_share"),
            "certifications": "\n".join(data.get("certifications") or []),
        }

    def to_data(self) -> dict[str, Any]:
        """The submitted facts in the seed format."""
        reserved = self.reserved_contracts.data
        return {
            **{name: (self[name].data or "").strip() for name in ("email", "phone", "website", "address",
                                                                   "org_number")},
            "legal_form": self.legal_form.data or None,
            "services": list(self.services.data or []),
            "municipalities": list(self.municipalities.data or []),
            "reserved_contracts": None if not reserved else reserved == "yes",
            "reserved_share": self.reserved_share.data,
            "certifications": [line.strip() for line in (self.certifications.data or "").splitlines() if line.strip()],
        }


class AlertForm(RobotTrapForm):
    """Subscribe to e-mail about new entries in a municipality or a theme."""

    email = EmailField(_l("Your e-mail address"), [InputRequired(message=REQUIRED), Length(max=254),
                                                    Regexp(EMAIL_RE, message=EMAIL_MESSAGE)],
                       render_kw={"autocomplete": "email"})
    # "entries": new entries in a municipality or theme; "needs": buyers' needs in a
    # municipality or for a service.
    topic = HiddenField(default="entries", validators=[AnyOf(("entries", "needs"))])
    municipality = SelectField(_l("Municipality"), choices=[], default="")
    theme = SelectField(_l("Theme"), choices=[], default="")
    service = SelectField(_l("Service"), choices=[], default="")
    submit = SubmitField(_l("Subscribe"))

    def validate_theme(self, field: Any) -> None:
        if self.topic.data != "needs" and bool(self.municipality.data) == bool(field.data):
            raise ValidationError(_l("Choose either a municipality or a theme."))

    def validate_service(self, field: Any) -> None:
        if self.topic.data == "needs" and bool(self.municipality.data) == bool(field.data):
            raise ValidationError(_l("Choose either a municipality or a service."))


class ReportOutdatedForm(ReaderMessageForm):
    """"This is no longer right": which part, and what is right now if the reader knows."""

    field = SelectField(_l("What is out of date?"), choices=options(CORRECTION_FIELDS.items()), default="contact")
    message = TextAreaField(_l("What has changed? (optional)"), [Optional(), Length(max=LIMITS["message"] - 200)],
                            render_kw={"rows": 5})
    submit = SubmitField(_l("Report it"))
