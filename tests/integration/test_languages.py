"""The dashboard in the six UN languages, in a real headless Chromium against gunicorn."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from data import i18n
from data.load import load_dataset
from tests.integration.conftest import Watch
from tests.integration.test_browser import MAP_DRAWN_JS, axe_violations, figure, settle

DOCS = Path(__file__).resolve().parent.parent.parent / "docs"
OVERFLOW_JS = "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"


def open_page(page: Page, url: str) -> None:
    page.set_viewport_size({"width": 1366, "height": 768})
    page.goto(url)
    page.wait_for_function(MAP_DRAWN_JS)
    settle(page)


@pytest.mark.browser
@pytest.mark.parametrize("lang", list(i18n.LANGUAGES))
def test_the_dashboard_in_each_language(page: Page, watch: Watch, live_server: str, lang: str):
    ds = load_dataset()
    response = page.request.get(f"{live_server}/{lang}/")
    first = response.text()[:200]
    direction = i18n.LANGUAGES[lang]["dir"]
    assert f'<html lang="{lang}" dir="{direction}">' in first

    open_page(page, f"{live_server}/{lang}/?group=ldc&year=2023")
    expect(page.locator("html")).to_have_attribute("lang", lang)
    expect(page.locator("html")).to_have_attribute("dir", direction)
    title = i18n.translate(ds.catalog.at["internet_users_pct", "title"], lang)
    assert figure(page, "map")["title"].startswith(title)
    assert figure(page, "trend")["title"].startswith(title)
    group = i18n.translate(ds.groups["ldc"]["label"], lang)
    assert any(group in (t["name"] or "") for t in figure(page, "trend")["traces"])
    if lang != "en":
        expect(page.locator("h1")).not_to_have_text("Digital Divide Dashboard")
    # Nothing runs off the side at 1366 × 768, right-to-left included.
    assert page.evaluate(OVERFLOW_JS) <= 0
    assert axe_violations(page) == []
    if lang in ("ar", "zh") and os.environ.get("UPDATE_SCREENSHOTS") == "1":
        # The screenshots in docs/ are made by this test: UPDATE_SCREENSHOTS=1 ./scripts/test.sh
        page.screenshot(path=str(DOCS / f"screenshot-{lang}.png"))
    watch.assert_clean()


@pytest.mark.browser
def test_switching_language_keeps_the_view(page: Page, watch: Watch, live_server: str):
    open_page(page, f"{live_server}/ar/?theme=gender&group=ldc&year=2021")
    link = page.locator(".languages a[hreflang=fr]")
    expect(link).to_have_attribute("href", re.compile(r"^/fr/\?.*group=ldc"))
    link.click()
    page.wait_for_url(re.compile(r"/fr/\?.*theme=gender"))
    page.wait_for_function(MAP_DRAWN_JS)
    settle(page)
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    query = page.evaluate("() => location.search")
    assert "group=ldc" in query and "year=2021" in query and "theme=gender" in query
    expect(page.locator("#group-value")).to_have_text(
        i18n.translate(load_dataset().groups["ldc"]["label"], "fr")
    )
    watch.assert_clean()


@pytest.mark.browser
def test_the_browser_language_suggests_never_forces(page: Page, watch: Watch, live_server: str):
    page.set_extra_http_headers({"Accept-Language": "es-ES,es;q=0.9"})
    open_page(page, f"{live_server}/")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    suggestion = page.locator("#language-suggestion a")
    expect(suggestion).to_have_attribute("href", re.compile(r"^/es/"))
    watch.assert_clean()


@pytest.mark.browser
@pytest.mark.parametrize(
    ("lang", "typed", "found"),
    [
        ("en", "cote", "Côte d’Ivoire (CIV)"),
        ("en", "turkey", "Türkiye (TUR)"),
        ("en", "ivory", "Côte d’Ivoire (CIV)"),
        ("zh", "turkiye", "土耳其 (TUR)"),
        ("fr", "burma", "Myanmar (MMR)"),
    ],
)
def test_the_country_search_knows_every_name(
    page: Page, watch: Watch, live_server: str, lang: str, typed: str, found: str
):
    prefix = "" if lang == "en" else f"{lang}/"
    open_page(page, f"{live_server}/{prefix}")
    page.click("#countries")
    search = page.locator(".dash-dropdown-content input.dash-dropdown-search")
    expect(search).to_have_attribute("placeholder", i18n.translate("Search", lang, "messages"))
    page.keyboard.type(typed)
    options = page.locator(".dash-dropdown-content [role=option]")
    expect(options.first).to_have_text(found)
    watch.assert_clean()
