"""Form parts shared by the public site, the admin area and the login pages: choices,
checkbox lists, the organisation-number check and the messages every form uses."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectChoice, SelectMultipleField
from wtforms.validators import ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from knowledgebase.orgnr import normalise_org_number

REQUIRED = _l("Fill in this field.")
EMAIL_MESSAGE = _l("Enter an e-mail address like name@example.se.")


def options(pairs: Iterable[tuple[str, Any]]) -> list[SelectChoice]:
    """(value, label) pairs as WTForms choices."""
    return [SelectChoice(value, label) for value, label in pairs]


class CheckboxesField(SelectMultipleField):
    """Several choices as checkboxes (the form macros group them in fieldsets)."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def valid_org_number(form: FlaskForm, field: Any) -> None:
    """A WTForms validator: empty, or a Swedish organisation number."""
    if field.data and field.data.strip():
        try:
            normalise_org_number(field.data)
        except ValueError as exc:
            if str(exc) == "check digit":
                raise ValidationError(_l("This organisation number's last digit (the check digit) does not "
                                         "match the others: check that it is typed right.")) from None
            raise ValidationError(_l("Enter a valid organisation number (NNNNNN-NNNN).")) from None
