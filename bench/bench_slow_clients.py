"""Health checks while slow clients hold connections open.

    python bench/bench_slow_clients.py [--root DIR] [--clients 12] [--seconds 20]

Starts gunicorn with DIR's app and gunicorn.conf.py (default: this checkout; for another
version, e.g. ``git archive main | tar -x -C /tmp/main-copy``, pass ``--root /tmp/main-copy``)
on a free 127.0.0.1 port. Times ``GET /healthz`` every 0.25 s (2 s timeout) first alone, then
with CLIENTS slow connections open: a third send their headers a byte every 0.5 s, a third
announce a 1000-byte body and send 10 bytes, a third send nothing. Prints the number of
checks, failures (timeouts or errors), and the median, 95th percentile and worst latency.
All traffic stays on 127.0.0.1; every loop is bounded.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.gunicorn_process import ROOT, health_latency, served, slow_clients


def checks(url: str, seconds: float) -> list[float | None]:
    results = []
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        results.append(health_latency(url, timeout=2.0))
        time.sleep(0.25)
    return results


def summary(label: str, results: list[float | None]) -> str:
    ok = sorted(r for r in results if r is not None)
    failed = len(results) - len(ok)
    if not ok:
        return f"{label:<22} {len(results):>4} checks, {failed} failed"
    p95 = ok[min(len(ok) - 1, int(0.95 * len(ok)))]
    return (
        f"{label:<22} {len(results):>4} checks, {failed:>3} failed; "
        f"median {statistics.median(ok) * 1000:6.1f} ms, p95 {p95 * 1000:6.1f} ms, "
        f"worst {ok[-1] * 1000:6.1f} ms"
    )


def with_slow_clients(url: str, clients: int, seconds: float) -> list[float | None]:
    with slow_clients(url, clients, every=0.5):
        return checks(url, seconds)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", type=Path, default=ROOT)
    parser.add_argument("--clients", type=int, default=12)
    parser.add_argument("--seconds", type=float, default=20.0)
    args = parser.parse_args()
    with served(args.root.resolve()) as (url, _pid):
        alone = checks(url, min(args.seconds, 10.0))
        slow = with_slow_clients(url, args.clients, args.seconds)
    print(f"{args.root.resolve()}")
    print(summary("no slow clients", alone))
    print(summary(f"{args.clients} slow clients", slow))


if __name__ == "__main__":
    main()
