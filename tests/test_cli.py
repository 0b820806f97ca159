"""The command line: seed, import and export."""

import yaml

from knowledgebase.extensions import db
from knowledgebase import models as m


def test_seed_loads_the_starting_content(app, runner):
    result = runner.invoke(args=["seed"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        assert db.session.query(m.GlossaryTerm).count() >= 25


def test_import_refusal_exits_non_zero_and_names_the_field(app, runner, tmp_path):
    path = tmp_path / "glossary.yaml"
    path.write_text(yaml.safe_dump({"type": "glossary", "entries": [
        {"slug": "fiktiv-term", "status": "published", "title": "Fiktiv term", "summary": "Påhittad."},
    ]}), encoding="utf-8")
    result = runner.invoke(args=["import", str(path)])
    assert result.exit_code == 1
    assert "fiktiv-term" in result.output and "sources" in result.output
    with app.app_context():
        assert db.session.query(m.Entry).count() == 0


def test_import_dry_run_saves_nothing(app, runner, tmp_path):
    path = tmp_path / "glossary.yaml"
    path.write_text(yaml.safe_dump({"type": "glossary", "entries": [
        {"slug": "fiktiv-term", "status": "draft", "title": "Fiktiv term", "summary": "Påhittad."},
    ]}), encoding="utf-8")
    result = runner.invoke(args=["import", "--dry-run", str(path)])
    assert result.exit_code == 0, result.output
    assert "1" in result.output
    with app.app_context():
        assert db.session.query(m.Entry).count() == 0


def test_export_writes_every_file(app, runner, tmp_path, make_entry):
    make_entry("network")
    result = runner.invoke(args=["export", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    assert "network: 1" in result.output
    for name in ("taxonomy/themes.yaml", "taxonomy/municipalities.csv", "entries/networks.yaml", "search/synonyms.yaml"):
        assert (tmp_path / "out" / name).exists(), name
