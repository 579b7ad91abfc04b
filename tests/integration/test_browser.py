"""The dashboard in a real headless Chromium, served by gunicorn as in production.

Every test opens the page afresh (pytest-playwright's ``page``), watches the browser console,
uncaught page errors and failed HTTP responses, and checks what is drawn against the numbers
``data.views`` computes for the same control values.

Run with ``python -m pytest tests/integration -m browser``.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import re
from collections.abc import Iterator

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from components.themes import GROUP_KINDS, SUMMARY_INDICATORS, indicator_options
from data import views
from data.export import BOM
from data.load import Dataset, load_dataset
from tests.integration.conftest import LOCAL_HOST, Watch, is_local

TIMEOUT_MS = 30_000
EXPORT_HEADER = (
    "iso3",
    "country",
    "indicator",
    "indicator_title",
    "unit",
    "requested_year",
    "year_of_data",
    "value_status",
    "value",
    "source",
    "source_citation",
    "licence",
)
MAP_ONLY_TRACES = ("No data", "Outside selected group")

# Callbacks such as the regional summary take a few seconds on a small machine.
expect.set_options(timeout=TIMEOUT_MS)

# Figures are read from the plotly graph div that dcc.Graph renders inside its container.
FIGURE_JS = """
(id) => {
  const graph = document.querySelector(`#${id} .js-plotly-plot`);
  if (!graph || !graph.data || !graph.layout) return null;
  const title = graph.layout.title;
  return {
    title: (title && (typeof title === 'string' ? title : title.text)) || '',
    visible: graph.offsetParent !== null,
    traces: graph.data.map((t) => ({
      type: t.type || 'scatter',
      name: t.name === undefined ? null : t.name,
      locations: t.locations ? Array.from(t.locations) : null,
      z: t.z ? Array.from(t.z) : null,
      x: t.x ? Array.from(t.x) : null,
      y: t.y ? Array.from(t.y) : null,
    })),
  };
}
"""
# Cells of one column of the summary table, top to bottom as shown ("—" = withheld).
SUMMARY_COLUMN_JS = """
(column) => Array.from(document.querySelectorAll('#summary-table tbody tr'))
  .map((row) => row.querySelector(`[data-field="${column}"]`))
  .filter((cell) => cell)
  .map((cell) => cell.innerText.trim())
"""
# True once the map colours exactly the economies ``want`` (sorted iso3 codes).
COLOURED_ARE_JS = f"""
(want) => {{
  const fig = ({FIGURE_JS})('map');
  if (!fig) return false;
  const got = new Set();
  const skip = {json.dumps(list(MAP_ONLY_TRACES))};
  for (const t of fig.traces) {{
    if (t.type !== 'choropleth' || !t.locations || skip.includes(t.name)) continue;
    t.locations.forEach((code, i) => {{ if (t.z[i] != null) got.add(code); }});
  }}
  return JSON.stringify([...got].sort()) === JSON.stringify(want);
}}
"""
# No component flagged as loading, and no callback in Dash's renderer store still requested,
# blocked, prioritized or on its way (as dash.testing waits): a callback Dash has queued but
# not yet sent flags nothing as loading.
IDLE_JS = """
() => {
  if (document.querySelector('[data-dash-is-loading="true"]')) return false;
  const store = window.store;
  if (!store) return true;
  const callbacks = Object.assign({}, store.getState().callbacks);
  delete callbacks.stored;
  delete callbacks.completed;
  return Object.values(callbacks).every((list) => !list || !list.length);
}
"""
MAP_DRAWN_JS = "() => document.querySelectorAll('#map path.choroplethlocation').length > 100"


# --------------------------------------------------------------------------- fixtures


@pytest.fixture(scope="module")
def ds() -> Dataset:
    return load_dataset()


@pytest.fixture
def app(page: Page, watch: Watch, live_server: str) -> Iterator[Page]:
    """The dashboard, loaded, with its world map drawn and no callback pending."""
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(live_server)
    try:
        page.wait_for_function(MAP_DRAWN_JS)
    except PlaywrightTimeoutError:
        pytest.fail(
            "the world map was not drawn; the browser reported:\n" + "\n".join(watch.errors)
        )
    settle(page)
    yield page


# --------------------------------------------------------------------------- helpers


def settle(page: Page) -> None:
    """Wait until no Dash callback is pending (components flagged as loading)."""
    page.wait_for_function(IDLE_JS)


def figure(page: Page, graph_id: str) -> dict:
    fig = page.evaluate(FIGURE_JS, graph_id)
    assert fig is not None, f"#{graph_id} has no rendered figure"
    return fig


def wait_for_title(page: Page, graph_id: str, predicate: str, arg: object = None) -> dict:
    """Wait until ``predicate`` (JS, given the title and ``arg``) holds for the graph's title."""
    page.wait_for_function(
        f"""([id, arg]) => {{
              const g = document.querySelector(`#${{id}} .js-plotly-plot`);
              const t = g && g.layout && g.layout.title;
              const title = (t && (typeof t === 'string' ? t : t.text)) || '';
              return ({predicate})(title, arg);
           }}""",
        arg=[graph_id, arg],
    )
    return figure(page, graph_id)


