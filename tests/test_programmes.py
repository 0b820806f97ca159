"""The programme's own follow-up (issue 18): programmes and targets as data, seeded from the
project description; advisers create the next programme with its targets."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from knowledgebase import models as m
from knowledgebase.extensions import db
from knowledgebase.services.programmes import catalogue
from knowledgebase.services.transfer.exports import export_to
from knowledgebase.services.transfer.imports import import_path
from knowledgebase.services.transfer.seed_io import ImportFailed

SEEDED = "social-ekonomi-for-okad-valfard"


def _targets(app, slug: str = SEEDED) -> list[tuple]:
    with app.app_context():
        programme = catalogue.by_slug(slug)
        return [(t.metric, t.county_code, t.per_municipality, t.number, t.women, t.men) for t in programme.targets]


def test_the_project_descriptions_programme_is_seeded_with_exactly_its_targets(app):
    with app.app_context():
        programme = catalogue.by_slug(SEEDED)
        assert (programme.starts_on, programme.ends_on) == (date(2009, 4, 1), date(2010, 12, 31))
        assert programme.funder == "Europeiska socialfonden (ESF)"
        assert "Målsättning" in programme.source_title
    assert _targets(app) == [
        ("networks_started", "06", False, 6, None, None),
        ("networks_started", "08", False, 5, None, None),
        ("networks_started", "09", False, 1, None, None),
        ("network_organisations", None, True, 6, None, None),
        ("participants_competence", None, False, 800, 400, 400),
        ("participants_training", None, False, 100, 50, 50),
        ("participants_study_trip", None, False, 100, 50, 50),
    ]


def test_programmes_go_out_with_the_export_and_come_back_the_same(app, app_factory, tmp_path):
    with app.app_context():
        export_to(tmp_path / "export")
    other = app_factory("other")
    with other.app_context():
        import_path(tmp_path / "export" / "taxonomy")
        db.session.commit()
    assert _targets(other) == _targets(app)


def test_a_bad_target_in_the_seed_is_refused_with_its_place(app, tmp_path):
    bad = tmp_path / "programmes.yaml"
    bad.write_text("programmes:\n  - slug: fiktivt-program\n    name: Fiktivt program\n"
                   "    starts_on: 2027-01-01\n    ends_on: 2027-12-31\n"
                   "    targets:\n      - metric: participants_training\n        number: 10\n"
                   "        women: 9\n        men: 9\n", encoding="utf-8")
    with app.app_context():
        try:
            import_path(bad)
        except ImportFailed as exc:
            assert "fiktivt-program: target 1" in exc.errors[0]
        else:
            raise AssertionError("the import went through")
        db.session.rollback()
        assert catalogue.by_slug("fiktivt-program") is None


def test_an_adviser_creates_the_next_programme_with_its_targets(adviser, mail_app):
    form = {"slug": "fiktivt-program-2027", "name_sv": "Fiktivt program 2027", "funder": "Fiktiv fond",
            "starts_on": "2027-01-01", "ends_on": "2028-06-30", "counties": ["06", "08"], "themes": ["1", "3"],
            "networks_06": "2", "participants_training": "40", "participants_training_women": "20",
            "participants_training_men": "20"}
    response = adviser.post("/admin/programmes/new", data=form)
    assert response.status_code == 302
    assert _targets(mail_app, "fiktivt-program-2027") == [
        ("networks_started", "06", False, 2, None, None),
        ("participants_training", None, False, 40, 20, 20),
    ]
    assert "Fiktivt program 2027" in adviser.get("/admin/programmes/").get_data(as_text=True)
    edit = adviser.get("/admin/programmes/fiktivt-program-2027/edit").get_data(as_text=True)
    assert 'value="40"' in edit


def test_a_programme_form_with_women_and_men_beyond_the_number_is_refused(adviser, mail_app):
    form = {"slug": "fiktivt-fel", "name_sv": "Fiktivt fel", "starts_on": "2027-01-01", "ends_on": "2027-12-31",
            "participants_training": "10", "participants_training_women": "9", "participants_training_men": "9"}
    response = adviser.post("/admin/programmes/new", data=form)
    assert response.status_code == 422
    assert "add up to at most the number" in response.get_data(as_text=True)
    with mail_app.app_context():
        assert db.session.scalars(select(m.Programme).where(m.Programme.slug == "fiktivt-fel")).first() is None
