"""Spreadsheets of enterprises for advisers: a CSV or XLSX file mapped column by column with a
preview, checked in a dry run by the ordinary importer (refusals naming the row and the
column, likely duplicates flagged), imported all or nothing with a source for every
enterprise, and exported in the same columns so that it imports again unchanged. Every
enterprise here is fictional."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path
from types import SimpleNamespace

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import select

from knowledgebase import models as m
from knowledgebase.admin import uploads
from knowledgebase.extensions import db
from knowledgebase.models.jobs import DONE as JOB_DONE
from knowledgebase.models.jobs import FAILED as JOB_FAILED
from knowledgebase.services import jobs
from knowledgebase.services.transfer import sheet_columns, sheet_files
from knowledgebase.services.transfer import spreadsheet as sheets
from tests.curation_support import (accessibility_problems, add_entry, inert_problems, logged_in_client,
                                    run_queued_job)

HEADER = ["Namn", "Beskrivning", "Kommun", "Org.nr", "Webbplats", "E-post", "Telefon", "Tjänster"]
ROWS = [
    ["Fiktiv Städkooperativet Ljuset", "Påhittat kooperativ som städar kontor.", "Växjö", "", "https://ljuset.exempel.se",
     "info@ljuset.exempel.se", "0470-12 34 56", "Städ och lokalvård"],
    ["Fiktiv Caféföreningen Solen", "Påhittat café med arbetsträning.", "0780", "", "", "", "", "catering-cafe"],
]
FILE_SOURCE = {"source_title": "Fiktiv lista från rådgivarna", "source_url": "https://exempel.se/lista",
               "source_date": "2026-03-01"}


def _csv(rows: list[list[str]], header: list[str] = HEADER, delimiter: str = ";") -> bytes:
    lines = [delimiter.join(header)] + [delimiter.join(row) for row in rows]
    return ("\n".join(lines) + "\n").encode("utf-8-sig")


def _xlsx(header: list[str], rows: list[list]) -> bytes:
    """A workbook as a spreadsheet program saves it (the export writes a streamed one)."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _damaged_xlsx() -> bytes:
    """A real workbook whose sheet's XML is broken (the zip itself is sound)."""
    source = zipfile.ZipFile(io.BytesIO(_xlsx(["Namn"], [["Fiktiv"]])))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for info in source.infolist():
            broken = info.filename == "xl/worksheets/sheet1.xml"
            archive.writestr(info.filename, b"<worksheet><sheetData><row>" if broken else source.read(info))
    return out.getvalue()


def _upload(client, content: bytes, filename: str):
    return client.post("/admin/import/sheet", content_type="multipart/form-data",
                       data={"file": (io.BytesIO(content), filename)})


def _mapping_form(page: str) -> dict[str, str]:
    """The mapping the page proposes (its selected options)."""
    form = {}
    for name, body in re.findall(r'<select id="(column-\d+)" name="column-\d+">(.*?)</select>', page, re.S):
        chosen = re.search(r'<option value="([^"]*)" selected>', body)
        form[name] = chosen.group(1) if chosen else ""
    return form


def _enterprises(app) -> dict[str, SimpleNamespace]:
    """Every enterprise as plain values (read in its own session)."""
    with app.app_context():
        return {e.slug: SimpleNamespace(
            title_sv=e.title_sv, status=e.status, email=e.email, website=e.website, body_sv=e.body_sv,
            source_list=[(s.title, s.url) for s in e.sources],
            places=sorted(mu.code for mu in e.municipalities), service_slugs=sorted(s.slug for s in e.services))
            for e in db.session.scalars(select(m.Enterprise))}


def _check(app, client, form: dict[str, str]):
    """Post the mapping for the dry run and run its job; returns the job's page."""
    response = client.post("/admin/import/sheet/mapping", data={**form, "action": "check"})
    return run_queued_job(app, client, response)


def _apply(app, client, report: str):
    token = re.search(r'name="token" value="([0-9a-f]{32})"', report).group(1)
    return run_queued_job(app, client, client.post("/admin/import/apply", data={"token": token}))


