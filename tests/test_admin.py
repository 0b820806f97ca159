"""The editorial area: who may do what (a permission matrix over every route and action),
the generic entry forms for every content type, previews, error summaries and markup."""

from __future__ import annotations

import io
import itertools
from dataclasses import dataclass
from typing import Any, Callable

import pytest
import yaml

from knowledgebase import models as m
from knowledgebase.content_types import CONTENT_TYPES
from knowledgebase.extensions import db
from knowledgebase.services.curation import revisions
from tests.apps import close_app, make_curation_app
from tests.needs_support import need_form, waiting_need
from tests.upkeep_support import enterprise_changes, manager_grant, waiting_claim
from tests.admin_support import accessibility_report, entry_with_revisions, waiting_suggestion
from tests.programme_support import matrix_cases
from tests.curation_support import (
    accessibility_problems,
    add_entry,
    add_user,
    edit_payload,
    entry_state,
    logged_in_client,
)


# -- the permission matrix ----------------------------------------------------------------


@dataclass
class Case:
    """One admin route or action: how to set it up, and the answer per role."""

    name: str
    method: str
    path: Callable[[Any, dict], str]
    setup: Callable[[Any], dict] = lambda app: {}
    data: Callable[[Any, dict], dict] = lambda app, ids: {}
    # Expected status for contributor, adviser, admin (anonymous is always sent to log in).
    expected: tuple[int, int, int] = (200, 200, 200)


def _entry(status: str) -> Callable[[Any], dict]:
    return lambda app: {"entry": add_entry(app, status=status)}


def _user(app) -> dict:
    email = add_user(app, "contributor")
    with app.app_context():
        return {"user": db.session.scalar(db.select(m.User.id).where(m.User.email == email))}


def _disabled_user(app) -> dict:
    ids = _user(app)
    with app.app_context():
        db.session.get(m.User, ids["user"]).active = False
        db.session.commit()
    return ids


def _version(app, ids) -> dict:
    return {"version": str(entry_state(app, ids["entry"]).version)}


def _failed_job(app) -> dict:
    """A failed reindex that nobody in the matrix started: only admins see every job."""
    with app.app_context():
        job = m.Job(kind="reindex", status="failed", params={}, error="Fiktivt fel.", worker="")
        db.session.add(job)
        db.session.commit()
        return {"job": job.id}


def _upload(app, ids) -> dict:
    text = yaml.safe_dump({"type": "glossary", "entries": [
        {"slug": "fiktiv-uppladdning", "status": "draft", "title": "Fiktiv", "summary": "Påhittad."}]})
    return {"file": (io.BytesIO(text.encode()), "glossary.yaml")}


def _sheet_upload(app, ids) -> dict:
    return {"file": (io.BytesIO("Namn;Kommun\nFiktiv matrisfirma;Växjö\n".encode()), "lista.csv")}


