"""The chart model (knowledgebase/charts.py) and its drawing (templates/_macros/charts.html):
bar lengths in proportion, every number written as text, series told apart by pattern, a
target marker where asked, and the same numbers in the table."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest
from flask import render_template_string

from knowledgebase.charts import PATTERNS, WIDTH, Row, Series, bar_chart, wrap

SVG = "{http://www.w3.org/2000/svg}"


def _render(app, macro: str, chart) -> str:
    with app.test_request_context("/sv/"):
        return render_template_string(
            '{% from "_macros/charts.html" import ' + macro + ' %}{{ ' + macro + '(chart) }}', chart=chart)


def test_bars_are_in_proportion_and_leave_room_for_their_numbers():
    chart = bar_chart("c", "Fiktiva län", [Row("A", 10), Row("B", 5), Row("C", 0)])
    a, b, c = chart.bars
    assert a.length == pytest.approx(2 * b.length)
    assert c.length == 0
    assert a.length < WIDTH and a.value_x + 3 * 8 <= WIDTH  # a two-digit number fits beside the longest
    assert [bar.value_text for bar in chart.bars] == ["10", "5", "0"]
    assert a.y < b.y < c.y  # in the given order, top to bottom


def test_a_fixed_scale_and_a_value_format():
    chart = bar_chart("c", "Andel", [Row("A", 50), Row("B", 100)], max_value=100, value_format="{} %".format)
    assert chart.bars[0].length == pytest.approx(chart.bars[1].length / 2)
    assert chart.bars[0].value_text == "50 %"
    assert bar_chart("c", "Tomt", [Row("A", 0)]).bars[0].length == 0  # all zero: no division by zero


def test_short_labels_stand_left_of_their_bars_on_one_line():
    chart = bar_chart("c", "T", [Row("Växjö", 4), Row("Mullsjö", 2)])
    first, second = chart.bars
    assert first.x == second.x > 7 * 7  # past the longest label
    assert first.label_y - first.y < chart.bar_height  # on the bar's line
    assert first.x + first.length + 6 == first.value_x <= WIDTH - 3 * 8
    assert second.y >= first.y + chart.bar_height
    assert bar_chart("c", "T", [Row("Växjö", 4), Row("Ett mycket längre namn", 2)]).bars[0].x == 0


def test_long_labels_wrap_between_words_and_push_the_next_bar_down():
    assert wrap("ett två tre", 7) == ("ett två", "tre")
    assert wrap("") == ("",)
    chart = bar_chart("c", "T", [Row("ord " * 30, 1), Row("kort", 1)])
    first, second = chart.bars
    assert len(first.label_lines) > 1
    assert second.label_y > first.y + chart.bar_height


def test_series_stack_in_order_with_a_pattern_each_and_their_parts_written_out():
    series = [Series("women", "Kvinnor"), Series("men", "Män"), Series("other", "Annat")]
    chart = bar_chart("c", "Deltagare", [Row("Fiktiv insats", parts={"women": 6, "men": 3, "other": 1})],
                      series=series)
    bar = chart.bars[0]
    assert bar.value == 10 and bar.value_text == "10"
    women, men, other = bar.segments
    assert women.x == bar.x == 0 and men.x == pytest.approx(women.width) and other.x == pytest.approx(women.width + men.width)
    assert women.width == pytest.approx(2 * men.width)
    assert [s.pattern for s in chart.series] == list(PATTERNS[:3])
    assert bar.parts_lines == ("Kvinnor 6 · Män 3 · Annat 1",)
    with pytest.raises(ValueError):
        bar_chart("c", "T", [], series=[Series("x", "X", "plaid")])


def test_a_target_sets_the_scale_and_has_a_marker_and_a_legend_entry():
    chart = bar_chart("c", "Mot mål", [Row("A", 5, target=20), Row("B", 10)], target_heading="Mål")
    a, b = chart.bars
    assert a.target_x - a.x == pytest.approx(4 * a.length)  # scale runs to the largest of values and targets
    assert b.target_x is None
    assert [item.pattern for item in chart.legend] == ["target"]
    assert a.value_x > a.target_x  # the number is written past the marker, not under it


def test_the_table_has_the_same_numbers():
    series = [Series("women", "Kvinnor"), Series("men", "Män")]
    chart = bar_chart("c", "T", [Row("A", parts={"women": 2, "men": 1}, target=4), Row("B", parts={"men": 5})],
                      series=series, label_heading="Insats", value_heading="Totalt", target_heading="Mål")
    header, rows = chart.table()
    assert header == ["Insats", "Kvinnor", "Män", "Totalt", "Mål"]
    assert rows == [["A", "2", "1", "3", "4"], ["B", "0", "5", "5", ""]]


def test_the_svg_is_one_image_with_title_description_and_every_number_as_text(app):
    chart = bar_chart("fig-lan", "Företag per län", [Row("Fiktiva län", 12), Row("Andra fiktiva länet i söder", 3)],
                      description="Publicerade företag.", target_heading="Mål")
    svg = ET.fromstring(_render(app, "bar_chart_svg", chart))
    assert svg.get("role") == "img"
    assert svg.get("viewBox") == f"0 0 {WIDTH} {round(chart.height, 1)}"
    assert svg.get("aria-labelledby") == "fig-lan-title fig-lan-desc"
    assert svg.find(f"{SVG}title").text == "Företag per län"
    assert "Fiktiva län: 12" in svg.find(f"{SVG}desc").text
    texts = [t.text for t in svg.iter(f"{SVG}text")]
    assert "12" in texts and "3" in texts and "Fiktiva län" in texts
    widths = [float(r.get("width")) for r in svg.iter(f"{SVG}rect") if r.get("class") == "bar"]
    assert widths == pytest.approx([chart.bars[0].length, chart.bars[1].length], abs=0.01)
    assert "<script" not in _render(app, "bar_chart_svg", chart)


def test_series_are_drawn_with_their_patterns_and_the_ids_are_unique_per_chart(app):
    series = [Series("women", "Kvinnor"), Series("men", "Män")]
    chart = bar_chart("fig-a", "T", [Row("A", parts={"women": 2, "men": 1})], series=series)
    html = _render(app, "bar_chart_svg", chart)
    assert 'fill="url(#fig-a-hatch)"' in html and 'id="fig-a-hatch"' in html
    assert "Kvinnor 2 · Män 1" in html
    ids = re.findall(r'\bid="([^"]+)"', html)
    assert len(ids) == len(set(ids)) and all(i.startswith("fig-a-") for i in ids)


def test_the_table_macro_links_labels_and_names_its_region(app):
    chart = bar_chart("fig-b", "Per kommun", [Row("Fiktiv kommun", 4, href="/sv/municipalities/0680")],
                      label_heading="Kommun", value_heading="Företag")
    html = _render(app, "chart_table", chart)
    assert '<caption id="fig-b-table">Per kommun</caption>' in html
    assert '<th scope="col">Kommun</th>' in html
    assert '<a href="/sv/municipalities/0680">Fiktiv kommun</a>' in html
    assert '<td class="num">4</td>' in html


def test_unstacked_series_draw_one_bar_and_write_only_the_parts_there_are(app):
    series = [Series(f"t{n}", f"Typ {n}") for n in range(8)]
    chart = bar_chart("fig-c", "Per tema", [Row("Tema", parts={"t0": 2, "t5": 1})], series=series, stack=False)
    bar = chart.bars[0]
    assert not chart.stacked and bar.segments == () and chart.legend == ()
    assert bar.value == 3 and bar.parts_lines == ("Typ 0 2 · Typ 5 1",)
    assert chart.table()[0][1:9] == [f"Typ {n}" for n in range(8)]
    html = _render(app, "bar_chart_svg", chart)
    assert html.count('class="bar"') == 1 and "Typ 0 2 · Typ 5 1" in html


def test_a_bar_with_parts_may_give_its_total_when_some_parts_are_not_shown():
    series = [Series("w", "Kvinnor"), Series("m", "Män")]
    chart = bar_chart("c", "Fiktiva deltagare", [Row("Hittills", parts={"w": 9, "m": 0}, total=17, target=20)],
                      series=series)
    [bar] = chart.bars
    assert bar.value == 17 and bar.value_text == "17"
    assert chart.table()[1] == [["Hittills", "9", "0", "17", "20"]]