def test_the_mapping_is_guessed_and_the_preview_shows_what_each_cell_becomes(capp):
    client = logged_in_client(capp, "adviser")
    response = _upload(client, _csv(ROWS), "lista.csv")
    assert response.status_code == 303 and response.location.endswith("/admin/import/sheet/mapping")
    page = client.get(response.location).get_data(as_text=True)
    assert _mapping_form(page) == {"column-0": "title_sv", "column-1": "summary_sv", "column-2": "municipalities",
                                   "column-3": "org_number", "column-4": "website", "column-5": "email",
                                   "column-6": "phone", "column-7": "services"}
    # Under each header: the cell as in the file and, after the arrow, what it becomes.
    assert "Växjö<br>→ Växjö (0780)" in page and "0780<br>→ Växjö (0780)" in page
    assert "Städ och lokalvård<br>→ Städ och lokalvård (cleaning)" in page
    assert 'class="table-scroll"' in page and '<label for="column-0"' in page
    assert not inert_problems(page) and not accessibility_problems(page)
    upload_page = client.get("/admin/import/sheet").get_data(as_text=True)
    assert not inert_problems(upload_page) and not accessibility_problems(upload_page)
    # Choosing another mapping and asking for the preview again shows it converted anew.
    again = client.post("/admin/import/sheet/mapping", data={**_mapping_form(page), "column-2": "",
                                                             "action": "preview"}).get_data(as_text=True)
    assert "Växjö<br>→" not in again and _mapping_form(again)["column-2"] == ""


def test_a_csv_is_checked_then_imported_all_or_nothing_with_the_file_source(capp):
    client = logged_in_client(capp, "adviser")
    form = _mapping_form(client.get(_upload(client, _csv(ROWS), "lista.csv").location).get_data(as_text=True))
    report = _check(capp, client, {**form, **FILE_SOURCE}).get_data(as_text=True)
    assert "Inget har sparats än." in report
    assert "fiktiv-stadkooperativet-ljuset" in report and "fiktiv-cafeforeningen-solen" in report
    assert _enterprises(capp) == {}, "the dry run saved something"

    done = _apply(capp, client, report).get_data(as_text=True)
    assert "Klart. Importen är sparad" in done
    found = _enterprises(capp)
    ljuset = found["fiktiv-stadkooperativet-ljuset"]
    assert ljuset.title_sv == "Fiktiv Städkooperativet Ljuset" and ljuset.status == "draft"
    assert ljuset.places == ["0780"] and ljuset.service_slugs == ["cleaning"]
    assert ljuset.email == "info@ljuset.exempel.se" and ljuset.website == "https://ljuset.exempel.se"
    for entry in found.values():
        assert entry.source_list == [("Fiktiv lista från rådgivarna (2026-03-01)", "https://exempel.se/lista")]


def test_a_bad_row_is_refused_naming_its_row_and_column_and_nothing_is_saved(capp):
    client = logged_in_client(capp, "adviser")
    rows = [*ROWS, [""] * len(HEADER), ["Fiktiv Tvätteriet Molnet", "Påhittat tvätteri.", "Atlantis", "556016-0681", "", "inte-en-adress",
                    "", "Tvätteri"]]
    form = _mapping_form(client.get(_upload(client, _csv(rows), "lista.csv").location).get_data(as_text=True))
    response = client.post("/admin/import/sheet/mapping", data={**form, **FILE_SOURCE, "action": "check"})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Avvisad: inget sparades" in page
    # The header is row 1 and row 4 is empty, so the third enterprise is on row 5 (as the
    # spreadsheet program numbers it).
    assert "Rad 5, kolumn Kommun: känns inte igen: Atlantis" in page
    # With the municipality left out, the importer's own check names the next bad cell.
    retry = client.post("/admin/import/sheet/mapping", data={**form, **FILE_SOURCE, "column-2": "", "action": "check"})
    assert retry.status_code == 422 and "Rad 5, kolumn Org.nr:" in retry.get_data(as_text=True)
    assert _enterprises(capp) == {}
    with capp.app_context():
        assert not db.session.scalars(select(m.Job)).all(), "a refused file queued a job"


def test_every_enterprise_needs_a_source(capp):
    client = logged_in_client(capp, "adviser")
    form = _mapping_form(client.get(_upload(client, _csv(ROWS[:1]), "lista.csv").location).get_data(as_text=True))
    page = client.post("/admin/import/sheet/mapping", data={**form, "action": "check"}).get_data(as_text=True)
    assert "Rad 2: ingen källa" in page
    bad_date = client.post("/admin/import/sheet/mapping", data={**form, **FILE_SOURCE, "source_date": "1 mars",
                                                                "action": "check"})
    assert bad_date.status_code == 422 and "ÅÅÅÅ-MM-DD" in bad_date.get_data(as_text=True)


