"""One registrant's personal data, on request (GDPR): a copy to give them, and erasure that
keeps the programme's counts."""

from __future__ import annotations

import json

from flask import Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from knowledgebase import inputs
from knowledgebase.admin.blueprint import bp, requires
from knowledgebase.extensions import db
from knowledgebase.services.curation.accounts import EMAIL_RE
from knowledgebase.services.programmes import registrations
from knowledgebase.services.programmes.labels import REGISTRATION_STATUS_LABELS


def _email(raw: str | None) -> str:
    email = inputs.single_line(raw, 254).lower()
    return email if EMAIL_RE.match(email) else ""


@bp.route("/people")
@requires("programme.manage")
def person():
    """Find what is kept about one e-mail address."""
    raw = request.args.get("email")
    email = _email(raw)
    found = registrations.registrations_of(email) if email else []
    error = _("Enter an e-mail address like name@example.se.") if raw and not email else ""
    return render_template("admin/person.html", email=email, raw=inputs.single_line(raw, 254), found=found,
                           error=error, status_labels=REGISTRATION_STATUS_LABELS), 400 if error else 200


@bp.route("/people/export")
@requires("programme.manage")
def person_export():
    """Everything kept about one e-mail address, as a JSON file to give the person."""
    email = _email(request.args.get("email"))
    if not email:
        inputs.refuse(inputs.BadInput("email", request.args.get("email"), _("Enter an e-mail address like name@example.se.")))
    body = json.dumps(registrations.export_person(email), ensure_ascii=False, indent=2)
    return Response(body, mimetype="application/json",
                    headers={"Content-Disposition": 'attachment; filename="personal-data.json"',
                             "Cache-Control": "no-store, private"})


@bp.route("/people/erase", methods=["POST"])
@requires("programme.manage")
def person_erase():
    """Erase one person's registrations (their attendance stays as a head count)."""
    email = _email(request.form.get("email"))
    if not email:
        inputs.refuse(inputs.BadInput("email", request.form.get("email"), _("Enter an e-mail address like name@example.se.")))
    erased = registrations.erase_person(email)
    db.session.commit()
    flash(_("Erased %(count)d registrations of %(email)s; the counts remain.", count=erased, email=email), "success")
    return redirect(url_for("admin.person"))
