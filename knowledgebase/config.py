"""Default configuration. Environment variables prefixed ``KB_`` override these."""

DEFAULTS: dict[str, object] = {
    # Empty means: SQLite file ``knowledgebase.sqlite`` in DATA_DIR.
    "DATABASE_URL": "",
    # On a database server: how long a failing new connection is tried again (a restart).
    "DATABASE_CONNECT_RETRY_SECONDS": 15,
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
    # Each process checks the search change log this often (seconds; 0: only when searching or
    # after its own commits), so changes made on other nodes reach this node's index. A node
    # not seen for SEARCH_NODE_TTL_DAYS is forgotten and rebuilds its index when it returns.
    "SEARCH_FOLLOW_SECONDS": 1.0,
    "SEARCH_NODE_TTL_DAYS": 7,
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
    # Enterprises managing their own entries: asking to manage one and asking for a sign-in
    # link (per address); how long a sign-in link works, and a session started with it.
    "CLAIM_LIMIT": "5 per hour;20 per day",
    "MANAGER_LINK_LIMIT": "5 per hour;20 per day",
    "MANAGER_LINK_MINUTES": 30,
    "MANAGER_SESSION_HOURS": 8,
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
    # Buyers' needs: posting one (per address), how long the links work (the confirmation link in
    # days; the buyer's page of answers in days after the deadline; the outcome form in days),
    # and at most how many needs one enterprise is sent in seven days.
    "NEEDS_LIMIT": "5 per hour;20 per day",
    "NEED_CONFIRM_DAYS": 7,
    "NEED_PAGE_DAYS": 180,
    "NEED_OUTCOME_DAYS": 60,
    "NEEDS_PER_ENTERPRISE_WEEK": 3,
    # Who publishes the open data, as the DCAT-AP-SE catalogue names it, and an address for
    # questions about it (left out of the catalogue when empty).
    "DATA_PUBLISHER": "Kunskapsbanken för sociala företag",
    "DATA_CONTACT_EMAIL": "",
    # Background jobs (imports, reindexing): a thread in each serving process takes queued
    # jobs; set JOBS_IN_PROCESS false when ``flask --app app jobs work`` runs as its own service.
    "JOBS_IN_PROCESS": True,
    "JOBS_POLL_SECONDS": 1.0,
    # Logs: one line per request (id, status, duration) and the app's own messages on standard
    # error, as JSON with LOG_FORMAT "json" (else plain text).
    "LOG_FORMAT": "text",
    "LOG_LEVEL": "INFO",
    "REQUEST_LOG": True,
    # /readyz answers 503 while this node's search index lags the change log by longer.
    "READY_MAX_SEARCH_LAG_SECONDS": 30,
    # Addresses per sitemap file (the protocol's limit); beyond it /sitemap.xml is an index.
    "SITEMAP_MAX_URLS": 50_000,
}

DEFAULT_SECRET_KEY = DEFAULTS["SECRET_KEY"]
# A production secret: long and not a word (secrets.token_urlsafe(48) gives 64 characters).
MIN_SECRET_LENGTH = 32
MIN_SECRET_DISTINCT = 12
