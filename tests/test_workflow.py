"""The editorial workflow: steps by role, what the public sees, history (revisions, diffs,
restore), no lost edits, suggestions, bulk import and export, and the whole story end to end."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy.exc import OperationalError

from knowledgebase import models as m
from knowledgebase.extensions import db
from knowledgebase.services.curation import revisions, workflow
from tests.curation_support import (
    add_entry,
    edit_payload,
    entry_state,
    logged_in_client,
)
from tests.workflow_support import new_user_id


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
        user_id = new_user_id(capp, role)
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
    user_id = new_user_id(capp, "admin")
    entry_id = add_entry(capp, "research", status="draft")
    with capp.app_context():
        entry, user = db.session.get(m.Entry, entry_id), db.session.get(m.User, user_id)
        with pytest.raises(workflow.WorkflowError):
            workflow.transition(entry, "publish", user, entry.version)  # a draft is reviewed first
        with pytest.raises(workflow.WorkflowError):
            workflow.transition(entry, "fly", user, entry.version)


def test_publishing_needs_a_source(capp):
    user_id = new_user_id(capp, "adviser")
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
