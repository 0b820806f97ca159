"""Progress against a programme's targets: for each target the count so far, the split by
gender beside the target's split, by county and by sector, as charts (knowledgebase.charts)
with a table of the same numbers; and the same per activity for advisers.

Participants are counted per activity that was held: the head counts plus those registered
who came (a person at two activities counts twice, as attendances; names are erased after the
retention period, so people cannot be told apart later). In public views no group of people
smaller than ``MIN_GROUP`` is shown: such a number is written "fewer than 5", and a number
that would give one away (a split's total minus the rest) "not shown" (``Suppressed``).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from flask_babel import format_decimal
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from knowledgebase import charts
from knowledgebase import models as m
from knowledgebase.extensions import db
from knowledgebase.models.programmes import ACTIVITY_KINDS, COUNT_GENDERS, SECTORS
from knowledgebase.services.programmes import networks
from knowledgebase.services.programmes.activities import as_local
from knowledgebase.services.programmes.labels import COUNT_GENDER_LABELS, KIND_LABELS, METRIC_LABELS, SECTOR_LABELS
from knowledgebase.services.programmes.registrations import participant_counts

MIN_GROUP = 5
# Which activities count toward each participant target.
METRIC_KINDS = {
    "participants_competence": set(ACTIVITY_KINDS),
    "participants_training": {"course"},
    "participants_study_trip": {"study_trip"},
}
GENDER_PATTERNS = {"woman": "solid", "man": "hatch", "other": "dots"}
ONLINE = "online"


class Suppressed(float):
    """A count of people not shown in public: drawn as nothing, and written "fewer than 5"
    when it is a group of 1 to MIN_GROUP - 1 (``small``), else "not shown" (hidden because it
    would give a small group away). A float, so that the chart code lays it out as 0."""

    small: bool

    def __new__(cls, small: bool = True) -> Suppressed:
        value = super().__new__(cls, 0.0)
        value.small = small
        return value


def gender_series() -> tuple[charts.Series, ...]:
    """Women, men and the rest as chart series, named in the current language."""
    return tuple(charts.Series(g, str(COUNT_GENDER_LABELS[g]), GENDER_PATTERNS[g]) for g in COUNT_GENDERS)


def is_suppressed(value: object) -> bool:
    return isinstance(value, Suppressed)


def safe(value: int) -> float:
    """``value``, or ``Suppressed`` when it is a group of 1 to 4 people."""
    return Suppressed() if 0 < value < MIN_GROUP else value


def safe_split(values: dict[str, int]) -> dict[str, float]:
    """A split shown beside its total, with no group of 1 to 4 people to be read from it: the
    small groups are suppressed, and while the suppressed ones add up to 1 to 4 (which the
    total minus the shown ones would give away) the smallest shown one is suppressed too."""
    shown: dict[str, float] = {key: safe(value) for key, value in values.items()}
    while True:
        hidden = sum(values[key] for key, value in shown.items() if is_suppressed(value))
        left = sorted((key for key, value in shown.items() if not is_suppressed(value)), key=lambda key: values[key])
        if not 0 < hidden < MIN_GROUP or not left:
            return shown
        shown[left[0]] = Suppressed(small=values[left[0]] < MIN_GROUP)


def number_format(public: bool) -> Callable[[float], str]:
    """How counts are written: in the locale, a suppressed one as "fewer than 5"."""
    def write(value: float) -> str:
        if is_suppressed(value):
            return str(_l("fewer than %(num)d", num=MIN_GROUP) if value.small else _l("not shown"))
        return format_decimal(int(value)) if float(value).is_integer() else format_decimal(value)
    return write


# -- counting ------------------------------------------------------------------------------

@dataclass
class ActivityCount:
    """One held activity and who took part, per (sector, gender group)."""

    activity: m.Activity
    counts: Counter

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def by_gender(self) -> dict[str, int]:
        return {g: sum(n for (s, gg), n in self.counts.items() if gg == g) for g in COUNT_GENDERS}

    @property
    def county_code(self) -> str:
        return self.activity.municipality.county_code if self.activity.municipality else ONLINE


def held_activities(programme: m.Programme) -> list[ActivityCount]:
    """The programme's held activities with their counts (three queries, whatever their number)."""
    query = (select(m.Activity).where(m.Activity.programme_id == programme.id, m.Activity.status == "held")
             .options(joinedload(m.Activity.municipality), selectinload(m.Activity.head_counts),
                      selectinload(m.Activity.registrations))
             .order_by(m.Activity.starts_at, m.Activity.id))
    return [ActivityCount(activity, participant_counts(activity)) for activity in db.session.scalars(query)]


