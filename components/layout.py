"""The page: controls, the map, trends, the theme views, the regional summary and sources.

Factories only: they return component trees and declare ids from ``components.ids``.
"""

from __future__ import annotations

from dash import dcc, get_asset_url, html
from dash.development.base_component import Component

from components import ids
from components.theme import GRAPH_CONFIG, graph_config
from components.themes import GROUP_KINDS, THEMES, UNITS, indicator_options, resolve_indicator
from components.urlstate import DEFAULTS
from data import views
from data.catalog import BOUNDARY_DISCLAIMER, ITU_NOTICE
from data.load import Dataset

TOLERANCE_OPTIONS = [
    {"label": "The indicator's standard window", "value": "auto"},
    {"label": "Show only the chosen year", "value": 0},
] + [
    {"label": f"Use the latest value within {k} year{'s' if k > 1 else ''}", "value": k}
    for k in range(1, 11)
]


METHOD_OPTIONS = [
    {"label": "Our estimate, gaps filled", "value": "estimated"},
    {"label": "Reported values only", "value": "reported"},
]


def graph(graph_id: str, *, map_: bool = False, height: str | None = None, **kwargs) -> dcc.Graph:
    """A chart with export settings for slides; maps read their geometry from our assets."""
    config = graph_config(
        toImageButtonOptions={
            **GRAPH_CONFIG["toImageButtonOptions"],
            "filename": f"digital-divide-{graph_id}",
        }
    )
    if map_:
        config["topojsonURL"] = get_asset_url("topojson/")
    if height:  # a style of None breaks dcc.Graph in the browser: leave it out instead
        kwargs["style"] = {"height": height}
    return dcc.Graph(id=graph_id, config=config, **kwargs)


def _label(text: str, target: str) -> html.Label:
    return html.Label(text, htmlFor=target, className="control-label")


def controls(ds: Dataset) -> html.Div:
    country_options = [
        {"label": f"{row.name} ({row.iso3})", "value": row.iso3, "search": row.short_name}
        for row in ds.countries.sort_values("name").itertuples()
    ]
    return html.Div(
        className="controls",
        children=[
            html.Div(
                className="control",
                children=[
                    _label("Indicator", ids.INDICATOR),
                    dcc.Dropdown(id=ids.INDICATOR, clearable=False, searchable=False),
                ],
            ),
            html.Div(
                id=ids.UNIT_ROW,
                className="control",
                children=[
                    _label("Price in", ids.UNIT),
                    dcc.RadioItems(
                        id=ids.UNIT,
                        options=[{"label": v, "value": k} for k, v in UNITS.items()],
                        value="gni_pct",
                        inline=True,
                        className="radio",
                    ),
                ],
            ),
            html.Div(
                className="control",
                children=[
                    _label("Groups", ids.GROUP_KIND),
                    dcc.RadioItems(
                        id=ids.GROUP_KIND,
                        options=[{"label": v, "value": k} for k, v in GROUP_KINDS.items()],
                        value="itu",
                        inline=True,
                        className="radio",
                    ),
                    dcc.Dropdown(id=ids.GROUP, value="world", clearable=False),
                ],
            ),
            html.Div(
                className="control",
                children=[
                    _label("Countries in the trend chart", ids.COUNTRIES),
                    dcc.Dropdown(
                        id=ids.COUNTRIES,
                        options=country_options,
                        value=[],
                        multi=True,
                        placeholder="Search countries, or click one on the map",
                    ),
                ],
            ),
            html.Div(
                className="control control-year",
                children=[
                    _label("Year", ids.YEAR),
                    html.Div(
                        className="year-row",
                        children=[
                            html.Button(
                                "▶ Play",
                                id=ids.PLAY,
                                n_clicks=0,
                                className="play",
                                title="Step through the years",
                            ),
                            html.Div(
                                dcc.Slider(
                                    id=ids.YEAR,
                                    min=2000,
                                    max=2025,
                                    step=1,
                                    value=2023,
                                    marks=None,
                                    tooltip={"placement": "bottom", "always_visible": True},
                                    updatemode="mouseup",
                                ),
                                className="slider",
                            ),
                        ],
                    ),
                    dcc.Interval(id=ids.PLAY_TIMER, interval=1200, disabled=True),
                ],
            ),
            html.Div(
                className="control",
                children=[
                    _label("Missing years", ids.TOLERANCE),
                    dcc.Dropdown(
                        id=ids.TOLERANCE,
                        options=TOLERANCE_OPTIONS,
                        value="auto",
                        clearable=False,
                        searchable=False,
                    ),
                ],
            ),
            html.Div(
                className="control",
                children=[
                    _label("Group values", ids.GROUP_METHOD),
                    dcc.RadioItems(
                        id=ids.GROUP_METHOD,
                        options=METHOD_OPTIONS,
                        value=views.DEFAULT_METHOD,
                        inline=True,
                        className="radio",
                    ),
                ],
            ),
        ],
    )


