"""The data API's documentation page in a real Chromium, under a strict Content-Security-Policy:
styled by its own stylesheet, nothing refused, nothing fetched from elsewhere."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, Route, expect

from tests.integration.conftest import Watch

STRICT = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
    "connect-src 'self'; base-uri 'none'; form-action 'self'"
)


@pytest.mark.browser
def test_the_docs_page_reads_offline_under_a_strict_policy(
    page: Page, watch: Watch, live_server: str
):
    def strict(route: Route) -> None:
        response = route.fetch()
        route.fulfill(
            response=response,
            headers={**response.headers, "content-security-policy": STRICT},
        )

    page.route(f"{live_server}/api/v1/docs", strict)
    page.goto(f"{live_server}/api/v1/docs")
    expect(page.locator("h1")).to_have_text("Digital Divide Dashboard data API")
    doc = page.request.get(f"{live_server}/api/v1/openapi.json").json()
    expect(page.locator("main > section[id^=op-]")).to_have_count(len(doc["paths"]))
    # The stylesheet applied (a style-src 'self' sheet): examples scroll in a bounded box.
    example = page.locator("#op-observations pre").first
    expect(example).to_be_visible()
    assert example.evaluate("e => getComputedStyle(e).maxHeight") == "448px"
    expect(page.locator("#licence")).to_contain_text("CC BY-NC-SA 3.0 IGO")
    # The example link answers with the JSON shown.
    page.locator("#op-observations h3 + p a").click()
    page.wait_for_load_state()
    assert '"value_status"' in page.content()
    watch.assert_clean()
