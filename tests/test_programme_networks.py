"""Networks a programme started (issue 18): recorded by advisers with their member
organisations per municipality and linked to the directory's network entries; counted per
county and per municipality for the targets."""

from __future__ import annotations

from knowledgebase.extensions import db
from knowledgebase.services.programmes import catalogue, networks
from tests.apps import create_entry
from tests.programme_support import SEEDED

MEMBERS = "Kalmar: Fiktiva föreningen\n0880: Fiktiva kooperativet\nborgholm: Fiktiva byalaget\n\nKalmar: fiktiva föreningen"


def test_an_adviser_records_a_network_with_members_and_its_directory_entry(adviser, mail_app):
    create_entry(mail_app, "network", slug="fiktivt-natverk", title={"sv": "Fiktivt nätverk"}, counties=["08"])
    form = {"name": "Fiktivt nätverk för social ekonomi i Kalmar län", "started_on": "2009-10-01",
            "county_code": "08", "entry_slug": "fiktivt-natverk", "members": MEMBERS}
    response = adviser.post(f"/admin/programmes/{SEEDED}/networks/new", data=form)
    assert response.status_code == 302, response.get_data(as_text=True)
    page = adviser.get(f"/admin/programmes/{SEEDED}/networks").get_data(as_text=True)
    assert "Fiktiva kooperativet (Kalmar)" in page and "Fiktiva byalaget (Borgholm)" in page
    assert "/en/networks/fiktivt-natverk" in page
    with mail_app.app_context():
        programme = catalogue.by_slug(SEEDED)
        assert networks.networks_per_county(programme) == {"08": 1}
        # "Fiktiva föreningen" twice (in other letter case) counts once.
        assert networks.organisations_per_municipality(programme) == {"0880": 2, "0885": 1}
        [network] = networks.for_programme(programme)
        assert network.entry.slug == "fiktivt-natverk"
    edit = adviser.get(f"/admin/networks/{network.id}/edit").get_data(as_text=True)
    assert "Borgholm: Fiktiva byalaget" in edit


def test_a_member_outside_the_county_or_a_line_without_a_colon_is_refused(adviser, mail_app):
    form = {"name": "Fiktivt nätverk", "started_on": "2009-10-01", "county_code": "08", "entry_slug": "",
            "members": "Kalmar: Fiktiva föreningen\nJönköping: Fiktiva gruppen"}
    response = adviser.post(f"/admin/programmes/{SEEDED}/networks/new", data=form)
    assert response.status_code == 422 and "Line 2" in response.get_data(as_text=True)
    form["members"] = "Fiktiva föreningen utan kommun"
    assert adviser.post(f"/admin/programmes/{SEEDED}/networks/new", data=form).status_code == 422
    form.update(members="", county_code="01")
    assert adviser.post(f"/admin/programmes/{SEEDED}/networks/new", data=form).status_code == 422
    with mail_app.app_context():
        assert networks.for_programme(catalogue.by_slug(SEEDED)) == []
        db.session.rollback()
