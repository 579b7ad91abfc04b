"""First load on slow links: the dashboard beside a minimal Dash map page, in one run.

    python bench/bench_load.py [--baseline PATH] [--skip-2g]

Serves each page with gunicorn on a free loopback port (as the README does) and loads it in a
fresh headless Chromium (Debian's, at CHROMIUM_PATH or /usr/bin/chromium; empty cache each
time), then prints side by side:

* bytes on the wire until the map is drawn and the network is idle, with the browser's own
  Accept-Encoding (brotli) and with ``Accept-Encoding: gzip`` only, and the number of requests;
* seconds from navigation to the drawn map on an open link, on emulated 3G (1.6 Mbit/s down,
  750 kbit/s up, 300 ms round trip) and emulated 2G (250 kbit/s down, 50 kbit/s up, 800 ms),
  set with Chromium's DevTools protocol (Network.emulateNetworkConditions).

Pages: this checkout; ``--baseline PATH``, another checkout of the dashboard (e.g. made with
``git worktree add /tmp/base-speed main``); and bench/minimal_app.py, a plain
``dcc.Graph(px.choropleth(...))`` whose world geometry is the unmodified plotly.js
``world_110m.json`` (from git's ``main``, or this checkout's when that is unavailable).
All traffic stays on 127.0.0.1 and every wait is bounded (``--timeout`` seconds per load).
"""

from __future__ import annotations

import argparse
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
MAP = "#map path.choroplethlocation"
LINKS = {
    # name: (latency ms, download bytes/s, upload bytes/s)
    "3G": (300, 1_600_000 / 8, 750_000 / 8),
    "2G": (800, 250_000 / 8, 50_000 / 8),
}


@dataclass
class Page:
    name: str
    cwd: Path
    wsgi: str
    env: dict = field(default_factory=dict)
    results: dict = field(default_factory=dict)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start(page: Page, port: int) -> subprocess.Popen:
    env = {
        **os.environ,
        **page.env,
        "PORT": str(port),
        "HOST": "127.0.0.1",
        "WEB_CONCURRENCY": "2",
    }
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            page.wsgi,
            "--config",
            str(PROJECT / "gunicorn.conf.py"),
            "--no-control-socket",  # gunicorn's shared one would be removed by the next stop
        ],
        cwd=page.cwd,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5):
                return process
        except OSError:
            time.sleep(0.5)
    os.killpg(process.pid, signal.SIGTERM)
    raise SystemExit(f"{page.name}: the server did not start within 90 s")


def load(browser, url: str, *, gzip_only: bool = False, link: str | None = None, timeout: float):
    """(seconds to the drawn map or None, bytes on the wire, requests) for one cold load."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    context = browser.new_context(
        extra_http_headers={"Accept-Encoding": "gzip"} if gzip_only else None
    )
    page = context.new_page()
    if link:
        latency, down, up = LINKS[link]
        cdp = context.new_cdp_session(page)
        cdp.send("Network.enable")
        cdp.send(
            "Network.emulateNetworkConditions",
            {
                "offline": False,
                "latency": latency,
                "downloadThroughput": down,
                "uploadThroughput": up,
            },
        )
    start = time.perf_counter()
    drawn = None
    try:
        page.goto(url, timeout=timeout * 1000, wait_until="commit")
        left = max(1.0, timeout - (time.perf_counter() - start))
        page.wait_for_selector(MAP, state="attached", timeout=left * 1000)
        drawn = time.perf_counter() - start
        page.wait_for_load_state("networkidle", timeout=timeout * 1000)
    except PlaywrightTimeout:
        pass  # a map not drawn in time is a result, not an error
    entries = page.evaluate(
        """() => performance.getEntriesByType('navigation')
            .concat(performance.getEntriesByType('resource')).map(e => e.transferSize)"""
    )
    context.close()
    return drawn, sum(entries), len(entries)


def measure(page: Page, args) -> None:
    from playwright.sync_api import sync_playwright

    port = free_port()
    server = start(page, port)
    url = f"http://127.0.0.1:{port}/"
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            load(browser, url, timeout=args.timeout)  # warm the workers
            drawn, size, count = load(browser, url, timeout=args.timeout)
            page.results.update(open=drawn, br=size, requests=count)
            page.results["gzip"] = load(browser, url, gzip_only=True, timeout=args.timeout)[1]
            for link in LINKS:
                if link == "2G" and args.skip_2g:
                    continue
                page.results[link] = load(browser, url, link=link, timeout=args.timeout)[0]
            browser.close()
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)


def reference_geometry(folder: Path) -> None:
    """plotly.js's own world_110m.json (as main has it) for the minimal page."""
    target = folder / "topojson" / "world_110m.json"
    target.parent.mkdir(parents=True)
    shown = subprocess.run(
        ["git", "show", "main:assets/topojson/world_110m.json"],
        cwd=PROJECT,
        capture_output=True,
        check=False,
    )
    if shown.returncode == 0 and shown.stdout:
        target.write_bytes(shown.stdout)
    else:
        target.write_bytes((PROJECT / "assets" / "topojson" / "world_110m.json").read_bytes())


def row(label: str, pages: list[Page], key: str, fmt) -> str:
    cells = [fmt(p.results.get(key)) for p in pages]
    return f"{label:<34}" + "".join(f"{c:>18}" for c in cells)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--baseline", type=Path, help="another checkout of the dashboard")
    parser.add_argument("--timeout", type=float, default=120.0, help="seconds per load")
    parser.add_argument("--skip-2g", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-load-") as tmp:
        reference_geometry(Path(tmp))
        pages = [Page("this checkout", PROJECT, "app:server")]
        if args.baseline:
            pages.append(Page("baseline", args.baseline.resolve(), "app:server"))
        pages.append(
            Page(
                "minimal Dash map",
                PROJECT,
                "bench.minimal_app:server",
                env={"MINIMAL_ASSETS": tmp, "PYTHONPATH": str(PROJECT)},
            )
        )
        for page in pages:
            print(f"measuring {page.name} ({page.cwd}) …", file=sys.stderr, flush=True)
            measure(page, args)

    def kb(value):
        return "—" if value is None else f"{value / 1024:,.0f} KB"

    def secs(value):
        return f"not in {args.timeout:.0f} s" if value is None else f"{value:.1f} s"

    print(f"{'first load (cold cache)':<34}" + "".join(f"{p.name:>18}" for p in pages))
    print(row("bytes on the wire, brotli", pages, "br", kb))
    print(row("bytes on the wire, gzip only", pages, "gzip", kb))
    print(row("requests", pages, "requests", lambda v: "—" if v is None else str(v)))
    print(row("map drawn, open link", pages, "open", secs))
    print(row("map drawn, 3G (1.6 Mbit/s, 300 ms)", pages, "3G", secs))
    if not args.skip_2g:
        print(row("map drawn, 2G (250 kbit/s, 800 ms)", pages, "2G", secs))


if __name__ == "__main__":
    main()
