"""A shortlist shared as a link: made from the visitor's shortlist, opened by anyone who has
it (read-only, printable, as CSV) until it expires, and sent by e-mail from the site."""

from __future__ import annotations

from datetime import date, datetime, timezone

from flask import Response, abort, current_app, flash, g, redirect, render_template, session, url_for
from flask_babel import gettext as _

from knowledgebase.downloads import csv_download
from knowledgebase import inputs
from knowledgebase.extensions import db, limiter
from knowledgebase.public.blueprint import bp
from knowledgebase.public.buyer_views import _route_choices
from knowledgebase.public.shortlist_forms import ShareByEmailForm
from knowledgebase.services.procurement import route_guide, shortlist
from knowledgebase.services.upkeep import outbox
from knowledgebase.services.procurement import shortlist_share as share
from knowledgebase.urls import external_url

MAIL_KIND = "shortlist_share"


def _days() -> int:
    return int(current_app.config["SHORTLIST_SHARE_DAYS"])


def _shared_or_error(token: str) -> share.SharedList:
    """The list behind ``token``, or a page that says the link has expired (410) or is not valid (404)."""
    try:
        return share.read_token(token, current_app.config["SECRET_KEY"], _days(), datetime.now(timezone.utc))
    except share.ShareExpired as exc:
        abort(Response(render_template("public/shortlist_expired.html", expired_on=exc.expired_on), 410))
    except share.ShareError:
        abort(404)


@bp.route("/shortlist/share")
def shortlist_share():
    """Make a link to the shortlist as it is now, and show it."""
    slugs = [e.slug for e in shortlist.enterprises(shortlist.slugs(session))]
    if not slugs:
        return redirect(url_for("public.shortlist_page"), code=303)
    token = share.make_token(slugs, current_app.config["SECRET_KEY"])
    return redirect(url_for("public.shortlist_shared", token=token, made=1), code=303)


@bp.route("/shortlist/shared/<token>", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["SHORTLIST_SHARE_LIMIT"], methods=["POST"])
def shortlist_shared(token: str):
    """The shared list, read-only; POST sends the link to an e-mail address."""
    shared = _shared_or_error(token)
    items = shortlist.enterprises(shared.slugs)
    link = external_url("public.shortlist_shared", lang=g.lang, token=token)
    form = ShareByEmailForm()
    status = 200
    if form.validate_on_submit():
        if not form.homepage.data:  # a robot filled in the hidden field: answer as usual, send nothing
            outgoing = outbox.Outgoing(share.share_mail(form.email.data, g.lang, items, link, shared.expires_on),
                                       kind=MAIL_KIND)
            delivery = outbox.deliver([outgoing], date.today())
            db.session.commit()
            if delivery.failed or delivery.bounced:
                flash(_("We could not send the e-mail just now. Try again in a while."), "error")
                return render_template("public/shortlist_shared.html", **_page(shared, items, link, token, form)), 503
        flash(_("The link has been sent."), "success")
        return redirect(url_for("public.shortlist_shared", token=token), code=303)
    if form.is_submitted():
        status = 422
    return render_template("public/shortlist_shared.html", **_page(shared, items, link, token, form)), status


def _page(shared: share.SharedList, items: list, link: str, token: str, form: ShareByEmailForm) -> dict:
    return {"shared": shared, "items": items, "link": link, "token": token, "form": form,
            "made": inputs.arg_flag("made"), "today": date.today(), "routes": _route_choices()}


@bp.route("/shortlist/shared/<token>/shortlist.csv")
def shortlist_shared_csv(token: str):
    items = shortlist.enterprises(_shared_or_error(token).slugs)
    page_url = lambda e: external_url("public.entry_detail", lang=g.lang, type_key="enterprise", slug=e.slug)  # noqa: E731
    return csv_download(shortlist.csv_rows(items, g.lang, date.today(), page_url), _("shortlist"))


@bp.route("/shortlist/shared/<token>/print")
def shortlist_shared_print(token: str):
    """The shared list as a document to print."""
    items = shortlist.enterprises(_shared_or_error(token).slugs)
    route = inputs.arg_choice("route", dict(_route_choices()), "")
    key = route if route in route_guide.GUIDE_SLUGS else ""
    return render_template("public/shortlist_print.html", items=items, today=date.today(), route=route,
                           route_label=dict(_route_choices()).get(route),
                           guide=route_guide.guide_article(key) if key else None,
                           dialogue=route_guide.guide_article("dialogue"),
                           back_url=url_for("public.shortlist_shared", token=token))
