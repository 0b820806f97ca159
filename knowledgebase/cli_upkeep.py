"""``flask --app app reminders send [--dry-run]``, ``flask --app app links check`` and
``flask --app app needs follow-up [--dry-run]``: the scheduled upkeep commands (safe to run
from cron)."""

from __future__ import annotations

from datetime import date

import click
from flask.cli import AppGroup

from knowledgebase.cli import needs_app
from knowledgebase.extensions import db
from knowledgebase.models.base import now_utc

reminders_group = AppGroup("reminders", help="E-mail enterprises whose facts are due, advisers their digest, "
                                             "and subscribers the alerts still owed.")
links_group = AppGroup("links", help="Check the external links of published entries.")
needs_group = AppGroup("needs", help="Buyers' needs: ask buyers what came of them.")


@reminders_group.command("send")
@click.option("--dry-run", is_flag=True, help="Send nothing; print what would be sent.")
@click.option("--limit", type=click.IntRange(min=0), default=None,
              help="At most this many enterprise reminders (default: KB_REMINDERS_MAX_PER_RUN).")
@needs_app
def reminders_send(dry_run: bool, limit: int | None) -> None:
    """Send today's reminders, digests and alerts; running again the same day sends nothing new."""
    from knowledgebase.admin.links import adviser_links
    from knowledgebase.services.upkeep import outbox, reminders

    today, now = date.today(), now_utc()
    plan = reminders.plan(today, now, adviser_links(), limit)
    if dry_run:
        db.session.rollback()
        for item in plan.outgoing:
            click.echo(f"would send {item.kind} to {item.mail.to}: {item.mail.subject}")
        _report_plan(plan)
        click.echo(f"Dry run: nothing was sent ({len(plan.outgoing)} messages planned).")
        return
    # The links in the messages must work before anyone can click them.
    db.session.commit()
    delivery = outbox.deliver(plan.outgoing, today)
    db.session.commit()
    for item in delivery.sent:
        click.echo(f"sent {item.kind} to {item.mail.to}: {item.mail.subject}")
    for item, reason in delivery.bounced:
        click.echo(f"bounced {item.kind} to {item.mail.to}: {reason}", err=True)
    for item, reason in delivery.failed:
        click.echo(f"not sent {item.kind} to {item.mail.to}: {reason}", err=True)
    _report_plan(plan)
    click.echo(f"Sent {len(delivery.sent)}, bounced {len(delivery.bounced)}, not sent {len(delivery.failed)}.")
    if delivery.failed and not delivery.sent:
        raise SystemExit(1)


def _report_plan(plan) -> None:
    for entry, reason in plan.skipped:
        click.echo(f"skipped {entry.slug}: {reason}")
    if plan.deferred:
        click.echo(f"{plan.deferred} more enterprises are due; they are left for the next run (the limit).")


@links_group.command("check")
@needs_app
def links_check() -> None:
    """Check every external URL in published entries and store the results for advisers."""
    from knowledgebase.services.upkeep.linkcheck_store import check_published_links

    rows = check_published_links(now_utc())
    db.session.commit()
    broken = [row for row in rows if not row.ok]
    for row in broken:
        what = str(row.status) if row.status else row.error
        click.echo(f"broken {what}: {row.url} (entries {', '.join(str(i) for i in row.entry_ids)})")
    click.echo(f"Checked {len(rows)} links: {len(rows) - len(broken)} fine, {len(broken)} broken.")


@needs_group.command("follow-up")
@click.option("--dry-run", is_flag=True, help="Send nothing; print what would be sent.")
@needs_app
def needs_follow_up(dry_run: bool) -> None:
    """Ask the buyer of every sent need whose deadline has passed what came of it: one e-mail
    per need, ever; running again sends nothing new."""
    from knowledgebase.services.procurement import need_outcome
    from knowledgebase.services.upkeep import outbox

    today, now = date.today(), now_utc()
    due = need_outcome.due_follow_ups(today)
    if dry_run:
        for need in due:
            click.echo(f"would ask {need.contact_email} about need {need.id}")
        click.echo(f"Dry run: nothing was sent ({len(due)} messages planned).")
        return
    outgoing = [need_outcome.follow_up(need, now) for need in due]
    # The links in the messages must work before anyone can click them.
    db.session.commit()
    delivery = outbox.deliver(outgoing, today)
    for item, reason in delivery.failed:
        # Not delivered: asked again on the next run.
        need = next(n for n, o in zip(due, outgoing) if o is item)
        need.outcome_asked_at, need.outcome_hash = None, ""
        click.echo(f"not sent to {item.mail.to}: {reason}", err=True)
    db.session.commit()
    for item in delivery.sent:
        click.echo(f"sent {item.kind} to {item.mail.to}: {item.mail.subject}")
    click.echo(f"Sent {len(delivery.sent)}, bounced {len(delivery.bounced)}, not sent {len(delivery.failed)}.")
    if delivery.failed and not delivery.sent:
        raise SystemExit(1)


programmes_group = AppGroup("programmes", help="The programme follow-up's scheduled work.")


@programmes_group.command("reduce")
@click.option("--months", type=click.IntRange(min=1, max=120), default=None,
              help="Keep registrations this many months after the activity (default: KB_REGISTRATION_RETENTION_MONTHS).")
@needs_app
def programmes_reduce(months: int | None) -> None:
    """Reduce to head counts the registrations of activities that ended long enough ago
    (names, e-mail addresses, organisations and needs are deleted; run it daily from cron)."""
    from flask import current_app

    from knowledgebase.services.programmes import registrations

    months = months or int(current_app.config["REGISTRATION_RETENTION_MONTHS"])
    reduced = registrations.reduce_expired(now_utc(), months)
    db.session.commit()
    click.echo(f"Reduced the registrations of {reduced} activities to head counts (kept {months} months).")
