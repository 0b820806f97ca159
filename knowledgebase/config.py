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
    # How many reverse proxies in front of the app set X-Forwarded-* headers (0: none).
    "PROXY_COUNT": 0,
    "PER_PAGE": 20,
    "API_MAX_PER_PAGE": 100,
    "SEARCH_ENABLED": True,
    # Processes for bulk work outside requests (CLI imports, seeding): analysing a large batch
    # of new entries for the index, and reading megabytes of seed YAML. 0: the cores, at most
    # 4; 1: no forking. Requests never fork (docs/search.md).
    "SEARCH_WRITE_PROCS": 0,
    "IMPORT_READ_PROCS": 0,
    "BABEL_DEFAULT_LOCALE": "sv",
    "BABEL_DEFAULT_TIMEZONE": "Europe/Stockholm",
    "WTF_CSRF_TIME_LIMIT": None,
    "SESSION_COOKIE_SAMESITE": "Lax",
    "SESSION_COOKIE_HTTPONLY": True,
    # Flask-Login's remember cookie: the site never sets it, but strong session protection
    # clears it (knowledgebase/security.py). Secure follows SESSION_COOKIE_SECURE.
    "REMEMBER_COOKIE_SAMESITE": "Lax",
    "REMEMBER_COOKIE_HTTPONLY": True,
    # Outgoing e-mail (confirmation requests, reminders, alerts).
    "MAIL_SERVER": "localhost",
    "MAIL_PORT": 25,
    "MAIL_USE_TLS": False,
    "MAIL_USE_SSL": False,
    "MAIL_USERNAME": "",
    "MAIL_PASSWORD": "",
    "MAIL_SENDER": "Kunskapsbanken <noreply@localhost>",
    "MAIL_TIMEOUT": 10,
    # The public address of the site: every absolute link (API, feeds, language alternates,
    # e-mails) is built under it, never from the request's Host header. Required in production,
    # where it also sets the only Host served (TRUSTED_HOSTS; add more in EXTRA_TRUSTED_HOSTS).
    "BASE_URL": "http://127.0.0.1:5000",
    "EXTRA_TRUSTED_HOSTS": [],
    # Link checker: parallel requests and seconds per request.
    "LINKCHECK_CONCURRENCY": 8,
    "LINKCHECK_TIMEOUT": 10,
    # Keeping it true. A confirmed fact goes stale after this many months; FACT_SHELF_LIFE
    # overrides it per fact, e.g. {"phone": 12, "deadline": 6} (knowledgebase.services.upkeep.provenance).
    "FACT_SHELF_LIFE_MONTHS": 12,
    "FACT_SHELF_LIFE": {},
    # Days a confirmation link sent to an enterprise stays valid.
    "CONFIRMATION_LINK_DAYS": 30,
    # ``flask reminders send``: at most this many enterprise reminders per run; an enterprise
    # gets at most one request per interval, starting this many days before a fact goes stale.
    "REMINDERS_MAX_PER_RUN": 50,
    "REMINDER_INTERVAL_DAYS": 30,
    "REMINDER_LEAD_DAYS": 30,
    # Advisers get a digest of their counties at most this often.
    "DIGEST_INTERVAL_DAYS": 7,
    # Subscribing to e-mail alerts, per address.
    "ALERTS_LIMIT": "5 per hour;20 per day",
    # Registering for an activity, per address.
    "REGISTRATION_LIMIT": "10 per hour;30 per day",
    # Registrations (names, e-mail, needs) are reduced to head counts this many months after
    # the activity (flask --app app programmes reduce; README "Personal data").
    "REGISTRATION_RETENTION_MONTHS": 12,
    # A shared shortlist's link works this many days; sending it by e-mail is limited per address.
    "SHORTLIST_SHARE_DAYS": 30,
    "SHORTLIST_SHARE_LIMIT": "5 per hour;20 per day",
    # Who publishes the open data, as the DCAT-AP-SE catalogue names it, and an address for
    # questions about it (left out of the catalogue when empty).
    "DATA_PUBLISHER": "Kunskapsbanken för sociala företag",
    "DATA_CONTACT_EMAIL": "",
    # Addresses per sitemap file (the protocol's limit); beyond it /sitemap.xml is an index.
    "SITEMAP_MAX_URLS": 50_000,
}

DEFAULT_SECRET_KEY = DEFAULTS["SECRET_KEY"]
# A production secret: long and not a word (secrets.token_urlsafe(48) gives 64 characters).
MIN_SECRET_LENGTH = 32
MIN_SECRET_DISTINCT = 12
