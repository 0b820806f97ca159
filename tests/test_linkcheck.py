"""``flask --app app links check`` against pages served on loopback (200, 404, a redirect
loop, a time-out): results stored per URL for the advisers' page; and duplicate warnings
when an enterprise is saved or imported."""

from __future__ import annotations

import yaml
from sqlalchemy import select

from knowledgebase import models as m
from knowledgebase.extensions import db
from knowledgebase.services.transfer.imports import import_path
from knowledgebase.services.upkeep.linkcheck_store import broken_links
from tests.curation_support import add_entry, edit_payload, logged_in_client


def test_links_check_stores_results(capp, loopback_site):
    capp.config.update(LINKCHECK_TIMEOUT=0.5, LINKCHECK_CONCURRENCY=3)
    ok = add_entry(capp, "research", status="published", url=f"{loopback_site}/ok",
                   sources=[{"title": "Fiktiv källa", "url": f"{loopback_site}/missing"}])
    looping = add_entry(capp, "network", status="published", website=f"{loopback_site}/loop",
                        sources=[{"title": "Fiktiv källa", "url": f"{loopback_site}/missing"}])
    add_entry(capp, "advice", status="published", website=f"{loopback_site}/slow")
    add_entry(capp, "research", status="draft", url=f"{loopback_site}/draft-only")
    result = capp.test_cli_runner().invoke(args=["links", "check"])
    assert result.exit_code == 0, result.output
    assert "Checked 4 links: 1 fine, 3 broken." in result.output
    assert f"broken 404: {loopback_site}/missing (entries {ok}, {looping})" in result.output
    assert f"broken too many redirects: {loopback_site}/loop" in result.output
    assert f"broken time-out: {loopback_site}/slow" in result.output
    with capp.app_context():
        rows = {row.url.rsplit("/", 1)[1]: row for row in db.session.scalars(select(m.LinkCheck))}
        assert set(rows) == {"ok", "missing", "loop", "slow"}
        assert rows["ok"].ok and rows["ok"].status == 200 and rows["ok"].failing_since is None
        assert rows["missing"].status == 404 and rows["missing"].entry_ids == sorted([ok, looping])
        first_failure = rows["missing"].failing_since
        assert first_failure is not None
        broken = {item.check.url.rsplit("/", 1)[1]: [e.id for e in item.entries] for item in broken_links()}
        assert broken == {"missing": sorted([ok, looping]), "loop": [looping], "slow": [
            next(iter(rows["slow"].entry_ids))]}
    # Checked again: the first failure is kept; a link no longer published is forgotten.
    with capp.app_context():
        db.session.get(m.Entry, looping).status = "draft"
        db.session.commit()
    capp.test_cli_runner().invoke(args=["links", "check"])
    with capp.app_context():
        rows = {row.url.rsplit("/", 1)[1]: row for row in db.session.scalars(select(m.LinkCheck))}
        assert "loop" not in rows and rows["missing"].entry_ids == [ok]
        assert rows["missing"].failing_since == first_failure
    page = logged_in_client(capp, "adviser").get("/admin/upkeep").get_data(as_text=True)
    assert f"{loopback_site}/missing" in page and "404" in page


def test_saving_an_enterprise_warns_about_likely_duplicates(capp):
    add_entry(capp, "enterprise", status="published", slug="fiktiva-fixarna",
              title={"sv": "Kooperativet Fiktiva Fixarna"}, org_number="556016-0680", municipalities=["0662"])
    adviser = logged_in_client(capp, "adviser")
    adviser.post("/auth/language", data={"lang": "en"})
    response = adviser.post("/admin/entries/new/enterprise", data={
        "title_sv": "Fiktiva Fixarna ekonomisk förening", "slug": "fiktiva-fixarna-ek-for",
        "summary_sv": "Påhittad.", "municipalities": ["0662"]}, follow_redirects=True)
    html = response.get_data(as_text=True)
    assert "Is this a duplicate? Kooperativet Fiktiva Fixarna" in html
    assert "similar name, same municipality" in html
    other = add_entry(capp, "enterprise", status="draft", slug="helt-annat", title={"sv": "Helt Annat"},
                      municipalities=["0180"])
    response = adviser.post(f"/admin/entries/{other}/edit",
                            data=edit_payload(capp, other, org_number="556016-0680"), follow_redirects=True)
    assert "same organisation number" in response.get_data(as_text=True)
    unrelated = add_entry(capp, "enterprise", status="draft", title={"sv": "Fiktivt Unikt"}, municipalities=["0180"])
    response = adviser.post(f"/admin/entries/{unrelated}/edit",
                            data=edit_payload(capp, unrelated, summary_sv="Ny."), follow_redirects=True)
    assert "duplicate" not in response.get_data(as_text=True)


