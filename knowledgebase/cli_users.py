"""``flask --app app users create | list | disable | set-role``: accounts from the command line."""

from __future__ import annotations

import sys

import click
from flask.cli import AppGroup

from knowledgebase.cli import needs_schema
from knowledgebase.extensions import db
from knowledgebase.models.accounts import ROLES
from knowledgebase.services.curation import accounts

users_group = AppGroup("users", help="Manage the accounts of the editorial area.")
CLI_ACTOR = "command line"


def _fail(message: str) -> None:
    db.session.rollback()
    click.echo(message, err=True)
    sys.exit(1)


def _user(email: str):
    user = accounts.find_user(email)
    if user is None:
        _fail(f"No account for {email}.")
    return user


@users_group.command("create")
@click.argument("email")
@click.option("--role", type=click.Choice(ROLES), required=True, help="admin, adviser or contributor.")
@click.option("--name", default="", help="The person's name.")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input instead of asking.")
@needs_schema
def create(email: str, role: str, name: str, password_stdin: bool) -> None:
    """Create an account; the password is asked for (twice), or read from standard input."""
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    try:
        user = accounts.create_user(email, password, role, name, actor_label=CLI_ACTOR)
        db.session.commit()
    except accounts.AccountError as exc:
        _fail(exc.message)
    click.echo(f"Created {user.email} ({user.role}).")


@users_group.command("list")
@needs_schema
def list_users() -> None:
    """Every account: e-mail, role, active or disabled, last login."""
    for user in accounts.all_users():
        state = "active" if user.active else "disabled"
        last = user.last_login_at.strftime("%Y-%m-%d %H:%M") if user.last_login_at else "never"
        click.echo(f"{user.email}\t{user.role}\t{state}\tlast login: {last}")


@users_group.command("disable")
@click.argument("email")
@needs_schema
def disable(email: str) -> None:
    """Disable an account; its sessions end at once."""
    user = _user(email)
    try:
        accounts.disable_user(user, None, actor_label=CLI_ACTOR)
        db.session.commit()
    except accounts.AccountError as exc:
        _fail(exc.message)
    click.echo(f"Disabled {user.email}.")


@users_group.command("set-role")
@click.argument("email")
@click.argument("role", type=click.Choice(ROLES))
@needs_schema
def set_role(email: str, role: str) -> None:
    """Give an account another role (recorded in the audit log)."""
    user = _user(email)
    try:
        accounts.set_role(user, role, None, actor_label=CLI_ACTOR)
        db.session.commit()
    except accounts.AccountError as exc:
        _fail(exc.message)
    click.echo(f"{user.email} is now {role}.")
