"""The first load stays light: our plotly.js only, the light map geometry, everything compressed,
within the byte budget of slow links (the performance issue's targets)."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Page

from tests.integration.conftest import TIMEOUT_MS, Watch

MAP = "#map path.choroplethlocation"
BUDGET = {"br": 1_000_000, "gzip": 1_200_000}
"""Bytes on the wire until the map is drawn, with brotli and with gzip only."""


def first_load(page: Page, url: str) -> tuple[list[dict], int]:
    """What the page fetched (url, content encoding, bytes on the wire) and the total bytes."""
    responses: list = []
    page.on("response", lambda response: responses.append(response))
    page.goto(url)
    page.wait_for_selector(MAP, timeout=TIMEOUT_MS)
    page.wait_for_load_state("networkidle")
    entries = page.evaluate(
        """() => performance.getEntriesByType('navigation')
            .concat(performance.getEntriesByType('resource'))
            .map(e => [e.name, e.transferSize])"""
    )
    sizes = dict(entries)
    return [
        {
            "url": r.url,
            "encoding": r.headers.get("content-encoding"),
            "bytes": sizes.get(r.url, 0),
        }
        for r in responses
    ], sum(size for _name, size in entries)


@pytest.mark.browser
def test_first_load_fetches_only_what_the_map_needs(page: Page, watch: Watch, live_server: str):
    loaded, total = first_load(page, live_server)
    urls = [r["url"] for r in loaded]
    assert any("/assets/vendor/plotly-dashboard.min.js" in u for u in urls)
    assert not [
        u
        for u in urls
        if re.search(r"plotly(\.min|-[a-z0-9.]+)?\.js", u) and "plotly-dashboard" not in u
    ], "Dash fetched another plotly.js"
    geometry = [u for u in urls if "/topojson/" in u]
    assert len(geometry) == 1 and re.search(
        r"/assets/topojson/[0-9a-f]{12}/world_110m\.json$", geometry[0]
    )
    # What the page asks for at once (preloads) is used, not fetched a second time.
    for preloaded in re.findall(r'<link rel="preload" href="([^"]+)"', page.content()):
        fetched = [u for u in urls if urlsplit(u).path == preloaded]
        assert len(fetched) == 1, (preloaded, fetched)
    # Economies too small for the geometry are dots.
    assert page.locator("#map g.trace.scattergeo path.point").count() >= 40
    for response in loaded:
        if "/assets/" in response["url"] and response["bytes"] > 2048:
            assert response["encoding"] == "br", response
    assert total <= BUDGET["br"], f"{total:,} bytes on the wire"
    watch.assert_clean()


@pytest.mark.browser
def test_a_gzip_only_browser_gets_everything_compressed(browser, live_server: str):
    context = browser.new_context(extra_http_headers={"Accept-Encoding": "gzip"})
    page = context.new_page()
    try:
        loaded, total = first_load(page, live_server)
    finally:
        context.close()
    big = [r for r in loaded if r["bytes"] > 2048 and "_dash-update-component" not in r["url"]]
    assert big and all(r["encoding"] == "gzip" for r in big), [
        r for r in big if r["encoding"] != "gzip"
    ]
    assert total <= BUDGET["gzip"], f"{total:,} bytes on the wire"
