"""Helpers for the tests of buyers' needs: a fictional buyer's form, fictional enterprises,
and the links in the mail they get. Every name and address is fictional."""

from __future__ import annotations

import re
from datetime import date, timedelta

from tests.confirmations_support import BASE, text_of
from tests.curation_support import add_entry

DEADLINE = date.today() + timedelta(days=14)
BUYER = "inkop@fiktiva-kommunen.example.org"


def need_form(**overrides) -> dict:
    """The form of a fictional buyer in Vetlanda: cleaning worth 400 000 kr, may be reserved."""
    return {
        "organisation": "Fiktiva kommunen (Vetlanda)", "organisation_kind": "municipality",
        "contact_name": "Fiktiv Inköpare", "contact_email": BUYER, "contact_phone": "0383-00 00 00",
        "title": "Fiktiv städning av ett kontor", "description": "Städning två gånger i veckan av ett fiktivt kontor.",
        "service": "cleaning", "cpv": "", "municipalities": ["0685"], "value": "400 000",
        "period_start": "", "period_end": "", "deadline": DEADLINE.isoformat(),
        "may_reserve": "y", "public": "y", **overrides,
    }


def cleaner(app, slug: str, **fields) -> int:
    """A fictional published enterprise that cleans in Vetlanda and can take reserved contracts."""
    data = {"status": "published", "slug": slug, "title": {"sv": slug.replace("-", " ").title()},
            "email": f"{slug}@example.org", "services": ["cleaning"], "municipalities": ["0685"],
            "reserved_contracts": True, "reserved_share": 40, **fields}
    return add_entry(app, "enterprise", **data)


def link(message, kind: str) -> str:
    """The site path of the first ``/<lang>/needs/<kind>/...`` link in a message."""
    found = re.search(re.escape(BASE) + r"(/(?:sv|en)/needs/" + kind + r"/[A-Za-z0-9_-]+)", text_of(message))
    assert found, text_of(message)
    return found.group(1)


def needs_site(app) -> dict[str, str]:
    """Needs for the browser tests, made through the services (no mail is sent): one waiting in
    the queue and one sent (public) to a fictional cleaner, answered with interest, whose
    outcome is asked for. Returns the ids and the private links' tokens the page lists name."""
    from knowledgebase import models as m
    from knowledgebase.extensions import db
    from knowledgebase.models.base import now_utc
    from knowledgebase.services.procurement import need_answers, need_matching, need_outcome, needs

    enterprise_id = cleaner(app, "fiktiva-stadarna-for-sidorna")
    values = _values()
    tokens = {}
    with app.app_context(), app.test_request_context():
        now = now_utc()
        waiting, mail = needs.post_need(values, "sv", now)
        needs.confirm_need(_token_of(mail, "confirm"), now)
        sent, mail = needs.post_need(values, "sv", now)
        needs.confirm_need(_token_of(mail, "confirm"), now)
        offers = need_matching.prepare_sending(sent, "fiktiv-radgivare@example.org", now)
        tokens["need_answer"] = _token_of(offers[0], "answer")
        recipient = sent.recipients[0]
        need_answers.answer(recipient, "question", "Fiktiv fråga?", "", "", now)
        tokens["need_outcome"] = _token_of(need_outcome.follow_up(sent, now), "outcome")
        tokens["need_page"] = needs.buyer_page_url(sent).rsplit("/", 1)[1]
        db.session.commit()
        tokens.update(need=str(sent.id), waiting_need=str(waiting.id))
        assert db.session.get(m.Enterprise, enterprise_id) is not None
    return tokens


def _values():
    """A fictional buyer's need, as the form gives it to the services."""
    from knowledgebase.services.procurement import needs

    return needs.NeedValues(
        organisation="Fiktiva kommunen", organisation_kind="municipality", contact_name="Fiktiv Inköpare",
        contact_email=BUYER, contact_phone="", title="Fiktiv städning", description="Fiktiv beskrivning.",
        service_slug="cleaning", cpv="", municipalities=["0685"], value=400_000, period_start=None,
        period_end=None, deadline=DEADLINE, may_reserve=True, may_direct_award=False, public=True)


def _token_of(outgoing, kind: str) -> str:
    found = re.search(r"/needs/" + kind + r"/([A-Za-z0-9_-]+)", outgoing.mail.text)
    assert found, outgoing.mail.text
    return found.group(1)


def waiting_need(app) -> dict[str, int]:
    """A fictional need confirmed by its buyer and waiting in the advisers' queue (no mail sent)."""
    from knowledgebase.extensions import db
    from knowledgebase.models.base import now_utc
    from knowledgebase.services.procurement import needs

    with app.app_context(), app.test_request_context():
        need, mail = needs.post_need(_values(), "sv", now_utc())
        needs.confirm_need(_token_of(mail, "confirm"), now_utc())
        db.session.commit()
        return {"need": need.id}
