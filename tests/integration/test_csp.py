"""The dashboard works under its Content-Security-Policy (edges.py): no violation, no error."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.integration.conftest import Watch
from tests.integration.test_browser import IDLE_JS

pytestmark = pytest.mark.slow

MAP_DRAWN_JS = "() => document.querySelectorAll('#map path.choroplethlocation').length > 100"
# Every violation the page reports, kept where the test can read it (before any script runs).
RECORD_VIOLATIONS = """
window.__violations = [];
document.addEventListener('securitypolicyviolation', (e) => {
  window.__violations.push(`${e.violatedDirective}: ${e.blockedURI || 'inline'} ` +
                           `(${e.sourceFile || ''}:${e.lineNumber || ''}) ${e.sample || ''}`);
});
"""


def violations(page: Page) -> list[str]:
    return page.evaluate("() => window.__violations || []")


SETTLE_MS = 90_000
"""The gender and summary views take several seconds each on a busy two-core machine."""


def settle(page: Page) -> None:
    page.wait_for_timeout(200)
    page.wait_for_function(IDLE_JS, timeout=SETTLE_MS)


@pytest.mark.browser
def test_the_dashboard_runs_under_its_csp(page: Page, watch: Watch, live_server: str):
    page.add_init_script(RECORD_VIOLATIONS)
    page.set_viewport_size({"width": 1280, "height": 900})
    response = page.goto(live_server)
    policy = response.headers["content-security-policy"]
    assert "'unsafe-eval'" not in policy and "frame-ancestors 'self'" in policy
    page.wait_for_function(MAP_DRAWN_JS)
    settle(page)
    for label in ("Mobile coverage", "Affordability", "Gender gap", "Regional summary"):
        tab = page.locator("#theme-tabs .tab", has_text=label)
        tab.click()
        expect(tab).to_have_class(re.compile(r"tab--selected"))
        settle(page)
    page.locator("#theme-tabs .tab", has_text="Access & use").click()
    settle(page)
    thumb = page.locator("#year [role=slider]")
    year = int(thumb.get_attribute("aria-valuenow"))
    thumb.focus()
    page.keyboard.press("ArrowLeft")
    expect(thumb).to_have_attribute("aria-valuenow", str(year - 1))
    page.wait_for_function("(y) => location.search.includes('year=' + y)", arg=year - 1)
    settle(page)
    assert violations(page) == []
    page.goto(f"{live_server}/country/KEN")
    expect(page.locator("h1")).to_contain_text("Kenya")
    page.wait_for_timeout(500)
    assert violations(page) == []
    watch.assert_clean()
