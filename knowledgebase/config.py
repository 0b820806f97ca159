"""Default configuration. Environment variables prefixed ``KB_`` override these."""

DEFAULTS: dict[str, object] = {
    # Empty means: SQLite file ``knowledgebase.sqlite`` in DATA_DIR.
    "DATABASE_URL": "",
    # Empty means: the Flask instance folder. Holds the SQLite file and the search index.
    "DATA_DIR": "",
    "SECRET_KEY": "dev-insecure-change-me",
    "ENV": "development",
    # Seed an empty database from seed_data/ on start.
    "AUTO_SEED": True,
    # Apply database migrations on start (the embedded default wants this).
    "AUTO_MIGRATE": True,
    # Empty means: the seed_data folder beside the package.
    "SEED_DIR": "",
    "PER_PAGE": 20,
    "API_MAX_PER_PAGE": 100,
    "SEARCH_ENABLED": True,
    "BABEL_DEFAULT_LOCALE": "sv",
    "BABEL_DEFAULT_TIMEZONE": "Europe/Stockholm",
    "WTF_CSRF_TIME_LIMIT": None,
    "SESSION_COOKIE_SAMESITE": "Lax",
    "SESSION_COOKIE_HTTPONLY": True,
    # Outgoing e-mail (confirmation requests, reminders, alerts).
    "MAIL_SERVER": "localhost",
    "MAIL_PORT": 25,
    "MAIL_USE_TLS": False,
    "MAIL_USE_SSL": False,
    "MAIL_USERNAME": "",
    "MAIL_PASSWORD": "",
    "MAIL_SENDER": "Kunskapsbanken <noreply@localhost>",
    "MAIL_TIMEOUT": 10,
    # The public address of the site, for links in e-mails sent from the command line.
    "BASE_URL": "http://127.0.0.1:5000",
    # Link checker: parallel requests and seconds per request.
    "LINKCHECK_CONCURRENCY": 8,
    "LINKCHECK_TIMEOUT": 10,
}

DEFAULT_SECRET_KEY = DEFAULTS["SECRET_KEY"]
