"""Forms anyone can send without an account: a correction of an entry, a new social
enterprise, an accessibility problem; and the parts they share with the other public forms
(the optional e-mail and the trap for robots)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, SelectField, StringField, SubmitField, TextAreaField, URLField
from wtforms.validators import DataRequired, Length, Optional, Regexp

from knowledgebase.forms import EMAIL_MESSAGE, REQUIRED, options, valid_org_number
from knowledgebase.services.content.serialization import EMAIL_RE, URL_RE
from knowledgebase.services.curation.suggestions import CORRECTION_FIELDS, LIMITS



class RobotTrapForm(FlaskForm):
    """A form with a trap for robots: a field hidden from people, so anything typed in it marks
    a robot (the views answer as usual and save nothing)."""

    homepage = StringField(_l("Leave this field empty"), [Optional(), Length(max=200)],
                           render_kw={"autocomplete": "off", "tabindex": "-1"})


class ReaderMessageForm(RobotTrapForm):
    """A message from a reader, with the e-mail the advisers may answer to."""

    sender_email = EmailField(_l("Your e-mail (optional)"), [Optional(), Length(max=LIMITS["sender_email"]), Regexp(
        EMAIL_RE, message=EMAIL_MESSAGE)],
        description=_l("Only the advisers see it, if they need to ask you something."),
        render_kw={"autocomplete": "email"})


class SuggestionForm(ReaderMessageForm):
    """Fields of both kinds; the view drops those the chosen kind does not use."""

    # Corrections.
    field = SelectField(_l("What is wrong?"), choices=options(CORRECTION_FIELDS.items()), default="other")
    proposed = TextAreaField(_l("The right text, if you know it (optional)"),
                             [Optional(), Length(max=LIMITS["proposed"])], render_kw={"rows": 5})
    # New enterprises.
    name = StringField(_l("Name of the enterprise"), [DataRequired(message=REQUIRED), Length(max=LIMITS["name"])])
    website = URLField(_l("Website (optional)"), [Optional(), Length(max=LIMITS["website"]), Regexp(
        URL_RE, message=_l("Enter a web address that starts with https:// or http://."))])
    org_number = StringField(_l("Organisation number (optional)"), [Optional(), Length(max=LIMITS["org_number"]),
                                                                                 valid_org_number],
                             description=_l("Ten digits: NNNNNN-NNNN."))
    municipality = SelectField(_l("Municipality (optional)"), choices=[], default="")
    # Both.
    message = TextAreaField(_l("Your message"), [DataRequired(message=REQUIRED), Length(max=LIMITS["message"])],
                            render_kw={"rows": 6})
    sender_name = StringField(_l("Your name (optional)"), [Optional(), Length(max=LIMITS["sender_name"])],
                              render_kw={"autocomplete": "name"})
    submit = SubmitField(_l("Send the suggestion"))

    CORRECTION_ONLY = ("field", "proposed")
    ENTERPRISE_ONLY = ("name", "website", "org_number", "municipality")

    def use_kind(self, kind: str) -> None:
        """Remove the fields the other kind of suggestion needs."""
        for name in self.ENTERPRISE_ONLY if kind == "correction" else self.CORRECTION_ONLY:
            delattr(self, name)
        self.message.label.text = (_l("What is wrong, and how should it read?") if kind == "correction"
                                   else _l("What does the enterprise do, and where?"))


class AccessibilityReportForm(ReaderMessageForm):
    """An accessibility problem, from the accessibility statement."""

    message = TextAreaField(_l("Describe the problem"), [DataRequired(message=REQUIRED),
                                                          Length(max=LIMITS["message"])],
                            description=_l("What did you try to do, and what happened? Tell us too if you "
                                           "need the content in another format."),
                            render_kw={"rows": 6})
    page_url = StringField(_l("The page's address or name (optional)"), [Optional(), Length(max=LIMITS["page_url"])])
    sender_name = StringField(_l("Your name (optional)"), [Optional(), Length(max=LIMITS["sender_name"])],
                              render_kw={"autocomplete": "name"})
    submit = SubmitField(_l("Send the report"))
