"""The editorial workflow: steps by role, what the public sees, history (revisions, diffs,
restore), no lost edits, suggestions, bulk import and export, and the whole story end to end."""

from __future__ import annotations

import io
import re
import zipfile
from datetime import date

import pytest
import yaml
from sqlalchemy.exc import OperationalError

from knowledgebase import models as m
from knowledgebase.extensions import db
from knowledgebase.services import revisions, suggestions, workflow
from tests.conftest import close_app, make_curation_app
from tests.curation_support import (
    PASSWORD,
    accessibility_problems,
    add_entry,
    add_user,
    csrf_token,
    edit_payload,
    entry_state,
    logged_in_client,
)


def _user(app, role: str) -> int:
    email = add_user(app, role)
    with app.app_context():
        return db.session.scalar(db.select(m.User.id).where(m.User.email == email))


# -- steps by role ------------------------------------------------------------------------

STEPS = [
    # action, from status, allowed for contributor, adviser, admin
    ("submit", "draft", (True, True, True)),
    ("return", "review", (True, True, True)),
    ("publish", "review", (False, True, True)),
    ("unpublish", "published", (False, True, True)),
    ("archive", "published", (False, True, True)),
    ("archive", "draft", (False, True, True)),
    ("reopen", "archived", (False, True, True)),
]


@pytest.mark.parametrize("action,status,allowed", STEPS)
def test_workflow_steps_follow_the_roles(capp, action, status, allowed):
    target = workflow.TRANSITIONS[action][1]
    for role, may in zip(("contributor", "adviser", "admin"), allowed):
        user_id = _user(capp, role)
        entry_id = add_entry(capp, "research", status=status)
        with capp.app_context():
            entry, user = db.session.get(m.Entry, entry_id), db.session.get(m.User, user_id)
            if may:
                workflow.transition(entry, action, user, entry.version)
                db.session.commit()
                assert entry.status == target
                assert revisions.history(entry_id)[0].action == action
            else:
                with pytest.raises(workflow.NotAllowed):
                    workflow.transition(entry, action, user, entry.version)
                db.session.rollback()
                assert db.session.get(m.Entry, entry_id).status == status


def test_steps_only_from_the_right_status(capp):
    user_id = _user(capp, "admin")
    entry_id = add_entry(capp, "research", status="draft")
    with capp.app_context():
        entry, user = db.session.get(m.Entry, entry_id), db.session.get(m.User, user_id)
        with pytest.raises(workflow.WorkflowError):
            workflow.transition(entry, "publish", user, entry.version)  # a draft is reviewed first
        with pytest.raises(workflow.WorkflowError):
            workflow.transition(entry, "fly", user, entry.version)


def test_publishing_needs_a_source(capp):
    user_id = _user(capp, "adviser")
    entry_id = add_entry(capp, "research", status="review", sources=[])
    client = logged_in_client(capp, "adviser")
    response = client.post(f"/admin/entries/{entry_id}/status", data={"action": "publish", "version": "1"},
                           follow_redirects=True)
    assert "sources" in response.get_data(as_text=True)
    assert entry_state(capp, entry_id).status == "review"
    with capp.app_context():
        assert db.session.get(m.User, user_id) is not None


def test_contributors_edit_drafts_only(capp):
    client = logged_in_client(capp, "contributor")
    draft = add_entry(capp, "network", status="draft")
    review = add_entry(capp, "network", status="review")
    assert client.get(f"/admin/entries/{draft}/edit").status_code == 200
    assert client.get(f"/admin/entries/{review}/edit").status_code == 403
    assert client.post(f"/admin/entries/{review}/edit", data=edit_payload(capp, review, summary_sv="X")).status_code == 403
    html = client.get(f"/admin/entries/{review}").get_data(as_text=True)
    assert 'value="publish"' not in html and 'value="return"' in html


# -- what the public sees -----------------------------------------------------------------

def _search_slugs(app, word: str) -> list[str] | None:
    from knowledgebase import search

    if not hasattr(search, "SearchRequest"):
        return None
    with app.test_request_context("/sv/"):
        return [hit.slug for hit in search.search(search.SearchRequest(q=word, locale="sv")).hits]


