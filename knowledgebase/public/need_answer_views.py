"""Answers to needs, all through private links and without an account: an enterprise answers
the buyer; the buyer's page lists the interested enterprises (with their capability statements
and eligibility cards, shortlist buttons and a CSV); and the buyer reports the outcome."""

from __future__ import annotations

from datetime import date

from flask import abort, current_app, g, redirect, render_template, request, url_for
from flask_babel import gettext as _

from knowledgebase.downloads import csv_download
from knowledgebase import inputs
from knowledgebase import models as m
from knowledgebase.extensions import db, limiter
from knowledgebase.models.base import now_utc
from knowledgebase.public.blueprint import bp
from knowledgebase.public.need_forms import AnswerForm, OutcomeForm
from knowledgebase.public.upkeep_views import no_store
from knowledgebase.services.procurement import buyers, need_answers, need_outcome, needs, shortlist
from knowledgebase.services.upkeep import outbox
from knowledgebase.urls import external_url


# -- an enterprise answers ----------------------------------------------------------------

def _closed(message: str, status: int = 410):
    return no_store((render_template("public/need_closed.html", message=message), status))


@bp.route("/needs/answer/<token>", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["SUGGEST_LIMIT"], methods=["POST"])
def need_answer(token: str):
    """Interested, not interested or a question; the first two close the link."""
    try:
        recipient = need_answers.find_recipient(token, date.today())
    except need_answers.LinkUnknown:
        abort(404)
    except need_answers.LinkClosed as exc:
        return _closed(exc.message)
    form = AnswerForm()
    if not form.validate_on_submit():
        status = 422 if request.method == "POST" else 200
        return no_store((render_template("public/need_answer.html", form=form, recipient=recipient,
                                         need=recipient.need), status))
    if form.homepage.data:
        return redirect(url_for("public.need_answered"))
    outgoing = need_answers.answer(recipient, form.kind.data, form.message.data or "", form.contact_person.data or "",
                                   form.reason.data or "", now_utc())
    db.session.commit()
    outbox.deliver([outgoing], date.today())
    db.session.commit()
    return redirect(url_for("public.need_answered", question=1 if form.kind.data == "question" else None))


@bp.route("/needs/answered")
def need_answered():
    return render_template("public/need_answered.html", question=inputs.arg_text("question") == "1")


# -- the buyer's page -----------------------------------------------------------------------

def _buyer_need(token: str) -> m.Need:
    try:
        return needs.find_by_page_token(token, date.today())
    except needs.NeedError:
        abort(404)


@bp.route("/needs/buyer/<token>")
def need_buyer_page(token: str):
    """The buyer's own page: the need, every answer, and the interested enterprises in full."""
    need = _buyer_need(token)
    recipients = need_answers.answered(need)
    interested = [r for r in recipients if r.answer is not None and r.answer.kind == "interested"]
    today = date.today()
    return no_store(render_template(
        "public/need_buyer.html", need=need, token=token, recipients=recipients, interested=interested,
        today=today, answer_labels=need_answers.ANSWER_LABELS, reason_labels=need_answers.REASON_LABELS,
        status_labels=needs.STATUS_LABELS, eligibility=lambda e: buyers.eligibility(e, today),
        codes=buyers.cpv_codes, area=shortlist.area_text))


@bp.route("/needs/buyer/<token>/interested.csv")
def need_buyer_csv(token: str):
    need = _buyer_need(token)
    page_url = lambda e: external_url("public.entry_detail", lang=g.lang, type_key="enterprise", slug=e.slug)  # noqa: E731
    return no_store(csv_download(need_answers.csv_rows(need, page_url), _("interested")))


# -- the outcome --------------------------------------------------------------------------

def _outcome_form(need: m.Need) -> OutcomeForm:
    form = OutcomeForm()
    form.load_choices(need_outcome.candidates(need), g.lang)
    return form


@bp.route("/needs/outcome/<token>", methods=["GET", "POST"])
def need_outcome_page(token: str):
    """Did a social enterprise get the contract? The link works once."""
    try:
        need = need_outcome.find_by_outcome_token(token, now_utc())
    except needs.NeedError as exc:
        return _closed(exc.message)
    form = _outcome_form(need)
    if not form.validate_on_submit():
        status = 422 if request.method == "POST" else 200
        return no_store((render_template("public/need_outcome.html", form=form, need=need), status))
    enterprise = db.session.get(m.Enterprise, int(form.enterprise.data)) if form.enterprise.data else None
    try:
        need_outcome.record_outcome(need, form.awarded.data == "yes", enterprise, form.value_kronor,
                                    bool(form.consent.data), need_outcome.BY_BUYER, now_utc())
    except needs.NeedError as exc:
        db.session.rollback()
        return no_store((render_template("public/need_outcome.html", form=form, need=need, error=exc.message), 422))
    db.session.commit()
    return redirect(url_for("public.need_outcome_done"))


@bp.route("/needs/outcome/done")
def need_outcome_done():
    return render_template("public/need_closed.html", message=_("Thank you! The advisers have your answer."),
                           done=True)
