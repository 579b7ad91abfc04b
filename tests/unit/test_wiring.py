"""Wiring: every callback id exists in the layout, every callback runs on the real data, and the
server answers its routes. No browser here; see tests/integration for that."""

from __future__ import annotations

import json
import re
from contextvars import copy_context

import plotly.graph_objects as go
import pytest
from dash import no_update
from dash._callback_context import context_value
from dash._utils import AttributeDict

import app as dashboard
from callbacks import charts, controls, export
from components import ids
from components.layout import walk
from components.themes import THEMES


@pytest.fixture(scope="module")
def client():
    return dashboard.server.test_client()


def page_layout():
    """The layout a page load gets (the layout is a function of the page's address)."""
    layout = dashboard.app.layout
    return layout() if callable(layout) else layout


def layout_ids(component) -> set[str]:
    found = set()
    stack = [component]
    while stack:
        node = stack.pop()
        node_id = getattr(node, "id", None)
        if isinstance(node_id, str) and node_id:
            found.add(node_id)
        elif isinstance(node_id, dict):  # a pattern-matching id counts by its type
            found.add(node_id["type"])
        children = getattr(node, "children", None)
        if isinstance(children, (list, tuple)):
            stack.extend(children)
        elif children is not None and not isinstance(children, (str, int, float)):
            stack.append(children)
    return found


def dependency_ids(client) -> set[str]:
    deps = client.get("/_dash-dependencies").get_json()
    found = set()
    for dep in deps:
        for item in dep["inputs"] + dep["state"]:
            if not str(item["id"]).startswith("{"):  # pattern-matching ids are made later
                found.add(item["id"])
        for output in dep["output"].strip(".").split("..."):
            if not output.startswith("{"):  # pattern-matching outputs, likewise
                found.add(output.split(".")[0])
    return found


def test_every_callback_id_is_in_the_layout(client):
    in_layout = layout_ids(page_layout())
    used = dependency_ids(client)
    assert used, "no callbacks registered"
    assert used <= in_layout, f"callback ids missing from the layout: {sorted(used - in_layout)}"


def test_every_declared_id_is_used_once_in_the_layout():
    declared = {v for k, v in vars(ids).items() if k.isupper()}
    in_layout = layout_ids(page_layout())
    assert declared <= in_layout, sorted(declared - in_layout)


@pytest.mark.parametrize(
    "path", ["/", "/_dash-layout", "/_dash-dependencies", "/healthz", "/api/v1/indicators"]
)
def test_routes_answer(client, path):
    assert client.get(path).status_code == 200


def test_unknown_page_is_a_friendly_404(client):
    response = client.get("/no/such/page")
    assert response.status_code == 404
    assert b"Digital Divide Dashboard" in response.data


def test_maps_read_geometry_from_local_assets():
    graphs = [c for c in walk(page_layout()) if getattr(c, "id", None) in (ids.MAP, ids.REGION_MAP)]
    assert len(graphs) == 2
    for graph in graphs:
        # Named after the files' content, so browsers may keep them (see static_files.py).
        assert re.fullmatch(r"/assets/topojson/[0-9a-f]{12}/", graph.config["topojsonURL"])


def test_every_chart_saves_a_named_image_and_shares_nothing():
    graphs = [c for c in walk(page_layout()) if type(c).__name__ == "Graph"]
    assert len(graphs) >= 6
    names = [g.config["toImageButtonOptions"]["filename"] for g in graphs]
    assert names == [f"digital-divide-{g.id}" for g in graphs]
    assert all(g.config["showSendToCloud"] is False for g in graphs)
    assert all(g.config["toImageButtonOptions"]["scale"] == 3 for g in graphs)


def test_map_geometry_may_be_kept_by_the_browser(client):
    url = next(
        g.config["topojsonURL"] for g in walk(page_layout()) if getattr(g, "id", 0) == ids.MAP
    )
    response = client.get(url + "world_110m.json")
    try:
        assert response.status_code == 200
        assert response.cache_control.public and response.cache_control.immutable
        assert response.cache_control.max_age >= 365 * 86400
        assert not response.cache_control.no_cache
    finally:
        response.close()  # a file response holds the file open until closed
    page = client.get("/")
    assert page.cache_control.max_age is None  # the page itself is never kept stale


