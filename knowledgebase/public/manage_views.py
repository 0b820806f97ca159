"""Enterprises keep their own entries, on the public site: "Is this your enterprise?" on each
enterprise's page, and, for the people an adviser let manage an entry, signing in with a
one-time link (no password) and editing their entries.

The manager's session is its own key in the signed session cookie (``SESSION_KEY``: the id of
the used sign-in link), checked against the database at every request; it is not a
Flask-Login user and the editorial area does not see it."""

from __future__ import annotations

from datetime import date

from flask import abort, current_app, g, redirect, render_template, request, session, url_for
from sqlalchemy import select

from knowledgebase import inputs
from knowledgebase import models as m
from knowledgebase.admin.links import changes_review_url
from knowledgebase.content_types import BY_KEY
from knowledgebase.extensions import db, limiter
from knowledgebase.models.base import now_utc
from knowledgebase.public.blueprint import bp
from knowledgebase.public.manage_forms import ClaimForm, ManageForm, SignInForm, SignOutForm, UseLinkForm
from knowledgebase.public.upkeep_views import form_counties, no_store
from knowledgebase.services.content import entries as entry_service
from knowledgebase.services.content import taxonomy
from knowledgebase.services.content.serialization import FieldError
from knowledgebase.services.curation.revisions import current_data
from knowledgebase.services.upkeep import claims, confirmations, managers, outbox

SESSION_KEY = "manager_sign_in"


# -- "Is this your enterprise?" -----------------------------------------------------------

def _claimable_or_404(slug: str) -> m.Entry:
    entry = entry_service.get_published(BY_KEY["enterprise"], slug)
    return entry if claims.claimable(entry) else abort(404)


@bp.route("/enterprises/<slug>/claim", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["CLAIM_LIMIT"], methods=["POST"])
def claim_entry(slug: str):
    """Ask to manage an enterprise's entry; an adviser decides."""
    entry = _claimable_or_404(slug)
    form = ClaimForm()
    if not form.validate_on_submit():
        status = 422 if request.method == "POST" else 200
        return render_template("public/claim.html", form=form, entry=entry), status
    # A robot that filled the trap gets the same answer, and nothing is saved.
    if not form.homepage.data:
        claims.create_claim(entry, form.name.data, form.email.data, form.role.data or "", form.message.data or "",
                            g.lang, now_utc())
        db.session.commit()
    return redirect(url_for("public.claim_sent", slug=entry.slug))


@bp.route("/enterprises/<slug>/claim/sent")
def claim_sent(slug: str):
    return render_template("public/claim_sent.html", entry=_claimable_or_404(slug))


# -- signing in ---------------------------------------------------------------------------

def current_sign_in() -> m.ManagerSignIn | None:
    """The visitor's manager session, if it still works (else it is forgotten)."""
    if SESSION_KEY not in session:
        return None
    sign_in = managers.open_session(session.get(SESSION_KEY), now_utc())
    if sign_in is None:
        session.pop(SESSION_KEY, None)
    return sign_in


@bp.route("/manage/sign-in", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["MANAGER_LINK_LIMIT"], methods=["POST"])
def manage_sign_in():
    """Ask for a sign-in link. The answer is the same whether or not the address manages an
    entry, so that nobody can find out which addresses do."""
    form = SignInForm()
    if not form.validate_on_submit():
        status = 422 if request.method == "POST" else 200
        return no_store((render_template("public/manage_sign_in.html", form=form,
                                         signed_out=inputs.arg_text("signed_out") == "1"), status))
    if not form.homepage.data:
        outgoing = managers.prepare_sign_in(form.email.data, g.lang, now_utc())
        if outgoing is not None:
            delivery = outbox.deliver([outgoing], date.today())
            if delivery.failed:
                # Said to nobody: telling the visitor would tell them the address is known.
                current_app.logger.warning("a manager's sign-in link could not be sent: %s", delivery.failed[0][1])
        db.session.commit()
    return redirect(url_for("public.manage_sign_in_sent"))


