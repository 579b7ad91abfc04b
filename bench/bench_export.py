"""Benchmark the server-side exports: a five-slide deck cold and warm, and a map PNG at 1920×1080
and 3840×2160.

    python bench/bench_export.py

Runs the export blueprint in-process (Flask's test client, no server, no network: the browser
is Debian's Chromium at /usr/bin/chromium behind the exports' dead proxy). The dataset and its
estimates are loaded first, so "cold" is the browser's start plus the renders; "warm" reuses
the browser. Prints seconds, bytes and image sizes.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT))

from flask import Flask  # noqa: E402

from api.export import RENDERER, export_bp, png_size, stop_renderer  # noqa: E402
from data import views  # noqa: E402
from data.load import load_dataset  # noqa: E402

STORY = "divide-at-a-glance"
MAP = "/export/chart.png?theme=access&indicator=internet_users_pct&chart=map"


def timed(client, path: str) -> tuple[float, bytes]:
    started = time.perf_counter()
    response = client.get(path)
    seconds = time.perf_counter() - started
    if response.status_code != 200:
        raise SystemExit(f"{path}: HTTP {response.status_code} {response.get_data(as_text=True)}")
    return seconds, response.data


def main() -> None:
    started = time.perf_counter()
    ds = load_dataset()
    views.warm_estimates(ds)
    print(f"dataset and estimates loaded in {time.perf_counter() - started:.1f} s (not counted)")
    app = Flask(__name__)
    app.register_blueprint(export_bp, url_prefix="/export")
    client = app.test_client()
    try:
        for label in ("cold (browser start included)", "warm (browser reused)"):
            seconds, body = timed(client, f"/export/deck.pptx?story={STORY}")
            print(f"deck {STORY}, 5 slides, {label}: {seconds:5.1f} s, {len(body) / 1e6:.2f} MB")
        for width, height in ((1920, 1080), (3840, 2160)):
            seconds, body = timed(client, f"{MAP}&width={width}&height={height}")
            size = "×".join(str(n) for n in png_size(body))
            print(f"map PNG {width}×{height}: {seconds:5.1f} s, {len(body) / 1e6:.2f} MB, {size}")
        print(f"browser starts: {RENDERER.starts}, renders: {RENDERER.renders}")
    finally:
        stop_renderer()


if __name__ == "__main__":
    main()
