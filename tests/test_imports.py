"""Import and export of the seed format: all or nothing, idempotent, and a true round trip."""

import shutil
from datetime import date
from pathlib import Path

import pytest
import yaml
from sqlalchemy import func, select

from knowledgebase import models as m
from knowledgebase import search
from knowledgebase.content_types import BY_KEY
from knowledgebase.extensions import db
from knowledgebase.services.transfer.exports import export_to
from knowledgebase.services.upkeep import seed_provenance
from knowledgebase.services.transfer.imports import ImportFailed, import_path
from knowledgebase.services.content.serialization import (
    TaxonomyRows,
    Vocabulary,
    apply_entry_data,
    apply_entry_links,
    clean_entry_data,
)

SEED = Path(__file__).resolve().parent.parent / "seed_data"

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
    path.parent.mkdir(parents=True, exist_ok=True)
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
    # The seeded facts' provenance goes through the round trip too (a source's date and address).
    enterprises = yaml.safe_load((first / "entries" / "enterprises.yaml").read_text(encoding="utf-8"))
    sourced = [e for e in enterprises["entries"] if e.get("provenance")]
    assert len(sourced) >= 5
    assert any(item["date"] == date(2013, 1, 19) for e in sourced for item in e["provenance"].values())
    with empty.app_context():
        assert db.session.scalar(select(func.count()).select_from(m.FactProvenance)) == sum(
            len(e["provenance"]) for e in sourced)


def test_the_order_of_links_is_not_a_change(app, tmp_path):
    data = yaml.safe_load(yaml.safe_dump(GOOD))
    data["entries"][0].update(themes=[3, 1], packages=["3.1", "1.2"], municipalities=["0685", "0604"])
    path = write(tmp_path, "enterprises.yaml", data)
    with app.app_context():
        import_path(path)
        db.session.commit()
        report = import_path(path)
        assert report.unchanged["enterprise"] == 1, report.entries


# -- the bulk path for new entries -------------------------------------------------------------

EXTRA = {
    "type": "enterprise",
    "entries": [
        {
            "slug": "fiktiva-tvatteriet",
            "status": "published",
            "title": {"sv": "Fiktiva Tvätteriet", "en": "The Fictional Laundry"},
            "summary": {"sv": "Påhittat tvätteri för tester.", "en": "Made up."},
            "body": "Tvättar och stryker.",
            "easy_read": "Vi tvättar.",
            "org_number": "5566778899",
            "legal_form": "ekonomisk-forening",
            "services": ["laundry", "cleaning"],
            "target_groups": ["long-term-unemployed"],
            "memberships": ["Fiktiva nätverket"],
            "employees": 12,
            "reserved_contracts": True,
            "reserved_share": 40,
            "f_tax": False,
            "registration_stated_on": "2026-02-01",
            "contracts": [{"buyer": "Fiktiva kommunen", "year": 2024, "service": "Tvätt", "route": "reserved"},
                          {"buyer": "Fiktiva regionen"}],
            "counties": ["06"],
            "municipalities": ["0685", "0604"],
            "themes": [2, 1],
            "packages": ["1.2"],
            "sources": [{"title": "Testdata (fiktiv)", "url": "https://example.org/a"},
                        {"title": "Mer testdata (fiktiv)", "url": ""}],
            "provenance": {"services": {"source": "document", "date": "2013-01-19", "url": "https://example.org/a",
                                        "note": "Testdata (fiktiv)"},
                           "org_number": {"source": "register", "date": "2026-02-01"}},
        },
    ],
}
EXTRA_EXAMPLE = {
    "type": "example",
    "entries": [{
        "slug": "fiktivt-exempel-tvatt", "status": "draft", "title": "Fiktivt exempel",
        "summary": "Påhittat.", "year": 2025, "results": {"sv": "Bra", "en": "Good"},
        "enterprises": ["fiktiva-tvatteriet"],
    }],
}


def _rows() -> dict[str, list]:
    """Every row of every table, but the times an entry was created and updated, the search
    change log (the two paths log in different steps; the index check covers it) and the time
    of the content version (its number is compared)."""
    tables = {}
    for table in db.metadata.sorted_tables:
        if table.name in ("search_changes", "search_nodes"):
            continue
        columns = [c for c in table.columns if c.name not in ("created_at", "updated_at", "changed_at")]
        tables[table.name] = sorted(repr(tuple(row)) for row in db.session.execute(select(*columns)))
    return tables


def _fixture(tmp_path: Path) -> Path:
    folder = tmp_path / "fixture"
    shutil.copytree(SEED, folder)
    write(folder / "entries", "zz_extra_enterprises.yaml", EXTRA)
    write(folder / "entries", "zz_extra_examples.yaml", EXTRA_EXAMPLE)
    return folder


def _taxonomy_slugs(app) -> None:
    with app.app_context():
        assert db.session.get(m.LegalForm, EXTRA["entries"][0]["legal_form"]), "fixture: legal form"
        for slug in EXTRA["entries"][0]["services"]:
            assert db.session.get(m.ServiceCategory, slug), f"fixture: service {slug}"
        for slug in EXTRA["entries"][0]["target_groups"]:
            assert db.session.get(m.TargetGroup, slug), f"fixture: target group {slug}"


