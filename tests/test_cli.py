"""The command line: seed, import and export, and what each command starts."""

from typing import Any

import click
import yaml
from click.testing import CliRunner
from flask.cli import FlaskGroup
from sqlalchemy import create_engine, inspect

from knowledgebase import create_app
from knowledgebase.cli import NEEDS

from knowledgebase.extensions import db
from knowledgebase import models as m
from tests.apps import close_app


def test_seed_loads_the_starting_content(app, runner):
    result = runner.invoke(args=["seed"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        assert db.session.query(m.GlossaryTerm).count() >= 25


def test_import_refusal_exits_non_zero_and_names_the_field(app, runner, tmp_path):
    path = tmp_path / "glossary.yaml"
    path.write_text(yaml.safe_dump({"type": "glossary", "entries": [
        {"slug": "fiktiv-term", "status": "published", "title": "Fiktiv term", "summary": "Påhittad."},
    ]}), encoding="utf-8")
    result = runner.invoke(args=["import", str(path)])
    assert result.exit_code == 1
    assert "fiktiv-term" in result.output and "sources" in result.output
    with app.app_context():
        assert db.session.query(m.Entry).count() == 0


def test_import_dry_run_saves_nothing(app, runner, tmp_path):
    path = tmp_path / "glossary.yaml"
    path.write_text(yaml.safe_dump({"type": "glossary", "entries": [
        {"slug": "fiktiv-term", "status": "draft", "title": "Fiktiv term", "summary": "Påhittad."},
    ]}), encoding="utf-8")
    result = runner.invoke(args=["import", "--dry-run", str(path)])
    assert result.exit_code == 0, result.output
    assert "1" in result.output
    with app.app_context():
        assert db.session.query(m.Entry).count() == 0


def test_export_writes_every_file(app, runner, tmp_path, make_entry):
    make_entry("network")
    result = runner.invoke(args=["export", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    assert "network: 1" in result.output
    for name in ("taxonomy/themes.yaml", "taxonomy/municipalities.csv", "entries/networks.yaml", "search/synonyms.yaml"):
        assert (tmp_path / "out" / name).exists(), name


# -- what each command starts: the command line leaves routes and data to the commands that need them

def flask_command_line(tmp_path, *args: str, monkeypatch) -> tuple[Any, list]:
    """Run ``flask ARGS`` in this process as the ``flask`` command does (Flask's own command
    group), on a new data folder; returns the result and the app it made."""
    monkeypatch.setenv("FLASK_RUN_FROM_CLI", "")  # the group sets it; put it back afterwards
    made = []

    def factory():
        made.append(create_app({"DATA_DIR": str(tmp_path / "data"), "AUTO_SEED": False,
                                "SECRET_KEY": "test-secret-key-for-tests-only"}))
        return made[-1]

    result = CliRunner().invoke(FlaskGroup(create_app=factory), list(args), catch_exceptions=False)
    for app in made:
        close_app(app)
    return result, made


def tables(tmp_path) -> set[str]:
    engine = create_engine(f"sqlite:///{tmp_path / 'data' / 'knowledgebase.sqlite'}")
    try:
        return set(inspect(engine).get_table_names())
    finally:
        engine.dispose()


def test_users_list_starts_without_routes_seed_or_index_but_with_the_tables(tmp_path, monkeypatch):
    result, (app,) = flask_command_line(tmp_path, "users", "list", monkeypatch=monkeypatch)
    assert result.exit_code == 0, result.output
    assert {"user_account", "entry", "alembic_version"} <= tables(tmp_path)  # a first run migrates
    assert not (tmp_path / "data" / "search-index").exists()
    assert [rule.endpoint for rule in app.url_map.iter_rules()] == ["static"]


def test_help_lists_every_command_and_touches_no_database(tmp_path, monkeypatch):
    result, _apps = flask_command_line(tmp_path, "--help", monkeypatch=monkeypatch)
    assert result.exit_code == 0, result.output
    for name in ("seed", "import", "export", "search", "users", "reminders", "links", "translations", "db", "backup"):
        assert f"  {name} " in result.output, name
    assert not (tmp_path / "data" / "knowledgebase.sqlite").exists()


def test_commands_that_need_the_data_get_migrations_and_the_index(tmp_path, monkeypatch):
    result, (app,) = flask_command_line(tmp_path, "search", "check", monkeypatch=monkeypatch)
    assert result.exit_code == 0, result.output
    assert "entry" in tables(tmp_path) and (tmp_path / "data" / "search-index").is_dir()
    assert "public.home" in {rule.endpoint for rule in app.url_map.iter_rules()}


def test_built_in_commands_get_the_whole_app(tmp_path, monkeypatch):
    """``flask routes`` (like ``flask run`` and ``flask shell``) loads the app inside its own
    command: it gets the routes, and the data is prepared as for serving."""
    result, _apps = flask_command_line(tmp_path, "routes", monkeypatch=monkeypatch)
    assert result.exit_code == 0, result.output
    assert "admin.dashboard" in result.output and "public.search" in result.output
    assert "entry" in tables(tmp_path) and (tmp_path / "data" / "search-index").is_dir()


def test_every_command_says_what_it_needs(app):
    """A command that reads entries without ``needs_app`` would find no search index and no
    routes on the command line (and pass every test that uses a complete app)."""
    def leaves(command, path=()):
        if isinstance(command, click.Group):
            for name, sub in command.commands.items():
                yield from leaves(sub, (*path, name))
        else:
            yield " ".join(path), command

    ours = [(name, command) for name, command in leaves(app.cli)
            if command.callback.__module__.startswith("knowledgebase.")]
    assert len(ours) >= 13
    for name, command in ours:
        assert getattr(command.callback, "needs", None) in NEEDS, name
    assert {name: command.callback.needs for name, command in ours if name.startswith("users")} == dict.fromkeys(
        ["users create", "users list", "users disable", "users set-role"], "schema")
