"""Error pages: friendly HTML on the site, JSON under /api/. Never a stack trace."""

from __future__ import annotations

from flask import Flask, Response, g, jsonify, render_template, request
from flask.globals import request_ctx
from werkzeug.exceptions import HTTPException, InternalServerError

from knowledgebase.extensions import db
from knowledgebase.i18n import LOCALES, best_locale


def _wants_json() -> bool:
    return request.path.startswith("/api/")


def _guess_lang() -> None:
    # Routing errors happen before the blueprint sets the language: take it from the path.
    if not g.get("lang"):
        first = request.path.strip("/").split("/", 1)[0]
        g.lang = first if first in LOCALES else best_locale()


def handle_http_error(error: HTTPException):
    if request_ctx.url_adapter is None:
        # No URLs can be built (a Host outside TRUSTED_HOSTS): a page with links cannot be
        # rendered, so the answer is plain text.
        return Response(f"{error.code} {error.name}\n", status=error.code, mimetype="text/plain")
    if _wants_json():
        response = jsonify({"error": {"status": error.code, "message": error.description or error.name}})
        # An address that matches no route (a path part with a control character, say) is
        # answered before any blueprint, so the API's own CORS headers are added here too.
        # (Imported here: the api package brings every API view, which commands that start
        # without routes do not need.)
        from knowledgebase.api import http

        http.allow_reading(response)
        response.status_code = error.code
        return response
    _guess_lang()
    template = {404: "errors/404.html", 400: "errors/400.html", 403: "errors/403.html",
                413: "errors/413.html"}.get(error.code, "errors/error.html")
    return render_template(template, error=error), error.code


def handle_server_error(error: InternalServerError):
    # Flask routes unhandled exceptions here (outside debug and testing, which re-raise them).
    db.session.rollback()
    return handle_http_error(error if isinstance(error, HTTPException) else InternalServerError())


def init_app(app: Flask) -> None:
    app.register_error_handler(HTTPException, handle_http_error)
    app.register_error_handler(InternalServerError, handle_server_error)
