"""The public form of the programme: registering for an activity."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, EmailField, RadioField, StringField, SubmitField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional, Regexp

from knowledgebase.forms import EMAIL_MESSAGE, REQUIRED, options
from knowledgebase.public.suggest_forms import RobotTrapForm
from knowledgebase.services.content.serialization import EMAIL_RE
from knowledgebase.services.programmes.labels import GENDER_LABELS, SECTOR_LABELS
from knowledgebase.services.programmes.registrations import Person


class RegistrationForm(RobotTrapForm):
    name = StringField(_l("Your name"), [InputRequired(message=REQUIRED), Length(max=200)],
                       render_kw={"autocomplete": "name"})
    email = EmailField(_l("Your e-mail address"), [InputRequired(message=REQUIRED), Length(max=254),
                                                    Regexp(EMAIL_RE, message=EMAIL_MESSAGE)],
                       render_kw={"autocomplete": "email"})
    organisation = StringField(_l("Your organisation"), [Optional(), Length(max=300)],
                               render_kw={"autocomplete": "organization"})
    sector = RadioField(_l("Your organisation's sector"), [InputRequired(message=_l("Choose one."))],
                        choices=options(SECTOR_LABELS.items()))
    gender = RadioField(_l("Gender"), [InputRequired(message=_l("Choose one."))],
                        choices=options(GENDER_LABELS.items()),
                        description=_l("The programme reports how many women and men take part, as its funder asks. "
                                       "Choose \u201cNot stated\u201d if you prefer."))
    needs = TextAreaField(_l("Accessibility needs (optional)"), [Optional(), Length(max=2000)],
                          description=_l("For example a hearing loop, a sign-language interpreter, material in "
                                         "easy-to-read Swedish or Braille. Only the organisers see it."),
                          render_kw={"rows": 3})
    consent = BooleanField(_l("I agree that the programme keeps these details as described above."),
                           [InputRequired(message=_l("Agree to the handling of your details to register."))])
    submit = SubmitField(_l("Register"))

    def person(self) -> Person:
        return Person(self.name.data.strip(), self.email.data.strip(), (self.organisation.data or "").strip(),
                      self.sector.data, self.gender.data, (self.needs.data or "").strip())
