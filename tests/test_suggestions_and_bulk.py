"""Suggestions from the public and bulk import in the editorial workflow, and the whole story
from a suggestion to a published entry. Names and addresses are fictional."""

from __future__ import annotations

import io
import re
import zipfile

import yaml

from knowledgebase import models as m
from knowledgebase.extensions import db
from knowledgebase.services.curation import revisions, suggestions
from tests.apps import close_app, make_curation_app
from tests.curation_support import (
    PASSWORD,
    accessibility_problems,
    add_entry,
    apply_import,
    csrf_token,
    edit_payload,
    entry_state,
    logged_in_client,
    upload_for_import,
)


# -- suggestions --------------------------------------------------------------------------

def test_a_reader_suggests_a_correction_and_an_adviser_accepts_it(capp):
    entry_id = add_entry(capp, "enterprise", status="published", slug="fiktiv-ab", summary={"sv": "Gammal text."})
    reader = capp.test_client()
    page = reader.get("/sv/enterprises/fiktiv-ab").get_data(as_text=True)
    assert 'href="/sv/suggest?type=enterprise&amp;slug=fiktiv-ab"' in page
    response = reader.post("/sv/suggest?type=enterprise&slug=fiktiv-ab", data={
        "field": "summary", "message": "Texten är gammal.", "proposed": "Ny och rätt text.",
        "sender_name": "Fiktiv Läsare", "sender_email": "lasare@exempel.se"})
    assert response.status_code == 302 and response.headers["Location"] == "/sv/suggest/thanks"
    with capp.app_context():
        suggestion = db.session.scalar(db.select(m.Suggestion))
        assert (suggestion.kind, suggestion.entry_id, suggestion.status) == ("correction", entry_id, "waiting")
        suggestion_id = suggestion.id
    # The sender's address is for advisers only.
    for path in ("/sv/enterprises/fiktiv-ab", "/api/v1/enterprises/fiktiv-ab", "/sv/enterprises.csv"):
        assert "lasare@exempel.se" not in reader.get(path).get_data(as_text=True)

    adviser = logged_in_client(capp, "adviser")
    detail = adviser.get(f"/admin/suggestions/{suggestion_id}").get_data(as_text=True)
    assert "lasare@exempel.se" in detail and "Ny och rätt text." in detail
    form = adviser.get(f"/admin/entries/{entry_id}/edit?suggestion={suggestion_id}").get_data(as_text=True)
    assert "Ny och rätt text.</textarea>" in form and f'name="suggestion" type="hidden" value="{suggestion_id}"' in form
    response = adviser.post(f"/admin/entries/{entry_id}/edit", data=edit_payload(
        capp, entry_id, summary_sv="Ny och rätt text.", suggestion=str(suggestion_id)))
    assert response.status_code == 302
    with capp.app_context():
        suggestion = db.session.get(m.Suggestion, suggestion_id)
        assert suggestion.status == "accepted" and suggestion.result_entry_id == entry_id
        assert suggestion.moderated_by.role == "adviser"
        assert revisions.history(entry_id)[0].note == f"From suggestion #{suggestion_id}" or \
            str(suggestion_id) in revisions.history(entry_id)[0].note
        assert db.session.scalar(db.select(m.AuditEvent).where(m.AuditEvent.action == "suggestion_accept"))
    assert "Ny och rätt text." in reader.get("/sv/enterprises/fiktiv-ab").get_data(as_text=True)
    # Handled once only.
    assert adviser.post(f"/admin/suggestions/{suggestion_id}/reject", data={"note": "x"}).status_code == 302
    with capp.app_context():
        assert db.session.get(m.Suggestion, suggestion_id).status == "accepted"


