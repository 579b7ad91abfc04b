"""The server under a room of clients: this app beside a minimal Dash map page, in one run.

    python bench/bench_server.py [--clients 16 50] [--duration 20] [--baseline PATH]
                                 [--no-answer-cache] [--kill-worker] [--reload]

For each page (this checkout; ``--baseline PATH``, another checkout of the dashboard; and
bench/minimal_app.py, a plain ``dcc.Graph(px.choropleth(...))`` served the same way):

1. serves it with gunicorn on a free loopback port, as the README does (2 workers);
2. records the requests a real headless Chromium sends (Debian's, at CHROMIUM_PATH): the
   dashboard opened, each theme tab visited, and a researcher's two API calls; the minimal
   page opened;
3. replays that session from N concurrent clients (each one keep-alive connection, brotli and
   gzip accepted, the browser's Referer and bodies) for ``--duration`` seconds, and prints the
   requests answered, failures, p50/p95/p99 latency, the server's CPU time per request (all
   gunicorn processes, from /proc) and each worker's resident memory after warm-up and after
   the load.

``--no-answer-cache`` serves the dashboard with ``ANSWER_CACHE_MB=0`` (every callback worked
out afresh). ``--kill-worker`` kills one worker (SIGKILL) a third of the way through each run and
``--reload`` sends gunicorn a graceful reload (SIGHUP) two thirds of the way through: failures
are then counted by when they happened (within 10 s after the kill, after the reload, or
otherwise) and listed by kind. As browsers do, a request on a kept-alive connection that the
server closed is sent again once on a new connection; these retries are counted. All traffic
stays on 127.0.0.1 and every wait is bounded.
"""

from __future__ import annotations

import argparse
import http.client
import os
import signal
import statistics
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_load import reference_geometry
from serving import (
    CHROMIUM,
    CHROMIUM_ARGS,
    PROJECT,
    Page,
    cpu_seconds,
    free_port,
    rss_mb,
    start,
    stop,
    workers,
)

API_CALLS = (
    "/api/v1/aggregates?indicator=internet_users_pct&year=2022",
    "/api/v1/view?theme=affordability&group=ldc",
)


@dataclass(frozen=True)
class Call:
    method: str
    path: str
    body: bytes | None
    headers: tuple[tuple[str, str], ...]

    @property
    def kind(self) -> str:
        if self.path.startswith("/_dash-update-component"):
            return "callback"
        if self.path.startswith("/api/"):
            return "api"
        if self.path.startswith(("/assets/", "/_dash-component-suites/", "/_favicon")):
            return "static"
        return self.path.split("?")[0]


def record(base: str, dashboard: bool) -> list[Call]:
    """The requests a real browser sends for one visit."""
    from playwright.sync_api import sync_playwright

    calls: list[Call] = []

    def seen(request) -> None:
        path = request.url[len(base) :]
        keep = {"content-type", "referer", "accept"}
        headers = tuple((k, v) for k, v in request.headers.items() if k.lower() in keep)
        body = request.post_data_buffer if request.method == "POST" else None
        calls.append(Call(request.method, path or "/", body, headers))

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1366, "height": 768})
        page.on("request", seen)
        page.goto(base + "/")
        page.wait_for_selector("#map path.choroplethlocation", state="attached", timeout=60_000)
        page.wait_for_load_state("networkidle")
        if dashboard:
            tabs = page.get_by_role("tab")
            for n in range(1, tabs.count()):
                tabs.nth(n).click()
                page.wait_for_timeout(300)
                page.wait_for_load_state("networkidle")
        browser.close()
    if dashboard:
        calls += [Call("GET", path, None, ()) for path in API_CALLS]
    return calls


@dataclass
class Outcome:
    seconds: float
    kind: str
    status: int | None
    error: str = ""
    retried: bool = False
    at: float = 0.0
    """Seconds from the start of the run to the answer."""


STALE = (ConnectionResetError, BrokenPipeError, http.client.RemoteDisconnected)
"""Errors of a kept-alive connection the server closed before reading the request."""


