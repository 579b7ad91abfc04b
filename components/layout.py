"""The page: controls, the map, trends, the theme views, the regional summary and sources.

Factories only: they return component trees and declare ids from ``components.ids``.
"""

from __future__ import annotations

import json
import unicodedata

from dash import dcc, get_asset_url, html
from dash.development.base_component import Component

from components import ids
from components.above_target import above_target_panel
from components.plotly_locale import locale_config
from components.theme import GRAPH_CONFIG, graph_config
from components.themes import GROUP_KINDS, THEMES, UNITS, indicator_options, resolve_indicator
from components.urlstate import DEFAULTS
from data import i18n, views
from data.catalog import BOUNDARY_DISCLAIMER, ITU_NOTICE
from data.countries import OTHER_NAMES
from data.i18n import _, ngettext
from data.load import Dataset
from static_files import geometry_path


def dropdown_words() -> dict[str, str]:
    """The words Dash's dropdowns write themselves (search box, select all …)."""
    return {
        "select_all": _("Select all"),
        "deselect_all": _("Deselect all"),
        "selected_count": _("{num_selected} selected"),
        "search": _("Search"),
        "clear_search": _("Clear search"),
        "clear_selection": _("Clear selection"),
        "no_options_found": _("No options found"),
    }


def deck_words() -> dict[str, str]:
    """The words of the forum kit's buttons and deck panel (assets/deck.js), in the page's
    language."""
    return {
        "present": _("Present"),
        "add": _("Add to deck"),
        "deck": _("Slide deck"),
        "deckTitle": _("The digital divide"),
        "empty": _("Add charts to the deck with “Add to deck”; it stays in this browser."),
        "slideTitle": _("Slide title"),
        "note": _("Note"),
        "up": _("Move up"),
        "down": _("Move down"),
        "remove": _("Remove slide"),
        "play": _("Present the deck"),
        "pptx": _("Download as PowerPoint"),
        "building": _("Building the deck…"),
        "clear": _("Empty the deck"),
        "leave": _("Esc leaves full screen."),
        "png": _("Image for slides, 1920 × 1080"),
        "svg": _("Vector image"),
    }


def tolerance_options() -> list[dict]:
    return [
        {"label": _("The indicator's standard window"), "value": "auto"},
        {"label": _("Show only the chosen year"), "value": 0},
    ] + [
        {
            "label": ngettext(
                "Use the latest value within %(n)d year",
                "Use the latest value within %(n)d years",
                k,
            )
            % {"n": k},
            "value": k,
        }
        for k in range(1, 11)
    ]


def method_options() -> list[dict]:
    return [
        {"label": _("Our estimate, gaps filled"), "value": "estimated"},
        {"label": _("Reported values only"), "value": "reported"},
    ]


def graph(graph_id: str, *, map_: bool = False, size: str | None = None, **kwargs) -> dcc.Graph:
    """A chart with export settings for slides; maps read their geometry from our assets.

    A chart with a ``size`` (``map``, ``trend``, ``divide``) fills its box, whose height the
    style sheet sets for each screen width (lower on phones); one without sizes itself to its
    figure (charts with a row per group)."""
    config = graph_config(
        toImageButtonOptions={
            **GRAPH_CONFIG["toImageButtonOptions"],
            "filename": f"digital-divide-{graph_id}",
        }
    )
    config.update(locale_config(i18n.current_language()))
    if map_:
        config["topojsonURL"] = get_asset_url(geometry_path())
    if size:
        kwargs.update(responsive=True, className=f"graph graph-{size}")
    return dcc.Graph(id=graph_id, config=config, **kwargs)


def table_toggle(toggle_id: str, table_id: str) -> list:
    """A button that shows the chart's rows as a table (the same rows as the view's CSV)."""
    return [
        html.Button(
            _("Show the table"),
            id=toggle_id,
            n_clicks=0,
            className="button secondary table-toggle",
            **{"aria-expanded": "false", "aria-controls": table_id},
        ),
        html.Div(id=table_id),
    ]


def _label(text: str, target: str) -> html.Label:
    return html.Label(text, htmlFor=target, className="control-label")


