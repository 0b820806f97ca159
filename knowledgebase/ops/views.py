"""``/healthz``: the process answers. ``/readyz``: it can serve (database reachable, schema
current, search index caught up); 503 with the failing checks otherwise."""

from __future__ import annotations

from flask import Response, jsonify

from knowledgebase.extensions import limiter
from knowledgebase.ops.blueprint import bp
from knowledgebase.services import health


@bp.get("/healthz")
@limiter.exempt
def healthz() -> Response:
    return _no_store(jsonify(status="ok"))


@bp.get("/readyz")
@limiter.exempt
def readyz() -> tuple[Response, int]:
    checks = health.readiness()
    ready = all(check["ok"] for check in checks.values())
    return _no_store(jsonify(status="ok" if ready else "unavailable", checks=checks)), 200 if ready else 503


def _no_store(response: Response) -> Response:
    response.headers["Cache-Control"] = "no-store"
    return response
