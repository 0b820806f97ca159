"""Languages: the URL prefix picks the locale; every page links to itself in the other
language; dates follow the locale."""

from datetime import date
from pathlib import Path

import pytest


@pytest.mark.parametrize("path", [
    "/{lang}/", "/{lang}/glossary/", "/{lang}/enterprises/?county=06&theme=1", "/{lang}/themes/2",
    "/{lang}/municipalities/0685", "/{lang}/accessibility",
])
def test_language_switch_and_alternates(seeded_client, path):
    base = seeded_client.application.config["BASE_URL"]
    for lang, other in (("sv", "en"), ("en", "sv")):
        html = seeded_client.get(path.format(lang=lang)).get_data(as_text=True)
        assert f'<html lang="{lang}">' in html
        target = path.format(lang=other).replace("&", "&amp;")
        assert f'href="{target}" hreflang="{other}" lang="{other}"' in html
        assert f'<link rel="alternate" hreflang="{other}" href="{base}{target}">' in html
        assert f'<link rel="alternate" hreflang="{lang}" href="{base}{path.format(lang=lang).replace("&", "&amp;")}">' in html


def test_alternates_are_absolute_on_the_public_address(app_factory):
    """Whatever host and prefix a request came by (a proxy, an internal name), the hreflang
    alternates name the configured public address (KB_BASE_URL), which holds the prefix."""
    app = app_factory("public", BASE_URL="https://kunskapsbank.example.org/kb/")
    client = app.test_client()
    for request_base in ("http://localhost", "http://10.0.0.7:8000/kb"):
        html = client.get("/sv/accessibility?x=1", base_url=request_base).get_data(as_text=True)
        assert '<link rel="alternate" hreflang="en" href="https://kunskapsbank.example.org/kb/en/accessibility?x=1">' in html
        assert '<link rel="alternate" hreflang="sv" href="https://kunskapsbank.example.org/kb/sv/accessibility?x=1">' in html


def test_dates_follow_the_locale(client, make_entry):
    make_entry("research", slug="fiktiv-datum", last_verified=date(2026, 3, 5))
    assert "5 mars 2026" in client.get("/sv/research/fiktiv-datum").get_data(as_text=True)
    assert "March 5, 2026" in client.get("/en/research/fiktiv-datum").get_data(as_text=True)


def test_catalogs_are_complete():
    """Every message has a Swedish and an English translation, none of them fuzzy."""
    from knowledgebase import PROJECT_ROOT
    from knowledgebase.translations import incomplete_messages

    assert incomplete_messages(PROJECT_ROOT / "translations") == {}


def test_catalogs_cover_every_message_in_the_code(tmp_path):
    """Extracting the messages again finds nothing that the catalogs lack, and the extraction
    reads every template and module that marks a message (Babel skips folders whose name
    starts with "_" unless told otherwise)."""
    import re

    from babel.messages.frontend import CommandLineInterface
    from babel.messages.pofile import read_po

    from knowledgebase import PROJECT_ROOT
    from knowledgebase.translations import IGNORE_DIRS

    pot = tmp_path / "messages.pot"
    CommandLineInterface().run(["pybabel", "-q", "extract", "-F", str(PROJECT_ROOT / "babel.cfg"), "-k", "_l",
                                "--ignore-dirs", IGNORE_DIRS, "-o", str(pot), str(PROJECT_ROOT)])
    with pot.open("rb") as handle:
        extracted = [m for m in read_po(handle) if m.id]
    wanted = {m.id if isinstance(m.id, str) else m.id[0] for m in extracted}
    with (PROJECT_ROOT / "translations" / "sv" / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        have = {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(handle, locale="sv") if m.id}
    assert wanted - have == set()
    read = {Path(PROJECT_ROOT / path).resolve() for m in extracted for path, _line in m.locations}
    marking = re.compile(r"""\b_l?\(\s*["']""")
    files = [*(PROJECT_ROOT / "templates").rglob("*.html"), *(PROJECT_ROOT / "knowledgebase").rglob("*.py")]
    unread = sorted(str(f.relative_to(PROJECT_ROOT)) for f in files
                    if marking.search(f.read_text(encoding="utf-8")) and f.resolve() not in read)
    assert unread == []


def test_swedish_interface(seeded_client):
    html = seeded_client.get("/sv/").get_data(as_text=True)
    assert "Till innehållet" in html and "Sök" in html
    html = seeded_client.get("/en/").get_data(as_text=True)
    assert "Skip to content" in html
