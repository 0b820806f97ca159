"""What every answer of the open-data API carries: CORS for reading from any website,
conditional GET (``ETag`` and ``Last-Modified``, answered with 304; made for pages and API
alike by ``knowledgebase.page_cache``), and ``Link`` headers that name the pages of a list."""

from __future__ import annotations

from flask import Blueprint, Response, request

from knowledgebase.urls import external_url

EXPOSED = "ETag, Last-Modified, Link"


def init_blueprint(bp: Blueprint) -> None:
    bp.after_request(finish)


def allow_reading(response: Response) -> None:
    """CORS for a GET: any website may read the answer, and the headers it needs."""
    if request.method in ("GET", "HEAD"):
        response.headers["Access-Control-Allow-Origin"] = "*"
        response.headers["Access-Control-Expose-Headers"] = EXPOSED


def finish(response: Response) -> Response:
    """CORS for GET. The ETag, Last-Modified and 304 of every public answer, pages and API
    alike, come from ``knowledgebase.page_cache``."""
    if request.method not in ("GET", "HEAD"):
        return response
    allow_reading(response)
    # Messages (errors, credits) follow the visitor's language.
    response.vary.add("Accept-Language")
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
