"""E-mail from the upkeep features (confirmation requests, digests, alerts): rendered from
templates/mail/ in the recipient's language as plain text and HTML, with links to BASE_URL,
unsubscribe links that work without an account, and delivery that logs every message in
``ReminderLog`` and keeps a server's refusal of a recipient as a bounce."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import smtplib
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from flask import current_app, render_template
from flask_babel import force_locale
from sqlalchemy import select

from knowledgebase import mail
from knowledgebase import models as m
from knowledgebase.extensions import db
from knowledgebase.i18n import LOCALES
from knowledgebase.urls import unsubscribe_page_url

# What can be unsubscribed from: a contact's reminders, an alert subscription, a digest, and
# an enterprise's buyers' needs.
UNSUBSCRIBE_KINDS = ("reminders", "alerts", "digest", "needs")


# -- tokens -------------------------------------------------------------------------------

def new_token() -> tuple[str, str]:
    """A fresh one-time token and its SHA-256 (only the hash is stored)."""
    token = secrets.token_urlsafe(32)
    return token, hash_token(token)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def same_hash(stored: str, token: str) -> bool:
    """Whether ``token`` hashes to ``stored``, compared in constant time."""
    return bool(stored) and hmac.compare_digest(stored, hash_token(token))


def by_token(column: Any, token: str) -> Any | None:
    """The row whose hash ``column`` (a model attribute, e.g. ``m.Need.confirm_hash``) holds
    the hash of the link token ``token``, or None. Only hashes are stored; the database finds
    the row by the hash and the match is checked again in constant time."""
    row = db.session.scalars(select(column.class_).where(column == hash_token(token))).first()
    return row if row is not None and same_hash(getattr(row, column.key), token) else None


def unsubscribe_token(kind: str, row_id: int, salt: str) -> str:
    """An HMAC (keyed with SECRET_KEY) of what is unsubscribed: nothing is stored, and a new
    ``salt`` on the row makes earlier links invalid."""
    key = current_app.config["SECRET_KEY"].encode("utf-8")
    digest = hmac.new(key, f"unsubscribe:{kind}:{row_id}:{salt}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest[:24]).decode("ascii")


def check_unsubscribe_token(kind: str, row_id: int, salt: str, token: str) -> bool:
    return hmac.compare_digest(unsubscribe_token(kind, row_id, salt), token)


# -- rendering ----------------------------------------------------------------------------

def unsubscribe_url(kind: str, row_id: int, salt: str, lang: str) -> str:
    return unsubscribe_page_url(kind, row_id, unsubscribe_token(kind, row_id, salt), lang)


def render_mail(template: str, to: str, lang: str, subject: object, unsubscribe: str = "",
                **context: object) -> mail.Mail:
    """``templates/mail/<template>.txt`` and ``.html`` rendered in ``lang``; ``subject`` may
    be a lazy string (it is made text in ``lang`` too)."""
    lang = lang if lang in LOCALES else "sv"
    with force_locale(lang):
        context = {**context, "lang": lang, "unsubscribe_url": unsubscribe}
        text = render_template(f"mail/{template}.txt", **context)
        html = render_template(f"mail/{template}.html", **context)
        subject_text = str(subject)
    headers = {}
    if unsubscribe:
        # RFC 2369 and RFC 8058: mail programs can offer (and do) a one-click unsubscribe.
        headers = {"List-Unsubscribe": f"<{unsubscribe}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}
    return mail.Mail(to=to, subject=subject_text, text=text, html=html, headers=headers)


# -- delivery -----------------------------------------------------------------------------

@dataclass
class Outgoing:
    """A rendered message and what it is about, for the log."""

    mail: mail.Mail
    kind: str
    entry_id: int | None = None
    user_id: int | None = None
    subscription_id: int | None = None


@dataclass
class Delivery:
    sent: list[Outgoing] = field(default_factory=list)
    bounced: list[tuple[Outgoing, str]] = field(default_factory=list)
    # Not delivered this time (server unreachable, or a temporary refusal): tried again later.
    failed: list[tuple[Outgoing, str]] = field(default_factory=list)


def _log(item: Outgoing, today: date, status: str, detail: str = "") -> None:
    db.session.add(m.ReminderLog(
        kind=item.kind, recipient=item.mail.to, entry_id=item.entry_id, user_id=item.user_id,
        subscription_id=item.subscription_id, sent_on=today, status=status, detail=detail[:2000]))


def deliver(outgoing: list[Outgoing], today: date) -> Delivery:
    """Send ``outgoing`` through SMTP (knowledgebase.mail) and log each message as sent or
    bounced (a permanent refusal of the recipient); the caller commits."""
    delivery = Delivery()
    if not outgoing:
        return delivery
    try:
        results = mail.send_each([item.mail for item in outgoing])
    except (smtplib.SMTPException, OSError) as exc:
        delivery.failed = [(item, f"{type(exc).__name__}: {exc}") for item in outgoing]
        return delivery
    for item, refusal in zip(outgoing, results):
        if refusal is None:
            delivery.sent.append(item)
            _log(item, today, "sent")
        elif refusal.permanent:
            detail = f"{refusal.code} {refusal.message}"
            delivery.bounced.append((item, detail))
            _log(item, today, "bounced", detail)
        else:
            delivery.failed.append((item, f"{refusal.code} {refusal.message}"))
    db.session.flush()
    return delivery
