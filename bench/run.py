"""Search benchmark: ``python -m bench.run [--sizes 1000,10000,100000]`` from the repository
root (with the project's virtualenv). Not a test: it prints a table (see docs/search.md).

Per size it writes the fictional corpus as seed-format YAML, imports it through the normal
import path (``import_path`` per 10 000-entry folder, then commit, which indexes), times a
full ``search rebuild``, then answers a fixed query mix with facets in a fresh serving
process, measures edit-to-visible, and does the same mix on a plain SQLite FTS5 index of
the same entries (the baseline). Each phase runs in its own process, so peak memory is per
phase."""

from __future__ import annotations

import argparse
import csv
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WARMUP = 20
EDITS = 10


def _app(data_dir: Path):
    from knowledgebase import create_app

    return create_app({"DATA_DIR": str(data_dir), "AUTO_SEED": False, "SECRET_KEY": "bench-" * 8})


def _rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _cpu_s() -> float:
    """CPU seconds of this process and of its finished children (the importer and the index
    writer fork helpers): on a shared machine, less noisy than the wall clock."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def child_build(work: Path, size: int) -> dict:
    from bench.corpus import Taxonomy, write_batches
    from knowledgebase import search
    from knowledgebase.extensions import db
    from knowledgebase.search import store
    from knowledgebase.services.transfer.imports import import_path

    yaml_dir = work / "yaml"
    started = time.perf_counter()
    folders = write_batches(yaml_dir, size, Taxonomy(ROOT / "seed_data"))
    generate = time.perf_counter() - started
    app = _app(work / "data")
    out: dict = {"size": size, "generate_s": generate}
    with app.app_context():
        import_path(ROOT / "seed_data" / "taxonomy")
        import_path(ROOT / "seed_data" / "search")
        db.session.commit()
        stats = app.extensions["kb_search"].stats
        importing = committing = cpu_importing = cpu_committing = 0.0
        for folder in folders:
            t0, c0 = time.perf_counter(), _cpu_s()
            import_path(folder)
            t1, c1 = time.perf_counter(), _cpu_s()
            db.session.commit()
            t2, c2 = time.perf_counter(), _cpu_s()
            importing, committing = importing + t1 - t0, committing + t2 - t1
            cpu_importing, cpu_committing = cpu_importing + c1 - c0, cpu_committing + c2 - c1
            db.session.remove()
        out.update(import_s=importing, commit_s=committing, index_s=stats["seconds"],
                   import_cpu_s=cpu_importing, commit_cpu_s=cpu_committing,
                   published=search.count_indexable())
        t0 = time.perf_counter()
        out["rebuilt"] = search.rebuild()
        out["rebuild_s"] = time.perf_counter() - t0
        out["index_bytes"] = store.disk_size(app.config["SEARCH_INDEX_DIR"])
        t0 = time.perf_counter()
        drift = search.check()
        out["check_s"], out["check_clean"] = time.perf_counter() - t0, drift.is_clean()
    out["build_rss_mib"] = _rss_mib()
    return out


def _timed(run, mix: list[dict]) -> tuple[dict, list[float]]:
    for item in mix[:WARMUP]:
        run(item)
    by_kind: dict[str, list[float]] = {}
    totals = []
    for item in mix:
        t0 = time.perf_counter()
        total = run(item)
        by_kind.setdefault(item["kind"], []).append((time.perf_counter() - t0) * 1000)
        totals.append(total)
    return by_kind, totals


def child_serve(work: Path, mix: list[dict]) -> dict:
    from werkzeug.datastructures import MultiDict

    from knowledgebase import models as m
    from knowledgebase import search
    from knowledgebase.extensions import db

    t0 = time.perf_counter()
    app = _app(work / "data")
    out: dict = {"start_s": time.perf_counter() - t0}
    with app.app_context():
        def run(item: dict) -> int:
            args = MultiDict([("q", item["q"]), *[(k, v) for k, vs in item["filters"].items() for v in vs]])
            return search.search(search.parse_request(args, "sv")).total

        t0 = time.perf_counter()
        run(mix[0])
        out["first_query_ms"] = (time.perf_counter() - t0) * 1000
        out["latency_ms"], out["totals"] = _timed(run, mix)
        ids = list(db.session.scalars(db.select(m.Entry.id).where(m.Entry.status == "published").limit(EDITS)))
        visible = []
        for k, entry_id in enumerate(ids):
            entry = db.session.get(m.Entry, entry_id)
            token = f"bänkprovord{k}x"
            entry.title_sv = f"{entry.title_sv} {token}"
            t0 = time.perf_counter()
            db.session.commit()
            while not search.search(search.parse_request(MultiDict({"q": token}), "sv")).total:
                if time.perf_counter() - t0 > 30:
                    break
            visible.append((time.perf_counter() - t0) * 1000)
        out["visible_ms"] = visible
    out["rss_mib"] = _rss_mib()
    return out


def child_fts5_build(work: Path, size: int) -> dict:
    from bench import fts5
    from bench.corpus import Taxonomy, entry

    taxonomy = Taxonomy(ROOT / "seed_data")
    with (ROOT / "seed_data" / "taxonomy" / "municipalities.csv").open(encoding="utf-8") as handle:
        county_of = {r["code"]: r["county_code"] for r in csv.DictReader(handle)}
    path = work / "fts5.sqlite"
    count, seconds = fts5.build(path, (entry(i, taxonomy) for i in range(size)), county_of)
    return {"build_s": seconds, "indexed": count, "db_bytes": path.stat().st_size}


def child_fts5(work: Path, mix: list[dict]) -> dict:
    from bench import fts5

    searcher = fts5.Searcher(work / "fts5.sqlite")
    out: dict = {}
    out["latency_ms"], out["totals"] = _timed(lambda item: searcher.search(item["q"], item["filters"])[0], mix)
    out["rss_mib"] = _rss_mib()
    return out


def _child(mode: str, work: Path, size: int, mix_file: Path | None) -> dict:
    cmd = [sys.executable, "-m", "bench.run", "--child", mode, "--work", str(work), "--sizes", str(size)]
    if mix_file:
        cmd += ["--mix", str(mix_file)]
    done = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, check=False)
    if done.returncode:
        sys.stderr.write(done.stderr)
        raise SystemExit(f"bench child {mode} failed")
    return json.loads(done.stdout.strip().splitlines()[-1])


def _pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def _summary(latency: dict[str, list[float]]) -> str:
    every = [v for values in latency.values() for v in values]
    return " / ".join(f"{_pct(every, p):.1f}" for p in (50, 95, 99))


def report(results: list[dict]) -> str:
    lines = [
        "| entries | engine | import+index entries/s | rebuild entries/s | index size | "
        "search p50 / p95 / p99 ms (facets) | edit→visible p50 / max ms | serving peak RSS |",
        "|---:|---|---:|---:|---:|---:|---:|---:|",
    ]
    kinds, cpu = [], []
    for r in results:
        b, s, f = r["build"], r["serve"], r["fts5"]
        n = b["published"]
        lines.append(
            f"| {r['size']:,} | whoosh (this app) | {r['size'] / (b['import_s'] + b['commit_s']):,.0f} "
            f"(import {b['import_s']:.1f} s + commit/index {b['commit_s']:.1f} s) | {n / b['rebuild_s']:,.0f} | "
            f"{b['index_bytes'] / 2**20:.1f} MiB | {_summary(s['latency_ms'])} | "
            f"{statistics.median(s['visible_ms']):.0f} / {max(s['visible_ms']):.0f} | {s['rss_mib']:.0f} MiB |")
        if "import_cpu_s" in b:
            cpu.append(f"- {r['size']:,} entries: import {b['import_cpu_s']:.1f} s + commit/index "
                       f"{b['commit_cpu_s']:.1f} s of CPU time in all processes "
                       f"({r['size'] / (b['import_cpu_s'] + b['commit_cpu_s']):,.0f} entries per CPU-second)")
        lines.append(
            f"| {r['size']:,} | SQLite FTS5 | – | {f['indexed'] / f['build_s']:,.0f} | {f['db_bytes'] / 2**20:.1f} MiB "
            f"(with texts) | {_summary(f['latency_ms'])} | – | {f['rss_mib']:.0f} MiB |")
        for kind in s["latency_ms"]:
            w, x = s["latency_ms"][kind], f["latency_ms"][kind]
            kinds.append(f"| {r['size']:,} | {kind} | {_pct(w, 50):.1f} / {_pct(w, 95):.1f} | "
                         f"{_pct(x, 50):.1f} / {_pct(x, 95):.1f} |")
    lines += ["", "| entries | query kind | whoosh p50 / p95 ms | FTS5 p50 / p95 ms |", "|---:|---|---:|---:|", *kinds]
    if cpu:
        lines += ["", "Import and indexing as CPU time (less noisy than the wall clock on a shared machine):", *cpu]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--work", help="working folder (default: a temporary one, removed after)")
    parser.add_argument("--json", help="write every figure to this file")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--mix", help=argparse.SUPPRESS)
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    if args.child:
        work, mix = Path(args.work), json.loads(Path(args.mix).read_text()) if args.mix else []
        result = {"build": lambda: child_build(work, sizes[0]), "serve": lambda: child_serve(work, mix),
                  "fts5-build": lambda: child_fts5_build(work, sizes[0]),
                  "fts5": lambda: child_fts5(work, mix)}[args.child]()
        print(json.dumps(result))
        return
    from bench.corpus import Taxonomy
    from bench.queries import make_mix

    root = Path(args.work) if args.work else Path(tempfile.mkdtemp(prefix="kb-bench-"))
    mix_file = root / "mix.json"
    root.mkdir(parents=True, exist_ok=True)
    mix_file.write_text(json.dumps(make_mix(Taxonomy(ROOT / "seed_data")), ensure_ascii=False))
    results = []
    try:
        for size in sizes:
            work = root / str(size)
            shutil.rmtree(work, ignore_errors=True)
            work.mkdir(parents=True)
            print(f"{size:,} entries: building …", file=sys.stderr)
            result = {"size": size, "build": _child("build", work, size, None)}
            print(f"{size:,} entries: searching …", file=sys.stderr)
            result["serve"] = _child("serve", work, size, mix_file)
            result["fts5"] = {**_child("fts5-build", work, size, None), **_child("fts5", work, size, mix_file)}
            results.append(result)
            print(report(results[-1:]), file=sys.stderr)
    finally:
        if not args.work:
            shutil.rmtree(root, ignore_errors=True)
    print(report(results))
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=1))


if __name__ == "__main__":
    os.environ.setdefault("KB_ENV", "development")
    main()