_numbers = itertools.count(1)
NEW_ENTRY = {"title_sv": "Fiktivt företag", "slug": "fiktivt-foretag-matris", "summary_sv": "Påhittat."}
CASES = [
    Case("dashboard", "GET", lambda app, ids: "/admin/"),
    Case("entry list", "GET", lambda app, ids: "/admin/entries/?status=draft"),
    Case("choose type", "GET", lambda app, ids: "/admin/entries/new"),
    Case("new form", "GET", lambda app, ids: "/admin/entries/new/enterprise"),
    Case("create", "POST", lambda app, ids: "/admin/entries/new/enterprise",
         data=lambda app, ids: dict(NEW_ENTRY, slug=f"fiktiv-matris-{next(_numbers)}"),
         expected=(302, 302, 302)),
    Case("review page", "GET", lambda app, ids: f"/admin/entries/{ids['entry']}", _entry("review")),
    Case("edit draft form", "GET", lambda app, ids: f"/admin/entries/{ids['entry']}/edit", _entry("draft")),
    Case("edit published form", "GET", lambda app, ids: f"/admin/entries/{ids['entry']}/edit", _entry("published"),
         expected=(403, 200, 200)),
    Case("save draft", "POST", lambda app, ids: f"/admin/entries/{ids['entry']}/edit", _entry("draft"),
         data=lambda app, ids: edit_payload(app, ids["entry"], summary_sv="Ny text."), expected=(302, 302, 302)),
    Case("save published", "POST", lambda app, ids: f"/admin/entries/{ids['entry']}/edit", _entry("published"),
         data=lambda app, ids: edit_payload(app, ids["entry"], summary_sv="Ny text."), expected=(403, 302, 302)),
    Case("send for review", "POST", lambda app, ids: f"/admin/entries/{ids['entry']}/status", _entry("draft"),
         data=lambda app, ids: {"action": "submit", **_version(app, ids)}, expected=(302, 302, 302)),
    Case("back to draft", "POST", lambda app, ids: f"/admin/entries/{ids['entry']}/status", _entry("review"),
         data=lambda app, ids: {"action": "return", **_version(app, ids)}, expected=(302, 302, 302)),
    Case("publish", "POST", lambda app, ids: f"/admin/entries/{ids['entry']}/status", _entry("review"),
         data=lambda app, ids: {"action": "publish", **_version(app, ids)}, expected=(403, 302, 302)),
    Case("unpublish", "POST", lambda app, ids: f"/admin/entries/{ids['entry']}/status", _entry("published"),
         data=lambda app, ids: {"action": "unpublish", **_version(app, ids)}, expected=(403, 302, 302)),
    Case("archive", "POST", lambda app, ids: f"/admin/entries/{ids['entry']}/status", _entry("published"),
         data=lambda app, ids: {"action": "archive", **_version(app, ids)}, expected=(403, 302, 302)),
    Case("take out of archive", "POST", lambda app, ids: f"/admin/entries/{ids['entry']}/status", _entry("archived"),
         data=lambda app, ids: {"action": "reopen", **_version(app, ids)}, expected=(403, 302, 302)),
    Case("verify", "POST", lambda app, ids: f"/admin/entries/{ids['entry']}/verify", _entry("published"),
         data=_version, expected=(403, 302, 302)),
    Case("delete page", "GET", lambda app, ids: f"/admin/entries/{ids['entry']}/delete", _entry("draft"),
         expected=(403, 403, 200)),
    Case("delete", "POST", lambda app, ids: f"/admin/entries/{ids['entry']}/delete", _entry("draft"),
         data=_version, expected=(403, 403, 302)),
    Case("history", "GET", lambda app, ids: f"/admin/entries/{ids['entry']}/history", entry_with_revisions("published")),
    Case("compare", "GET", lambda app, ids: f"/admin/entries/{ids['entry']}/compare?a={ids['revision']}&b=current",
         entry_with_revisions("published")),
    Case("restore in a draft", "POST",
         lambda app, ids: f"/admin/entries/{ids['entry']}/revisions/{ids['revision']}/restore",
         entry_with_revisions("draft"), data=_version, expected=(302, 302, 302)),
    Case("restore in a published entry", "POST",
         lambda app, ids: f"/admin/entries/{ids['entry']}/revisions/{ids['revision']}/restore",
         entry_with_revisions("published"), data=_version, expected=(403, 302, 302)),
    Case("suggestion queue", "GET", lambda app, ids: "/admin/suggestions/", expected=(403, 200, 200)),
    Case("suggestion", "GET", lambda app, ids: f"/admin/suggestions/{ids['suggestion']}", waiting_suggestion,
         expected=(403, 200, 200)),
    Case("accept suggestion (form)", "GET",
         lambda app, ids: f"/admin/entries/{ids['entry']}/edit?suggestion={ids['suggestion']}", waiting_suggestion,
         expected=(403, 200, 200)),
    Case("reject suggestion", "POST", lambda app, ids: f"/admin/suggestions/{ids['suggestion']}/reject", waiting_suggestion,
         data=lambda app, ids: {"note": "Stämmer redan."}, expected=(403, 302, 302)),
    Case("accessibility report", "GET", lambda app, ids: f"/admin/suggestions/{ids['report']}",
         accessibility_report, expected=(403, 200, 200)),
    Case("mark a report handled", "POST", lambda app, ids: f"/admin/suggestions/{ids['report']}/handled",
         accessibility_report, data=lambda app, ids: {"handled-note": "Fokusram tillagd."}, expected=(403, 302, 302)),
    Case("import page", "GET", lambda app, ids: "/admin/import", expected=(403, 200, 200)),
    Case("import dry run", "POST", lambda app, ids: "/admin/import", data=_upload, expected=(403, 303, 303)),
    Case("jobs", "GET", lambda app, ids: "/admin/jobs/", expected=(403, 200, 200)),
    Case("another's job", "GET", lambda app, ids: f"/admin/jobs/{ids['job']}", _failed_job, expected=(403, 404, 200)),
    Case("retry another's job", "POST", lambda app, ids: f"/admin/jobs/{ids['job']}/retry", _failed_job,
         expected=(403, 404, 303)),
    Case("reindex", "POST", lambda app, ids: "/admin/jobs/reindex", expected=(403, 403, 303)),
    Case("import apply", "POST", lambda app, ids: "/admin/import/apply", data=lambda app, ids: {"token": "0" * 32},
         expected=(403, 302, 302)),
    Case("export", "GET", lambda app, ids: "/admin/export.zip", expected=(403, 200, 200)),
    Case("spreadsheet import page", "GET", lambda app, ids: "/admin/import/sheet", expected=(403, 200, 200)),
    Case("spreadsheet mapping without an upload", "GET", lambda app, ids: "/admin/import/sheet/mapping",
         expected=(403, 302, 302)),
    Case("spreadsheet mapping posted without an upload", "POST", lambda app, ids: "/admin/import/sheet/mapping",
         data=lambda app, ids: {"column-0": "title_sv", "action": "check"}, expected=(403, 302, 302)),
    # After the cases above: they find no upload in the session that this one starts.
    Case("spreadsheet upload", "POST", lambda app, ids: "/admin/import/sheet", data=_sheet_upload,
         expected=(403, 303, 303)),
    Case("export enterprises as CSV", "GET", lambda app, ids: "/admin/export/enterprises.csv",
         expected=(403, 200, 200)),
    Case("export enterprises as XLSX", "GET", lambda app, ids: "/admin/export/enterprises.xlsx",
         expected=(403, 200, 200)),
    Case("accounts", "GET", lambda app, ids: "/admin/users/", expected=(403, 403, 200)),
    Case("create account", "POST", lambda app, ids: "/admin/users/",
         data=lambda app, ids: {"email": f"ny{next(_numbers)}@exempel.se", "role": "contributor",
                                "password": "blå stolar på taket"}, expected=(403, 403, 302)),
    Case("change role", "POST", lambda app, ids: f"/admin/users/{ids['user']}/role", _user,
         data=lambda app, ids: {"role": "adviser"}, expected=(403, 403, 302)),
    Case("disable account", "POST", lambda app, ids: f"/admin/users/{ids['user']}/disable", _user,
         expected=(403, 403, 302)),
    Case("enable account", "POST", lambda app, ids: f"/admin/users/{ids['user']}/enable", _disabled_user,
         expected=(403, 403, 302)),
    Case("audit log", "GET", lambda app, ids: "/admin/audit/?action=login", expected=(403, 403, 200)),
    Case("capability completeness", "GET", lambda app, ids: "/admin/completeness", expected=(403, 200, 200)),
    # Keeping it true (knowledgebase/admin/upkeep_views.py).
    Case("upkeep", "GET", lambda app, ids: "/admin/upkeep", expected=(403, 200, 200)),
    Case("upkeep of an entry", "GET", lambda app, ids: f"/admin/upkeep/entries/{ids['entry']}", _entry("published"),
         expected=(403, 200, 200)),
    Case("record a fact source", "POST", lambda app, ids: f"/admin/upkeep/entries/{ids['entry']}",
         _entry("published"), data=lambda app, ids: {"source-facts": ["phone"], "source-submit": "1"},
         expected=(403, 302, 302)),
    Case("confirmation request", "POST", lambda app, ids: f"/admin/upkeep/requests/{ids['entry']}",
         _entry("published"), expected=(403, 302, 302)),
    Case("confirmation requests for a county", "POST", lambda app, ids: "/admin/upkeep/requests/county",
         data=lambda app, ids: {"county-county": "06"}, expected=(403, 303, 303)),
    Case("enterprise changes", "GET", lambda app, ids: f"/admin/upkeep/changes/{ids['request']}",
         enterprise_changes, expected=(403, 200, 200)),
    Case("apply enterprise changes", "POST", lambda app, ids: f"/admin/upkeep/changes/{ids['request']}/apply",
         enterprise_changes, data=_version, expected=(403, 302, 302)),
    Case("reject enterprise changes", "POST", lambda app, ids: f"/admin/upkeep/changes/{ids['request']}/reject",
         enterprise_changes, data=lambda app, ids: {"note": "Stämmer inte."}, expected=(403, 302, 302)),
    Case("digest counties", "POST", lambda app, ids: "/admin/upkeep/digest",
         data=lambda app, ids: {"digest-counties": ["06"]}, expected=(403, 302, 302)),
    Case("needs queue", "GET", lambda app, ids: "/admin/needs/", expected=(403, 200, 200)),
    Case("needs impact", "GET", lambda app, ids: "/admin/needs/impact", expected=(403, 200, 200)),
    Case("need", "GET", lambda app, ids: f"/admin/needs/{ids['need']}", waiting_need, expected=(403, 200, 200)),
    Case("edit a need", "POST", lambda app, ids: f"/admin/needs/{ids['need']}", waiting_need,
         data=lambda app, ids: need_form(), expected=(403, 302, 302)),
    Case("reject a need", "POST", lambda app, ids: f"/admin/needs/{ids['need']}/reject", waiting_need,
         data=lambda app, ids: {"reject-note": "Fiktivt skäl."}, expected=(403, 302, 302)),
    Case("send a need", "POST", lambda app, ids: f"/admin/needs/{ids['need']}/send", waiting_need,
         expected=(403, 302, 302)),
    Case("record a need's outcome", "POST", lambda app, ids: f"/admin/needs/{ids['need']}/outcome", waiting_need,
         data=lambda app, ids: {"awarded": "no"}, expected=(403, 302, 302)),
    # Enterprises' requests to manage their entries (knowledgebase/admin/claim_views.py). An
    # approval's mail goes to no server here: it is approved all the same, and says so.
    Case("claims", "GET", lambda app, ids: "/admin/claims/?status=all", waiting_claim, expected=(403, 200, 200)),
    Case("claim", "GET", lambda app, ids: f"/admin/claims/{ids['claim']}", waiting_claim, expected=(403, 200, 200)),
    Case("approve a claim", "POST", lambda app, ids: f"/admin/claims/{ids['claim']}/approve", waiting_claim,
         expected=(403, 302, 302)),
    Case("refuse a claim", "POST", lambda app, ids: f"/admin/claims/{ids['claim']}/refuse", waiting_claim,
         data=lambda app, ids: {"refuse-note": "Fiktivt skäl."}, expected=(403, 302, 302)),
    Case("revoke a manager", "POST", lambda app, ids: f"/admin/managers/{ids['grant']}/revoke", manager_grant,
         expected=(403, 302, 302)),
    # The programme's follow-up (knowledgebase/admin/programme_views.py and the modules beside it).
    *matrix_cases(Case, _numbers),
]


