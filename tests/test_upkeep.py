"""Keeping it true: e-mail through a real SMTP server on loopback, the link checker against
pages served on loopback, and duplicate warnings."""

from __future__ import annotations

from knowledgebase import mail
from knowledgebase.services.curation.duplicates import likely_duplicates, name_key
from knowledgebase.services.upkeep.links import check_urls, published_links


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