def test_page_asks_at_once_for_what_its_scripts_would_fetch_later(client):
    """The page lists its layout, its callbacks, Dash's lazily loaded scripts and the map
    geometry as preloads; each answers, and the page no longer carries a copy of its whole
    layout (Dash's validation layout, for debug mode only)."""
    page = client.get("/").get_data(as_text=True)
    assert "validation_layout" not in page
    assert len(page) < 20_000, len(page)
    links = re.findall(r'<link rel="preload" href="([^"]+)" as="(\w+)"', page)
    assert len(links) == 6, links
    assert {kind for _href, kind in links} == {"fetch", "script"}
    for href, _kind in links:
        response = client.get(href)
        try:
            assert response.status_code == 200, href
        finally:
            response.close()
    french = client.get("/fr/").get_data(as_text=True)
    assert re.findall(r'<link rel="preload" href="([^"]+)"', french) == [h for h, _ in links]


def test_page_transfers_are_compressed(client):
    response = client.get("/_dash-layout", headers={"Accept-Encoding": "gzip"})
    assert response.headers.get("Content-Encoding") in ("gzip", "br")


def test_update_component_endpoint_returns_the_map(client):
    payload = {
        "output": "..map.figure...map-status.children..",
        "outputs": [
            {"id": "map", "property": "figure"},
            {"id": "map-status", "property": "children"},
        ],
        "inputs": [
            {"id": "theme-tabs", "property": "value", "value": "access"},
            {"id": "indicator", "property": "value", "value": "internet_users_pct"},
            {"id": "unit", "property": "value", "value": "gni_pct"},
            {"id": "year", "property": "value", "value": 2022},
            {"id": "tolerance", "property": "value", "value": 0},
            {"id": "group", "property": "value", "value": "ldc"},
        ],
        "changedPropIds": ["year.value"],
        "state": [{"id": "lang", "property": "data", "value": "en"}],
    }
    response = client.post("/_dash-update-component", json=payload)
    assert response.status_code == 200
    body = json.loads(response.data)
    figure = body["response"]["map"]["figure"]
    assert figure["data"] and "2022" in json.dumps(figure["layout"]["title"])
    assert "economies show 2022" in body["response"]["map-status"]["children"]


@pytest.mark.parametrize(
    ("theme", "indicator"),
    [(t.id, i) for t in THEMES.values() for i in t.indicators],
)
def test_map_and_trend_for_every_indicator(theme, indicator):
    tolerance = THEMES[theme].tolerance
    figure, status = charts.update_map(theme, indicator, "gni_pct", 2020, tolerance, "world")
    assert isinstance(figure, go.Figure) and figure.data
    assert "economies show" in status or "groups of economies only" in status
    trend, _ = charts.update_trend(
        theme, indicator, "gni_pct", "itu-africa", ["KEN"], [2010, 2022], tolerance
    )
    assert isinstance(trend, go.Figure)
    # Either lines, or a figure that says there is nothing to draw (never an exception).
    assert trend.data or "data" in json.dumps(trend.layout.annotations[0].text).lower()


@pytest.mark.parametrize("theme", list(THEMES))
def test_theme_views_and_summary(theme):
    default = THEMES[theme].default
    main, _main_style, second, _style, _note = charts.update_theme_view(
        theme, default, "gni_pct", "itu", "itu-africa", 2021, THEMES[theme].tolerance
    )
    assert isinstance(main, go.Figure) and isinstance(second, go.Figure)
    rows, region_map = charts.update_summary(theme, default, "income", 2021, 2)
    divide = charts.update_divide(theme, default, "income-high", "ldc", [2005, 2023], 2)
    if theme == "summary":
        assert [r["label"] for r in rows][:2] == ["World", "Low income"]
        # The region map follows the chosen indicator, not the table's last column.
        assert "Internet" in region_map.layout.title.text
        assert "parity" not in region_map.layout.title.text
        assert {"label", "internet_users_pct__value", "internet_users_pct__coverage"} <= set(
            rows[0]
        )
        table = charts.update_summary_table(rows, {"field": None, "descending": False})
        assert len(table.children[-1].children) == len(rows)
        assert region_map.data and divide.data
    if theme in ("coverage", "affordability", "gender"):
        assert main.data


def credit_of(fig: go.Figure) -> str:
    texts = [a.text for a in fig.layout.annotations if a.name == "credit"]
    assert len(texts) == 1, f"expected one credit line, found {texts}"
    return texts[0]


ITU_CREDIT = "ITU (CC BY-NC-SA 3.0 IGO)"
POPULATION_CREDIT = "UN DESA Population Division (CC BY 4.0)"