@pytest.fixture(scope="module")
def matrix_app(tmp_path_factory):
    app = make_curation_app(tmp_path_factory.mktemp("matrix"))
    clients = {role: logged_in_client(app, role) for role in ("contributor", "adviser", "admin")}
    clients["anonymous"] = app.test_client()
    yield app, clients
    close_app(app)


@pytest.mark.parametrize("role", ["anonymous", "contributor", "adviser", "admin"])
@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_permission_matrix(matrix_app, case: Case, role: str):
    app, clients = matrix_app
    ids = case.setup(app)
    version_before = entry_state(app, ids["entry"]).version if "entry" in ids else None
    kwargs = {"data": case.data(app, ids)} if case.method == "POST" else {}
    if "file" in kwargs.get("data", {}):
        kwargs["content_type"] = "multipart/form-data"
    response = clients[role].open(case.path(app, ids), method=case.method, **kwargs)
    if role == "anonymous":
        assert response.status_code == 302
        assert response.headers["Location"].startswith("/auth/login")
        return
    expected = case.expected[("contributor", "adviser", "admin").index(role)]
    assert response.status_code == expected, response.get_data(as_text=True)[:2000]
    if expected == 403 and "entry" in ids:
        entry = entry_state(app, ids["entry"])
        assert entry is not None and entry.version == version_before, "a refused action changed the entry"


