"""Accounts and roles: creating users, checking passwords, and what each role may do.

Roles:
* contributor: creates entries, edits drafts (and restores their revisions), sends them
  for review; cannot publish;
* adviser: everything a contributor does, and edits any entry, reviews, publishes,
  unpublishes, archives, verifies, moderates suggestions, imports and exports;
* admin: everything an adviser does, and deletes entries, manages accounts and reads
  the audit log.
"""

from __future__ import annotations

import hmac
import re
from functools import cache
from importlib import resources

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from werkzeug.security import check_password_hash, generate_password_hash

from knowledgebase import models as m
from knowledgebase.extensions import db
from knowledgebase.inputs import record_id
from knowledgebase.models.accounts import ROLES, new_session_token
from knowledgebase.models.base import now_utc
from knowledgebase.services.curation import audit

ROLE_LABELS = {
    "admin": _l("Administrator"),
    "adviser": _l("Adviser"),
    "contributor": _l("Contributor"),
}

MIN_PASSWORD_LENGTH = 12
# Hashing a huge input costs time; nobody types more than this.
MAX_PASSWORD_LENGTH = 256
# scrypt through Werkzeug (hashlib), a current memory-hard algorithm.
HASH_METHOD = "scrypt"

_CONTRIBUTOR = frozenset({"entry.create", "entry.edit_draft", "entry.submit", "entry.return"})
_ADVISER = _CONTRIBUTOR | {
    "entry.edit_any", "entry.publish", "entry.unpublish", "entry.archive", "entry.reopen",
    "entry.verify", "suggestion.moderate", "bulk.import", "bulk.export",
    # The programme's follow-up: programmes, activities, participants' personal data, networks.
    "programme.manage",
}
_ADMIN = _ADVISER | {"entry.delete", "user.manage", "audit.read"}
PERMISSIONS: dict[str, frozenset[str]] = {
    "contributor": frozenset(_CONTRIBUTOR),
    "adviser": frozenset(_ADVISER),
    "admin": frozenset(_ADMIN),
}

EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


class AccountError(ValueError):
    """An account change that cannot be made; the message is for the user, ``field`` names
    the input it is about (email, role, password, current, new) when there is one."""

    def __init__(self, message: str, field: str = ""):
        super().__init__(message)
        self.message = message
        self.field = field


