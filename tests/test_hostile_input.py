"""Hostile input on every route: no value in a path, a query string or a form ever gives a 5xx.

The routes come from ``app.url_map``, so a new route is covered without anyone listing it.
The query and form parameters each route reads are found by asking it: the app runs with a
request class whose argument dictionaries note every key looked up, so a view that reads a
parameter by hand (and forgets ``knowledgebase.inputs``) gets that parameter fuzzed too.
Runs on SQLite, and on PostgreSQL when ``KB_TEST_DATABASE_URL`` is set (as in CI).
"""

from __future__ import annotations

import re
import time
from urllib.parse import quote

import pytest
from flask import Request
from sqlalchemy import select
from werkzeug.datastructures import ImmutableMultiDict

from knowledgebase import models as m
from knowledgebase.extensions import db
from knowledgebase.models.base import now_utc
from knowledgebase.services.procurement import shortlist_share
from knowledgebase.services.transfer import hsds
from knowledgebase.services.upkeep import claims
from tests.apps import close_app, make_app
from tests.curation_support import add_user, login
from tests.programme_support import SEEDED, add_activity

# Values that broke, or could break, hand-written parsing: Unicode digits, numbers past any
# integer column, NUL and other control characters, redirect tricks, very long text.
HOSTILE = (
    "²", "١٢", "１", "99999999999999999999", "2147483648", "-1", "0", "1.5", "+1",
    "\x00", "a\x00b", "\n", "\r\nX-Injected: 1", "/\t/evil.example", "//evil.example",
    "https://evil.example/", "/\\evil.example", "'\"><script>x</script>", "../../etc/passwd",
    "\u202e", " ", "x" * 3000,
)
# The few that matter most, tried one parameter at a time (the rest are tried on all at once).
SHARPEST = ("²", "99999999999999999999", "\x00", "/\t/evil.example")
# A route whose plain answer takes longer than this (a whole export) is sent fewer values.
SLOW_SECONDS = 0.25
# In a path part (a slash would make another route, tried on its own).
PATH_VALUES = ("²", "99999999999999999999", "2147483648", "-1", "\x00", "a\x00b", "\n", "\u202e",
               "'\"><script>x</script>", "x" * 3000)
# Names that url_for and Flask treat specially, and names many views read.
RESERVED = ("_anchor", "_scheme", "_method", "_external", "endpoint", "lang", "values")
COMMON = ("page", "per_page", "q", "sort", "theme", "next", "type", "status", "limit")
# Raw query strings: bytes that are not UTF-8, repeated keys, a key without a value.
RAW_QUERIES = ("page=%ff%fe", "page=1&page=%C2%B2", "page", "=x", "q=%00&q=1", "theme=1&theme=%EF%BC%91")


class RecordingArgs(ImmutableMultiDict):
    """Query or form arguments that note every key a view looks up."""

    seen: set[str] = set()

    def __getitem__(self, key):
        RecordingArgs.seen.add(key)
        return super().__getitem__(key)

    def get(self, key, default=None, type=None):  # noqa: A002 - werkzeug's signature
        RecordingArgs.seen.add(key)
        return super().get(key, default, type)

    def getlist(self, key, type=None):  # noqa: A002
        RecordingArgs.seen.add(key)
        return super().getlist(key, type)

    def __contains__(self, key):
        RecordingArgs.seen.add(key)
        return super().__contains__(key)


class RecordingRequest(Request):
    parameter_storage_class = RecordingArgs


@pytest.fixture(scope="module")
def hostile_app(tmp_path_factory):
    app = make_app(tmp_path_factory.mktemp("hostile"), seeded=True, WTF_CSRF_ENABLED=False,
                   MAIL_SERVER="127.0.0.1", MAIL_PORT=9, MAIL_TIMEOUT=1)
    app.request_class = RecordingRequest
    add_user(app, "admin", "fiktiv-admin@exempel.se")
    add_activity(app)
    with app.app_context():
        # A request to manage an enterprise (claim 1), so that its routes meet a real row.
        enterprise = db.session.scalars(select(m.Enterprise).where(m.Enterprise.status == m.PUBLISHED)).first()
        claims.create_claim(enterprise, "Fiktiv Person", "fiktiv.ansvarig@exempel.se", "", "", "sv", now_utc())
        db.session.commit()
    yield app
    close_app(app)


def _samples(app) -> dict[str, str]:
    """Valid values for path arguments, taken from the seeded database."""
    with app.app_context():
        entry = db.session.scalars(select(m.Entry).where(m.Entry.status == m.PUBLISHED)).first()
        county = db.session.scalars(select(m.County.code)).first()
        municipality = db.session.scalars(select(m.Municipality.code)).first()
        enterprise = db.session.scalars(select(m.Enterprise.slug).where(m.Enterprise.status == m.PUBLISHED)).first()
        return {"lang": "sv", "entry_id": str(entry.id), "code": municipality, "county": county,
                "number": "1", "package": "1", "filename": "css/site.css",
                # A valid shared-shortlist link (other token routes just find it unknown).
                "token": shortlist_share.make_token([enterprise], app.config["SECRET_KEY"]),
                "org_id": hsds.record_id("organization", enterprise),
                "service_id": hsds.record_id("service", *hsds.service_keys()[0]),
                "kind": "alert", "row_id": "1", "revision_id": "1", "suggestion_id": "1",
                "request_id": "1", "user_id": "1", "type_key": "enterprise", "key": "enterprises-per-county",
                "need_id": "1", "job_id": "1", "activity_id": "1", "registration_id": "1", "network_id": "1",
                "claim_id": "1", "grant_id": "1"}


