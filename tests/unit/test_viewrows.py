"""One definition of the rows behind a view: the charts draw them, the table shows them, the CSV
button and the data API's /view give them."""

from __future__ import annotations

import base64
import csv
import io
from contextvars import copy_context

import pytest
from dash._callback_context import context_value
from dash._utils import AttributeDict

import app as dashboard
from callbacks import charts, export
from components import ids
from components.data_table import rows_table
from components.layout import walk
from data import viewrows, views
from data.load import load_dataset

# (page address query, the controls it sets: theme, indicator, unit, group, countries, year,
# trend range, tolerance, method, kind)
VIEWS = [
    ("", ("access", None, None, "world", [], None, None, "auto", "estimated", "itu")),
    (
        "?group=itu-africa&countries=TUR,KEN&year=2022&start=2015",
        (
            "access",
            None,
            None,
            "itu-africa",
            ["TUR", "KEN"],
            2022,
            [2015, 2025],
            "auto",
            None,
            "itu",
        ),
    ),
    (
        "?countries=KEN,IND&year=2020&start=2010&end=2020&tolerance=0&method=reported",
        ("access", None, None, "world", ["KEN", "IND"], 2020, [2010, 2020], 0, "reported", "itu"),
    ),
    (
        "?theme=coverage&indicator=coverage_5g_pct&kind=income&group=income-low&year=2023",
        ("coverage", "coverage_5g_pct", None, "income-low", [], 2023, None, "auto", None, "income"),
    ),
    (
        "?theme=affordability&unit=usd&group=ldc&kind=development&year=2021",
        ("affordability", None, "usd", "ldc", [], 2021, None, "auto", None, "development"),
    ),
    (
        "?theme=gender&group=itu-arab-states&countries=FRA&year=2022",
        ("gender", None, None, "itu-arab-states", ["FRA"], 2022, None, "auto", None, "itu"),
    ),
]


@pytest.fixture(scope="module")
def ds():
    return load_dataset()


@pytest.fixture(scope="module")
def client():
    return dashboard.server.test_client()


def parse(raw: bytes) -> list[dict]:
    return list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"), newline="")))


def button_csv(controls) -> bytes:
    """The CSV the "Download CSV of this view" button sends for ``controls``."""

    def run():
        fired = [{"prop_id": f"{ids.DOWNLOAD_VIEW}.n_clicks", "value": 1}]
        context_value.set(AttributeDict(triggered_inputs=fired))
        return export.download_csv(1, 0, *controls)

    sent = copy_context().run(run)
    return base64.b64decode(sent["content"])


@pytest.mark.parametrize(("query", "controls"), VIEWS)
def test_the_table_the_csv_and_the_api_give_the_same_rows(ds, client, query, controls):
    theme, choice, unit, group, countries, year, trend_range, tolerance, method, _kind = controls
    view = export.current_view(
        ds, theme, choice, unit, group, countries, year, trend_range, tolerance, method
    )
    table = export.view_table(ds, view)
    assert len(table) > 0
    csv_rows = parse(button_csv(controls))
    answer = client.get("/api/v1/view" + (query + "&" if query else "?") + "format=csv")
    assert answer.status_code == 200, answer.get_json()
    assert parse(answer.data) == csv_rows
    assert len(csv_rows) == len(table)
    # The download note counts them without building them.
    assert viewrows.row_counts(ds, view) == {
        chart: sum(r["chart"] == chart for r in csv_rows)
        for chart in (viewrows.MAP, viewrows.TREND)
    }
    assert [r["chart"] for r in csv_rows] == list(table["chart"])
    assert [r["iso3"] or r["group"] for r in csv_rows] == [
        i if isinstance(i, str) else g for i, g in zip(table["iso3"], table["group"], strict=True)
    ]
    # The toggle's tables show the same rows, chart by chart.
    spec = views.indicator_spec(ds, view.indicator)
    for chart in (viewrows.MAP, viewrows.TREND):
        shown = [
            c
            for c in walk(rows_table(ds, table, chart, spec))
            if getattr(c, "data-chart", None) == chart
        ]
        assert len(shown) == sum(r["chart"] == chart for r in csv_rows)


