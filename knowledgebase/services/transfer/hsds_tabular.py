"""The HSDS directory as a tabular data package: one CSV file per HSDS table and a
``datapackage.json`` describing them, in a zip file.

The nested HSDS records (services.transfer.hsds) are flattened into tables, each record once, and
written with the columns of HSDS's own table schemas, read from the HSDS 3.0 descriptor
shipped in ``knowledgebase/data/hsds/`` (© Open Referral, CC BY-SA 4.0). These CSV files are
for programs that read HSDS, so values are written as they are (a phone number may start with
"+"); the CSV files meant for spreadsheets (``csv_export``) guard against formulas instead."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from datetime import datetime, timezone
from functools import lru_cache
from pathlib import Path
from typing import Any

from knowledgebase.services.transfer.hsds import HSDS_VERSION, OPEN_REFERRAL

DESCRIPTOR = Path(__file__).resolve().parents[2] / "data" / "hsds" / "datapackage.json"
# Which HSDS table a nested record belongs to, by the key that holds it.
NESTED = {
    "organization_identifiers": "organization_identifier",
    "contacts": "contact",
    "phones": "phone",
    "locations": "location",
    "addresses": "address",
    "metadata": "metadata",
    "services": "service",
    "service_areas": "service_area",
    "attributes": "attribute",
    "taxonomy_term": "taxonomy_term",
    "organization": "organization",
}
DATA_LICENSE = {"name": "CC-BY-4.0", "title": "Creative Commons Attribution 4.0",
                "path": "https://creativecommons.org/licenses/by/4.0/"}


@lru_cache(maxsize=1)
def hsds_resources() -> dict[str, dict[str, Any]]:
    """HSDS's table descriptors by table name, in HSDS's order."""
    return {r["name"]: r for r in json.loads(DESCRIPTOR.read_text(encoding="utf-8"))["resources"]}


def _flatten(table: str, record: dict[str, Any], tables: dict[str, dict[str, dict]]) -> None:
    row = {}
    for key, value in record.items():
        if key in NESTED:
            for child in value if isinstance(value, list) else [value]:
                _flatten(NESTED[key], child, tables)
        else:
            row[key] = value
    tables.setdefault(table, {})[row["id"]] = row


def tables(organizations: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    """The rows of every HSDS table that has any, from full organization records."""
    found: dict[str, dict[str, dict]] = {}
    for record in organizations:
        _flatten("organization", record, found)
    return {name: list(found[name].values()) for name in hsds_resources() if name in found}


def _cell(value: Any) -> str:
    return "" if value is None else str(value)


def csv_text(table: str, rows: list[dict[str, Any]]) -> str:
    columns = [f["name"] for f in hsds_resources()[table]["schema"]["fields"]]
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([_cell(row.get(column)) for column in columns])
    return buffer.getvalue()


def descriptor(names: list[str], title: str, homepage: str, now: datetime) -> dict[str, Any]:
    """Our package's ``datapackage.json``: HSDS's descriptors of the tables we write."""
    return {
        "name": "kunskapsbanken-hsds",
        "title": title,
        "profile": "tabular-data-package",
        "homepage": homepage,
        "created": now.astimezone(timezone.utc).isoformat(timespec="seconds"),
        "licenses": [DATA_LICENSE],
        "sources": [{"title": f"Open Referral Human Services Data Specification {HSDS_VERSION} "
                              "(table schemas © Open Referral, CC BY-SA 4.0)", "path": OPEN_REFERRAL}],
        "resources": [hsds_resources()[name] for name in names],
    }


def package_zip(organizations: list[dict[str, Any]], title: str, homepage: str, now: datetime) -> bytes:
    """The zip file: ``datapackage.json`` and one CSV file per table."""
    rows = tables(organizations)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("datapackage.json", json.dumps(descriptor(list(rows), title, homepage, now),
                                                         ensure_ascii=False, indent=2))
        for name, table_rows in rows.items():
            archive.writestr(hsds_resources()[name]["path"], csv_text(name, table_rows))
    return buffer.getvalue()
