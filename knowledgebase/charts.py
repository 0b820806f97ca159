"""Bar charts as plain data: labelled numbers in, a chart model out (every bar's length,
position and text worked out here), drawn as server-side SVG by ``templates/_macros/charts.html``
and shown beside a data table built from the same model.

The interface is three names: ``Row`` (one labelled number, or one number per series, with an
optional target and link), ``Series`` (a part of every bar, such as women, men and others, with a
fill pattern of its own so that colour is never the only difference) and ``bar_chart`` (rows in,
``BarChart`` out). ``BarChart.table()`` gives the same numbers as a table (the HTML table and
the CSV download both read it).

The drawing is laid out for a 320-unit-wide ``viewBox`` so that it is readable at 320 px and
scales up: each bar has its label on a line above it and its number written beside it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Mapping, Sequence

WIDTH = 320
FONT = 13  # text size in viewBox units: 13 px at 320 px wide
LINE = 16  # height of a line of text
BAR = 16  # thickness of a bar
GAP = 10  # space below each bar
VALUE_SPACE = 64  # kept free right of the longest bar for its number
LABEL_CHARS = 44  # a label line wraps after about this many characters at FONT on WIDTH
INLINE_CHARS = 16  # labels no longer than this stand left of their bars, on the same line
CHAR_WIDTH = FONT * 0.6  # about the width of a letter, for laying out text
PATTERNS = ("solid", "hatch", "dots", "cross")


@dataclass(frozen=True)
class Series:
    """A part of every bar (e.g. ``Series("women", "Kvinnor")``); ``pattern`` is one of
    ``PATTERNS`` (by default the next one in order)."""

    key: str
    label: str
    pattern: str = ""


@dataclass(frozen=True)
class Row:
    """One bar: its label and value, or (for a chart with series) ``parts`` giving each
    series' value by key, whose sum is the bar's value unless ``total`` gives it (when some
    parts are not shown, e.g. groups too small to publish). ``target`` draws a marker at that
    value; ``href`` links the label in the data table."""

    label: str
    value: float = 0
    parts: Mapping[str, float] | None = None
    target: float | None = None
    href: str | None = None
    total: float | None = None


@dataclass(frozen=True)
class LegendItem:
    """A legend entry: a swatch of ``pattern`` ("target" for the target marker) at
    (``x``, ``y``), its label beside it."""

    label: str
    pattern: str
    x: float
    y: float


@dataclass(frozen=True)
class Segment:
    """A series' piece of a bar, in viewBox units (``x`` from the chart's left edge)."""

    series: Series
    value: float
    x: float
    width: float


@dataclass(frozen=True)
class Bar:
    """A laid-out bar: ``label_lines`` start at ``label_y`` (text baselines, LINE apart, from
    x 0), the bar at (``x``, ``y``) with total length ``length``; ``value_text`` is written at ``value_x``;
    ``parts_lines`` (charts with series: each part as "label value") on the lines below the
    bar, from ``parts_y``; ``target_x`` is the marker's position or None."""

    row: Row
    value: float
    label_lines: tuple[str, ...]
    label_y: float
    x: float
    y: float
    length: float
    value_text: str
    value_x: float
    segments: tuple[Segment, ...]
    parts_lines: tuple[str, ...]
    parts_y: float
    target_x: float | None


@dataclass(frozen=True)
class BarChart:
    """A chart ready to draw: ``id`` is unique on the page (it prefixes the SVG's ids)."""

    id: str
    title: str
    description: str
    label_heading: str
    value_heading: str
    target_heading: str
    bars: tuple[Bar, ...]
    series: tuple[Series, ...]
    max_value: float
    width: int
    height: float
    bar_height: int
    legend: tuple[LegendItem, ...]
    stacked: bool
    value_format: Callable[[float], str] = field(repr=False, compare=False, default=str)

    @property
    def summary(self) -> str:
        """Every bar as text ("label: value"), for the SVG's description."""
        return "; ".join(f"{bar.row.label}: {bar.value_text}" for bar in self.bars)

    def table(self) -> tuple[list[str], list[list[str]]]:
        """The chart's numbers as a table: a header and one row of strings per bar (label,
        each series' value, the total, and the target when any bar has one)."""
        has_target = any(bar.row.target is not None for bar in self.bars)
        header = [self.label_heading, *(s.label for s in self.series), self.value_heading]
        if has_target:
            header.append(self.target_heading)
        rows = []
        for bar in self.bars:
            parts = [self.value_format((bar.row.parts or {}).get(s.key, 0)) for s in self.series]
            row = [bar.row.label, *parts, self.value_format(bar.value)]
            if has_target:
                row.append("" if bar.row.target is None else self.value_format(bar.row.target))
            rows.append(row)
        return header, rows


