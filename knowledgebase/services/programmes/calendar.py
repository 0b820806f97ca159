"""The activity calendar as iCalendar (RFC 5545), for calendar programs to subscribe to."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timezone

from icalendar import Calendar, Event

from knowledgebase import models as m
from knowledgebase.services.programmes.activities import as_local
from knowledgebase.services.programmes.labels import ARRANGEMENT_LABELS, KIND_LABELS


def _utc(moment: datetime) -> datetime:
    return as_local(moment).astimezone(timezone.utc)


def ical_feed(activities: list[m.Activity], *, name: str, lang: str, url_of: Callable[[m.Activity], str],
              host: str, now: datetime) -> bytes:
    """The activities as one VCALENDAR: an event each, with its place, its description, the
    accessibility arrangements offered and a link to its page (``url_of``). ``host`` makes
    the events' UIDs unique to this site."""
    calendar = Calendar()
    calendar.add("prodid", "-//Kunskapsbanken for sociala foretag//activities//SV")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", "Europe/Stockholm")
    for activity in activities:
        event = Event()
        event.add("uid", f"activity-{activity.id}@{host}")
        event.add("dtstamp", now.astimezone(timezone.utc))
        event.add("dtstart", _utc(activity.starts_at))
        event.add("dtend", _utc(activity.ends_at))
        event.add("summary", f"{activity.title(lang)} ({KIND_LABELS[activity.kind]})")
        lines = [activity.description(lang)]
        if activity.arrangements:
            lines.append(", ".join(str(ARRANGEMENT_LABELS[a]) for a in activity.arrangements))
        event.add("description", "\n\n".join(line for line in lines if line))
        place = [part for part in (activity.address, activity.municipality.name if activity.municipality else "") if part]
        event.add("location", ", ".join(place) if place else "Online")
        event.add("url", url_of(activity))
        event.add("status", "CANCELLED" if activity.status == "cancelled" else "CONFIRMED")
        calendar.add_component(event)
    return calendar.to_ical()
