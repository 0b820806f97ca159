"""Files that the site hands out as downloads."""

from __future__ import annotations

from typing import Iterable

from flask import Response

from knowledgebase.services.content.csv_export import csv_text


def csv_download(rows: Iterable[Iterable[object]], name: str) -> Response:
    """``rows`` as a CSV attachment called ``name``.csv (``name`` must be ASCII: it is a
    header value)."""
    return Response(csv_text(rows), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{name}.csv"'})
