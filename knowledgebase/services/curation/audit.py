"""The audit log: who logged in (or failed to), published, archived, deleted, imported or
changed a role, and when. Records are added to the caller's transaction."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone

from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, or_, select

from knowledgebase import models as m
from knowledgebase.extensions import db

ACTIONS = {
    "login": _l("Logged in"),
    "login_failed": _l("Failed login"),
    "logout": _l("Logged out"),
    "password_change": _l("Changed password"),
    "user_create": _l("Created account"),
    "user_disable": _l("Disabled account"),
    "user_enable": _l("Enabled account"),
    "role_change": _l("Changed role"),
    "publish": _l("Published"),
    "unpublish": _l("Unpublished"),
    "archive": _l("Archived"),
    "reopen": _l("Taken out of the archive"),
    "verify": _l("Marked as verified"),
    "restore": _l("Restored a revision"),
    "delete": _l("Deleted"),
    "import": _l("Imported"),
    "export": _l("Exported"),
    "suggestion_accept": _l("Accepted a suggestion"),
    "suggestion_reject": _l("Rejected a suggestion"),
    "suggestion_handled": _l("Marked a suggestion as handled"),
    "claim_request": _l("Asked to manage an entry"),
    "claim_approve": _l("Approved a request to manage an entry"),
    "claim_refuse": _l("Refused a request to manage an entry"),
    "claim_revoke": _l("Revoked a manager's access"),
    "manager_sign_in": _l("Manager signed in"),
    "manager_sign_out": _l("Manager signed out"),
    "manager_edit": _l("Manager changed contact details"),
    "manager_suggest": _l("Manager sent changes for review"),
}


def record(action: str, actor: m.User | None = None, *, actor_label: str = "",
           target: m.Entry | m.User | m.Suggestion | None = None, target_label: str = "",
           detail: str = "", ip: str = "") -> m.AuditEvent:
    """Add an audit event for ``action`` (a key of ``ACTIONS``); the caller commits."""
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action}")
    event = m.AuditEvent(
        action=action,
        user_id=actor.id if actor else None,
        actor=(actor.email if actor else actor_label)[:254],
        detail=detail,
        ip=(ip or "")[:45],
    )
    if target is not None:
        event.target_type = target.type if isinstance(target, m.Entry) else type(target).__name__.lower()
        event.target_id = target.id
        event.target_label = (target_label or _label(target))[:300]
    else:
        event.target_label = target_label[:300]
    db.session.add(event)
    return event


def _label(target: m.Entry | m.User | m.Suggestion) -> str:
    if isinstance(target, m.Entry):
        return f"{target.title_sv} ({target.slug})"
    if isinstance(target, m.User):
        return target.email
    return f"#{target.id}"


@dataclass
class AuditFilters:
    action: str = ""
    actor: str = ""
    target: str = ""
    since: date | None = None
    until: date | None = None


def query(filters: AuditFilters) -> Select:
    """Audit events matching ``filters``, newest first."""
    stmt = select(m.AuditEvent).order_by(m.AuditEvent.created_at.desc(), m.AuditEvent.id.desc())
    if filters.action:
        stmt = stmt.where(m.AuditEvent.action == filters.action)
    if filters.actor:
        stmt = stmt.where(m.AuditEvent.actor.ilike(f"%{_escape_like(filters.actor)}%", escape="\\"))
    if filters.target:
        pattern = f"%{_escape_like(filters.target)}%"
        stmt = stmt.where(or_(m.AuditEvent.target_label.ilike(pattern, escape="\\"),
                              m.AuditEvent.detail.ilike(pattern, escape="\\")))
    if filters.since:
        stmt = stmt.where(m.AuditEvent.created_at >= datetime.combine(filters.since, time.min, timezone.utc))
    if filters.until:
        end = datetime.combine(filters.until + timedelta(days=1), time.min, timezone.utc)
        stmt = stmt.where(m.AuditEvent.created_at < end)
    return stmt


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