def replay(
    port: int, calls: list[Call], clients: int, duration: float, events=(), visits=None
) -> list:
    """``clients`` threads replaying ``calls`` in a loop for ``duration`` seconds (or, given
    ``visits``, each that many whole visits); ``events`` are (seconds after the start,
    function) run meanwhile."""
    outcomes: list[Outcome] = []
    lock = threading.Lock()
    began = time.monotonic()
    stop_at = began + duration

    def client(offset: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        mine = []
        n = offset  # clients start at different points of the visit
        last = None if visits is None else offset + visits * len(calls)
        while (time.monotonic() < stop_at) if last is None else n < last:
            call = calls[n % len(calls)]
            n += 1
            headers = {"Accept-Encoding": "br, gzip", **dict(call.headers)}
            start_time = time.perf_counter()
            retried = False
            for attempt in (1, 2):
                reused = conn.sock is not None
                try:
                    conn.request(call.method, call.path, body=call.body, headers=headers)
                    response = conn.getresponse()
                    response.read()
                    status, error = response.status, ""
                    if response.getheader("Connection", "").lower() == "close":
                        conn.close()
                    break
                except (OSError, http.client.HTTPException) as exc:
                    status, error = None, type(exc).__name__
                    conn.close()
                    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
                    # As browsers do: a kept-alive connection the server had closed is
                    # retried once on a new one (the request never reached a worker).
                    if not (reused and attempt == 1 and isinstance(exc, STALE)):
                        break
                    retried = True
            elapsed = time.perf_counter() - start_time
            mine.append(
                Outcome(elapsed, call.kind, status, error, retried, time.monotonic() - began)
            )
        conn.close()
        with lock:
            outcomes.extend(mine)

    threads = [
        threading.Thread(target=client, args=(i * len(calls) // clients,), daemon=True)
        for i in range(clients)
    ]
    for thread in threads:
        thread.start()
    for at, action in sorted(events, key=lambda e: e[0]):
        time.sleep(max(0.0, began + at - time.monotonic()))
        action()
    for thread in threads:
        thread.join(timeout=duration + 120)
    return outcomes


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def measure(page: Page, args, dashboard: bool) -> None:
    port = free_port()
    settings = {"ANSWER_CACHE_MB": "0"} if args.no_answer_cache and dashboard else {}
    server = start(page, port, **settings)
    base = f"http://127.0.0.1:{port}"
    try:
        calls = record(base, dashboard)
        page.results["visit"] = len(calls)
        # Warm both workers: every request of the visit a few times (each worker keeps its own
        # answers; the runs measure a server that has seen the link, as in a room).
        replay(port, calls, 4, 600.0, visits=2)
        for clients in args.clients:
            pids = [server.pid, *workers(server.pid)]
            before_rss = [rss_mb(pid) for pid in workers(server.pid)]
            events = []
            if args.kill_worker:

                def kill() -> None:
                    os.kill(workers(server.pid)[0], signal.SIGKILL)

                events.append((args.duration / 3, kill))
            if args.reload:
                events.append((2 * args.duration / 3, lambda: os.kill(server.pid, signal.SIGHUP)))
            cpu_before = cpu_seconds(pids)
            began = time.monotonic()
            outcomes = replay(port, calls, clients, args.duration, events)
            elapsed = time.monotonic() - began
            # Killed or replaced workers take their CPU time with them: no figure then.
            cpu = None if events else cpu_seconds(pids) - cpu_before
            after_rss = [rss_mb(pid) for pid in workers(server.pid)]
            times = [o.seconds for o in outcomes]
            failures = [o for o in outcomes if o.status is None or o.status >= 500]
            by_kind: dict[str, list[float]] = {}
            for o in outcomes:
                by_kind.setdefault(o.kind, []).append(o.seconds)
            slowest = max(by_kind, key=lambda k: percentile(by_kind[k], 0.95))

            def near(event: str, outcome: Outcome) -> bool:
                wanted = args.reload if event == "reload" else args.kill_worker
                moment = args.duration * (2 / 3 if event == "reload" else 1 / 3)
                return wanted and 0 <= outcome.at - moment <= 10

            page.results[clients] = {
                "requests": len(outcomes),
                "rate": len(outcomes) / elapsed,
                "failures": len(failures),
                "retried": sum(o.retried for o in outcomes),
                "when": (
                    sum(near("kill", o) for o in failures),
                    sum(near("reload", o) and not near("kill", o) for o in failures),
                    sum(not near("kill", o) and not near("reload", o) for o in failures),
                ),
                "failed": sorted({f"{o.kind} {o.status or o.error}" for o in failures}),
                "p50": statistics.median(times),
                "p95": percentile(times, 0.95),
                "p99": percentile(times, 0.99),
                "slowest": f"{slowest} {percentile(by_kind[slowest], 0.95) * 1000:,.0f} ms",
                "cpu": None if cpu is None else cpu / max(1, len(outcomes)),
                "rss": (before_rss, after_rss),
            }
    finally:
        stop(server)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--clients", type=int, nargs="+", default=[16, 50])
    parser.add_argument("--duration", type=float, default=20.0, help="seconds per run")
    parser.add_argument("--baseline", type=Path, help="another checkout of the dashboard")
    parser.add_argument("--no-answer-cache", action="store_true")
    parser.add_argument("--kill-worker", action="store_true")
    parser.add_argument("--reload", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-server-") as tmp:
        reference_geometry(Path(tmp))
        pages = [(Page("this checkout", PROJECT), True)]
        if args.baseline:
            pages.append((Page("baseline", args.baseline.resolve()), True))
        minimal_env = {"MINIMAL_ASSETS": tmp, "PYTHONPATH": str(PROJECT)}
        minimal = Page("minimal Dash map", PROJECT, "bench.minimal_app:server", minimal_env)
        pages.append((minimal, False))
        for page, dashboard in pages:
            print(f"measuring {page.name} ({page.cwd}) …", file=sys.stderr, flush=True)
            measure(page, args, dashboard)
    pages = [p for p, _ in pages]

    def mb(values):
        return " / ".join("gone" if v is None else f"{v:.0f}" for v in values) + " MB"

    rows = [
        ("requests answered", lambda r: f"{r['requests']:,}"),
        ("requests per second", lambda r: f"{r['rate']:.1f}"),
        ("failures (5xx or no answer)", lambda r: str(r["failures"])),
        ("  after kill / reload / other", lambda r: " / ".join(map(str, r["when"]))),
        ("retried on a closed connection", lambda r: str(r["retried"])),
        ("latency p50", lambda r: f"{r['p50'] * 1000:,.0f} ms"),
        ("latency p95", lambda r: f"{r['p95'] * 1000:,.0f} ms"),
        ("latency p99", lambda r: f"{r['p99'] * 1000:,.0f} ms"),
        ("slowest kind, p95", lambda r: r["slowest"]),
        (
            "server CPU per request",
            lambda r: "—" if r["cpu"] is None else f"{r['cpu'] * 1000:.1f} ms",
        ),
        ("worker RSS before", lambda r: mb(r["rss"][0])),
        ("worker RSS after", lambda r: mb(r["rss"][1])),
    ]
    print(f"{'requests in one visit':<30}" + "".join(f"{p.name:>26}" for p in pages))
    print(f"{'':<30}" + "".join(f"{p.results['visit']:>26}" for p in pages))
    for clients in args.clients:
        print(f"\n{clients} concurrent clients, {args.duration:.0f} s")
        for label, cell in rows:
            print(f"{label:<30}" + "".join(f"{cell(p.results[clients]):>26}" for p in pages))
        for p in pages:
            if p.results[clients]["failed"]:
                print(f"  {p.name} failed: {', '.join(p.results[clients]['failed'])}")


if __name__ == "__main__":
    main()
