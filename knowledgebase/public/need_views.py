"""Buyers' needs on the public site: posting one without an account (the e-mail address is
confirmed first), the public list with its filters and Atom feed, and a public need's page."""

from __future__ import annotations

from datetime import date

from flask import Response, abort, current_app, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _

from knowledgebase import inputs
from knowledgebase import models as m
from knowledgebase.extensions import db, limiter
from knowledgebase.models.base import now_utc
from knowledgebase.public.blueprint import bp
from knowledgebase.public.need_forms import NeedForm
from knowledgebase.public.upkeep_views import no_store
from knowledgebase.public.views import page_arg
from knowledgebase.services.content import feeds, taxonomy
from knowledgebase.services.procurement import need_listing, needs
from knowledgebase.services.upkeep import outbox
from knowledgebase.urls import external_url


def municipality_groups(counties: list[m.County]) -> list[tuple[str, list[tuple[str, str]]]]:
    return [(c.name, [(mu.code, mu.name) for mu in c.municipalities]) for c in counties]


def need_form(form: NeedForm | None = None) -> NeedForm:
    form = form or NeedForm()
    form.load_choices(taxonomy.service_categories_by_name(), taxonomy.region_counties(), g.lang)
    return form


def _render_form(form: NeedForm, status: int = 200, extra_errors=()):
    return render_template("public/need_form.html", form=form, extra_errors=extra_errors,
                           groups=municipality_groups(taxonomy.region_counties())), status


@bp.route("/needs/new", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["NEEDS_LIMIT"], methods=["POST"])
def need_new():
    """Describe a need; nothing is sent until the buyer confirms the e-mail address."""
    form = need_form()
    if not form.validate_on_submit():
        return _render_form(form, 422 if request.method == "POST" else 200)
    if form.homepage.data:  # a robot: the same answer, nothing saved or sent
        return redirect(url_for("public.need_posted"))
    values = form.to_values()
    problem = needs.direct_award_problem(values.value, needs.service_query(values), date.today(), g.lang) \
        if values.may_direct_award else ""
    if problem:
        return _render_form(form, 422, [("may_direct_award", problem)])
    need, outgoing = needs.post_need(values, g.lang, now_utc())
    db.session.commit()
    delivery = outbox.deliver([outgoing], date.today())
    db.session.commit()
    if delivery.failed:
        flash(_("We could not send the e-mail just now. Try again in a while."), "error")
        return _render_form(form, 503)
    return redirect(url_for("public.need_posted", value=values.value or None, service=needs.service_query(values)))


@bp.route("/needs/posted")
def need_posted():
    """Check your e-mail; and what the route guide says of the value and service."""
    value = inputs.arg_number("value", 0, minimum=0, maximum=inputs.DB_INT_MAX) or None
    service = inputs.arg_text("service", 100)
    routes = needs.route_statuses(value, service, date.today(), g.lang) if value or service else []
    return render_template("public/need_posted.html", routes=routes)


@bp.route("/needs/confirm/<token>", methods=["GET", "POST"])
def need_confirm(token: str):
    """GET asks; POST confirms the address and puts the need in the advisers' queue."""
    if request.method == "GET":
        return no_store(render_template("public/need_confirm.html", done=False, error=None))
    try:
        need, outgoing = needs.confirm_need(token, now_utc())
    except needs.NeedError as exc:
        db.session.rollback()
        return no_store((render_template("public/need_confirm.html", done=False, error=exc.message), 410))
    db.session.commit()
    outbox.deliver([outgoing], date.today())
    db.session.commit()
    return no_store(render_template("public/need_confirm.html", done=True, error=None, need=need))


def _filters() -> need_listing.NeedFilters:
    return inputs.parsed(need_listing.parse_filters, request.args)


@bp.route("/needs")
def need_list():
    """The public needs still open, filtered by county, service and deadline."""
    filters = _filters()
    page = need_listing.open_needs(filters, date.today(), page_arg(), current_app.config["PER_PAGE"])
    return render_template("public/need_list.html", page=page, filters=filters, args=filters.as_args(),
                           categories=taxonomy.service_categories_by_name(), counties=taxonomy.region_counties(),
                           today=date.today())


@bp.route("/needs/feed.atom")
def need_feed():
    """The list as an Atom feed, with the same filters."""
    filters = _filters()
    args = filters.as_args()
    self_url = external_url("public.need_feed", lang=g.lang, **args)
    body = feeds.atom_feed(
        need_listing.feed_items(filters, date.today()), feed_id=self_url,
        title=_("Social enterprise knowledge base: buyers' needs"), self_url=self_url,
        site_url=external_url("public.need_list", lang=g.lang, **args), lang=g.lang,
        entry_url=lambda item: external_url("public.need_detail", lang=g.lang, need_id=item.need.id),
        type_label=lambda item: _("Buyer's need"))
    return Response(body, mimetype="application/atom+xml")


@bp.route("/needs/<int:need_id>")
def need_detail(need_id: int):
    need = need_listing.public_need(need_id, date.today())
    if need is None:
        abort(404)
    return render_template("public/need_detail.html", need=need,
                           organisation_labels=needs.ORGANISATION_LABELS)