@dataclass
class TargetView:
    """One target (or a group of county targets of one metric) as shown on the page."""

    metric: str
    label: str
    headline: str
    charts: list[charts.BarChart] = field(default_factory=list)
    note: str = ""


def _county_names() -> dict[str, str]:
    names = {c.code: c.name for c in db.session.scalars(select(m.County))}
    names[ONLINE] = str(_l("Online"))
    return names


def _participants_view(target: m.ProgrammeTarget, counted: list[ActivityCount], public: bool,
                       write: Callable[[float], str], index: int) -> TargetView:
    kinds = METRIC_KINDS[target.metric]
    mine = [a for a in counted if a.activity.kind in kinds]
    totals: Counter = Counter()
    for one in mine:
        totals.update(one.counts)
    total = sum(totals.values())
    by_gender = {g: sum(n for (s, gg), n in totals.items() if gg == g) for g in COUNT_GENDERS}
    label = str(METRIC_LABELS[target.metric])
    shown_total = safe(total) if public else total
    headline = str(_l("%(count)s of %(target)s", count=write(shown_total), target=write(target.number)))
    view = TargetView(target.metric, label, headline)
    split = safe_split(by_gender) if public else by_gender
    so_far = charts.Row(str(_l("So far")), parts=split, target=target.number, total=shown_total)
    rows = [so_far]
    if target.women is not None:
        rows.append(charts.Row(str(_l("Target")), parts={"woman": target.women, "man": target.men, "other": 0}))
    if public and is_suppressed(shown_total):
        rows = rows[1:]
        view.note = str(_l("Fewer than %(num)d people so far: the split is not shown.", num=MIN_GROUP))
    view.charts.append(charts.bar_chart(
        f"t{index}-gender", str(_l("%(target)s: by gender, against the target", target=label)), rows,
        description=str(_l("Women, men and another or not stated, so far and in the target.")),
        label_heading=str(_l("Count")), value_heading=str(_l("Total")), target_heading=str(_l("Target")),
        series=gender_series(), value_format=write))
    names = _county_names()
    by_county: Counter = Counter()
    for one in mine:
        by_county[one.county_code] += one.total
    county_values = safe_split(dict(by_county)) if public else dict(by_county)
    county_rows = [charts.Row(names.get(code, code), county_values[code]) for code in sorted(by_county)]
    view.charts.append(charts.bar_chart(
        f"t{index}-county", str(_l("%(target)s: by county", target=label)), county_rows,
        label_heading=str(_l("County")), value_heading=str(_l("Participants")), value_format=write))
    by_sector = {s: sum(n for (ss, g), n in totals.items() if ss == s) for s in SECTORS}
    sector_values = safe_split(by_sector) if public else by_sector
    view.charts.append(charts.bar_chart(
        f"t{index}-sector", str(_l("%(target)s: by sector", target=label)),
        [charts.Row(str(SECTOR_LABELS[s]), sector_values[s]) for s in SECTORS],
        label_heading=str(_l("Sector")), value_heading=str(_l("Participants")), value_format=write))
    return view


def _networks_view(targets: list[m.ProgrammeTarget], programme: m.Programme, write, index: int) -> TargetView:
    per_county = networks.networks_per_county(programme)
    names = _county_names()
    codes = sorted({t.county_code for t in targets if t.county_code} | set(per_county))
    wanted = {t.county_code: t.number for t in targets}
    rows = [charts.Row(names.get(code, code), per_county.get(code, 0), target=wanted.get(code)) for code in codes]
    done, goal = sum(per_county.values()), sum(t.number for t in targets)
    label = str(METRIC_LABELS["networks_started"])
    view = TargetView("networks_started", label, str(_l("%(count)s of %(target)s", count=write(done), target=write(goal))))
    view.charts.append(charts.bar_chart(
        f"t{index}-networks", str(_l("%(target)s: by county, against the target", target=label)), rows,
        label_heading=str(_l("County")), value_heading=str(_l("Started")), target_heading=str(_l("Target")),
        value_format=write))
    return view


