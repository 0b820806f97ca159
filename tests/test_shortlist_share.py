"""A shortlist shared as a signed link: opened in another browser (read-only, printable, as
CSV), expiring after the days the buyer is shown, sent by e-mail through a real SMTP server,
and showing published enterprises only."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime, timedelta, timezone

import pytest
from babel.dates import format_date
from sqlalchemy import select

from knowledgebase import models as m
from knowledgebase.extensions import db
from knowledgebase.services.procurement import shortlist_share as share
from tests.curation_support import csrf_token
from tests.test_buyers import fictional_suppliers
from tests.test_shortlist import EKSJO, KALMAR, add

BASE = "https://kunskapsbank.example.org"


def shared_link(client) -> str:
    """Share the client's shortlist; the path of the link it gets."""
    response = client.get("/sv/shortlist/share")
    assert response.status_code == 303
    path = response.headers["Location"]
    assert path.startswith("/sv/shortlist/shared/") and path.endswith("?made=1")
    return path.removesuffix("?made=1")


@pytest.fixture
def buyer(app, client, make_entry):
    """A buyer whose shortlist holds two fictional enterprises."""
    app.config["BASE_URL"] = BASE
    fictional_suppliers(make_entry)
    add(client, EKSJO)
    add(client, KALMAR)
    return client


def test_a_shared_link_shows_the_list_in_another_browser(app, buyer):
    path = shared_link(buyer)
    made = buyer.get(path + "?made=1").get_data(as_text=True)
    assert f'value="{BASE}{path}"' in made  # the link to copy, under the public address
    expires = format_date(date.today() + timedelta(days=30), "long", locale="sv")
    assert f"Länken fungerar till och med {expires}." in made

    colleague = app.test_client()  # another browser: no session, no shortlist of its own
    page = colleague.get(path)
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Fiktiva Städkooperativet i Eksjö" in html and "Fiktiva Putsarna i Kalmar" in html
    assert expires in html
    assert "Ta bort från kortlistan" not in html and "Remove from shortlist" not in html  # read-only
    assert colleague.get("/sv/shortlist").get_data(as_text=True).count("Fiktiva") == 0

    rows = list(csv.reader(io.StringIO(colleague.get(path + "/shortlist.csv").get_data(as_text=True).lstrip("\ufeff"))))
    assert [row[0] for row in rows[1:]] == ["Fiktiva Städkooperativet i Eksjö", "Fiktiva Putsarna i Kalmar"]
    printable = colleague.get(path + "/print?route=reserved")
    assert printable.status_code == 200 and "Fiktiva Putsarna i Kalmar" in printable.get_data(as_text=True)
    english = colleague.get(path.replace("/sv/", "/en/", 1)).get_data(as_text=True)
    assert "The link works until" in english


def test_the_link_keeps_the_list_as_it_was_and_shows_published_enterprises_only(app, buyer, make_entry):
    path = shared_link(buyer)
    add(buyer, "fiktiva-tradgarden-vetlanda")  # a later change to the buyer's own list
    with app.app_context():
        enterprise = db.session.scalars(select(m.Enterprise).where(m.Enterprise.slug == KALMAR)).one()
        enterprise.status = "archived"
        db.session.commit()
    html = app.test_client().get(path).get_data(as_text=True)
    assert "Fiktiva Städkooperativet i Eksjö" in html
    assert "Fiktiva Putsarna i Kalmar" not in html and "Fiktiva Trädgården i Vetlanda" not in html
    # A link signed by the site that names a draft shows nothing of it.
    make_entry("enterprise", slug="fiktivt-utkast", title={"sv": "Fiktivt Hemligt Utkast"}, status="draft")
    with app.app_context():
        token = share.make_token(["fiktivt-utkast", EKSJO], app.config["SECRET_KEY"])
    html = app.test_client().get(f"/sv/shortlist/shared/{token}").get_data(as_text=True)
    assert "Fiktivt Hemligt Utkast" not in html and "Fiktiva Städkooperativet i Eksjö" in html
    csv_text = app.test_client().get(f"/sv/shortlist/shared/{token}/shortlist.csv").get_data(as_text=True)
    assert "Fiktivt Hemligt Utkast" not in csv_text


