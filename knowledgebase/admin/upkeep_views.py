"""Keeping it true, for advisers (/admin/upkeep): confirmation requests for one enterprise or
a whole county, the enterprises' changes to review, fact sources, broken links, bounced mail
and the digest; and the duplicate warning shown after an enterprise is saved."""

from __future__ import annotations

from datetime import date, timedelta

from flask import abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import select
from sqlalchemy.orm.exc import StaleDataError

from knowledgebase import freshness
from knowledgebase import inputs
from knowledgebase import models as m
from knowledgebase.admin.blueprint import acting_user, bp, requires
from knowledgebase.admin.forms import RejectForm, options
from knowledgebase.admin.upkeep_forms import ContactForm, CountyRequestForm, DigestForm, ProvenanceForm
from knowledgebase.extensions import db
from knowledgebase.services import jobs
from knowledgebase.models.base import now_utc
from knowledgebase.services.content import taxonomy
from knowledgebase.services.curation import workflow
from knowledgebase.services.upkeep import confirmations, linkcheck_store, outbox, provenance, reminders
from knowledgebase.services.curation.revisions import current_data
from knowledgebase.services.content.serialization import FieldError

BOUNCE_DAYS = 90


def _county_form() -> CountyRequestForm:
    form = CountyRequestForm(prefix="county")
    form.county.choices = options([("", _("– Choose –"))] + [(c.code, c.name) for c in taxonomy.region_counties()])
    return form


def _digest_form(user: m.User) -> DigestForm:
    choice = db.session.get(m.AdviserDigest, user.id)
    form = DigestForm(prefix="digest", data={"counties": choice.counties, "lang": choice.lang} if choice else None)
    form.counties.choices = options((c.code, c.name) for c in taxonomy.region_counties())
    return form


@bp.route("/upkeep")
@requires("entry.verify")
def upkeep():
    """What keeps the directory true: stale entries, enterprises' changes, links, bounces."""
    today = date.today()
    stale = provenance.stale_query(today).where(m.Entry.type == "enterprise")
    bounces = db.session.scalars(select(m.ReminderLog).where(
        m.ReminderLog.status == "bounced", m.ReminderLog.sent_on >= today - timedelta(days=BOUNCE_DAYS))
        .order_by(m.ReminderLog.created_at.desc()).limit(50))
    dates = provenance.upkeep_dates()
    return render_template(
        "admin/upkeep.html", county_form=_county_form(), digest_form=_digest_form(acting_user()),
        stale=[(entry, provenance.confirmed_on(entry, dates.get(entry.id)))
               for entry in db.session.scalars(stale.limit(50))],
        changes=confirmations.waiting_changes(), broken=linkcheck_store.broken_links(), bounces=list(bounces),
        months=freshness.shelf_life_months())


def _send(entries: list[m.Entry]) -> None:
    """Send confirmation requests and say what happened."""
    prepared = confirmations.prepare_requests(entries, now_utc(), acting_user())
    # The links must work before anyone can click them.
    db.session.commit()
    delivery = outbox.deliver(prepared.outgoing, date.today())
    db.session.commit()
    if delivery.sent:
        flash(ngettext("Sent %(num)d confirmation request.", "Sent %(num)d confirmation requests.",
                       len(delivery.sent)), "success")
    for item, reason in delivery.bounced + delivery.failed:
        flash(_("Not delivered to %(email)s: %(reason)s", email=item.mail.to, reason=reason), "error")
    for entry, reason in prepared.skipped:
        flash(_("Not sent for %(title)s: %(reason)s", title=entry.title_sv, reason=reason), "info")


@bp.route("/upkeep/requests/county", methods=["POST"])
@requires("entry.verify")
def upkeep_request_county():
    """Ask every enterprise of a county, as a background job (its page reports what was sent)."""
    form = _county_form()
    counties = {c.code: c for c in taxonomy.region_counties()}
    if not form.validate() or form.county.data not in counties:
        flash(_("Choose a county."), "error")
        return redirect(url_for("admin.upkeep"))
    county = counties[form.county.data]
    job = jobs.enqueue(jobs.CONFIRMATIONS, {"county": county.code, "name": county.name}, acting_user())
    db.session.commit()
    return redirect(url_for("admin.job_page", job_id=job.id), 303)


@bp.route("/upkeep/requests/<int:entry_id>", methods=["POST"])
@requires("entry.verify")
def upkeep_request_entry(entry_id: int):
    _send([db.get_or_404(m.Entry, entry_id)])
    if request.form.get("next") == "entry":
        return redirect(url_for("admin.upkeep_entry", entry_id=entry_id))
    return redirect(url_for("admin.upkeep"))


