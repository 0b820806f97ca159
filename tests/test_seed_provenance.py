"""The seed format's ``provenance:`` key: checked like the other fields, recorded as the facts'
provenance on both import paths, unchanged on a second import, and shown on the page."""

from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
import yaml
from sqlalchemy import select

from knowledgebase import content_version
from knowledgebase import models as m
from knowledgebase.extensions import db
from knowledgebase.services.transfer.imports import ImportFailed, import_path
from knowledgebase.services.upkeep import provenance

ENTERPRISE = {
    "slug": "fiktiva-kallkooperativet",
    "status": "published",
    "title": {"sv": "Fiktiva Källkooperativet", "en": "The Fictional Source Co-op"},
    "summary": {"sv": "Ett påhittat företag för tester."},
    "website": "https://example.org/fiktiv",
    "services": ["cleaning"],
    "municipalities": ["0685"],
    "sources": [{"title": "Fiktiv broschyr 2013", "url": "https://example.org/broschyr"}],
    "provenance": {
        "area": {"source": "document", "date": "2013-01-19", "url": "https://example.org/broschyr",
                 "note": "Fiktiv broschyr"},
        "services": {"source": "document", "date": "2013-01-19", "url": "https://example.org/broschyr",
                     "note": "Fiktiv broschyr"},
        "website": {"source": "register", "date": "2026-01-10"},
    },
}


