"""A new field kind is one class and its display macro. ``Percent`` below is a fictional kind,
registered only while a test runs and given, for that time, to the enterprise's share of
workers far from the labour market (an existing whole-number column, since a new field would
also need a column and a migration). With nothing else changed, it is checked on import,
stored, exported, edited in the admin form, compared in the history, served by the API and
shown on the detail page."""

from dataclasses import replace

import pytest
import yaml
from jinja2 import ChoiceLoader, DictLoader
from wtforms import StringField
from wtforms.validators import Optional, Regexp

from knowledgebase import models as m
from knowledgebase.content_types import BY_KEY, Field
from knowledgebase.extensions import db
from knowledgebase.field_kinds import INT, KINDS, FieldError, FieldKind, is_registered, register, unregister
from knowledgebase.services.curation import revisions
from knowledgebase.services.transfer.exports import export_to
from knowledgebase.services.transfer.imports import ImportFailed, import_path
from tests.curation_support import edit_payload, logged_in_client


SLUG = "fiktiva-procentkooperativet"


class Percent(FieldKind):
    """Fictional: a share in per cent, 0 to 100, written "45" or "45 %" and shown "45 %"."""

    name = "fiktiv_percent"
    input = "int"
    empty = None
    template = "_test/field_kinds.html"

    def check(self, field, value, vocabulary):
        if value in (None, ""):
            return None
        number = str(value).strip().removesuffix("%").strip()
        if isinstance(value, bool) or not number.isdigit() or int(number) > 100:
            raise FieldError(field.name, "must be a share from 0 to 100 per cent")
        return int(number)

    def form_fields(self, field, choices):
        return {field.name: StringField(field.label, [Optional(), Regexp(
            r"^\s*\d{1,3}\s*%?\s*$", message="Enter a share in per cent.")], render_kw={"data-kind": "percent"})}

    def form_data(self, field, value):
        return {field.name: "" if value is None else f"{value} %"}

    def lines(self, value):
        return [f"{value} %"]

    def has_value(self, entry, field):
        return getattr(entry, field.name) is not None


MACROS = {"_test/field_kinds.html":
          '{% macro fiktiv_percent(entry, field) %}<span class="percent">{{ entry[field.name] }} %</span>{% endmacro %}'}


@pytest.fixture
def percent(monkeypatch, capp):
    """The kind registered, the enterprise's reserved_share made of it, and its macro
    served: all undone after the test."""
    kind = register(Percent())
    ct = BY_KEY["enterprise"]
    fields = tuple(replace(f, kind=kind) if f.name == "reserved_share" else f for f in ct.fields)
    # ContentType is frozen: its fields are swapped in its __dict__, which monkeypatch restores.
    monkeypatch.setitem(ct.__dict__, "fields", fields)
    capp.jinja_env.loader = ChoiceLoader([DictLoader(MACROS), capp.jinja_env.loader])
    yield kind
    unregister(kind)


def enterprise(share) -> dict:
    return {"type": "enterprise", "entries": [{
        "slug": SLUG, "status": "published",
        "title": {"sv": "Fiktiva Procentkooperativet"}, "summary": {"sv": "Påhittat, för tester."},
        "reserved_share": share, "sources": [{"title": "Testdata (fiktiv)", "url": ""}],
    }]}


def import_share(app, tmp_path, share):
    path = tmp_path / "import" / "enterprises.yaml"
    path.parent.mkdir(exist_ok=True)
    path.write_text(yaml.safe_dump(enterprise(share), allow_unicode=True), encoding="utf-8")
    with app.app_context():
        report = import_path(path)
        db.session.commit()
        return report


def stored_share(app):
    with app.app_context():
        return db.session.scalar(db.select(m.Enterprise.reserved_share).where(m.Enterprise.slug == SLUG))


def entry_id(app) -> int:
    with app.app_context():
        return db.session.scalar(db.select(m.Enterprise.id).where(m.Enterprise.slug == SLUG))


def test_the_kind_is_checked_on_import_and_exported(capp, percent, tmp_path):
    # A new entry goes through the bulk insert, a changed one through the ORM.
    assert import_share(capp, tmp_path, "45 %").created["enterprise"] == 1
    assert stored_share(capp) == 45
    assert import_share(capp, tmp_path, 60).updated["enterprise"] == 1
    assert stored_share(capp) == 60
    with pytest.raises(ImportFailed) as failed:
        import_share(capp, tmp_path, "120 %")
    assert "reserved_share" in str(failed.value) and "0 to 100 per cent" in str(failed.value)
    assert stored_share(capp) == 60
    with capp.app_context():
        export_to(tmp_path / "export")
    exported = yaml.safe_load((tmp_path / "export" / "entries" / "enterprises.yaml").read_text(encoding="utf-8"))
    assert [e["reserved_share"] for e in exported["entries"]] == [60]
    with capp.app_context():
        assert import_path(tmp_path / "export" / "entries" / "enterprises.yaml").unchanged["enterprise"] == 1


def test_the_admin_form_edits_the_kind_and_the_history_compares_it(capp, percent, tmp_path):
    import_share(capp, tmp_path, 45)
    client = logged_in_client(capp, "adviser")
    the_id = entry_id(capp)
    form = client.get(f"/admin/entries/{the_id}/edit").get_data(as_text=True)
    assert 'data-kind="percent"' in form and 'name="reserved_share"' in form and 'value="45 %"' in form
    refused = client.post(f"/admin/entries/{the_id}/edit", data=edit_payload(capp, the_id, reserved_share="150"))
    assert refused.status_code == 422 and "0 to 100 per cent" in refused.get_data(as_text=True)
    assert stored_share(capp) == 45
    saved = client.post(f"/admin/entries/{the_id}/edit", data=edit_payload(capp, the_id, reserved_share=" 60 % "))
    assert saved.status_code == 302
    assert stored_share(capp) == 60
    with capp.app_context():
        edit, baseline = revisions.history(the_id)
        diffs = revisions.diff_data(baseline.data, edit.data, "enterprise")
    assert [(d.name, d.lines) for d in diffs] == [("reserved_share", [("delete", "45 %"), ("insert", "60 %")])]
    page = client.get(f"/admin/entries/{the_id}/compare?a={baseline.id}&b={edit.id}").get_data(as_text=True)
    assert "45 %" in page and "60 %" in page


def test_the_api_and_the_detail_page_show_the_kind(capp, percent, tmp_path):
    import_share(capp, tmp_path, 45)
    client = capp.test_client()
    assert client.get(f"/api/v1/enterprises/{SLUG}").get_json()["reserved_share"] == 45
    assert '<span class="percent">45 %</span>' in client.get(f"/sv/enterprises/{SLUG}").get_data(as_text=True)


def test_a_field_takes_only_a_registered_kind(capp):
    unknown = Percent()
    assert not is_registered(unknown)
    with pytest.raises(ValueError, match="not a registered field kind"):
        Field("reserved_share", unknown, "Fiktiv")
    # The test kind above is gone again: the enterprise has its whole number back.
    assert BY_KEY["enterprise"].field("reserved_share").kind is INT
    with pytest.raises(ValueError, match="registered already"):
        register(type("Twin", (Percent,), {"name": "int"})())


def test_every_kind_shown_on_a_page_has_its_macro(app):
    shown = [kind for kind in KINDS.values() if kind.placement]
    assert len(shown) >= 15
    for kind in shown:
        module = app.jinja_env.get_template(kind.template).module
        assert callable(getattr(module, kind.macro, None)), kind.name
