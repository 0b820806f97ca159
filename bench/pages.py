"""Page-speed benchmark: ``python -m bench.pages [--seconds 5] [--clients 4]`` from the
repository root (with the project's virtualenv). Not a test: it prints a Markdown table
(README, "Page speed").

It seeds a database with the shipped seed data, then serves it with gunicorn as in production
(``gunicorn.conf.py``, 2 workers, worker recycling off) three times: the app with its page cache, the app without
it (``KB_PAGE_CACHE=false``), and a bare Flask route (``bench/bare.py``) that answers each URL
with the bytes the app answered it with, under the same gunicorn settings: the framework's
floor. For the home page, a list with filters, an enterprise's page, a search page and an API
list it measures requests/s and latency (p50/p95) with a bounded load generator on loopback
(threads of plain HTTP/1.1 requests, each phase stops by itself after ``--seconds``), then the
same five URLs at once (the mixed load). The load generator runs on the same machine as the
server: on the 2-core machine it takes CPU from the workers, the same for every row."""

from __future__ import annotations

import argparse
import base64
import contextlib
import http.client
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterator

ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"
WARMUP = 30
# The most requests one phase makes, whatever --seconds says.
MAX_REQUESTS = 200_000
SECRET = "bench-only-" * 5


@dataclass
class Result:
    """The latencies (seconds) of one phase's answered requests and its length."""

    latencies: list[float] = field(default_factory=list)
    errors: int = 0
    seconds: float = 0.0

    @property
    def rate(self) -> float:
        return len(self.latencies) / self.seconds if self.seconds else 0.0

    def percentile(self, share: float) -> float:
        if not self.latencies:
            return float("nan")
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(share * len(ordered)))] * 1000


def prepare(data_dir: Path) -> dict[str, str]:
    """Seed the database by a first start and choose the URLs: the kinds of page measured."""
    from sqlalchemy import func, select

    from knowledgebase import create_app
    from knowledgebase import models as m
    from knowledgebase.extensions import db

    app = create_app({"DATA_DIR": str(data_dir), "SECRET_KEY": SECRET, "SEARCH_FOLLOW_SECONDS": 0})
    with app.app_context():
        busiest = db.session.execute(
            select(m.entries.entry_municipality.c.municipality_key, func.count())
            .join(m.Enterprise, m.Enterprise.id == m.entries.entry_municipality.c.entry_id)
            .group_by(m.entries.entry_municipality.c.municipality_key).order_by(func.count().desc())).first()
        slugs = list(db.session.scalars(select(m.Enterprise.slug).where(m.Enterprise.status == m.PUBLISHED)))
    client = app.test_client()
    # The enterprise with the largest page (the most relations to load and show).
    detail = max(slugs, key=lambda slug: len(client.get(f"/sv/enterprises/{slug}").get_data()))
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
    return {
        "home": "/sv/",
        "list with filters": f"/sv/enterprises/?municipality={busiest[0]}&sort=updated",
        "enterprise page": f"/sv/enterprises/{detail}",
        "search": "/sv/search?q=arbetsintegrerande",
        "API list": "/api/v1/enterprises/?per_page=20",
    }


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