def test_every_chart_credits_its_sources_and_licence():
    """Charts carry their credits inside the figure, so a saved image keeps them."""
    figure, _ = charts.update_map("access", "internet_users_pct", "gni_pct", 2022, 2, "world")
    assert ITU_CREDIT in credit_of(figure) and "Boundaries" in credit_of(figure)
    assert POPULATION_CREDIT not in credit_of(figure)  # country values need no weights
    trend, _ = charts.update_trend(
        "access", "internet_users_pct", "gni_pct", "ldc", [], [2010, 2022], 2
    )
    assert ITU_CREDIT in credit_of(trend) and POPULATION_CREDIT in credit_of(trend)
    coverage, *_ = charts.update_theme_view(
        "coverage", "coverage_4g_pct", "gni_pct", "itu", "world", 2022, 2
    )
    assert ITU_CREDIT in credit_of(coverage) and POPULATION_CREDIT in credit_of(coverage)
    prices, *_ = charts.update_theme_view(
        "affordability", "price_mobile_1gb_a4ai", "gni_pct", "itu", "world", 2022, 2
    )
    assert credit_of(prices).startswith("Source: Alliance for Affordable Internet (CC BY 4.0).")
    dumbbell, _s, people, *_ = charts.update_theme_view(
        "gender", "internet_gender_parity", "gni_pct", "itu", "itu-africa", 2022, 5
    )
    assert ITU_CREDIT in credit_of(dumbbell) and POPULATION_CREDIT in credit_of(people)
    _rows, region_map = charts.update_summary("summary", "internet_users_pct", "itu", 2022, 2)
    assert "Boundaries" in credit_of(region_map)
    divide = charts.update_divide(
        "summary", "internet_users_pct", "income-high", "ldc", [2005, 2023], 2
    )
    assert ITU_CREDIT in credit_of(divide) and POPULATION_CREDIT in credit_of(divide)
    ownership, _ = charts.update_map(
        "gender", "mobile_ownership_gender_parity", "gni_pct", 2019, 5, "world"
    )
    assert "ITU" not in credit_of(ownership)
    assert "UN Statistics Division (free to reuse with citation)" in credit_of(ownership)


@pytest.mark.parametrize(
    "junk",
    [
        {"year": None, "tolerance": None, "group": None},
        {"year": "abc", "tolerance": -4, "group": "nope"},
        {"year": 1800, "tolerance": 99, "group": 12},
        {"year": 3000, "tolerance": "2", "group": ["world"]},
    ],
)
def test_callbacks_survive_crafted_values(junk):
    figure, status = charts.update_map(
        "nope", "not-an-indicator", "xyz", junk["year"], junk["tolerance"], junk["group"]
    )
    assert figure.data and "economies show" in status
    trend, _ = charts.update_trend(
        "access", "x", None, junk["group"], ["ZZZ", 5, None], None, junk["tolerance"]
    )
    assert isinstance(trend, go.Figure)
    note = export.update_download_note(
        "access",
        None,
        None,
        junk["group"],
        "KEN",
        junk["year"],
        ["a", "b"],
        junk["tolerance"],
        junk["group"],
        junk["group"],
    )
    assert "rows its charts draw" in note


def triggered_by(prop_id: str, function, *args):
    """Run a callback as if ``prop_id`` had fired (Dash's documented way to test ctx)."""

    def run():
        context_value.set(AttributeDict(triggered_inputs=[{"prop_id": prop_id, "value": None}]))
        return function(*args)

    return copy_context().run(run)


def test_year_control_follows_the_indicator_and_play():
    out = triggered_by(
        "theme-tabs.value",
        controls.update_year,
        "coverage",
        "coverage_4g_pct",
        None,
        0,
        2024,
        True,
        [2000, 2024],
    )
    first, last, _marks, year, paused, label, _f, _l, _m, trend_range = out
    assert (first, last) == (2012, 2024) and year == 2024 and paused is True
    assert label.endswith("Play") and trend_range == [2012, 2024]
    # Play from the last year starts again at the first.
    out = triggered_by("play.n_clicks", controls.toggle_play, 1, True, 2024, "coverage", None, None)
    assert out == (False, "❚❚ Pause", 2012)
    # Each tick moves one year on, leaving the timer as it is; the last year stops it.
    out = triggered_by(
        "play-timer.n_intervals", controls.update_year, "coverage", None, None, 1, 2015, False, None
    )
    assert out[3] == 2016 and out[4] is no_update and out[5] is no_update
    out = triggered_by(
        "play-timer.n_intervals", controls.update_year, "coverage", None, None, 9, 2023, False, None
    )
    assert out[3] == 2024 and out[4] is True
    # A tick that arrives after Pause changes nothing.
    out = triggered_by(
        "play-timer.n_intervals", controls.update_year, "coverage", None, None, 9, 2018, True, None
    )
    assert all(o is no_update for o in out)
    # Pausing keeps the year where it is.
    out = triggered_by(
        "play.n_clicks", controls.toggle_play, 2, False, 2018, "coverage", None, None
    )
    assert out[0] is True and out[1].endswith("Play") and out[2] is no_update


