"""Sending e-mail through SMTP to the server in the ``MAIL_*`` settings (``KB_MAIL_*``)."""

from __future__ import annotations

import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import make_msgid

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


def send(mails: list[Mail]) -> int:
    """Send ``mails`` over one SMTP connection; returns how many were accepted. Raises
    ``smtplib.SMTPException`` or ``OSError`` when the server cannot be reached."""
    if not mails:
        return 0
    config = current_app.config
    host, port = config["MAIL_SERVER"], int(config["MAIL_PORT"])
    timeout = float(config["MAIL_TIMEOUT"])
    if config["MAIL_USE_SSL"]:
        smtp: smtplib.SMTP = smtplib.SMTP_SSL(host, port, timeout=timeout, context=ssl.create_default_context())
    else:
        smtp = smtplib.SMTP(host, port, timeout=timeout)
    sent = 0
    with smtp:
        if config["MAIL_USE_TLS"] and not config["MAIL_USE_SSL"]:
            smtp.starttls(context=ssl.create_default_context())
        if config["MAIL_USERNAME"]:
            smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
        for mail in mails:
            smtp.send_message(build_message(mail, config["MAIL_SENDER"]))
            sent += 1
    return sent
