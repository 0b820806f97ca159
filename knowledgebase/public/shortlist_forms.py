"""The form that sends a shared shortlist by e-mail."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import EmailField, SubmitField
from wtforms.validators import InputRequired, Length, Regexp

from knowledgebase.forms import EMAIL_MESSAGE, REQUIRED
from knowledgebase.public.suggest_forms import RobotTrapForm
from knowledgebase.services.content.serialization import EMAIL_RE


class ShareByEmailForm(RobotTrapForm):
    """Only the recipient's address: the e-mail is made from the list, with no text of the sender's."""

    email = EmailField(_l("Send the link to this e-mail address"), [
        InputRequired(message=REQUIRED), Length(max=254), Regexp(EMAIL_RE, message=EMAIL_MESSAGE)],
        render_kw={"autocomplete": "email"})
    submit = SubmitField(_l("Send the link"))