def test_summary_sorting_toggles_on_the_same_column():
    button = {"type": "summary-sort", "field": "internet_users_pct__value"}
    prop = json.dumps(button, separators=(",", ":")) + ".n_clicks"
    first = triggered_by(prop, charts.sort_summary, [1], {"field": None, "descending": False})
    assert first == {"field": "internet_users_pct__value", "descending": True}
    second = triggered_by(prop, charts.sort_summary, [2], first)
    assert second == {"field": "internet_users_pct__value", "descending": False}


def test_clicking_the_map_adds_a_country():
    click = {"points": [{"location": "KEN"}]}
    assert controls.add_clicked_country(click, ["IND"]) == ["IND", "KEN"]
    assert controls.add_clicked_country({"points": [{"location": "???"}]}, []) is not None


def test_group_options_follow_the_grouping():
    options, value = controls.update_group_options("income", "itu-africa")
    assert value == "world"  # no income group is mostly Africa
    # A group of the new kind that is nearly the same economies stays chosen.
    assert controls.update_group_options("un", "itu-africa")[1] == "un-africa"
    assert controls.update_group_options("itu", "un-europe")[1] == "itu-europe"
    assert controls.update_group_options("income", "ldc")[1] == "income-low"
    assert controls.update_group_options("development", "income-low")[1] == "ldc"
    assert controls.update_group_options("un", "itu-arab-states")[1] == "world"
    assert controls.update_group_options("un", "un-asia")[1] == "un-asia"
    assert [o["value"] for o in options] == [
        "world",
        "income-low",
        "income-lower-middle",
        "income-upper-middle",
        "income-high",
    ]


def test_sources_panel_names_source_and_itu_notice():
    panel = export.update_sources("access", "internet_users_pct", None)
    text = json.dumps([c.to_plotly_json() for c in panel], default=str)
    assert "CC BY-NC-SA 3.0 IGO" in text and "International Telecommunication Union" in text
    context = export.update_sources("access", "gni_per_capita_usd", None)  # not in the theme
    assert context  # falls back to the theme's default indicator, never an error


def test_a_groups_only_series_maps_itus_regions_and_draws_only_itus_lines():
    figure, status = charts.update_map("coverage", "coverage_5g_pct", None, 2024, "auto", "world")
    assert "groups of economies only" in status
    assert "by ITU region, 2024" in figure.layout.title.text
    assert "not by country" in figure.layout.title.subtitle.text
    regions = [t for t in figure.data if t.type == "choropleth"]
    assert sum(len(t.locations) for t in regions) == 6
    trend, note = charts.update_trend(
        "coverage", "coverage_5g_pct", None, "ldc", [], [2018, 2024], "auto"
    )
    assert [t.name for t in trend.data] == [
        "World, ITU estimate",
        "Least developed countries (LDCs), ITU estimate",
    ]
    assert "groups of economies only" in note


def test_summary_shows_our_estimate_beside_itus_with_the_share_reported():
    rows, _ = charts.update_summary("summary", "internet_users_pct", "itu", 2023, "auto")
    world = next(r for r in rows if r["label"] == "World")
    assert world["internet_users_pct__itu"] == pytest.approx(65.4)
    assert 0 < world["internet_users_pct__reported"] <= 100
    table = charts.update_summary_table(
        rows, {"field": None, "descending": False}, 2023, "estimated", "internet_users_pct"
    )
    text = str(table)
    assert "Group values in 2023" in text and "our estimates" in text
    assert "'ITU'" in text and "'reported'" in text


def test_summary_marks_partial_reported_only_values_in_the_cell():
    rows, _ = charts.update_summary(
        "summary", "internet_users_pct", "development", 2023, "auto", "reported"
    )
    flagged = [r for r in rows if any(r[k] == "partial" for k in r if k.endswith("__flag"))]
    assert flagged, "some group has 50–80% coverage in 2023"
    table = charts.update_summary_table(
        rows, {"field": None, "descending": False}, 2023, "reported", "internet_users_pct"
    )
    text = str(table)
    assert " partial" in text and "reported values only" in text


def test_pages_outside_dash_get_dashs_icon(client):
    """Profiles, the projector view and the API docs name no icon: browsers ask for
    /favicon.ico, which leads to Dash's (no 404 in their consoles)."""
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    icon = client.get(response.headers["Location"])
    try:
        assert icon.status_code == 200
        assert icon.cache_control.max_age > 0
    finally:
        icon.close()
