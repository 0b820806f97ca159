"""What every answer of the open-data API carries: CORS for reading from any website,
conditional GET (``ETag`` and ``Last-Modified``, answered with 304), and ``Link`` headers
that name the pages of a list."""

from __future__ import annotations

from datetime import datetime, time, timezone

from flask import Blueprint, Response, request

from knowledgebase.services.transfer.dcat import last_modified
from knowledgebase.urls import external_url

EXPOSED = "ETag, Last-Modified, Link"


def init_blueprint(bp: Blueprint) -> None:
    bp.after_request(finish)


def changed_at() -> datetime:
    """An upper bound of when any answer last changed: the last change of a published entry,
    or the start of today (answers say whether a confirmation is older than its shelf life,
    which changes with the date)."""
    today = datetime.combine(datetime.now(timezone.utc).date(), time(), tzinfo=timezone.utc)
    latest = last_modified()
    if latest is not None and latest.tzinfo is None:
        latest = latest.replace(tzinfo=timezone.utc)
    return max(today, latest) if latest else today


def allow_reading(response: Response) -> None:
    """CORS for a GET: any website may read the answer, and the headers it needs."""
    if request.method in ("GET", "HEAD"):
        response.headers["Access-Control-Allow-Origin"] = "*"
        response.headers["Access-Control-Expose-Headers"] = EXPOSED


def finish(response: Response) -> Response:
    """CORS for GET; a strong ETag and Last-Modified on a full answer, and 304 when the
    client's copy is current."""
    if request.method not in ("GET", "HEAD"):
        return response
    allow_reading(response)
    # Messages (errors, credits) follow the visitor's language.
    response.vary.add("Accept-Language")
    if response.status_code == 200 and not response.direct_passthrough:
        response.add_etag()
        response.last_modified = changed_at()
        response.make_conditional(request)
    return response


def pagination_links(endpoint: str, page: int, pages: int, **args: object) -> str:
    """The ``Link`` header of one page of a list (RFC 8288): first, previous, next, last."""
    rels = {"first": 1}
    if page > 1:
        rels["prev"] = min(page - 1, pages)
    if page < pages:
        rels["next"] = page + 1
    rels["last"] = pages
    return ", ".join(f'<{external_url(endpoint, page=number, **args)}>; rel="{rel}"' for rel, number in rels.items())
