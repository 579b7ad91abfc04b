"""What you see is what you download, and controls that behave as people expect, in a real
headless Chromium against gunicorn."""

from __future__ import annotations

import csv
import io
import re

import pytest
from playwright.sync_api import Page, expect

from data import viewrows
from data.load import load_dataset
from tests.integration.conftest import Watch
from tests.integration.test_browser import (
    choose,
    download_rows,
    settle,
    slider_year,
    wait_for_title,
)
from tests.integration.test_languages import open_page

VIEW = "/?group=itu-africa&countries=TUR,KEN&start=2015&year=2022"


def table_rows(page: Page, toggle: str, holder: str) -> int:
    button = page.locator(f"#{toggle}")
    button.click()
    expect(button).to_have_attribute("aria-expanded", "true")
    rows = page.locator(f"#{holder} table tbody tr")
    expect(rows.first).to_be_visible()
    settle(page)
    return rows.count()


@pytest.mark.browser
def test_the_tables_the_csv_and_the_api_link_have_the_same_rows(
    page: Page, watch: Watch, live_server: str
):
    open_page(page, live_server + VIEW)
    on_map = table_rows(page, "map-table-toggle", "map-table")
    on_trend = table_rows(page, "trend-table-toggle", "trend-table")

    # The map's rows: Africa's 44 economies and Türkiye (Kenya is one of them), no data
    # included; the trend's: the world's and Africa's lines, ITU's too, and both countries.
    ds = load_dataset()
    assert on_map == len(ds.groups["itu-africa"]["members"]) + 1
    trend_names = page.locator("#trend-table tbody th").all_inner_texts()
    assert {"World", "Africa (ITU)", "Türkiye", "Kenya"} <= set(trend_names)

    _raw, header, rows = download_rows(page, "download-view")
    assert header[:3] == ["chart", "iso3", "group"]
    by_chart = {c: sum(r["chart"] == c for r in rows) for c in (viewrows.MAP, viewrows.TREND)}
    assert by_chart == {viewrows.MAP: on_map, viewrows.TREND: on_trend}
    assert {r["iso3"] for r in rows if r["chart"] == "map"} >= {"TUR", "KEN", "NGA"}
    assert all(r["value"] == "" for r in rows if r["value_status"] in ("no data", "withheld"))

    api = page.locator("#api-link").get_attribute("href")
    assert api.startswith("/api/v1/view?")
    answer = page.request.get(live_server + api + "&format=csv")
    assert answer.status == 200
    api_rows = list(csv.DictReader(io.StringIO(answer.text().lstrip("\ufeff"), newline="")))
    assert api_rows == rows
    watch.assert_clean()


@pytest.mark.browser
def test_the_summary_csv_is_its_table(page: Page, watch: Watch, live_server: str):
    open_page(page, live_server + "/?theme=summary&kind=income&year=2023")
    page.wait_for_selector("#summary-table tbody tr")
    settle(page)
    groups = page.locator("#summary-table tbody tr").count()
    expect(page.locator("#download-note")).to_contain_text("regional summary")
    _raw, header, rows = download_rows(page, "download-view")
    assert header[:3] == ["group", "group_name", "indicator"]
    assert len({r["group"] for r in rows}) == groups == 5
    shown = page.locator('#summary-table tbody tr [data-field="label"]').all_inner_texts()
    assert [r["group_name"] for r in rows][:: len(rows) // groups] == shown
    watch.assert_clean()


@pytest.mark.browser
def test_enter_applies_a_typed_year(page: Page, watch: Watch, live_server: str):
    open_page(page, live_server + "/")
    box = page.locator("#year input.dash-range-slider-input")
    target = slider_year(page) - 4
    box.fill(str(target))
    box.press("Enter")
    expect(page.locator("#year [role=slider]")).to_have_attribute("aria-valuenow", str(target))
    wait_for_title(page, "map", "(t, want) => t.endsWith(want)", f", {target}")
    expect(box).to_be_focused()
    watch.assert_clean()


@pytest.mark.browser
def test_changing_the_group_type_keeps_a_sensible_group(page: Page, watch: Watch, live_server: str):
    open_page(page, live_server + "/")
    choose(page, "group", "Africa (ITU)")
    page.locator("#group-kind").get_by_text("UN regions", exact=True).click()
    expect(page.locator("#group-value")).to_have_text("Africa (UN)")
    page.locator("#group-kind").get_by_text("Income groups", exact=True).click()
    expect(page.locator("#group-value")).to_have_text(re.compile(r"World"))
    watch.assert_clean()


@pytest.mark.browser
@pytest.mark.parametrize("width", [1366, 1920])
def test_the_summary_names_its_year_and_fits(page: Page, watch: Watch, live_server: str, width):
    open_page(page, live_server + "/?theme=summary&kind=income&year=2024")
    page.set_viewport_size({"width": width, "height": 900})
    page.wait_for_selector("#summary-table tbody tr")
    settle(page)
    expect(page.locator("#summary-title")).to_have_text("Regional summary, 2024")
    fit = page.evaluate(
        """() => {
             const wrap = document.querySelector('#summary-table');
             const table = wrap.querySelector('table');
             return [table.getBoundingClientRect().width, wrap.clientWidth,
                     document.documentElement.scrollWidth - document.documentElement.clientWidth];
           }"""
    )
    assert fit[0] <= fit[1] + 1 and fit[2] <= 0, fit
    # Each column keeps its indicator's decimals ("2.60", not "2.6" beside "29.51").
    ds = load_dataset()
    for indicator in ("price_fixed_broadband_gni_pct", "internet_gender_parity"):
        decimals = int(ds.catalog.at[indicator, "decimals"])
        cells = page.locator(f'#summary-table td[data-field="{indicator}__value"]')
        numbers = [t.split()[0] for t in cells.all_inner_texts() if t.strip() != "—"]
        assert numbers and all(len(n.split(".")[1]) == decimals for n in numbers), numbers
    watch.assert_clean()


@pytest.mark.browser
def test_the_theme_charts_have_a_table(page: Page, watch: Watch, live_server: str):
    open_page(page, live_server + "/?theme=gender&year=2022")
    page.wait_for_selector("#theme-view .js-plotly-plot .scatterlayer")
    button = page.locator("#view-table-toggle")
    button.click()
    expect(button).to_have_attribute("aria-expanded", "true")
    tables = page.locator("#view-table table")
    expect(tables).to_have_count(2)
    drawn = page.evaluate(
        """() => document.querySelector('#theme-view .js-plotly-plot').data
                 .filter((t) => t.name === 'Women').map((t) => t.y.length)[0]"""
    )
    expect(tables.first.locator("tbody tr")).to_have_count(drawn)
    button.click()
    expect(page.locator("#view-table table")).to_have_count(0)
    watch.assert_clean()
