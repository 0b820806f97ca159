"""The editorial area's generic entry forms for every content type: values kept through an
edit, error summaries, previews, the municipality picker, accessibility and markup."""

from __future__ import annotations

import pytest

from knowledgebase import models as m
from knowledgebase.content_types import CONTENT_TYPES
from knowledgebase.extensions import db
from knowledgebase.services.curation import revisions
from tests.admin_support import accessibility_report
from tests.curation_support import (
    accessibility_problems,
    add_entry,
    edit_payload,
    entry_state,
    logged_in_client,
)


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
