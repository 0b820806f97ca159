"""Load and fault runs against gunicorn, for the figures in docs/production.md:
``python -m bench.production [--pg-url URL] [--seconds 20] [--json FILE]``. Not a test.

Loopback only; every loop is bounded in time and the script stops everything it started.
The runs: the mixed load (``bench.load``) with 2 and 4 workers on SQLite and, given
``--pg-url`` (a server URL whose user may create databases), on PostgreSQL; then faults:
kill -9 of workers under load while another process saves entries and is itself killed;
kill -9 of a large command-line import; a PostgreSQL restart under load; and, on
PostgreSQL, an entry saved through one node searched for on a second node. After each fault
it checks that every saved change is in the database and in search (``search check``)."""

from __future__ import annotations

import argparse
import json
import os
import random
import signal
import socket
import subprocess
import sys
import tempfile
import textwrap
import threading
import time
import uuid
from pathlib import Path

import httpx

from bench import load

ROOT = Path(__file__).resolve().parent.parent
SECRET = "bench-only-secret-" + "x" * 40
# Seconds after the start of `flask import` (about 2 s to start, then 10 000 entries take a few
# seconds to read and check and a few to write and index): while reading, while writing, later.
KILL_IMPORT_AFTER = (2.5, 4.0, 5.5, 7.0)
WRITER = textwrap.dedent("""
    import sys, time
    from knowledgebase import create_app
    from tests.apps import create_entry
    app = create_app()
    for number in range(int(sys.argv[1])):
        create_entry(app, "enterprise", slug=f"fiktiv-last-{number}", title={"sv": f"Fiktiv lastpost {number}"})
        print(number, flush=True)
        time.sleep(0.05)
""")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Node:
    """gunicorn serving one data folder (one node) on a loopback port."""

    def __init__(self, data_dir: Path, database_url: str, workers: int):
        self.data_dir, self.database_url, self.workers = data_dir, database_url, workers
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen | None = None

    def env(self) -> dict[str, str]:
        return {**os.environ, "KB_DATA_DIR": str(self.data_dir), "KB_DATABASE_URL": self.database_url,
                "KB_SECRET_KEY": SECRET, "KB_BIND": f"127.0.0.1:{self.port}", "KB_WORKERS": str(self.workers),
                "KB_LOG_LEVEL": "warning", "KB_REQUEST_LOG": "false"}

    def start(self) -> "Node":
        self.data_dir.mkdir(parents=True, exist_ok=True)
        log = (self.data_dir / "gunicorn.log").open("a")
        self.process = subprocess.Popen([sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py"], cwd=ROOT,
                                        env=self.env(), stdout=log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:
            try:
                if httpx.get(self.url + "/readyz", timeout=2).status_code == 200:
                    return self
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        raise RuntimeError(f"gunicorn did not become ready; see {self.data_dir / 'gunicorn.log'}")

    def worker_pids(self) -> list[int]:
        assert self.process is not None
        found = subprocess.run(["pgrep", "-P", str(self.process.pid)], capture_output=True, text=True)
        return [int(pid) for pid in found.stdout.split()]

    def flask(self, *args: str, timeout: float = 600) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "flask", "--app", "app", *args], cwd=ROOT, env=self.env(),
                              capture_output=True, text=True, timeout=timeout)

    def search_total(self, q: str) -> int:
        return httpx.get(self.url + "/api/v1/search", params={"q": q, "per_page": 1}, timeout=10).json()["total"]

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=60)


def _database(pg_url: str | None) -> str:
    """An empty database: a new one on the PostgreSQL server, or '' (SQLite in the data folder)."""
    if not pg_url:
        return ""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    url = make_url(pg_url)
    name = f"kbbench_{uuid.uuid4().hex[:10]}"
    admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return url.set(database=name).render_as_string(hide_password=False)


def _count(node: Node, like: str, published: bool = False) -> int:
    from sqlalchemy import create_engine, text

    url = node.database_url or f"sqlite:///{node.data_dir / 'knowledgebase.sqlite'}"
    engine = create_engine(url)
    only = " AND status = 'published'" if published else ""
    with engine.connect() as conn:
        count = conn.scalar(text("SELECT count(*) FROM entry WHERE slug LIKE :like" + only), {"like": like})
    engine.dispose()
    return count


def _check(node: Node) -> str:
    done = node.flask("search", "check")
    return "clean" if done.returncode == 0 else "DRIFT: " + done.stdout[-300:]


