"""A bounded load test with the real traffic's mix: ``python -m bench.load --base-url
http://127.0.0.1:8000 [--seconds 20] [--clients 8]``. Loopback only; it stops by itself.

Each client thread picks a request from the mix (home, lists with filters, enterprise detail
pages, search with facets, the API, the CSV download) and records its status and time. Prints
throughput, p50/p95/p99 and errors (5xx or no answer), per kind and overall. Used by
``bench.production`` for the figures in docs/production.md."""

from __future__ import annotations

import argparse
import json
import random
import statistics
import threading
import time
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import httpx

LOOPBACK = ("127.0.0.1", "localhost", "::1")
# (kind, weight): roughly what the site's visitors ask for.
MIX = [("home", 10), ("list", 20), ("detail", 30), ("search", 20), ("api", 15), ("csv", 5)]
SEARCHES = ["kooperativ", "arbetsintegrerande", "catering", "upphandling", "växjö", "socialt företag",
            "städ", "kalmar", "reserverad", "finansiering"]


@dataclass
class Figures:
    """What one load run measured."""

    seconds: float = 0.0
    times: dict[str, list[float]] = field(default_factory=dict)
    errors: dict[str, int] = field(default_factory=dict)
    error_samples: list[str] = field(default_factory=list)

    def add(self, kind: str, took: float, error: str | None) -> None:
        self.times.setdefault(kind, []).append(took)
        if error:
            self.errors[kind] = self.errors.get(kind, 0) + 1
            if len(self.error_samples) < 10:
                self.error_samples.append(f"{kind}: {error}")

    def summary(self) -> dict:
        every = [t for times in self.times.values() for t in times]
        return {"requests": len(every), "errors": sum(self.errors.values()),
                "rps": round(len(every) / self.seconds, 1) if self.seconds else 0.0, **_percentiles(every),
                "kinds": {kind: {"requests": len(times), "errors": self.errors.get(kind, 0), **_percentiles(times)}
                          for kind, times in sorted(self.times.items())},
                "error_samples": self.error_samples}


def _percentiles(times: list[float]) -> dict[str, float]:
    if len(times) < 2:
        return {"p50_ms": round(times[0] * 1000, 1) if times else 0.0, "p95_ms": 0.0, "p99_ms": 0.0}
    cuts = statistics.quantiles(times, n=100, method="inclusive")
    return {"p50_ms": round(cuts[49] * 1000, 1), "p95_ms": round(cuts[94] * 1000, 1),
            "p99_ms": round(cuts[98] * 1000, 1)}


def targets(client: httpx.Client) -> dict[str, list[str]]:
    """The addresses of each kind, found on the site itself (the seeded content)."""
    enterprises = client.get("/api/v1/enterprises/", params={"per_page": 100}).json()
    slugs = [item["slug"] for item in enterprises["results"]]
    counties = ["06", "07", "08", "09"]
    return {
        "home": ["/sv/", "/en/"],
        "list": [f"/sv/enterprises/?county={c}" for c in counties] + ["/sv/examples/", "/en/research/"],
        "detail": [f"/sv/enterprises/{slug}" for slug in slugs] or ["/sv/enterprises/"],
        "search": [f"/sv/search?q={q}" for q in SEARCHES] + [f"/sv/search?q={q}&county=07" for q in SEARCHES[:3]],
        "api": ["/api/v1/enterprises/", "/api/v1/examples/", "/api/v1/search?q=kooperativ"],
        "csv": ["/sv/enterprises.csv"],
    }


def run(base_url: str, seconds: float, clients: int, seed: int = 1) -> Figures:
    """Send the mix from ``clients`` threads for ``seconds``; never more than that."""
    if urlsplit(base_url).hostname not in LOOPBACK:
        raise SystemExit("the load test only targets this machine (127.0.0.1, localhost, ::1)")
    with httpx.Client(base_url=base_url, timeout=10) as client:
        addresses = targets(client)
    kinds = [kind for kind, _ in MIX]
    weights = [weight for _, weight in MIX]
    figures, lock = Figures(), threading.Lock()
    deadline = time.monotonic() + seconds

    def work(number: int) -> None:
        chooser = random.Random(seed * 1000 + number)
        with httpx.Client(base_url=base_url, timeout=10) as client:
            while time.monotonic() < deadline:
                kind = chooser.choices(kinds, weights)[0]
                path = chooser.choice(addresses[kind])
                started = time.perf_counter()
                try:
                    status = client.get(path).status_code
                    error = f"{status} {path}" if status >= 500 else None
                except httpx.HTTPError as exc:
                    error = f"{type(exc).__name__} {path}"
                with lock:
                    figures.add(kind, time.perf_counter() - started, error)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(clients)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    figures.seconds = time.monotonic() - started
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--base-url", default="http://127.0.0.1:8000")
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--clients", type=int, default=8)
    args = parser.parse_args()
    print(json.dumps(run(args.base_url, min(args.seconds, 600), args.clients).summary(), indent=2))


if __name__ == "__main__":
    main()
