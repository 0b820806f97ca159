"""Buyers' needs: a buyer posts a need without an account, advisers check and send it to the
matching social enterprises, they answer, the buyer sees the interested ones, and the outcome
reaches the advisers' impact page. All names and addresses are fictional."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from knowledgebase import models as m
from knowledgebase.extensions import db
from tests.confirmations_support import text_of
from tests.curation_support import accessibility_problems, logged_in_client
from tests.needs_support import BUYER, cleaner, link, need_form

WORDS = {
    "sv": {"not_interested": "Inte intresserade", "capability": "Kapacitetsbeskrivning",
           "value": r"380\s000\skr"},
    "en": {"not_interested": "Not interested", "capability": "Capability statement", "value": r"380,000\skr"},
}


def _need(app) -> m.Need:
    with app.app_context():
        need = db.session.scalars(select(m.Need).order_by(m.Need.id.desc())).first()
        db.session.expunge(need)
        return need


def test_a_need_waits_for_the_buyer_to_confirm_the_address(mail_app, mailbox):
    public = mail_app.test_client()
    assert public.get("/sv/needs/new").status_code == 200
    response = public.post("/sv/needs/new", data=need_form())
    assert response.status_code == 302, response.get_data(as_text=True)
    posted = public.get(response.headers["Location"]).get_data(as_text=True)
    assert "Reserverad upphandling" in posted or "Reserverat kontrakt" in posted
    assert _need(mail_app).status == "unconfirmed"
    [message] = mailbox.to(BUYER)
    assert "Fiktiv städning av ett kontor" in text_of(message)
    confirm = link(message, "confirm")
    assert public.get(confirm).status_code == 200
    assert _need(mail_app).status == "unconfirmed"  # a link scanner's GET confirms nothing
    assert public.post(confirm).status_code == 200
    assert _need(mail_app).status == "waiting"
    assert public.post(confirm).status_code == 410  # the link works once
    assert "/sv/needs/buyer/" in text_of(mailbox.to(BUYER)[-1])


def test_the_form_refuses_bad_input_in_the_visitors_language(mail_app, mailbox):
    public = mail_app.test_client()
    page = public.post("/en/needs/new", data=need_form(
        contact_email="not-an-address", title="<b>Fiktiv</b>", municipalities=[], service="", value="lots",
        deadline="2020-01-01"))
    assert page.status_code == 422
    html = page.get_data(as_text=True)
    for message in ("Write plain text, without HTML.", "Choose a service or enter a CPV code.",
                    "Choose at least one municipality.", "Enter the value in whole kronor",
                    "The deadline cannot be in the past."):
        assert message in html
    swedish = public.post("/sv/needs/new", data=need_form(municipalities=[])).get_data(as_text=True)
    assert "Välj minst en kommun." in swedish
    # Direct award above the direct-award limit: the route guide's rule says no.
    html = public.post("/en/needs/new", data=need_form(value="3 000 000", may_direct_award="y")).get_data(as_text=True)
    assert "above the direct-award limit" in html
    assert mailbox.messages == []


def test_a_robot_that_fills_the_trap_saves_nothing(mail_app, mailbox):
    public = mail_app.test_client()
    assert public.post("/sv/needs/new", data=need_form(homepage="https://spam.example")).status_code == 302
    with mail_app.app_context():
        assert db.session.scalars(select(m.Need)).first() is None
    assert mailbox.messages == []


# -- the whole story ---------------------------------------------------------------------

@pytest.mark.parametrize("lang", ["sv", "en"])
def test_a_buyer_in_vetlanda_finds_social_enterprises_end_to_end(mail_app, mailbox, lang):
    """The issue's story: a cleaning need for Vetlanda worth 400 000 kr that may be reserved
    reaches the two enterprises that clean there and can take reserved contracts, not the
    third; one is interested, one not; the buyer sees the interested one with its capability
    statement, reports a contract of 380 000 kr, and the impact page shows it."""
    words = WORDS[lang]
    first = cleaner(mail_app, "fiktiva-stadarna", capacity="Fiktiv kapacitet: 12 städare")
    # Serves the whole county, mails in English through its tender contact.
    second = cleaner(mail_app, "fiktiva-fonsterputsarna", municipalities=[], counties=["06"],
                     tender_contact_email="anbud@fiktiva-fonsterputsarna.example.org")
    cleaner(mail_app, "fiktiva-vanliga-stadbolaget", reserved_contracts=False)
    with mail_app.app_context():
        db.session.add(m.EntryUpkeep(entry_id=second, lang="en"))
        db.session.commit()

    # The buyer posts the need and confirms the address.
    public = mail_app.test_client()
    form_page = public.get(f"/{lang}/needs/new").get_data(as_text=True)
    assert accessibility_problems(form_page) == []
    assert public.post(f"/{lang}/needs/new", data=need_form()).status_code == 302
    assert public.post(link(mailbox.to(BUYER)[0], "confirm")).status_code == 200
    buyer_page = link(mailbox.to(BUYER)[-1], "buyer")

    # An adviser sees it in the queue, with the two matching enterprises, and sends it.
    adviser = logged_in_client(mail_app, "adviser")
    adviser.post("/auth/language", data={"lang": lang})
    need_id = _need(mail_app).id
    assert f"/admin/needs/{need_id}" in adviser.get("/admin/needs/").get_data(as_text=True)
    review = adviser.get(f"/admin/needs/{need_id}").get_data(as_text=True)
    assert accessibility_problems(review) == []
    assert "Fiktiva Stadarna" in review and "Fiktiva Fonsterputsarna" in review
    assert "Fiktiva Vanliga Stadbolaget" not in review
    assert adviser.post(f"/admin/needs/{need_id}/send").status_code == 302
    [to_first] = mailbox.to("fiktiva-stadarna@example.org")
    [to_second] = mailbox.to("anbud@fiktiva-fonsterputsarna.example.org")
    assert mailbox.to("fiktiva-vanliga-stadbolaget@example.org") == []
    assert "Svara köparen" in to_first.get_body(("html",)).get_content()
    assert "Answer the buyer" in to_second.get_body(("html",)).get_content()
    assert to_first["List-Unsubscribe"]

    # One is interested, the other not; the buyer hears of each.
    answer_first = link(to_first, "answer")
    assert accessibility_problems(public.get(answer_first).get_data(as_text=True)) == []
    assert public.post(answer_first, data={"kind": "interested", "contact_person": "Fiktiv Kontaktperson",
                                           "message": "Vi kan börja i januari."}).status_code == 302
    assert public.post(link(to_second, "answer"), data={"kind": "not_interested",
                                                        "reason": "capacity"}).status_code == 302
    assert public.get(answer_first).status_code == 410  # the link worked once
    assert len(mailbox.to(BUYER)) == 4  # confirm, the page, two answers

    page = public.get(buyer_page.replace("/sv/", f"/{lang}/")).get_data(as_text=True)
    assert accessibility_problems(page) == []
    interested = page.split(words["not_interested"])[0]
    assert "Fiktiva Stadarna" in interested and "Fiktiv kapacitet: 12 städare" in interested
    assert words["capability"] in interested and "Fiktiv Kontaktperson" in interested
    assert "Fiktiva Fonsterputsarna" not in interested
    csv_text = public.get(buyer_page + "/interested.csv").get_data(as_text=True)
    assert "Fiktiva Stadarna" in csv_text and "Fonsterputsarna" not in csv_text

    # After the deadline the buyer is asked, once, and reports the contract.
    with mail_app.app_context():
        db.session.get(m.Need, need_id).deadline = date.today() - timedelta(days=1)
        db.session.commit()
    runner = mail_app.test_cli_runner()
    assert "Sent 1," in runner.invoke(args=["needs", "follow-up"]).output
    assert "Sent 0," in runner.invoke(args=["needs", "follow-up"]).output
    outcome = link(mailbox.to(BUYER)[-1], "outcome")
    assert accessibility_problems(public.get(outcome).get_data(as_text=True)) == []
    assert public.post(outcome, data={"awarded": "yes", "enterprise": str(first), "value": "380 000",
                                      "consent": "y"}).status_code == 302
    assert public.get(outcome).status_code == 410
    enterprise_page = public.get(f"/{lang}/enterprises/fiktiva-stadarna").get_data(as_text=True)
    assert "Fiktiva kommunen (Vetlanda)" in enterprise_page

    impact = adviser.get("/admin/needs/impact").get_data(as_text=True)
    assert accessibility_problems(impact) == []
    assert re.search(words["value"], impact) and "Jönköpings län" in impact