def test_a_likely_duplicate_is_flagged_in_the_dry_run(capp):
    add_entry(capp, "enterprise", slug="fiktiv-gamla-stadbolaget", title={"sv": "Fiktiv Gamla Städbolaget"},
              org_number="556016-0680", municipalities=["0780"])
    client = logged_in_client(capp, "adviser")
    rows = [["Fiktiv Nya Städbolaget", "Påhittat städbolag.", "Växjö", "5560160680", "", "", "", "cleaning"]]
    form = _mapping_form(client.get(_upload(client, _csv(rows), "lista.csv").location).get_data(as_text=True))
    report = _check(capp, client, {**form, **FILE_SOURCE}).get_data(as_text=True)
    assert "Troliga dubbletter (1)" in report
    assert "fiktiv-nya-stadbolaget" in report and "fiktiv-gamla-stadbolaget" in report


def test_an_xlsx_with_a_source_per_row_is_imported(capp):
    client = logged_in_client(capp, "adviser")
    header = ["Name", "Summary", "Municipality", "Services", "Source"]
    rows = [["Fiktiv Trädgårdsgruppen", "Påhittad trädgårdsgrupp.", 780, "Trädgård och odling",
             "Fiktiv årsredovisning 2025 | https://exempel.se/arsredovisning"],
            ["Fiktiv Snickeriet", "Påhittat snickeri.", "Kalmar", "", "https://exempel.se/snickeriet"]]
    response = _upload(client, _xlsx(header, rows), "lista.xlsx")
    page = client.get(response.location).get_data(as_text=True)
    form = _mapping_form(page)
    assert form == {"column-0": "title_sv", "column-1": "summary_sv", "column-2": "municipalities",
                    "column-3": "services", "column-4": "sources"}
    assert "780<br>→ Växjö (0780)" in page, "a code the spreadsheet took for a number"
    report = _check(capp, client, form).get_data(as_text=True)
    _apply(capp, client, report)
    found = _enterprises(capp)
    assert found["fiktiv-tradgardsgruppen"].source_list == [
        ("Fiktiv årsredovisning 2025", "https://exempel.se/arsredovisning")]
    assert found["fiktiv-snickeriet"].source_list == [
        ("https://exempel.se/snickeriet", "https://exempel.se/snickeriet")]
    assert found["fiktiv-snickeriet"].places == ["0880"]


def test_the_export_imports_again_unchanged(capp):
    add_entry(capp, "enterprise", slug="fiktiv-seedad", title={"sv": "Fiktiv Seedad", "en": "Fictional Seeded"},
              phone="+46 470 12 34 56", body={"sv": "Lång text som kalkylbladet inte har."},
              municipalities=["0780", "0764"], services=["cleaning", "laundry"],
              sources=[{"title": "Fiktiv källa", "url": "https://exempel.se/kalla"}, {"title": "Utan adress", "url": ""}])
    client = logged_in_client(capp, "adviser")
    exported = client.get("/admin/export/enterprises.csv")
    assert exported.status_code == 200 and exported.mimetype == "text/csv"
    text = exported.get_data().decode("utf-8-sig")
    assert text.splitlines()[0] == ";".join(sheet_columns.EXPORT_HEADERS.values())
    assert "'+46 470 12 34 56" in text, "a cell a spreadsheet would run as a formula"
    form = _mapping_form(client.get(_upload(client, exported.get_data(), "export.csv").location)
                         .get_data(as_text=True))
    assert sorted(form.values()) == sorted(sheet_columns.TARGETS)
    report = _check(capp, client, form).get_data(as_text=True)
    assert "Oförändrade (1)" in report and "Skapad (" not in report and "Ändrad (" not in report
    _apply(capp, client, report)
    assert _enterprises(capp)["fiktiv-seedad"].body_sv == "Lång text som kalkylbladet inte har."

    xlsx = client.get("/admin/export/enterprises.xlsx")
    assert xlsx.status_code == 200
    rows = list(load_workbook(io.BytesIO(xlsx.get_data()), read_only=True).active.iter_rows(values_only=True))
    assert list(rows[0]) == list(sheet_columns.EXPORT_HEADERS.values()) and rows[1][0] == "fiktiv-seedad"
    form = _mapping_form(client.get(_upload(client, xlsx.get_data(), "export.xlsx").location).get_data(as_text=True))
    assert "Oförändrade (1)" in _check(capp, client, form).get_data(as_text=True)