def trace_names(page: Page, graph_id: str) -> list[str]:
    return [t["name"] for t in figure(page, graph_id)["traces"]]


def coloured_values(fig: dict) -> dict[str, float]:
    """iso3 → z of the map's coloured trace(s): every trace but "No data" and the dimmed one."""
    values: dict[str, float] = {}
    for trace in fig["traces"]:
        if trace["type"] == "choropleth" and trace["name"] not in MAP_ONLY_TRACES:
            for iso3, z in zip(trace["locations"], trace["z"], strict=True):
                if z is not None:
                    values[iso3] = z
    return values


def choose(page: Page, dropdown_id: str, label: str) -> None:
    """Pick the option called ``label`` in a single-value dcc.Dropdown."""
    page.click(f"#{dropdown_id}")
    options = page.locator(".dash-dropdown-content [role=option]")
    options.filter(has_text=re.compile(rf"^\s*{re.escape(label)}\s*$")).first.click()
    expect(page.locator(f"#{dropdown_id}-value")).to_have_text(label)
    expect(page.locator(".dash-dropdown-content")).to_have_count(0)


def click_tab(page: Page, label: str) -> None:
    tab = page.locator("#theme-tabs .tab", has_text=label)
    tab.click()
    expect(tab).to_have_class(re.compile(r"tab--selected"))


def slider_year(page: Page) -> int:
    return int(page.locator("#year [role=slider]").get_attribute("aria-valuenow"))


def trend_range(page: Page) -> tuple[int, int]:
    low = page.locator("#trend-range input.dash-range-slider-min-input").input_value()
    high = page.locator("#trend-range input.dash-range-slider-max-input").input_value()
    return int(low), int(high)


def tolerance_on_screen(page: Page) -> int | None:
    """The window the control shows; ``None`` for the indicator's own (from the catalog)."""
    text = page.locator("#tolerance-value").inner_text().strip()
    if text == "The indicator's standard window":
        return None
    if text == "Show only the chosen year":
        return 0
    match = re.fullmatch(r"Use the latest value within (\d+) years?", text)
    assert match, f"unexpected tolerance label {text!r}"
    return int(match.group(1))


def indicator_on_screen(page: Page, ds: Dataset) -> str:
    """The catalog id of the indicator the dropdown shows (Access & use: titles are unique)."""
    label = page.locator("#indicator-value")
    expect(label).to_have_text(re.compile(r"\S"))
    title = label.inner_text().strip()
    matches = ds.catalog.index[ds.catalog["title"] == title].tolist()
    assert len(matches) == 1, f"indicator label {title!r} matches {matches}"
    return matches[0]


def group_id(ds: Dataset, label: str) -> str:
    if label == "World (all economies)":
        return "world"
    (gid,) = [gid for gid, g in ds.groups.items() if g["label"] == label]
    return gid


def expected_status(ds: Dataset, indicator: str, year: int, tolerance: int, group: str) -> str:
    frame = views.map_frame(ds, indicator, year, tolerance=tolerance, group=group)
    return views.map_status_text(views.map_status(frame, year))


def expected_map_values(
    ds: Dataset, indicator: str, year: int, tolerance: int, group: str
) -> dict[str, float]:
    frame = views.map_frame(ds, indicator, year, tolerance=tolerance, group=group)
    shown = frame.loc[frame["in_focus"] & frame["value"].notna()]
    return dict(zip(shown["iso3"], shown["value"].round(6), strict=True))


def assert_map_matches(page: Page, ds: Dataset, group: str) -> dict:
    """The map, its title and its status line show exactly what ``data.views`` computes."""
    settle(page)
    indicator = indicator_on_screen(page, ds)
    year, tolerance = slider_year(page), tolerance_on_screen(page)
    if tolerance is None:
        tolerance = views.indicator_tolerance(ds, indicator)
    title = str(ds.catalog.at[indicator, "title"])
    expected = expected_map_values(ds, indicator, year, tolerance, group)
    # The map follows the controls through a callback: wait for it to catch up. Its title
    # names the indicator and year only, so a change of group is awaited on the economies
    # coloured; if they never match, the comparison below says how they differ.
    wait_for_title(page, "map", "(t, want) => t === want", f"{title}, {year}")
    with contextlib.suppress(PlaywrightTimeoutError):
        page.wait_for_function(COLOURED_ARE_JS, arg=sorted(expected), timeout=TIMEOUT_MS)
    fig = figure(page, "map")
    assert fig["title"] == f"{title}, {year}"
    assert coloured_values(fig) == pytest.approx(expected)
    expect(page.locator("#map-status")).to_have_text(
        expected_status(ds, indicator, year, tolerance, group)
    )
    return fig