def test_a_suggested_enterprise_becomes_a_prefilled_draft(capp):
    reader = capp.test_client()
    assert 'href="/sv/suggest"' in reader.get("/sv/enterprises/").get_data(as_text=True)
    page = reader.get("/sv/suggest").get_data(as_text=True)
    assert 'name="homepage"' in page and "<div hidden>" in page
    response = reader.post("/sv/suggest", data={
        "name": "Fiktiva Cykelverkstan", "message": "Lagar cyklar i Växjö.", "website": "https://cykel.exempel.se",
        "municipality": "0780"})
    assert response.status_code == 302
    with capp.app_context():
        suggestion_id = db.session.scalar(db.select(m.Suggestion.id).where(m.Suggestion.kind == "enterprise"))
    adviser = logged_in_client(capp, "adviser")
    form = adviser.get(f"/admin/entries/new/enterprise?suggestion={suggestion_id}").get_data(as_text=True)
    assert 'value="Fiktiva Cykelverkstan"' in form and 'value="fiktiva-cykelverkstan"' in form
    assert 'value="0780" checked' in form or 'checked id="municipalities' in form or re.search(
        r'<input checked[^>]*value="0780"', form)
    response = adviser.post("/admin/entries/new/enterprise", data={
        "title_sv": "Fiktiva Cykelverkstan", "slug": "fiktiva-cykelverkstan", "summary_sv": "Lagar cyklar i Växjö.",
        "website": "https://cykel.exempel.se", "municipalities": ["0780"], "suggestion": str(suggestion_id)})
    assert response.status_code == 302
    with capp.app_context():
        suggestion = db.session.get(m.Suggestion, suggestion_id)
        entry = suggestion.result_entry
        assert suggestion.status == "accepted" and entry.status == "draft" and entry.slug == "fiktiva-cykelverkstan"


def test_rejecting_a_suggestion_needs_a_note_and_is_audited(capp):
    with capp.app_context():
        suggestion = suggestions.create_suggestion("enterprise", "sv", name="Fiktivt AB", message="Finns inte.")
        db.session.commit()
        suggestion_id = suggestion.id
    adviser = logged_in_client(capp, "adviser")
    assert adviser.post(f"/admin/suggestions/{suggestion_id}/reject", data={"note": ""}).status_code == 422
    assert adviser.post(f"/admin/suggestions/{suggestion_id}/reject",
                        data={"note": "Inget socialt företag."}).status_code == 302
    with capp.app_context():
        suggestion = db.session.get(m.Suggestion, suggestion_id)
        assert suggestion.status == "rejected" and suggestion.moderator_note == "Inget socialt företag."
        event = db.session.scalar(db.select(m.AuditEvent).where(m.AuditEvent.action == "suggestion_reject"))
        assert event.detail == "Inget socialt företag."
    assert "Fiktivt AB" in adviser.get("/admin/suggestions/?status=rejected").get_data(as_text=True)


def test_suggestions_are_guarded_by_a_honeypot_and_size_limits(capp):
    reader = capp.test_client()
    trapped = reader.post("/sv/suggest", data={"name": "Robot AB", "message": "Köp!", "homepage": "http://spam"})
    assert trapped.status_code == 302  # the robot is thanked ...
    too_long = reader.post("/sv/suggest", data={"name": "N" * 201, "message": "M" * 5001,
                                                "sender_email": "inte-en-adress"})
    assert too_long.status_code == 422
    html = too_long.get_data(as_text=True)
    for field in ("name", "message", "sender_email"):
        assert f'href="#{field}"' in html
    with capp.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(m.Suggestion)) == 0  # ... and ignored


def test_suggestions_are_rate_limited(tmp_path):
    app = make_curation_app(tmp_path, SUGGEST_LIMIT="2 per hour")
    reader = app.test_client()
    for _ in range(2):
        assert reader.post("/sv/suggest", data={"name": "Fiktivt AB", "message": "Hej."}).status_code == 302
    limited = reader.post("/sv/suggest", data={"name": "Fiktivt AB", "message": "Hej."})
    assert limited.status_code == 429 and "Retry-After" in limited.headers
    assert 'role="alert"' in limited.get_data(as_text=True)
    other = app.test_client()
    assert other.post("/sv/suggest", data={"name": "Fiktivt AB", "message": "Hej."},
                      environ_base={"REMOTE_ADDR": "10.9.8.7"}).status_code == 302
    close_app(app)


# -- bulk ---------------------------------------------------------------------------------

def _glossary_file(*slugs: str, status: str = "draft") -> bytes:
    return yaml.safe_dump({"type": "glossary", "entries": [
        {"slug": slug, "status": status, "title": f"Term {slug}", "summary": "Påhittad."} for slug in slugs]},
        allow_unicode=True).encode()


