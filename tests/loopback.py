"""A real SMTP server and real web pages on loopback, for the mail and link-check tests."""

from __future__ import annotations

import http.server
import socket
import threading
import time
from contextlib import contextmanager
from email import message_from_bytes
from email.message import EmailMessage
from email.policy import default as default_policy
from typing import Iterator

from aiosmtpd.controller import Controller


class Mailbox:
    """An aiosmtpd handler that keeps every message it receives, and refuses (550) any
    recipient whose address starts with "bounce"."""

    def __init__(self):
        self.messages: list[EmailMessage] = []
        self.port = 0

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.lower().startswith("bounce"):
            return "550 5.1.1 No such mailbox here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(message_from_bytes(envelope.content, policy=default_policy))
        return "250 OK"

    def to(self, address: str) -> list[EmailMessage]:
        """The messages received for ``address``."""
        return [message for message in self.messages if message["To"] == address]

    def clear(self) -> None:
        self.messages.clear()


@contextmanager
def smtp_server() -> Iterator[Mailbox]:
    """An SMTP server on a free loopback port, keeping what it receives in a ``Mailbox``."""
    box = Mailbox()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        box.port = probe.getsockname()[1]
    controller = Controller(box, hostname="127.0.0.1", port=box.port)
    controller.start()
    try:
        yield box
    finally:
        controller.stop()


class LinkCheckPages(http.server.BaseHTTPRequestHandler):
    """Loopback pages for the link checker: fine, missing, looping and slow."""

    def do_HEAD(self):
        self.do_GET(body=False)

    def do_GET(self, body=True):
        if self.path == "/ok":
            self.send_response(200)
        elif self.path == "/loop":
            self.send_response(302)
            self.send_header("Location", "/loop")
        elif self.path == "/slow":
            time.sleep(2)
            self.send_response(200)
        elif self.path == "/no-head" and self.command == "HEAD":
            self.send_response(405)
        elif self.path == "/no-head":
            self.send_response(200)
        else:
            self.send_response(404)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


@contextmanager
def link_check_site() -> Iterator[str]:
    """A web server on loopback serving ``LinkCheckPages``; yields its base URL."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), LinkCheckPages)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
