"""Shared fixtures: apps with a real database (SQLite, or PostgreSQL with
``KB_TEST_DATABASE_URL``) and search index in a temporary folder, a real SMTP server and
real web pages on loopback."""

from __future__ import annotations

import gc
from typing import Any, Callable

import pytest
from werkzeug.routing import Rule

from knowledgebase.services.curation import accounts
from tests import loopback
from tests.apps import (
    close_app,
    create_entry,
    drop_created_databases,
    keep_starting_databases_in,
    make_app,
    make_curation_app,
    shared_builder,
    shared_parse,
)


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
def starting_databases(tmp_path_factory):
    """The session's starting databases (``tests.apps``) live in its temporary folder; after
    the run, the PostgreSQL databases it created are dropped."""
    keep_starting_databases_in(tmp_path_factory.mktemp("starting"))
    yield
    keep_starting_databases_in(None)
    drop_created_databases()


@pytest.fixture(scope="session", autouse=True)
def shared_url_rules():
    """Registering the routes was most of ``create_app``'s time: the apps of a session share
    the work that depends only on the rules (``tests.apps.shared_builder``, ``shared_parse``). A
    Werkzeug without these private methods is left alone (the tests are only slower)."""
    patch = pytest.MonkeyPatch()
    for name, share in (("_compile_builder", shared_builder), ("_parse_rule", shared_parse)):
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




@pytest.fixture
def make_entry(app) -> Callable[..., Any]:
    """Create and commit an entry: ``make_entry("enterprise", title="Test AB", status="draft")``."""
    return lambda type_key, **fields: create_entry(app, type_key, **fields)


# -- a real SMTP server and real web pages on loopback ------------------------------------

@pytest.fixture
def mailbox():
    """A running SMTP server on a free loopback port; point an app at it with
    ``MAIL_SERVER="127.0.0.1", MAIL_PORT=mailbox.port``."""
    with loopback.smtp_server() as box:
        yield box


@pytest.fixture
def smtp_server(app, mailbox):
    """The ``app`` fixture sending its mail to ``mailbox``."""
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=mailbox.port)
    return mailbox


@pytest.fixture
def loopback_site():
    """A web server on loopback with /ok, /missing (404), /loop, /slow (2 s) and /no-head."""
    with loopback.link_check_site() as url:
        yield url


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
