"""Command-line commands: ``flask --app app seed | import | export | search ...``."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import AppGroup, with_appcontext
from flask_babel import gettext as _

from knowledgebase.extensions import db


def _import(path: str, dry_run: bool = False) -> None:
    from knowledgebase.services.duplicates import import_duplicate_warnings
    from knowledgebase.services.imports import ImportFailed, import_path

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
def seed_command() -> None:
    """Load the starting content in seed_data/ (safe to run again: updates by slug)."""
    _import(current_app.config["SEED_DIR"])


@click.command("import")
@with_appcontext
@click.argument("path", type=click.Path(exists=True, dir_okay=True, file_okay=True))
@click.option("--dry-run", is_flag=True, help="Check and report, but save nothing.")
def import_command(path: str, dry_run: bool) -> None:
    """Import a seed-format file or folder, all or nothing."""
    _import(path, dry_run)


@click.command("export")
@with_appcontext
@click.argument("directory", type=click.Path(file_okay=False))
def export_command(directory: str) -> None:
    """Write every entry and the taxonomy to DIRECTORY in the seed format."""
    from knowledgebase.services.exports import export_to

    counts = export_to(Path(directory))
    for key, count in counts.items():
        click.echo(f"{key}: {count}")


search_group = AppGroup("search", help="Maintain the search index.")


@search_group.command("rebuild")
def search_rebuild() -> None:
    """Build the search index again from the database."""
    from knowledgebase import search

    with click.progressbar(length=search.count_indexable(), label=_("Indexing")) as bar:
        total = search.rebuild(progress=bar.update)
    click.echo(_("Indexed %(count)d entries.", count=total))


@search_group.command("check")
def search_check() -> None:
    """Compare the index with the database; exit 1 on drift."""
    from knowledgebase import search

    drift = search.check()
    for label, items in (("missing", drift.missing), ("extra", drift.extra), ("stale", drift.stale)):
        for item in items:
            click.echo(f"{label}: {item}")
    if drift.is_clean():
        click.echo(_("The search index matches the database."))
    else:
        click.echo(_("The search index has drifted: run 'flask --app app search rebuild'."), err=True)
        sys.exit(1)


translations_group = AppGroup("translations", help="Maintain the interface catalogs in translations/.")


@translations_group.command("update")
def translations_update() -> None:
    """Extract messages and merge them into the sv and en catalogs; list what is missing."""
    from knowledgebase import PROJECT_ROOT
    from knowledgebase.translations import extract_and_update, incomplete_messages

    directory = PROJECT_ROOT / "translations"
    extract_and_update(PROJECT_ROOT, directory)
    for locale, messages in incomplete_messages(directory).items():
        click.echo(f"{locale}: {len(messages)} untranslated or fuzzy")


@translations_group.command("compile")
def translations_compile() -> None:
    """Compile the catalogs (the app also does this when it starts)."""
    from knowledgebase import PROJECT_ROOT
    from knowledgebase.translations import compile_catalogs

    for path in compile_catalogs(PROJECT_ROOT / "translations", force=True):
        click.echo(str(path.relative_to(PROJECT_ROOT)))


def init_app(app: Flask) -> None:
    from knowledgebase.cli_users import users_group
    from knowledgebase.cli_upkeep import links_group, reminders_group

    for command in (seed_command, import_command, export_command, search_group, translations_group, users_group,
                    reminders_group, links_group):
        app.cli.add_command(command)
