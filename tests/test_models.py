"""The data model and organisation number validation."""

import pytest

from knowledgebase import models as m
from knowledgebase.extensions import db
from knowledgebase.orgnr import luhn_valid, normalise_org_number


@pytest.mark.parametrize("value, expected", [
    ("556677-8899", "556677-8899"),
    ("5566778899", "556677-8899"),
    ("16556677-8899", "556677-8899"),
    (" 802000-0009 ", "802000-0009"),
    ("769600-0012", "769600-0012"),
])
def test_valid_org_numbers_are_normalised(value, expected):
    assert normalise_org_number(value) == expected


@pytest.mark.parametrize("value", [
    "556677-8890",      # wrong check digit
    "556677-889",       # too short
    "55667788999",      # too long
    "abcdef-ghij",
    "",
    "19556677-8899",    # only the organisation prefix 16 is allowed
])
def test_invalid_org_numbers_are_refused(value):
    with pytest.raises(ValueError):
        normalise_org_number(value)


def test_luhn():
    assert luhn_valid("5566778899")
    assert not luhn_valid("5566778898")


def test_taxonomy_is_complete(app):
    with app.app_context():
        assert db.session.query(m.Theme).count() == 3
        assert db.session.query(m.CompetencePackage).count() == 9
        assert db.session.query(m.County).count() == 21
        assert db.session.query(m.Municipality).count() == 290
        assert db.session.get(m.Municipality, "0685").name == "Vetlanda"
        assert db.session.get(m.Municipality, "0685").county.name == "Jönköpings län"


def test_english_falls_back_to_swedish(app, make_entry):
    entry_id = make_entry("glossary", title={"sv": "Anbud", "en": ""}, summary={"sv": "Svensk text", "en": "English text"})
    with app.app_context():
        entry = db.session.get(m.Entry, entry_id)
        assert entry.text("title", "en") == ("Anbud", "sv")
        assert entry.text("summary", "en") == ("English text", "en")
        assert entry.text("summary", "sv") == ("Svensk text", "sv")


def test_version_increments_on_update(app, make_entry):
    entry_id = make_entry("research")
    with app.app_context():
        entry = db.session.get(m.Entry, entry_id)
        assert entry.version == 1
        entry.title_sv = "Ny titel"
        db.session.commit()
        assert entry.version == 2


def test_the_migrations_build_the_schema_the_models_describe(fresh_app):
    """Test apps start from a copy of a database migrated once per session; this one runs
    every migration itself, and nothing the models declare is missing or different."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    with fresh_app.app_context(), db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert context.get_current_revision() is not None
        assert compare_metadata(context, db.metadata) == []


def test_the_schema_head_the_start_checks_is_alembics_head():
    """A database at ``SCHEMA_HEAD`` is started without Alembic: a new migration must change it."""
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    from knowledgebase.database import MIGRATIONS_DIR, SCHEMA_HEAD

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    assert ScriptDirectory.from_config(config).get_heads() == [SCHEMA_HEAD]