def test_new_entries_get_the_same_rows_as_through_the_orm(app_factory, tmp_path):
    """The bulk INSERTs for new entries write exactly what the ORM path (apply_entry_data,
    flush, apply_entry_links) writes: same rows, same ids; and the index gets every
    published one."""
    folder = _fixture(tmp_path)
    bulk = app_factory("bulk")
    with bulk.app_context():
        report = import_path(folder)
        db.session.commit()
        assert sum(report.created.values()) == len(report.entries) > 50
        bulk_rows = _rows()
        assert len(bulk_rows["fact_provenance"]) >= 2  # at least the fixture's two
        assert search.check().is_clean()
        assert search.count_indexable() == sum(1 for _ in search_ids(bulk))
    _taxonomy_slugs(bulk)

    orm = app_factory("orm")
    with orm.app_context():
        import_path(folder / "taxonomy")
        import_path(folder / "search")
        vocabulary, taxonomy, made = Vocabulary.load(), TaxonomyRows(), []
        # What the importer did before the bulk path: the ORM, one flush, then the links.
        with db.session.no_autoflush:
            for path in sorted((folder / "entries").glob("*.yaml")):
                data = yaml.safe_load(path.read_text(encoding="utf-8"))
                ct = BY_KEY[data["type"]]
                for raw in data["entries"]:
                    own = raw.pop("provenance", None)
                    clean = clean_entry_data(ct, raw, vocabulary)
                    entry = ct.model()
                    db.session.add(entry)
                    apply_entry_data(entry, ct, clean, taxonomy)
                    made.append((entry, ct, clean, seed_provenance.check(ct.key, own, clean, date.today())))
        db.session.flush()
        with db.session.no_autoflush:
            for entry, ct, clean, _own in made:
                if any(clean[f.name] for f in ct.fields if f.kind.links_entries):
                    apply_entry_links(entry, ct, clean)
        db.session.flush()
        # The facts' provenance once every entry is written, in file order, as the importer does.
        for entry, _ct, _clean, own in made:
            seed_provenance.record(entry, own)
        db.session.commit()
        assert _rows() == bulk_rows
        assert search.check().is_clean()


def search_ids(app) -> list[int]:
    with app.extensions["kb_search"].engine.reading() as state:
        return list(state.entry_ids())


def test_new_entries_are_indexed_after_the_commit_and_never_after_a_rollback(app, tmp_path):
    path = write(tmp_path, "enterprises.yaml", GOOD)
    with app.app_context():
        import_path(path)
        assert search_ids(app) == []  # not before the commit
        db.session.rollback()
        assert entry_count() == 0
        db.session.commit()
        assert search_ids(app) == []
        import_path(path)
        db.session.commit()
        entry_id = db.session.scalar(select(m.Entry.id))
        assert search_ids(app) == [entry_id]
        assert search.check().is_clean()


def test_a_new_and_an_existing_entry_in_one_import(app, tmp_path):
    """New entries take the bulk path, existing ones the ORM path, in one transaction; a new
    example may link to an enterprise that the same import updates."""
    with app.app_context():
        import_path(write(tmp_path, "enterprises.yaml", GOOD))
        db.session.commit()
    data = yaml.safe_load(yaml.safe_dump(GOOD))
    data["entries"][0]["title"]["sv"] = "Fiktiva Städkooperativet (nytt namn)"
    data["entries"].append({**data["entries"][0], "slug": "fiktiva-andra", "org_number": ""})
    folder = tmp_path / "both"
    write(folder, "enterprises.yaml", data)
    example = {"type": "example", "entries": [{
        "slug": "fiktivt-exempel", "status": "published", "title": "Fiktivt", "summary": "Påhittat.",
        "sources": [{"title": "Testdata (fiktiv)", "url": ""}],
        "enterprises": ["fiktiva-stadkooperativet", "fiktiva-andra"]}]}
    write(folder, "examples.yaml", example)
    with app.app_context():
        report = import_path(folder)
        db.session.commit()
        assert report.entries == [("enterprise", "fiktiva-stadkooperativet", "updated"),
                                  ("enterprise", "fiktiva-andra", "created"),
                                  ("example", "fiktivt-exempel", "created")]
        linked = db.session.scalars(select(m.Example)).one().enterprises
        assert sorted(e.slug for e in linked) == ["fiktiva-andra", "fiktiva-stadkooperativet"]
        assert search.check().is_clean()
        assert len(search_ids(app)) == 3


def test_entry_files_read_by_several_processes_give_the_same_data(app, tmp_path, monkeypatch):
    from knowledgebase.services.transfer import imports
    from knowledgebase.services.content.serialization import Vocabulary

    folder = tmp_path / "many"
    for number in range(4):
        data = yaml.safe_load(yaml.safe_dump(GOOD))
        data["entries"][0].update(slug=f"fiktiv-{number}", org_number="")
        write(folder, f"enterprises-{number}.yaml", data)
    write(folder, "zz-broken.yaml", {"type": "nonsense"})
    paths = sorted(folder.iterdir())
    with app.app_context():
        vocabulary = Vocabulary.load()
        one = imports._read_entry_files(paths, vocabulary)
        monkeypatch.setattr(imports, "PARALLEL_READ_BYTES", 1)
        app.config["IMPORT_READ_PROCS"] = 3
        several = imports._read_entry_files(paths, vocabulary)
        assert [str(r) if isinstance(r, ImportFailed) else r for r in several] == [
            str(r) if isinstance(r, ImportFailed) else r for r in one]
        assert [r[1][0][1]["slug"] for r in several[:4]] == [f"fiktiv-{n}" for n in range(4)]
        assert "zz-broken.yaml" in several[4].errors[0]
        (folder / "unreadable.yaml").write_text("a: [", encoding="utf-8")
        results = imports._read_entry_files(sorted(folder.iterdir()), vocabulary)
        failed = [r for r in results if isinstance(r, ImportFailed)]
        assert [f.errors[0].split(":")[0] for f in failed] == ["unreadable.yaml", "zz-broken.yaml"]
        with pytest.raises(ImportFailed) as failure:
            import_path(folder)
        assert "unreadable.yaml" in failure.value.errors[0]