def write(folder: Path, entries: list[dict]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "enterprises.yaml"
    path.write_text(yaml.safe_dump({"type": "enterprise", "entries": entries}, allow_unicode=True), encoding="utf-8")
    return path


def stored(slug: str) -> dict[str, tuple]:
    entry = db.session.scalars(select(m.Enterprise).where(m.Enterprise.slug == slug)).one()
    return {row.fact_key: (row.source_kind, row.confirmed_at, row.source_url, row.source_note, row.value)
            for row in provenance.rows_for(entry.id)}


def test_new_and_existing_entries_get_the_seeded_provenance_and_a_second_import_changes_nothing(app, tmp_path):
    path = write(tmp_path / "a", [ENTERPRISE])
    with app.app_context():
        assert import_path(path).created["enterprise"] == 1  # the bulk path
        db.session.commit()
        rows = stored(ENTERPRISE["slug"])
        assert rows == {
            "area": ("document", date(2013, 1, 19), "https://example.org/broschyr", "Fiktiv broschyr",
                     {"municipalities": ["0685"], "counties": None}),
            "services": ("document", date(2013, 1, 19), "https://example.org/broschyr", "Fiktiv broschyr",
                         {"services": ["cleaning"]}),
            "website": ("register", date(2026, 1, 10), "", "", {"website": "https://example.org/fiktiv"}),
        }
        version = content_version.read().number
        again = import_path(path)
        db.session.commit()
        assert again.unchanged["enterprise"] == 1, again.entries
        assert stored(ENTERPRISE["slug"]) == rows
        assert content_version.read().number == version  # not a single row written

    # The ORM path: an existing entry whose provenance the file changes.
    changed = yaml.safe_load(yaml.safe_dump(ENTERPRISE))
    changed["provenance"]["website"] = {"source": "document", "date": "2025-05-02", "url": "https://example.org/ny"}
    with app.app_context():
        report = import_path(write(tmp_path / "b", [changed]))
        db.session.commit()
        assert report.updated["enterprise"] == 1
        assert content_version.read().number > version
        assert stored(ENTERPRISE["slug"])["website"][:3] == ("document", date(2025, 5, 2), "https://example.org/ny")


@pytest.mark.parametrize("provenance_value, field, message", [
    ({"phone_number": {"source": "document", "date": "2013-01-19"}}, "provenance.phone_number",
     "är inte en uppgift vars källa sparas"),
    ({"area": {"source": "brochure", "date": "2013-01-19"}}, "provenance.area.source", "måste vara en av"),
    ({"area": {"source": "document", "date": "19 januari 2013"}}, "provenance.area.date", "måste vara ett datum"),
    ({"area": {"source": "document"}}, "provenance.area.date", "måste fyllas i"),
    ({"area": {"source": "document", "date": datetime(2013, 1, 19, 10, 0)}}, "provenance.area.date",
     "måste vara ett datum"),
    ({"area": {"source": "document", "date": (date.today() + timedelta(days=1)).isoformat()}},
     "provenance.area.date", "ligger i framtiden"),
    ({"area": {"source": "document", "date": "2013-01-19", "confirmed": True}}, "provenance.area.confirmed",
     "måste vara en av"),
    ({"phone": {"source": "document", "date": "2013-01-19"}}, "provenance.phone", "har inget värde"),
    ({"area": {"source": "document", "date": "2013-01-19", "url": "broschyr.pdf"}}, "provenance.area.url",
     "måste vara en webbadress"),
    (["area"], "provenance", "måste ange källan"),
])
def test_bad_provenance_is_refused_naming_entry_and_field_and_nothing_is_imported(
        app, tmp_path, provenance_value, field, message):
    good = {**ENTERPRISE, "slug": "fiktiva-forsta"}
    bad = {**ENTERPRISE, "provenance": provenance_value}
    with app.app_context():
        with pytest.raises(ImportFailed) as failure:
            import_path(write(tmp_path, [good, bad]))
        db.session.rollback()
        assert len(failure.value.errors) == 1
        error = failure.value.errors[0]
        assert f"posten {ENTERPRISE['slug']}, fältet {field}:" in error and message in error, error
        assert db.session.scalar(select(m.Entry.id)) is None
        assert db.session.scalar(select(m.FactProvenance.id)) is None


def test_a_type_without_tracked_facts_refuses_provenance(app, tmp_path):
    term = {"type": "glossary", "entries": [{
        "slug": "fiktivt-ord", "title": "Fiktivt ord", "summary": "Påhittad.",
        "provenance": {"area": {"source": "document", "date": "2013-01-19"}}}]}
    path = tmp_path / "glossary.yaml"
    path.write_text(yaml.safe_dump(term), encoding="utf-8")
    with app.app_context():
        with pytest.raises(ImportFailed) as failure:
            import_path(path)
        assert "fältet provenance: är inte ett fält i den här innehållstypen" in failure.value.errors[0]


def test_the_page_shows_the_source_date_of_a_seeded_fact(app, client, tmp_path):
    with app.app_context():
        import_path(write(tmp_path, [ENTERPRISE]))
        db.session.commit()
    page = client.get(f"/en/enterprises/{ENTERPRISE['slug']}").get_data(as_text=True)
    assert "Not confirmed since January 2013" in page
    assert "https://example.org/broschyr" in page
    assert "Not confirmed yet" not in page


def test_a_seeded_enterprise_shows_how_old_its_source_is(seeded_client):
    """Visby Catering's municipality comes from a column of 19 January 2013 (seed_data)."""
    en = seeded_client.get("/en/enterprises/visby-catering").get_data(as_text=True)
    sv = seeded_client.get("/sv/enterprises/visby-catering").get_data(as_text=True)
    assert "Not confirmed since January 2013" in en
    assert "Inte bekräftad sedan januari 2013" in sv
    assert "https://helagotland.se/ledare/artikel.aspx?articleid=8248542" in en
    assert "Not confirmed yet" not in en


def test_the_api_gives_the_seeded_source_and_its_date(seeded_client):
    facts = seeded_client.get("/api/v1/enterprises/visby-catering").get_json()["facts"]
    assert facts == [{
        "fact": "area", "source": "document", "confirmed_at": "2013-01-19", "stale": True, "changed_since": False,
        "source_note": "Helagotland (Gotlands Allehanda), Sociala företag ger ömsesidig nytta, krönika 2013-01-19: "
                       "nämner företaget bland åtta sociala företag på Gotland",
        "source_url": "https://helagotland.se/ledare/artikel.aspx?articleid=8248542",
    }]
