"""Shared fixtures: an app with a real SQLite database and search index in a temporary folder."""

from __future__ import annotations

import itertools
import os
import uuid
from datetime import date
from pathlib import Path
from typing import Any, Callable

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from knowledgebase import create_app
from knowledgebase.content_types import BY_KEY
from knowledgebase.extensions import db
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
    return url.set(database=name).render_as_string(hide_password=False)


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
    """Close the app's database connections (PostgreSQL warns about connections left open)."""
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


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


@pytest.fixture
def make_entry(app) -> Callable[..., Any]:
    """Create and commit an entry: ``make_entry("enterprise", title="Test AB", status="draft")``.
    Values are fictional; any seed-format field may be overridden."""

    def factory(type_key: str, **fields: Any):
        ct = BY_KEY[type_key]
        number = next(_counter)
        data = {
            "slug": f"fiktiv-{type_key}-{number}",
            "status": "published",
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

    return factory
