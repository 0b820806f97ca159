"""Small forms of the adviser area (moderation, accounts, imports)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import EmailField, PasswordField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional, Regexp

from knowledgebase.forms import options
from knowledgebase.models.accounts import ROLES
from knowledgebase.services.curation.accounts import ROLE_LABELS
from knowledgebase.services.content.serialization import EMAIL_RE


class RejectForm(FlaskForm):
    note = TextAreaField(_l("Why is it rejected?"), [InputRequired(message=_l("Write a short note.")),
                                                      Length(max=2000)],
                         description=_l("Seen by the other advisers, not by the sender."))
    submit = SubmitField(_l("Reject"))


class HandledForm(FlaskForm):
    note = TextAreaField(_l("What was done?"), [InputRequired(message=_l("Write a short note.")),
                                               Length(max=2000)],
                         description=_l("Seen by the other advisers, not by the sender."))
    submit = SubmitField(_l("Mark as handled"))

    def __init__(self, *args, **kwargs) -> None:
        # Shown beside the reject form, which has a "note" too: a prefix keeps the ids apart.
        kwargs.setdefault("prefix", "handled")
        super().__init__(*args, **kwargs)


class UserForm(FlaskForm):
    email = EmailField(_l("E-mail"), [InputRequired(message=_l("Fill in this field.")), Length(max=254),
                                      Regexp(EMAIL_RE, message=_l("Enter an e-mail address like name@example.se."))])
    name = StringField(_l("Name"), [Optional(), Length(max=200)])
    role = SelectField(_l("Role"), choices=options((role, ROLE_LABELS[role]) for role in ROLES), default="contributor")
    password = PasswordField(_l("Password"), [InputRequired(message=_l("Fill in this field.")), Length(max=256)],
                             description=_l("At least 12 characters; common passwords are refused. "
                                            "Give it to the person in a safe way; they can change it."))
    submit = SubmitField(_l("Create account"))


class RoleForm(FlaskForm):
    role = SelectField(_l("Role"), choices=options((role, ROLE_LABELS[role]) for role in ROLES))
    submit = SubmitField(_l("Change role"))


class ImportForm(FlaskForm):
    file = FileField(_l("File in the seed format"), [
        FileRequired(message=_l("Choose a file.")),
        FileAllowed(["yaml", "yml", "csv", "zip"], message=_l("Choose a .yaml, .csv or .zip file."))],
        description=_l("One .yaml file of entries, a taxonomy file, or a .zip of a whole export. "
                       "Nothing is saved until you have seen what would change."))
    submit = SubmitField(_l("Check the file (dry run)"))


class ApproveClaimForm(FlaskForm):
    submit = SubmitField(_l("Approve and send a sign-in link"))

    def __init__(self, *args, **kwargs) -> None:
        # Shown beside the refuse form: prefixes keep the ids apart.
        kwargs.setdefault("prefix", "approve")
        super().__init__(*args, **kwargs)


class RefuseClaimForm(FlaskForm):
    note = TextAreaField(_l("Why is it refused?"), [InputRequired(message=_l("Write a short note.")),
                                                     Length(max=2000)],
                         description=_l("Seen by the other advisers, not by the person who asked."))
    submit = SubmitField(_l("Refuse"))

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("prefix", "refuse")
        super().__init__(*args, **kwargs)


class RevokeManagerForm(FlaskForm):
    """One button per manager (the templates write the CSRF field without an id, as it
    repeats on the page)."""

    submit = SubmitField(_l("Revoke access"))
