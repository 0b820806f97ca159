"""The floor of the page-speed benchmark (``bench/pages.py``): a bare Flask app that answers
each measured URL with the bytes the knowledge base answered it with, stored in the file
named by ``KB_BENCH_PAGES`` (JSON: path with query string -> content type and body). Served
by gunicorn with the same settings as the app, it is what the framework and the server cost
on their own."""

from __future__ import annotations

import base64
import json
import os

from flask import Flask, Response, request

app = Flask(__name__)
_pages: dict[str, tuple[str, bytes]] = {
    path: (page["type"], base64.b64decode(page["body"]))
    for path, page in json.loads(open(os.environ["KB_BENCH_PAGES"], encoding="utf-8").read()).items()
}


@app.route("/", defaults={"path": ""})
@app.route("/<path:path>")
def page(path: str) -> Response:
    """The stored bytes of the requested URL (404 for any other)."""
    content_type, body = _pages.get(request.full_path.rstrip("?"), ("text/plain", b""))
    return Response(body, status=200 if body else 404, content_type=content_type)
