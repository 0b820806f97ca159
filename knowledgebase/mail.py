"""Sending e-mail through SMTP to the server in the ``MAIL_*`` settings (``KB_MAIL_*``)."""

from __future__ import annotations

import smtplib
import ssl
from contextlib import contextmanager
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import make_msgid
from typing import Iterator

from flask import current_app


@dataclass
class Mail:
    to: str
    subject: str
    text: str
    html: str = ""
    # Extra headers, e.g. {"List-Unsubscribe": "<https://...>"}.
    headers: dict[str, str] | None = None


def build_message(mail: Mail, sender: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = mail.to
    message["Subject"] = mail.subject
    message["Message-ID"] = make_msgid(domain=sender.rsplit("@", 1)[-1].strip(">") or None)
    for name, value in (mail.headers or {}).items():
        message[name] = value
    message.set_content(mail.text)
    if mail.html:
        message.add_alternative(mail.html, subtype="html")
    return message


@contextmanager
def _connection() -> Iterator[smtplib.SMTP]:
    """An SMTP connection to the configured server, with TLS and login as configured."""
    config = current_app.config
    host, port = config["MAIL_SERVER"], int(config["MAIL_PORT"])
    timeout = float(config["MAIL_TIMEOUT"])
    if config["MAIL_USE_SSL"]:
        smtp: smtplib.SMTP = smtplib.SMTP_SSL(host, port, timeout=timeout, context=ssl.create_default_context())
    else:
        smtp = smtplib.SMTP(host, port, timeout=timeout)
    with smtp:
        if config["MAIL_USE_TLS"] and not config["MAIL_USE_SSL"]:
            smtp.starttls(context=ssl.create_default_context())
        if config["MAIL_USERNAME"]:
            smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
        yield smtp


def send(mails: list[Mail]) -> int:
    """Send ``mails`` over one SMTP connection; returns how many were accepted. Raises
    ``smtplib.SMTPException`` or ``OSError`` when the server cannot be reached."""
    if not mails:
        return 0
    sent = 0
    with _connection() as smtp:
        for mail in mails:
            smtp.send_message(build_message(mail, current_app.config["MAIL_SENDER"]))
            sent += 1
    return sent


@dataclass
class Refusal:
    """The server's answer when it would not take a message for its recipient."""

    code: int
    message: str

    @property
    def permanent(self) -> bool:
        """A 5xx answer: the address does not work (a bounce); 4xx means try again later."""
        return self.code >= 500


def send_each(mails: list[Mail]) -> list[Refusal | None]:
    """Send ``mails`` over one connection, each on its own, so that one refused recipient does
    not stop the rest: per mail, None when the server accepted it, else its ``Refusal``.
    Raises like ``send`` when the server cannot be reached."""
    results: list[Refusal | None] = []
    if not mails:
        return results
    with _connection() as smtp:
        for mail in mails:
            try:
                smtp.send_message(build_message(mail, current_app.config["MAIL_SENDER"]))
                results.append(None)
            except smtplib.SMTPRecipientsRefused as exc:
                code, text = next(iter(exc.recipients.values()))
                results.append(Refusal(code, text.decode("utf-8", "replace")))
            except smtplib.SMTPDataError as exc:
                results.append(Refusal(exc.smtp_code, exc.smtp_error.decode("utf-8", "replace")))
    return results
