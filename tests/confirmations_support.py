"""Helpers shared by the confirmations test modules."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo


from knowledgebase import models as m
from knowledgebase.extensions import db
from tests.curation_support import (
    add_entry,
)


TODAY = date.today()
# The day a link sent now expires, as the mail shows it: in the site's time zone, where it
# may already be tomorrow (the mail gives the link's expiry, 30 days after it was sent).
LINK_EXPIRES = (datetime.now(ZoneInfo("Europe/Stockholm")) + timedelta(days=30)).date()
BASE = "https://kunskapsbank.example.org"
LINK = re.compile(re.escape(BASE) + r"(/(?:sv|en)/confirm/\d+/[A-Za-z0-9_-]+)")


def enterprise(app, **fields) -> int:
    data = {"status": "published", "email": "info@fiktiva.example.org", "phone": "036-11 11 11",
            "municipalities": ["0680"], **fields}
    return add_entry(app, "enterprise", **data)


def text_of(message) -> str:
    return message.get_body(("plain",)).get_content()


def link_in(message) -> str:
    return LINK.search(text_of(message)).group(1)


def send_request(app, client, entry_id: int) -> None:
    response = client.post(f"/admin/upkeep/requests/{entry_id}")
    assert response.status_code == 302


def in_english(client):
    """The editorial area in English (it follows the browser, else Swedish)."""
    client.post("/auth/language", data={"lang": "en"})
    return client


def entry_row(app, entry_id: int):
    """The entry as it is in the database now (detached, every column loaded)."""
    with app.app_context():
        entry = db.session.get(m.Entry, entry_id)
        db.session.refresh(entry)  # the enterprise's own columns too
        db.session.expunge(entry)
        return entry
