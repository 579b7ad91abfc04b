"""The charts read right in a real browser: the affordability map's colour bar marks the 2%
target, parity is drawn in a colour far from "no data", "no data" is one colour on every map,
and the list of economies above the target sorts and downloads.

Countries and values are taken from the dataset (``data.views``), never written in here.
Run with ``python -m pytest tests/integration/test_charts.py -m browser``.
"""

from __future__ import annotations

import csv
import io
import math
import re

import pytest
from playwright.sync_api import Page, expect

from components import theme
from components.figures.scales import PARITY_BAND, _rgb
from components.themes import THEMES, resolve_indicator
from data import views
from data.export import BOM
from data.load import Dataset, load_dataset
from tests.integration.conftest import Watch
from tests.integration.test_browser import IDLE_JS

TIMEOUT_MS = 30_000
expect.set_options(timeout=TIMEOUT_MS)

MAP_DRAWN_JS = "() => document.querySelectorAll('#map path.choroplethlocation').length > 100"
# The fill the browser computed for each country path of the world map (plotly binds each
# path to its point, whose ``loc`` is the ISO3 code), with the path's own opacity.
FILLS_JS = """
() => {
  const out = {};
  for (const path of document.querySelectorAll('#map path.choroplethlocation')) {
    const loc = path.__data__ && path.__data__.loc;
    if (!loc || loc in out) continue;
    const style = getComputedStyle(path);
    out[loc] = {fill: style.fill, opacity: parseFloat(style.opacity)};
  }
  return out;
}
"""
TITLE_JS = """
() => {
  const g = document.querySelector('#map .js-plotly-plot');
  const t = g && g.layout && g.layout.title;
  return (t && (typeof t === 'string' ? t : t.text)) || '';
}
"""
VISIBLE_GAP = 20.0
"""Smallest CIE76 colour difference (ΔE*ab) accepted between parity and "no data". About 2.3
is a just-noticeable difference; 20 is the distance between clearly different colours (a mid
grey and a light grey), so two fills further apart than that are never mistaken for each
other at a glance."""


@pytest.fixture(scope="module")
def ds() -> Dataset:
    return load_dataset()


def open_view(page: Page, live_server: str, query: str) -> None:
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{live_server}/?{query}")
    page.wait_for_function(MAP_DRAWN_JS)
    page.wait_for_function(IDLE_JS)


def map_view(ds: Dataset, theme_id: str, page: Page) -> tuple[str, int, int]:
    """(indicator, year, tolerance) of the map on screen, the year read from its title."""
    indicator = resolve_indicator(theme_id, None, None, ds.catalog.index)
    title = str(ds.catalog.at[indicator, "title"])
    page.wait_for_function(
        f"(want) => ({TITLE_JS})().startsWith(want + ', ')", arg=title, timeout=TIMEOUT_MS
    )
    year = int(page.evaluate(TITLE_JS).rsplit(", ", 1)[1])
    return indicator, year, views.indicator_tolerance(ds, indicator)


def fills(page: Page) -> dict[str, dict]:
    return page.evaluate(FILLS_JS)


def rgb(text: str) -> tuple[float, float, float]:
    return _rgb(text)


def lab(colour: tuple[float, float, float]) -> tuple[float, float, float]:
    """sRGB (0–255) → CIELAB (D65)."""

    def linear(channel: float) -> float:
        c = channel / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (linear(c) for c in colour)
    x = (0.4124 * r + 0.3576 * g + 0.1805 * b) / 0.95047
    y = 0.2126 * r + 0.7152 * g + 0.0722 * b
    z = (0.0193 * r + 0.1192 * g + 0.9505 * b) / 1.08883

    def f(t: float) -> float:
        return t ** (1 / 3) if t > 0.008856 else 7.787 * t + 16 / 116

    return 116 * f(y) - 16, 500 * (f(x) - f(y)), 200 * (f(y) - f(z))


