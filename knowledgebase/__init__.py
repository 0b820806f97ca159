"""The knowledge base and resource directory of social enterprises in southern Sweden."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Mapping

from flask import Flask

from knowledgebase.config import DEFAULT_SECRET_KEY, DEFAULTS, MIN_SECRET_DISTINCT, MIN_SECRET_LENGTH
from knowledgebase.urls import base_host

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """Create the app: defaults, then ``KB_*`` environment variables, then ``config``.

    When the ``flask`` command line loads the app to find or list its own commands (``flask
    --app app users list``, ``--help``), the routes and the data are left to the commands that
    need them (``knowledgebase.cli``), so that the others start at once; ``flask run``, ``flask
    shell``, ``python app.py`` and a WSGI server get the whole app here."""
    from knowledgebase import cli

    app = Flask(
        __name__,
        instance_relative_config=True,
        template_folder=str(PROJECT_ROOT / "templates"),
        static_folder=str(PROJECT_ROOT / "static"),
    )
    configure(app, config)
    register_observability(app)
    register_extensions(app)
    register_security(app)
    register_page_cache(app)
    register_input_rules(app)
    register_error_handlers(app)
    register_templating(app)
    register_commands(app)
    if not cli.loading_for_an_app_command():
        complete(app)
    return app


COMPLETE = "knowledgebase.complete"


def complete(app: Flask) -> None:
    """Register the routes and prepare the data, once: what serving a request needs."""
    if app.extensions.get(COMPLETE):
        return
    app.extensions[COMPLETE] = True
    register_blueprints(app)
    prepare_data(app)
    start_background_work(app)


def configure(app: Flask, config: Mapping[str, Any] | None) -> None:
    app.config.from_mapping(DEFAULTS)
    app.config.from_prefixed_env("KB")
    if config:
        app.config.update(config)
    data_dir = Path(app.config["DATA_DIR"] or app.instance_path)
    data_dir.mkdir(parents=True, exist_ok=True)
    app.config["DATA_DIR"] = str(data_dir)
    url = app.config["DATABASE_URL"] or f"sqlite:///{data_dir / 'knowledgebase.sqlite'}"
    app.config["SQLALCHEMY_DATABASE_URI"] = url
    if not url.startswith("sqlite"):
        # A pooled connection that died with a database restart is replaced before use, so a
        # restart costs only the requests in flight.
        app.config.setdefault("SQLALCHEMY_ENGINE_OPTIONS", {"pool_pre_ping": True})
    app.config.setdefault("SEARCH_INDEX_DIR", str(data_dir / "search-index"))
    app.config["SEED_DIR"] = app.config["SEED_DIR"] or str(PROJECT_ROOT / "seed_data")
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = str(PROJECT_ROOT / "translations")
    from knowledgebase.translations import compile_catalogs

    compile_catalogs(PROJECT_ROOT / "translations")
    if app.config.get("PROXY_COUNT"):
        # Behind a reverse proxy: trust its X-Forwarded-* headers, so that rate limits see
        # the visitor's address and URLs use the public scheme and host.
        from werkzeug.middleware.proxy_fix import ProxyFix

        hops = int(app.config["PROXY_COUNT"])
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)  # type: ignore[method-assign]
    if app.config["ENV"] == "production":
        check_production_settings(app.config)
        app.config["SESSION_COOKIE_SECURE"] = True
        # Only the public host (and any listed in KB_TRUSTED_HOSTS) is served: a request that
        # names another Host gets a 400.
        if not app.config.get("TRUSTED_HOSTS"):
            app.config["TRUSTED_HOSTS"] = [base_host(app.config["BASE_URL"]), *app.config["EXTRA_TRUSTED_HOSTS"]]


def check_production_settings(config: Mapping[str, Any]) -> None:
    """Refuse to run in production with a guessable secret key or without a public address."""
    secret = config.get("SECRET_KEY") or ""
    make_one = 'make one with: python -c "import secrets; print(secrets.token_urlsafe(48))"'
    if secret == DEFAULT_SECRET_KEY or len(secret) < MIN_SECRET_LENGTH or len(set(secret)) < MIN_SECRET_DISTINCT:
        raise RuntimeError(f"KB_SECRET_KEY must be at least {MIN_SECRET_LENGTH} random characters when "
                           f"KB_ENV=production; {make_one}")
    if config["BASE_URL"] == DEFAULTS["BASE_URL"] or not base_host(config["BASE_URL"]):
        raise RuntimeError("KB_BASE_URL must be the site's public address (e.g. https://kunskapsbank.example.se) "
                           "when KB_ENV=production: links in the API, feeds and e-mails use it")


def register_observability(app: Flask) -> None:
    from knowledgebase import observability

    observability.init_app(app)


def register_extensions(app: Flask) -> None:
    from knowledgebase import database, i18n
    from knowledgebase.extensions import babel, csrf, db

    db.init_app(app)
    database.init_app(app)
    babel.init_app(app, locale_selector=i18n.select_locale)
    csrf.init_app(app)


def register_security(app: Flask) -> None:
    from knowledgebase import security

    security.init_app(app)


def register_page_cache(app: Flask) -> None:
    from knowledgebase import page_cache

    page_cache.init_app(app)


def register_input_rules(app: Flask) -> None:
    from knowledgebase import inputs

    inputs.init_app(app)


def register_blueprints(app: Flask) -> None:
    from knowledgebase import admin, api, auth, ops, public
    from knowledgebase.public import root_views

    app.register_blueprint(public.bp)
    app.register_blueprint(api.bp)
    app.register_blueprint(api.hsds_bp)
    app.register_blueprint(auth.bp)
    app.register_blueprint(admin.bp)
    app.register_blueprint(ops.bp)
    app.add_url_rule("/", "root", public.views.root)
    root_views.init_app(app)


def register_error_handlers(app: Flask) -> None:
    from knowledgebase import errors

    errors.init_app(app)


def register_templating(app: Flask) -> None:
    from knowledgebase import templating

    templating.init_app(app)


def register_commands(app: Flask) -> None:
    from knowledgebase import cli

    cli.init_app(app)


def start_background_work(app: Flask) -> None:
    """Run queued jobs in a thread of this process, unless a separate worker does
    (``flask --app app jobs work`` with ``KB_JOBS_IN_PROCESS=false``)."""
    from knowledgebase import background
    from knowledgebase.services import jobs

    if app.config["JOBS_IN_PROCESS"]:
        background.every(app, float(app.config["JOBS_POLL_SECONDS"]), jobs.work_once, "kb-jobs")


def prepare_data(app: Flask) -> None:
    """Bring the embedded default to life: migrate, seed an empty database, build the index."""
    from knowledgebase import database, search

    with app.app_context(), database.start_lock():
        database.upgrade_if_allowed()
        if app.config["AUTO_SEED"]:
            database.seed_if_empty()
    search.init_app(app)
