"""Enterprises confirm their own entry through a one-time link: sent by an adviser for one
entry or a county, received by a real SMTP server on loopback; single-use, expiring, scoped
to one entry, stored only as a hash; one click confirms everything, corrections wait for
review. Ends with the whole story as one test."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo
from pathlib import Path

import pytest
from babel.dates import format_date
from sqlalchemy import select

from knowledgebase import freshness
from knowledgebase import models as m
from knowledgebase.extensions import db
from knowledgebase.models.base import now_utc
from knowledgebase.services.upkeep import provenance
from tests.curation_support import (
    PASSWORD,
    STATE_CHANGING,
    accessibility_problems,
    add_entry,
    add_user,
    csrf_token,
    logged_in_client,
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


@pytest.fixture
def adviser(mail_app):
    return in_english(logged_in_client(mail_app, "adviser"))


def entry_row(app, entry_id: int):
    with app.app_context():
        entry = db.session.get(m.Entry, entry_id)
        db.session.refresh(entry)  # the enterprise's own columns too
        db.session.expunge(entry)
        return entry


def test_request_mail_in_swedish_by_default_with_an_unsubscribe_link(mail_app, mailbox, adviser):
    entry_id = enterprise(mail_app, title={"sv": "Fiktiva Fixarna"})
    send_request(mail_app, adviser, entry_id)
    [message] = mailbox.to("info@fiktiva.example.org")
    assert "Fiktiva Fixarna" in message["Subject"]
    body = text_of(message)
    html = message.get_body(("html",)).get_content()
    assert link_in(message).startswith(f"/sv/confirm/{entry_id}/")
    assert '<html lang="sv">' in html and link_in(message) in html
    expires = format_date(LINK_EXPIRES, "long", locale="sv")
    assert expires in body  # the date in Swedish
    unsubscribe = message["List-Unsubscribe"].strip("<>")
    assert unsubscribe.startswith(f"{BASE}/sv/unsubscribe/reminders/{entry_id}/")
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert unsubscribe in body and unsubscribe.replace("&", "&amp;") in html


def test_the_token_is_never_stored_in_clear(mail_app, mailbox, adviser):
    entry_id = enterprise(mail_app)
    send_request(mail_app, adviser, entry_id)
    token = link_in(mailbox.messages[0]).rsplit("/", 1)[1]
    with mail_app.app_context():
        for table in db.metadata.sorted_tables:
            for row in db.session.execute(select(table)):
                assert token not in repr(tuple(row)), table.name
        [request_row] = db.session.scalars(select(m.ConfirmationRequest)).all()
        import hashlib
        assert request_row.token_hash == hashlib.sha256(token.encode()).hexdigest()
        db.session.remove()
        db.engine.dispose()
    data_dir = Path(mail_app.config["DATA_DIR"])
    for path in data_dir.glob("knowledgebase.sqlite*"):
        assert token.encode() not in path.read_bytes(), path.name


def test_one_click_confirms_every_fact_and_the_link_works_once(mail_app, mailbox, adviser):
    entry_id = enterprise(mail_app, org_number="556016-0680", last_verified="2024-01-10")
    send_request(mail_app, adviser, entry_id)
    link = link_in(mailbox.messages[0])
    public = mail_app.test_client()
    page = public.get(link)
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert page.headers["Cache-Control"] == "no-store, private"
    assert 'value="036-11 11 11"' in html and 'name="confirm_all"' in html
    assert accessibility_problems(html) == []
    response = public.post(link, data={"confirm_all": "1", "contact_lang": "sv"})
    assert response.status_code == 302 and response.headers["Location"].endswith("/sv/confirm/done")
    with mail_app.app_context():
        rows = {row.fact_key: row for row in db.session.scalars(select(m.FactProvenance))}
        assert set(rows) == {f.key for f in provenance.facts_for("enterprise")}
        assert {(row.source_kind, row.confirmed_by, row.confirmed_at) for row in rows.values()} == {
            ("enterprise", "the enterprise", TODAY)}
        assert db.session.get(m.EntryUpkeep, entry_id).confirmed_at == TODAY
    # Used once: neither showing nor confirming works again.
    assert public.get(link).status_code == 410
    assert public.post(link, data={"confirm_all": "1"}).status_code == 410
    page = public.get("/en/enterprises/" + entry_row(mail_app, entry_id).slug).get_data(as_text=True)
    assert f"Confirmed by the enterprise, {format_date(TODAY, 'LLLL y', locale='en')}" in page


def test_links_expire_are_replaced_and_are_scoped_to_one_entry(mail_app, mailbox, adviser):
    first_id, second_id = enterprise(mail_app), enterprise(mail_app, email="annan@fiktiva.example.org")
    send_request(mail_app, adviser, first_id)
    send_request(mail_app, adviser, second_id)
    link = link_in(mailbox.to("info@fiktiva.example.org")[0])
    token = link.rsplit("/", 1)[1]
    public = mail_app.test_client()
    # The token of one entry does not open another.
    assert public.get(f"/sv/confirm/{second_id}/{token}").status_code == 404
    assert public.post(f"/sv/confirm/{second_id}/{token}", data={"confirm_all": "1"}).status_code == 404
    assert public.get(f"/sv/confirm/{first_id}/{'x' * 43}").status_code == 404
    # A newer link replaces the older.
    send_request(mail_app, adviser, first_id)
    newer = link_in(mailbox.to("info@fiktiva.example.org")[1])
    assert public.get(link).status_code == 410
    assert "newer link" in public.get(link.replace("/sv/", "/en/", 1)).get_data(as_text=True)
    assert public.get(newer).status_code == 200
    with mail_app.app_context():
        row = db.session.scalars(select(m.ConfirmationRequest).where(
            m.ConfirmationRequest.entry_id == first_id, m.ConfirmationRequest.closed_at.is_(None))).one()
        row.expires_at = now_utc() - timedelta(seconds=1)
        db.session.commit()
    assert public.get(newer).status_code == 410
    assert "expired" in public.get(newer.replace("/sv/", "/en/", 1)).get_data(as_text=True)
    with mail_app.app_context():
        assert db.session.scalar(select(db.func.count(m.FactProvenance.id))) == 0


def test_a_correction_waits_for_review_and_unchanged_facts_are_confirmed(mail_app, mailbox, adviser):
    entry_id = enterprise(mail_app, website="https://fiktiva.example.org")
    send_request(mail_app, adviser, entry_id)
    link = link_in(mailbox.messages[0])
    public = mail_app.test_client()
    bad = public.post(link, data={"send_changes": "1", "email": "info@fiktiva.example.org", "phone": "ring oss",
                                  "municipalities": ["0680"], "contact_lang": "en"})
    assert bad.status_code == 422
    assert 'class="error-summary"' in bad.get_data(as_text=True) and 'href="#phone"' in bad.get_data(as_text=True)
    response = public.post(link, data={
        "send_changes": "1", "email": "info@fiktiva.example.org", "phone": "036-22 22 22",
        "website": "https://fiktiva.example.org", "municipalities": ["0680"], "contact_lang": "en",
        "message": "Nytt nummer sedan mars."})
    assert response.status_code == 302 and "changes=1" in response.headers["Location"]
    with mail_app.app_context():
        row = db.session.scalars(select(m.ConfirmationRequest)).one()
        assert row.outcome == "changes" and row.changes == {"phone": "036-22 22 22"}
        suggestion = db.session.get(m.Suggestion, row.suggestion_id)
        assert (suggestion.kind, suggestion.status, suggestion.field) == ("correction", "waiting", "contact")
        assert "036-11 11 11 → 036-22 22 22" in suggestion.proposed
        assert f"{BASE}/admin/upkeep/changes/{row.id}" in suggestion.message
        assert "Nytt nummer sedan mars." in suggestion.message
        facts = {r.fact_key for r in db.session.scalars(select(m.FactProvenance))}
        assert "phone" not in facts and {"email", "website", "area"} <= facts
        assert db.session.get(m.EntryUpkeep, entry_id).lang == "en"
        request_id = row.id
    # Published only after review.
    assert entry_row(mail_app, entry_id).phone == "036-11 11 11"
    assert public.get(link).status_code == 410
    page = adviser.get(f"/admin/upkeep/changes/{request_id}").get_data(as_text=True)
    assert "036-22 22 22" in page
    response = adviser.post(f"/admin/upkeep/changes/{request_id}/apply",
                            data={"version": str(entry_row(mail_app, entry_id).version)})
    assert response.status_code == 302
    entry = entry_row(mail_app, entry_id)
    assert entry.phone == "036-22 22 22"
    with mail_app.app_context():
        phone = db.session.scalars(select(m.FactProvenance).where(m.FactProvenance.fact_key == "phone")).one()
        assert (phone.source_kind, phone.confirmed_at, phone.value) == ("enterprise", TODAY, {"phone": "036-22 22 22"})
        assert db.session.get(m.Suggestion, db.session.get(m.ConfirmationRequest, request_id).suggestion_id).status \
            == "accepted"
        assert [r.action for r in db.session.scalars(select(m.Revision).where(m.Revision.entry_id == entry_id))] \
            == ["baseline", "edit"]
    # Handled once.
    assert adviser.post(f"/admin/upkeep/changes/{request_id}/apply").status_code == 302
    assert entry_row(mail_app, entry_id).version == entry.version


def test_rejected_changes_leave_the_entry_alone(mail_app, mailbox, adviser):
    entry_id = enterprise(mail_app)
    send_request(mail_app, adviser, entry_id)
    link = link_in(mailbox.messages[0])
    mail_app.test_client().post(link, data={"send_changes": "1", "email": "info@fiktiva.example.org",
                                            "phone": "036-99 99 99", "municipalities": ["0680"]})
    with mail_app.app_context():
        request_id = db.session.scalars(select(m.ConfirmationRequest.id)).one()
    assert adviser.post(f"/admin/upkeep/changes/{request_id}/reject", data={"note": ""}).status_code == 422
    assert adviser.post(f"/admin/upkeep/changes/{request_id}/reject", data={"note": "Fel nummer."}).status_code == 302
    assert entry_row(mail_app, entry_id).phone == "036-11 11 11"
    with mail_app.app_context():
        assert db.session.scalars(select(m.Suggestion.status)).one() == "rejected"


def test_county_requests_skip_what_cannot_be_sent_and_record_bounces(mail_app, mailbox, adviser):
    sent = enterprise(mail_app, title={"sv": "Fiktiva Jönköping"})
    enterprise(mail_app, title={"sv": "Fiktiv utan e-post"}, email="")
    bounced = enterprise(mail_app, title={"sv": "Fiktiv studsar"}, email="bounce@fiktiva.example.org")
    enterprise(mail_app, title={"sv": "Fiktiv i Växjö"}, email="vaxjo@fiktiva.example.org", municipalities=["0780"])
    enterprise(mail_app, title={"sv": "Fiktivt utkast"}, email="utkast@fiktiva.example.org", status="draft")
    response = adviser.post("/admin/upkeep/requests/county", data={"county-county": "06"}, follow_redirects=True)
    html = response.get_data(as_text=True)
    assert [message["To"] for message in mailbox.messages] == ["info@fiktiva.example.org"]
    assert "Sent 1 confirmation request." in html
    assert "Not sent for Fiktiv utan e-post" in html
    assert "Not delivered to bounce@fiktiva.example.org: 550" in html
    with mail_app.app_context():
        logs = {(r.entry_id, r.status) for r in db.session.scalars(select(m.ReminderLog))}
        assert logs == {(sent, "sent"), (bounced, "bounced")}
    assert "bounce@fiktiva.example.org" in adviser.get("/admin/upkeep").get_data(as_text=True)


def test_the_contact_can_choose_english_and_unsubscribe(mail_app, mailbox, adviser):
    entry_id = enterprise(mail_app, title={"sv": "Fiktiva Fixarna", "en": "The Fictional Fixers"})
    send_request(mail_app, adviser, entry_id)
    public = mail_app.test_client()
    public.post(link_in(mailbox.messages[0]), data={"confirm_all": "1", "contact_lang": "en"})
    mailbox.clear()
    send_request(mail_app, adviser, entry_id)
    [message] = mailbox.messages
    assert message["Subject"] == "Is the information about The Fictional Fixers still right?"
    assert link_in(message).startswith("/en/confirm/")
    assert format_date(LINK_EXPIRES, "long", locale="en") in text_of(message)
    unsubscribe = message["List-Unsubscribe"].strip("<>").removeprefix(BASE)
    # Asking first: a link scanner's GET changes nothing.
    assert "Stop the e-mails" in public.get(unsubscribe).get_data(as_text=True)
    assert public.get(unsubscribe[:-4] + "AAAA").status_code == 404
    assert public.post(unsubscribe).status_code == 200
    with mail_app.app_context():
        assert db.session.get(m.EntryUpkeep, entry_id).reminders_off_at is not None
    mailbox.clear()
    html = adviser.post(f"/admin/upkeep/requests/{entry_id}", follow_redirects=True).get_data(as_text=True)
    assert mailbox.messages == [] and "asked not to get these e-mails" in html


def test_upkeep_pages_are_for_advisers(mail_app):
    entry_id = enterprise(mail_app)
    contributor = logged_in_client(mail_app, "contributor")
    for path in ("/admin/upkeep", f"/admin/upkeep/entries/{entry_id}"):
        assert contributor.get(path).status_code == 403
    assert contributor.post(f"/admin/upkeep/requests/{entry_id}").status_code == 403
    assert contributor.post("/admin/upkeep/requests/county", data={"county-county": "06"}).status_code == 403
    assert mail_app.test_client().get("/admin/upkeep").status_code == 302
    admin = in_english(logged_in_client(mail_app, "admin"))
    html = admin.get("/admin/upkeep").get_data(as_text=True)
    assert accessibility_problems(html) == []
    assert 'href="/admin/upkeep"' in admin.get("/admin/").get_data(as_text=True)


def test_forms_refuse_a_missing_csrf_token(tmp_path, mailbox):
    from tests.conftest import close_app, make_curation_app

    app = make_curation_app(tmp_path, WTF_CSRF_ENABLED=True, MAIL_SERVER="127.0.0.1", MAIL_PORT=mailbox.port,
                            BASE_URL=BASE)
    try:
        email = add_user(app, "adviser")
        client = app.test_client()
        token = csrf_token(client.get("/auth/login").get_data(as_text=True))
        response = client.post("/auth/login", data={"email": email, "password": PASSWORD, "csrf_token": token})
        assert response.status_code == 302
        entry_id = enterprise(app)
        assert client.post(f"/admin/upkeep/requests/{entry_id}").status_code == 400
        page = client.get("/admin/upkeep").get_data(as_text=True)
        response = client.post(f"/admin/upkeep/requests/{entry_id}", data={"csrf_token": csrf_token(page)})
        assert response.status_code == 302
        link = link_in(mailbox.messages[0]).replace(BASE, "")
        public = app.test_client()
        assert public.post(link, data={"confirm_all": "1"}).status_code == 400
        form = public.get(link).get_data(as_text=True)
        assert public.post(link, data={"confirm_all": "1", "csrf_token": csrf_token(form)}).status_code == 302
    finally:
        close_app(app)


def test_keeping_it_true_end_to_end(mail_app, mailbox):
    """An adviser asks a county; one enterprise confirms in one click, another corrects its
    phone number; after review the public pages show the new dates and the correction; a
    stale entry says "not confirmed since"; a subscriber to Vetlanda hears of a new
    enterprise there."""
    month = format_date(TODAY, "LLLL y", locale="en")
    old = freshness.months_before(TODAY, 13)
    fixarna = enterprise(mail_app, slug="fiktiva-fixarna", title={"sv": "Fiktiva Fixarna"},
                         email="fixarna@example.org", last_verified=old)
    bagarna = enterprise(mail_app, slug="fiktiva-bagarna", title={"sv": "Fiktiva Bagarna"},
                         email="bagarna@example.org", phone="036-33 33 33", last_verified=old)
    enterprise(mail_app, slug="fiktiva-gamla", title={"sv": "Fiktiva Gamla"}, email="", last_verified=old)
    public = mail_app.test_client()
    assert "Not confirmed since" in public.get("/en/enterprises/fiktiva-bagarna").get_data(as_text=True)

    # A reader follows Vetlanda (double opt-in).
    public.post("/sv/alerts", data={"email": "foljare@example.org", "municipality": "0685"})
    confirm = re.search(r"/sv/alerts/confirm/\S+", text_of(mailbox.to("foljare@example.org")[0])).group(0)
    assert public.post(confirm).status_code == 200

    # The adviser asks every enterprise in Jönköpings län.
    adviser = logged_in_client(mail_app, "adviser")
    adviser.post("/admin/upkeep/requests/county", data={"county-county": "06"})
    [to_fixarna] = mailbox.to("fixarna@example.org")
    [to_bagarna] = mailbox.to("bagarna@example.org")

    # One confirms in one click; the other corrects its phone number.
    assert public.post(link_in(to_fixarna), data={"confirm_all": "1"}).status_code == 302
    assert public.post(link_in(to_bagarna), data={
        "send_changes": "1", "email": "bagarna@example.org", "phone": "036-44 44 44",
        "municipalities": ["0680"]}).status_code == 302
    assert "036-44 44 44" not in public.get("/en/enterprises/fiktiva-bagarna").get_data(as_text=True)

    # The adviser reviews the correction from the upkeep page.
    upkeep = adviser.get("/admin/upkeep").get_data(as_text=True)
    review = re.search(r'href="(/admin/upkeep/changes/\d+)"', upkeep).group(1)
    assert "036-44 44 44" in adviser.get(review).get_data(as_text=True)
    version = entry_row(mail_app, bagarna).version
    assert adviser.post(review + "/apply", data={"version": str(version)}).status_code == 302

    page = public.get("/en/enterprises/fiktiva-bagarna").get_data(as_text=True)
    assert "036-44 44 44" in page and "036-33 33 33" not in page
    assert f"Confirmed by the enterprise, {month}" in page and "Not confirmed since" not in page
    page = public.get("/en/enterprises/fiktiva-fixarna").get_data(as_text=True)
    assert f"Confirmed by the enterprise, {month}" in page and "Not confirmed since" not in page
    page = public.get("/en/enterprises/fiktiva-gamla").get_data(as_text=True)
    assert f"Not confirmed since {format_date(old, 'LLLL y', locale='en')}" in page
    listing = public.get("/en/enterprises/?fresh=1").get_data(as_text=True)
    assert "Fiktiva Fixarna" in listing and "Fiktiva Bagarna" in listing and "Fiktiva Gamla" not in listing
    with mail_app.app_context():
        assert {e.id for e in db.session.scalars(select(m.Entry))} >= {fixarna, bagarna}

    # A new enterprise in Vetlanda is written, reviewed and published: the follower hears of it.
    response = adviser.post("/admin/entries/new/enterprise", data={
        "title_sv": "Fiktiva Vetlandasnickarna", "slug": "fiktiva-vetlandasnickarna",
        "summary_sv": "Ett påhittat snickeri i Vetlanda.", "municipalities": ["0685"],
        "sources": "Fiktiv källa | https://example.org/kalla"})
    new_id = int(response.headers["Location"].rsplit("/", 1)[1])
    for action in ("submit", "publish"):
        adviser.post(f"/admin/entries/{new_id}/status",
                     data={"action": action, "version": str(entry_row(mail_app, new_id).version)})
    assert entry_row(mail_app, new_id).status == "published"
    [alert] = [message for message in mailbox.to("foljare@example.org") if "Vetlandasnickarna" in message["Subject"]]
    assert f"{BASE}/sv/enterprises/fiktiva-vetlandasnickarna" in text_of(alert)
    assert alert["List-Unsubscribe"].startswith(f"<{BASE}/sv/unsubscribe/alerts/")


def test_an_adviser_sets_the_contact_and_a_new_address_starts_afresh(mail_app, mailbox, adviser):
    entry_id = enterprise(mail_app)
    with mail_app.app_context():
        db.session.add(m.EntryUpkeep(entry_id=entry_id, reminders_off_at=now_utc()))
        db.session.commit()
    response = adviser.post(f"/admin/upkeep/entries/{entry_id}", data={
        "contact-email": "kontakt@fiktiva.example.org", "contact-lang": "en", "contact-submit": "1"})
    assert response.status_code == 302
    with mail_app.app_context():
        row = db.session.get(m.EntryUpkeep, entry_id)
        assert (row.email, row.lang, row.reminders_off_at) == ("kontakt@fiktiva.example.org", "en", None)
    send_request(mail_app, adviser, entry_id)
    assert [message["To"] for message in mailbox.messages] == ["kontakt@fiktiva.example.org"]
    bad = adviser.post(f"/admin/upkeep/entries/{entry_id}", data={
        "contact-email": "inte en adress", "contact-lang": "sv", "contact-submit": "1"})
    assert bad.status_code == 422 and "There is a problem" in bad.get_data(as_text=True)


# The upkeep routes of the list of every state-changing route.
POSTS = {endpoint: path for endpoint, path in STATE_CHANGING.items()
         if endpoint.startswith(("admin.upkeep_", "public.confirm_", "public.alerts_", "public.report_outdated"))}


def test_every_upkeep_form_refuses_a_missing_csrf_token(tmp_path, mailbox):
    """All but unsubscribing, which mail programs post to directly (RFC 8058) and which
    carries its own proof (an HMAC in the link)."""
    from tests.conftest import close_app, make_curation_app

    app = make_curation_app(tmp_path, WTF_CSRF_ENABLED=True, MAIL_SERVER="127.0.0.1", MAIL_PORT=mailbox.port)
    try:
        ours = {rule.endpoint for rule in app.url_map.iter_rules() if "POST" in rule.methods
                and ("upkeep" in rule.rule or rule.endpoint in POSTS or rule.endpoint == "public.unsubscribe")}
        assert ours == set(POSTS) | {"public.unsubscribe"}
        email = add_user(app, "admin")
        client = app.test_client()
        token = csrf_token(client.get("/auth/login").get_data(as_text=True))
        assert client.post("/auth/login", data={"email": email, "password": PASSWORD,
                                                "csrf_token": token}).status_code == 302
        entry_id = enterprise(app, slug="fiktiv-csrf")
        for endpoint, path in POSTS.items():
            response = client.post(path.format(entry=entry_id, slug="fiktiv-csrf"),
                                   data={"county-county": "06", "email": "x@example.org", "municipality": "0685"})
            assert response.status_code == 400, endpoint
        assert mailbox.messages == []
    finally:
        close_app(app)


@pytest.mark.browser
def test_upkeep_pages_pass_axe_and_the_html_checker(mail_app, mailbox, adviser, tmp_path):
    """The pages no public list reaches (they need a link or an account), in a real browser."""
    import tempfile

    from tests.browser import AXE_JS, CHROMIUM, CHROMIUM_ARGS, VNU_JAR, LiveServer, require, run_axe, run_vnu

    require(CHROMIUM, "Chromium")
    require(AXE_JS, "axe-core")
    require(VNU_JAR, "vnu.jar")
    from playwright.sync_api import sync_playwright

    entry_id = enterprise(mail_app, org_number="556016-0680", services=["cleaning"], reserved_contracts=True,
                          reserved_share=40, certifications=["Fiktiv märkning"])
    changed_id = enterprise(mail_app, email="andra@fiktiva.example.org")
    send_request(mail_app, adviser, entry_id)
    send_request(mail_app, adviser, changed_id)
    confirm = link_in(mailbox.to("info@fiktiva.example.org")[0])
    mail_app.test_client().post(link_in(mailbox.to("andra@fiktiva.example.org")[0]), data={
        "send_changes": "1", "email": "andra@fiktiva.example.org", "phone": "036-99 99 99",
        "municipalities": ["0680"]})
    with mail_app.app_context():
        request_id = db.session.scalars(select(m.ConfirmationRequest.id).where(
            m.ConfirmationRequest.outcome == "changes")).one()
    pages = {
        "admin-upkeep": "/admin/upkeep",
        "admin-entry": f"/admin/upkeep/entries/{entry_id}",
        "admin-changes": f"/admin/upkeep/changes/{request_id}",
    }
    public = {"confirm-sv": confirm, "confirm-en": confirm.replace("/sv/", "/en/", 1)}
    files = []
    for name, path in {**pages, **public}.items():
        client = adviser if name.startswith("admin") else mail_app.test_client()
        file = tmp_path / f"{name}.html"
        file.write_bytes(client.get(path).data)
        files.append(file)
    errors = [f'{e["url"].rsplit("/", 1)[1]}:{e.get("lastLine")}: {e["message"]}' for e in run_vnu(files)]
    assert not errors, "\n".join(errors)
    email = add_user(mail_app, "adviser")
    with LiveServer(mail_app) as server, sync_playwright() as playwright, tempfile.TemporaryDirectory() as profile:
        context = playwright.chromium.launch_persistent_context(
            profile, executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True, bypass_csp=True)
        page = context.new_page()
        failures = {}
        for name, path in public.items():
            page.goto(server.url + path)
            failures[name] = run_axe(page)
        page.goto(server.url + "/auth/login")
        page.fill("#email", email)
        page.fill("#password", PASSWORD)
        page.click("#submit")
        page.wait_for_url("**/admin/")
        for name, path in pages.items():
            page.goto(server.url + path)
            failures[name] = run_axe(page)
        context.close()
    assert {name: found for name, found in failures.items() if found} == {}
