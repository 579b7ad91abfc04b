"""Country profiles (/country/<ISO3>) in a real headless Chromium, served by gunicorn.

Each test loads one page. The screenshots in docs/ are made here with UPDATE_SCREENSHOTS=1.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from data import i18n
from data import profile as dp
from data.load import load_dataset
from tests.integration.conftest import Watch, is_local
from tests.integration.test_browser import MAP_DRAWN_JS, figure, settle

DOCS = Path(__file__).resolve().parent.parent.parent / "docs"
CHARTS_DRAWN_JS = (
    "(n) => document.querySelectorAll('.profile-chart .main-svg').length >= n"
    " && Array.from(document.querySelectorAll('.profile-chart')).every((g) => g.data)"
)
CHART_TRACES_JS = """
() => Array.from(document.querySelectorAll('.profile-chart')).map((g) => ({
  theme: g.dataset.theme,
  traces: g.data.map((t) => ({name: t.name, points: t.y.filter((y) => y !== null).length})),
  paths: g.querySelectorAll('.scatterlayer path.js-line').length,
}))
"""
OVERFLOW_JS = "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"


def open_profile(page: Page, url: str, width: int = 1280) -> None:
    page.set_viewport_size({"width": width, "height": 900})
    response = page.goto(url)
    assert response is not None and response.status == 200, url
    page.wait_for_function(CHARTS_DRAWN_JS, arg=len(dp.CHART_INDICATORS))


def pdf_pages(pdf: bytes) -> int:
    """Pages of a PDF as Chromium writes it (one ``/Type /Page`` object per page)."""
    return len(re.findall(rb"/Type\s*/Page(?![s\w])", pdf))


@pytest.mark.browser
def test_kenya_shows_four_themes_with_years_ranks_and_comparison_lines(
    page: Page, watch: Watch, live_server: str
):
    ds = load_dataset()
    open_profile(page, f"{live_server}/country/KEN")
    expect(page.locator("h1")).to_contain_text("Kenya")
    region = ds.groups["itu-africa"]["label"]
    income = ds.groups["income-lower-middle"]["label"]
    for theme, indicators in dp.KEY_INDICATORS.items():
        section = page.locator(f"#theme-{theme}")
        expect(section).to_be_visible()
        expect(section.locator("tbody tr")).to_have_count(len(indicators))
        for row in section.locator("tbody tr").all():
            expect(row.locator("td.country .year")).to_have_text(re.compile(r"^(19|20)\d\d$"))
            expect(row.locator("td[data-rank=region]")).to_have_text(
                re.compile(r"\d+(st|nd|rd|th) of \d+ with data")
            )
            expect(row.locator("td[data-rank=income_group]")).to_have_text(
                re.compile(r"\d+(st|nd|rd|th) of \d+ with data")
            )
        expect(section.locator("thead")).to_contain_text(region)
        expect(section.locator("thead")).to_contain_text(income)
        expect(section.locator("thead")).to_contain_text("World")
    expect(page.locator("#missing")).to_contain_text("No gender data since")
    expect(page.locator("#people")).to_contain_text("million people")
    # Each chart draws Kenya, its region, its income group and the world, as lines.
    charts = page.evaluate(CHART_TRACES_JS)
    assert [c["theme"] for c in charts] == list(dp.CHART_INDICATORS)
    for chart in charts:
        names = {t["name"] for t in chart["traces"]}
        assert names == {"Kenya", region, income, "World"}, chart
        assert all(t["points"] >= 2 for t in chart["traces"]), chart
        assert chart["paths"] == 4, chart
    expect(page.locator("#open-dashboard")).to_have_attribute(
        "href", "/?countries=KEN&group=itu-africa"
    )
    expect(page.locator(".itu-notice")).to_be_visible()
    if os.environ.get("UPDATE_SCREENSHOTS") == "1":
        page.screenshot(path=str(DOCS / "profile-ken.png"), full_page=True)
    watch.assert_clean()


@pytest.mark.browser
def test_kenya_in_french_and_its_csv_link(page: Page, watch: Watch, live_server: str):
    open_profile(page, f"{live_server}/fr/country/KEN")
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    i18n.use_language("fr")
    expect(page.locator("#people-title")).to_have_text(i18n.gettext("The people behind the shares"))
    expect(page.locator("#theme-access td.country .value").first).to_have_text(
        re.compile(r"^\d+,\d\u00a0%$")
    )
    link = page.locator("#profile-csv")
    expect(link).to_have_attribute("href", "/fr/country/KEN.csv")
    response = page.request.get(f"{live_server}/fr/country/KEN.csv")
    assert response.status == 200 and response.headers["content-type"].startswith("text/csv")
    if os.environ.get("UPDATE_SCREENSHOTS") == "1":
        page.screenshot(path=str(DOCS / "profile-ken-fr.png"), full_page=True)
    watch.assert_clean()


@pytest.mark.browser
def test_arabic_profile_on_a_phone_reads_right_to_left_without_side_scroll(
    page: Page, watch: Watch, live_server: str
):
    open_profile(page, f"{live_server}/ar/country/KEN", width=390)
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    assert page.evaluate(OVERFLOW_JS) <= 0
    watch.assert_clean()


@pytest.mark.browser
def test_a_profile_prints_on_two_pages(page: Page, watch: Watch, live_server: str):
    open_profile(page, f"{live_server}/country/KEN")
    page.emulate_media(media="print")
    expect(page.locator(".profile-bar")).to_be_hidden()
    a4 = pdf_pages(page.pdf(format="A4", print_background=True))
    letter = pdf_pages(page.pdf(format="Letter", print_background=True))
    assert 1 <= a4 <= 2, f"{a4} A4 pages"
    assert 1 <= letter <= 2, f"{letter} Letter pages"
    watch.assert_clean()


@pytest.mark.browser
def test_an_unknown_code_is_a_clear_404(page: Page, watch: Watch, live_server: str):
    url = f"{live_server}/country/XXX"
    response = page.goto(url)
    assert response is not None and response.status == 404
    expect(page.locator("h1")).to_have_text("No economy has the code “XXX”")
    expect(page.locator("#back-to-dashboard")).to_have_attribute("href", "/")
    expect(page.locator(".lede")).to_contain_text("/country/KEN")
    # The only error is the 404 of the page itself (reported twice: the response, and the
    # console's note of it); every other file of the page loaded, and none left this machine.
    assert sorted(watch.errors) == [
        f"HTTP 404: GET {url}",
        "console.error: Failed to load resource: the server responded with a status of 404 "
        "(NOT FOUND)",
    ]
    assert all(is_local(u) for u in watch.requests)


@pytest.mark.browser
def test_clicking_a_country_on_the_map_offers_its_profile(
    page: Page, watch: Watch, live_server: str
):
    ds = load_dataset()
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(live_server)
    page.wait_for_function(MAP_DRAWN_JS)
    settle(page)
    page.locator("#map").scroll_into_view_if_needed()
    box = page.evaluate(
        """() => {
             for (const p of document.querySelectorAll('#map path.choroplethlocation')) {
               if (p.__data__ && p.__data__.loc === 'KEN') {
                 const r = p.getBoundingClientRect();
                 return {x: r.x + r.width / 2, y: r.y + r.height / 2};
               }
             }
             return null;
           }"""
    )
    assert box is not None, "Kenya is not drawn on the map"
    page.mouse.click(box["x"], box["y"])
    link = page.locator("#profile-link")
    expect(link).to_be_visible()
    expect(link).to_have_attribute("href", "/country/KEN")
    expect(link).to_have_text("Kenya: country profile →")
    page.locator("#show-region").click()
    region = ds.groups["itu-africa"]["label"]
    expect(page.locator("#group-value")).to_have_text(region)
    page.wait_for_function(
        """(name) => {
             const g = document.querySelector('#trend .js-plotly-plot');
             return g && g.data.some((t) => (t.name || '').startsWith(name));
           }""",
        arg=region,
    )
    names = [t["name"] for t in figure(page, "trend")["traces"]]
    assert any(n.startswith(region) for n in names) and "Kenya" in names
    watch.assert_clean()