def test_matrix_covers_every_admin_route(matrix_app):
    """Every route of the admin blueprint is in the table."""
    app, _clients = matrix_app
    covered = {
        "admin.dashboard", "admin.entries", "admin.entry_types", "admin.entry_new", "admin.entry_detail",
        "admin.entry_edit", "admin.entry_transition", "admin.entry_verify", "admin.entry_delete",
        "admin.entry_history", "admin.entry_compare", "admin.revision_restore", "admin.suggestion_list",
        "admin.suggestion_detail", "admin.suggestion_reject", "admin.suggestion_handled", "admin.import_upload", "admin.import_apply",
        "admin.job_list", "admin.job_page", "admin.job_retry", "admin.job_reindex",
        "admin.export_zip", "admin.sheet_upload", "admin.sheet_mapping", "admin.export_sheet", "admin.users", "admin.user_role", "admin.user_disable", "admin.user_enable",
        "admin.audit_log", "admin.completeness",
        "admin.upkeep", "admin.upkeep_entry", "admin.upkeep_request_entry", "admin.upkeep_request_county",
        "admin.upkeep_changes", "admin.upkeep_changes_apply", "admin.upkeep_changes_reject", "admin.upkeep_digest",
        "admin.need_queue", "admin.need_impact", "admin.need_review", "admin.need_reject", "admin.need_send",
        "admin.need_record_outcome",
        "admin.programmes", "admin.programme_form", "admin.programme_activities", "admin.activity_new",
        "admin.activity_detail", "admin.activity_edit", "admin.activity_attendance", "admin.activity_head_counts",
        "admin.programme_networks", "admin.network_new", "admin.network_edit", "admin.programme_followup",
        "admin.programme_export_csv", "admin.programme_export_xlsx", "admin.person", "admin.person_export",
        "admin.person_erase",
        "admin.claim_list", "admin.claim_detail", "admin.claim_approve", "admin.claim_refuse", "admin.manager_revoke",
    }
    routes = {rule.endpoint for rule in app.url_map.iter_rules() if rule.endpoint.startswith("admin.")}
    assert routes == covered