def _slug_for(app, type_key: str | None) -> str:
    with app.app_context():
        query = select(m.Entry.slug).where(m.Entry.status == m.PUBLISHED)
        if type_key:
            query = query.where(m.Entry.type == type_key)
        return db.session.scalars(query).first() or "fiktiv"


def _path(rule, values: dict[str, str]) -> str:
    return re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", lambda match: quote(values[match.group(1)], safe="/"), rule.rule)


# The walk is cut into parts (whole endpoints each, so that an endpoint's parameters are
# fuzzed once), which can run side by side in pytest-xdist's processes.
PARTS = 4


def _part_of(endpoint: str, endpoints: list[str]) -> int:
    return endpoints.index(endpoint) % PARTS


def _routes(app, part: int):
    """The rules of ``part``; logging out last keeps the admin session for every other route."""
    endpoints = sorted({rule.endpoint for rule in app.url_map.iter_rules()})
    rules = [rule for rule in app.url_map.iter_rules() if _part_of(rule.endpoint, endpoints) == part]
    return sorted(rules, key=lambda rule: (rule.endpoint == "auth.logout", rule.rule))


def _check(client, failures: dict[str, str], method: str, url: str, data: dict | None = None) -> None:
    """Send one request; note a 5xx (or an exception, which is a 500 in production) once per
    route and kind of failure, with the first request that caused it."""
    try:
        response = client.open(url, method=method, data=data)
        problem = str(response.status_code) if response.status_code >= 500 else ""
        response.close()  # static files stay open until closed
    except Exception as exc:  # noqa: BLE001 - any escaping exception is a 500 in production
        problem = f"{type(exc).__name__}: {str(exc)[:160]}"
    if problem:
        key = f"{method} {url.split('?')[0][:80]} {problem}"
        failures.setdefault(key, f"{method} {url[:300]!r} {str(data)[:200]}")


def _fuzz_parameters(client, failures: dict[str, str], method: str, base: str, read: set[str],
                     slow: bool = False) -> None:
    """Every hostile value on all parameters at once (those the route reads, common and
    reserved names), the sharpest on each parameter it reads alone, a reserved name alone,
    and raw query strings. A slow route (a whole export) gets the sharpest values only."""
    names = sorted(read | set(COMMON) | set(RESERVED))
    for value in SHARPEST if slow else HOSTILE:
        if method == "GET":
            _check(client, failures, method, f"{base}?" + "&".join(f"{n}={quote(value)}" for n in names))
        else:
            _check(client, failures, method, base, {n: value for n in names})
    if slow:
        return
    singles = [(name, value) for name in sorted(read) for value in SHARPEST] + [(name, "x") for name in RESERVED]
    for name, value in singles:
        if method == "GET":
            _check(client, failures, method, f"{base}?{name}={quote(value)}")
        else:
            _check(client, failures, method, base, {name: value})
    if method == "GET":
        for raw in RAW_QUERIES:
            _check(client, failures, method, f"{base}?{raw}")


def test_the_parts_cover_every_route(hostile_app):
    walked = [rule for part in range(PARTS) for rule in _routes(hostile_app, part)]
    assert sorted(map(str, walked)) == sorted(map(str, hostile_app.url_map.iter_rules()))


@pytest.mark.parametrize("part", range(PARTS))
def test_no_input_gives_a_server_error_on_any_route(hostile_app, part):
    app = hostile_app
    # Each part from its own address: a part that walks the login form uses up that address's
    # login attempts, which must not lock the next part out.
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = f"127.0.0.{part + 1}"
    assert login(client, "fiktiv-admin@exempel.se").status_code == 302
    samples = _samples(app)
    failures: dict[str, str] = {}
    covered: set[str] = set()
    query_fuzzed: set[tuple[str, str]] = set()
    for rule in _routes(app, part):
        values = {**samples, "slug": _slug_for(app, (rule.defaults or {}).get("type_key"))}
        if "programme" in rule.endpoint or "/programmes/" in rule.rule:
            values["slug"] = SEEDED
        if rule.endpoint.endswith(("municipality",)):
            values["code"] = samples["code"]
        elif rule.endpoint.endswith("county"):
            values["code"] = samples["county"]
        base = _path(rule, values)
        methods = sorted((rule.methods or set()) & {"GET", "POST"})
        for method in methods:
            # What does the route read? Ask it with an empty request.
            RecordingArgs.seen = set()
            started = time.perf_counter()
            _check(client, failures, method, base, {} if method == "POST" else None)
            slow = time.perf_counter() - started > SLOW_SECONDS
            # The same view for another content type reads the same parameters: its path is
            # still tried below.
            if (rule.endpoint, method) not in query_fuzzed:
                query_fuzzed.add((rule.endpoint, method))
                _fuzz_parameters(client, failures, method, base, set(RecordingArgs.seen), slow)
            # Each path argument in turn.
            for argument in rule.arguments - set(rule.defaults or {}):
                for value in PATH_VALUES:
                    _check(client, failures, method, _path(rule, {**values, argument: value}))
        covered.add(rule.endpoint)
    assert not failures, f"{len(failures)} kinds of 5xx:\n" + "\n".join(
        f"{key}\n    {example}" for key, example in list(failures.items())[:60])
    assert covered == {rule.endpoint for rule in _routes(app, part)}
