"""Command-line commands: ``flask --app app seed | import | export | search ...``.

Loaded by the ``flask`` command line for one of these commands (or ``--help``), the app starts
without its routes and data (``create_app``); each command says what it needs, so that ``users
list`` starts at once while ``seed`` or ``search check`` get migrations, seeding and the index:

- ``@needs_app``: the whole app, as for serving a request: routes (links and templates in
  mails), migrations applied, an empty database seeded, the search index open and in step;
- ``@needs_schema``: only the tables, at the newest migration (applied if the database lacks
  it, e.g. on a first run);
- ``@needs_nothing``: neither (the interface catalogs)."""

from __future__ import annotations

import functools
import sys
from pathlib import Path
from typing import Any, Callable

import click
from flask import Flask, current_app
from flask.cli import AppGroup, FlaskGroup, with_appcontext
from flask_babel import gettext as _

from knowledgebase.extensions import db

NEEDS = ("app", "schema", "nothing")


def loading_for_an_app_command() -> bool:
    """Whether the ``flask`` command line is loading the app to find or list its own commands
    (``flask --app app users list``, ``flask --app app --help``). ``flask run`` and ``flask
    shell`` load it inside their own command, and get the whole app."""
    context = click.get_current_context(silent=True)
    return context is not None and isinstance(context.command, FlaskGroup)


def _needing(what: str, prepare: Callable[[Flask], None] | None) -> Callable[[Callable], Callable]:
    def decorator(function: Callable) -> Callable:
        @functools.wraps(function)
        def run(*args: Any, **kwargs: Any) -> Any:
            if prepare is not None:
                prepare(current_app._get_current_object())  # type: ignore[attr-defined]
            return function(*args, **kwargs)

        run.needs = what  # type: ignore[attr-defined]
        return run
    return decorator


def _complete(app: Flask) -> None:
    from knowledgebase import complete

    complete(app)


def _schema(app: Flask) -> None:
    from knowledgebase import database

    with app.app_context():
        database.upgrade_if_allowed()


needs_app = _needing("app", _complete)
needs_schema = _needing("schema", _schema)
needs_nothing = _needing("nothing", None)


def _import(path: str, dry_run: bool = False) -> None:
    from knowledgebase.services.curation.duplicates import import_duplicate_warnings
    from knowledgebase.services.transfer.imports import ImportFailed, import_path

    try:
        report = import_path(path)
    except ImportFailed as exc:
        db.session.rollback()
        for message in exc.errors:
            click.echo(message, err=True)
        click.echo(_("Import refused; the database is unchanged."), err=True)
        sys.exit(1)
    duplicates = import_duplicate_warnings(report.entries)
    if dry_run:
        db.session.rollback()
        click.echo(_("Dry run: nothing was saved."))
    else:
        db.session.commit()
    click.echo(report.summary())
    for line in duplicates:
        click.echo(line)


@click.command("seed")
@with_appcontext
@needs_app
def seed_command() -> None:
    """Load the starting content in seed_data/ (safe to run again: updates by slug)."""
    _import(current_app.config["SEED_DIR"])


@click.command("import")
@with_appcontext
@click.argument("path", type=click.Path(exists=True, dir_okay=True, file_okay=True))
@click.option("--dry-run", is_flag=True, help="Check and report, but save nothing.")
@needs_app
def import_command(path: str, dry_run: bool) -> None:
    """Import a seed-format file or folder, all or nothing."""
    _import(path, dry_run)


@click.command("export")
@with_appcontext
@click.argument("directory", type=click.Path(file_okay=False))
@needs_app
def export_command(directory: str) -> None:
    """Write every entry and the taxonomy to DIRECTORY in the seed format."""
    from knowledgebase.services.transfer.exports import export_to

    counts = export_to(Path(directory))
    for key, count in counts.items():
        click.echo(f"{key}: {count}")


search_group = AppGroup("search", help="Maintain the search index.")


@search_group.command("rebuild")
@needs_app
def search_rebuild() -> None:
    """Build the search index again from the database."""
    from knowledgebase import search

    with click.progressbar(length=search.count_indexable(), label=_("Indexing")) as bar:
        total = search.rebuild(progress=bar.update)
    click.echo(_("Indexed %(count)d entries.", count=total))


@search_group.command("check")
@needs_app
def search_check() -> None:
    """Compare the index with the database; exit 1 on drift."""
    from knowledgebase import search

    drift = search.check()
    for label, items in (("missing", drift.missing), ("extra", drift.extra), ("stale", drift.stale)):
        for item in items:
            click.echo(f"{label}: {item}")
    click.echo(_("Change log: this node has applied %(position)d of %(latest)d.",
                 position=drift.position, latest=drift.latest))
    if drift.is_clean():
        click.echo(_("The search index matches the database."))
    else:
        click.echo(_("The search index has drifted: run 'flask --app app search rebuild'."), err=True)
        sys.exit(1)


translations_group = AppGroup("translations", help="Maintain the interface catalogs in translations/.")


@translations_group.command("update")
@needs_nothing
def translations_update() -> None:
    """Extract messages and merge them into the sv and en catalogs; list what is missing."""
    from knowledgebase import PROJECT_ROOT
    from knowledgebase.translations import extract_and_update, incomplete_messages

    directory = PROJECT_ROOT / "translations"
    extract_and_update(PROJECT_ROOT, directory)
    for locale, messages in incomplete_messages(directory).items():
        click.echo(f"{locale}: {len(messages)} untranslated or fuzzy")


@translations_group.command("compile")
@needs_nothing
def translations_compile() -> None:
    """Compile the catalogs (the app also does this when it starts)."""
    from knowledgebase import PROJECT_ROOT
    from knowledgebase.translations import compile_catalogs

    for path in compile_catalogs(PROJECT_ROOT / "translations", force=True):
        click.echo(str(path.relative_to(PROJECT_ROOT)))


class _MigrateCommands(click.Group):
    """Flask-Migrate's commands, loaded (with Alembic) only when ``flask db`` is used."""

    def _group(self) -> click.Group:
        from flask_migrate.cli import db as migrate_group

        return migrate_group

    def list_commands(self, ctx: click.Context) -> list[str]:
        return self._group().list_commands(ctx)

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        return self._group().get_command(ctx, name)


@click.group("db", cls=_MigrateCommands)
@click.option("-d", "--directory", default=None, help="Migration script directory (default: knowledgebase/migrations)")
@click.option("-x", "--x-arg", multiple=True, help="Additional arguments consumed by custom env.py scripts")
@with_appcontext
def migrations_group(directory: str | None, x_arg: tuple[str, ...]) -> None:
    """Database migrations (Flask-Migrate)."""
    from flask import g

    from knowledgebase import database

    database.init_migrations(current_app._get_current_object())  # type: ignore[attr-defined]
    g.directory, g.x_arg = directory, x_arg  # as Flask-Migrate's own group sets them


def init_app(app: Flask) -> None:
    from knowledgebase.cli_operations import backup_command, jobs_group
    from knowledgebase.cli_users import users_group
    from knowledgebase.cli_upkeep import links_group, needs_group, programmes_group, reminders_group

    for command in (seed_command, import_command, export_command, search_group, translations_group, users_group,
                    reminders_group, links_group, backup_command, jobs_group, needs_group, programmes_group,
                    migrations_group):
        app.cli.add_command(command)
