"""Helpers for the curation tests (accounts, admin, workflow, security): users, logging in,
entries in any status, and an HTML checker for inert markup (the apps come from conftest:
``capp``, ``make_curation_app``). Names, addresses and passwords here are fictional."""

from __future__ import annotations

import io
import itertools
import json
import re
from html.parser import HTMLParser
from typing import Any

from knowledgebase import models as m
from knowledgebase.admin.entry_forms import form_values
from knowledgebase.content_types import BY_KEY
from knowledgebase.extensions import db
from knowledgebase.services.curation import accounts
from knowledgebase.services.curation.revisions import current_data
from tests.apps import create_entry
from tests.programme_support import STATE_CHANGING_ROUTES as PROGRAMME_ROUTES

PASSWORD = "gröna äpplen under eken"
ROLES = ("contributor", "adviser", "admin")
_numbers = itertools.count(1)


def add_user(app, role: str, email: str | None = None, password: str = PASSWORD) -> str:
    """Create an account and return its e-mail."""
    email = email or f"{role}{next(_numbers)}@exempel.se"
    with app.app_context():
        accounts.create_user(email, password, role, name=f"Fiktiv {role}")
        db.session.commit()
    return email


def login(client, email: str, password: str = PASSWORD, **kwargs: Any):
    return client.post("/auth/login", data={"email": email, "password": password}, **kwargs)


def logged_in_client(app, role: str):
    client = app.test_client()
    response = login(client, add_user(app, role))
    assert response.status_code == 302, response.get_data(as_text=True)
    return client


def add_entry(app, type_key: str = "enterprise", status: str = "draft", **fields: Any) -> int:
    """Create and commit an entry in any status (no revision, as if seeded)."""
    return create_entry(app, type_key, status=status, **fields)


def edit_payload(app, entry_id: int, **changes: Any) -> dict[str, Any]:
    """The edit form's fields for an entry as it is now, with ``changes`` applied."""
    with app.app_context():
        entry = db.session.get(m.Entry, entry_id)
        values = form_values(BY_KEY[entry.type], current_data(entry))
        values["version"] = str(entry.version)
    values.update(changes)
    return {key: value for key, value in values.items() if value not in (None, [])}


def entry_state(app, entry_id: int) -> m.Entry | None:
    with app.app_context():
        entry = db.session.get(m.Entry, entry_id)
        if entry is not None:
            db.session.expunge(entry)
        return entry


def csrf_token(html: str) -> str:
    match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html) or re.search(
        r'name="csrf_token" value="([^"]+)"', html)
    assert match, "no CSRF token in the page"
    return match.group(1)


# -- checking that markup is inert and accessible -----------------------------------------

class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str]]] = []
        self.scripts_with_body: list[str] = []
        # Bodies of schema.org JSON-LD data blocks (never executed by a browser).
        self.json_ld: list[str] = []
        self._in_script = False
        self._data_block = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, {name: value or "" for name, value in attrs}))
        self._in_script = tag == "script"
        self._data_block = self._in_script and self.tags[-1][1] == JSON_LD_ATTRIBUTES

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script and data.strip():
            (self.json_ld if self._data_block else self.scripts_with_body).append(data)


def parse(html: str) -> _Collector:
    collector = _Collector()
    collector.feed(html)
    return collector


JSON_LD_ATTRIBUTES = {"type": "application/ld+json"}
DANGEROUS_TAGS = {"iframe", "object", "embed", "base", "frame", "frameset", "applet", "math", "svg"}
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "data", "xlink:href", "poster", "background"}


def _safe_json(body: str) -> bool:
    """Whether a data block's text is JSON with no raw ``<`` in it."""
    try:
        json.loads(body)
    except ValueError:
        return False
    return "<" not in body


def inert_problems(html: str) -> list[str]:
    """Everything in ``html`` that could run script: inline scripts, scripts from elsewhere,
    event handlers, javascript:/data: URLs, dangerous elements, meta refresh."""
    page = parse(html)
    problems = [f"inline script {body[:40]!r}" for body in page.scripts_with_body]
    # A JSON-LD block is data, not script; it must hold valid JSON that cannot end the block
    # (a breakout would also show as a script tag of its own below).
    problems += [f"JSON-LD block {body[:40]!r}" for body in page.json_ld if not _safe_json(body)]
    for tag, attrs in page.tags:
        if tag == "script" and not attrs.get("src", "").startswith("/static/") and attrs != JSON_LD_ATTRIBUTES:
            problems.append(f"script {attrs}")
        if tag in DANGEROUS_TAGS:
            problems.append(f"<{tag}>")
        if tag == "meta" and attrs.get("http-equiv", "").lower() == "refresh":
            problems.append("meta refresh")
        for name, value in attrs.items():
            if name.startswith("on"):
                problems.append(f"<{tag} {name}>")
            if name == "style":
                problems.append(f"<{tag} style>")
            squeezed = re.sub(r"[\s\x00-\x1f]", "", value).lower()
            if name in URL_ATTRIBUTES and squeezed.startswith(("javascript:", "data:", "vbscript:")):
                problems.append(f"<{tag} {name}={value!r}>")
    return problems