def test_import_dry_run_then_apply(capp):
    add_entry(capp, "glossary", slug="finns-redan", status="draft")
    client = logged_in_client(capp, "adviser")
    response = upload_for_import(capp, client, _glossary_file("ny-term", "finns-redan"), "glossary.yaml")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "ny-term" in html and "finns-redan" in html
    with capp.app_context():
        assert db.session.scalar(db.select(m.Entry).where(m.Entry.slug == "ny-term")) is None
    token = re.search(r'name="token" value="([0-9a-f]{32})"', html).group(1)
    applied = apply_import(capp, client, token)
    assert applied.status_code == 200 and "Klart" in applied.get_data(as_text=True)
    with capp.app_context():
        entry = db.session.scalar(db.select(m.Entry).where(m.Entry.slug == "ny-term"))
        assert [r.action for r in revisions.history(entry.id)] == ["import"]
        changed = db.session.scalar(db.select(m.Entry).where(m.Entry.slug == "finns-redan"))
        assert [r.action for r in revisions.history(changed.id)] == ["import", "baseline"]
        assert revisions.history(changed.id)[1].data["title"] == {"sv": "Fiktiv glossary " + changed.slug} or \
            revisions.history(changed.id)[1].data["title"]["sv"].startswith("Fiktiv glossary")
        event = db.session.scalar(db.select(m.AuditEvent).where(m.AuditEvent.action == "import"))
        assert event.target_label == "glossary.yaml"
    # The token is used up.
    assert client.post("/admin/import/apply", data={"token": token}).status_code == 302


def test_an_upload_in_the_browser_never_forks(capp, monkeypatch):
    """A bulk upload large enough for the command line's writer processes is indexed by the
    serving process alone: forking a threaded web server is unsafe. (The size at which the
    command line forks is lowered from 2 000 entries to 50, so that the test is quick.)"""
    def no_fork():
        raise AssertionError("a request forked")
    monkeypatch.setattr("os.fork", no_fork)
    monkeypatch.setattr("knowledgebase.search.store.PARALLEL_MIN", 50)
    client = logged_in_client(capp, "adviser")
    upload = yaml.safe_dump({"type": "glossary", "entries": [
        {"slug": f"fiktiv-massterm-{n}", "status": "published", "title": f"Fiktiv massterm {n}",
         "summary": "Påhittad.", "sources": [{"title": "Testdata (fiktiv)", "url": "https://example.org/fiktiv"}]}
        for n in range(120)]}, allow_unicode=True).encode()
    dry = upload_for_import(capp, client, upload, "glossary.yaml").get_data(as_text=True)
    token = re.search(r'name="token" value="([0-9a-f]{32})"', dry).group(1)
    assert apply_import(capp, client, token).status_code == 200
    with capp.app_context():
        from knowledgebase import search
        assert search.search(search.parse_request({"q": "massterm", "per_page": "1"}, "sv")).total == 120
        assert search.check().is_clean()


def test_import_page_lists_likely_duplicates(capp):
    """Uploading enterprises in the browser warns, in the dry run and after the import, about
    ones that look like enterprises already there (same organisation number, or a similar name
    in the same municipality)."""
    add_entry(capp, "enterprise", slug="fiktiva-fixarna", status="published",
              title={"sv": "Kooperativet Fiktiva Fixarna"}, org_number="556677-8899", municipalities=["0662"])
    upload = yaml.safe_dump({"type": "enterprise", "entries": [
        {"slug": "fiktiva-fixarna-ek-for", "title": "Fiktiva Fixarna ekonomisk förening", "summary": "Påhittad.",
         "municipalities": ["0662"]},
        {"slug": "samma-nummer", "title": "Ett helt annat fiktivt namn", "summary": "Påhittad.",
         "org_number": "556677-8899"},
        {"slug": "inget-likt", "title": "Fiktiva Cykelverkstaden", "summary": "Påhittad.", "municipalities": ["0180"]},
    ]}, allow_unicode=True).encode()
    client = logged_in_client(capp, "adviser")
    dry = upload_for_import(capp, client, upload, "enterprises.yaml").get_data(as_text=True)
    assert "Troliga dubbletter (2)" in dry
    assert "fiktiva-fixarna-ek-for och fiktiva-fixarna" in dry and "samma-nummer och fiktiva-fixarna" in dry
    assert "inget-likt och" not in dry
    assert accessibility_problems(dry) == []
    assert "name=\"token\"" in dry, re.sub(r"\s+", " ", dry)[-3000:]
    token = re.search(r'name="token" value="([0-9a-f]{32})"', dry).group(1)
    applied = apply_import(capp, client, token).get_data(as_text=True)
    assert "Troliga dubbletter (2)" in applied
    with capp.app_context():  # a warning, not a refusal: all three were imported
        assert db.session.scalar(db.select(db.func.count()).select_from(m.Enterprise)) == 4