def delta_e(a: str, b: str) -> float:
    return math.dist(lab(rgb(a)), lab(rgb(b)))


def no_data_country(ds: Dataset, indicator: str, year: int, tolerance: int, drawn) -> str:
    """An economy without a value on this map that the map draws, the USA when it is one."""
    frame = views.map_frame(ds, indicator, year, tolerance=tolerance)
    missing = [i for i in frame.loc[frame["value"].isna(), "iso3"] if i in drawn]
    assert missing, f"every drawn economy has a value for {indicator} in {year}"
    return "USA" if "USA" in missing else sorted(missing)[0]


@pytest.mark.browser
def test_the_affordability_colour_bar_marks_the_2_percent_target(
    page: Page, watch: Watch, live_server: str, ds: Dataset
):
    open_view(page, live_server, "theme=affordability")
    indicator, year, _tolerance = map_view(ds, "affordability", page)
    assert views.indicator_spec(ds, indicator)["target"] == 2.0
    ticks = page.locator("#map g.colorbar text")
    expect(ticks.filter(has_text=re.compile(r"^2% target$"))).to_have_count(1)
    texts = [t.strip() for t in ticks.all_text_contents()]
    assert "1%" in texts and "5%" in texts and "20%" in texts, texts
    assert not [t for t in texts if "≥" in t], texts
    # The target's tick sits a third of the way along the bar: the two bands that meet it
    # take a third of the bar, not the 2% a linear scale gave them.
    boxes = page.evaluate(
        """() => {
             const bar = document.querySelector('#map g.colorbar rect.cbbg');
             const fill = document.querySelector('#map g.colorbar .cbfills');
             const tick = [...document.querySelectorAll('#map g.colorbar text')]
               .find((t) => t.textContent.trim() === '2% target');
             const a = fill.getBoundingClientRect(), b = tick.getBoundingClientRect();
             return {left: a.left, width: a.width, mid: b.left + b.width / 2, bar: !!bar};
           }"""
    )
    share = (boxes["mid"] - boxes["left"]) / boxes["width"]
    assert share == pytest.approx(1 / 3, abs=0.03), boxes
    # A country at 2.2% and one at 15% are drawn in different colours.
    frame = views.map_frame(ds, indicator, year, tolerance=_tolerance)
    current = frame.loc[frame["value"].notna() & (frame["year"] == year)]
    near = current.loc[current["value"].between(2.05, 4.9), "iso3"].tolist()
    far = current.loc[current["value"].between(10.5, 19.9), "iso3"].tolist()
    drawn = fills(page)
    near, far = [i for i in near if i in drawn], [i for i in far if i in drawn]
    assert near and far
    assert delta_e(drawn[near[0]]["fill"], drawn[far[0]]["fill"]) > VISIBLE_GAP
    watch.assert_clean()


@pytest.mark.browser
def test_parity_is_drawn_far_from_no_data(page: Page, watch: Watch, live_server: str, ds: Dataset):
    open_view(page, live_server, "theme=gender")
    indicator, year, tolerance = map_view(ds, "gender", page)
    drawn = fills(page)
    frame = views.map_frame(ds, indicator, year, tolerance=tolerance)
    low, high = PARITY_BAND
    at_parity = frame.loc[
        frame["value"].between(low, high) & (frame["year"] == year) & frame["iso3"].isin(drawn)
    ]
    assert len(at_parity), f"no economy at parity in {year}"
    parity = drawn[at_parity["iso3"].iloc[0]]
    missing = drawn[no_data_country(ds, indicator, year, tolerance, drawn)]
    assert parity["opacity"] == 1 and missing["opacity"] == 1
    assert rgb(parity["fill"]) == pytest.approx(rgb(theme.PARITY), abs=1)
    assert rgb(missing["fill"]) == pytest.approx(rgb(theme.NO_DATA), abs=1)
    gap = delta_e(parity["fill"], missing["fill"])
    assert gap > VISIBLE_GAP, f"parity {parity} and no data {missing}: ΔE {gap:.1f}"
    # every economy at parity this year, not only the first
    for iso3 in at_parity["iso3"]:
        assert delta_e(drawn[iso3]["fill"], missing["fill"]) > VISIBLE_GAP, iso3
    watch.assert_clean()


