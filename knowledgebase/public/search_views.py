"""The search page (placeholder until the search module lands)."""

from flask import render_template, request

from knowledgebase.public import bp


@bp.route("/search")
def search():
    return render_template("public/search.html", q=request.args.get("q", ""))
