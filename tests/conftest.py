"""Shared fixtures: an app with a real SQLite database and search index in a temporary folder."""

from __future__ import annotations

import http.server
import itertools
import os
import socket
import threading
import time
import uuid
from datetime import date
from email import message_from_bytes
from email.message import EmailMessage
from email.policy import default as default_policy
from pathlib import Path
from typing import Any, Callable

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError

from knowledgebase import create_app
from knowledgebase.content_types import BY_KEY
from knowledgebase.extensions import db
from knowledgebase.search import EXTENSION as SEARCH_EXTENSION
from knowledgebase.services.imports import import_path
from knowledgebase.services.serialization import Vocabulary, apply_entry_data, apply_entry_links, clean_entry_data

ROOT = Path(__file__).resolve().parent.parent
SEED_DIR = ROOT / "seed_data"


def fresh_database_url() -> str:
    """A new empty database for one app: SQLite in the app's data folder by default, or a new
    PostgreSQL database on the server named by ``KB_TEST_DATABASE_URL``."""
    base = os.environ.get("KB_TEST_DATABASE_URL")
    if not base:
        return ""
    url = make_url(base)
    name = f"kbtest_{uuid.uuid4().hex[:12]}"
    admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    _created_databases.append(name)
    return url.set(database=name).render_as_string(hide_password=False)


_created_databases: list[str] = []


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


def make_app(tmp_path: Path, **config: Any):
    return create_app({
        "TESTING": True,
        "DATABASE_URL": fresh_database_url(),
        "DATA_DIR": str(tmp_path / "data"),
        "AUTO_SEED": False,
        "SECRET_KEY": "test-secret-key-for-tests-only",
        **config,
    })


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
    app = make_app(tmp_path)
    with app.app_context():
        import_path(SEED_DIR / "taxonomy")
        db.session.commit()
    yield app
    close_app(app)


@pytest.fixture
def app_factory(tmp_path):
    """Make further apps, each with its own empty database: ``app_factory("name", **config)``."""
    made = []

    def factory(name: str, **config: Any):
        made.append(make_app(tmp_path / name, **config))
        return made[-1]

    yield factory
    for app in made:
        close_app(app)


@pytest.fixture(scope="session")
def seeded_app(tmp_path_factory):
    """An app with the whole seed loaded (shared by read-only tests: do not change it)."""
    app = make_app(tmp_path_factory.mktemp("seeded"), AUTO_SEED=True)
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
    Values are fictional; any seed-format field may be overridden."""
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
        db.session.commit()
        return entry.id


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
    app = make_app(tmp_path, WTF_CSRF_ENABLED=False, MAIL_SERVER="127.0.0.1", MAIL_PORT=mailbox.port,
                   BASE_URL="https://kunskapsbank.example.org")
    with app.app_context():
        import_path(SEED_DIR / "taxonomy")
        db.session.commit()
    yield app
    close_app(app)