def accessibility_problems(html: str) -> list[str]:
    """One h1, headings that never skip a level, and a label for every input."""
    page = parse(html)
    problems = []
    levels = [int(tag[1]) for tag, _attrs in page.tags if re.fullmatch(r"h[1-6]", tag)]
    if levels.count(1) != 1:
        problems.append(f"{levels.count(1)} h1 elements")
    for before, after in zip(levels, levels[1:]):
        if after > before + 1:
            problems.append(f"heading h{before} followed by h{after}")
    labelled = {attrs.get("for") for tag, attrs in page.tags if tag == "label"}
    for tag, attrs in page.tags:
        if tag in ("input", "select", "textarea") and attrs.get("type") not in ("hidden", "submit", "button"):
            if attrs.get("id") not in labelled and "aria-label" not in attrs:
                problems.append(f"unlabelled <{tag} name={attrs.get('name')}>")
    return problems


# Every route that changes state, with a path to post to ({entry}, {revision}, {suggestion},
# {report}, {user} filled in per test): tests/test_security.py checks that each refuses a
# missing CSRF token, and that the list is complete.
STATE_CHANGING = {
    # endpoint: path (filled in per test)
    "auth.login": "/auth/login",
    "auth.logout": "/auth/logout",
    "auth.password": "/auth/password",
    "auth.language": "/auth/language",
    "public.suggest": "/sv/suggest",
    "public.accessibility": "/sv/accessibility",
    "public.shortlist_page": "/sv/shortlist",
    # The CSRF check comes before the link is read, so any token shows it.
    "public.shortlist_shared": "/sv/shortlist/shared/not-a-token",
    "admin.entry_new": "/admin/entries/new/enterprise",
    "admin.entry_edit": "/admin/entries/{entry}/edit",
    "admin.entry_transition": "/admin/entries/{entry}/status",
    "admin.entry_verify": "/admin/entries/{entry}/verify",
    "admin.entry_delete": "/admin/entries/{entry}/delete",
    "admin.revision_restore": "/admin/entries/{entry}/revisions/{revision}/restore",
    "admin.suggestion_reject": "/admin/suggestions/{suggestion}/reject",
    "admin.suggestion_handled": "/admin/suggestions/{report}/handled",
    "admin.import_upload": "/admin/import",
    "admin.import_apply": "/admin/import/apply",
    "admin.sheet_upload": "/admin/import/sheet",
    "admin.sheet_mapping": "/admin/import/sheet/mapping",
    "admin.job_retry": "/admin/jobs/1/retry",
    "admin.job_reindex": "/admin/jobs/reindex",
    "admin.users": "/admin/users/",
    "admin.user_role": "/admin/users/{user}/role",
    "admin.user_disable": "/admin/users/{user}/disable",
    "admin.user_enable": "/admin/users/{user}/enable",
    "admin.upkeep_request_county": "/admin/upkeep/requests/county",
    "admin.upkeep_request_entry": "/admin/upkeep/requests/{entry}",
    "admin.upkeep_entry": "/admin/upkeep/entries/{entry}",
    "admin.upkeep_changes_apply": "/admin/upkeep/changes/1/apply",
    "admin.upkeep_changes_reject": "/admin/upkeep/changes/1/reject",
    "admin.upkeep_digest": "/admin/upkeep/digest",
    "public.confirm_entry": "/sv/confirm/{entry}/not-a-token",
    "public.alerts_subscribe": "/sv/alerts",
    "public.alerts_confirm": "/sv/alerts/confirm/not-a-token",
    "public.report_outdated": "/sv/report-outdated?type=enterprise&slug=x",
    # Buyers' needs (the CSRF check comes before any link is read).
    "public.need_new": "/sv/needs/new",
    "public.need_confirm": "/sv/needs/confirm/not-a-token",
    "public.need_answer": "/sv/needs/answer/not-a-token",
    "public.need_outcome_page": "/sv/needs/outcome/not-a-token",
    "admin.need_review": "/admin/needs/1",
    "admin.need_reject": "/admin/needs/1/reject",
    "admin.need_send": "/admin/needs/1/send",
    "admin.need_record_outcome": "/admin/needs/1/outcome",
    # Enterprises keeping their own entries (the CSRF check comes before any link is read).
    "public.claim_entry": "/sv/enterprises/x/claim",
    "public.manage_sign_in": "/sv/manage/sign-in",
    "public.manage_sign_in_link": "/sv/manage/sign-in/not-a-token",
    "public.manage_sign_out": "/sv/manage/sign-out",
    "public.manage_entry": "/sv/manage/entries/{entry}",
    "admin.claim_approve": "/admin/claims/1/approve",
    "admin.claim_refuse": "/admin/claims/1/refuse",
    "admin.manager_revoke": "/admin/managers/1/revoke",
    # The programme's follow-up (tests/programme_support.py).
    **PROGRAMME_ROUTES,
}


def run_queued_job(app, client, response):
    """After a view queued a background job (303 to its page): run it in a thread, as a
    serving process's job thread does, and return its page."""
    import threading

    from knowledgebase.services import jobs

    assert response.status_code == 303 and "/admin/jobs/" in response.location, response.get_data(as_text=True)
    ran = []

    def work() -> None:
        with app.app_context():
            ran.append(jobs.work_once())
            db.session.remove()

    thread = threading.Thread(target=work)
    thread.start()
    thread.join()
    assert ran and ran[0] is not None
    return client.get(response.location)


def upload_for_import(app, client, content: bytes, filename: str):
    """Upload a file to import and run its dry-run job; returns the job's page."""
    response = client.post("/admin/import", content_type="multipart/form-data",
                           data={"file": (io.BytesIO(content), filename)})
    return run_queued_job(app, client, response)


def apply_import(app, client, token: str):
    """Confirm a checked import and run its job; returns the job's page (or the refusal)."""
    response = client.post("/admin/import/apply", data={"token": token})
    if response.status_code != 303 or "/admin/jobs/" not in response.location:
        return response
    return run_queued_job(app, client, response)
