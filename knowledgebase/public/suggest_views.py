"""Suggestions from readers, without an account: "suggest a correction" on every entry,
"suggest a social enterprise", and the accessibility statement with its form for reporting an
accessibility problem. Protected by CSRF, a honeypot and a rate limit."""

from __future__ import annotations

import math
import time

from flask import Response, abort, current_app, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_limiter import RequestLimit

from knowledgebase import inputs
from knowledgebase import models as m
from knowledgebase.content_types import BY_KEY
from knowledgebase.extensions import db, limiter
from knowledgebase.public.blueprint import bp
from knowledgebase.forms import options
from knowledgebase.public.suggest_forms import AccessibilityReportForm, SuggestionForm
from knowledgebase.services.content import entries as entry_service
from knowledgebase.services.content import taxonomy
from knowledgebase.services.curation import suggestions

# At most this many similar enterprises are named on the thanks page.
MAX_SIMILAR = 5


def _entry_arg() -> m.Entry | None:
    """The published entry a correction is about (``?type=…&slug=…``), or None."""
    type_key, slug = inputs.arg_text("type"), inputs.arg_text("slug")
    if not type_key and not slug:
        return None
    ct = BY_KEY.get(type_key)
    entry = entry_service.get_published(ct, slug) if ct and slug else None
    if entry is None:
        abort(404)
    return entry


def _form(entry: m.Entry | None) -> SuggestionForm:
    form = SuggestionForm()
    form.use_kind("correction" if entry else "enterprise")
    if entry is None:
        form.municipality.choices = options([("", _("– Choose –"))] + [
            (mu.code, f"{mu.name} ({county.name})")
            for county in taxonomy.region_counties() for mu in county.municipalities])
    return form


def _too_many(limit: RequestLimit) -> Response:
    minutes = max(1, math.ceil((limit.reset_at - time.time()) / 60))
    entry = _entry_arg()
    message = _("You have sent many suggestions in a short time. Wait %(minutes)d minutes and try again.",
                minutes=minutes)
    response = current_app.make_response((render_template(
        "public/suggest.html", form=_form(entry), entry=entry, error=message), 429))
    response.headers["Retry-After"] = str(minutes * 60)
    return response


@bp.route("/suggest", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["SUGGEST_LIMIT"], methods=["POST"], on_breach=_too_many)
def suggest():
    entry = _entry_arg()
    form = _form(entry)
    if not form.validate_on_submit():
        status = 422 if request.method == "POST" else 200
        return render_template("public/suggest.html", form=form, entry=entry), status
    similar = []
    if not form.homepage.data:
        values = {name: form[name].data or "" for name in form._fields
                  if name not in ("csrf_token", "homepage", "submit", "municipality")}
        if entry is None:
            values["municipality_code"] = form.municipality.data or ""
            suggestion = suggestions.propose_enterprise(g.lang, **values)
            similar = [other.slug for other in suggestions.published_duplicates(suggestion)][:MAX_SIMILAR]
        else:
            suggestions.create_suggestion("correction", g.lang, entry, **values)
        db.session.commit()
    # A robot that filled the trap gets the same answer, and nothing is saved.
    return redirect(url_for("public.suggest_thanks", similar=",".join(similar) or None))


@bp.route("/suggest/thanks")
def suggest_thanks():
    """Thanks; and, for a new enterprise that looks like one already published, a gentle note
    with a link to it (``?similar=`` the slugs)."""
    slugs = [slug for slug in inputs.arg_text("similar", 1000).split(",") if inputs.is_slug(slug)][:MAX_SIMILAR]
    similar = [found for found in (entry_service.get_published(BY_KEY["enterprise"], slug) for slug in slugs) if found]
    return render_template("public/suggest.html", form=None, entry=None, sent=True, similar=similar)


@bp.route("/accessibility", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["SUGGEST_LIMIT"], methods=["POST"])
def accessibility():
    """The accessibility statement (as the DOS law asks) and the form to report a problem,
    which goes into the advisers' suggestion queue. ``?page=`` fills in the page's address."""
    if request.method == "GET" and inputs.arg_text("sent") == "1":
        return render_template("public/accessibility.html", form=None, sent=True)
    form = AccessibilityReportForm()
    if request.method == "GET":
        form.page_url.data = inputs.arg_text("page", 500)
    if not form.validate_on_submit():
        status = 422 if request.method == "POST" else 200
        return render_template("public/accessibility.html", form=form, sent=False), status
    if not form.homepage.data:
        suggestions.create_suggestion("accessibility", g.lang, message=form.message.data,
                                      page_url=form.page_url.data or "", sender_name=form.sender_name.data or "",
                                      sender_email=form.sender_email.data or "")
        db.session.commit()
    return redirect(url_for("public.accessibility", sent=1, _anchor="report"))
