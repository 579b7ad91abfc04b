"""The dashboard on a phone (390 × 844) and a small laptop (1366 × 768), in a real Chromium.

Everything is measured on the page as drawn: the page's scroll width, where the map's drawing
starts, the boxes of chart titles, chart toolbars and the forum kit's buttons, and those of a
map's colour bar, legend and source line.

Run with ``python -m pytest tests/integration/test_phones.py -m browser``.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from tests.integration.conftest import Watch
from tests.integration.test_browser import MAP_DRAWN_JS, settle

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
LAPTOP = {"width": 1366, "height": 768}
SETTLE_MS = 8_000
DOCS = Path(__file__).resolve().parents[2] / "docs"

# Page overflow, the map's drawing and every pair of chart title / toolbar boxes that meet.
MEASURE_JS = """
() => {
  const root = document.documentElement;
  const rect = (el) => {
    const r = el.getBoundingClientRect();
    return {left: r.left, right: r.right, top: r.top + window.scrollY,
            bottom: r.bottom + window.scrollY, width: r.width, height: r.height};
  };
  const meets = (a, b) => a.width > 0 && a.height > 0 && b.width > 0 && b.height > 0 &&
    a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
  const overlaps = [];
  const charts = [];
  document.querySelectorAll('.dash-graph').forEach((graph) => {
    if (graph.offsetParent === null) return;  // a hidden tab's chart
    const titles = Array.from(graph.querySelectorAll('.g-gtitle text')).map(rect);
    if (!titles.length) return;
    const svg = graph.querySelector('.main-svg');
    const tools = Array.from(graph.querySelectorAll('.modebar-container .modebar'));
    const bar = graph.parentNode.querySelector(`.chart-actions[data-for="${graph.id}"]`);
    if (bar) tools.push(...bar.querySelectorAll('.button'));
    charts.push({id: graph.id, titles: titles.length, tools: tools.length});
    for (const title of titles) {
      if (svg && (title.left < rect(svg).left - 1 || title.right > rect(svg).right + 1)) {
        overlaps.push(`${graph.id}: a title runs out of its chart`);
      }
      for (const tool of tools.map(rect)) {
        if (meets(title, tool)) {
          // The chart's laid-out width against its box's says whether it was resized.
          const laid = svg ? Math.round(rect(svg).width) : null;
          overlaps.push(`${graph.id}: a title meets a toolbar button ` +
                        `(chart ${laid} px wide in a box of ${graph.clientWidth} px)`);
        }
      }
    }
    if (svg && graph.querySelector('path.choroplethlocation')) {
      // A map's foot: colour bar, legend and notes (the source line) apart, inside the chart.
      const foot = Array.from(graph.querySelectorAll('.colorbar, .legend, .annotation'))
        .map(rect).filter((r) => r.width > 0 && r.height > 0);
      foot.forEach((a, i) => {
        if (a.left < rect(svg).left - 1 || a.right > rect(svg).right + 1) {
          overlaps.push(`${graph.id}: a colour bar, legend or note runs out of its chart`);
        }
        foot.slice(i + 1).forEach((b) => {
          if (meets(a, b)) overlaps.push(`${graph.id}: the colour bar, legend and notes meet`);
        });
      });
    }
  });
  const map = document.querySelector('#map .main-svg');
  const geo = document.querySelector('#map .geolayer');
  return {
    scrollWidth: root.scrollWidth,
    clientWidth: root.clientWidth,
    mapTop: map ? rect(map).top : null,
    geoTop: geo ? rect(geo).top : null,
    geoHeight: geo ? rect(geo).height : null,
    overlaps,
    charts,
  };
}
"""


def open_dashboard(page: Page, url: str, viewport: dict) -> None:
    page.set_viewport_size(viewport)
    page.goto(url)
    page.wait_for_function(MAP_DRAWN_JS)
    settle(page)


def tabs(page: Page) -> list[str]:
    return page.locator("#theme-tabs .tab").all_inner_texts()


def show_tab(page: Page, index: int) -> None:
    tab = page.locator("#theme-tabs .tab").nth(index)
    tab.click()
    expect(tab).to_have_class(r"tab tab--selected")
    settle(page)


def assert_fits(page: Page, viewport: dict, where: str, *, map_first: bool = True) -> dict:
    """No sideways scrolling, no title meeting a toolbar (and the map on the first screen):
    charts fit their titles once drawn, so the page gets a few seconds to settle."""
    with contextlib.suppress(PlaywrightTimeoutError):  # the measurement below says what is wrong
        page.wait_for_function(
            f"""() => {{
                  const m = ({MEASURE_JS})();
                  return m.scrollWidth <= m.clientWidth && m.overlaps.length === 0;
               }}""",
            timeout=SETTLE_MS,
        )
    measured = page.evaluate(MEASURE_JS)
    assert measured["scrollWidth"] <= measured["clientWidth"], (
        f"{where}: the page is {measured['scrollWidth']} px wide on a "
        f"{measured['clientWidth']} px screen"
    )
    assert measured["mapTop"] is not None, f"{where}: no map drawn"
    assert not map_first or measured["mapTop"] < viewport["height"], (
        f"{where}: the map starts at {measured['mapTop']:.0f} px, below the first screen "
        f"({viewport['height']} px)"
    )
    assert measured["charts"], f"{where}: no chart with a title was measured"
    assert measured["overlaps"] == [], f"{where}: {measured['overlaps']}"
    return measured


@pytest.mark.slow
@pytest.mark.parametrize("lang", ["", "ar/", "ru/"])
def test_every_tab_fits_a_phone(page: Page, watch: Watch, live_server: str, lang: str):
    """At 390 × 844, on every tab: no sideways scrolling, the map on the first screen, no
    chart title under a toolbar or a button, no title running out of its chart."""
    open_dashboard(page, f"{live_server}/{lang}", PHONE)
    first = page.evaluate(MEASURE_JS)
    # The drawn map itself (not only its title): at least half of it on the first screen.
    assert first["geoTop"] is not None, "no map drawn"
    assert first["geoTop"] + first["geoHeight"] / 2 < PHONE["height"], first
    # The less-used settings start folded on a phone, and open from their summary line.
    details = page.locator("#more-controls")
    expect(details).not_to_have_attribute("open", "")
    expect(page.locator("#tolerance")).to_be_hidden()
    labels = tabs(page)
    assert len(labels) == 5
    for index, label in enumerate(labels):
        show_tab(page, index)
        assert_fits(page, PHONE, f"/{lang} {label}")
    page.locator("#more-controls > summary").click()
    expect(page.locator("#tolerance")).to_be_visible()
    assert_fits(page, PHONE, f"/{lang} settings open", map_first=False)
    if not lang and os.environ.get("UPDATE_SCREENSHOTS") == "1":
        show_tab(page, 0)
        page.locator("#more-controls > summary").click()
        page.evaluate("() => window.scrollTo(0, 0)")
        page.screenshot(path=str(DOCS / "screenshot-phone.png"))
    watch.assert_clean()


def test_a_small_laptop_shows_the_map_above_the_fold(page: Page, watch: Watch, live_server: str):
    """At 1366 × 768 the settings are open, the map starts above the fold and no title meets
    a toolbar, on every tab."""
    open_dashboard(page, live_server, LAPTOP)
    expect(page.locator("#more-controls")).to_have_attribute("open", "")
    expect(page.locator("#tolerance")).to_be_visible()
    for index, label in enumerate(tabs(page)):
        show_tab(page, index)
        assert_fits(page, LAPTOP, label)
    watch.assert_clean()


# A chart drawn for the first time while its box is hidden, the box shown again within the
# same frame (so no resize event marks the change): how a tab's chart can come to be laid out
# at plotly's default 700 px in a 356 px box. Returns the width it was laid out at while hidden.
DRAW_HIDDEN_JS = """
() => {
  const gd = document.querySelector('#theme-view-2 .js-plotly-plot');
  const box = document.querySelector('#theme-view-2');
  const data = gd.data;
  const layout = Object.assign({}, gd.layout);
  delete layout.width;
  box.style.display = 'none';
  Plotly.purge(gd);
  return Plotly.newPlot(gd, data, layout).then(() => {
    const laid = gd._fullLayout.width;
    box.style.display = '';
    return laid;
  });
}
"""
FITS_ITS_BOX_JS = """
() => {
  const gd = document.querySelector('#theme-view-2 .js-plotly-plot');
  return Math.abs(gd._fullLayout.width - gd.clientWidth) <= 2;
}
"""


@pytest.mark.slow
def test_a_chart_first_drawn_hidden_fits_its_box_once_shown(
    page: Page, watch: Watch, live_server: str
):
    open_dashboard(page, live_server, PHONE)
    show_tab(page, tabs(page).index("Mobile coverage"))
    assert_fits(page, PHONE, "Mobile coverage")
    assert page.evaluate(DRAW_HIDDEN_JS) == 700
    box = page.evaluate("() => document.querySelector('#theme-view-2').clientWidth")
    assert box < 400
    page.wait_for_function(FITS_ITS_BOX_JS, timeout=SETTLE_MS)
    assert_fits(page, PHONE, "Mobile coverage, drawn hidden")
    watch.assert_clean()