# -- forms for every content type ---------------------------------------------------------

MINIMAL = {
    "enterprise": {"org_number": "556016-0680", "website": "https://exempel.se", "reserved_contracts": "yes",
                   "employees": "12", "memberships": "Coompanion\nFiktiva nätverket", "services": ["catering-cafe"]},
    "example": {"year": "2024", "results_sv": "Fler jobb.", "procurement_route": "reserved",
                "enterprises": ["lankat-foretag"]},
    "research": {"authors": "Fiktiv, A.\nPåhittad, B.", "year": "2023", "url": "https://exempel.se/rapport"},
    "financing": {"provider": "Fiktiva fonden", "kind": "grant", "eligibility_sv": "Alla."},
    "procurement": {"law": "LOU", "law_references": "LOU 4 kap. 18 § | 2016:1145 | 4 | 18"},
    "advice": {"organisation": "Fiktiv rådgivning", "email": "rad@exempel.se", "phone": "036-12 34 56"},
    "network": {"members_sv": "Alla fiktiva.", "website": "https://exempel.se/natverk"},
    "glossary": {"abbreviation": "FT", "related": ["lankad-term"]},
}


@pytest.mark.parametrize("ct", CONTENT_TYPES, ids=[ct.key for ct in CONTENT_TYPES])
def test_every_content_type_has_a_working_form(capp, ct):
    client = logged_in_client(capp, "contributor")
    add_entry(capp, "enterprise", slug="lankat-foretag")
    add_entry(capp, "glossary", slug="lankad-term")
    page = client.get(f"/admin/entries/new/{ct.key}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert accessibility_problems(html) == []
    for field in ct.fields:
        assert f'name="{field.name}' in html, field.name
    data = {"title_sv": f"Fiktiv {ct.key}", "slug": f"fiktiv-{ct.key}", "summary_sv": "Påhittad.",
            "themes": ["1"], "municipalities": ["0680"], "sources": "Fiktiv källa | https://exempel.se/k",
            **MINIMAL[ct.key]}
    response = client.post(f"/admin/entries/new/{ct.key}", data=data)
    assert response.status_code == 302, response.get_data(as_text=True)
    with capp.app_context():
        entry = db.session.scalar(db.select(ct.model).where(ct.model.slug == f"fiktiv-{ct.key}"))
        assert entry.status == "draft" and entry.title_sv == f"Fiktiv {ct.key}"
        assert [mu.code for mu in entry.municipalities] == ["0680"]
        assert [(s.title, s.url) for s in entry.sources] == [("Fiktiv källa", "https://exempel.se/k")]
        for field in ct.fields:
            if field.kind.links_entries:
                assert len(getattr(entry, field.name)) == 1
        history = revisions.history(entry.id)
        assert [r.action for r in history] == ["create"]
        assert history[0].data["title"] == {"sv": f"Fiktiv {ct.key}"}
        entry_id = entry.id
    # The edit form shows what was saved, and saving it unchanged adds no revision.
    edit = client.get(f"/admin/entries/{entry_id}/edit").get_data(as_text=True)
    assert "Fiktiv källa | https://exempel.se/k" in edit
    version = entry_state(capp, entry_id).version
    response = client.post(f"/admin/entries/{entry_id}/edit", data=edit_payload(capp, entry_id))
    assert response.status_code == 302
    assert entry_state(capp, entry_id).version == version
    with capp.app_context():
        assert len(revisions.history(entry_id)) == 1


def test_form_fields_keep_their_values_through_an_edit(capp):
    client = logged_in_client(capp, "adviser")
    entry_id = add_entry(capp, "enterprise", status="published", org_number="556016-0680", website="https://a.se",
                         reserved_contracts=False, memberships=["A", "B"], services=["catering-cafe"],
                         body={"sv": "**Fet** text", "en": "Bold"})
    payload = edit_payload(capp, entry_id, phone="036-123 45")
    assert payload["reserved_contracts"] == "no" and payload["memberships"] == "A\nB"
    assert client.post(f"/admin/entries/{entry_id}/edit", data=payload).status_code == 302
    with capp.app_context():
        entry = db.session.get(m.Enterprise, entry_id)
        assert entry.phone == "036-123 45"
        assert entry.reserved_contracts is False and entry.memberships == ["A", "B"]
        assert entry.body_en == "Bold" and [s.slug for s in entry.services] == ["catering-cafe"]
        diff = revisions.history(entry_id)[0]
        assert diff.action == "edit" and diff.data["phone"] == "036-123 45"


def test_validation_errors_are_summarised_and_typing_is_kept(capp):
    client = logged_in_client(capp, "adviser")
    response = client.post("/admin/entries/new/enterprise", data={
        "title_sv": "", "slug": "Inte En Slug", "summary_sv": "Min sammanfattning som ska finnas kvar",
        "website": "javascript:alert(1)", "employees": "många", "org_number": "123"})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    summary = html[html.index('class="error-summary"'):html.index("</div>", html.index('class="error-summary"'))]
    assert 'role="alert"' in html[html.index('class="error-summary"') - 200:html.index('class="error-summary"') + 200]
    for field_id in ("title_sv", "slug", "website", "employees", "org_number"):
        assert f'href="#{field_id}"' in summary
        assert f'id="{field_id}-error"' in html
    assert "Min sammanfattning som ska finnas kvar" in html
    assert 'value="många"' in html
    assert accessibility_problems(html) == []
    with capp.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(m.Entry)) == 0


