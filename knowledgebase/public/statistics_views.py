"""The statistics page (each figure as a chart, a table and a CSV download; for advisers, the
gaps to act on) and the map of the municipalities that the home, buyers' and county pages show."""

from __future__ import annotations


from flask import abort, g, render_template, request, url_for
from flask_babel import format_decimal
from flask_babel import gettext as _
from flask_login import current_user

from knowledgebase.downloads import csv_download
from knowledgebase import inputs
from knowledgebase.admin.links import gap_links
from knowledgebase.charts import BarChart, Row, Series, bar_chart
from knowledgebase.public.blueprint import bp
from knowledgebase.services.curation.accounts import can
from knowledgebase.services.statistics import figures, gaps, region_map

# Where a figure's row links: its kind of ``ref`` and the page of that thing.
_REF_URLS = {
    "county": lambda key: url_for("public.county", code=key),
    "municipality": lambda key: url_for("public.municipality", code=key),
    "theme": lambda key: url_for("public.theme", number=int(key)),
    "package": lambda key: url_for("public.package", number=int(key.split(".")[0]), package=int(key.split(".")[1])),
    "service": lambda key: url_for("public.buyers_search", service=key),
}


def map_context(county: str | None = None) -> dict:
    """The map (of the region, or of ``county``) counting what the ``map`` argument asks for,
    and the choices of its form."""
    choice = inputs.parsed(region_map.parse_map_choice, request.args.get("map"))
    return {"region_map": region_map.region_map(choice, g.lang, county),
            "map_options": region_map.choice_options(g.lang)}


def figure_chart(figure: figures.Figure) -> BarChart:
    """A figure as a chart: a share's label says of how many; a row links to its page."""
    def label(row: figures.FigureRow) -> str:
        if figure.unit == "%" and row.parts:
            return _("%(place)s (%(confirmed)s of %(total)s)", place=row.label,
                     confirmed=row.parts["confirmed"], total=row.parts["total"])
        return row.label

    rows = [Row(label(row), row.value, parts=row.parts if figure.series else None,
                href=_REF_URLS[row.ref[0]](row.ref[1]) if row.ref else None) for row in figure.rows]
    percent = figure.unit == "%"
    return bar_chart(f"fig-{figure.key}", figure.title, rows, description=figure.description,
                     label_heading=figure.label_heading, value_heading=figure.value_heading,
                     series=[Series(key, label) for key, label in figure.series], stack=len(figure.series) <= 4,
                     max_value=100 if percent else None,
                     value_format=(lambda v: f"{format_decimal(v)} %") if percent else format_decimal)


@bp.route("/statistics")
def statistics():
    """The figures of the knowledge base; advisers also see the gaps."""
    shown = figures.all_figures(g.lang)
    adviser_gaps = gaps.gaps(gap_links()) if can(current_user, "entry.verify") else None
    return render_template("public/statistics.html", figures=shown, charts=[figure_chart(f) for f in shown],
                           gaps=adviser_gaps, **map_context())


@bp.route("/statistics/<key>.csv")
def statistics_csv(key: str):
    """One figure's numbers as CSV."""
    figure = figures.figure(key, g.lang) or abort(404)
    return csv_download(figures.csv_rows(figure), figure.key)
