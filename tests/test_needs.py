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
from tests.needs_support import BUYER, DEADLINE, cleaner, link, need_form

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
    # The statistics count it too: one need in Jönköpings län, awarded.
    figures = {f["key"]: {r["key"]: r["value"] for r in f["rows"]}
               for f in public.get(f"/api/v1/statistics?lang={lang}").get_json()["figures"]}
    assert figures["needs-per-county"]["06"] == figures["needs-awarded-per-county"]["06"] == 1
    assert figures["needs-per-county"]["08"] == 0


# -- advisers, links and limits ----------------------------------------------------------

def _posted_and_confirmed(app, mailbox, **overrides) -> tuple[int, str]:
    """Post a need as the fictional buyer and confirm it: its id and the buyer's page."""
    public = app.test_client()
    mailbox.clear()
    assert public.post("/sv/needs/new", data=need_form(**overrides)).status_code == 302
    buyer = overrides.get("contact_email", BUYER)
    assert public.post(link(mailbox.to(buyer)[0], "confirm")).status_code == 200
    return _need(app).id, link(mailbox.to(buyer)[-1], "buyer")


def test_an_adviser_edits_and_rejects_a_need_with_a_reason(mail_app, mailbox, adviser):
    need_id, page = _posted_and_confirmed(mail_app, mailbox)
    form = {**need_form(title="Fiktiv städning, rättad"), "municipalities": ["0685", "0680"]}
    assert adviser.post(f"/admin/needs/{need_id}", data=form).status_code == 302
    need = _need(mail_app)
    assert need.title == "Fiktiv städning, rättad" and need.status == "waiting"
    assert adviser.post(f"/admin/needs/{need_id}/reject", data={"reject-note": ""}).status_code == 422
    assert adviser.post(f"/admin/needs/{need_id}/reject",
                        data={"reject-note": "Fiktivt skäl: det är inget köp."}).status_code == 302
    assert _need(mail_app).status == "rejected"
    assert "Fiktivt skäl: det är inget köp." in text_of(mailbox.to(BUYER)[-1])
    # A rejected need cannot be sent, and the buyer's page says why.
    assert adviser.post(f"/admin/needs/{need_id}/send").status_code == 302
    assert _need(mail_app).status == "rejected" and mailbox.to("fiktiva-stadarna@example.org") == []
    assert "Fiktivt skäl" in mail_app.test_client().get(page).get_data(as_text=True)


def test_contributors_and_strangers_do_not_reach_the_queue(mail_app):
    assert logged_in_client(mail_app, "contributor").get("/admin/needs/").status_code == 403
    assert mail_app.test_client().get("/admin/needs/impact").status_code == 302


def test_matching_follows_the_cpv_hierarchy_and_whole_counties(mail_app, mailbox, adviser):
    cleaner(mail_app, "fiktiva-stadarna")
    cleaner(mail_app, "fiktiva-lanstadarna", municipalities=[], counties=["06"])
    cleaner(mail_app, "fiktiva-vaxjostadarna", municipalities=["0780"])
    cleaner(mail_app, "fiktiva-tradgardarna", services=["gardening"])
    # A building-cleaning code is in the cleaning category's branch.
    need_id, _page = _posted_and_confirmed(mail_app, mailbox, service="", cpv="90911200", may_reserve="")
    review = adviser.get(f"/admin/needs/{need_id}").get_data(as_text=True)
    assert "Fiktiva Stadarna" in review and "Fiktiva Lanstadarna" in review
    assert "Fiktiva Vaxjostadarna" not in review and "Fiktiva Tradgardarna" not in review


