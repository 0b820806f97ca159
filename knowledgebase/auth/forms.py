"""Forms for logging in and changing one's password."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, SubmitField
from wtforms.validators import EqualTo, InputRequired, Length

from knowledgebase.forms import REQUIRED


class LoginForm(FlaskForm):
    email = EmailField(_l("E-mail"), [InputRequired(message=REQUIRED), Length(max=254)],
                       render_kw={"autocomplete": "username"})
    password = PasswordField(_l("Password"), [InputRequired(message=REQUIRED), Length(max=256)],
                             render_kw={"autocomplete": "current-password"})
    submit = SubmitField(_l("Log in"))


class PasswordChangeForm(FlaskForm):
    current = PasswordField(_l("Current password"), [InputRequired(message=REQUIRED), Length(max=256)],
                            render_kw={"autocomplete": "current-password"})
    new = PasswordField(_l("New password"), [InputRequired(message=REQUIRED), Length(max=256)],
                        description=_l("At least 12 characters; common passwords are refused. "
                                       "A few unrelated words make a good password."),
                        render_kw={"autocomplete": "new-password"})
    confirm = PasswordField(_l("New password again"), [
        InputRequired(message=REQUIRED),
        EqualTo("new", message=_l("The two new passwords are not the same."))],
        render_kw={"autocomplete": "new-password"})
    submit = SubmitField(_l("Change password"))