def summary_column(page: Page, column: str) -> list[str]:
    """The texts of one column of the summary grid, top to bottom as shown."""
    return page.evaluate(SUMMARY_COLUMN_JS, column)


def wait_for_summary_labels(page: Page, labels: list[str]) -> None:
    page.wait_for_function(
        f"(want) => JSON.stringify(({SUMMARY_COLUMN_JS})('label')) === JSON.stringify(want)",
        arg=labels,
    )


def note_count(page: Page) -> int:
    note = page.locator("#download-note").inner_text()
    match = re.search(r"draw, as its table shows them: ([\d,]+) for the map", note)
    assert match, f"no row count in the download note: {note!r}"
    return int(match.group(1).replace(",", ""))


def download_rows(page: Page, button_id: str) -> tuple[bytes, list[str], list[dict]]:
    with page.expect_download() as info:
        page.click(f"#{button_id}")
    path = info.value.path()
    raw = path.read_bytes()
    text = raw.decode("utf-8-sig")
    reader = csv.DictReader(io.StringIO(text, newline=""))
    return raw, list(reader.fieldnames or []), list(reader)


# --------------------------------------------------------------------------- tests


@pytest.mark.browser
def test_page_loads_without_errors_and_only_from_localhost(app: Page, watch: Watch):
    expect(app).to_have_title("Digital Divide Dashboard")
    expect(app.locator("#map-status")).to_contain_text("economies show")
    assert trace_names(app, "trend") == ["World, our estimate", "World, ITU estimate"]
    watch.assert_clean()
    assert watch.requests, "no request was recorded"
    outside = [u for u in watch.requests if not is_local(u)]
    assert not outside, f"requests left {LOCAL_HOST}: {sorted(set(outside))}"
    assert any("/assets/topojson/" in u for u in watch.requests), "map geometry not served"


@pytest.mark.browser
def test_map_colours_at_least_150_countries(app: Page, ds: Dataset, watch: Watch):
    fig = assert_map_matches(app, ds, "world")
    coloured = coloured_values(fig)
    assert len(coloured) >= 150, f"only {len(coloured)} economies have a colour"
    # Each drawn country shape, with the trace it belongs to and the colour it was painted.
    drawn = app.evaluate(
        """() => Array.from(document.querySelectorAll('#map path.choroplethlocation'))
                 .map((p) => ({
                   loc: p.__data__.loc,
                   trace: p.parentNode.__data__[0].trace.name,
                   fill: getComputedStyle(p).fill,
                 }))"""
    )
    painted = [d for d in drawn if d["trace"] not in MAP_ONLY_TRACES]
    assert len(painted) >= len(coloured)
    assert {d["loc"] for d in painted} >= set(coloured), "coloured countries not drawn"
    no_data_fills = {d["fill"] for d in drawn if d["trace"] == "No data"}
    assert no_data_fills, "no country is drawn as having no data"
    assert not [d for d in painted if d["fill"] in no_data_fills], "coloured in the no-data grey"
    names = trace_names(app, "map")
    assert "No data" in names
    expect(app.locator("#map .legend .legendtext", has_text="No data")).to_have_count(1)
    watch.assert_clean()


