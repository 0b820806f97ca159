"""Forms of the upkeep page: confirmation requests, an entry's contact and fact sources, and
an adviser's digest."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, RadioField, SelectField, StringField, SubmitField, URLField
from wtforms.validators import InputRequired, Length, Optional, Regexp

from knowledgebase.forms import CheckboxesField, options
from knowledgebase.services.upkeep.provenance import SOURCE_LABELS
from knowledgebase.services.content.serialization import EMAIL_RE, URL_RE

LANGUAGES = options((("sv", "Svenska"), ("en", "English")))


class CountyRequestForm(FlaskForm):
    county = SelectField(_l("County"), choices=[], validators=[InputRequired(message=_l("Choose a county."))])
    submit = SubmitField(_l("Send confirmation requests"))


class ContactForm(FlaskForm):
    email = EmailField(_l("E-mail for confirmation requests"), [Optional(), Length(max=254), Regexp(
        EMAIL_RE, message=_l("Enter an e-mail address like name@example.se."))],
        description=_l("Leave empty to use the entry's own e-mail address."))
    lang = RadioField(_l("Language of the e-mails"), choices=LANGUAGES, default="sv")
    submit = SubmitField(_l("Save the contact"))


class ProvenanceForm(FlaskForm):
    """Record where some facts come from, as they are now, confirmed today."""

    facts = CheckboxesField(_l("Facts"), choices=[],
                            validators=[InputRequired(message=_l("Choose at least one fact."))])
    source = RadioField(_l("Source"), choices=options(SOURCE_LABELS.items()), default="adviser")
    note = StringField(_l("Which register or document (optional)"), [Optional(), Length(max=500)],
                       description=_l("For example: Bolagsverket, or the title of the document."))
    url = URLField(_l("Link to the source (optional)"), [Optional(), Length(max=1000), Regexp(
        URL_RE, message=_l("Enter a web address that starts with https:// or http://."))])
    submit = SubmitField(_l("Record the source"))


class DigestForm(FlaskForm):
    counties = CheckboxesField(_l("Counties"), choices=[],
                               description=_l("Choose none to stop the digest."))
    lang = RadioField(_l("Language of the digest"), choices=LANGUAGES, default="sv")
    submit = SubmitField(_l("Save"))