@bp.route("/manage/sign-in/sent")
def manage_sign_in_sent():
    return no_store(render_template("public/manage_sign_in_sent.html",
                                    minutes=current_app.config["MANAGER_LINK_MINUTES"]))


@bp.route("/manage/sign-in/<token>", methods=["GET", "POST"])
def manage_sign_in_link(token: str):
    """GET asks (link checkers in mail programs only ever GET); POST uses the link."""
    form = UseLinkForm()
    if request.method == "GET":
        return no_store(render_template("public/manage_link.html", form=form, error=None))
    if not form.validate_on_submit():
        abort(400)
    try:
        sign_in = managers.use_link(token, now_utc())
    except confirmations.LinkUnknown:
        db.session.rollback()
        abort(404)
    except confirmations.LinkClosed as exc:
        db.session.rollback()
        return no_store((render_template("public/manage_link.html", form=None, error=exc.message), 410))
    db.session.commit()
    session[SESSION_KEY] = sign_in.id
    return redirect(url_for("public.manage_home"))


@bp.route("/manage/sign-out", methods=["POST"])
def manage_sign_out():
    sign_in = current_sign_in()
    if not SignOutForm().validate_on_submit():
        abort(400)
    if sign_in is not None:
        managers.sign_out(sign_in, now_utc())
        db.session.commit()
    session.pop(SESSION_KEY, None)
    return redirect(url_for("public.manage_sign_in", signed_out=1))


# -- the manager's entries ----------------------------------------------------------------

def _signed_in() -> m.ManagerSignIn:
    sign_in = current_sign_in()
    if sign_in is None:
        abort(redirect(url_for("public.manage_sign_in")))
    return sign_in


@bp.route("/manage/")
def manage_home():
    """The entries the signed-in manager keeps."""
    sign_in = _signed_in()
    return no_store(render_template("public/manage_home.html", sign_in_email=sign_in.email,
                                    entries=managers.managed_entries(sign_in.email), sign_out=SignOutForm()))


def _manage_form(entry: m.Entry) -> ManageForm:
    form = ManageForm() if request.method == "POST" else ManageForm(data=ManageForm.values_from(current_data(entry)))
    form.load_choices(list(db.session.scalars(select(m.LegalForm).order_by(m.LegalForm.name_sv))),
                      taxonomy.service_categories_by_name(), form_counties(entry), g.lang)
    return form


def _render_manage(entry: m.Entry, form: ManageForm, sign_in: m.ManagerSignIn, status: int = 200,
                   extra_errors=()):
    groups = [(county.name, [(mu.code, mu.name) for mu in county.municipalities]) for county in form_counties(entry)]
    return no_store((render_template(
        "public/manage_entry.html", entry=entry, form=form, municipality_groups=groups, extra_errors=extra_errors,
        saved=inputs.arg_text("saved", 40).split(","), sign_out=SignOutForm(), sign_in_email=sign_in.email,
        contact_facts=confirmations.CONTACT_FACTS), status))


@bp.route("/manage/entries/<int:entry_id>", methods=["GET", "POST"])
def manage_entry(entry_id: int):
    """A manager's own entry: contact details saved at once, other changes for review."""
    sign_in = _signed_in()
    entry = managers.managed_entry(sign_in, entry_id)
    if entry is None:
        abort(403)
    form = _manage_form(entry)
    if request.method == "GET":
        return _render_manage(entry, form, sign_in)
    if not form.validate_on_submit():
        return _render_manage(entry, form, sign_in, 422)
    try:
        outcome = managers.save_edit(entry, sign_in, form.to_data(), date.today(), now_utc(), changes_review_url,
                                     form.message.data or "")
    except FieldError as exc:
        db.session.rollback()
        name = exc.field if exc.field in ManageForm.FACT_FIELDS else None
        return _render_manage(entry, form, sign_in, 422, [(name, exc.message)])
    db.session.commit()
    saved = [part for part, done in (("contact", outcome.saved), ("review", outcome.sent)) if done] or ["confirmed"]
    return redirect(url_for("public.manage_entry", entry_id=entry.id, saved=",".join(saved)))