@pytest.mark.slow
@pytest.mark.browser
def test_indicator_year_and_group_change_map_trend_and_summary(
    app: Page, ds: Dataset, watch: Watch
):
    before_map = assert_map_matches(app, ds, "world")
    before_trend = figure(app, "trend")

    # Indicator
    new_title = "Mobile-cellular subscriptions per 100 people"
    choose(app, "indicator", new_title)
    wait_for_title(app, "map", "(t, want) => t.startsWith(want + ', ')", new_title)
    after_map = assert_map_matches(app, ds, "world")
    assert coloured_values(after_map) != coloured_values(before_map)
    trend = wait_for_title(app, "trend", "(t, want) => t.startsWith(want + ', ')", new_title)
    assert [t["name"] for t in trend["traces"]] == ["World, our estimate", "World, ITU estimate"]
    assert trend["traces"][0]["y"] != before_trend["traces"][0]["y"]

    # Year, with the keyboard on the slider handle
    year = slider_year(app)
    app.locator("#year [role=slider]").focus()
    for _ in range(3):
        app.keyboard.press("ArrowLeft")
    expect(app.locator("#year [role=slider]")).to_have_attribute("aria-valuenow", str(year - 3))
    wait_for_title(app, "map", "(t, want) => t.endsWith(want)", f", {year - 3}")
    year_map = assert_map_matches(app, ds, "world")
    assert coloured_values(year_map) != coloured_values(after_map)

    # Group
    app.locator("#group-kind").get_by_text(GROUP_KINDS["income"], exact=True).click()
    choose(app, "group", "Low income")
    app.wait_for_function(
        """() => {
             const g = document.querySelector('#trend .js-plotly-plot');
             return g && g.data.map((t) => t.name).join('|') === [
               'World, our estimate', 'Low income, our estimate',
               'World, ITU estimate', 'Low income, ITU estimate'].join('|');
           }"""
    )
    group_map = assert_map_matches(app, ds, "income-low")
    assert set(coloured_values(group_map)) <= set(ds.groups["income-low"]["members"])
    assert "Outside selected group" in [t["name"] for t in group_map["traces"]]

    # The regional summary follows the grouping
    click_tab(app, "Regional summary")
    income = ["World"] + [g["label"] for g in ds.groups.values() if g["kind"] == "income"]
    wait_for_summary_labels(app, income)
    settle(app)
    year, tolerance = slider_year(app), tolerance_on_screen(app)
    table = views.summary_table(ds, "income", SUMMARY_INDICATORS, year, tolerance=tolerance)
    column = f"{SUMMARY_INDICATORS[0]}__value"
    decimals = int(ds.catalog.at[SUMMARY_INDICATORS[0], "decimals"])
    shown = [None if s == "—" else float(s) for s in summary_column(app, column)]
    wanted = [round(v, decimals) if v == v else None for v in table[column]]
    assert shown == pytest.approx(wanted)

    app.locator("#group-kind").get_by_text(GROUP_KINDS["itu"], exact=True).click()
    itu = ["World"] + [g["label"] for g in ds.groups.values() if g["kind"] == "itu"]
    wait_for_summary_labels(app, itu)
    watch.assert_clean()


@pytest.mark.browser
def test_a_chart_saves_as_a_large_png_without_leaving_the_server(app: Page, watch: Watch):
    """Delegates put charts on slides: the camera button saves a PNG at three times the size."""
    app.locator("#trend").hover()
    titles = app.locator("#trend .modebar-btn").evaluate_all(
        "(buttons) => buttons.map((b) => b.getAttribute('data-title'))"
    )
    assert "Download plot as a PNG" in titles
    assert not [t for t in titles if "share" in (t or "").lower()], titles
    width = app.evaluate("() => document.querySelector('#trend .js-plotly-plot').offsetWidth")
    with app.expect_download() as info:
        app.click("#trend .modebar-btn[data-title='Download plot as a PNG']")
    download = info.value
    assert download.suggested_filename == "digital-divide-trend.png"
    png = download.path().read_bytes()
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    assert int.from_bytes(png[16:20], "big") == 3 * width
    watch.assert_clean()