def test_service_errors_point_at_the_field(capp):
    """What only the shared validation knows (a taken slug) still lands on the field."""
    client = logged_in_client(capp, "adviser")
    add_entry(capp, "enterprise", slug="upptagen")
    response = client.post("/admin/entries/new/enterprise",
                           data={"title_sv": "Ny", "slug": "upptagen", "summary_sv": "Ny."})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'href="#slug"' in html and 'id="slug-error"' in html


def test_preview_renders_sanitised_markdown_without_saving(capp):
    client = logged_in_client(capp, "adviser")
    response = client.post("/admin/entries/new/example", data={
        "title_sv": "Fiktivt exempel", "slug": "fiktivt-exempel", "summary_sv": "Påhittat.",
        "body_sv": "Det **fungerade**. [Läs](https://exempel.se) <script>alert(1)</script>",
        "results_sv": "- ett\n- två", "preview": "Preview"})
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "<strong>fungerade</strong>" in html
    assert '<a href="https://exempel.se" rel="noopener noreferrer">Läs</a>' in html
    assert "<li>ett</li>" in html
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html  # still in the textarea, as typed
    with capp.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(m.Entry)) == 0


def test_municipalities_are_grouped_by_county_and_filterable_without_javascript(capp):
    client = logged_in_client(capp, "adviser")
    html = client.get("/admin/entries/new/enterprise").get_data(as_text=True)
    start = html.index('<fieldset class="field checkbox-group" id="municipalities"')
    block = html[start:html.index('id="section-sources"')]
    assert "data-filterable" in block[:300]
    assert '<fieldset class="choice-group">\n        <legend>Jönköpings län</legend>' in block
    assert block.count('type="checkbox"') == 290 and 'value="0680"' in block
    assert '<script src="/static/js/admin.js" defer></script>' in html


