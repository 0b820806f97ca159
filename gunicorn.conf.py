"""Gunicorn settings for production: ``gunicorn -c gunicorn.conf.py`` (README, "Serving in
production"). Every setting can still be given on the command line, which wins."""

import os

wsgi_app = "app:app"
bind = os.environ.get("KB_BIND", "127.0.0.1:8000")
# Pages are rendered by Python, so a worker per core keeps the cores busy; the second per
# core covers the time a worker waits for the database. Each worker is one process with its
# own copy of the app (the app is not preloaded: every worker opens its own connections and
# search index and starts its change-log watcher after the fork).
workers = int(os.environ.get("KB_WORKERS", 2 * (os.cpu_count() or 1)))
preload_app = False
# Long work (imports, reindexing, mailings) runs as background jobs, outside requests; no
# request should take this long.
timeout = int(os.environ.get("KB_WORKER_TIMEOUT", 60))
graceful_timeout = 30
keepalive = 5
# Workers are not recycled after a number of requests: each runs queued background jobs in a
# thread (KB_JOBS_IN_PROCESS), which a recycled worker would cut off. With a separate job
# worker (``flask --app app jobs work``), KB_MAX_REQUESTS=5000 bounds slow memory growth.
max_requests = int(os.environ.get("KB_MAX_REQUESTS", 0))
max_requests_jitter = max_requests // 10
# Heartbeat files in memory rather than on a disk that may be slow or full.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None
# The app logs one line per request itself (``KB_LOG_FORMAT=json`` for a log system), with a
# request id; gunicorn's own access log would repeat it.
accesslog = None
errorlog = "-"
loglevel = os.environ.get("KB_LOG_LEVEL", "info").lower()
# Behind a reverse proxy: the app trusts KB_PROXY_COUNT hops of X-Forwarded-* (ProxyFix).
forwarded_allow_ips = "127.0.0.1,::1"