@pytest.mark.browser
def test_clicking_a_country_on_the_map_adds_it_to_the_trend(app: Page, ds: Dataset, watch: Watch):
    app.locator("#map").scroll_into_view_if_needed()
    box = app.evaluate(
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
    assert box is not None, "Brazil is not drawn on the map"
    app.mouse.click(box["x"], box["y"])
    name = ds.country_name("BRA")
    expect(app.locator("#countries-value")).to_contain_text(f"{name} (BRA)")
    app.wait_for_function(
        """(name) => {
             const g = document.querySelector('#trend .js-plotly-plot');
             return g && g.data.some((t) => t.name === name);
           }""",
        arg=name,
    )
    trend = figure(app, "trend")
    (brazil,) = [t for t in trend["traces"] if t["name"] == name]
    assert any(v is not None for v in brazil["y"]), "Brazil's line has no values"
    low, high = trend_range(app)
    assert all(low <= x <= high for x in brazil["x"])
    expect(app.locator("#trend-note")).to_contain_text(
        "Country lines show only the years each economy reported."
    )
    watch.assert_clean()


@pytest.mark.browser
def test_play_advances_the_year_and_pause_stops_it(app: Page, watch: Watch):
    thumb = app.locator("#year [role=slider]")
    thumb.focus()
    app.keyboard.press("Home")
    first = int(thumb.get_attribute("aria-valuemin"))
    expect(thumb).to_have_attribute("aria-valuenow", str(first))
    wait_for_title(app, "map", "(t, want) => t.endsWith(want)", f", {first}")

    play = app.locator("#play")
    play.click()
    expect(play).to_have_text(re.compile("Pause"))
    app.wait_for_function(
        "(first) => Number(document.querySelector('#year [role=slider]')"
        ".getAttribute('aria-valuenow')) > first",
        arg=first,
    )
    play.click()
    expect(play).to_have_text(re.compile("Play"))
    settle(app)
    paused_at = slider_year(app)
    assert paused_at > first
    wait_for_title(app, "map", "(t, want) => t.endsWith(want)", f", {paused_at}")
    # Paused: two timer periods (1.2 s each) must pass without another step.
    app.wait_for_timeout(2600)
    assert slider_year(app) == paused_at
    assert figure(app, "map")["title"].endswith(f", {paused_at}")
    watch.assert_clean()


@pytest.mark.browser
def test_csv_download_matches_the_filter_on_screen(app: Page, ds: Dataset, watch: Watch):
    choose(app, "group", "Africa (ITU)")
    low = app.locator("#trend-range input.dash-range-slider-min-input")
    low.fill("2010")
    low.press("Tab")
    expect(app.locator("#download-note")).to_contain_text("for the trend (2010–")
    settle(app)

    indicator = indicator_on_screen(app, ds)
    group = group_id(ds, app.locator("#group-value").inner_text().strip())
    assert group == "itu-africa"
    start, end = trend_range(app)
    assert start == 2010
    year = slider_year(app)
    tolerance = tolerance_on_screen(app)
    if tolerance is None:
        tolerance = views.indicator_tolerance(ds, indicator)
    members = set(ds.groups[group]["members"])

    raw, header, rows = download_rows(app, "download-view")
    assert raw.startswith(BOM.encode("utf-8")), "the CSV has no UTF-8 byte order mark"
    assert [c for c in header if c in EXPORT_HEADER] == list(EXPORT_HEADER), header
    on_map = [r for r in rows if r["chart"] == "map"]
    on_trend = [r for r in rows if r["chart"] == "trend"]
    # The map's rows: every member of the group, for the map's year, "no data" included.
    assert {r["iso3"] for r in on_map} == members
    for row in on_map:
        assert row["indicator"] == indicator, row
        assert int(row["requested_year"]) == year, row
        if row["value"] != "":
            assert year - tolerance <= int(row["year_of_data"]) <= year, row
        else:
            assert row["value_status"] == "no data", row
    expected = views.map_frame(ds, indicator, year, tolerance=tolerance)
    expected = expected.loc[expected["iso3"].isin(members) & expected["value"].notna()]
    assert {r["iso3"] for r in on_map if r["value"] != ""} == set(expected["iso3"])
    # The trend's rows: the lines it draws, World's and Africa's, over the trend's years.
    assert {r["group"] for r in on_trend} == {"world", group}
    assert {int(r["requested_year"]) for r in on_trend} == set(range(start, end + 1))
    assert note_count(app) == len(on_map)

    _, header_all, rows_all = download_rows(app, "download-all")
    assert set(EXPORT_HEADER) <= set(header_all)
    everything = ds.subset(indicator)
    assert len(rows_all) == len(everything)
    assert {r["indicator"] for r in rows_all} == {indicator}
    assert {(r["iso3"], int(r["year_of_data"])) for r in rows_all} == {
        (str(i), int(y)) for i, y in zip(everything["iso3"], everything["year"], strict=True)
    }
    watch.assert_clean()


@pytest.mark.browser
@pytest.mark.parametrize(
    ("query", "parameter"),
    [
        ("observations?indicator=nope", "indicator"),
        ("observations?indicator=internet_users_pct&year=abc", "year"),
        ("aggregates?indicator=internet_users_pct&year=2022&groups=nope", "groups"),
    ],
)
def test_api_answers_400_to_bad_parameters(page: Page, live_server: str, query, parameter):
    response = page.request.get(f"{live_server}/api/v1/{query}")
    assert response.status == 400
    assert response.headers["content-type"].startswith("application/json")
    error = response.json()["error"]
    assert error["parameter"] == parameter
    assert error["message"]


@pytest.mark.browser
def test_api_answers_a_good_query(page: Page, live_server: str, ds: Dataset):
    response = page.request.get(
        f"{live_server}/api/v1/observations?indicator=internet_users_pct&group=itu-africa&year=2022"
    )
    assert response.status == 200
    body = response.json()
    members = set(ds.groups["itu-africa"]["members"])
    # Without a tolerance, the indicator's own window (two years for Internet use).
    expected = views.export_rows(
        ds,
        "internet_users_pct",
        countries=sorted(members),
        start=2022,
        end=2022,
        tolerance=views.indicator_tolerance(ds, "internet_users_pct"),
    )
    assert body["count"] == len(body["rows"]) == len(expected) > 0
    assert {r["iso3"] for r in body["rows"]} <= members


def _wait_for_traces(page: Page, graph_id: str, minimum: int = 1) -> dict:
    page.wait_for_function(
        """([id, minimum]) => {
             const g = document.querySelector(`#${id} .js-plotly-plot`);
             return g && g.offsetParent !== null && g.data && g.data.length >= minimum;
           }""",
        arg=[graph_id, minimum],
    )
    return figure(page, graph_id)


def _points(trace: dict) -> int:
    values = trace["x"] or trace["locations"] or []
    return sum(v is not None for v in values)


@pytest.mark.browser
def test_each_tab_renders_its_views(app: Page, ds: Dataset, watch: Watch):
    click_tab(app, "Mobile coverage")
    wait_for_title(app, "map", "(t) => t.startsWith('Population covered by at least a 4G')")
    coverage = _wait_for_traces(app, "theme-view", 4)
    assert {t["type"] for t in coverage["traces"]} == {"bar"}
    assert {t["name"] for t in coverage["traces"]} >= {"4G", "not covered"}
    assert all(_points(t) > 1 for t in coverage["traces"])
    rural = wait_for_title(
        app, "theme-view-2", "(t) => t.startsWith('The rural divide: mobile coverage')"
    )
    urban = [t for t in rural["traces"] if t["name"] == "Urban areas"]
    assert len(urban) == 3 and all(_points(t) == 7 for t in urban)  # 3G, 4G, 5G × 7 groups
    settle(app)

    click_tab(app, "Affordability")
    expect(app.locator("#unit-row")).to_be_visible()
    spread = wait_for_title(app, "theme-view", "(t) => t.includes('% of monthly GNI')")
    boxes = [t for t in spread["traces"] if t["type"] == "box"]
    assert boxes and boxes[0]["name"] == "World"
    assert _points(boxes[0]) >= 100
    settle(app)

    click_tab(app, "Gender gap")
    dumbbell = wait_for_title(app, "theme-view", "(t) => t.startsWith('Internet use by sex')")
    names = {t["name"] for t in dumbbell["traces"]}
    assert {"Women", "Men"} <= names
    assert all(_points(t) > 20 for t in dumbbell["traces"] if t["name"] in ("Women", "Men"))
    people = _wait_for_traces(app, "theme-view-2", 2)
    assert [t["type"] for t in people["traces"]] == ["bar", "bar"]
    settle(app)

    click_tab(app, "Regional summary")
    expect(app.locator("#theme-section")).to_be_hidden()
    itu = ["World"] + [g["label"] for g in ds.groups.values() if g["kind"] == "itu"]
    wait_for_summary_labels(app, itu)
    assert all(summary_column(app, f"{SUMMARY_INDICATORS[0]}__value"))
    region = wait_for_title(app, "region-map", "(t) => t.includes('by ITU region')")
    regions = [t for t in region["traces"] if t["type"] == "choropleth"]
    assert regions and sum(_points(t) for t in regions) == len(views.ITU_REGION_GROUPS)
    divide = wait_for_title(app, "divide", "(t) => t.startsWith('The divide:')")
    assert [t["name"] for t in divide["traces"]][:2] == [
        ds.groups["income-high"]["label"],
        ds.groups["ldc"]["label"],
    ]
    assert all(_points(t) > 5 for t in divide["traces"][:2])
    settle(app)

    click_tab(app, "Access & use")
    expect(app.locator("#summary-section")).to_be_hidden()
    wait_for_title(app, "map", "(t) => t.startsWith('Individuals using the Internet, ')")
    rural = wait_for_title(
        app, "theme-view", "(t) => t.startsWith('The rural divide: Internet use')"
    )
    assert {t["name"] for t in rural["traces"]} >= {"Urban areas", "Rural areas"}
    expect(app.locator("#theme-view-2")).to_be_hidden()
    watch.assert_clean()


@pytest.mark.browser
def test_an_address_opens_its_view_and_follows_the_controls(
    page: Page, ds: Dataset, watch: Watch, live_server: str
):
    query = "theme=coverage&indicator=coverage_3g_pct&group=ldc&year=2019&countries=KEN"
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{live_server}/?{query}")
    page.wait_for_function(MAP_DRAWN_JS)
    settle(page)
    assert slider_year(page) == 2019
    expect(page.locator("#group-value")).to_have_text("Least developed countries (LDCs)")
    fig = assert_map_matches(page, ds, "ldc")
    assert fig["title"].startswith("Population covered by at least a 3G")
    assert "Kenya" in trace_names(page, "trend")
    expect(page.locator("#url-notice")).to_have_text("")
    # The address bar and the link follow the controls.
    page.locator("#year [role=slider]").focus()
    page.keyboard.press("ArrowLeft")
    settle(page)
    page.wait_for_function("() => location.search.includes('year=2018')")
    link = page.locator("#share-link").get_attribute("href")
    assert "year=2018" in link and "group=ldc" in link and "countries=KEN" in link
    assert not watch.errors, watch.errors


@pytest.mark.browser
def test_a_mistyped_address_says_what_it_ignored(page: Page, watch: Watch, live_server: str):
    page.goto(f"{live_server}/?theme=gender&year=soon&group=atlantis")
    page.wait_for_function(MAP_DRAWN_JS)
    notice = page.locator("#url-notice")
    expect(notice).to_contain_text("atlantis")
    expect(notice).to_contain_text("soon")
    expect(page.locator("#theme-tabs .tab--selected")).to_have_text("Gender gap")
    # What the page changes it names too: economies beyond the limit, a year before the
    # indicator's first, a parameter given twice.
    ds = load_dataset()
    codes = list(ds.countries.index[:25])
    first, _last = views.year_span(ds, "internet_users_pct")
    page.goto(f"{live_server}/?countries={','.join(codes)}&year=1960&tolerance=2&tolerance=3")
    page.wait_for_function(MAP_DRAWN_JS)
    expect(notice).to_contain_text("5 left out")
    expect(notice).to_contain_text(", ".join(codes[20:]))
    expect(notice).to_contain_text(f"year 1960 is outside this indicator's years, {first} to")
    expect(notice).to_contain_text("tolerance given 2 times")
    assert slider_year(page) == first
    assert not watch.errors, watch.errors


@pytest.mark.browser
def test_summary_table_sorts_by_a_clicked_column(app: Page, ds: Dataset, watch: Watch):
    click_tab(app, "Regional summary")
    itu = ["World"] + [g["label"] for g in ds.groups.values() if g["kind"] == "itu"]
    wait_for_summary_labels(app, itu)
    column = f"{SUMMARY_INDICATORS[0]}__value"
    header = app.locator("#summary-table th:has(button.sort) >> nth=0")
    header.locator("button").click()
    expect(header).to_have_attribute("aria-sort", "descending")
    values = [None if s == "—" else float(s) for s in summary_column(app, column)]
    present = [v for v in values if v is not None]
    assert present == sorted(present, reverse=True)
    assert values[len(present) :] == [None] * (len(values) - len(present))
    header.locator("button").click()
    expect(header).to_have_attribute("aria-sort", "ascending")
    values = [float(s) for s in summary_column(app, column) if s != "—"]
    assert values == sorted(values)
    watch.assert_clean()


def axe_violations(page: Page) -> list[str]:
    """What axe-core finds wrong with the page as it is now, one line per rule broken."""
    settle(page)
    results = Axe().run(page)
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes'][:3]]}"
        for v in results.response["violations"]
    ]


