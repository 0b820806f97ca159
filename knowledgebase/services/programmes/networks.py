"""Networks a programme started: when, in which county, their member organisations per
municipality, and the directory's own entry for each network."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload, selectinload

from knowledgebase import models as m
from knowledgebase.extensions import db

MAX_MEMBERS = 500


class NetworkError(ValueError):
    """A network that cannot be saved; ``field`` names the form field it is about."""

    def __init__(self, field: str, message: object) -> None:
        super().__init__(str(message))
        self.field = field
        self.message = message


@dataclass
class NetworkValues:
    name: str
    started_on: date
    county_code: str
    entry_slug: str
    # One member a line: "<municipality name or code>: <organisation>".
    members: str


def directory_networks() -> list[m.Network]:
    """The directory's published network entries, to link a started network to."""
    return list(db.session.scalars(select(m.Network).where(m.Network.status == m.PUBLISHED).order_by(m.Network.title_sv)))


def parse_members(text: str, county_code: str) -> list[tuple[str, str]]:
    """The member lines as (municipality code, organisation); each municipality must be in
    ``county_code``. Raise ``NetworkError`` naming the first bad line."""
    places = {}
    for row in db.session.scalars(select(m.Municipality).where(m.Municipality.county_code == county_code)):
        places[row.code] = row.code
        places[row.name.casefold()] = row.code
    members, seen = [], set()
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        place, sep, organisation = line.partition(":")
        code = places.get(place.strip().casefold())
        if not sep or not organisation.strip() or code is None:
            raise NetworkError("members", _l("Line %(line)d: write a municipality of the county, a colon and the "
                                             "organisation, e.g. “Kalmar: Fiktiva föreningen”.", line=number))
        key = (code, organisation.strip()[:300].casefold())
        if key not in seen:
            seen.add(key)
            members.append((code, organisation.strip()[:300]))
    if len(members) > MAX_MEMBERS:
        raise NetworkError("members", _l("At most %(max)d members.", max=MAX_MEMBERS))
    return members


def save_network(programme: m.Programme, values: NetworkValues,
                 network: m.StartedNetwork | None = None) -> m.StartedNetwork:
    """Check ``values`` and create (or update) the network; raise ``NetworkError``. Flushes."""
    if values.county_code not in programme.counties:
        raise NetworkError("county_code", _l("Choose one of the programme's counties."))
    entry_id = None
    if values.entry_slug:
        entry_id = db.session.scalar(select(m.Network.id).where(m.Network.slug == values.entry_slug))
        if entry_id is None:
            raise NetworkError("entry_slug", _l("Choose a network entry from the list."))
    members = parse_members(values.members, values.county_code)
    if network is None:
        network = m.StartedNetwork(programme=programme)
        db.session.add(network)
    network.name, network.started_on, network.county_code = values.name, values.started_on, values.county_code
    network.entry_id = entry_id
    network.members = [m.NetworkMember(municipality_code=code, organisation=name) for code, name in members]
    db.session.flush()
    return network


def values_of(network: m.StartedNetwork) -> NetworkValues:
    """A network's values, to fill the form."""
    lines = "\n".join(f"{member.municipality.name}: {member.organisation}" for member in network.members)
    return NetworkValues(network.name, network.started_on, network.county_code,
                         network.entry.slug if network.entry else "", lines)


def for_programme(programme: m.Programme) -> list[m.StartedNetwork]:
    """A programme's networks, the latest first, with their members and directory entries."""
    return list(db.session.scalars(
        select(m.StartedNetwork).where(m.StartedNetwork.programme_id == programme.id)
        .options(joinedload(m.StartedNetwork.county), joinedload(m.StartedNetwork.entry),
                 selectinload(m.StartedNetwork.members).joinedload(m.NetworkMember.municipality))
        .order_by(m.StartedNetwork.started_on.desc(), m.StartedNetwork.id)))


def networks_per_county(programme: m.Programme) -> dict[str, int]:
    """How many networks the programme started in each county."""
    return dict(db.session.execute(
        select(m.StartedNetwork.county_code, func.count(m.StartedNetwork.id))
        .where(m.StartedNetwork.programme_id == programme.id).group_by(m.StartedNetwork.county_code)).all())


def organisations_per_municipality(programme: m.Programme) -> dict[str, int]:
    """How many organisations take part in the programme's new networks, per municipality
    (an organisation in two of them counts once)."""
    rows = db.session.execute(
        select(m.NetworkMember.municipality_code, func.count(func.distinct(func.lower(m.NetworkMember.organisation))))
        .join(m.StartedNetwork).where(m.StartedNetwork.programme_id == programme.id)
        .group_by(m.NetworkMember.municipality_code)).all()
    return dict(rows)