@pytest.mark.slow
@pytest.mark.browser
def test_no_data_is_one_colour_on_every_map(
    page: Page, watch: Watch, live_server: str, ds: Dataset
):
    seen = {}
    for theme_id in ("access", "coverage", "affordability", "gender"):
        open_view(page, live_server, f"theme={theme_id}")
        indicator, year, tolerance = map_view(ds, theme_id, page)
        drawn = fills(page)
        iso3 = no_data_country(ds, indicator, year, tolerance, drawn)
        seen[theme_id] = (iso3, drawn[iso3]["fill"], drawn[iso3]["opacity"])
    colours = {fill for _iso3, fill, _opacity in seen.values()}
    assert len(colours) == 1, seen
    assert rgb(colours.pop()) == pytest.approx(rgb(theme.NO_DATA), abs=1)
    assert {opacity for *_rest, opacity in seen.values()} == {1}
    assert set(THEMES) - {"summary"} == set(seen)
    watch.assert_clean()


def list_column(page: Page, field: str) -> list[str]:
    return page.locator(f"#above-target-table tbody [data-field='{field}']").all_inner_texts()


@pytest.mark.slow
@pytest.mark.browser
def test_the_list_above_target_sorts_and_downloads(
    page: Page, watch: Watch, live_server: str, ds: Dataset
):
    open_view(page, live_server, "theme=affordability")
    indicator, year, tolerance = map_view(ds, "affordability", page)
    rows, with_data = views.above_target(ds, indicator, year, tolerance=tolerance)
    table = page.locator("#above-target-table table")
    expect(table.locator("caption")).to_contain_text(
        f"{len(rows)} of {with_data} economies with data are above 2% in {year}."
    )
    expect(table.locator("tbody tr")).to_have_count(len(rows))
    expect(table.locator("thead th[scope=col]")).to_have_count(4)
    # dearest first to begin with, as on the map's data
    assert list_column(page, "name") == rows["name"].tolist()

    header = table.locator("thead th", has_text="Economy")
    header.locator("button").click()
    expect(header).to_have_attribute("aria-sort", "ascending")
    names = list_column(page, "name")
    assert names[0] != rows["name"].iloc[0] or len(rows) == 1
    assert sorted(names, key=str.casefold) == sorted(rows["name"], key=str.casefold)
    year_header = table.locator("thead th", has_text="Data year")
    year_header.locator("button").click()
    expect(year_header).to_have_attribute("aria-sort", "descending")
    years = [int(y) for y in list_column(page, "year")]
    assert years == sorted(years, reverse=True)
    year_header.locator("button").click()
    expect(year_header).to_have_attribute("aria-sort", "ascending")
    years = [int(y) for y in list_column(page, "year")]
    assert years == sorted(years)

    with page.expect_download() as info:
        page.click("#above-target-download")
    download = info.value
    assert download.suggested_filename.startswith(f"{indicator}_above-target_world_{year}")
    raw = download.path().read_bytes()
    assert raw.startswith(BOM.encode("utf-8"))
    reader = csv.DictReader(io.StringIO(raw.decode("utf-8-sig"), newline=""))
    got = list(reader)
    assert {"licence", "source_citation", "target", "gap_to_target"} <= set(reader.fieldnames)
    assert {r["iso3"] for r in got} == set(rows["iso3"])
    assert all(r["licence"] and float(r["value"]) > 2 for r in got)
    assert all(float(r["gap_to_target"]) == pytest.approx(float(r["value"]) - 2) for r in got)
    watch.assert_clean()
