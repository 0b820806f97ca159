"""Shared fixtures: apps with a real database (SQLite, or PostgreSQL with
``KB_TEST_DATABASE_URL``) and search index in a temporary folder, a real SMTP server and
real web pages on loopback."""

from __future__ import annotations

import gc
import http.server
import itertools
import os
import shutil
import socket
import tempfile
import threading
import time
import uuid
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from email import message_from_bytes
from email.message import EmailMessage
from email.policy import default as default_policy
from pathlib import Path
from typing import Any, Callable

import pytest
from aiosmtpd.controller import Controller
from jinja2.bccache import Bucket, BytecodeCache
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError
from werkzeug.routing import Rule

from knowledgebase import create_app
from knowledgebase.content_types import BY_KEY
from knowledgebase.extensions import db
from knowledgebase.search.service import EXTENSION as SEARCH_EXTENSION
from knowledgebase.services.curation import accounts
from knowledgebase.services.transfer.imports import import_path
from knowledgebase.services.content.serialization import Vocabulary, apply_entry_data, apply_entry_links, clean_entry_data

ROOT = Path(__file__).resolve().parent.parent
SEED_DIR = ROOT / "seed_data"


def fresh_database_url() -> str:
    """A new empty database for one app: SQLite in the app's data folder by default, or a new
    PostgreSQL database on the server named by ``KB_TEST_DATABASE_URL``."""
    return _new_postgresql_database() if os.environ.get("KB_TEST_DATABASE_URL") else ""


def _new_postgresql_database(template: str = "") -> str:
    """Create a database on the ``KB_TEST_DATABASE_URL`` server (a copy of ``template`` if
    given, which no one may be connected to) and return its URL."""
    url = make_url(os.environ["KB_TEST_DATABASE_URL"])
    name = f"kbtest_{uuid.uuid4().hex[:12]}"
    copy = f' TEMPLATE "{make_url(template).database}"' if template else ""
    admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"{copy}'))
    admin.dispose()
    _created_databases.append(name)
    return url.set(database=name).render_as_string(hide_password=False)


_created_databases: list[str] = []


