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


# -- the issue's story, end to end -------------------------------------------------------------

def _main_text(response) -> str:
    """The page's main content as plain text."""
    import re

    html = response.get_data(as_text=True)
    main = html[html.index("<main"):html.index("</main>")]
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", main))


def test_the_seeded_programme_shows_its_targets_with_zero_progress(mail_app):
    client = mail_app.test_client()
    sv = _main_text(client.get(f"/sv/programmes/{SEEDED}"))
    for headline in ("0 av 12", "0 av 34 kommuner har 6 eller fler", "0 av 800", "0 av 100"):
        assert headline in sv, headline
    assert sv.count("0 av 100") == 2  # trainings and study trips
    en = _main_text(client.get(f"/en/programmes/{SEEDED}"))
    for label in ("Networks started for the social economy", "Organisations in each municipality taking part",
                  "Participants in competence development", "Participants in courses and trainings",
                  "Participants in study trips"):
        assert label in en, label
    assert "Målsättning" in en


def test_the_issues_story_study_trip_registrations_attendance_follow_up_export_erasure(adviser, mail_app, mailbox):
    from io import BytesIO

    import openpyxl

    from tests.programme_support import create_study_trip, register, study_trip_form

    # An adviser creates a study trip for Kalmar län in theme 3, package 1.
    trip = create_study_trip(adviser, mail_app)
    client = mail_app.test_client()
    # Ten fictional people register; one needs a hearing loop, which the adviser sees.
    for number in range(1, 11):
        needs = "Hörselslinga, tack" if number == 4 else ""
        assert register(client, trip, number, needs=needs).status_code == 302
    assert len(mailbox.messages) == 10
    detail = adviser.get(f"/admin/activities/{trip}").get_data(as_text=True)
    assert "Hörselslinga, tack" in detail
    # The trip is held and attendance marked.
    assert adviser.post(f"/admin/activities/{trip}/edit", data=study_trip_form(status="held")).status_code == 302
    with mail_app.app_context():
        ids = [str(i) for i in db.session.scalars(select(m.Registration.id).where(m.Registration.activity_id == trip))]
    assert adviser.post(f"/admin/activities/{trip}/attendance", data={"present": ids}).status_code == 302
    # The follow-up page: 10 of 100, the gender split beside 50/50, as a chart and a table, in both languages.
    for lang, of, women, men in (("sv", "10 av 100", "Kvinnor", "Män"), ("en", "10 of 100", "Women", "Men")):
        response = client.get(f"/{lang}/programmes/{SEEDED}")
        html, text = response.get_data(as_text=True), _main_text(response)
        assert of in text
        gender = html[html.index('id="t6-gender-heading"'):]
        gender = gender[:gender.index("</figure>")]
        assert '<svg class="chart"' in gender and "<title" in gender and "<desc" in gender
        assert "<table" in gender
        table = _main_text_of(gender[gender.index("<table"):])
        # So far: 5 women, 5 men, total 10, target 100; the target's split: 50 and 50.
        assert f"{women} {men}" in table
        assert " 5 5 0 10 100 " in f" {table} " and " 50 50 0 100 " in f" {table} "
    # Competence development counts the trip too; trainings do not.
    sv = _main_text(client.get(f"/sv/programmes/{SEEDED}"))
    assert "10 av 800" in sv and "0 av 100" in sv
    # The export holds the row.
    csv_text = adviser.get(f"/admin/programmes/{SEEDED}/export.csv").data.decode("utf-8-sig")
    [header, row] = [line.split(",") for line in csv_text.strip().splitlines()]
    assert row[0] == "Fiktiv studieresa till sociala företag i Kalmar" and row[3] == "Kalmar län"
    assert row[-1] == "10" and row[-4:-1] == ["5", "5", "0"]
    book = openpyxl.load_workbook(BytesIO(adviser.get(f"/admin/programmes/{SEEDED}/export.xlsx").data))
    rows = list(book.active.iter_rows(values_only=True))
    assert len(rows) == 2 and rows[1][0] == row[0] and rows[1][-1] == 10 and rows[1][5:7] == (3, "3.1")
    # A registrant's erasure removes their data but keeps the counts.
    erased = adviser.post("/admin/people/erase", data={"email": "fiktiv.person4@exempel.se"}, follow_redirects=True)
    assert "Erased 1 registrations of fiktiv.person4@exempel.se" in erased.get_data(as_text=True)
    detail = adviser.get(f"/admin/activities/{trip}").get_data(as_text=True)
    assert "Hörselslinga, tack" not in detail
    assert "fiktiv.person4@exempel.se" not in detail and "fiktiv.person5@exempel.se" in detail
    assert "10 av 100" in _main_text(client.get(f"/sv/programmes/{SEEDED}"))
    csv_after = adviser.get(f"/admin/programmes/{SEEDED}/export.csv").data.decode("utf-8-sig")
    assert csv_after == csv_text


def _main_text_of(html: str) -> str:
    import re

    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()