def test_admin_pages_are_accessible(capp):
    client = logged_in_client(capp, "admin")
    entry_id = add_entry(capp, "example", status="published")
    assert client.post(f"/admin/entries/{entry_id}/edit",
                       data=edit_payload(capp, entry_id, summary_sv="Ny.")).status_code == 302
    pages = ["/admin/", "/admin/entries/", "/admin/entries/new", f"/admin/entries/{entry_id}",
             f"/admin/entries/{entry_id}/edit", f"/admin/entries/{entry_id}/history",
             f"/admin/entries/{entry_id}/compare", f"/admin/entries/{entry_id}/delete", "/admin/suggestions/",
             "/admin/users/", "/admin/audit/", "/admin/import", "/auth/password"]
    for path in pages:
        response = client.get(path)
        assert response.status_code == 200, path
        assert accessibility_problems(response.get_data(as_text=True)) == [], path
    anonymous = capp.test_client()
    assert accessibility_problems(anonymous.get("/auth/login").get_data(as_text=True)) == []
    slug = entry_state(capp, entry_id).slug
    for path in ("/sv/suggest", f"/en/suggest?type=example&slug={slug}", "/sv/suggest/thanks"):
        assert accessibility_problems(anonymous.get(path).get_data(as_text=True)) == [], path
    invalid = anonymous.post("/sv/suggest", data={"name": "", "message": ""}).get_data(as_text=True)
    assert 'role="alert"' in invalid and accessibility_problems(invalid) == []
    report = client.get(f"/admin/suggestions/{accessibility_report(capp)['report']}").get_data(as_text=True)
    assert accessibility_problems(report) == []


def test_the_choice_macro_writes_what_the_wtforms_widgets_write(app):
    """templates/admin/_form.html writes checkboxes and radio buttons out itself (an entry
    form has hundreds): the markup must stay WTForms' own, ``required`` and ``checked`` too."""
    from flask_wtf import FlaskForm
    from wtforms import RadioField
    from wtforms.validators import InputRequired

    from knowledgebase.forms import CheckboxesField, options

    class Choices(FlaskForm):
        kind = RadioField("Sort", [InputRequired()], choices=options([("a", "A & <b>"), ("b", "B \"citat\"")]))
        places = CheckboxesField("Orter", choices=options([("0680", "Jönköping"), ("0685", "Vetlanda")]))

    with app.test_request_context(method="POST", data={"kind": "b", "places": ["0685"]}):
        form = Choices(meta={"csrf": False})
        macro = app.jinja_env.get_template("admin/_form.html").module.choice
        options = [*form.kind, *form.places]
        assert [str(macro(option)) for option in options] == [f"{option()} {option.label()}" for option in options]
        assert "required" in str(macro(options[0])) and "checked" in str(macro(options[1]))