def pytest_collection_finish(session) -> None:
    """Python's cycle collector took a fifth of the tests' time: a full collection walks every
    object alive, and the imported app, its libraries and the tests are some 150 000 objects
    that never die. Freeze those (they are left out of collections from now on) and collect
    the youngest generation every 10 000 allocations instead of every 700; the older
    generations keep their ratios, so the apps of finished tests are still freed."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(10_000, 10, 10)


@pytest.fixture(scope="session", autouse=True)
def drop_test_databases():
    """After the run, drop the PostgreSQL databases it created (each is several megabytes;
    a run makes hundreds). One still in use is left behind, not forced."""
    yield
    base = os.environ.get("KB_TEST_DATABASE_URL")
    if not base or not _created_databases:
        return
    admin = create_engine(make_url(base).set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        for name in _created_databases:
            try:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
            except DBAPIError:
                pass
    admin.dispose()


def _shared_builder(original: Callable) -> Callable:
    """Werkzeug compiles two URL-building functions per route from a syntax tree, and each
    test app registers the same ~190 routes. The function depends only on the rule's text,
    parts, defaults and converter types, and takes the rule as its first argument, so the
    apps of a session can share it."""
    built: dict[tuple, Callable] = {}

    def compile_builder(rule: Rule, append_unknown: bool = True) -> Callable:
        key = (rule.rule, tuple(rule._trace), append_unknown,
               tuple(sorted((name, repr(value)) for name, value in (rule.defaults or {}).items())),
               tuple(sorted((name, type(converter)) for name, converter in rule._converters.items())))
        if key not in built:
            built[key] = original(rule, append_unknown)
        return built[key]

    return compile_builder


def _shared_parse(original: Callable) -> Callable:
    """Parsing a rule's text into the parts it matches with depends only on the text and on
    the converter classes; the converters themselves belong to one app's URL map, so a shared
    parse gets copies of them bound to this map."""
    parsed: dict[tuple, tuple] = {}

    def parse_rule(rule: Rule, text: str):
        key = (text, tuple(sorted(rule.map.converters.items())))
        if key not in parsed:
            trace, converters, arguments = len(rule._trace), dict(rule._converters), set(rule.arguments)
            parts = list(original(rule, text))
            parsed[key] = (parts, rule._trace[trace:], {name: converter for name, converter in rule._converters.items()
                                                          if name not in converters},
                           rule.arguments - arguments)
            return iter(parts)
        parts, trace, converters, arguments = parsed[key]
        rule._trace.extend(trace)
        for name, converter in converters.items():
            bound = object.__new__(type(converter))  # copy.copy is slower than the parse
            bound.__dict__.update(converter.__dict__, map=rule.map)
            rule._converters[name] = bound
        rule.arguments.update(arguments)
        return iter(parts)

    return parse_rule


@pytest.fixture(scope="session", autouse=True)
def shared_url_rules():
    """Registering the routes was most of ``create_app``'s time: the apps of a session share
    the work that depends only on the rules (``_shared_builder``, ``_shared_parse``). A
    Werkzeug without these private methods is left alone (the tests are only slower)."""
    patch = pytest.MonkeyPatch()
    for name, share in (("_compile_builder", _shared_builder), ("_parse_rule", _shared_parse)):
        original = getattr(Rule, name, None)
        if original is not None:
            patch.setattr(Rule, name, share(original))
    yield
    patch.undo()


@pytest.fixture(scope="session", autouse=True)
def cheaper_password_hashes():
    """Hash passwords with scrypt at 1/32 of the shipped cost (N=2**10 instead of Werkzeug's
    2**15): still scrypt through the same code, but a login in a test takes milliseconds, not
    a tenth of a second (hundreds of tests log in). The stored hash names its parameters, so
    checking a password is as cheap; test_auth checks the shipped method."""
    patch = pytest.MonkeyPatch()
    patch.setattr(accounts, "HASH_METHOD", TEST_HASH_METHOD)
    accounts._dummy_hash.cache_clear()
    yield
    patch.undo()
    accounts._dummy_hash.cache_clear()


TEST_HASH_METHOD = "scrypt:1024:8:1"
SHIPPED_HASH_METHOD = accounts.HASH_METHOD


# -- apps: copies of a database migrated once per session ---------------------------------
#
# Running every migration and loading the taxonomy takes one to two seconds; a copy of a
# database that has been through it takes milliseconds. So each kind of starting database is
# made once per session by a real first start (migrations, the search index) and copied for
# every app that wants it: a file copy on SQLite, CREATE DATABASE ... TEMPLATE on PostgreSQL.
# An app that must start for real (migrations, seeding, building the index on a first start)
# asks for it with ``fresh=True``.

SCHEMA, TAXONOMY, SEEDED = "schema", "taxonomy", "seeded"
SQLITE_FILE = "knowledgebase.sqlite"
INDEX_DIR = "search-index"
# No watcher or job thread per test app: searches catch up on the change log themselves, and
# tests run queued jobs with services.jobs.work_once. The page cache off: a test that wants it
# turns it on (tests/test_page_cache.py).
TEST_CONFIG = {"TESTING": True, "AUTO_SEED": False, "SEARCH_FOLLOW_SECONDS": 0, "JOBS_IN_PROCESS": False,
               "PAGE_CACHE": False, "SECRET_KEY": "fiktiv-testnyckel-endast-for-tester-Q7w2Zr9Kx4Lm8Np"}


@dataclass(frozen=True)
class StartingDatabase:
    """A database made by a first start, ready to be copied: its data folder (the search
    index, and the SQLite file on SQLite) and its URL ("" for SQLite in the data folder)."""
    data_dir: Path
    url: str


_starting: dict[str, StartingDatabase] = {}
_starting_root: list[Path] = []


@pytest.fixture(scope="session", autouse=True)
def starting_databases(tmp_path_factory):
    """Where the session keeps its starting databases (made on first use)."""
    _starting_root.append(tmp_path_factory.mktemp("starting"))
    yield
    _starting.clear()
    _starting_root.clear()


def starting_database(kind: str) -> StartingDatabase:
    """The session's starting database of ``kind``: SCHEMA (migrated, empty), TAXONOMY
    (migrated, with the taxonomy loaded) or SEEDED (the whole seed, as a first start with
    ``AUTO_SEED`` leaves it), made by a real first start on first use."""
    if kind not in _starting:
        root = _starting_root[0] if _starting_root else Path(tempfile.mkdtemp(prefix="kb-starting-"))
        data_dir = root / kind / "data"
        app = create_app({**TEST_CONFIG, "DATABASE_URL": fresh_database_url(), "DATA_DIR": str(data_dir),
                          "AUTO_SEED": kind == SEEDED})
        with app.app_context():
            if kind == TAXONOMY:
                import_path(SEED_DIR / "taxonomy")
                db.session.commit()
            if db.engine.dialect.name == "sqlite":  # everything into the one file to copy
                db.session.execute(text("PRAGMA wal_checkpoint(TRUNCATE)"))
        url = app.config["DATABASE_URL"]
        close_app(app)
        app.extensions[SEARCH_EXTENSION].close()
        _starting[kind] = StartingDatabase(data_dir, url)
    return _starting[kind]


def copy_starting_database(kind: str, data_dir: Path) -> str:
    """Copy the starting database of ``kind`` and its search index into ``data_dir``;
    returns the copy's database URL ("" for SQLite in ``data_dir``)."""
    start = starting_database(kind)
    data_dir.mkdir(parents=True, exist_ok=True)
    shutil.copytree(start.data_dir / INDEX_DIR, data_dir / INDEX_DIR)
    if start.url:
        return _new_postgresql_database(template=start.url)
    shutil.copyfile(start.data_dir / SQLITE_FILE, data_dir / SQLITE_FILE)
    return ""


