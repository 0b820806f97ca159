"""Forms of enterprises keeping their own entries: asking to manage an entry, asking for a
sign-in link, and the manager's edit form (the confirmation form's facts)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional, Regexp

from knowledgebase.forms import EMAIL_MESSAGE, REQUIRED
from knowledgebase.public.suggest_forms import RobotTrapForm
from knowledgebase.public.upkeep_forms import ConfirmForm
from knowledgebase.services.content.serialization import EMAIL_RE
from knowledgebase.services.upkeep.claims import LIMITS


class ClaimForm(RobotTrapForm):
    """"Is this your enterprise?": who asks to manage the entry."""

    name = StringField(_l("Your name"), [DataRequired(message=REQUIRED), Length(max=LIMITS["name"])],
                       render_kw={"autocomplete": "name"})
    email = EmailField(_l("Your e-mail address at the enterprise"), [
        InputRequired(message=REQUIRED), Length(max=LIMITS["email"]), Regexp(EMAIL_RE, message=EMAIL_MESSAGE)],
        description=_l("Use the enterprise's own address if you can (not a private one): the adviser "
                       "checks that it belongs to the enterprise, and your sign-in links go there."),
        render_kw={"autocomplete": "email"})
    role = StringField(_l("Your role at the enterprise (optional)"), [Optional(), Length(max=LIMITS["role"])],
                       render_kw={"autocomplete": "organization-title"})
    message = TextAreaField(_l("Anything the adviser should know? (optional)"),
                            [Optional(), Length(max=LIMITS["message"])], render_kw={"rows": 4})
    submit = SubmitField(_l("Ask to manage the entry"))


class SignInForm(RobotTrapForm):
    """A manager asks for a sign-in link."""

    email = EmailField(_l("Your e-mail address"), [InputRequired(message=REQUIRED), Length(max=254),
                                                    Regexp(EMAIL_RE, message=EMAIL_MESSAGE)],
                       render_kw={"autocomplete": "email"})
    submit = SubmitField(_l("Send me a sign-in link"))


class UseLinkForm(FlaskForm):
    """The button that uses a sign-in link (a mail program's link checker only opens it)."""

    submit = SubmitField(_l("Sign in"))


class SignOutForm(FlaskForm):
    submit = SubmitField(_l("Sign out"))

    def __init__(self, *args, **kwargs) -> None:
        # Shown above the edit form: a prefix keeps the ids apart.
        kwargs.setdefault("prefix", "sign_out")
        super().__init__(*args, **kwargs)


class ManageForm(ConfirmForm):
    """The manager's own entry: the confirmation form's facts, saved rather than confirmed."""

    confirm_all = None
    send_changes = None
    contact_lang = None
    message = TextAreaField(_l("Anything the advisers should know about the changes they review? (optional)"),
                            [Optional(), Length(max=2000)], render_kw={"rows": 3})
    save = SubmitField(_l("Save"))
