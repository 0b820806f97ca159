"""The public site: every seeded page renders in both languages, only published content is
shown anywhere, and bad addresses give friendly 404 and 400 pages."""

import pytest
from sqlalchemy import select

from knowledgebase import models as m
from knowledgebase.content_types import CONTENT_TYPES
from knowledgebase.extensions import db


def published_entries(app):
    with app.app_context():
        return [(e.type, e.slug, e.title_sv) for e in db.session.scalars(
            select(m.Entry).where(m.Entry.status == m.PUBLISHED))]


def path_of(type_key):
    return next(ct.path for ct in CONTENT_TYPES if ct.key == type_key)


def test_root_redirects_by_accept_language(seeded_client):
    assert seeded_client.get("/", headers={"Accept-Language": "en-GB,en;q=0.9"}).location.endswith("/en/")
    assert seeded_client.get("/", headers={"Accept-Language": "sv-SE"}).location.endswith("/sv/")
    assert seeded_client.get("/").location.endswith("/sv/")


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_every_seeded_entry_renders(seeded_app, seeded_client, lang):
    entries = published_entries(seeded_app)
    assert len(entries) > 60
    for type_key, slug, title in entries:
        response = seeded_client.get(f"/{lang}/{path_of(type_key)}/{slug}")
        assert response.status_code == 200, (type_key, slug)
        html = response.get_data(as_text=True)
        assert f'<html lang="{lang}">' in html
        assert "<h1>" in html


def test_seed_covers_every_theme_and_county(seeded_client):
    for number in (1, 2, 3):
        html = seeded_client.get(f"/sv/themes/{number}").get_data(as_text=True)
        assert 'class="cards"' in html and "Nothing has been published" not in html
    for code in ("06", "07", "08", "09"):
        html = seeded_client.get(f"/sv/counties/{code}").get_data(as_text=True)
        assert 'id="group-advice"' in html and 'id="group-network"' in html, code


@pytest.mark.parametrize("url", [
    "/sv/", "/en/", "/sv/themes/", "/sv/themes/2", "/en/themes/3/1", "/sv/counties/",
    "/sv/counties/08", "/en/municipalities/0685", "/sv/municipalities/0180",
    *[f"/sv/{ct.path}/" for ct in CONTENT_TYPES], *[f"/en/{ct.path}/" for ct in CONTENT_TYPES],
    "/sv/enterprises/?county=06&theme=1&sort=updated", "/en/examples/?package=3.1&page=1",
])
def test_pages_render(seeded_client, url):
    assert seeded_client.get(url).status_code == 200


def test_glossary_has_an_anchor_per_term(seeded_app, seeded_client):
    html = seeded_client.get("/sv/glossary/").get_data(as_text=True)
    slugs = [slug for type_key, slug, _ in published_entries(seeded_app) if type_key == "glossary"]
    assert len(slugs) >= 25
    for slug in slugs:
        assert f'id="{slug}"' in html


def test_english_page_marks_swedish_fallback(client, make_entry):
    make_entry("glossary", slug="fiktiv-fallback", title={"sv": "Fiktiv term"}, summary={"sv": "Bara svenska."})
    html = client.get("/en/glossary/fiktiv-fallback").get_data(as_text=True)
    assert '<span lang="sv">Fiktiv term</span>' in html
    assert 'lang="sv"' in html and "Bara svenska." in html
    assert "note-untranslated" in html