def wrap(text: str, chars: int = LABEL_CHARS) -> tuple[str, ...]:
    """``text`` in lines of at most ``chars`` characters, broken between words (a longer word
    stands on a line of its own)."""
    lines: list[str] = []
    for word in text.split():
        if lines and len(lines[-1]) + 1 + len(word) <= chars:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return tuple(lines) or ("",)


def _series_with_patterns(series: Sequence[Series]) -> tuple[Series, ...]:
    named = []
    for index, one in enumerate(series):
        pattern = one.pattern or PATTERNS[index % len(PATTERNS)]
        if pattern not in PATTERNS:
            raise ValueError(f"unknown pattern {pattern!r}; use one of {PATTERNS}")
        named.append(Series(one.key, one.label, pattern))
    return tuple(named)


def _legend(series: Sequence[Series], target_label: str) -> tuple[LegendItem, ...]:
    """The legend's entries, left to right, wrapping onto a new line when one is full."""
    entries = [(s.label, s.pattern) for s in series] + ([(target_label, "target")] if target_label else [])
    items, x, y = [], 0.0, 0.0
    for label, pattern in entries:
        width = 18 + len(label) * CHAR_WIDTH + 12  # swatch, text, space
        if x and x + width > WIDTH:
            x, y = 0.0, y + LINE
        items.append(LegendItem(label, pattern, x, y))
        x += width
    return tuple(items)


def _row_value(row: Row, series: Sequence[Series]) -> float:
    if row.total is not None:
        return row.total
    if series and row.parts is not None:
        return sum(row.parts.get(s.key, 0) for s in series)
    return row.value


def bar_chart(chart_id: str, title: str, rows: Sequence[Row], *, description: str = "",
              label_heading: str = "", value_heading: str = "", target_heading: str = "",
              series: Sequence[Series] = (), stack: bool = True, max_value: float | None = None,
              value_format: Callable[[float], str] = str) -> BarChart:
    """Lay out ``rows`` as horizontal bars in the given order: short labels (at most
    ``INLINE_CHARS``, and no series) left of their bars, longer ones on lines above them.

    ``max_value`` fixes the scale (e.g. 100 for percentages); by default the largest value or
    target. ``value_format`` writes a number (pass a locale-aware one; ``"{} %".format`` for
    shares). The headings name the data table's columns. A chart with ``series`` draws each
    bar as stacked segments in the series' order and writes each part under the bar; with
    ``stack=False`` (too many series for patterns to tell apart) each bar is one solid bar and
    only its non-zero parts are written under it. The table always has a column per series.
    """
    series = _series_with_patterns(series)
    values = [_row_value(row, series) for row in rows]
    scale_max = max_value if max_value is not None else max(
        [*values, *(row.target for row in rows if row.target is not None), 0])
    inline = not series and all(len(row.label) <= INLINE_CHARS for row in rows)
    bar_x = round(max((len(row.label) for row in rows), default=0) * CHAR_WIDTH + 8, 1) if inline else 0.0
    span = WIDTH - bar_x - VALUE_SPACE
    scale = span / scale_max if scale_max > 0 else 0.0
    has_target = any(row.target is not None for row in rows)
    legend = _legend(series if stack else (), (target_heading or "target") if has_target else "")
    y = (legend[-1].y + LINE + 6) if legend else 0.0
    bars = []
    for row, value in zip(rows, values):
        lines = (row.label,) if inline else wrap(row.label)
        label_y = y + FONT
        bar_y = y + 1 if inline else y + LINE * len(lines) + 2
        length = min(value, scale_max) * scale if scale_max > 0 else 0.0
        segments, x = [], bar_x
        for one in series:
            part = (row.parts or {}).get(one.key, 0)
            width = min(part * scale, max(bar_x + span - x, 0))
            segments.append(Segment(one, part, x, width))
            x += width
        parts = [f"{s.label} {value_format((row.parts or {}).get(s.key, 0))}" for s in series
                 if stack or (row.parts or {}).get(s.key, 0)]
        parts_lines = wrap(" · ".join(parts), LABEL_CHARS + 4) if parts else ()
        target_x = None if row.target is None else bar_x + min(row.target, scale_max) * scale
        bars.append(Bar(row, value, lines, label_y, bar_x, bar_y, length, value_format(value),
                        max(bar_x + length, target_x or 0) + 6, tuple(segments) if stack else (), parts_lines,
                        bar_y + BAR + FONT, target_x))
        y = bar_y + BAR + LINE * len(parts_lines) + (GAP - 4 if inline else GAP)
    return BarChart(chart_id, title, description, label_heading, value_heading, target_heading,
                    tuple(bars), series, scale_max, WIDTH, max(y, LINE), BAR, legend, bool(series) and stack,
                    value_format)
