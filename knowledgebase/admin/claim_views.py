"""Requests from enterprises to manage their own entries (/admin/claims/): whether the
address's domain matches the entry's website, approving (with a sign-in link by e-mail),
refusing, and revoking a manager's access."""

from __future__ import annotations

from datetime import date

from flask import current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _

from knowledgebase import inputs
from knowledgebase import models as m
from knowledgebase.admin.blueprint import acting_user, bp, requires
from knowledgebase.admin.forms import ApproveClaimForm, RefuseClaimForm, RevokeManagerForm
from knowledgebase.admin.views import page_arg
from knowledgebase.extensions import db
from knowledgebase.models.base import now_utc
from knowledgebase.models.claims import CLAIM_STATUSES
from knowledgebase.services.content.entries import paginate
from knowledgebase.services.upkeep import claims, outbox


@bp.route("/claims/")
@requires(claims.PERMISSION)
def claim_list():
    """Requests to manage entries, and the managers there are now."""
    status = inputs.arg_choice("status", (*CLAIM_STATUSES, "all"), "waiting")
    page = paginate(claims.queue(status), page_arg(), current_app.config["PER_PAGE"])
    return render_template("admin/claims.html", page=page, status=status, status_labels=claims.STATUS_LABELS,
                           match=claims.entry_match, domain_labels=claims.DOMAIN_LABELS, grants=claims.grants())


def _detail(claim: m.ClaimRequest, refuse_form: RefuseClaimForm | None = None, status: int = 200):
    return render_template(
        "admin/claim_detail.html", claim=claim, match=claims.entry_match(claim), domain_labels=claims.DOMAIN_LABELS,
        status_labels=claims.STATUS_LABELS, approve_form=ApproveClaimForm(), refuse_form=refuse_form or RefuseClaimForm(),
        grants=claims.grants(claim.entry_id)), status


@bp.route("/claims/<int:claim_id>")
@requires(claims.PERMISSION)
def claim_detail(claim_id: int):
    return _detail(db.get_or_404(m.ClaimRequest, claim_id))


@bp.route("/claims/<int:claim_id>/approve", methods=["POST"])
@requires(claims.PERMISSION)
def claim_approve(claim_id: int):
    """Approve: the person becomes a manager and gets a sign-in link by e-mail."""
    claim = db.get_or_404(m.ClaimRequest, claim_id)
    if not ApproveClaimForm().validate():
        return _detail(claim, status=400)
    try:
        _grant, outgoing = claims.approve(claim, acting_user(), now_utc())
    except claims.ClaimError as exc:
        db.session.rollback()
        flash(exc.message, "error")
        return redirect(url_for("admin.claim_detail", claim_id=claim_id))
    db.session.commit()
    delivery = outbox.deliver([outgoing], date.today())
    db.session.commit()
    if delivery.sent:
        flash(_("Approved. %(email)s has been sent a sign-in link.", email=claim.email), "success")
    else:
        flash(_("Approved, but the e-mail could not be sent. %(email)s can ask for a sign-in link on the "
                "sign-in page.", email=claim.email), "error")
    return redirect(url_for("admin.claim_list"))


@bp.route("/claims/<int:claim_id>/refuse", methods=["POST"])
@requires(claims.PERMISSION)
def claim_refuse(claim_id: int):
    claim = db.get_or_404(m.ClaimRequest, claim_id)
    form = RefuseClaimForm()
    if not form.validate():
        return _detail(claim, form, 422)
    try:
        claims.refuse(claim, acting_user(), form.note.data, now_utc())
    except claims.ClaimError as exc:
        db.session.rollback()
        flash(exc.message, "error")
        return redirect(url_for("admin.claim_detail", claim_id=claim_id))
    db.session.commit()
    flash(_("The request was refused."), "success")
    return redirect(url_for("admin.claim_list"))


@bp.route("/managers/<int:grant_id>/revoke", methods=["POST"])
@requires(claims.PERMISSION)
def manager_revoke(grant_id: int):
    """End a manager's access to an entry, and their open sign-ins."""
    grant = db.get_or_404(m.EntryManager, grant_id)
    if not RevokeManagerForm().validate():
        flash(_("The form had expired. Try again."), "error")
        return redirect(url_for("admin.claim_list"))
    try:
        claims.revoke(grant, acting_user(), now_utc())
    except claims.ClaimError as exc:
        db.session.rollback()
        flash(exc.message, "error")
        return redirect(url_for("admin.claim_list"))
    db.session.commit()
    flash(_("%(email)s can no longer edit %(name)s.", email=grant.email, name=grant.entry.title_sv), "success")
    return redirect(url_for("admin.claim_list"))