def _public_views(client, slug: str, word: str) -> dict[str, bool]:
    """Where the entry (an enterprise in theme 1 and Växjö, 0780) can be seen."""
    csv = client.get("/sv/enterprises.csv").get_data(as_text=True)
    return {
        "page": client.get(f"/sv/enterprises/{slug}").status_code == 200,
        "english page": client.get(f"/en/enterprises/{slug}").status_code == 200,
        "easy read": client.get(f"/sv/enterprises/{slug}/easy-read").status_code == 200,
        "list": word in client.get("/sv/enterprises/").get_data(as_text=True),
        "theme": word in client.get("/sv/themes/1").get_data(as_text=True),
        "municipality": word in client.get("/sv/municipalities/0780").get_data(as_text=True),
        "county": word in client.get("/sv/counties/07").get_data(as_text=True),
        "home": True,
        "feed": word in client.get("/sv/feed.atom").get_data(as_text=True),
        "whats new": word in client.get("/sv/whats-new").get_data(as_text=True),
        "api list": word in client.get("/api/v1/enterprises/").get_data(as_text=True),
        "api detail": client.get(f"/api/v1/enterprises/{slug}").status_code == 200,
        "csv": word in csv,
    }


def test_only_published_entries_reach_the_public_and_steps_apply_at_once(capp):
    word = "Zylofonverkstan"
    entry_id = add_entry(capp, "enterprise", status="draft", slug="zylofon", title={"sv": word},
                         themes=[1], municipalities=["0780"], easy_read="Lätt att läsa.")
    adviser = logged_in_client(capp, "adviser")
    public = capp.test_client()

    def step(action: str) -> None:
        version = entry_state(capp, entry_id).version
        response = adviser.post(f"/admin/entries/{entry_id}/status", data={"action": action, "version": version})
        assert response.status_code == 302

    hidden = {name: False for name in _public_views(public, "zylofon", word)}
    hidden["home"] = True
    assert _public_views(public, "zylofon", word) == hidden
    assert _search_slugs(capp, word) in (None, [])
    step("submit")
    assert _public_views(public, "zylofon", word) == hidden
    step("publish")
    assert all(_public_views(public, "zylofon", word).values())
    assert _search_slugs(capp, word) in (None, ["zylofon"])
    step("archive")
    assert _public_views(public, "zylofon", word) == hidden
    assert _search_slugs(capp, word) in (None, [])
    step("reopen")
    assert _public_views(public, "zylofon", word) == hidden
    # Suggestions are offered only for what the public can see.
    assert public.get("/sv/suggest?type=enterprise&slug=zylofon").status_code == 404


def test_search_index_follows_the_workflow(capp):
    from knowledgebase import search

    if not hasattr(search, "check"):
        pytest.skip("the search module has no check()")
    entry_id = add_entry(capp, "glossary", status="review", title={"sv": "Fiktivterm"})
    adviser = logged_in_client(capp, "adviser")
    for action in ("publish", "unpublish", "submit", "publish", "archive"):
        version = entry_state(capp, entry_id).version
        assert adviser.post(f"/admin/entries/{entry_id}/status",
                            data={"action": action, "version": version}).status_code == 302
        with capp.app_context():
            assert search.check().is_clean(), action


# -- history ------------------------------------------------------------------------------

def test_every_save_is_a_revision_that_can_be_compared_and_restored(capp):
    client = logged_in_client(capp, "adviser")
    response = client.post("/admin/entries/new/research", data={
        "title_sv": "Fiktiv rapport", "slug": "fiktiv-rapport", "summary_sv": "Första raden.",
        "body_sv": "Stycke ett.\nStycke två.", "authors": "Fiktiv, A."})
    entry_id = int(response.headers["Location"].rsplit("/", 1)[1])
    client.post(f"/admin/entries/{entry_id}/edit", data=edit_payload(
        capp, entry_id, summary_sv="Andra versionen.", body_sv="Stycke ett.\nStycke TVÅ.", authors="Fiktiv, A.\nNy, B.",
        note="Rättade stavning"))
    with capp.app_context():
        history = revisions.history(entry_id)
        assert [(r.number, r.action) for r in history] == [(2, "edit"), (1, "create")]
        assert history[0].note == "Rättade stavning" and history[0].author.startswith("adviser")
        assert history[1].data["summary"] == {"sv": "Första raden."}
        first, second = history[1].id, history[0].id
    html = client.get(f"/admin/entries/{entry_id}/history").get_data(as_text=True)
    assert "Rättade stavning" in html and f"/revisions/{first}/restore" in html

    diff = client.get(f"/admin/entries/{entry_id}/compare?a={first}&b={second}").get_data(as_text=True)
    assert '<del><span class="visually-hidden">' in diff and "[sv] Första raden." in diff
    assert "[sv] Andra versionen." in diff and "Ny, B." in diff
    assert "[sv] Stycke TVÅ." in diff and "[sv] Stycke ett." in diff  # unchanged line for context
    assert client.get(f"/admin/entries/{entry_id}/compare?a={first}&b=current").status_code == 200
    assert client.get(f"/admin/entries/{entry_id}/compare?a=999999").status_code == 404

    version = entry_state(capp, entry_id).version
    response = client.post(f"/admin/entries/{entry_id}/revisions/{first}/restore", data={"version": version})
    assert response.status_code == 302
    with capp.app_context():
        entry = db.session.get(m.Research, entry_id)
        assert entry.summary_sv == "Första raden." and entry.authors == ["Fiktiv, A."]
        history = revisions.history(entry_id)
        assert [(r.number, r.action) for r in history][:1] == [(3, "restore")]
        assert "1" in history[0].note
        assert db.session.scalar(db.select(m.AuditEvent.action).where(m.AuditEvent.action == "restore"))