@contextlib.contextmanager
def gunicorn(wsgi: str, env: dict[str, str]) -> Iterator[int]:
    """Serve ``wsgi`` with gunicorn.conf.py and 2 workers on a free loopback port; stop it after."""
    port = _free_port()
    environment = {**os.environ, "KB_BIND": f"{HOST}:{port}", "KB_WORKERS": "2", "KB_LOG_LEVEL": "warning", **env}
    # Worker recycling (every 5 000 requests in production) is off for both servers: it would
    # put an app start into a few-second phase.
    server = subprocess.Popen([sys.executable, "-m", "gunicorn", "-c", str(ROOT / "gunicorn.conf.py"),
                               "--max-requests", "0", wsgi],
                              cwd=ROOT, env=environment, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        while True:
            if server.poll() is not None:
                raise RuntimeError(f"gunicorn ({wsgi}) stopped at start")
            with contextlib.suppress(OSError):
                status, _, _ = fetch(port, "/robots.txt" if wsgi == "app:app" else "/")
                if status < 500:
                    break
            if time.monotonic() > deadline:
                raise RuntimeError(f"gunicorn ({wsgi}) did not answer within 60 s")
            time.sleep(0.2)
        yield port
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def fetch(port: int, path: str) -> tuple[int, str, bytes]:
    """One GET on a new connection (gunicorn's sync workers close each one)."""
    connection = http.client.HTTPConnection(HOST, port, timeout=10)
    try:
        connection.request("GET", path, headers={"Accept-Language": "sv"})
        response = connection.getresponse()
        return response.status, response.getheader("Content-Type", ""), response.read()
    finally:
        connection.close()


def load(port: int, paths: list[str], seconds: float, clients: int) -> dict[str, Result]:
    """``clients`` threads request ``paths`` in turn for ``seconds``; the latencies per path."""
    results = {path: Result() for path in paths}
    lock = threading.Lock()
    stop_at = time.perf_counter() + seconds
    count = [0]

    def client(offset: int) -> None:
        own: dict[str, list[float]] = {path: [] for path in paths}
        errors = dict.fromkeys(paths, 0)
        turn = offset
        while time.perf_counter() < stop_at and count[0] < MAX_REQUESTS:
            path = paths[turn % len(paths)]
            turn += 1
            started = time.perf_counter()
            try:
                status, _, _ = fetch(port, path)
            except OSError:
                status = 0
            if status == 200:
                own[path].append(time.perf_counter() - started)
            else:
                errors[path] += 1
            count[0] += 1
        with lock:
            for path in paths:
                results[path].latencies.extend(own[path])
                results[path].errors += errors[path]

    started = time.perf_counter()
    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for result in results.values():
        result.seconds = time.perf_counter() - started
    return results


def warm(port: int, paths: list[str]) -> None:
    for path in paths:
        for _ in range(WARMUP):
            fetch(port, path)


def measure(port: int, urls: dict[str, str], seconds: float, clients: int) -> dict[str, Result]:
    """Each URL on its own, after a warm-up (each worker fills its own cache)."""
    warm(port, list(urls.values()))
    return {name: load(port, [path], seconds, clients)[path] for name, path in urls.items()}


def uptime() -> str:
    try:
        return subprocess.run(["uptime"], capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def table(urls: dict[str, str], cached: dict[str, Result], uncached: dict[str, Result], bare: dict[str, Result],
          mixed: dict[str, Result]) -> str:
    lines = [
        "| page | app req/s | p50 / p95 ms | × bare | without cache req/s | × bare | bare Flask req/s | p50 / p95 ms "
        "| mixed load p50 / p95 ms |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for name, path in urls.items():
        a, u, b, x = cached[name], uncached[name], bare[name], mixed[path]
        lines.append(
            f"| {name} | {a.rate:,.0f} | {a.percentile(0.5):.1f} / {a.percentile(0.95):.1f} | {a.rate / b.rate:.2f} "
            f"| {u.rate:,.0f} | {u.rate / b.rate:.3f} | {b.rate:,.0f} | {b.percentile(0.5):.1f} / {b.percentile(0.95):.1f} "
            f"| {x.percentile(0.5):.1f} / {x.percentile(0.95):.1f} |")
    errors = sum(r.errors for group in (cached, uncached, bare) for r in group.values())
    errors += sum(r.errors for r in mixed.values())
    lines.append("")
    lines.append(f"Requests not answered 200: {errors}.")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=5.0, help="length of each measured phase")
    parser.add_argument("--clients", type=int, default=4, help="load generator threads")
    parser.add_argument("--work", help="folder for the database and index (default: a temporary one)")
    parser.add_argument("--json", help="write every figure to this file")
    args = parser.parse_args()
    work = Path(args.work) if args.work else Path(tempfile.mkdtemp(prefix="kb-pages-"))
    data_dir = work / "data"
    print(f"# Page speed, {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC, {os.cpu_count()} cores", flush=True)
    print(f"load before: {uptime()}", flush=True)
    urls = prepare(data_dir)
    env = {"KB_DATA_DIR": str(data_dir), "KB_SECRET_KEY": SECRET, "KB_AUTO_SEED": "false"}
    with gunicorn("app:app", env) as port:
        cached = measure(port, urls, args.seconds, args.clients)
        warm(port, list(urls.values()))
        mixed = load(port, list(urls.values()), args.seconds * 2, args.clients)
        pages = {}
        for path in urls.values():
            status, content_type, body = fetch(port, path)
            assert status == 200, (path, status)
            pages[path] = {"type": content_type, "body": base64.b64encode(body).decode()}
    with gunicorn("app:app", {**env, "KB_PAGE_CACHE": "false"}) as port:
        uncached = measure(port, urls, args.seconds, args.clients)
    pages_file = work / "pages.json"
    pages_file.write_text(json.dumps(pages), encoding="utf-8")
    with gunicorn("bench.bare:app", {"KB_BENCH_PAGES": str(pages_file)}) as port:
        for path, page in pages.items():
            assert fetch(port, path)[2] == base64.b64decode(page["body"]), path
        bare = measure(port, urls, args.seconds, args.clients)
    print(f"load after: {uptime()}", flush=True)
    print(f"{args.clients} client threads, {args.seconds:g} s per phase (mixed: {args.seconds * 2:g} s), "
          f"page sizes: " + ", ".join(f"{name} {len(base64.b64decode(pages[path]['body'])) / 1024:.1f} kB"
                                      for name, path in urls.items()))
    print()
    print(table(urls, cached, uncached, bare, mixed))
    if args.json:
        figures = {group: {name: {"rate": r.rate, "p50_ms": r.percentile(0.5), "p95_ms": r.percentile(0.95),
                                  "requests": len(r.latencies), "errors": r.errors}
                           for name, r in results.items()}
                   for group, results in (("cached", cached), ("uncached", uncached), ("bare", bare),
                                          ("mixed", mixed))}
        Path(args.json).write_text(json.dumps({"urls": urls, **figures}, indent=2), encoding="utf-8")
    if not args.work:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
