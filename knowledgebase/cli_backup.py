"""``flask --app app backup DIR``: a backup of the running site (safe to run from cron)."""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import with_appcontext

from knowledgebase.cli import needs_app
from knowledgebase.models.base import now_utc


@click.command("backup")
@with_appcontext
@click.argument("directory", type=click.Path(file_okay=False))
@needs_app
def backup_command(directory: str) -> None:
    """Copy the database and export the content in the seed format into DIRECTORY."""
    from knowledgebase.services.transfer.backups import BackupError, create_backup

    try:
        paths = create_backup(Path(directory), now_utc())
    except BackupError as error:
        raise click.ClickException(str(error)) from None
    for path in paths:
        click.echo(str(path))