def test_import_report_lists_likely_duplicates(capp, tmp_path):
    add_entry(capp, "enterprise", status="published", slug="fiktiva-fixarna",
              title={"sv": "Kooperativet Fiktiva Fixarna"}, org_number="556016-0680", municipalities=["0662"])
    path = tmp_path / "enterprises.yaml"
    path.write_text(yaml.safe_dump({"type": "enterprise", "entries": [
        {"slug": "fiktiva-fixarna-ek", "status": "draft", "title": "Fiktiva Fixarna ek. för.",
         "summary": "Påhittad.", "municipalities": ["0662"]},
        {"slug": "nytt-namn", "status": "draft", "title": "Nytt Namn", "summary": "Påhittad.",
         "org_number": "556016-0680"},
        {"slug": "fiktiv-ensam", "status": "draft", "title": "Fiktiv Ensam", "summary": "Påhittad."},
    ]}, allow_unicode=True), encoding="utf-8")
    dry = capp.test_cli_runner().invoke(args=["import", "--dry-run", str(path)])
    assert dry.exit_code == 0, dry.output
    # The command line speaks Swedish once the catalog has the message: look for the slugs.
    pairs = [line for line in dry.output.splitlines() if " fiktiva-fixarna " in f"{line} "]
    assert len(pairs) == 2
    assert any(line.count("fiktiva-fixarna-ek") == 1 for line in pairs)
    assert any("nytt-namn" in line for line in pairs)
    assert not any("fiktiv-ensam" in line for line in dry.output.splitlines())
    real = capp.test_cli_runner().invoke(args=["import", str(path)])
    assert len([line for line in real.output.splitlines() if " fiktiva-fixarna " in f"{line} "]) == 2


def test_a_large_import_compares_names_only_for_equality(capp, tmp_path, monkeypatch):
    from knowledgebase.services.curation import duplicates

    add_entry(capp, "enterprise", status="published", slug="fiktiva-fixarna",
              title={"sv": "Kooperativet Fiktiva Fixarna"}, municipalities=["0662"])
    path = tmp_path / "enterprises.yaml"
    path.write_text(yaml.safe_dump({"type": "enterprise", "entries": [
        {"slug": "fiktiva-fixarna-ek", "status": "draft", "title": "Fiktiva Fixarna ek. för.",
         "summary": "Påhittad.", "municipalities": ["0662"]},
        {"slug": "fiktiva-fixare", "status": "draft", "title": "Fiktiva Fixare",
         "summary": "Påhittad.", "municipalities": ["0662"]},
    ]}, allow_unicode=True), encoding="utf-8")
    entries = [("enterprise", "fiktiva-fixarna-ek", "created"), ("enterprise", "fiktiva-fixare", "created")]
    with capp.app_context():
        assert import_path(path)
        found, similar = duplicates.import_duplicates(entries)
        # "fiktiva fixare" is a similar name to both (ratio 0.9 or more), not an equal one.
        assert similar and sorted((one.slug, other.slug) for one, other, _ in found) == [
            ("fiktiva-fixare", "fiktiva-fixarna"), ("fiktiva-fixare", "fiktiva-fixarna-ek"),
            ("fiktiva-fixarna-ek", "fiktiva-fixarna")]
        monkeypatch.setattr(duplicates, "MAX_COMPARISONS", 1)
        found, similar = duplicates.import_duplicates(entries)
        assert not similar
        assert [(one.slug, other.slug, why) for one, other, why in found] == [
            ("fiktiva-fixarna-ek", "fiktiva-fixarna", "similar_name")]
        # The pair, then the sentence that similar names were not compared (in the app's language).
        lines = duplicates.import_duplicate_warnings(entries)
        assert len(lines) == 2 and "fiktiva-fixarna-ek" in lines[0] and "fiktiva" not in lines[1]
        db.session.rollback()
