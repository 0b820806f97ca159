"""The advisers' queue of buyers' needs: edit a need, reject it with a reason, preview the
enterprises it matches and send it to them; record what came of it; and the impact page."""

from __future__ import annotations

from datetime import date
from typing import Callable

from flask import Response, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _

from knowledgebase import inputs
from knowledgebase import models as m
from knowledgebase.admin.blueprint import acting_user, bp, requires
from knowledgebase.admin.forms import RejectForm
from knowledgebase.extensions import db
from knowledgebase.models.base import now_utc
from knowledgebase.models.needs import NEED_STATUSES
from knowledgebase.public.need_forms import NeedForm, OutcomeForm
from knowledgebase.services.content import taxonomy
from knowledgebase.services.procurement import need_answers, need_listing, need_matching, need_outcome, needs
from knowledgebase.services.upkeep import outbox
from knowledgebase.urls import need_page_url

PERMISSION = "suggestion.moderate"


def _apply(need_id: int, change: Callable[[], object], done: str) -> Response:
    """Make ``change`` and commit it, or roll back and show why it was refused; back to the
    need's review page either way."""
    try:
        change()
    except needs.NeedError as exc:
        db.session.rollback()
        flash(exc.message, "error")
    else:
        db.session.commit()
        flash(done, "success")
    return redirect(url_for("admin.need_review", need_id=need_id))


@bp.route("/needs/")
@requires(PERMISSION)
def need_queue():
    status = inputs.arg_choice("status", (*NEED_STATUSES, "all"), "waiting")
    return render_template("admin/needs.html", needs=needs.queue(status), status=status,
                           status_labels=needs.STATUS_LABELS)


def _forms(need: m.Need, edit: NeedForm | None = None, reject: RejectForm | None = None,
           outcome: OutcomeForm | None = None) -> dict:
    if edit is None:
        edit = NeedForm(formdata=None, data=NeedForm.data_of(needs.NeedValues.of(need)))
    edit.load_choices(taxonomy.service_categories_by_name(),
                      taxonomy.region_counties(), g.lang)
    edit.submit.label.text = _("Save the changes")
    if outcome is None:
        outcome = OutcomeForm(formdata=None, data={
            "awarded": "" if need.awarded is None else ("yes" if need.awarded else "no"),
            "enterprise": str(need.awarded_enterprise_id or ""), "consent": need.contract_consent,
            "value": str(need.awarded_value) if need.awarded_value is not None else ""})
    outcome.load_choices(need_outcome.candidates(need), g.lang)
    # Prefixed: the reject form shares the page with the edit form (ids must differ).
    return {"edit": edit, "reject": reject or RejectForm(formdata=None, prefix="reject"), "outcome": outcome}


def _detail(need: m.Need, status: int = 200, **forms):
    preview = need_matching.matches(need, now_utc()) if need.status == "waiting" else []
    groups = [(c.name, [(mu.code, mu.name) for mu in c.municipalities]) for c in taxonomy.region_counties()]
    return render_template(
        "admin/need_detail.html", need=need, preview=preview, skip_labels=need_matching.SKIP_LABELS,
        recipients=need_answers.answered(need), answer_labels=need_answers.ANSWER_LABELS,
        status_labels=needs.STATUS_LABELS, organisation_labels=needs.ORGANISATION_LABELS, groups=groups,
        routes=needs.route_statuses(need.value, needs.service_query(need), date.today(), g.lang),
        public_url=need_page_url(need.id, g.lang) if need_listing.public_need(need.id, date.today()) else "",
        **_forms(need, **forms)), status


@bp.route("/needs/<int:need_id>", methods=["GET", "POST"])
@requires(PERMISSION)
def need_review(need_id: int):
    """The need, the enterprises it would go to, and the forms; POST saves an edit."""
    need = db.get_or_404(m.Need, need_id)
    if request.method == "GET":
        return _detail(need)
    form = NeedForm()
    form.load_choices(taxonomy.service_categories_by_name(), taxonomy.region_counties(), g.lang)
    if not form.validate():
        return _detail(need, 422, edit=form)
    return _apply(need_id, lambda: needs.update_need(need, form.to_values()), _("The need was saved."))


@bp.route("/needs/<int:need_id>/reject", methods=["POST"])
@requires(PERMISSION)
def need_reject(need_id: int):
    need = db.get_or_404(m.Need, need_id)
    form = RejectForm(prefix="reject")
    if not form.validate():
        return _detail(need, 422, reject=form)
    try:
        outgoing = needs.reject_need(need, form.note.data, acting_user().email, now_utc())
    except needs.NeedError as exc:
        db.session.rollback()
        flash(exc.message, "error")
        return redirect(url_for("admin.need_review", need_id=need_id))
    db.session.commit()
    outbox.deliver([outgoing], date.today())
    db.session.commit()
    flash(_("The need was rejected and the buyer told why."), "success")
    return redirect(url_for("admin.need_queue"))


@bp.route("/needs/<int:need_id>/send", methods=["POST"])
@requires(PERMISSION)
def need_send(need_id: int):
    """Send the need to every matching enterprise that may get it now."""
    need = db.get_or_404(m.Need, need_id)
    try:
        outgoing = need_matching.prepare_sending(need, acting_user().email, now_utc())
    except needs.NeedError as exc:
        db.session.rollback()
        flash(exc.message, "error")
        return redirect(url_for("admin.need_review", need_id=need_id))
    # The links in the messages must work before anyone can click them.
    db.session.commit()
    delivery = outbox.deliver(outgoing, date.today())
    outbox.deliver(need_listing.need_alerts(need), date.today())
    db.session.commit()
    flash(_("Sent to %(sent)d enterprises (%(failed)d not delivered).", sent=len(delivery.sent),
            failed=len(delivery.failed) + len(delivery.bounced)), "success")
    return redirect(url_for("admin.need_review", need_id=need_id))


@bp.route("/needs/<int:need_id>/outcome", methods=["POST"])
@requires(PERMISSION)
def need_record_outcome(need_id: int):
    need = db.get_or_404(m.Need, need_id)
    form = OutcomeForm()
    form.load_choices(need_outcome.candidates(need), g.lang)
    if not form.validate():
        return _detail(need, 422, outcome=form)
    enterprise = db.session.get(m.Enterprise, int(form.enterprise.data)) if form.enterprise.data else None
    return _apply(need_id, lambda: need_outcome.record_outcome(
        need, form.awarded.data == "yes", enterprise, form.value_kronor, bool(form.consent.data),
        acting_user().email, now_utc()), _("The outcome was recorded."))


@bp.route("/needs/impact")
@requires(PERMISSION)
def need_impact():
    """Needs posted, sent, answered, matched and awarded, by county and service; the gaps."""
    return render_template("admin/need_impact.html", impact=need_outcome.impact(g.lang))