def _organisations_view(target: m.ProgrammeTarget, programme: m.Programme, write, index: int) -> TargetView:
    per_place = networks.organisations_per_municipality(programme)
    places = {mu.code: mu.name for mu in db.session.scalars(
        select(m.Municipality).where(m.Municipality.county_code.in_(programme.counties)))}
    reached = sum(1 for n in per_place.values() if n >= target.number)
    label = str(METRIC_LABELS["network_organisations"])
    headline = str(_l("%(reached)s of %(places)s municipalities have %(target)s or more",
                      reached=write(reached), places=write(len(places)), target=write(target.number)))
    view = TargetView("network_organisations", label, headline)
    rows = [charts.Row(places.get(code, code), n, target=target.number)
            for code, n in sorted(per_place.items(), key=lambda item: places.get(item[0], item[0]))]
    if not rows:
        view.note = str(_l("No network has members yet."))
        return view
    view.charts.append(charts.bar_chart(
        f"t{index}-organisations", str(_l("%(target)s: per municipality", target=label)), rows,
        label_heading=str(_l("Municipality")), value_heading=str(_l("Organisations")),
        target_heading=str(_l("Target")), value_format=write))
    return view


def progress(programme: m.Programme, *, public: bool) -> list[TargetView]:
    """Every target of ``programme`` with its progress, in the targets' order (the county
    targets of one metric together). ``public`` hides groups smaller than ``MIN_GROUP``."""
    write = number_format(public)
    counted = held_activities(programme)
    views: list[TargetView] = []
    done_networks = False
    for index, target in enumerate(programme.targets):
        if target.metric == "networks_started":
            if not done_networks:
                group = [t for t in programme.targets if t.metric == "networks_started"]
                views.append(_networks_view(group, programme, write, index))
                done_networks = True
        elif target.metric == "network_organisations":
            views.append(_organisations_view(target, programme, write, index))
        else:
            views.append(_participants_view(target, counted, public, write, index))
    return views


# -- per activity (advisers) and the funder's export ------------------------------------------

EXPORT_COUNT_COLUMNS = [(s, g) for s in SECTORS for g in COUNT_GENDERS]


def activity_rows(programme: m.Programme) -> tuple[list[str], list[list]]:
    """One row per held activity with its counts (for advisers and the funder's report):
    the header and the rows (numbers as numbers)."""
    header = [str(_l("Activity")), str(_l("Kind")), str(_l("Date")), str(_l("County")), str(_l("Municipality")),
              str(_l("Theme")), str(_l("Competence package")),
              *(f"{SECTOR_LABELS[s]}: {COUNT_GENDER_LABELS[g]}" for s, g in EXPORT_COUNT_COLUMNS),
              *(str(COUNT_GENDER_LABELS[g]) for g in COUNT_GENDERS), str(_l("Total"))]
    names = _county_names()
    rows = []
    for one in held_activities(programme):
        a = one.activity
        genders = one.by_gender()
        rows.append([a.title_sv, str(KIND_LABELS[a.kind]), as_local(a.starts_at).date().isoformat(),
                     names.get(one.county_code, ""), a.municipality.name if a.municipality else "",
                     a.theme_number or "", a.package_code or "",
                     *(one.counts.get(key, 0) for key in EXPORT_COUNT_COLUMNS),
                     *(genders[g] for g in COUNT_GENDERS), one.total])
    return header, rows


def activity_chart(activity: m.Activity) -> charts.BarChart:
    """Who took part in one activity, per sector split by gender (for advisers: every number)."""
    counts = participant_counts(activity)
    rows = [charts.Row(str(SECTOR_LABELS[s]), parts={g: counts.get((s, g), 0) for g in COUNT_GENDERS})
            for s in SECTORS]
    return charts.bar_chart(
        f"activity-{activity.id}", str(_l("Who took part, by sector and gender")), rows,
        label_heading=str(_l("Sector")), value_heading=str(_l("Total")), series=gender_series(),
        value_format=number_format(public=False))
