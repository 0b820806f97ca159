"""Rendered public pages and API answers kept in memory for visitors without a session, and
the conditional GET (``ETag``, ``Last-Modified``, 304) of every public page and API answer.

A stored answer is keyed by the visitor's language (from ``Accept-Language``; the URL prefix
is part of the URL), the URL with its query string, the date and the content version that
every content change bumps in the database (``knowledgebase.content_version``): every worker
and node reads the version once per request, so an edit made anywhere shows on the next
request everywhere. Only what is the same for every visitor without a session is stored: a
request whose session holds anything but a CSRF token (a signed-in adviser, a shortlist, a
flash message) is never served from the cache nor stored, and neither is an answer that wrote
to the session (a form's own CSRF token, a flash message), set a cookie or said it must not be
stored. The forms rendered with the template's ``csrf_token()`` (the shortlist buttons) are
stored with a placeholder that each answer replaces with the visitor's own token; such a page
is private to shared caches. Memory is bounded by ``KB_PAGE_CACHE_MAX_BYTES`` (least
recently used answers go first)."""

from __future__ import annotations

import secrets
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass
from datetime import datetime, timezone

from flask import Flask, Response, current_app, g, request, session
from flask_wtf.csrf import generate_csrf
from sqlalchemy.engine import Engine
from werkzeug.datastructures import LanguageAccept
from werkzeug.http import (HTTP_STATUS_CODES, http_date, is_resource_modified, parse_accept_header, parse_cookie,
                           quote_etag)
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.wsgi import get_current_url

from knowledgebase import content_version
from knowledgebase.extensions import db
from knowledgebase.i18n import DEFAULT_LOCALE, LOCALES, best_locale
from knowledgebase.observability import REQUEST_ID_HEADER, log_request, new_request_id
from knowledgebase.security import PRIVATE_PREFIXES, SECURITY_HEADERS

DEFAULTS = {
    # Keep rendered public pages and API answers in memory (off in the tests unless a test
    # turns it on).
    "PAGE_CACHE": True,
    # The most memory the stored answers of one process may take (bytes of body).
    "PAGE_CACHE_MAX_BYTES": 32 * 1024 * 1024,
    # How long a reverse proxy or browser may keep a public page without asking again (seconds).
    "PAGE_CACHE_MAX_AGE": 60,
}
EXTENSION = "kb_page_cache"
# Headers a stored answer keeps; the rest (request id, rate limits, security headers) is
# set afresh for each request.
KEPT_HEADERS = ("Content-Type", "Content-Language", "Content-Disposition", "Link", "Cache-Control", "Vary",
                "Access-Control-Allow-Origin", "Access-Control-Expose-Headers")
# Per-entry bookkeeping counted against the memory bound besides the body.
OVERHEAD = 512
NOT_PUBLIC_BLUEPRINTS = ("ops", "admin", "auth")
CSRF_FIELD = "csrf_token"
# Stands for the visitor's CSRF token in a stored page; random per process, so no content
# can contain it.
PLACEHOLDER = f"kb-csrf-{secrets.token_hex(12)}"
PLACEHOLDER_BYTES = PLACEHOLDER.encode()


@dataclass(frozen=True)
class Stored:
    """One stored answer: the bytes and what is needed to answer again. A ``personal``
    answer holds ``PLACEHOLDER`` where each visitor gets their own CSRF token."""

    status: int
    body: bytes
    headers: tuple[tuple[str, str], ...]
    etag: str
    last_modified: datetime
    personal: bool = False

    @property
    def size(self) -> int:
        return len(self.body) + OVERHEAD

    def response(self) -> Response:
        response = current_app.response_class(self.body, status=self.status, headers=list(self.headers))
        response.set_etag(self.etag)
        response.last_modified = self.last_modified
        return response


class PageCache:
    """A least-recently-used store of answers bounded in bytes, safe across threads. Answers
    of another content version are unreachable; they are dropped when a request reads a new
    version (``version`` is a ``Version.token``)."""

    def __init__(self, max_bytes: int):
        self.max_bytes = max_bytes
        self.version = ""
        # The app's engine, once a request has gone through Flask (for ``FastPath``).
        self.engine: Engine | None = None
        self.size = 0
        self._items: OrderedDict[str, Stored] = OrderedDict()
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._items)

    def get(self, key: str, version: str) -> Stored | None:
        with self._lock:
            self._follow(version)
            item = self._items.get(key)
            if item is not None:
                self._items.move_to_end(key)
            return item

    def put(self, key: str, version: str, item: Stored) -> None:
        if item.size > self.max_bytes:
            return
        with self._lock:
            self._follow(version)
            old = self._items.pop(key, None)
            if old is not None:
                self.size -= old.size
            self._items[key] = item
            self.size += item.size
            while self.size > self.max_bytes:
                _, dropped = self._items.popitem(last=False)
                self.size -= dropped.size

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
            self.size = 0

    def _follow(self, version: str) -> None:
        if version != self.version:
            self._items.clear()
            self.size = 0
            self.version = version