@bp.route("/upkeep/entries/<int:entry_id>", methods=["GET", "POST"])
@requires("entry.verify")
def upkeep_entry(entry_id: int):
    """One entry's contact, fact sources and confirmation requests."""
    entry = db.get_or_404(m.Entry, entry_id)
    upkeep_row = db.session.get(m.EntryUpkeep, entry.id)
    contact = ContactForm(prefix="contact", data={"email": upkeep_row.email, "lang": upkeep_row.lang}
                          if upkeep_row and request.method == "GET" else None)
    sources = ProvenanceForm(prefix="source")
    sources.facts.choices = options((f.key, f.label) for f in provenance.facts_for(entry.type))
    if contact.submit.data and contact.validate():
        confirmations.set_contact(entry, contact.email.data or "", contact.lang.data)
        db.session.commit()
        flash(_("Saved."), "success")
        return redirect(url_for("admin.upkeep_entry", entry_id=entry.id))
    if sources.submit.data and sources.validate():
        provenance.record(entry, sources.facts.data, sources.source.data, date.today(), user=acting_user(),
                          note=sources.note.data or "", url=sources.url.data or "")
        db.session.commit()
        flash(_("Saved."), "success")
        return redirect(url_for("admin.upkeep_entry", entry_id=entry.id))
    requests = db.session.scalars(select(m.ConfirmationRequest).where(m.ConfirmationRequest.entry_id == entry.id)
                                  .order_by(m.ConfirmationRequest.created_at.desc()).limit(20))
    status = 422 if request.method == "POST" else 200
    return render_template(
        "admin/upkeep_entry.html", entry=entry, upkeep_row=upkeep_row, contact=contact, sources=sources,
        statuses=provenance.fact_statuses(entry, date.today()), requests=list(requests), source_labels=provenance.SOURCE_LABELS,
        contact_email=confirmations.contact_email(entry, upkeep_row)), status


def _changes_request(request_id: int) -> m.ConfirmationRequest:
    row = db.get_or_404(m.ConfirmationRequest, request_id)
    if row.outcome != "changes":
        abort(404)
    return row


def _render_changes(row: m.ConfirmationRequest, form: RejectForm, status: int = 200):
    entry, proposed = row.entry, row.changes or {}
    current = current_data(entry)
    facts = [(item, confirmations.describe_value(current, item), confirmations.describe_value(proposed, item))
             for item in confirmations.changed_facts(entry, proposed)]
    suggestion = db.session.get(m.Suggestion, row.suggestion_id) if row.suggestion_id else None
    return render_template("admin/upkeep_changes.html", row=row, entry=entry, facts=facts, form=form,
                           suggestion=suggestion), status


@bp.route("/upkeep/changes/<int:request_id>")
@requires("suggestion.moderate")
def upkeep_changes(request_id: int):
    """What an enterprise changed through its confirmation link, to apply or reject."""
    return _render_changes(_changes_request(request_id), RejectForm())


@bp.route("/upkeep/changes/<int:request_id>/apply", methods=["POST"])
@requires("suggestion.moderate")
def upkeep_changes_apply(request_id: int):
    row = _changes_request(request_id)
    try:
        confirmations.apply_changes(row, acting_user(), inputs.arg_id("version"))
        db.session.commit()
    except (workflow.WorkflowError, StaleDataError, FieldError) as exc:
        db.session.rollback()
        flash(getattr(exc, "message", None) or _("Someone else changed this entry; look again and retry."), "error")
        return redirect(url_for("admin.upkeep_changes", request_id=request_id))
    flash(_("The enterprise's changes are published."), "success")
    return redirect(url_for("admin.entry_detail", entry_id=row.entry_id))


@bp.route("/upkeep/changes/<int:request_id>/reject", methods=["POST"])
@requires("suggestion.moderate")
def upkeep_changes_reject(request_id: int):
    row = _changes_request(request_id)
    form = RejectForm()
    if not form.validate():
        return _render_changes(row, form, 422)
    try:
        confirmations.reject_changes(row, acting_user(), form.note.data)
        db.session.commit()
    except workflow.WorkflowError as exc:
        db.session.rollback()
        flash(exc.message, "error")
        return redirect(url_for("admin.upkeep_changes", request_id=request_id))
    flash(_("The changes were rejected."), "success")
    return redirect(url_for("admin.upkeep"))


@bp.route("/upkeep/digest", methods=["POST"])
@requires("suggestion.moderate")
def upkeep_digest():
    """The counties (and language) of the current adviser's digest."""
    form = _digest_form(acting_user())
    if form.validate():
        reminders.set_digest(acting_user(), form.counties.data or [], form.lang.data or g.lang)
        db.session.commit()
        flash(_("Saved."), "success")
    else:
        flash(_("Choose counties from the list."), "error")
    return redirect(url_for("admin.upkeep"))
