"""Test apps: each with its own database and search index in a temporary folder, made by
copying a starting database that the session migrated (and seeded) once; and entries made in
them through the import path's own functions. The fixtures in ``conftest.py`` use these;
scripts (``bench/``) may too."""

from __future__ import annotations

import itertools
import os
import shutil
import tempfile
import uuid
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, Callable

from jinja2.bccache import Bucket, BytecodeCache
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError
from werkzeug.routing import Rule

from knowledgebase import create_app
from knowledgebase.content_types import BY_KEY
from knowledgebase.extensions import db
from knowledgebase.search.service import EXTENSION as SEARCH_EXTENSION
from knowledgebase.services.content.serialization import Vocabulary, apply_entry_data, apply_entry_links, clean_entry_data
from knowledgebase.services.transfer.imports import import_path

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
    admin = _server_engine()
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"{copy}'))
    admin.dispose()
    _created_databases.append(name)
    return url.set(database=name).render_as_string(hide_password=False)


_created_databases: list[str] = []


def _server_engine():
    """An engine on the ``KB_TEST_DATABASE_URL`` server's ``postgres`` database, outside any
    transaction (CREATE and DROP DATABASE need that)."""
    url = make_url(os.environ["KB_TEST_DATABASE_URL"])
    return create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")


def drop_created_databases() -> None:
    """Drop the PostgreSQL databases this process created (each is several megabytes; a run
    makes hundreds). One still in use is left behind, not forced."""
    if not os.environ.get("KB_TEST_DATABASE_URL") or not _created_databases:
        return
    admin = _server_engine()
    with admin.connect() as connection:
        for name in _created_databases:
            try:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
            except DBAPIError:
                pass
    admin.dispose()
    _created_databases.clear()


# -- route registration shared by the apps of a session (see conftest.shared_url_rules) ----

def shared_builder(original: Callable) -> Callable:
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


def shared_parse(original: Callable) -> Callable:
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


def keep_starting_databases_in(root: Path | None) -> None:
    """Make the starting databases under ``root`` from now on (a temporary folder if None),
    forgetting those made before."""
    _starting.clear()
    _starting_root[:] = [root] if root else []


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


# -- entries ------------------------------------------------------------------------------

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