@pytest.mark.parametrize(("query", "controls"), VIEWS)
def test_the_rows_are_what_the_charts_draw(ds, query, controls):
    theme, choice, unit, group, countries, year, trend_range, tolerance, method, _kind = controls
    view = export.current_view(
        ds, theme, choice, unit, group, countries, year, trend_range, tolerance, method
    )
    table = viewrows.view_rows(ds, view)
    trend, _note = charts.update_trend(
        theme, choice, unit, view.group, list(view.countries), trend_range, tolerance, method
    )
    # Each line of the trend, point for point.
    drawn = {
        (int(x), round(float(y), 6))
        for t in trend.data
        if t.type == "scatter" and t.x is not None and t.y is not None and t.name
        for x, y in zip(t.x, t.y, strict=True)
        if y is not None
    }
    rows = table.loc[(table["chart"] == viewrows.TREND) & table["value"].notna()]
    frame = views.trend_frame(
        ds,
        view.indicator,
        countries=list(view.countries),
        groups=viewrows.trend_groups(view.group),
        start=view.start,
        end=view.end,
        tolerance=view.tolerance,
        method=view.method,
    ).dropna(subset=["value"])
    assert len(rows) == len(frame)
    # The CSV keeps two more decimals than the page shows.
    assert sorted(rows["value"]) == pytest.approx(sorted(frame["value"]), abs=1e-3)
    for line in frame.itertuples(index=False):
        assert any(x == int(line.year) and abs(y - line.value) < 1e-5 for x, y in drawn), line
    # The map: every economy it colours in the view's scope is a row with its value.
    figure, _status = charts.update_map(theme, choice, unit, year, tolerance, view.group)
    if views.groups_only(ds, view.indicator):
        assert set(table.loc[table["chart"] == "map", "group"]) == set(views.ITU_REGION_GROUPS)
        return
    scope = set(viewrows.map_economies(ds, view.group, view.countries))
    coloured = {
        loc: z
        for t in figure.data
        if t.type == "choropleth" and t.name not in ("No data",)
        for loc, z in zip(t.locations, t.z, strict=True)
        if z is not None and loc in scope
    }
    on_map = table.loc[(table["chart"] == viewrows.MAP) & table["value"].notna()]
    assert set(on_map["iso3"]) == set(coloured)
    assert len(table.loc[table["chart"] == viewrows.MAP]) == len(scope)


def test_one_rule_for_a_group_and_picked_countries(ds, client):
    africa = set(ds.groups["itu-africa"]["members"])
    assert set(viewrows.map_economies(ds, "itu-africa", ["TUR"])) == africa | {"TUR"}
    assert set(viewrows.map_economies(ds, "world", ["TUR"])) == set(ds.countries.index)
    # The observations API follows the same rule: the group's members and the countries.
    answer = client.get(
        "/api/v1/observations?indicator=internet_users_pct&group=itu-africa&countries=TUR&year=2022"
    )
    codes = {r["iso3"] for r in answer.get_json()["rows"]}
    assert "TUR" in codes and codes - {"TUR"} <= africa and len(codes) > 30


def test_the_summary_csv_is_its_table(ds):
    table = viewrows.summary_rows(ds, "income", 2023)
    shown = views.summary_table(ds, "income", list(dict.fromkeys(table["indicator"])), 2023)
    assert list(dict.fromkeys(table["group"])) == list(shown["group"])
    value = table.set_index(["group", "indicator"])["value"]
    for record in shown.to_dict("records"):
        for indicator in dict.fromkeys(table["indicator"]):
            ours = record[f"{indicator}__value"]
            cell = value[(record["group"], indicator)]
            assert (ours != ours and cell != cell) or cell == pytest.approx(ours, abs=1e-3)
    withheld = table.loc[table["value"].isna()]
    assert (withheld["value_status"] == viewrows.WITHHELD).all()
    assert (withheld["note"] != "").all()


def test_a_bad_view_query_is_a_clear_400(client):
    answer = client.get("/api/v1/view?year=abc")
    assert answer.status_code == 400
    assert answer.get_json()["error"]["parameter"] == "year"
    answer = client.get("/api/v1/view?nope=1")
    assert answer.status_code == 400
    assert answer.get_json()["error"]["parameter"] == "nope"


@pytest.mark.parametrize("theme", ["access", "coverage", "affordability", "gender"])
def test_every_theme_chart_has_a_table_of_what_it_draws(theme):
    import plotly.graph_objects as go

    from components.data_table import figure_table

    out = charts.update_theme_view(theme, None, "gni_pct", "itu", "world", 2023, "auto")
    for figure in (out[0], out[2]):
        if not figure.data:
            continue
        # As the page sends it back: a plain dict.
        table = figure_table(go.Figure(figure.to_dict()), "caption")
        body = [c for c in walk(table) if type(c).__name__ == "Tbody"][0]
        rows = body.children
        drawn = [t for t in figure.data if t.hoverinfo != "skip"]
        if drawn[0].type == "box":  # a row per economy, named in its hover text
            economies = {str(text).split("<br>")[0] for t in drawn for text in t.text}
            assert len(rows) == len(economies)
        else:
            categories = {c for t in drawn for c in t.y}
            assert len(rows) == len(categories)
        cells = [c.children for r in rows for c in r.children[1:]]
        assert any(cell != "—" for cell in cells)
