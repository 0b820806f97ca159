"""What operators see: one log line per request (with a request id, the status and the
duration; JSON when ``KB_LOG_FORMAT=json``), and a Python trace when a process crashes."""

from __future__ import annotations

import faulthandler
import logging
import re
import sys
import time
import uuid

from flask import Flask, Response, g, request

request_log = logging.getLogger("knowledgebase.requests")
# A request id from the proxy is kept when it looks like one (it is written into logs).
REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")
REQUEST_ID_HEADER = "X-Request-ID"


def init_app(app: Flask) -> None:
    if not faulthandler.is_enabled():
        faulthandler.enable(file=sys.stderr)
    configure_logging(str(app.config["LOG_FORMAT"]), str(app.config["LOG_LEVEL"]))
    if app.config["REQUEST_LOG"]:
        app.before_request(_start_request)
        app.after_request(_log_request)


def configure_logging(log_format: str, level: str) -> None:
    """Give the root logger a handler on standard error, unless something (a test runner, a
    server's own logging set-up) already did."""
    root = logging.getLogger()
    if root.handlers:
        return
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(_formatter(log_format))
    root.addHandler(handler)
    root.setLevel(level.upper())
    request_log.setLevel(logging.INFO)


def _formatter(log_format: str) -> logging.Formatter:
    if log_format == "json":
        from pythonjsonlogger.json import JsonFormatter

        return JsonFormatter("%(asctime)s %(levelname)s %(name)s %(message)s",
                             rename_fields={"asctime": "time", "levelname": "level", "name": "logger"})
    return logging.Formatter("%(asctime)s %(levelname)s [%(name)s] %(message)s")


def new_request_id(given: str) -> str:
    """The proxy's ``X-Request-ID`` if it sent a sane one, else a new id."""
    return given if REQUEST_ID.match(given) else uuid.uuid4().hex


def request_id() -> str:
    """The current request's id."""
    if "request_id" not in g:
        g.request_id = new_request_id(request.headers.get(REQUEST_ID_HEADER, ""))
    return g.request_id


def log_request(method: str, path: str, status: int, duration_ms: float | None, request_id: str,
                remote_addr: str | None) -> None:
    """The one log line of a request (also written for answers served before Flask,
    ``knowledgebase.page_cache``)."""
    request_log.info("%s %s %s %s ms", method, path, status, duration_ms,
                     extra={"request_id": request_id, "method": method, "path": path, "status": status,
                            "duration_ms": duration_ms, "remote_addr": remote_addr})


def _start_request() -> None:
    g.request_started = time.perf_counter()
    request_id()


def _log_request(response: Response) -> Response:
    started = g.get("request_started")
    duration_ms = round((time.perf_counter() - started) * 1000, 1) if started else None
    response.headers[REQUEST_ID_HEADER] = request_id()
    log_request(request.method, request.path, response.status_code, duration_ms, request_id(), request.remote_addr)
    return response
