"""Keeping it true: e-mail through a real SMTP server on loopback, the link checker against
pages served on loopback, and duplicate warnings."""

from __future__ import annotations

import http.server
import socket
import threading
import time
from email import message_from_bytes
from email.policy import default as default_policy

import pytest
from aiosmtpd.controller import Controller

from knowledgebase import mail
from knowledgebase.services.duplicates import likely_duplicates, name_key
from knowledgebase.services.links import check_urls, published_links


class Mailbox:
    """An aiosmtpd handler that keeps every message it receives."""

    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(message_from_bytes(envelope.content, policy=default_policy))
        return "250 OK"


@pytest.fixture
def smtp_server(app):
    mailbox = Mailbox()
    with socket.socket() as probe:  # a free port on loopback
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(mailbox, hostname="127.0.0.1", port=port)
    controller.start()
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=port)
    yield mailbox
    controller.stop()


def test_mail_reaches_the_smtp_server_as_text_and_html(app, smtp_server):
    with app.app_context():
        sent = mail.send([mail.Mail(to="fiktiv@example.org", subject="Hej från kunskapsbanken",
                                    text="Hej! Åäö fungerar.", html="<p>Hej! <b>Åäö</b> fungerar.</p>",
                                    headers={"List-Unsubscribe": "<https://example.org/avregistrera>"})])
    assert sent == 1
    [message] = smtp_server.messages
    assert message["To"] == "fiktiv@example.org"
    assert message["Subject"] == "Hej från kunskapsbanken"
    assert message["List-Unsubscribe"] == "<https://example.org/avregistrera>"
    assert message.get_body(("plain",)).get_content().strip() == "Hej! Åäö fungerar."
    assert "<b>Åäö</b>" in message.get_body(("html",)).get_content()


class _Pages(http.server.BaseHTTPRequestHandler):
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


@pytest.fixture
def loopback_site():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Pages)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()


def test_link_checker_tells_good_from_broken(loopback_site):
    results = {r.url.rsplit("/", 1)[1]: r for r in check_urls(
        [f"{loopback_site}/{p}" for p in ("ok", "missing", "loop", "slow", "no-head")],
        concurrency=3, timeout=0.5)}
    assert results["ok"].ok and results["ok"].status == 200
    assert results["no-head"].ok
    assert not results["missing"].ok and results["missing"].status == 404
    assert not results["loop"].ok and results["loop"].error == "too many redirects"
    assert not results["slow"].ok and results["slow"].error == "time-out"


def test_only_published_links_are_collected(app, make_entry):
    make_entry("research", url="https://example.org/publicerad",
               sources=[{"title": "Fiktiv källa", "url": "https://example.org/kalla"}])
    make_entry("research", status="draft", url="https://example.org/utkast")
    with app.app_context():
        links = published_links()
    assert set(links) == {"https://example.org/publicerad", "https://example.org/kalla"}


def test_duplicates_by_org_number_and_similar_name(app, make_entry):
    make_entry("enterprise", slug="fiktiva-fixarna", title={"sv": "Kooperativet Fiktiva Fixarna"},
               org_number="556677-8899", municipalities=["0662"])
    make_entry("enterprise", slug="annat", title={"sv": "Helt Annat Företag"}, municipalities=["0662"])
    with app.app_context():
        by_number = likely_duplicates("Nytt namn", "556677-8899", ["0180"])
        assert [(e.slug, why) for e, why in by_number] == [("fiktiva-fixarna", "org_number")]
        by_name = likely_duplicates("Fiktiva Fixarna ekonomisk förening", "", ["0662"])
        assert [(e.slug, why) for e, why in by_name] == [("fiktiva-fixarna", "similar_name")]
        assert likely_duplicates("Fiktiva Fixarna", "", ["0180"]) == []


def test_name_key_ignores_form_words_and_accents():
    assert name_key("Kooperativet Veteaxet ek. för.") == name_key("veteaxet")
    assert name_key("Högsby Städ AB") == "hogsby stad"