@pytest.mark.slow
@pytest.mark.browser
def test_every_tab_passes_the_accessibility_checks(app: Page, watch: Watch):
    """axe-core (WCAG 2 A/AA rules and best practices) finds nothing on any tab."""
    assert axe_violations(app) == []
    for label in ("Mobile coverage", "Affordability", "Gender gap", "Regional summary"):
        click_tab(app, label)
        app.wait_for_timeout(300)  # the tab's views start their callbacks
        assert axe_violations(app) == [], label
    watch.assert_clean()


@pytest.mark.browser
def test_the_keyboard_reaches_and_names_every_control(app: Page, ds: Dataset):
    """Tab reaches the theme tabs and the controls; each says what it is and what it holds."""
    selected = app.locator("#theme-tabs [role=tab][aria-selected=true]")
    expect(selected).to_have_text("Access & use")
    selected.focus()
    app.keyboard.press("ArrowRight")
    expect(app.locator("#theme-tabs [role=tab][aria-selected=true]")).to_have_text(
        "Mobile coverage"
    )
    wait_for_title(app, "map", "(t) => t.startsWith('Population covered by at least a 4G')")
    settle(app)

    app.keyboard.press("Tab")
    indicator = app.locator("#indicator")
    expect(indicator).to_be_focused()
    expect(indicator).to_have_accessible_name(
        re.compile(r"^Indicator\s+Population covered by at least a 4G")
    )
    app.keyboard.press("ArrowDown")
    expect(indicator).to_have_attribute("aria-expanded", "true")
    options = app.locator(".dash-dropdown-content [role=option]")
    expect(options.first).to_be_visible()
    # The list takes focus once it has opened; keys pressed before then go to the button.
    app.wait_for_function("() => !!document.activeElement?.closest('.dash-dropdown-content')")
    app.keyboard.press("End")
    expect(options.last.locator("input")).to_be_focused()
    app.keyboard.press("Enter")
    expect(indicator).to_have_attribute("aria-expanded", "false")
    last = indicator_options("coverage", ds.catalog)[-1]["label"]
    expect(app.locator("#indicator-value")).to_have_text(last)
    title = last.removesuffix(" (groups only)")
    wait_for_title(app, "map", "(t, want) => t.startsWith(want)", title)

    kinds = app.locator("#group-kind")
    expect(kinds).to_have_attribute("role", "radiogroup")
    expect(kinds).to_have_accessible_name("Groups")
    expect(kinds.get_by_role("radio")).to_have_count(len(GROUP_KINDS))
    expect(app.locator("#year [role=slider]")).to_have_accessible_name("Year")
    expect(app.locator("#trend-range .dash-range-slider-min-input")).to_have_accessible_name(
        "First year of the trend"
    )