def load_runs(work: Path, pg_url: str | None, seconds: float) -> list[dict]:
    results = []
    for database in ("sqlite", "postgresql") if pg_url else ("sqlite",):
        url = _database(pg_url if database == "postgresql" else None)
        for workers in (2, 4):
            node = Node(work / f"load-{database}-{workers}", url, workers).start()
            try:
                load.run(node.url, 3, 4)  # warm-up
                figures = load.run(node.url, seconds, 8).summary()
            finally:
                node.stop()
            results.append({"run": "mixed load", "database": database, "workers": workers, **figures})
            print(json.dumps(results[-1])[:300], flush=True)
    return results


def fault_kill_workers(work: Path, url: str, database: str, seconds: float) -> dict:
    """Workers killed with SIGKILL every 3 s under load, while a writer saves entries and is
    itself killed half-way."""
    node = Node(work / f"kill-{database}", url, 2).start()
    try:
        writer = subprocess.Popen([sys.executable, "-c", WRITER, "100000"], cwd=ROOT, env=node.env(),
                                  stdout=subprocess.PIPE, text=True)
        assert writer.stdout is not None
        for _ in range(10):  # it is saving: ten entries so far
            writer.stdout.readline()
        stop = threading.Event()
        killed = []

        def killer() -> None:
            chooser = random.Random(7)
            while not stop.wait(5) and len(killed) < 3:
                pids = node.worker_pids()
                if pids:
                    pid = chooser.choice(pids)
                    os.kill(pid, signal.SIGKILL)
                    killed.append(pid)
                if len(killed) == 2 and writer.poll() is None:
                    writer.send_signal(signal.SIGKILL)

        thread = threading.Thread(target=killer)
        thread.start()
        figures = load.run(node.url, seconds, 8).summary()
        stop.set()
        thread.join()
        if writer.poll() is None:
            writer.send_signal(signal.SIGKILL)
        writer.wait()
        writer.stdout.close()
        saved = _count(node, "fiktiv-last-%")
        time.sleep(2)
        found = node.search_total("lastpost")
        return {"run": "kill -9 workers under load, writer killed", "database": database, "workers": 2,
                "workers_killed": len(killed), "saved": saved, "found_in_search": found,
                "lost": saved - found, "search_check": _check(node), **figures}
    finally:
        node.stop()


def fault_kill_import(work: Path, url: str, database: str, size: int = 10000) -> dict:
    """A large command-line import killed with SIGKILL at several points (before, during and
    near the end of its one transaction), each followed by ``search check``; then run to the
    end. All or nothing: after each kill the directory holds none of the file or all of it."""
    from bench.corpus import Taxonomy, write_batches

    node = Node(work / f"import-{database}", url, 2).start()
    try:
        [folder] = write_batches(work / f"corpus-{database}", size, Taxonomy(ROOT / "seed_data"))
        before = _count(node, "%")
        kills = []
        for after in KILL_IMPORT_AFTER:
            importer = subprocess.Popen([sys.executable, "-m", "flask", "--app", "app", "import", str(folder)],
                                        cwd=ROOT, env=node.env(), stdout=subprocess.DEVNULL,
                                        stderr=subprocess.DEVNULL)
            time.sleep(after)
            finished = importer.poll() is not None
            importer.send_signal(signal.SIGKILL)
            importer.wait()
            kills.append({"after_s": after, "had_finished": finished, "new_entries": _count(node, "%") - before,
                          "search_check": _check(node)})
            if kills[-1]["new_entries"]:
                break  # imported whole before the kill: nothing later to interrupt
        started = time.monotonic()
        done = node.flask("import", str(folder), timeout=900)
        return {"run": f"kill -9 of a {size}-entry import at several points, then the import to its end",
                "database": database, "kills": kills, "import_exit": done.returncode,
                "new_entries_after_import": _count(node, "%") - before,
                "search_check_after_import": _check(node), "import_seconds": round(time.monotonic() - started, 1)}
    finally:
        node.stop()