def test_diff_is_per_field_and_readable():
    old = {"title": {"sv": "A"}, "themes": [1], "sources": [{"title": "K", "url": ""}], "employees": 3}
    new = {"title": {"sv": "A", "en": "A en"}, "themes": [1, 2], "sources": [], "employees": 4}
    diffs = {d.name: d.lines for d in revisions.diff_data(old, new, "enterprise")}
    assert diffs["title"] == [("equal", "[sv] A"), ("insert", "[en] A en")]
    assert diffs["themes"] == [("equal", "1"), ("insert", "2")]
    assert diffs["sources"] == [("delete", "K")]
    assert diffs["employees"] == [("delete", "3"), ("insert", "4")]


def test_verifying_records_who_and_when(capp):
    entry_id = add_entry(capp, "advice", status="published", last_verified="2020-01-01")
    client = logged_in_client(capp, "adviser")
    assert client.post(f"/admin/entries/{entry_id}/verify", data={"version": "1"}).status_code == 302
    with capp.app_context():
        entry = db.session.get(m.Entry, entry_id)
        assert entry.last_verified == date.today()
        revision = revisions.last_verification(entry_id)
        assert revision.user.role == "adviser" and revision.data["last_verified"] == date.today().isoformat()
    html = client.get(f"/admin/entries/{entry_id}").get_data(as_text=True)
    assert revision.author in html


def test_deleting_keeps_the_history_and_the_audit_trail(capp):
    entry_id = add_entry(capp, "example", status="published", title={"sv": "Borttagen fiktiv"})
    client = logged_in_client(capp, "admin")
    assert client.post(f"/admin/entries/{entry_id}/delete", data={"version": "1"}).status_code == 302
    with capp.app_context():
        assert db.session.get(m.Entry, entry_id) is None
        kept = db.session.scalars(db.select(m.Revision).where(m.Revision.entry_type == "example")).all()
        assert [r.action for r in kept] == ["baseline", "delete"]
        assert kept[1].data["title"] == {"sv": "Borttagen fiktiv"} and kept[1].entry_id is None
        event = db.session.scalar(db.select(m.AuditEvent).where(m.AuditEvent.action == "delete"))
        assert "Borttagen fiktiv" in event.target_label
    assert capp.test_client().get("/api/v1/examples/").get_json()["total"] == 0


# -- no lost edits ------------------------------------------------------------------------

def test_a_later_save_is_refused_with_the_other_persons_changes(capp):
    entry_id = add_entry(capp, "financing", status="published", summary={"sv": "Ursprunglig text."})
    first, second = logged_in_client(capp, "adviser"), logged_in_client(capp, "adviser")
    both_start = edit_payload(capp, entry_id)  # both opened the form at version 1
    assert second.get(f"/admin/entries/{entry_id}/edit").status_code == 200
    saved = first.post(f"/admin/entries/{entry_id}/edit", data=dict(both_start, summary_sv="Förstas ändring."))
    assert saved.status_code == 302

    refused = second.post(f"/admin/entries/{entry_id}/edit", data=dict(both_start, summary_sv="Andras text."))
    assert refused.status_code == 409
    html = refused.get_data(as_text=True)
    assert "Förstas ändring." in html and "Ursprunglig text." in html  # their change, as a diff
    assert "Andras text.</textarea>" in html  # what the second person typed is kept
    assert 'name="version" type="hidden" value="2"' in html
    assert entry_state(capp, entry_id).summary_sv == "Förstas ändring."

    # Having seen the diff, the second person may save over it on purpose.
    again = second.post(f"/admin/entries/{entry_id}/edit", data=dict(both_start, version="2", summary_sv="Andras text."))
    assert again.status_code == 302
    assert entry_state(capp, entry_id).summary_sv == "Andras text."


def test_workflow_steps_from_a_stale_page_are_refused(capp):
    entry_id = add_entry(capp, "financing", status="review")
    client = logged_in_client(capp, "adviser")
    client.post(f"/admin/entries/{entry_id}/edit", data=edit_payload(capp, entry_id, summary_sv="Ändrad."))
    response = client.post(f"/admin/entries/{entry_id}/status", data={"action": "publish", "version": "1"},
                           follow_redirects=True)
    assert entry_state(capp, entry_id).status == "review"
    assert "Someone else saved this entry" in response.get_data(as_text=True) or "någon annan" in \
        response.get_data(as_text=True).lower()


