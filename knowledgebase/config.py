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
}

DEFAULT_SECRET_KEY = DEFAULTS["SECRET_KEY"]