def test_an_enterprise_that_unsubscribes_gets_no_more_needs_and_the_weekly_cap_holds(mail_app, mailbox, adviser):
    cleaner(mail_app, "fiktiva-stadarna")
    mail_app.config["NEEDS_PER_ENTERPRISE_WEEK"] = 1
    first, _page = _posted_and_confirmed(mail_app, mailbox)
    adviser.post(f"/admin/needs/{first}/send")
    [offer] = mailbox.to("fiktiva-stadarna@example.org")
    # The cap: a second need this week is not sent to it, and the preview says why.
    second, _page = _posted_and_confirmed(mail_app, mailbox)
    assert "Already got the most needs for this week" in adviser.get(f"/admin/needs/{second}").get_data(as_text=True)
    adviser.post(f"/admin/needs/{second}/send")
    assert mailbox.to("fiktiva-stadarna@example.org") == []
    # Unsubscribing from the link in the offer.
    mail_app.config["NEEDS_PER_ENTERPRISE_WEEK"] = 10
    unsubscribe = offer["List-Unsubscribe"].strip("<>").replace("https://kunskapsbank.example.org", "")
    public = mail_app.test_client()
    assert public.get(unsubscribe).status_code == 200
    assert public.post(unsubscribe).status_code == 200
    third, _page = _posted_and_confirmed(mail_app, mailbox)
    assert "Asked for no more needs" in adviser.get(f"/admin/needs/{third}").get_data(as_text=True)
    adviser.post(f"/admin/needs/{third}/send")
    assert mailbox.to("fiktiva-stadarna@example.org") == []


def test_nobody_sees_another_buyers_answers(mail_app, mailbox, adviser):
    cleaner(mail_app, "fiktiva-stadarna")
    first, first_page = _posted_and_confirmed(mail_app, mailbox)
    adviser.post(f"/admin/needs/{first}/send")
    answer = link(mailbox.to("fiktiva-stadarna@example.org")[0], "answer")
    public = mail_app.test_client()
    public.post(answer, data={"kind": "interested", "contact_person": "Fiktiv Person", "message": "Hemligt svar"})
    second, second_page = _posted_and_confirmed(mail_app, mailbox, contact_email="annan@fiktiva-kommunen.example.org")
    assert "Hemligt svar" in public.get(first_page).get_data(as_text=True)
    assert "Hemligt svar" not in public.get(second_page).get_data(as_text=True)
    # Another need's id with the first page's signature, or a made-up one, opens nothing.
    signature = first_page.rsplit("/", 1)[1].split("-", 1)[1]
    for token in (f"{second}-{signature}", f"{first}-x{signature[1:]}", "1", "x-y"):
        assert public.get(f"/sv/needs/buyer/{token}").status_code == 404
        assert public.get(f"/sv/needs/buyer/{token}/interested.csv").status_code == 404
    # The page stops working a while after the deadline.
    mail_app.config["NEED_PAGE_DAYS"] = -30
    assert public.get(first_page).status_code == 404


def test_answers_refuse_markup_and_an_unknown_link(mail_app, mailbox, adviser):
    cleaner(mail_app, "fiktiva-stadarna")
    need_id, _page = _posted_and_confirmed(mail_app, mailbox)
    adviser.post(f"/admin/needs/{need_id}/send")
    answer = link(mailbox.to("fiktiva-stadarna@example.org")[0], "answer")
    public = mail_app.test_client()
    html = public.post(answer, data={"kind": "interested", "contact_person": "",
                                     "message": "<script>x</script>"}).get_data(as_text=True)
    assert "Ange en kontaktperson." in html and "Skriv vanlig text, utan HTML." in html
    assert public.post(answer, data={"kind": "question", "message": "Fiktiv fråga?"}).status_code == 302
    assert public.get(answer).status_code == 200  # a question leaves the link open
    assert public.get("/sv/needs/answer/not-a-real-token").status_code == 404


# -- the public list, its feed, the API and alerts ---------------------------------------