def fault_disk_full(work: Path) -> dict:
    """The index's disk full (a small tmpfs filled up) while 1 000 entries are imported: the
    import stands, search lags and says so, and once space is freed the index catches up."""
    from bench.corpus import Taxonomy, write_batches

    mount = work / "index-disk"
    mount.mkdir()
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=16m", "tmpfs", str(mount)]).returncode != 0:
        return {"run": "index disk full", "skipped": "mounting a tmpfs needs root"}
    try:
        node = Node(work / "disk-full", "", 2)
        node.data_dir.mkdir(parents=True)
        env = {**node.env(), "KB_SEARCH_INDEX_DIR": str(mount / "search-index")}
        node.env = lambda: env  # type: ignore[method-assign]
        node.start()
        try:
            filler = mount / "filler"
            subprocess.run(["dd", "if=/dev/zero", f"of={filler}", "bs=64k"], capture_output=True)  # until full
            [folder] = write_batches(work / "corpus-disk", 1000, Taxonomy(ROOT / "seed_data"))
            found_before = node.search_total("")
            imported = node.flask("import", str(folder))
            check_full = node.flask("search", "check")
            found_full = node.search_total("")
            ready_full = httpx.get(node.url + "/readyz").json()["checks"]["search"]
            filler.unlink()
            freed = time.monotonic()
            published = _count(node, "%", published=True)
            while (found_after := node.search_total("")) < published and time.monotonic() - freed < 60:
                time.sleep(0.1)  # the watcher threads catch up
            caught_up_s = round(time.monotonic() - freed, 1)
            return {"run": "index disk full during an import of 1 000 entries", "import_exit": imported.returncode,
                    "search_check_while_full": "clean" if check_full.returncode == 0 else "drift",
                    "found_before": found_before, "found_while_full": found_full, "readyz_search_while_full": ready_full,
                    "published_in_database": published, "found_after_freeing": found_after,
                    "seconds_to_catch_up": caught_up_s, "search_check_after": _check(node)}
        finally:
            node.stop()
    finally:
        subprocess.run(["umount", str(mount)])


def fault_pg_restart(work: Path, url: str, seconds: float) -> dict:
    """PostgreSQL restarted 5 s into a load run."""
    cluster = subprocess.run(["pg_lsclusters", "--no-header"], capture_output=True, text=True).stdout.split()[:2]
    node = Node(work / "pg-restart", url, 2).start()
    try:
        def restart() -> None:
            time.sleep(5)
            subprocess.run(["pg_ctlcluster", *cluster, "restart"], check=True)

        thread = threading.Thread(target=restart)
        thread.start()
        figures = load.run(node.url, seconds, 8).summary()
        thread.join()
        ready = httpx.get(node.url + "/readyz").status_code
        return {"run": "PostgreSQL restart under load", "database": "postgresql", "workers": 2,
                "ready_after": ready, **figures}
    finally:
        node.stop()


def two_nodes(work: Path, url: str) -> dict:
    """An entry saved through node A's data folder, searched for on node B until found."""
    node_a = Node(work / "node-a", url, 2).start()
    node_b = Node(work / "node-b", url, 2).start()
    try:
        times = []
        for number in range(10):
            slug = f"fiktiv-nod-{number}"
            script = ("from knowledgebase import create_app\nfrom tests.apps import create_entry\n"
                      f"create_entry(create_app(), 'enterprise', slug='{slug}', title={{'sv': 'Fiktiv nodpost{number}'}})")
            subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=node_a.env(), check=True)
            saved = time.monotonic()
            while node_b.search_total(f"nodpost{number}") == 0:
                if time.monotonic() - saved > 30:
                    break
                time.sleep(0.02)
            times.append(time.monotonic() - saved)
        return {"run": "saved on node A, found by search on node B", "database": "postgresql",
                "seconds_median": round(sorted(times)[len(times) // 2], 3), "seconds_max": round(max(times), 3)}
    finally:
        node_a.stop()
        node_b.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pg-url", default=os.environ.get("KB_TEST_DATABASE_URL"))
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--only", choices=["load", "faults"], default=None)
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args()
    seconds = min(args.seconds, 120)
    results: list[dict] = []
    with tempfile.TemporaryDirectory(prefix="kb-production-") as tmp:
        work = Path(tmp)
        if args.only != "faults":
            results += load_runs(work, args.pg_url, seconds)
        if args.only != "load":
            for database in ("sqlite", "postgresql") if args.pg_url else ("sqlite",):
                url = _database(args.pg_url if database == "postgresql" else None)
                results.append(fault_kill_workers(work, url, database, seconds))
                print(json.dumps(results[-1])[:400], flush=True)
                results.append(fault_kill_import(work, _database(args.pg_url if database == "postgresql" else None),
                                                 database))
                print(json.dumps(results[-1])[:400], flush=True)
            results.append(fault_disk_full(work))
            print(json.dumps(results[-1])[:400], flush=True)
            if args.pg_url:
                results.append(fault_pg_restart(work, _database(args.pg_url), seconds))
                print(json.dumps(results[-1])[:400], flush=True)
                results.append(two_nodes(work, _database(args.pg_url)))
                print(json.dumps(results[-1])[:400], flush=True)
    if args.json:
        args.json.write_text(json.dumps(results, indent=2, ensure_ascii=False), encoding="utf-8")


if __name__ == "__main__":
    main()