class SharedTemplateCode(BytecodeCache):
    """Compiled templates kept for every app of the session: each app has its own Jinja
    environment and would compile every template again. Jinja compares each template's
    source checksum with the stored one, so an edited template is compiled afresh."""

    def __init__(self) -> None:
        self._code: dict[str, bytes] = {}

    def load_bytecode(self, bucket: Bucket) -> None:
        if bucket.key in self._code:
            bucket.bytecode_from_string(self._code[bucket.key])

    def dump_bytecode(self, bucket: Bucket) -> None:
        self._code[bucket.key] = bucket.bytecode_to_string()


_template_code = SharedTemplateCode()


def _test_app(config: dict[str, Any]):
    app = create_app({**TEST_CONFIG, **config})
    app.jinja_env.bytecode_cache = _template_code
    return app


def make_app(path: Path, *, taxonomy: bool = False, seeded: bool = False, fresh: bool = False, **config: Any):
    """An app with its own database and search index under ``path``.

    By default the database is a copy of the session's migrated one (with the taxonomy
    loaded if ``taxonomy``, the whole seed if ``seeded``), and the app starts without
    migrating again. With ``fresh=True``, or a config that names the database
    (``DATABASE_URL``, e.g. a second app on the same database) or seeds it (``AUTO_SEED``),
    the app starts for real: migrations, seeding, building the index."""
    data_dir = path / "data"
    if fresh or "DATABASE_URL" in config or config.get("AUTO_SEED"):
        if taxonomy or seeded:
            raise ValueError("a fresh app starts without the taxonomy or the seed: load them in the test")
        url = config.pop("DATABASE_URL", None)
        url = fresh_database_url() if url is None else url
        return _test_app({"DATABASE_URL": url, "DATA_DIR": str(data_dir), **config})
    url = copy_starting_database(SEEDED if seeded else TAXONOMY if taxonomy else SCHEMA, data_dir)
    return _test_app({"DATABASE_URL": url, "DATA_DIR": str(data_dir), "AUTO_MIGRATE": False, **config})


def make_curation_app(path: Path, **config: Any):
    """An app with the taxonomy loaded; CSRF is off unless ``WTF_CSRF_ENABLED=True``."""
    return make_app(path, taxonomy=True, **{"WTF_CSRF_ENABLED": False, **config})


def close_app(app) -> None:
    """Close the app's database connections (PostgreSQL warns about connections left open)
    and its search index's files (else closed only when the app is garbage-collected)."""
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
    service = app.extensions.get(SEARCH_EXTENSION)
    if service is not None:
        service.close()


@pytest.fixture
def app(tmp_path):
    """An app with the taxonomy loaded and no entries."""
    app = make_app(tmp_path, taxonomy=True)
    yield app
    close_app(app)


@pytest.fixture
def capp(tmp_path):
    """An app with the taxonomy loaded and no entries, CSRF off (for the curation tests,
    which post forms directly)."""
    app = make_curation_app(tmp_path)
    yield app
    close_app(app)


@pytest.fixture
def fresh_app(tmp_path):
    """An app on a new empty database that it migrates itself on start, as on a first start."""
    app = make_app(tmp_path, fresh=True)
    yield app
    close_app(app)


@pytest.fixture
def app_factory(tmp_path):
    """Make further apps, each with its own database (migrated, empty unless
    ``taxonomy=True``): ``app_factory("name", **config)``."""
    made = []

    def factory(name: str, **config: Any):
        made.append(make_app(tmp_path / name, **config))
        return made[-1]

    yield factory
    for app in made:
        close_app(app)


@pytest.fixture(scope="session")
def seeded_app(tmp_path_factory):
    """An app with the whole seed loaded (a copy of the session's SEEDED starting database;
    shared by read-only tests: do not change it)."""
    app = make_app(tmp_path_factory.mktemp("seeded"), seeded=True)
    yield app
    close_app(app)


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def seeded_client(seeded_app):
    return seeded_app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