def summary_section() -> html.Section:
    return html.Section(
        id=ids.SUMMARY_SECTION,
        className="card",
        children=[
            html.H2("Regional summary"),
            html.P(
                "Each value is population-weighted (prices: the median economy). Our "
                "estimate fills members without data for the year from their own recent "
                "trend or their peers, and says what share of the group's population reported "
                "for the year; ITU's column is ITU's own published estimate. With reported "
                "values only, coverage is the share of the group's population (for prices, of "
                "its economies) that has data: below 50% the value is withheld, below 80% it "
                "is marked partial.",
                className="note",
            ),
            html.Div(id=ids.SUMMARY_TABLE, className="summary-wrap"),
            dcc.Store(id=ids.SUMMARY_ROWS, data=[]),
            dcc.Store(id=ids.SUMMARY_SORT, data={"field": None, "descending": False}),
            graph(ids.REGION_MAP, map_=True, height="460px"),
            html.Div(
                className="divide-controls",
                children=[
                    _label("The divide between", ids.DIVIDE_A),
                    dcc.Dropdown(id=ids.DIVIDE_A, value="income-high", clearable=False),
                    _label("and", ids.DIVIDE_B),
                    dcc.Dropdown(id=ids.DIVIDE_B, value="ldc", clearable=False),
                ],
            ),
            graph(ids.DIVIDE, height="440px"),
        ],
    )


def initial_values(ds: Dataset, view: dict) -> dict[str, object]:
    """Control values for a view from the address (components.urlstate.parse_view)."""
    theme = THEMES[view["theme"]]
    choice = view["indicator"] or theme.default
    indicator = resolve_indicator(theme.id, choice, view["unit"], ds.catalog.index)
    first, last = views.year_span(ds, indicator)
    year = view["year"] if view["year"] is not None else views.default_year(ds, indicator)
    start = view["start"] if view["start"] is not None else max(first, last - 20)
    end = view["end"] if view["end"] is not None else last
    return {
        ids.THEME_TABS: theme.id,
        ids.INDICATOR: choice,
        ids.UNIT: view["unit"],
        ids.GROUP_KIND: view["kind"],
        ids.GROUP: view["group"],
        ids.COUNTRIES: list(view["countries"]),
        ids.YEAR: min(max(year, first), last),
        ids.TOLERANCE: "auto" if view["tolerance"] is None else view["tolerance"],
        ids.GROUP_METHOD: view.get("method") or views.DEFAULT_METHOD,
        ids.TREND_RANGE: [max(first, min(start, last)), min(last, max(end, first))],
        ids.DIVIDE_A: view["a"],
        ids.DIVIDE_B: view["b"],
    }