def can(user: m.User | None, permission: str) -> bool:
    """Whether ``user`` (anonymous when None) holds ``permission``."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.active:
        return False
    return permission in PERMISSIONS.get(user.role, frozenset())


def normalise_email(email: str) -> str:
    return (email or "").strip().lower()


def find_user(email: str) -> m.User | None:
    return db.session.scalars(select(m.User).where(m.User.email == normalise_email(email))).first()


@cache
def _dummy_hash() -> str:
    return generate_password_hash("not a real password, only for timing", method=HASH_METHOD)


@cache
def common_passwords() -> frozenset[str]:
    """The shipped list of common passwords (knowledgebase/data/common-passwords.txt)."""
    text = resources.files("knowledgebase").joinpath("data/common-passwords.txt").read_text("utf-8")
    return frozenset(
        line.strip().lower() for line in text.splitlines() if line.strip() and not line.startswith("#")
    )


def _is_common(password: str) -> bool:
    lowered = password.lower()
    core = re.sub(r"^[\W\d_]+|[\W\d_]+$", "", lowered)
    common = common_passwords()
    if lowered in common or core in common or not core:
        return True
    # One character or one short run over and over ("aaaaaaaaaaaa", "abcabcabcabc").
    return any(len(lowered) % size == 0 and lowered == lowered[:size] * (len(lowered) // size)
               for size in range(1, 5))


def password_problems(password: str, email: str = "") -> list[str]:
    """What is wrong with ``password`` as a new password (empty when it is acceptable)."""
    problems = []
    if len(password) < MIN_PASSWORD_LENGTH:
        problems.append(_("The password must be at least %(count)d characters long.", count=MIN_PASSWORD_LENGTH))
    elif len(password) > MAX_PASSWORD_LENGTH:
        problems.append(_("The password may be at most %(count)d characters long.", count=MAX_PASSWORD_LENGTH))
    elif _is_common(password):
        problems.append(_("This password is too common. Choose one that is harder to guess, "
                          "for example a few unrelated words."))
    local = normalise_email(email).split("@")[0]
    if local and len(local) >= 4 and local in password.lower():
        problems.append(_("The password must not contain your e-mail address."))
    return problems


def hash_password(password: str) -> str:
    return generate_password_hash(password, method=HASH_METHOD)


def create_user(email: str, password: str, role: str, name: str = "",
                actor: m.User | None = None, actor_label: str = "") -> m.User:
    """Create an account; raise ``AccountError`` for a bad e-mail, role or password."""
    email = normalise_email(email)
    if not EMAIL_RE.match(email) or len(email) > 254:
        raise AccountError(_("Enter a valid e-mail address."), "email")
    if role not in ROLES:
        raise AccountError(_("Unknown role %(role)s; choose one of %(roles)s.", role=role,
                             roles=", ".join(ROLES)), "role")
    if find_user(email):
        raise AccountError(_("There is already an account for %(email)s.", email=email), "email")
    problems = password_problems(password, email)
    if problems:
        raise AccountError(" ".join(problems), "password")
    user = m.User(email=email, name=name.strip()[:200], role=role, password_hash=hash_password(password),
                  session_token=new_session_token())
    db.session.add(user)
    db.session.flush()
    audit.record("user_create", actor, actor_label=actor_label, target=user, detail=f"role={role}")
    return user


def authenticate(email: str, password: str) -> m.User | None:
    """The active account with this e-mail and password, or None.

    Takes about as long for an unknown e-mail as for a wrong password."""
    user = find_user(email)
    if user is None or len(password) > MAX_PASSWORD_LENGTH:
        check_password_hash(_dummy_hash(), password[:MAX_PASSWORD_LENGTH])
        return None
    if not check_password_hash(user.password_hash, password) or not user.active:
        return None
    return user


def record_login(user: m.User, ip: str) -> None:
    user.last_login_at = now_utc()
    audit.record("login", user, ip=ip)


def change_password(user: m.User, current: str, new: str) -> None:
    """Set a new password after checking the current one; ends every session of the account."""
    if not check_password_hash(user.password_hash, current):
        raise AccountError(_("The current password is wrong."), "current")
    if hmac.compare_digest(current.encode(), new.encode()):
        raise AccountError(_("The new password must differ from the current one."), "new")
    set_password(user, new)
    audit.record("password_change", user, target=user)


def set_password(user: m.User, password: str) -> None:
    problems = password_problems(password, user.email)
    if problems:
        raise AccountError(" ".join(problems), "new")
    user.password_hash = hash_password(password)
    user.password_changed_at = now_utc()
    end_sessions(user)


def end_sessions(user: m.User) -> None:
    """End every session of ``user`` (logout, password change, disabling): sessions carry
    the account's token, and it changes."""
    user.session_token = new_session_token()


def set_role(user: m.User, role: str, actor: m.User | None, actor_label: str = "") -> None:
    """Change a role (recorded in the audit log). The last active admin keeps the role."""
    if role not in ROLES:
        raise AccountError(_("Unknown role %(role)s; choose one of %(roles)s.", role=role, roles=", ".join(ROLES)))
    if user.role == role:
        return
    if user.role == "admin" and _active_admins() <= 1:
        raise AccountError(_("%(email)s is the last administrator; make someone else one first.", email=user.email))
    audit.record("role_change", actor, actor_label=actor_label, target=user, detail=f"{user.role} → {role}")
    user.role = role


def disable_user(user: m.User, actor: m.User | None, actor_label: str = "") -> None:
    """Disable an account and end its sessions at once."""
    if user.active and user.role == "admin" and _active_admins() <= 1:
        raise AccountError(_("%(email)s is the last administrator; make someone else one first.", email=user.email))
    user.active = False
    end_sessions(user)
    audit.record("user_disable", actor, actor_label=actor_label, target=user)


def enable_user(user: m.User, actor: m.User | None, actor_label: str = "") -> None:
    user.active = True
    audit.record("user_enable", actor, actor_label=actor_label, target=user)


def _active_admins() -> int:
    return db.session.scalar(
        select(func.count()).select_from(m.User).where(m.User.role == "admin", m.User.active.is_(True))
    ) or 0


def load_user(identity: str) -> m.User | None:
    """Flask-Login's user loader: ``id:token`` as made by ``User.get_id``."""
    raw_id, _sep, token = (identity or "").partition(":")
    user_id = record_id(raw_id)
    if user_id is None or not token:
        return None
    user = db.session.get(m.User, user_id)
    if user is None or not user.active or not hmac.compare_digest(user.session_token, token):
        return None
    return user


def all_users() -> list[m.User]:
    return list(db.session.scalars(select(m.User).order_by(m.User.email)))
