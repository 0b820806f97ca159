"""The editorial area: who may do what, as a permission matrix over every route and action
and every role. (The entry forms are in test_admin_forms.py.)"""

from __future__ import annotations

import io
import itertools
from dataclasses import dataclass
from typing import Any, Callable

import pytest
import yaml

from knowledgebase import models as m
from knowledgebase.extensions import db
from tests.apps import close_app, make_curation_app
from tests.needs_support import need_form, waiting_need
from tests.upkeep_support import enterprise_changes, manager_grant, waiting_claim
from tests.admin_support import accessibility_report, entry_with_revisions, waiting_suggestion
from tests.programme_support import matrix_cases
from tests.curation_support import (
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