def test_a_refused_import_changes_nothing(capp):
    client = logged_in_client(capp, "adviser")
    bad = _glossary_file("bra-term", "Dålig Slug")
    response = upload_for_import(capp, client, bad, "glossary.yaml")
    html = response.get_data(as_text=True)
    assert 'role="alert"' in html and "Dålig Slug" in html and 'name="token"' not in html
    with capp.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(m.Entry)) == 0


def test_export_zip_holds_every_entry_and_imports_again(capp, tmp_path):
    add_entry(capp, "glossary", slug="utkast-term", status="draft")
    add_entry(capp, "enterprise", slug="publicerat-ab", status="published")
    client = logged_in_client(capp, "adviser")
    response = client.get("/admin/export.zip")
    assert response.status_code == 200 and response.mimetype == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(response.data))
    assert "entries/glossary.yaml" in archive.namelist() and "taxonomy/themes.yaml" in archive.namelist()
    assert "utkast-term" in archive.read("entries/glossary.yaml").decode()
    upload = upload_for_import(capp, client, response.data, "export.zip")
    assert upload.status_code == 200 and "publicerat-ab" in upload.get_data(as_text=True)


def test_unsafe_zip_is_refused(capp):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("../../evil.yaml", "type: glossary\nentries: []\n")
    client = logged_in_client(capp, "adviser")
    response = client.post("/admin/import", content_type="multipart/form-data",
                           data={"file": (io.BytesIO(buffer.getvalue()), "evil.zip")})
    assert response.status_code == 422


# -- the whole story ----------------------------------------------------------------------

def _post_form(client, page_path: str, action_path: str, data: dict, **kwargs):
    """Fetch a page for its CSRF token, then post a form, as a browser does."""
    token = csrf_token(client.get(page_path).get_data(as_text=True))
    return client.post(action_path, data={"csrf_token": token, **data}, **kwargs)


