"""Pages about the site itself: easy-to-read Swedish and the accessibility statement."""

from flask import abort, render_template

from knowledgebase.content_types import BY_KEY, CONTENT_TYPES
from knowledgebase.public import bp
from knowledgebase.services import entries as entry_service


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


@bp.route("/accessibility")
def accessibility():
    return render_template("public/accessibility.html")