# --------------------------------------------------------------------------- numbers to quote


@pytest.mark.browser
def test_arab_states_trend_shows_our_estimate_beside_itus_series(
    page: Page, ds: Dataset, watch: Watch, live_server: str
):
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{live_server}/?group=itu-arab-states&start=2015&end=2023")
    page.wait_for_function(MAP_DRAWN_JS)
    settle(page)
    trend = figure(page, "trend")
    lines = {t["name"]: t for t in trend["traces"]}
    ours, itu = "Arab States (ITU), our estimate", "Arab States (ITU), ITU estimate"
    assert {ours, itu} <= set(lines), list(lines)
    # Both are drawn as labelled legend entries, ITU's dotted.
    for name in (ours, itu):
        expect(page.locator("#trend .legend .legendtext", has_text=name)).to_have_count(1)
    styles = page.evaluate(
        """() => {
             const g = document.querySelector('#trend .js-plotly-plot');
             return g.data.map((t) => ({name: t.name, dash: t.line && t.line.dash}));
           }"""
    )
    assert {s["name"]: s["dash"] for s in styles}[itu] == "dot"
    official = views.group_values(
        ds, "internet_users_pct", ["itu-arab-states"], range(2015, 2024), method="official"
    )
    assert lines[itu]["y"] == pytest.approx(official["value"].tolist())
    estimate = views.group_values(ds, "internet_users_pct", ["itu-arab-states"], range(2015, 2024))
    assert lines[ours]["y"] == pytest.approx(estimate["value"].tolist())
    # Quotable: our estimate for 2023 within 3 points of ITU's.
    assert abs(lines[ours]["y"][-1] - lines[itu]["y"][-1]) < 3
    expect(page.locator("#trend-note")).to_contain_text("our estimate")
    watch.assert_clean()