def build_layout(ds: Dataset, view: dict | None = None, problems: list[str] = ()) -> html.Div:
    """The page, with its controls set to ``view`` (default: the page's defaults)."""
    view = view or dict(DEFAULTS)
    group_options = [{"label": g["label"], "value": gid} for gid, g in ds.groups.items()]
    layout = html.Div(
        className="page",
        children=[
            dcc.Location(id=ids.URL, refresh=False),
            html.Header(
                className="masthead",
                children=[
                    html.Div(
                        [
                            html.H1("Digital Divide Dashboard"),
                            html.P(
                                "Where the world is still offline, what connectivity costs, "
                                "and who is left out.",
                                className="tagline",
                            ),
                        ]
                    ),
                    html.Nav(
                        [
                            html.A("Data API", href="/api/v1/indicators"),
                            html.A("Sources & licences", href="#sources"),
                        ]
                    ),
                ],
            ),
            html.Section(
                # A named region, so the controls are a landmark screen readers can jump to.
                **{"aria-label": "Choose what to show"},
                children=[
                    html.Div(
                        [
                            html.Strong("Some of this link could not be used: "),
                            "; ".join(problems) + ".",
                        ]
                        if problems
                        else [],
                        id=ids.URL_NOTICE,
                        className="url-notice" if problems else "",
                        role="status",
                    ),
                    dcc.Tabs(
                        id=ids.THEME_TABS,
                        value="access",
                        className="tabs",
                        children=[dcc.Tab(label=t.label, value=t.id) for t in THEMES.values()],
                    ),
                    controls(ds),
                ],
            ),
            html.Main(
                children=[
                    html.Section(
                        className="card",
                        children=[
                            graph(ids.MAP, map_=True, height="560px"),
                            html.P(id=ids.MAP_STATUS, className="status"),
                            html.P(BOUNDARY_DISCLAIMER, className="disclaimer"),
                        ],
                    ),
                    html.Section(
                        className="card",
                        children=[
                            graph(ids.TREND, height="480px"),
                            html.Div(
                                className="control",
                                children=[
                                    _label("Years", ids.TREND_RANGE),
                                    dcc.RangeSlider(
                                        id=ids.TREND_RANGE,
                                        min=2000,
                                        max=2025,
                                        step=1,
                                        value=[2005, 2025],
                                        marks=None,
                                        tooltip={"placement": "bottom", "always_visible": True},
                                    ),
                                ],
                            ),
                            html.P(id=ids.TREND_NOTE, className="note"),
                        ],
                    ),
                    html.Section(
                        id=ids.THEME_SECTION,
                        className="card",
                        children=[
                            # No fixed height: these figures size themselves to their rows.
                            graph(ids.THEME_VIEW),
                            graph(ids.THEME_VIEW_2),
                            html.P(id=ids.THEME_VIEW_NOTE, className="note"),
                        ],
                    ),
                    summary_section(),
                    html.Section(
                        id="sources",
                        className="card",
                        children=[
                            html.H2("Data, sources and licence"),
                            html.Div(id=ids.SOURCES_PANEL),
                            html.Div(
                                className="downloads",
                                children=[
                                    html.Button(
                                        "Download CSV of this view",
                                        id=ids.DOWNLOAD_VIEW,
                                        n_clicks=0,
                                        className="button",
                                    ),
                                    html.Button(
                                        "Download the whole indicator",
                                        id=ids.DOWNLOAD_ALL,
                                        n_clicks=0,
                                        className="button secondary",
                                    ),
                                    dcc.Download(id=ids.DOWNLOAD),
                                ],
                            ),
                            html.P(id=ids.DOWNLOAD_NOTE, className="note"),
                            html.P(
                                [
                                    "Link to this view: ",
                                    html.A(id=ids.SHARE_LINK, href="/"),
                                    ". The rows of its CSV from the data API: ",
                                    html.A(id=ids.API_LINK, href="/api/v1/indicators"),
                                ],
                                className="note",
                            ),
                        ],
                    ),
                ]
            ),
            html.Footer(
                [
                    html.P(ITU_NOTICE),
                    html.P(
                        "Other sources: World Bank World Development Indicators and UN "
                        "population estimates (CC BY 4.0), UN Statistics Division (free "
                        "with citation), Alliance for Affordable Internet via Our World in "
                        "Data (CC BY 4.0). Full citations are in the sources panel and the "
                        "API (/api/v1/indicators)."
                    ),
                ]
            ),
        ],
    )
    # Options that do not depend on a callback are set here so the first paint has them,
    # and every control starts at the view's value.
    values = initial_values(ds, view)
    for component in walk(layout):
        component_id = getattr(component, "id", None)
        if component_id in (ids.GROUP, ids.DIVIDE_A, ids.DIVIDE_B):
            component.options = group_options
        if component_id == ids.INDICATOR:
            component.options = indicator_options(values[ids.THEME_TABS], ds.catalog)
        if component_id in values:
            component.value = values[component_id]
    return layout


def walk(component):
    """Every component of a tree, depth first."""
    yield component
    children = getattr(component, "children", None)
    if isinstance(children, (list, tuple)):
        for child in children:
            yield from walk(child)
    elif isinstance(children, Component):
        yield from walk(children)
