"""Search kept in step with the database: indexing on commit, the drift check and rebuild, the
search page and API, concurrency, and writing in several processes (bulk imports). All
entries are fictional (make_entry)."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import text, update
from werkzeug.datastructures import MultiDict

from knowledgebase import models as m
from knowledgebase import search
from knowledgebase.extensions import db
from tests.search_support import run, titles


# -- in step with the database -------------------------------------------------------------------

def test_create_edit_publish_unpublish_delete_are_visible_at_once(app, make_entry):
    entry_id = make_entry("enterprise", title={"sv": "Fiktiv gammalrubrik"}, summary={"sv": "Text."})
    assert titles(app, "gammalrubrik") == ["Fiktiv gammalrubrik"]
    with app.app_context():
        entry = db.session.get(m.Entry, entry_id)
        entry.title_sv = "Fiktiv nyrubrik"
        db.session.commit()
    assert titles(app, "gammalrubrik") == [] and titles(app, "nyrubrik") == ["Fiktiv nyrubrik"]
    for status, found in (("draft", []), ("published", ["Fiktiv nyrubrik"]), ("archived", [])):
        with app.app_context():
            db.session.get(m.Entry, entry_id).status = status
            db.session.commit()
        assert titles(app, "nyrubrik") == found, status
    with app.app_context():
        db.session.get(m.Entry, entry_id).status = "published"
        db.session.commit()
        db.session.delete(db.session.get(m.Entry, entry_id))
        db.session.commit()
    assert titles(app, "nyrubrik") == []
    with app.app_context():
        assert search.check().is_clean()


def test_a_rolled_back_transaction_is_not_indexed(app, make_entry):
    entry_id = make_entry("enterprise", title={"sv": "Fiktiv stabil"}, summary={"sv": "Text."})
    with app.app_context():
        entry = db.session.get(m.Entry, entry_id)
        entry.title_sv = "Fiktiv tillfällig"
        db.session.add(m.Network(slug="fiktiv-rullas-tillbaka", status="published", title_sv="Fiktiv tillfällig nätverk",
                                 summary_sv="Tillfällig."))
        db.session.flush()
        db.session.rollback()
    assert titles(app, "tillfällig") == []
    assert titles(app, "stabil") == ["Fiktiv stabil"]
    with app.app_context():
        assert search.check().is_clean()


def test_renaming_a_municipality_reindexes_its_entries(app, make_entry):
    make_entry("enterprise", title={"sv": "Fiktiv bagare"}, summary={"sv": "Bröd."}, municipalities=["0821"])
    with app.app_context():
        db.session.get(m.Municipality, "0821").name = "Påhittby"
        db.session.commit()
    assert titles(app, "Påhittby") == ["Fiktiv bagare"]


def test_a_locked_index_never_fails_a_save_and_heals(app, make_entry):
    from knowledgebase.search import service, store

    with app.app_context():
        search_service = service.service()
        search_service.write_timeout = 0.1
        writer = store.open_writer(search_service.engine.ix, timeout=1)
    try:
        entry_id = make_entry("enterprise", title={"sv": "Fiktiv låst"}, summary={"sv": "Sparad ändå."})
        with app.app_context():
            assert db.session.get(m.Entry, entry_id).status == "published"
            # The save stands, and the change log holds what the index still lacks.
            assert search_service.behind() == 1
            assert search_service.catch_up(timeout=0.1) == 0
    finally:
        writer.cancel()
    with app.app_context():
        assert search_service.catch_up() == 1
        assert search_service.behind() == 0
    assert titles(app, "låst") == ["Fiktiv låst"]


def test_check_finds_drift_and_rebuild_heals_it(app, runner, make_entry):
    kept = make_entry("enterprise", title={"sv": "Fiktiv kvar"}, summary={"sv": "Text."})
    changed = make_entry("enterprise", title={"sv": "Fiktiv ändras"}, summary={"sv": "Text."})
    gone = make_entry("enterprise", title={"sv": "Fiktiv försvinner"}, summary={"sv": "Text."})
    hidden = make_entry("enterprise", title={"sv": "Fiktiv dold"}, summary={"sv": "Text."}, status="draft")
    assert runner.invoke(args=["search", "check"]).exit_code == 1  # not applied yet: behind the log
    with app.app_context():
        search.catch_up()
    assert runner.invoke(args=["search", "check"]).exit_code == 0
    with app.app_context():
        # Straight SQL, past the ORM events: the index does not hear of it.
        db.session.execute(update(m.Entry).where(m.Entry.id == changed).values(title_sv="Fiktiv ändrad i smyg"))
        db.session.execute(update(m.Entry).where(m.Entry.id == hidden).values(status="published"))
        db.session.execute(text("DELETE FROM enterprise WHERE id = :id"), {"id": gone})
        db.session.execute(text("DELETE FROM entry WHERE id = :id"), {"id": gone})
        db.session.commit()
    result = runner.invoke(args=["search", "check"])
    assert result.exit_code == 1
    assert "missing: enterprise/fiktiv-enterprise-" in result.output and f"(#{hidden})" in result.output
    assert f"extra: #{gone}" in result.output and f"(#{changed})" in result.output
    assert f"(#{kept})" not in result.output
    result = runner.invoke(args=["search", "rebuild"])
    assert result.exit_code == 0 and "3" in result.output
    assert runner.invoke(args=["search", "check"]).exit_code == 0
    assert titles(app, "smyg") == ["Fiktiv ändrad i smyg"] and titles(app, "dold") == ["Fiktiv dold"]


def test_index_is_built_on_first_start(tmp_path, make_entry, app):
    import shutil

    from tests.apps import close_app, make_app

    make_entry("research", title={"sv": "Fiktiv överlevare"}, summary={"sv": "Text."})
    shutil.rmtree(app.config["SEARCH_INDEX_DIR"])
    again = make_app(tmp_path, DATABASE_URL=app.config["DATABASE_URL"])
    try:
        assert titles(again, "överlevare") == ["Fiktiv överlevare"]
    finally:
        close_app(again)


def test_another_process_sees_new_generations(app, make_entry, tmp_path):
    """A second app on the same database and index (as a second server process would be)
    notices the writes of the first and refreshes its long-lived searcher."""
    from tests.apps import close_app, make_app

    make_entry("research", title={"sv": "Fiktiv första"}, summary={"sv": "Text."})
    other = make_app(tmp_path, DATABASE_URL=app.config["DATABASE_URL"])
    try:
        assert titles(other, "första") == ["Fiktiv första"]
        make_entry("research", title={"sv": "Fiktiv andra"}, summary={"sv": "Text."})
        assert titles(other, "andra") == ["Fiktiv andra"]
    finally:
        close_app(other)


def test_search_can_be_switched_off(tmp_path):
    from tests.apps import close_app, make_app

    off = make_app(tmp_path, SEARCH_ENABLED=False)
    try:
        result = run(off, "något")
        assert result.total == 0 and result.message
        assert off.test_client().get("/sv/search?q=x").status_code == 200
    finally:
        close_app(off)


def test_concurrent_searches_during_a_rebuild_get_answers(app, make_entry):
    for i in range(120):
        make_entry("research", title={"sv": f"Fiktiv rapport {i}"}, summary={"sv": "Om samtidighet och index."})
    answers, errors = [], []

    def searcher() -> None:
        try:
            for _ in range(15):
                answers.append(run(app, "samtidighet").total)
        except Exception as exc:  # noqa: BLE001 - collected and asserted below
            errors.append(exc)

    def rebuilder() -> None:
        try:
            with app.app_context():
                for _ in range(3):
                    search.rebuild()
        except Exception as exc:  # noqa: BLE001
            errors.append(exc)

    threads = [threading.Thread(target=rebuilder)] + [threading.Thread(target=searcher) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len(answers) == 45 and set(answers) == {120}


# -- page and API ------------------------------------------------------------------------------------

def test_search_page_markup(client, make_entry):
    make_entry("enterprise", title={"sv": "Fiktiv odlare"}, summary={"sv": "Odling."}, municipalities=["0780"], themes=[1])
    html = client.get("/sv/search?q=odling").get_data(as_text=True)
    assert html.count("<h1") == 1 and 'role="status"' in html
    assert '<label for="search-q">' in html and "<fieldset" in html and "<legend>" in html
    assert 'method="get"' in html and 'name="municipality" value="0780"' in html
    assert "<script>" not in html and "js/suggest.js" in html


def test_empty_result_page_helps(client, make_entry):
    make_entry("advice", title={"sv": "Fiktiv rådgivare Växjö"}, summary={"sv": "Råd."}, municipalities=["0780"])
    html = client.get("/sv/search?q=zzqqxxyy&municipality=0780").get_data(as_text=True)
    assert "/sv/glossary/" in html and "/sv/advice/" in html
    assert "Fiktiv rådgivare Växjö" in html


def test_api_search_shape(client, make_entry, app):
    make_entry("enterprise", title={"sv": "Fiktiv odlare", "en": "Fictional grower"}, summary={"sv": "Odling.", "en": "Growing."},
               themes=[1], municipalities=["0780"])
    data = client.get("/api/v1/search?q=odling&lang=en&per_page=5000").get_json()
    assert data["total"] == 1 and data["page"] == 1 and data["per_page"] == app.config["API_MAX_PER_PAGE"]
    hit = data["results"][0]
    assert hit["type"] == "enterprise" and hit["title"] == "Fictional grower" and hit["url"].endswith("/en/enterprises/" + hit["slug"])
    assert "<mark>" in hit["snippet"] and hit["score"] > 0
    assert data["facets"]["type"] == {"enterprise": 1} and data["facets"]["municipality"] == {"0780": 1}
    assert data["suggestion"] is None


def test_suggest_endpoint(client, make_entry):
    make_entry("glossary", title={"sv": "Fiktiv växtkraft"}, summary={"sv": "Ett ord."})
    make_entry("enterprise", title={"sv": "Fiktiv växtverkstad"}, summary={"sv": "Ett företag."})
    data = client.get("/api/v1/suggest?q=v%C3%A4xt&lang=sv").get_json()
    labels = [s["label"] for s in data["suggestions"]]
    assert labels[:2] == ["Fiktiv växtkraft", "Fiktiv växtverkstad"]
    data = client.get("/api/v1/suggest?q=vaxj&lang=sv").get_json()
    assert data["suggestions"][0]["label"] == "Växjö" and data["suggestions"][0]["url"].endswith("/sv/municipalities/0780")
    assert client.get("/api/v1/suggest?q=x&lang=xx").status_code == 400


def test_when_no_entry_has_every_word_entries_with_some_are_shown(app, make_entry):
    """"städ Vetlanda" with no cleaning firm in Vetlanda still finds what is there."""
    make_entry("enterprise", slug="fiktivt-vetlanda-kooperativ", title={"sv": "Fiktiva Kooperativet"},
               municipalities=["0685"])
    make_entry("glossary", slug="fiktiv-stadning", title={"sv": "Fiktiv städning"},
               summary={"sv": "Om städtjänster."})
    with app.test_request_context("/sv/search"):
        result = search.search(search.parse_request(MultiDict({"q": "städ Vetlanda"}), "sv"))
    slugs = {hit.slug for hit in result.hits}
    assert slugs == {"fiktivt-vetlanda-kooperativ", "fiktiv-stadning"}
    assert "några av dem" in result.message  # the Swedish interface (the default)


def test_words_typed_together_are_never_split_by_the_fallback(app, make_entry):
    """"status:draft" is one thing typed: entries that merely mention a status or a draft
    are not shown as partial matches (as "status draft", with a space, would show them)."""
    make_entry("research", slug="fiktiv-status", title={"sv": "Fiktiv status för kooperativ"})
    make_entry("research", slug="fiktiv-draft", title={"sv": "Fiktiv draft om kooperativ"})
    make_entry("research", slug="fiktiv-utkast", status="draft", title={"sv": "Fiktiv status draft"})
    assert run(app, "status:draft").total == 0
    assert set(titles(app, "status draft")) == {"Fiktiv status för kooperativ", "Fiktiv draft om kooperativ"}
    # Each group counts whole: "status:kooperativ" (both words) or "draft".
    assert set(titles(app, "status:kooperativ draft")) == {"Fiktiv status för kooperativ", "Fiktiv draft om kooperativ"}
    assert titles(app, "status:kooperativ zzqqxx") == ["Fiktiv status för kooperativ"]


# -- writing in several processes (bulk imports) ---------------------------------------------

def _index_content(ix) -> tuple[list[int], list[tuple]]:
    """Entry ids in document order, and every posting as (field, term, entry id, weight, value)."""
    order, postings = [], []
    with ix.reader() as reader:
        for sub, _offset in reader.leaf_readers():
            eids = sub.column_reader("eid")
            order += [eids[d] for d in sub.all_doc_ids()]
            for fieldname in sub.indexed_field_names():
                for term in sub.lexicon(fieldname):
                    matcher = sub.postings(fieldname, term)
                    while matcher.is_active():
                        if not sub.is_deleted(matcher.id()):
                            postings.append((fieldname, term, eids[matcher.id()], matcher.weight(), matcher.value()))
                        matcher.next()
    return order, sorted(postings)


def _many_entries(make_entry, count: int = 24) -> list[int]:
    words = ["kooperativ", "städning", "café", "upphandling", "trädgård", "återbruk", "Jönköping", "praktik"]
    ids = []
    for n in range(count):
        english = {"en": f"Fictional cooperative {n}"} if n % 3 == 0 else {}
        ids.append(make_entry(
            ("enterprise", "example", "research")[n % 3],
            title={"sv": f"Fiktiv {words[n % 8]} {n}", **english},
            summary={"sv": " ".join(words[(n + k) % 8] for k in range(n % 5 + 3)), **(
                {"en": "A made-up entry for tests."} if english else {})},
            municipalities=[("0685", "0604", "0821")[n % 3]], themes=[n % 3 + 1]))
    return ids


@pytest.mark.parametrize("commit_every", [25_000, 10])
def test_several_writer_processes_give_the_same_index(app, make_entry, tmp_path, monkeypatch, commit_every):
    from knowledgebase.search import batch_write, store
    from knowledgebase.search.documents import load_documents

    monkeypatch.setattr(store, "COMMIT_EVERY", commit_every)  # 10: shares of at most 3 (10 // 3)
    ids = _many_entries(make_entry)
    contents = []
    for procs in (1, 3):
        ix = store.create(tmp_path / f"procs-{procs}")
        with app.app_context():
            count = batch_write.write(ix, [], [], 5, new_ids=ids, load=load_documents, procs=procs, parallel_min=2)
        assert count == len(ids)
        contents.append(_index_content(ix))
        if procs > 1:  # a segment per child: 3 shares of 8, or 8 shares of 3
            assert len(ix._read_toc().segments) == (procs if commit_every > len(ids) else 8)  # noqa: SLF001
        ix.close()
    assert contents[0] == contents[1]
    assert contents[1][0] == sorted(ids)  # document order is entry order


def test_a_bulk_index_write_in_several_processes_is_searchable_and_checks_clean(app, make_entry, monkeypatch):
    from knowledgebase.search import service, store

    ids = _many_entries(make_entry)
    with app.app_context():
        search_service = service.service()
        search_service.engine.recreate()
        monkeypatch.setattr(search_service, "write_procs", 2)
        monkeypatch.setattr(store, "PARALLEL_MIN", 2)
        assert search_service.index_ids(ids)
        assert search.check().is_clean()
    assert titles(app, "kooperativ 0") == ["Fiktiv kooperativ 0"]
    assert run(app, "fiktiv").total == len(ids)


def test_a_failing_writer_process_leaves_the_entries_in_the_log_and_the_index_heals(app, make_entry, monkeypatch):
    from knowledgebase.search import service, store

    ids = _many_entries(make_entry, 8)
    original = store.fields_for

    def failing(doc):
        if doc.entry_id == ids[0]:  # the first share: a child's
            raise ValueError("fictional failure")
        return original(doc)

    with app.app_context():
        search_service = service.service()
        search_service.engine.recreate()
        monkeypatch.setattr(search_service, "write_procs", 2)
        monkeypatch.setattr(store, "PARALLEL_MIN", 2)
        monkeypatch.setattr(store, "fields_for", failing)
        assert not search_service.index_ids(ids)
        monkeypatch.setattr(store, "fields_for", original)
        # The entries' log rows were applied before the index was recreated: replay them all.
        search_service.node.write(search_service.node.node_id(), 0)
        assert search_service.catch_up() == len(ids)
        assert search.check().is_clean()
