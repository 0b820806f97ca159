"""Pages about the site itself: easy-to-read Swedish, what's new (a page and Atom feeds), the
open data and the API's reference.
The accessibility statement, with its report form, is in suggest_views."""

from flask import Response, abort, current_app, g, render_template
from flask_babel import gettext as _

from knowledgebase.api import openapi
from knowledgebase.api.reference import reference
from knowledgebase.content_types import BY_KEY, CONTENT_TYPES
from knowledgebase.public import views
from knowledgebase.public.blueprint import bp
from knowledgebase.services.content import entries as entry_service
from knowledgebase.services.content import feeds, taxonomy
from knowledgebase.urls import external_url


@bp.route("/easy-read")
def easy_read():
    """The site explained in easy-to-read Swedish, with every entry's easy-to-read text."""
    return render_template("public/easy_read.html", grouped=entry_service.easy_read_entries())


def entry_easy_read(type_key: str, slug: str):
    entry = entry_service.get_published(BY_KEY[type_key], slug)
    if entry is None or not entry.easy_read_sv:
        abort(404)
    return render_template("public/entry_easy_read.html", ct=BY_KEY[type_key], entry=entry)


for _ct in CONTENT_TYPES:
    bp.add_url_rule(f"/{_ct.path}/<slug>/easy-read", "entry_easy_read", entry_easy_read,
                    defaults={"type_key": _ct.key})


@bp.route("/whats-new")
def whats_new():
    filters = views.filters_arg()
    return render_template("public/whats_new.html", entries=feeds.recent_entries(filters, 40),
                           filters=filters, filter_options=taxonomy.filter_options())


@bp.route("/feed.atom")
def feed():
    """Atom feed of new and updated entries; ``theme``, ``county`` and ``municipality`` narrow it."""
    filters = views.filters_arg()
    entries = feeds.recent_entries(filters)
    args = {key: values for key, values in filters.as_args().items() if values}
    self_url = external_url("public.feed", lang=g.lang, **args)
    body = feeds.atom_feed(
        entries,
        feed_id=self_url,
        title=_("Social enterprise knowledge base: what's new"),
        self_url=self_url,
        site_url=external_url("public.whats_new", lang=g.lang, **args),
        lang=g.lang,
        entry_url=lambda entry: external_url("public.entry_detail", lang=g.lang, type_key=entry.type, slug=entry.slug),
        type_label=lambda entry: BY_KEY[entry.type].label,
    )
    return Response(body, mimetype="application/atom+xml")


@bp.route("/open-data")
def open_data():
    """What data the site offers, in which formats, under which licence and how often it changes."""
    return render_template("public/open_data.html", counts=entry_service.count_by_type(entry_service.EntryFilters()))


@bp.route("/open-data/api")
def api_reference():
    """The API for people: every operation, its parameters and answers, from the API's own
    OpenAPI description; each example request with a slug that exists."""
    slugs = {f"get_{key}": slug for key, slug in entry_service.first_published_slugs().items()}
    return render_template("public/api_reference.html", groups=reference(openapi.description(), g.lang, slugs),
                           base_url=current_app.config["BASE_URL"].rstrip("/"))
