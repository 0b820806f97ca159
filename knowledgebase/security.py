"""Secure defaults: security headers on every response, no caching of the adviser area,
every cookie HttpOnly and SameSite (and Secure in production or over HTTPS), no software
versions in the Server header, Flask-Login with an idle timeout, and the rate limiter."""

from __future__ import annotations

import time

from flask import Flask, Response, current_app, flash, has_request_context, redirect, request, session, url_for
from flask.sessions import SecureCookieSessionInterface
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import logout_user
from werkzeug.exceptions import HTTPException
from werkzeug.serving import WSGIRequestHandler

from knowledgebase.extensions import limiter, login_manager

CONTENT_SECURITY_POLICY = "; ".join((
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
))
SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=()",
}
# Pages for signed-in people: never stored by a shared (or any) cache.
PRIVATE_PREFIXES = ("/admin/", "/auth/")

DEFAULTS = {
    "IDLE_TIMEOUT_MINUTES": 60,
    "RATELIMIT_STORAGE_URI": "memory://",
    # Said explicitly: Flask-Limiter's one limiter otherwise keeps the setting of the last app
    # that turned it off (as the hostile-input tests do) for every app made after it.
    "RATELIMIT_ENABLED": True,
    "RATELIMIT_HEADERS_ENABLED": True,
    # Failed logins allowed per address and per account before a pause.
    "LOGIN_LIMIT_PER_ADDRESS": "20 per 15 minutes",
    "LOGIN_LIMIT_PER_ACCOUNT": "5 per 15 minutes",
    "SUGGEST_LIMIT": "5 per hour;20 per day",
    # Uploads (imports) and forms: 20 MB at most.
    "MAX_CONTENT_LENGTH": 20 * 1024 * 1024,
}


# What the development server (``python app.py``, the tests' live server) names itself.
SERVER_HEADER = "Kunskapsbanken"


def cookies_secure(app: Flask) -> bool:
    """Cookies are Secure in production (KB_ENV=production) and whenever the request came
    over HTTPS."""
    if app.config["SESSION_COOKIE_SECURE"]:
        return True
    return has_request_context() and request.is_secure


class SessionInterface(SecureCookieSessionInterface):
    """The signed cookie session, marked Secure by ``cookies_secure``."""

    def get_cookie_secure(self, app: Flask) -> bool:
        return cookies_secure(app)


class SecureCookieResponse(Response):
    """A response whose every cookie, set or cleared, is HttpOnly, SameSite (Lax unless the
    caller asked for Strict) and, by ``cookies_secure``, Secure. Flask-Login's strong session
    protection clears its remember cookie with none of these (``delete_cookie`` with defaults),
    even for a visitor who never had one; no script of the site reads a cookie."""

    def set_cookie(self, key: str, value: str = "", *args, **kwargs) -> None:  # type: ignore[override]
        kwargs["httponly"] = True
        if str(kwargs.get("samesite")).lower() not in ("lax", "strict"):
            kwargs["samesite"] = "Lax"
        kwargs["secure"] = bool(kwargs.get("secure")) or cookies_secure(current_app)
        super().set_cookie(key, value, *args, **kwargs)


class RequestHandler(WSGIRequestHandler):
    """Werkzeug's development server without its and Python's versions in the ``Server``
    header. The header is written by the server before the app's headers, so the app cannot
    replace it: ``python app.py`` and the tests serve with this handler. ``flask run`` cannot
    be given one; gunicorn sends ``Server: gunicorn`` without a version."""

    def version_string(self) -> str:
        return SERVER_HEADER


def set_security_headers(response: Response) -> Response:
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    if request.is_secure:
        response.headers.setdefault("Strict-Transport-Security", "max-age=31536000")
    if request.path.startswith(PRIVATE_PREFIXES):
        response.headers["Cache-Control"] = "no-store, private"
        response.headers["Pragma"] = "no-cache"
        response.vary.add("Cookie")
    return response


def enforce_idle_timeout() -> Response | None:
    """End a signed-in session after KB_IDLE_TIMEOUT_MINUTES without a request."""
    if "_user_id" not in session or request.endpoint == "static":
        return None
    now = int(time.time())
    last = session.get("last_active")
    limit = int(current_app.config["IDLE_TIMEOUT_MINUTES"]) * 60
    if isinstance(last, int) and now - last > limit:
        logout_user()
        session.clear()
        flash(_("You were logged out after %(minutes)d minutes without activity.",
                minutes=limit // 60), "info")
        if request.path.startswith(PRIVATE_PREFIXES):
            return redirect(url_for("auth.login", next=request.full_path if request.method == "GET" else None))
        return None
    # Write the cookie at most once a minute.
    if not isinstance(last, int) or now - last >= 60:
        session["last_active"] = now
    return None


def handle_rate_limited(error: HTTPException) -> Response:
    """A clear 429: the view's own page if it made one (login, suggestions), else the error page."""
    if error.response is not None:
        return error.response
    from knowledgebase.errors import handle_http_error

    return handle_http_error(error)


def init_app(app: Flask) -> None:
    for key, value in DEFAULTS.items():
        app.config.setdefault(key, value)
    app.session_interface = SessionInterface()
    app.response_class = SecureCookieResponse
    # Flask-Login's remember cookie (never set by the site, but cleared) follows the session's.
    app.config.setdefault("REMEMBER_COOKIE_SECURE", app.config["SESSION_COOKIE_SECURE"])

    from knowledgebase.services.curation.accounts import load_user

    login_manager.init_app(app)
    login_manager.session_protection = "strong"
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Log in to see this page.")
    login_manager.login_message_category = "info"
    login_manager.localize_callback = str
    login_manager.user_loader(load_user)
    limiter.init_app(app)

    app.before_request(enforce_idle_timeout)
    app.after_request(set_security_headers)
    app.register_error_handler(429, handle_rate_limited)
