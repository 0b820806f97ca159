"""Sharing a shortlist: the list of enterprise slugs signed into a link (itsdangerous, keyed
with SECRET_KEY), so that nothing is stored. The link is read-only and works for a number of
days (``KB_SHORTLIST_SHARE_DAYS``) that the buyer is shown; whoever opens it sees the
enterprises of the list that are still published. The e-mail that sends a link is plain text
made from the list alone: the form has no message field, so it carries no one's text or markup."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone

from flask import render_template
from flask_babel import force_locale
from flask_babel import gettext as _
from itsdangerous import BadSignature, URLSafeTimedSerializer

from knowledgebase import mail
from knowledgebase import models as m
from knowledgebase.inputs import is_slug
from knowledgebase.services.procurement.shortlist import MAX_ITEMS

SALT = "shortlist-share"
# A signed list of 50 slugs stays under about 2 000 characters, which every browser and
# server takes in a path.
MAX_TOKEN_LENGTH = 4000


class ShareError(Exception):
    """A link that is not one of ours (changed, cut short, or made with another key)."""


class ShareExpired(ShareError):
    def __init__(self, expired_on: date) -> None:
        super().__init__(expired_on.isoformat())
        self.expired_on = expired_on


@dataclass(frozen=True)
class SharedList:
    slugs: list[str]
    made_at: datetime
    expires_on: date


def _serializer(secret_key: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(secret_key, salt=SALT)


def make_token(slugs: list[str], secret_key: str) -> str:
    """A link token for ``slugs`` (in their order)."""
    return _serializer(secret_key).dumps(list(slugs)[:MAX_ITEMS])


def expiry(made_at: datetime, days: int) -> date:
    """The last day a link made at ``made_at`` works."""
    return (made_at + timedelta(days=days)).date()


def read_token(token: str, secret_key: str, days: int, now: datetime) -> SharedList:
    """The list behind ``token``; raises ``ShareExpired`` after ``days`` days and
    ``ShareError`` for anything that is not a valid token."""
    if not token or len(token) > MAX_TOKEN_LENGTH:
        raise ShareError("length")
    try:
        slugs, made_at = _serializer(secret_key).loads(token, return_timestamp=True)
    except BadSignature:
        raise ShareError("signature") from None
    if not isinstance(slugs, list) or len(slugs) > MAX_ITEMS or not all(isinstance(s, str) and is_slug(s) for s in slugs):
        raise ShareError("content")
    made_at = made_at if made_at.tzinfo else made_at.replace(tzinfo=timezone.utc)
    if now > made_at + timedelta(days=days):
        raise ShareExpired(expiry(made_at, days))
    return SharedList(slugs, made_at, expiry(made_at, days))


def share_mail(to: str, lang: str, items: list[m.Enterprise], link: str, expires_on: date) -> mail.Mail:
    """The plain-text e-mail with a shared list: the enterprises' names and the link."""
    with force_locale(lang):
        text = render_template("mail/shortlist_share.txt", items=items, link=link, expires_on=expires_on,
                               lang=lang, unsubscribe_url="")
        subject = _("A shortlist of social enterprises")
    return mail.Mail(to=to, subject=subject, text=text)
