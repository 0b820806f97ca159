"""Buyers' needs: a buyer posts a need without an account, advisers check and send it to the
matching social enterprises, they answer, the buyer sees the interested ones, and the outcome
reaches the advisers' impact page. All names and addresses are fictional."""

from __future__ import annotations

from sqlalchemy import select

from knowledgebase import models as m
from knowledgebase.extensions import db
from tests.confirmations_support import text_of
from tests.needs_support import BUYER, link, need_form


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