def public_request() -> bool:
    """A GET of a public page or API answer (not the adviser area, sign-in, health checks or
    static files)."""
    return (request.method in ("GET", "HEAD") and request.endpoint is not None
            and request.endpoint != "static" and request.blueprint not in NOT_PUBLIC_BLUEPRINTS
            and not request.path.startswith(PRIVATE_PREFIXES))


def anonymous() -> bool:
    """Whether the visitor's session holds nothing that could change a page: no session, or
    only a CSRF token (which a stored page gets afresh for each visitor)."""
    return set(session.keys()) <= {CSRF_FIELD}


def page_key(lang: str, version: content_version.Version, url: str) -> str:
    """The key of a stored answer: language, date, content version and URL."""
    today = datetime.now(timezone.utc).date().isoformat()
    return f"{lang}|{today}|{version.token}|{url}"


def _key(version: content_version.Version) -> str:
    return page_key(best_locale(), version, request.url)


def serve_stored() -> Response | None:
    """Before the view: answer from the cache when the visitor is anonymous and the page is
    stored for the current content version."""
    cache: PageCache | None = current_app.extensions.get(EXTENSION)
    if cache is None or not public_request() or not anonymous():
        return None
    if cache.engine is None:  # the fast path (``FastPath``) reads the version on it
        cache.engine = db.engine
    version = content_version.current()
    g.kb_page_key = _key(version)
    item = cache.get(g.kb_page_key, version.token)
    if item is None:
        return None
    g.kb_page_hit = item
    return item.response()


def csrf_token() -> str:
    """The template's ``csrf_token()``: while a page that may be stored renders, a
    placeholder that each answer replaces with the visitor's own token."""
    if g.get("kb_page_key") is None:
        return generate_csrf()
    g.kb_page_personal = True
    return PLACEHOLDER


def _personalise(response: Response) -> None:
    if response.direct_passthrough or response.is_streamed:
        return
    body = response.get_data()
    if PLACEHOLDER_BYTES in body:
        response.set_data(body.replace(PLACEHOLDER_BYTES, generate_csrf().encode()))


def _shareable(response: Response) -> bool:
    """Whether the answer is the same for every anonymous visitor: it wrote nothing to the
    session (no token of a form's own, no flash message), set no cookie and did not forbid
    storing it."""
    cache_control = response.cache_control
    return (response.status_code == 200 and not response.direct_passthrough and not response.is_streamed
            and "Set-Cookie" not in response.headers and not session.modified and CSRF_FIELD not in g
            and not cache_control.no_store and not cache_control.private and anonymous())


def finish(response: Response) -> Response:
    """After the view (or a stored answer): keep a shareable answer, give each visitor their
    own CSRF token, a strong ETag and, for an answer the same for every anonymous visitor, a
    Last-Modified and headers that let shared caches keep it briefly (a page with a token only
    the visitor's browser); then 304 when the visitor's copy is current."""
    if not public_request():
        return response
    hit: Stored | None = g.get("kb_page_hit")
    plain = response.status_code == 200 and not response.direct_passthrough and not response.is_streamed
    shared = hit is not None or _shareable(response)
    personal = hit.personal if hit is not None else bool(g.get("kb_page_personal"))
    if shared and hit is None:
        # Validators of the page as stored (with the placeholder): the same for everyone.
        response.add_etag()
        response.last_modified = response.last_modified or content_version.current().last_modified()
        if personal:
            _private(response)
        else:
            _mark_public(response)
        _store(response, personal)
    had_token = CSRF_FIELD in session
    _personalise(response)
    if not plain:
        return response
    if not shared:
        response.add_etag()
        _private(response)
        return response.make_conditional(request)
    if personal:
        _private(response)
        response.vary.add("Cookie")
        # The visitor's copy holds their token: current only while their session holds it.
        return response.make_conditional(request) if had_token else response
    _mark_public(response)
    return response.make_conditional(request)


def _private(response: Response) -> None:
    # A page with a visitor's own token or session: only theirs to keep, and asked again.
    if "Cache-Control" not in response.headers:
        response.cache_control.private = True
        response.cache_control.no_cache = True


