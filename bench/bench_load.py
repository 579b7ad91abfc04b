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
``world_110m.json`` (see ``reference_geometry``).
All traffic stays on 127.0.0.1 and every wait is bounded (``--timeout`` seconds per load).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from serving import CHROMIUM, PROJECT, Page, free_port, start, stop
from serving import CHROMIUM_ARGS as ARGS

LAST_FULL_GEOMETRY = "0b197b2^"
"""The last commit whose world_110m.json is plotly.js's own (duplicate ids merged)."""
MAP = "#map path.choroplethlocation"
LINKS = {
    # name: (latency ms, download bytes/s, upload bytes/s)
    "3G": (300, 1_600_000 / 8, 750_000 / 8),
    "2G": (800, 250_000 / 8, 50_000 / 8),
}


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
        stop(server)


def reference_geometry(folder: Path) -> None:
    """plotly.js's own world_110m.json, unmodified, for the minimal page: from the npm package
    of the installed plotly's plotly.js (as scripts/prepare_topojson.py reads it), or, without
    npm, the repository's copy from before it was made lighter."""
    target = folder / "topojson" / "world_110m.json"
    target.parent.mkdir(parents=True)
    sys.path.insert(0, str(PROJECT / "scripts"))
    try:
        import prepare_topojson as prepare

        with tempfile.TemporaryDirectory(prefix="plotly-geo-") as work:
            version = prepare.installed_plotlyjs_version()
            topology = prepare.fetch_topologies(version, Path(work))["world_110m"]
        target.write_text(json.dumps(topology, separators=(",", ":")), encoding="utf-8")
        return
    except (SystemExit, OSError, KeyError, ValueError) as error:
        print(f"npm unavailable ({error}); using git history", file=sys.stderr)
    shown = subprocess.run(
        ["git", "show", f"{LAST_FULL_GEOMETRY}:assets/topojson/world_110m.json"],
        cwd=PROJECT,
        capture_output=True,
        check=True,
    )
    target.write_bytes(shown.stdout)


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
