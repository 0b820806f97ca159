"""Import and export of the seed format: all or nothing, idempotent, and a true round trip."""

from pathlib import Path

import pytest
import yaml
from sqlalchemy import func, select

from knowledgebase import models as m
from knowledgebase.extensions import db
from knowledgebase.services.imports import ImportFailed, export_to, import_path

GOOD = {
    "type": "enterprise",
    "entries": [
        {
            "slug": "fiktiva-stadkooperativet",
            "status": "published",
            "title": {"sv": "Fiktiva Städkooperativet", "en": "The Fictional Cleaning Co-op"},
            "summary": {"sv": "Ett påhittat arbetsintegrerande socialt företag för tester."},
            "org_number": "5566778899",
            "municipalities": ["0685"],
            "themes": [1],
            "packages": ["3.1"],
            "sources": [{"title": "Testdata (fiktiv)", "url": "https://example.org/fiktiv"}],
            "last_verified": "2026-01-01",
        },
    ],
}


def write(tmp_path: Path, name: str, data) -> Path:
    path = tmp_path / name
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def entry_count() -> int:
    return db.session.scalar(select(func.count()).select_from(m.Entry))


def test_import_creates_and_normalises(app, tmp_path):
    path = write(tmp_path, "enterprises.yaml", GOOD)
    with app.app_context():
        report = import_path(path)
        db.session.commit()
        assert report.created["enterprise"] == 1
        entry = db.session.scalars(select(m.Enterprise)).one()
        assert entry.org_number == "556677-8899"
        assert [mu.name for mu in entry.municipalities] == ["Vetlanda"]
        assert entry.title_en == "The Fictional Cleaning Co-op"


def test_import_is_idempotent(app, tmp_path):
    path = write(tmp_path, "enterprises.yaml", GOOD)
    with app.app_context():
        import_path(path)
        db.session.commit()
        report = import_path(path)
        db.session.commit()
        assert report.unchanged["enterprise"] == 1
        assert report.created["enterprise"] == 0
        assert entry_count() == 1


def _bad(field, value):
    data = yaml.safe_load(yaml.safe_dump(GOOD))
    entry = dict(data["entries"][0])
    if value is None:
        entry.pop(field)
    else:
        entry[field] = value
    second = dict(data["entries"][0], slug="fiktivt-andra")
    return {"type": "enterprise", "entries": [second, entry]}, field


@pytest.mark.parametrize("data, field", [
    _bad("org_number", "556677-8890"),
    _bad("municipalities", ["9999"]),
    _bad("title", None),
    _bad("slug", "Inte OK"),
    _bad("status", "secret"),
    _bad("website", "javascript:alert(1)"),
    _bad("email", "not-an-address"),
    _bad("employees", "many"),
    _bad("packages", ["4.1"]),
    _bad("legal_form", "no-such-form"),
    _bad("unknown_field", "x"),
    _bad("sources", []),
    _bad("last_verified", "yesterday"),
])
def test_a_bad_value_refuses_the_whole_import(app, tmp_path, data, field):
    path = write(tmp_path, "enterprises.yaml", data)
    with app.app_context():
        with pytest.raises(ImportFailed) as failure:
            import_path(path)
        db.session.rollback()
        message = "\n".join(failure.value.errors)
        assert "enterprises.yaml" in message
        assert field.split("[")[0] in message
        assert "fiktiva-stadkooperativet" in message or field == "slug"
        assert entry_count() == 0


def test_a_refused_update_leaves_existing_content_unchanged(app, tmp_path):
    with app.app_context():
        import_path(write(tmp_path, "enterprises.yaml", GOOD))
        db.session.commit()
        changed = yaml.safe_load(yaml.safe_dump(GOOD))
        changed["entries"][0]["title"]["sv"] = "Ändrad titel"
        broken = dict(changed["entries"][0], slug="trasig", org_number="123")
        changed["entries"].append(broken)
        with pytest.raises(ImportFailed):
            import_path(write(tmp_path, "enterprises.yaml", changed))
        db.session.rollback()
        assert db.session.scalars(select(m.Enterprise.title_sv)).all() == ["Fiktiva Städkooperativet"]


def test_link_to_a_missing_entry_is_refused(app, tmp_path):
    example = {"type": "example", "entries": [{
        "slug": "fiktivt-exempel", "status": "draft", "title": "Fiktivt exempel",
        "summary": "Påhittat.", "enterprises": ["finns-inte"],
    }]}
    with app.app_context():
        with pytest.raises(ImportFailed) as failure:
            import_path(write(tmp_path, "examples.yaml", example))
        db.session.rollback()
        assert "finns-inte" in failure.value.errors[0]
        assert entry_count() == 0


def test_unreadable_yaml_names_the_file(app, tmp_path):
    path = tmp_path / "broken.yaml"
    path.write_text("type: enterprise\nentries: [\n", encoding="utf-8")
    with app.app_context():
        with pytest.raises(ImportFailed) as failure:
            import_path(path)
        assert "broken.yaml" in failure.value.errors[0]


def test_export_then_import_into_an_empty_database_round_trips(seeded_app, app_factory, tmp_path):
    first = tmp_path / "first"
    second = tmp_path / "second"
    with seeded_app.app_context():
        counts = export_to(first)
    assert sum(counts.values()) > 50
    empty = app_factory("empty")
    with empty.app_context():
        import_path(first)
        db.session.commit()
        export_to(second)
    first_files = sorted(p.relative_to(first) for p in first.rglob("*") if p.is_file())
    second_files = sorted(p.relative_to(second) for p in second.rglob("*") if p.is_file())
    assert first_files == second_files
    for name in first_files:
        assert (first / name).read_text(encoding="utf-8") == (second / name).read_text(encoding="utf-8"), name


def test_the_order_of_links_is_not_a_change(app, tmp_path):
    data = yaml.safe_load(yaml.safe_dump(GOOD))
    data["entries"][0].update(themes=[3, 1], packages=["3.1", "1.2"], municipalities=["0685", "0604"])
    path = write(tmp_path, "enterprises.yaml", data)
    with app.app_context():
        import_path(path)
        db.session.commit()
        report = import_path(path)
        assert report.unchanged["enterprise"] == 1, report.entries
