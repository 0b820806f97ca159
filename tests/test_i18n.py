"""Languages: the URL prefix picks the locale; every page links to itself in the other
language; dates follow the locale."""

from datetime import date

import pytest


@pytest.mark.parametrize("path", [
    "/{lang}/", "/{lang}/glossary/", "/{lang}/enterprises/?county=06&theme=1", "/{lang}/themes/2",
    "/{lang}/municipalities/0685", "/{lang}/accessibility",
])
def test_language_switch_and_alternates(seeded_client, path):
    for lang, other in (("sv", "en"), ("en", "sv")):
        html = seeded_client.get(path.format(lang=lang)).get_data(as_text=True)
        assert f'<html lang="{lang}">' in html
        target = path.format(lang=other).replace("&", "&amp;")
        assert f'href="{target}" hreflang="{other}" lang="{other}"' in html
        assert f'<link rel="alternate" hreflang="{other}" href="{target}">' in html
        assert f'<link rel="alternate" hreflang="{lang}" href="{path.format(lang=lang).replace("&", "&amp;")}">' in html


def test_dates_follow_the_locale(client, make_entry):
    make_entry("research", slug="fiktiv-datum", last_verified=date(2026, 3, 5))
    assert "5 mars 2026" in client.get("/sv/research/fiktiv-datum").get_data(as_text=True)
    assert "March 5, 2026" in client.get("/en/research/fiktiv-datum").get_data(as_text=True)