def test_end_to_end_from_draft_to_accepted_correction(tmp_path):
    app = make_curation_app(tmp_path, WTF_CSRF_ENABLED=True)
    runner = app.test_cli_runner()
    for email, role in (("ada@exempel.se", "adviser"), ("bo@exempel.se", "adviser"), ("chef@exempel.se", "admin")):
        result = runner.invoke(args=["users", "create", email, "--role", role, "--password-stdin"],
                               input=PASSWORD + "\n")
        assert result.exit_code == 0, result.output

    ada = app.test_client()
    assert _post_form(ada, "/auth/login", "/auth/login", {"email": "ada@exempel.se", "password": PASSWORD}
                      ).status_code == 302
    created = _post_form(ada, "/admin/entries/new/enterprise", "/admin/entries/new/enterprise", {
        "title_sv": "Fiktiva Bageriet", "slug": "fiktiva-bageriet", "summary_sv": "Bakar bröd med arbetsträning.",
        "body_sv": "Bageriet **anställer** personer långt från arbetsmarknaden.", "municipalities": ["0680"],
        "themes": ["1"], "sources": "Fiktiv källa | https://exempel.se/bageriet"})
    assert created.status_code == 302
    detail_path = created.headers["Location"]
    entry_id = int(detail_path.rsplit("/", 1)[1])
    assert _post_form(ada, detail_path, f"{detail_path}/status", {"action": "submit", "version": "1"}
                      ).status_code == 302
    assert _post_form(ada, "/admin/", "/auth/logout", {}).status_code == 302

    bo = app.test_client()
    assert _post_form(bo, "/auth/login", "/auth/login", {"email": "bo@exempel.se", "password": PASSWORD}
                      ).status_code == 302
    dashboard = bo.get("/admin/").get_data(as_text=True)
    assert "Fiktiva Bageriet" in dashboard[dashboard.index('id="in-review"'):dashboard.index('id="recently-published"')]
    review = bo.get(detail_path).get_data(as_text=True)
    assert "<strong>anställer</strong>" in review
    version = entry_state(app, entry_id).version
    assert _post_form(bo, detail_path, f"{detail_path}/status", {"action": "publish", "version": version}
                      ).status_code == 302

    reader = app.test_client()
    public = reader.get("/sv/enterprises/fiktiva-bageriet")
    assert public.status_code == 200 and "Bakar bröd med arbetsträning." in public.get_data(as_text=True)
    assert reader.get("/api/v1/enterprises/fiktiva-bageriet").status_code == 200
    suggest_path = "/sv/suggest?type=enterprise&slug=fiktiva-bageriet"
    assert _post_form(reader, suggest_path, suggest_path, {
        "field": "summary", "message": "De bakar också kakor.", "proposed": "Bakar bröd och kakor med arbetsträning.",
        "sender_email": "lasare@exempel.se"}).status_code == 302

    assert _post_form(ada, "/auth/login", "/auth/login", {"email": "ada@exempel.se", "password": PASSWORD}
                      ).status_code == 302
    with app.app_context():
        suggestion_id = db.session.scalar(db.select(m.Suggestion.id))
    assert f"/admin/suggestions/{suggestion_id}" in ada.get("/admin/").get_data(as_text=True)
    accept_path = f"{detail_path}/edit?suggestion={suggestion_id}"
    form = ada.get(accept_path).get_data(as_text=True)
    assert "Bakar bröd och kakor med arbetsträning.</textarea>" in form
    payload = edit_payload(app, entry_id, summary_sv="Bakar bröd och kakor med arbetsträning.",
                           suggestion=str(suggestion_id))
    assert _post_form(ada, accept_path, f"{detail_path}/edit", payload).status_code == 302
    assert "Bakar bröd och kakor" in reader.get("/sv/enterprises/fiktiva-bageriet").get_data(as_text=True)

    history = ada.get(f"{detail_path}/history").get_data(as_text=True)
    rows = re.findall(r'<tr>\s*<th scope="row">(\d+)</th>\s*<td>[^<]*</td>\s*<td>([^<]*)</td>', history)
    assert rows == [("4", "ada@exempel.se"), ("3", "bo@exempel.se"), ("2", "ada@exempel.se"),
                    ("1", "ada@exempel.se")]
    with app.app_context():
        assert [r.action for r in revisions.history(entry_id)] == ["edit", "publish", "submit", "create"]
        assert db.session.get(m.Suggestion, suggestion_id).status == "accepted"

    chef = app.test_client()
    assert _post_form(chef, "/auth/login", "/auth/login", {"email": "chef@exempel.se", "password": PASSWORD}
                      ).status_code == 302
    with app.app_context():
        events = [(e.action, e.actor) for e in db.session.scalars(
            db.select(m.AuditEvent).order_by(m.AuditEvent.id))]
    assert events[:3] == [("user_create", "command line")] * 3
    assert events[3:] == [
        ("login", "ada@exempel.se"), ("logout", "ada@exempel.se"), ("login", "bo@exempel.se"),
        ("publish", "bo@exempel.se"), ("login", "ada@exempel.se"), ("suggestion_accept", "ada@exempel.se"),
        ("login", "chef@exempel.se"),
    ]
    log = chef.get("/admin/audit/").get_data(as_text=True)
    assert log.count("ada@exempel.se") >= 3 and "bo@exempel.se" in log and "Fiktiva Bageriet" in log
    assert chef.get("/admin/audit/?action=publish").get_data(as_text=True).count("<tr>") == 2  # header + one
    close_app(app)