@pytest.mark.parametrize("url, status", [
    ("/sv/enterprises/no-such-slug", 404),
    ("/en/glossary/no-such-term", 404),
    ("/xx/enterprises/", 404),
    ("/sv/themes/4", 404),
    ("/sv/themes/1/7", 404),
    ("/sv/counties/99", 404),
    ("/sv/municipalities/abcd", 404),
    ("/sv/enterprises/?theme=banana", 400),
    ("/sv/enterprises/?county=99", 400),
    ("/sv/enterprises/?municipality=%00", 400),
    ("/sv/enterprises/?package=9.9", 400),
    ("/sv/enterprises/?page=0", 400),
    ("/sv/enterprises/?page=-1", 400),
    ("/sv/enterprises/?sort=random", 400),
    ("/sv/enterprises.csv?theme=x", 400),
])
def test_bad_addresses_give_friendly_errors(seeded_client, url, status):
    response = seeded_client.get(url)
    assert response.status_code == status
    html = response.get_data(as_text=True)
    assert "<h1>" in html and "Traceback" not in html


def _make_hidden(make_entry):
    """A published enterprise, a draft, a review and an archived one, all in Vetlanda."""
    common = {"municipalities": ["0685"], "themes": [1], "packages": ["1.2"], "counties": ["06"]}
    make_entry("enterprise", slug="fiktiv-publicerad", title={"sv": "Fiktiv Publicerad"}, **common)
    for status in ("draft", "review", "archived"):
        make_entry("enterprise", slug=f"fiktiv-{status}", title={"sv": f"Hemlig {status}"}, status=status, **common)


def test_unpublished_entries_never_appear(client, make_entry):
    _make_hidden(make_entry)
    urls = [
        "/sv/", "/sv/enterprises/", "/sv/enterprises/?municipality=0685", "/sv/themes/1", "/sv/themes/1/2",
        "/sv/counties/06", "/sv/municipalities/0685", "/sv/enterprises.csv", "/en/enterprises/",
        "/api/v1/enterprises/", "/api/v1/enterprises/?municipality=0685",
    ]
    for url in urls:
        body = client.get(url).get_data(as_text=True)
        assert "Hemlig" not in body, url
        assert "fiktiv-draft" not in body and "fiktiv-archived" not in body, url
    assert "Fiktiv Publicerad" in client.get("/sv/enterprises/").get_data(as_text=True)
    for status in ("draft", "review", "archived"):
        assert client.get(f"/sv/enterprises/fiktiv-{status}").status_code == 404
        assert client.get(f"/api/v1/enterprises/fiktiv-{status}").status_code == 404


def test_enterprise_links_to_advice_in_its_area(client, make_entry):
    enterprise = make_entry("enterprise", slug="fiktivt-foretag", municipalities=["0685"])
    make_entry("advice", slug="fiktiv-radgivare", title={"sv": "Fiktiv rådgivare"}, counties=["06"])
    make_entry("advice", slug="fiktiv-annan", title={"sv": "Rådgivare i Kalmar"}, counties=["08"])
    make_entry("example", slug="fiktivt-exempel", title={"sv": "Fiktivt exempel"}, enterprises=["fiktivt-foretag"])
    assert enterprise
    html = client.get("/sv/enterprises/fiktivt-foretag").get_data(as_text=True)
    assert "Fiktiv rådgivare" in html
    assert "Rådgivare i Kalmar" not in html
    assert "Fiktivt exempel" in html
    example = client.get("/sv/examples/fiktivt-exempel").get_data(as_text=True)
    assert "/sv/enterprises/fiktivt-foretag" in example


def test_csv_export_neutralises_formulas(client, make_entry):
    make_entry("enterprise", slug="fiktiv-formel", title={"sv": "=HYPERLINK(\"http://evil\")"})
    body = client.get("/sv/enterprises.csv").get_data(as_text=True)
    assert "'=HYPERLINK" in body
    assert "\n=HYPERLINK" not in body


def test_markdown_is_sanitised(client, make_entry):
    make_entry("research", slug="fiktiv-xss", body={"sv": "Hej <script>alert(1)</script> [x](javascript:alert(2)) <img src=x onerror=alert(3)>"})
    html = client.get("/sv/research/fiktiv-xss").get_data(as_text=True)
    assert "<script>alert" not in html
    assert "javascript:alert" not in html
    assert "onerror" not in html