_counter = itertools.count(1)


def create_entry(app, type_key: str, status: str = "published", **fields: Any) -> int:
    """Create and commit an entry through the import path's own functions; returns its id.
    Values are fictional; any seed-format field may be overridden.

    The commit writes the entry's change-log row but does not index it at once: the next
    search (or ``search.catch_up()``) applies the log, as another node would. An index commit
    per entry was a third of the suite's time; a test that makes twenty entries and then
    searches now pays for one."""
    ct = BY_KEY[type_key]
    number = next(_counter)
    data = {
        "slug": f"fiktiv-{type_key}-{number}",
        "status": status,
        "title": {"sv": f"Fiktiv {type_key} {number}"},
        "summary": {"sv": "Påhittad post för tester."},
        "sources": [{"title": "Testdata (fiktiv)", "url": ""}],
        "last_verified": date(2026, 1, 1),
        **fields,
    }
    with app.app_context():
        clean = clean_entry_data(ct, data, Vocabulary.load())
        entry = ct.model()
        db.session.add(entry)
        apply_entry_data(entry, ct, clean)
        db.session.flush()
        apply_entry_links(entry, ct, clean)
        with _index_left_to_the_next_search(app):
            db.session.commit()
        return entry.id


@contextmanager
def _index_left_to_the_next_search(app):
    service = app.extensions.get(SEARCH_EXTENSION)
    enabled = service is not None and service.enabled
    if enabled:
        service.enabled = False  # the after-commit hook skips a disabled service
    try:
        yield
    finally:
        if enabled:
            service.enabled = True


@pytest.fixture
def make_entry(app) -> Callable[..., Any]:
    """Create and commit an entry: ``make_entry("enterprise", title="Test AB", status="draft")``."""
    return lambda type_key, **fields: create_entry(app, type_key, **fields)


# -- a real SMTP server and real web pages on loopback ------------------------------------

class Mailbox:
    """An aiosmtpd handler that keeps every message it receives, and refuses (550) any
    recipient whose address starts with "bounce"."""

    def __init__(self):
        self.messages: list[EmailMessage] = []
        self.port = 0

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.lower().startswith("bounce"):
            return "550 5.1.1 No such mailbox here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(message_from_bytes(envelope.content, policy=default_policy))
        return "250 OK"

    def to(self, address: str) -> list[EmailMessage]:
        """The messages received for ``address``."""
        return [message for message in self.messages if message["To"] == address]

    def clear(self) -> None:
        self.messages.clear()


@pytest.fixture
def mailbox():
    """A running SMTP server on a free loopback port; point an app at it with
    ``MAIL_SERVER="127.0.0.1", MAIL_PORT=mailbox.port``."""
    box = Mailbox()
    with socket.socket() as probe:  # a free port on loopback
        probe.bind(("127.0.0.1", 0))
        box.port = probe.getsockname()[1]
    controller = Controller(box, hostname="127.0.0.1", port=box.port)
    controller.start()
    yield box
    controller.stop()


@pytest.fixture
def smtp_server(app, mailbox):
    """The ``app`` fixture sending its mail to ``mailbox``."""
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=mailbox.port)
    return mailbox


class _Pages(http.server.BaseHTTPRequestHandler):
    """Loopback pages for the link checker: fine, missing, looping and slow."""

    def do_HEAD(self):
        self.do_GET(body=False)

    def do_GET(self, body=True):
        if self.path == "/ok":
            self.send_response(200)
        elif self.path == "/loop":
            self.send_response(302)
            self.send_header("Location", "/loop")
        elif self.path == "/slow":
            time.sleep(2)
            self.send_response(200)
        elif self.path == "/no-head" and self.command == "HEAD":
            self.send_response(405)
        elif self.path == "/no-head":
            self.send_response(200)
        else:
            self.send_response(404)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def loopback_site():
    """A web server on loopback with /ok, /missing (404), /loop, /slow (2 s) and /no-head."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Pages)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()


@pytest.fixture
def mail_app(tmp_path, mailbox):
    """An app with the taxonomy loaded, CSRF off, that sends its mail to ``mailbox``."""
    app = make_curation_app(tmp_path, MAIL_SERVER="127.0.0.1", MAIL_PORT=mailbox.port,
                            BASE_URL="https://kunskapsbank.example.org")
    yield app
    close_app(app)


@pytest.fixture
def adviser(mail_app):
    """An adviser's client on ``mail_app``, with the editorial area in English."""
    from tests.curation_support import logged_in_client

    client = logged_in_client(mail_app, "adviser")
    client.post("/auth/language", data={"lang": "en"})
    return client