def test_a_database_error_keeps_what_was_typed(capp, monkeypatch):
    entry_id = add_entry(capp, "network", status="draft")
    client = logged_in_client(capp, "adviser")

    def broken(*args, **kwargs):
        raise OperationalError("UPDATE entry", {}, Exception("database is locked"))

    monkeypatch.setattr(workflow, "update_entry", broken)
    response = client.post(f"/admin/entries/{entry_id}/edit",
                           data=edit_payload(capp, entry_id, summary_sv="Text som inte får försvinna."))
    assert response.status_code == 500
    html = response.get_data(as_text=True)
    assert "Text som inte får försvinna.</textarea>" in html
    assert 'class="error-summary" role="alert"' in html
    assert entry_state(capp, entry_id).summary_sv == "Påhittad post för tester."


def test_a_database_error_on_create_keeps_what_was_typed(capp, monkeypatch):
    client = logged_in_client(capp, "contributor")

    def broken(*args, **kwargs):
        raise OperationalError("INSERT INTO entry", {}, Exception("disk full"))

    monkeypatch.setattr(db.session, "commit", broken)
    response = client.post("/admin/entries/new/glossary", data={
        "title_sv": "Ny fiktiv term", "slug": "ny-fiktiv-term", "summary_sv": "Skrivet med möda."})
    monkeypatch.undo()
    assert response.status_code == 500
    html = response.get_data(as_text=True)
    assert 'value="Ny fiktiv term"' in html and "Skrivet med möda.</textarea>" in html
    with capp.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(m.Entry)) == 0


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
    response = client.post("/admin/import", content_type="multipart/form-data", data={
        "file": (io.BytesIO(_glossary_file("ny-term", "finns-redan")), "glossary.yaml")})
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "ny-term" in html and "finns-redan" in html
    with capp.app_context():
        assert db.session.scalar(db.select(m.Entry).where(m.Entry.slug == "ny-term")) is None
    token = re.search(r'name="token" value="([0-9a-f]{32})"', html).group(1)
    applied = client.post("/admin/import/apply", data={"token": token})
    assert applied.status_code == 200
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
    serving process alone: forking a threaded web server is unsafe."""
    def no_fork():
        raise AssertionError("a request forked")
    monkeypatch.setattr("os.fork", no_fork)
    client = logged_in_client(capp, "adviser")
    upload = yaml.safe_dump({"type": "glossary", "entries": [
        {"slug": f"fiktiv-massterm-{n}", "status": "published", "title": f"Fiktiv massterm {n}",
         "summary": "Påhittad.", "sources": [{"title": "Testdata (fiktiv)", "url": "https://example.org/fiktiv"}]}
        for n in range(2100)]}, allow_unicode=True).encode()
    dry = client.post("/admin/import", content_type="multipart/form-data",
                      data={"file": (io.BytesIO(upload), "glossary.yaml")}).get_data(as_text=True)
    token = re.search(r'name="token" value="([0-9a-f]{32})"', dry).group(1)
    assert client.post("/admin/import/apply", data={"token": token}).status_code == 200
    with capp.app_context():
        from knowledgebase import search
        assert search.search(search.parse_request({"q": "massterm", "per_page": "1"}, "sv")).total == 2100
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
    dry = client.post("/admin/import", content_type="multipart/form-data",
                      data={"file": (io.BytesIO(upload), "enterprises.yaml")}).get_data(as_text=True)
    assert "Troliga dubbletter (2)" in dry
    assert "fiktiva-fixarna-ek-for och fiktiva-fixarna" in dry and "samma-nummer och fiktiva-fixarna" in dry
    assert "inget-likt och" not in dry
    assert accessibility_problems(dry) == []
    assert "name=\"token\"" in dry, re.sub(r"\s+", " ", dry)[-3000:]
    token = re.search(r'name="token" value="([0-9a-f]{32})"', dry).group(1)
    applied = client.post("/admin/import/apply", data={"token": token}).get_data(as_text=True)
    assert "Troliga dubbletter (2)" in applied
    with capp.app_context():  # a warning, not a refusal: all three were imported
        assert db.session.scalar(db.select(db.func.count()).select_from(m.Enterprise)) == 4


def test_a_refused_import_changes_nothing(capp):
    client = logged_in_client(capp, "adviser")
    bad = _glossary_file("bra-term", "Dålig Slug")
    response = client.post("/admin/import", content_type="multipart/form-data",
                           data={"file": (io.BytesIO(bad), "glossary.yaml")})
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
    upload = client.post("/admin/import", content_type="multipart/form-data",
                         data={"file": (io.BytesIO(response.data), "export.zip")})
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