def _plain(text: str) -> str:
    """``text`` without accents, for a search that ignores them ("Cote" finds "Côte")."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).replace("’", "'")


def country_search(ds: Dataset, iso3: str) -> str:
    """What the country search matches: the code, the UN names in the six languages, with and
    without accents, and the other names people use (Turkey, Ivory Coast, Burma …)."""
    row = ds.countries.loc[iso3]
    names = [iso3, str(row["name"]), str(row.get("short_name") or "")]
    names += [str(row.get(f"name_{lang}") or "") for lang in i18n.LANGUAGES if lang != "en"]
    names += list(OTHER_NAMES.get(iso3, ()))
    names = [n for n in dict.fromkeys(names) if n]
    return " | ".join(dict.fromkeys(names + [_plain(n) for n in names]))


def country_options(ds: Dataset, lang: str) -> list[dict]:
    """Every economy by its UN name in ``lang``, sorted as that language sorts; found by any
    of its names in any of the six languages (``country_search``)."""
    names = {iso3: i18n.country_name(ds, iso3, lang) for iso3 in ds.countries.index}
    return [
        {
            "label": f"{names[iso3]} ({iso3})",
            "value": iso3,
            "search": country_search(ds, iso3),
        }
        for iso3 in sorted(names, key=lambda code: names[code].casefold())
    ]


def language_switcher(lang: str) -> html.Div:
    """Links to the same view in the six languages (their query follows the view)."""
    return html.Div(
        className="languages",
        role="navigation",
        **{"aria-label": _("Language")},
        children=[
            html.A(
                meta["name"],
                id={"type": ids.LANGUAGE_LINK, "lang": code},
                href=f"/{code}/",
                lang=code,
                hrefLang=code,
                className="language current" if code == lang else "language",
                **({"aria-current": "page"} if code == lang else {}),
            )
            for code, meta in i18n.LANGUAGES.items()
        ],
    )


def language_suggestion(suggest: str | None) -> html.Div:
    """A link to the page in the browser's preferred language, in that language."""
    if not suggest:
        return html.Div(id="language-suggestion")
    previous = i18n.current_language()
    i18n.use_language(suggest)
    text = _("This dashboard is also in your language")
    i18n.use_language(previous)
    return html.Div(
        html.A(
            f"{text}: {i18n.LANGUAGES[suggest]['name']}",
            href=f"/{suggest}/",
            lang=suggest,
            id={"type": ids.LANGUAGE_LINK, "lang": f"suggest-{suggest}"},
        ),
        id="language-suggestion",
        className="language-suggestion",
    )


