"""Benchmark the served app: the map callback, an API aggregate call, and the page's first load.

    python bench/bench_app.py [--requests N]

Starts the app with gunicorn on a free loopback port (as the README does), sends N requests of
each kind over HTTP with gzip accepted, and prints the median and 95th-percentile time and the
response size on the wire. The first load is measured in headless Chromium (Debian's, at
CHROMIUM_PATH or /usr/bin/chromium): total bytes transferred until the map is drawn.
All traffic stays on 127.0.0.1 and every loop is bounded.
"""

from __future__ import annotations

import argparse
import gzip
import json
import statistics
import sys
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from serving import CHROMIUM, PROJECT, Page, free_port, start, stop
from serving import CHROMIUM_ARGS as ARGS

MAP_REQUEST = {
    "output": "..map.figure...map-status.children..",
    "outputs": [{"id": "map", "property": "figure"}, {"id": "map-status", "property": "children"}],
    "inputs": [
        {"id": "theme-tabs", "property": "value", "value": "access"},
        {"id": "indicator", "property": "value", "value": "internet_users_pct"},
        {"id": "unit", "property": "value", "value": "gni_pct"},
        {"id": "year", "property": "value", "value": 2023},
        {"id": "tolerance", "property": "value", "value": 2},
        {"id": "group", "property": "value", "value": "itu-africa"},
    ],
    "changedPropIds": ["year.value"],
    "state": [{"id": "lang", "property": "data", "value": "en"}],  # as the page sends it
}


FRESH_GROUPS = ("world", "itu-americas", "itu-europe", "ldc", "income-low", "sids", "un-asia")


def timed(request: urllib.request.Request) -> tuple[float, int, int]:
    """Seconds, bytes on the wire, bytes after decompression."""
    start = time.perf_counter()
    with urllib.request.urlopen(request, timeout=30) as response:
        body = response.read()
        encoded = response.headers.get("Content-Encoding")
    elapsed = time.perf_counter() - start
    raw = gzip.decompress(body) if encoded == "gzip" else body
    return elapsed, len(body), len(raw)


def report(name: str, runs: list[tuple[float, int, int]]) -> None:
    times = sorted(t for t, _, _ in runs)
    p95 = times[min(len(times) - 1, int(round(0.95 * (len(times) - 1))))]
    print(f"{name} ({len(runs)} requests)")
    print(f"  median {statistics.median(times) * 1000:.0f} ms, p95 {p95 * 1000:.0f} ms")
    print(f"  response {runs[0][1] / 1024:.1f} KB on the wire ({runs[0][2] / 1024:.1f} KB JSON)")


def first_load(base: str) -> None:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_page()
        hosts = set()
        page.on("request", lambda r: hosts.add(r.url.split("/")[2]))
        start = time.perf_counter()
        page.goto(base + "/")
        page.wait_for_selector("#map path.choroplethlocation", timeout=60_000)
        page.wait_for_load_state("networkidle")
        elapsed = time.perf_counter() - start
        entries = page.evaluate(
            """() => performance.getEntriesByType('resource')
                .concat(performance.getEntriesByType('navigation'))
                .map(e => ({name: e.name, transfer: e.transferSize, body: e.decodedBodySize}))"""
        )
        browser.close()
    transfer = sum(e["transfer"] for e in entries)
    decoded = sum(e["body"] for e in entries)
    biggest = sorted(entries, key=lambda e: -e["transfer"])[:5]
    print(f"first load in Chromium until the map is drawn: {elapsed:.1f} s")
    print(
        f"  {len(entries)} requests, {transfer / 1024:.0f} KB transferred "
        f"({decoded / 1024:.0f} KB uncompressed); hosts: {', '.join(sorted(hosts))}"
    )
    for entry in biggest:
        print(f"  {entry['transfer'] / 1024:8.0f} KB  {entry['name'].split('/', 3)[-1][:70]}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--requests", type=int, default=40)
    args = parser.parse_args()
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = start(Page("this checkout", PROJECT), port)
    try:
        headers = {"Accept-Encoding": "gzip", "Content-Type": "application/json"}
        map_body = json.dumps(MAP_REQUEST).encode()
        map_request = urllib.request.Request(
            base + "/_dash-update-component", data=map_body, headers=headers, method="POST"
        )
        api_request = urllib.request.Request(
            base + "/api/v1/aggregates?indicator=internet_users_pct&year=2022&tolerance=2",
            headers={"Accept-Encoding": "gzip"},
        )
        for request in (map_request, api_request):  # warm both workers
            for _ in range(4):
                timed(request)
        report(
            "map callback, the same request again (internet use, 2023, ITU Africa)",
            [timed(map_request) for _ in range(args.requests)],
        )
        # Requests no worker has seen: each a different year and group.
        fresh = []
        for n in range(args.requests):
            body = json.loads(map_body)
            body["inputs"][3]["value"] = 2000 + n % 24
            body["inputs"][5]["value"] = FRESH_GROUPS[(n // 24) % len(FRESH_GROUPS)]
            fresh.append(
                urllib.request.Request(
                    base + "/_dash-update-component",
                    data=json.dumps(body).encode(),
                    headers=headers,
                    method="POST",
                )
            )
        report("map callback, a request not seen before", [timed(r) for r in fresh])
        report(
            "API /aggregates (all 19 groups)", [timed(api_request) for _ in range(args.requests)]
        )
        first_load(base)
    finally:
        stop(server)


if __name__ == "__main__":
    main()