def test_public_needs_are_listed_with_filters_in_the_feed_and_the_api(mail_app, mailbox, adviser):
    cleaner(mail_app, "fiktiva-stadarna")
    shown, _page = _posted_and_confirmed(mail_app, mailbox)
    hidden, _page = _posted_and_confirmed(mail_app, mailbox, public="", title="Fiktivt dolt behov")
    waiting, _page = _posted_and_confirmed(mail_app, mailbox, title="Fiktivt väntande behov")
    for need_id in (shown, hidden):
        adviser.post(f"/admin/needs/{need_id}/send")
    public = mail_app.test_client()
    for lang in ("sv", "en"):
        html = public.get(f"/{lang}/needs").get_data(as_text=True)
        assert accessibility_problems(html) == []
        assert "Fiktiv städning av ett kontor" in html
        assert "Fiktivt dolt behov" not in html and "Fiktivt väntande behov" not in html
        assert "inkop@fiktiva-kommunen" not in public.get(f"/{lang}/needs/{shown}").get_data(as_text=True)
    assert public.get(f"/sv/needs/{hidden}").status_code == 404
    assert public.get(f"/sv/needs/{waiting}").status_code == 404
    later = DEADLINE.isoformat()
    for query, found in ((f"county=06&service=cleaning&deadline={later}", True), ("county=07", False),
                         ("service=gardening", False), ("service=9091", True),
                         ("deadline=" + date.today().isoformat(), False)):
        assert ("Fiktiv städning av ett kontor" in public.get(f"/sv/needs?{query}").get_data(as_text=True)) is found
        feed = public.get(f"/sv/needs/feed.atom?{query}")
        assert feed.mimetype == "application/atom+xml"
        assert (f"/sv/needs/{shown}" in feed.get_data(as_text=True)) is found, query
        body = public.get(f"/api/v1/needs?{query}").get_json()
        assert [n["id"] for n in body["results"]] == ([shown] if found else []), query
    [item] = public.get("/api/v1/needs").get_json()["results"]
    assert item["municipalities"] == ["0685"] and item["counties"] == ["06"] and item["value"] == 400000
    assert item["may_reserve"] is True and "contact_email" not in item and "contact_name" not in item
    for query in ("county=99", "service=zzzzqqqq", "deadline=tomorrow", "county=%EF%BC%90%EF%BC%96"):
        assert public.get(f"/sv/needs?{query}").status_code == 400
        assert public.get(f"/api/v1/needs?{query}").status_code == 400


def test_subscribers_to_a_service_hear_of_a_public_need(mail_app, mailbox, adviser):
    public = mail_app.test_client()
    assert "Följ en kommun eller en tjänst" in public.get("/sv/alerts?topic=needs").get_data(as_text=True)
    assert public.post("/sv/alerts", data={"email": "bevakare@example.org", "topic": "needs", "service": "cleaning",
                                           "municipality": ""}).status_code == 302
    confirm = re.search(r"/sv/alerts/confirm/\S+", text_of(mailbox.to("bevakare@example.org")[0])).group(0)
    assert public.post(confirm).status_code == 200
    assert public.post("/sv/alerts", data={"email": "bevakare@example.org", "topic": "needs", "service": "",
                                           "municipality": ""}).status_code == 422
    need_id, _page = _posted_and_confirmed(mail_app, mailbox)
    adviser.post(f"/admin/needs/{need_id}/send")
    [alert] = mailbox.to("bevakare@example.org")
    assert "Fiktiv städning av ett kontor" in text_of(alert) and f"/sv/needs/{need_id}" in text_of(alert)
    assert alert["List-Unsubscribe"]


def test_posting_needs_is_rate_limited(tmp_path):
    from tests.apps import close_app, make_curation_app

    app = make_curation_app(tmp_path, NEEDS_LIMIT="1 per hour")
    try:
        client = app.test_client()
        # A filled trap saves and sends nothing, but counts.
        assert client.post("/sv/needs/new", data=need_form(homepage="x")).status_code == 302
        assert client.post("/sv/needs/new", data=need_form(homepage="x")).status_code == 429
    finally:
        close_app(app)