def _store(response: Response, personal: bool) -> None:
    cache: PageCache | None = current_app.extensions.get(EXTENSION)
    key = g.get("kb_page_key")
    if cache is None or key is None:
        return
    version = content_version.current()
    headers = tuple((name, value) for name, value in response.headers.items() if name in KEPT_HEADERS)
    cache.put(key, version.token, Stored(response.status_code, response.get_data(), headers,
                                          response.get_etag()[0] or "", response.last_modified or version.changed_at,
                                          personal))


def _mark_public(response: Response) -> None:
    # Shared caches may keep the answer briefly; each visitor's cookie is part of their key
    # (a visitor with a session never gets an answer stored for another).
    if "Cache-Control" not in response.headers:
        response.cache_control.public = True
        response.cache_control.max_age = int(current_app.config["PAGE_CACHE_MAX_AGE"])
    response.vary.add("Cookie")
    response.vary.add("Accept-Language")


class FastPath:
    """WSGI middleware: a stored answer that is the same for everyone (no CSRF token in it),
    asked for by a visitor without a session cookie, is sent before Flask sees the request
    (no request context, session, routing or rate-limit bookkeeping: none of them can change
    such an answer). It reads the content version once and hands it on to Flask in the
    environ when it has nothing stored, so a request still reads it once."""

    def __init__(self, app: Flask, wsgi_app, cache: PageCache):
        self.wsgi_app = wsgi_app
        self.cache = cache
        self.cookie = app.config["SESSION_COOKIE_NAME"]
        self.log = bool(app.config.get("REQUEST_LOG"))

    def __call__(self, environ: dict, start_response):
        if (environ.get("REQUEST_METHOD") not in ("GET", "HEAD") or self.cache.engine is None
                or (environ.get("HTTP_COOKIE") and self.cookie in parse_cookie(environ))):
            return self.wsgi_app(environ, start_response)
        started = time.perf_counter()
        version = content_version.read(self.cache.engine)
        environ[content_version.ENVIRON_KEY] = version
        lang = parse_accept_header(environ.get("HTTP_ACCEPT_LANGUAGE"), LanguageAccept).best_match(LOCALES)
        item = self.cache.get(page_key(lang or DEFAULT_LOCALE, version, get_current_url(environ)), version.token)
        if item is None or item.personal:
            return self.wsgi_app(environ, start_response)
        return self._answer(environ, start_response, item, started)

    def _answer(self, environ: dict, start_response, item: Stored, started: float):
        modified = is_resource_modified(environ, etag=item.etag, last_modified=item.last_modified)
        status = item.status if modified else 304
        headers = [(name, value) for name, value in item.headers if modified or name not in ("Content-Type",)]
        headers += [("ETag", quote_etag(item.etag)), ("Last-Modified", http_date(item.last_modified)),
                    *SECURITY_HEADERS.items()]
        if environ.get("wsgi.url_scheme") == "https":
            headers.append(("Strict-Transport-Security", "max-age=31536000"))
        request_id = new_request_id(environ.get("HTTP_X_REQUEST_ID", ""))
        headers.append((REQUEST_ID_HEADER, request_id))
        body = item.body if modified and environ["REQUEST_METHOD"] == "GET" else b""
        if modified:
            headers.append(("Content-Length", str(len(item.body))))
        start_response(f"{status} {HTTP_STATUS_CODES[status]}", headers)
        if self.log:
            log_request(environ["REQUEST_METHOD"], environ.get("PATH_INFO", ""), status,
                        round((time.perf_counter() - started) * 1000, 1), request_id, environ.get("REMOTE_ADDR"))
        return [body]


def _install_fast_path(app: Flask, cache: PageCache) -> None:
    # Inside ProxyFix when there is one, so that the URL is the public one.
    outer = app.wsgi_app
    if isinstance(outer, ProxyFix):
        outer.app = FastPath(app, outer.app, cache)
    else:
        app.wsgi_app = FastPath(app, outer, cache)  # type: ignore[method-assign]


def init_app(app: Flask) -> None:
    for key, value in DEFAULTS.items():
        app.config.setdefault(key, value)
    content_version.register()
    if app.config["PAGE_CACHE"]:
        app.extensions[EXTENSION] = cache = PageCache(int(app.config["PAGE_CACHE_MAX_BYTES"]))
        _install_fast_path(app, cache)
        # After CSRFProtect, whose ``csrf_token`` (a global and a context value) this replaces.
        app.jinja_env.globals["csrf_token"] = csrf_token
        app.context_processor(lambda: {"csrf_token": csrf_token})
    app.before_request(serve_stored)
    app.after_request(finish)
