"""Activities: checked and saved from the adviser's form, and the upcoming ones found for the
calendar, its feeds and the theme, package and municipality pages."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timezone
from zoneinfo import ZoneInfo

from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, select
from sqlalchemy.orm import joinedload

from knowledgebase import inputs
from knowledgebase import models as m
from knowledgebase.extensions import db
from knowledgebase.models.programmes import ACTIVITY_KINDS, ACTIVITY_STATUSES, ARRANGEMENTS

# Activities take place in Sweden: entered and shown in Swedish time, stored in UTC.
LOCAL = ZoneInfo("Europe/Stockholm")
MAX_UPCOMING = 200


class ActivityError(ValueError):
    """An activity that cannot be saved; ``field`` names the form field it is about."""

    def __init__(self, field: str, message: object) -> None:
        super().__init__(str(message))
        self.field = field
        self.message = message


def local_to_utc(day: date, at: time) -> datetime:
    """A Swedish date and time as a UTC moment (daylight saving time as it applies on ``day``)."""
    return datetime.combine(day, at, tzinfo=LOCAL).astimezone(timezone.utc)


def as_local(moment: datetime) -> datetime:
    """A stored moment in Swedish time (SQLite hands back naive UTC values)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(LOCAL)


@dataclass
class ActivityValues:
    """What the adviser's form gives, before it is checked."""

    kind: str
    status: str
    title_sv: str
    title_en: str
    description_sv: str
    description_en: str
    theme_number: int | None
    package_code: str | None
    day: date
    starts: time
    ends: time
    municipality_code: str | None
    address: str
    online: bool
    organiser: str
    arrangements: list[str]
    capacity: int | None
    registration: bool


def save_activity(programme: m.Programme, values: ActivityValues, activity: m.Activity | None = None) -> m.Activity:
    """Check ``values`` and create (or update) the activity; raise ``ActivityError``. Flushes."""
    if values.kind not in ACTIVITY_KINDS or values.status not in ACTIVITY_STATUSES:
        raise ActivityError("kind", _l("Choose a kind and a status from the lists."))
    if values.theme_number is not None and values.theme_number not in programme.themes:
        raise ActivityError("theme_number", _l("The programme does not cover this theme."))
    if values.package_code:
        package = db.session.get(m.CompetencePackage, values.package_code)
        if package is None or package.theme_number != values.theme_number:
            raise ActivityError("package_code", _l("Choose a competence package of the activity's theme."))
    if values.ends <= values.starts:
        raise ActivityError("ends", _l("The activity ends after it starts."))
    if values.municipality_code:
        place = db.session.get(m.Municipality, values.municipality_code)
        if place is None or place.county_code not in programme.counties:
            raise ActivityError("municipality_code", _l("Choose a municipality in one of the programme's counties."))
    elif not values.online:
        raise ActivityError("municipality_code", _l("Give the municipality, or say that the activity is online."))
    if set(values.arrangements) - set(ARRANGEMENTS):
        raise ActivityError("arrangements", _l("Choose arrangements from the list."))
    if activity is None:
        activity = m.Activity(programme=programme)
        db.session.add(activity)
    for name in ("kind", "status", "title_sv", "title_en", "description_sv", "description_en", "theme_number",
                 "address", "online", "organiser", "capacity", "registration"):
        setattr(activity, name, getattr(values, name))
    activity.package_code = values.package_code or None
    activity.municipality_code = values.municipality_code or None
    activity.arrangements = [a for a in ARRANGEMENTS if a in values.arrangements]
    activity.starts_at = local_to_utc(values.day, values.starts)
    activity.ends_at = local_to_utc(values.day, values.ends)
    db.session.flush()
    return activity


def values_of(activity: m.Activity) -> ActivityValues:
    """An activity's values, to fill the form."""
    start, end = as_local(activity.starts_at), as_local(activity.ends_at)
    return ActivityValues(
        activity.kind, activity.status, activity.title_sv, activity.title_en, activity.description_sv,
        activity.description_en, activity.theme_number, activity.package_code, start.date(),
        start.time().replace(tzinfo=None), end.time().replace(tzinfo=None), activity.municipality_code,
        activity.address, activity.online, activity.organiser, list(activity.arrangements), activity.capacity,
        activity.registration)


def for_programme(programme: m.Programme) -> list[m.Activity]:
    """A programme's activities, the latest first, with their places (one query)."""
    return list(db.session.scalars(select(m.Activity).where(m.Activity.programme_id == programme.id)
                                   .options(joinedload(m.Activity.municipality))
                                   .order_by(m.Activity.starts_at.desc())))


def get(activity_id: int) -> m.Activity | None:
    """One activity with its programme and place."""
    return db.session.scalars(select(m.Activity).where(m.Activity.id == activity_id).options(
        joinedload(m.Activity.programme), joinedload(m.Activity.municipality))).first()


# -- the calendar ---------------------------------------------------------------------------

@dataclass(frozen=True)
class CalendarFilters:
    """The calendar's filters; empty values filter nothing."""

    county: str = ""
    theme: int | None = None
    kind: str = ""
    package: str = ""
    municipality: str = ""

    def args(self) -> dict[str, str]:
        """The filters as query arguments (for links to the feed)."""
        found = {"county": self.county, "theme": str(self.theme or ""), "kind": self.kind}
        return {key: value for key, value in found.items() if value}


def parse_filters(args: Mapping[str, str]) -> CalendarFilters:
    """The calendar filters of a query string; raise ``inputs.BadInput`` (or ``BadFilter``)."""
    county = (args.get("county") or "").strip()
    if county and (not inputs.COUNTY_CODE.match(county) or db.session.get(m.County, county) is None):
        raise inputs.BadFilter("county", county)
    theme_raw = (args.get("theme") or "").strip()
    theme = inputs.whole_number(theme_raw, "theme", minimum=1, maximum=3) if theme_raw else None
    kind = inputs.choice(args.get("kind"), ACTIVITY_KINDS, "kind", "")
    return CalendarFilters(county=county, theme=theme, kind=kind)


def _upcoming_query(filters: CalendarFilters, now: datetime) -> Select:
    query = (select(m.Activity).where(m.Activity.starts_at >= now, m.Activity.status != "cancelled")
             .options(joinedload(m.Activity.municipality)).order_by(m.Activity.starts_at, m.Activity.id))
    if filters.county:
        query = query.where(m.Activity.municipality.has(m.Municipality.county_code == filters.county))
    if filters.municipality:
        query = query.where(m.Activity.municipality_code == filters.municipality)
    if filters.theme:
        query = query.where(m.Activity.theme_number == filters.theme)
    if filters.package:
        query = query.where(m.Activity.package_code == filters.package)
    if filters.kind:
        query = query.where(m.Activity.kind == filters.kind)
    return query


def upcoming(filters: CalendarFilters, now: datetime, limit: int = MAX_UPCOMING) -> list[m.Activity]:
    """The planned activities from ``now`` on that match ``filters``, the soonest first, with
    their places: one query."""
    return list(db.session.scalars(_upcoming_query(filters, now).limit(limit)))