@pytest.mark.browser
def test_a_carried_forward_country_is_drawn_lighter_on_the_map(
    page: Page, ds: Dataset, watch: Watch, live_server: str
):
    year = 2024
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{live_server}/?year={year}")
    page.wait_for_function(MAP_DRAWN_JS)
    settle(page)
    frame = views.map_frame(ds, "internet_users_pct", year, tolerance=2)
    stale = frame.loc[frame["value"].notna() & (frame["year"] < year), "iso3"].tolist()
    fresh = frame.loc[frame["value"].notna() & (frame["year"] == year), "iso3"].tolist()
    assert stale and fresh
    drawn = page.evaluate(
        """() => Object.fromEntries(
             Array.from(document.querySelectorAll('#map path.choroplethlocation'))
               .map((p) => [p.__data__.loc, {
                 trace: p.parentNode.__data__[0].trace.name,
                 opacity: parseFloat(getComputedStyle(p).opacity),
               }]))"""
    )
    earlier = f"Earlier year than {year} (lighter)"
    for iso3 in stale:
        if iso3 in drawn:
            assert drawn[iso3]["trace"] == earlier, iso3
            assert drawn[iso3]["opacity"] <= 0.6, (iso3, drawn[iso3])
    fresh_drawn = [drawn[i] for i in fresh if i in drawn]
    assert fresh_drawn and all(d["opacity"] == 1 for d in fresh_drawn)
    expect(page.locator("#map .legend .legendtext", has_text=earlier)).to_have_count(1)
    watch.assert_clean()


@pytest.mark.browser
def test_the_price_trend_has_no_point_for_2022(
    page: Page, ds: Dataset, watch: Watch, live_server: str
):
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{live_server}/?theme=affordability&group=ldc&start=2015&end=2025")
    page.wait_for_function(MAP_DRAWN_JS)
    settle(page)
    trend = figure(page, "trend")
    # Prices are medians, never estimated: the lines say they are reported values only.
    groups = [t for t in trend["traces"] if t["name"].endswith(", reported values only")]
    assert len(groups) == 2, [t["name"] for t in trend["traces"]]
    for trace in groups:
        points = dict(zip(trace["x"], trace["y"], strict=True))
        assert points[2021] is not None and points[2024] is not None
        assert points[2022] is None and points[2023] is None, trace["name"]
    watch.assert_clean()