def test_files_that_cannot_be_used_get_a_clear_message(capp):
    client = logged_in_client(capp, "adviser")
    cases = [(b"Namn;Kommun\n", "tom.csv", "har rubriker men inga rader"),
             ("Namn\nFiktiv Å".encode("latin-1"), "latin.csv", "UTF-8"),
             (b"not a zip", "trasig.xlsx", "skadad"),
             (_damaged_xlsx(), "trasig-xml.xlsx", "skadad"),
             (b"Namn\nFiktiv", "lista.txt", ".csv eller .xlsx"),
             (_csv([["x"] * 61], header=[f"K{n}" for n in range(61)]), "bred.csv", "högst 60")]
    for content, name, message in cases:
        response = _upload(client, content, name)
        assert response.status_code == 422 and message in response.get_data(as_text=True), name
    assert not list(uploads.upload_root(capp.config["DATA_DIR"]).glob("*/sheet.*"))


def test_too_many_rows_are_refused(tmp_path: Path):
    path = tmp_path / "lang.csv"
    path.write_text("Namn\n" + "Fiktiv\n" * (sheet_files.MAX_ROWS + 1), encoding="utf-8")
    try:
        sheet_files.read_sheet(path)
    except sheet_files.SheetError as exc:
        assert "5000" in str(exc)
    else:
        raise AssertionError("a file with too many rows was read")


def test_the_importers_own_refusals_name_the_row(capp):
    with capp.test_request_context("/", headers={"Accept-Language": "en"}):
        named = sheets.with_rows(["enterprises.yaml: entry fiktiv-molnet, field email: not an e-mail address",
                                  "The database refused the import: IntegrityError"], {"fiktiv-molnet": 7})
    assert named[0].startswith("Row 7: enterprises.yaml: entry fiktiv-molnet") or named[0].startswith("Rad 7: ")
    assert named[1] == "The database refused the import: IntegrityError"


def test_a_200_row_spreadsheet_is_imported_in_one_go(capp):
    client = logged_in_client(capp, "adviser")
    places = ["Växjö", "Kalmar", "Jönköping", "Gotland"]
    rows = [[f"Fiktiv Förening nummer {n}", f"Påhittad förening {n}.", places[n % 4], "", "", "", "",
             "Städ och lokalvård, Catering, café och restaurang; Tvätteri"] for n in range(200)]
    form = _mapping_form(client.get(_upload(client, _xlsx(HEADER, rows), "stor.xlsx").location).get_data(as_text=True))
    report = _check(capp, client, {**form, **FILE_SOURCE}).get_data(as_text=True)
    assert "Skapad (200)" in report
    assert "Klart. Importen är sparad" in _apply(capp, client, report).get_data(as_text=True)
    found = _enterprises(capp)
    assert len(found) == 200 and found["fiktiv-forening-nummer-199"].service_slugs == [
        "catering-cafe", "cleaning", "laundry"], "a service whose name holds a comma is one service"


@pytest.mark.parametrize("sheet, upload_page", [(True, "/admin/import/sheet"), (False, "/admin/import")])
def test_a_refused_or_failed_import_leads_back_to_the_page_its_file_came_from(capp, sheet, upload_page):
    client = logged_in_client(capp, "adviser")
    params = {"path": "fiktiv", "name": "lista.csv", "token": "fiktiv", **({"rows": {}, "sheet": True} if sheet else {})}
    with capp.app_context():
        adviser = db.session.scalars(select(m.User).where(m.User.role == "adviser")).one()
        refused = jobs.enqueue(jobs.IMPORT_CHECK, params, adviser)
        refused.status, refused.result = JOB_DONE, {"errors": ["Fiktivt fel"]}
        failed = jobs.enqueue(jobs.IMPORT, params, adviser)
        failed.status, failed.error = JOB_FAILED, "Fiktivt avbrott"
        db.session.commit()
        ids = refused.id, failed.id
    for job_id in ids:
        page = client.get(f"/admin/jobs/{job_id}").get_data(as_text=True)
        links = re.findall(r'<a href="([^"]+)">Ladda upp en rättad fil</a>', page)
        assert links == [upload_page], (job_id, links)