def controls(ds: Dataset) -> html.Div:
    lang = i18n.current_language()
    return html.Div(
        className="controls",
        children=[
            html.Div(
                className="control",
                children=[
                    _label(_("Indicator"), ids.INDICATOR),
                    dcc.Dropdown(id=ids.INDICATOR, clearable=False, searchable=False),
                ],
            ),
            html.Div(
                id=ids.UNIT_ROW,
                className="control",
                children=[
                    _label(_("Price in"), ids.UNIT),
                    dcc.RadioItems(
                        id=ids.UNIT,
                        options=[{"label": _(v), "value": k} for k, v in UNITS.items()],
                        value="gni_pct",
                        inline=True,
                        className="radio",
                    ),
                ],
            ),
            html.Div(
                className="control",
                children=[
                    _label(_("Groups"), ids.GROUP_KIND),
                    dcc.RadioItems(
                        id=ids.GROUP_KIND,
                        options=[
                            {"label": i18n.translate(v, lang), "value": k}
                            for k, v in GROUP_KINDS.items()
                        ],
                        value="itu",
                        inline=True,
                        className="radio",
                    ),
                    dcc.Dropdown(id=ids.GROUP, value="world", clearable=False),
                ],
            ),
            html.Div(
                className="control control-year",
                children=[
                    _label(_("Year"), ids.YEAR),
                    html.Div(
                        className="year-row",
                        children=[
                            html.Button(
                                "▶ " + _("Play"),
                                id=ids.PLAY,
                                n_clicks=0,
                                className="play",
                                title=_("Step through the years"),
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
            # The less-used settings (and the trend's countries: a map click adds one too)
            # fold away on narrow screens (assets/fit.js closes this on
            # a phone when the page opens, so the map is on the first screen); open elsewhere.
            html.Details(
                id=ids.MORE_CONTROLS,
                className="more-controls",
                open=True,
                children=[
                    html.Summary(_("Countries in the trend, missing years, group values")),
                    html.Div(
                        className="more-controls-body",
                        children=[
                            html.Div(
                                className="control",
                                children=[
                                    _label(_("Countries in the trend chart"), ids.COUNTRIES),
                                    dcc.Dropdown(
                                        id=ids.COUNTRIES,
                                        options=country_options(ds, lang),
                                        value=[],
                                        multi=True,
                                        placeholder=_("Search countries, or click one on the map"),
                                    ),
                                ],
                            ),
                            html.Div(
                                className="control",
                                children=[
                                    _label(_("Missing years"), ids.TOLERANCE),
                                    dcc.Dropdown(
                                        id=ids.TOLERANCE,
                                        options=tolerance_options(),
                                        value="auto",
                                        clearable=False,
                                        searchable=False,
                                    ),
                                ],
                            ),
                            html.Div(
                                className="control",
                                children=[
                                    _label(_("Group values"), ids.GROUP_METHOD),
                                    dcc.RadioItems(
                                        id=ids.GROUP_METHOD,
                                        options=method_options(),
                                        value=views.DEFAULT_METHOD,
                                        inline=True,
                                        className="radio",
                                    ),
                                ],
                            ),
                        ],
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
            html.H2(_("Regional summary"), id=ids.SUMMARY_TITLE),
            html.P(
                _(
                    "Each value is population-weighted (prices: the median economy). Our "
                    "estimate fills members without data for the year from their own recent "
                    "trend or their peers, and says what share of the group's population "
                    "reported for the year; ITU's column is ITU's own published estimate. With "
                    "reported values only, coverage is the share of the group's population "
                    "(for prices, of its economies) that has data: below 50% the value is "
                    "withheld, below 80% it is marked partial."
                ),
                className="note",
            ),
            html.Div(id=ids.SUMMARY_TABLE, className="summary-wrap"),
            dcc.Store(id=ids.SUMMARY_ROWS, data=[]),
            dcc.Store(id=ids.SUMMARY_SORT, data={"field": None, "descending": False}),
            graph(ids.REGION_MAP, map_=True, size="region-map"),
            html.Div(
                className="divide-controls",
                children=[
                    _label(_("The divide between"), ids.DIVIDE_A),
                    dcc.Dropdown(id=ids.DIVIDE_A, value="income-high", clearable=False),
                    _label(_("and"), ids.DIVIDE_B),
                    dcc.Dropdown(id=ids.DIVIDE_B, value="ldc", clearable=False),
                ],
            ),
            graph(ids.DIVIDE, size="divide"),
            *table_toggle(ids.DIVIDE_TABLE_TOGGLE, ids.DIVIDE_TABLE),
        ],
    )


def initial_values(ds: Dataset, view: dict) -> dict[str, object]:
    """Control values for a view from the address (components.urlstate.parse_view)."""
    theme = THEMES[view["theme"]]
    choice = view["indicator"] or theme.default
    indicator = resolve_indicator(theme.id, choice, view["unit"], ds.catalog.index, ds.catalog)
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


def adjustments(ds: Dataset, view: dict) -> list[str]:
    """What ``initial_values`` changes in a view from the address, for the page's notice: a
    year outside the indicator's years is moved to the nearest one."""
    theme = THEMES[view["theme"]]
    choice = view["indicator"] or theme.default
    indicator = resolve_indicator(theme.id, choice, view["unit"], ds.catalog.index)
    first, last = views.year_span(ds, indicator)
    notes = []
    for name in ("year", "start", "end"):
        value = view.get(name)
        if value is not None and not first <= value <= last:
            notes.append(
                _(
                    "%(name)s %(value)s is outside this indicator's years, %(first)s to "
                    "%(last)s: %(shown)s is shown"
                )
                % {
                    "name": name,
                    "value": value,
                    "first": first,
                    "last": last,
                    "shown": min(max(value, first), last),
                }
            )
    return notes


def build_layout(
    ds: Dataset,
    view: dict | None = None,
    problems: list[str] = (),
    *,
    lang: str = i18n.DEFAULT,
    suggest: str | None = None,
) -> html.Div:
    """The page in ``lang``, with its controls set to ``view`` (default: the page's
    defaults); ``suggest`` names a language the browser prefers, offered as a link."""
    i18n.use_language(lang)
    view = view or dict(DEFAULTS)
    problems = [*problems, *adjustments(ds, view)]
    group_options = [
        {"label": i18n.translate(g["label"], lang), "value": gid} for gid, g in ds.groups.items()
    ]
    layout = html.Div(
        className="page",
        dir=i18n.direction(lang),
        lang=lang,
        children=[
            dcc.Location(id=ids.URL, refresh=False),
            dcc.Store(id=ids.LANG, data=lang),
            html.Div(
                id=ids.DECK_WORDS,
                hidden=True,
                **{"data-words": json.dumps(deck_words(), ensure_ascii=False)},
            ),
            html.Div(id=ids.PROJECTOR, className="projector", hidden=True),
            html.Div(
                id="a11y-names",
                hidden=True,
                **{
                    "data-names": json.dumps(
                        {
                            "year": [_("Year")],
                            "trend-range": [
                                _("First year of the trend"),
                                _("Last year of the trend"),
                            ],
                        },
                        ensure_ascii=False,
                    )
                },
            ),
            language_suggestion(suggest),
            html.Header(
                className="masthead",
                children=[
                    html.Div(
                        [
                            html.H1(_("Digital Divide Dashboard")),
                            html.P(
                                _(
                                    "Where the world is still offline, what connectivity "
                                    "costs, and who is left out."
                                ),
                                className="tagline",
                            ),
                        ]
                    ),
                    html.Nav(
                        [
                            html.A(_("Data API"), href="/api/v1/indicators"),
                            html.A(_("Sources & licences"), href="#sources"),
                            language_switcher(lang),
                        ]
                    ),
                ],
            ),
            html.Section(
                # A named region, so the controls are a landmark screen readers can jump to.
                **{"aria-label": _("Choose what to show")},
                children=[
                    html.Div(
                        [
                            html.Strong(_("Some of this link could not be used:") + " "),
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
                        # Tabs stay a row (wrapping on phones) instead of a column of boxes.
                        mobile_breakpoint=0,
                        children=[
                            dcc.Tab(label=i18n.translate(t.label, lang), value=t.id)
                            for t in THEMES.values()
                        ],
                    ),
                    controls(ds),
                ],
            ),
            html.Main(
                children=[
                    html.Section(
                        className="card",
                        children=[
                            graph(ids.MAP, map_=True, size="map"),
                            html.P(id=ids.MAP_STATUS, className="status"),
                            html.P(
                                id=ids.MAP_PROFILE,
                                className="status map-profile",
                                hidden=True,
                                children=[
                                    html.A(id=ids.PROFILE_LINK, href="/country/"),
                                    html.Button(
                                        _("Show its region on the trend"),
                                        id=ids.SHOW_REGION,
                                        n_clicks=0,
                                        className="button secondary",
                                    ),
                                ],
                            ),
                            html.P(_(BOUNDARY_DISCLAIMER), className="disclaimer"),
                            *table_toggle(ids.MAP_TABLE_TOGGLE, ids.MAP_TABLE),
                        ],
                    ),
                    html.Section(
                        className="card",
                        children=[
                            graph(ids.TREND, size="trend"),
                            html.Div(
                                className="control",
                                children=[
                                    _label(_("Years"), ids.TREND_RANGE),
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
                            *table_toggle(ids.TREND_TABLE_TOGGLE, ids.TREND_TABLE),
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
                            *table_toggle(ids.VIEW_TABLE_TOGGLE, ids.VIEW_TABLE),
                            above_target_panel(),
                        ],
                    ),
                    summary_section(),
                    html.Section(
                        id=ids.DECK_PANEL,
                        className="card deck-panel",
                        **{"aria-label": _("Slide deck")},
                    ),
                    html.Section(
                        id="sources",
                        className="card",
                        children=[
                            html.H2(_("Data, sources and licence")),
                            html.Div(id=ids.SOURCES_PANEL),
                            html.Div(
                                className="downloads",
                                children=[
                                    html.Button(
                                        _("Download CSV of this view"),
                                        id=ids.DOWNLOAD_VIEW,
                                        n_clicks=0,
                                        className="button",
                                    ),
                                    html.Button(
                                        _("Download the whole indicator"),
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
                                    _("Link to this view:") + " ",
                                    html.A(id=ids.SHARE_LINK, href="/"),
                                    ". " + _("The rows of its CSV from the data API:") + " ",
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
                    html.P(_(ITU_NOTICE)),
                    html.P(
                        _(
                            "Other sources: World Bank World Development Indicators and UN "
                            "population estimates (CC BY 4.0), UN Statistics Division (free "
                            "with citation), Alliance for Affordable Internet via Our World in "
                            "Data (CC BY 4.0). Full citations are in the sources panel and the "
                            "API (/api/v1/indicators)."
                        )
                    ),
                ]
            ),
        ],
    )
    # Options that do not depend on a callback are set here so the first paint has them,
    # and every control starts at the view's value; every dropdown speaks the page's language.
    values = initial_values(ds, view)
    words = dropdown_words()
    for component in walk(layout):
        if isinstance(component, dcc.Dropdown):
            component.labels = words
        component_id = getattr(component, "id", None)
        if not isinstance(component_id, str):  # pattern-matching ids (language links)
            continue
        if component_id in (ids.GROUP, ids.DIVIDE_A, ids.DIVIDE_B):
            component.options = group_options
        if component_id == ids.INDICATOR:
            component.options = indicator_options(values[ids.THEME_TABS], ds.catalog, lang)
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
