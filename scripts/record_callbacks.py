"""Record the callback requests a real browser sends, as the fuzz test's starting payloads.

Drives the system Chromium (playwright) through the dashboard served at ``--url``: loads it,
opens every tab, moves the year, picks a group, clicks a country on the map, sorts the summary,
opens the French page; and keeps the body of every ``POST /_dash-update-component`` (one per
callback output, the first seen), written to ``tests/fixtures/callback_payloads.json``.

    .venv/bin/gunicorn app:server --config gunicorn.conf.py --no-control-socket &   # port 8050
    .venv/bin/python scripts/record_callbacks.py --url http://127.0.0.1:8050

Run it again after a callback's inputs change: ``tests/unit/test_callback_inputs.py`` fails
when a recorded output no longer exists.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import re
import sys
from pathlib import Path
from urllib.parse import urlsplit

from playwright.sync_api import TimeoutError as PlaywrightTimeoutError
from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.conftest import CHROMIUM, CHROMIUM_ARGS  # noqa: E402

OUT = ROOT / "tests" / "fixtures" / "callback_payloads.json"
IDLE_JS = "() => !document.querySelector('[data-dash-is-loading=\"true\"]')"
MAP_DRAWN_JS = "() => document.querySelectorAll('#map path.choroplethlocation').length > 100"
TABS = ("Mobile coverage", "Affordability", "Gender gap", "Regional summary", "Access & use")


def record(url: str) -> dict[str, dict]:
    payloads: dict[str, dict] = {}

    def keep(request) -> None:
        if request.method == "POST" and urlsplit(request.url).path.endswith(
            "/_dash-update-component"
        ):
            body = json.loads(request.post_data or "{}")
            payloads.setdefault(body.get("output", ""), body)

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.set_default_timeout(30_000)
        page.on("request", keep)

        def settle() -> None:
            page.wait_for_timeout(300)
            # While Play runs, callbacks keep coming: the requests are recorded all the same.
            with contextlib.suppress(PlaywrightTimeoutError):
                page.wait_for_function(IDLE_JS, timeout=15_000)

        def press(selector: str) -> None:
            """Click a button if the page shows it (a click event: nothing may cover it)."""
            button = page.locator(selector).first
            if button.count() and button.is_visible():
                button.dispatch_event("click")
                settle()

        page.goto(f"{url}/?countries=KEN,IND")
        page.wait_for_function(MAP_DRAWN_JS)
        settle()
        page.locator("#year [role=slider]").focus()
        page.keyboard.press("ArrowLeft")
        settle()
        page.locator("#group-kind").get_by_text("Income groups", exact=True).click()
        settle()
        page.locator("#map").scroll_into_view_if_needed()
        box = page.evaluate(
            """() => {
                 for (const p of document.querySelectorAll('#map path.choroplethlocation')) {
                   if (p.__data__ && p.__data__.loc === 'BRA') {
                     const r = p.getBoundingClientRect();
                     return {x: r.x + r.width / 2, y: r.y + r.height / 2};
                   }
                 }
                 return null;
               }"""
        )
        if box:
            page.mouse.click(box["x"], box["y"])
            settle()
        if page.locator("#show-region").is_visible():
            page.click("#show-region")
            settle()
        for toggle in ("map-table-toggle", "trend-table-toggle", "view-table-toggle"):
            press(f"#{toggle}")
        for label in TABS:
            page.locator("#theme-tabs .tab", has_text=label).dispatch_event("click")
            settle()
            if label == "Affordability":
                press("#divide-table-toggle")
            if label == "Regional summary":
                press("#summary-table thead button")
                press("#summary-table thead th:nth-child(3) button")
        page.goto(f"{url}/fr/?theme=affordability")
        page.wait_for_function(MAP_DRAWN_JS)
        settle()
        press("[id*='above-target-sort-button']")
        press("#above-target-download")
        press("#download-view")
        # Play last: while it runs the page redraws without pause.
        press("#play")
        page.wait_for_timeout(2500)
        press("#play")
        browser.close()
    return payloads


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="http://127.0.0.1:8050")
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()
    payloads = record(args.url.rstrip("/"))
    found = sorted(payloads, key=lambda k: re.sub(r"\W", "", k))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps([payloads[k] for k in found], indent=1, ensure_ascii=False))
    print(f"{len(found)} callback payloads written to {args.out}")


if __name__ == "__main__":
    main()