def test_expired_changed_and_foreign_links_are_refused(app, buyer):
    path = shared_link(buyer)
    token = path.rsplit("/", 1)[1]
    secret = app.config["SECRET_KEY"]
    now = datetime.now(timezone.utc)
    assert share.read_token(token, secret, 30, now + timedelta(days=29)).slugs == [EKSJO, KALMAR]
    with pytest.raises(share.ShareExpired) as expired:
        share.read_token(token, secret, 30, now + timedelta(days=31))
    assert expired.value.expired_on == (now + timedelta(days=30)).date()

    app.config["SHORTLIST_SHARE_DAYS"] = 0
    response = app.test_client().get(path)
    assert response.status_code == 410
    assert "Länken har gått ut" in response.get_data(as_text=True)
    app.config["SHORTLIST_SHARE_DAYS"] = 30

    colleague = app.test_client()
    changed = token[:-3] + ("AAA" if not token.endswith("AAA") else "BBB")
    assert colleague.get(f"/sv/shortlist/shared/{changed}").status_code == 404
    foreign = share.make_token([EKSJO], "another-secret-key-that-is-not-ours")
    assert colleague.get(f"/sv/shortlist/shared/{foreign}").status_code == 404
    with app.app_context():
        odd = share._serializer(secret).dumps({"not": "a list"})
    assert colleague.get(f"/sv/shortlist/shared/{odd}").status_code == 404
    assert colleague.get(f"/sv/shortlist/shared/{odd}/shortlist.csv").status_code == 404
    # An empty shortlist has nothing to share.
    assert colleague.get("/sv/shortlist/share").headers["Location"] == "/sv/shortlist"


def test_sending_the_link_by_email(app, buyer, smtp_server):
    path = shared_link(buyer)
    colleague = app.test_client()
    page = colleague.get(path).get_data(as_text=True)
    token = csrf_token(page)
    assert colleague.post(path, data={"email": "kollega@example.org"}).status_code == 400  # no CSRF token

    refused = colleague.post(path, data={"csrf_token": token, "email": "inte en adress"})
    assert refused.status_code == 422 and not smtp_server.messages

    sent = colleague.post(path, data={"csrf_token": token, "email": "kollega@example.org"})
    assert sent.status_code == 303
    assert "Länken har skickats." in colleague.get(path).get_data(as_text=True)
    [message] = smtp_server.to("kollega@example.org")
    assert not message.is_multipart() and message.get_content_type() == "text/plain"  # no markup
    body = message.get_content()
    assert f"{BASE}{path}" in body
    assert "- Fiktiva Städkooperativet i Eksjö" in body and "- Fiktiva Putsarna i Kalmar" in body
    assert format_date(date.today() + timedelta(days=30), "long", locale="sv") in body
    with app.app_context():
        logged = db.session.scalars(select(m.ReminderLog).where(m.ReminderLog.recipient == "kollega@example.org")).one()
        assert (logged.kind, logged.status) == ("shortlist_share", "sent")

    # A robot that fills in the hidden field is answered as usual and nothing is sent.
    colleague.post(path, data={"csrf_token": token, "email": "robot@example.org", "homepage": "x"})
    assert not smtp_server.to("robot@example.org")


def test_sending_is_rate_limited(app, buyer, smtp_server):
    path = shared_link(buyer)
    colleague = app.test_client()
    token = csrf_token(colleague.get(path).get_data(as_text=True))
    answers = [colleague.post(path, data={"csrf_token": token, "email": f"kollega{n}@example.org"}).status_code
               for n in range(6)]
    assert answers == [303] * 5 + [429]
    assert len(smtp_server.messages) == 5
