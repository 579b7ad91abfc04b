"""Controls that depend on other controls: indicator lists, groups, years, play, clicks."""

from __future__ import annotations

from dash import ALL, Input, Output, State, callback, ctx, no_update

from callbacks import LANG, localized
from components import ids
from components.themes import THEMES, indicator_options, indicators_of, resolve_indicator
from components.urlstate import view_query
from data import i18n, views
from data.i18n import _
from data.load import load_dataset

HIDDEN = {"display": "none"}
SHOWN: dict = {}


def current_indicator(theme: str | None, choice: str | None, unit: str | None, ds=None) -> str:
    """The catalog id the controls point at (shared by every callback), in ``ds`` (default:
    the dataset in service)."""
    ds = ds if ds is not None else load_dataset()
    return resolve_indicator(theme or "access", choice, unit, ds.catalog.index, ds.catalog)


def clean_year(ds, indicator: str, year) -> int:
    """The requested year as an int inside the indicator's years (the default when unusable)."""
    first, last = views.year_span(ds, indicator)
    try:
        year = int(year)
    except (TypeError, ValueError):
        return views.default_year(ds, indicator)
    return min(max(year, first), last)


AUTO = "auto"
"""The tolerance control's value for "the indicator's own window" (from the catalog)."""


def clean_tolerance(tolerance, ds=None, indicator: str | None = None) -> int:
    """Years back a value may come from: the user's choice, else the indicator's window."""
    if tolerance in (None, AUTO) and ds is not None and indicator is not None:
        return views.indicator_tolerance(ds, indicator)
    try:
        return min(max(int(tolerance), 0), 10)
    except (TypeError, ValueError):
        if ds is not None and indicator is not None:
            return views.indicator_tolerance(ds, indicator)
        return 0


def clean_method(method) -> str:
    """How group values are made: our estimate (default) or reported values only."""
    return method if method in ("estimated", "reported") else views.DEFAULT_METHOD


def clean_group(ds, group) -> str:
    return group if isinstance(group, str) and group in ds.groups else "world"


def clean_range(ds, indicator: str, trend_range) -> tuple[int, int]:
    first, last = views.year_span(ds, indicator)
    try:
        start, end = sorted(int(y) for y in trend_range)
    except (TypeError, ValueError):
        return max(first, last - 20), last
    return max(start, first), min(max(end, first), last)


def clean_countries(ds, countries) -> list[str]:
    if not isinstance(countries, (list, tuple)):
        return []
    return [c for c in countries if isinstance(c, str) and c in ds.countries.index]


@callback(
    Output(ids.INDICATOR, "options"),
    Output(ids.INDICATOR, "value"),
    Output(ids.UNIT_ROW, "style"),
    Output(ids.TOLERANCE, "value"),
    Output(ids.THEME_SECTION, "style"),
    Output(ids.SUMMARY_SECTION, "style"),
    Input(ids.THEME_TABS, "value"),
    State(ids.INDICATOR, "value"),
    State(ids.TOLERANCE, "value"),
    LANG,
)
@localized
def update_indicator_options(theme_id, indicator, tolerance):
    ds = load_dataset()
    theme = THEMES.get(theme_id) or THEMES["access"]
    options = indicator_options(theme.id, ds.catalog, i18n.current_language())
    theme_section = (
        SHOWN if theme.id in ("access", "coverage", "affordability", "gender") else HIDDEN
    )
    summary_section = SHOWN if theme.id == "summary" else HIDDEN
    if ctx.triggered_id is None:  # the page's first call: keep the values the address set
        indicator = indicator if indicator in indicators_of(theme, ds.catalog) else theme.default
        tolerance = AUTO if tolerance in (None, AUTO) else clean_tolerance(tolerance)
    else:
        indicator, tolerance = theme.default, AUTO
    return (
        options,
        indicator,
        SHOWN if theme.baskets else HIDDEN,
        tolerance,
        theme_section,
        summary_section,
    )


@callback(
    Output(ids.GROUP, "options"),
    Output(ids.GROUP, "value"),
    Input(ids.GROUP_KIND, "value"),
    State(ids.GROUP, "value"),
    LANG,
)
@localized
def update_group_options(kind, current):
    ds = load_dataset()
    options = [{"label": _("World (all economies)"), "value": "world"}] + [
        {"label": views.group_label(ds, gid), "value": gid}
        for gid, g in ds.groups.items()
        if g["kind"] == kind
    ]
    values = {o["value"] for o in options}
    if current in values:
        return options, current
    return options, views.closest_group(ds, current, kind)


def _marks(first: int, last: int) -> dict:
    step = 5 if last - first > 12 else 2 if last - first > 5 else 1
    marks = {y: str(y) for y in range(first, last + 1) if y % step == 0}
    marks[first] = str(first)
    marks[last] = str(last)
    return marks


@callback(
    Output(ids.YEAR, "min"),
    Output(ids.YEAR, "max"),
    Output(ids.YEAR, "marks"),
    Output(ids.YEAR, "value"),
    Output(ids.PLAY_TIMER, "disabled"),
    Output(ids.PLAY, "children"),
    Output(ids.TREND_RANGE, "min"),
    Output(ids.TREND_RANGE, "max"),
    Output(ids.TREND_RANGE, "marks"),
    Output(ids.TREND_RANGE, "value"),
    Input(ids.THEME_TABS, "value"),
    Input(ids.INDICATOR, "value"),
    Input(ids.UNIT, "value"),
    Input(ids.PLAY_TIMER, "n_intervals"),
    State(ids.YEAR, "value"),
    State(ids.PLAY_TIMER, "disabled"),
    State(ids.TREND_RANGE, "value"),
    LANG,
)
@localized
def update_year(theme, choice, unit, _ticks, year, paused, trend_range):
    """The year slider follows the indicator; while playing, each tick moves one year on.

    A tick never starts or keeps the timer going (only ``toggle_play`` does): a tick already
    on its way when "Pause" is pressed cannot undo the pause."""
    ds = load_dataset()
    indicator = current_indicator(theme, choice, unit)
    first, last = views.year_span(ds, indicator)
    marks = _marks(first, last)
    trigger = ctx.triggered_id
    trend_value = list(clean_range(ds, indicator, trend_range))
    year = clean_year(ds, indicator, year) if year is not None else None
    ranges = (first, last, marks)
    if trigger == ids.PLAY_TIMER:
        if paused:
            return (no_update,) * 10
        following = (year or first) + 1
        if following >= last:
            return (*ranges, last, True, "▶ " + _("Play"), *ranges, no_update)
        return (*ranges, following, no_update, no_update, *ranges, no_update)
    if trigger == ids.THEME_TABS or year is None or not first <= year <= last:
        year = views.default_year(ds, indicator)
    if trigger == ids.THEME_TABS:
        trend_value = [max(first, last - 20), last]
    return (*ranges, year, True, "▶ " + _("Play"), *ranges, trend_value)


@callback(
    Output(ids.PLAY_TIMER, "disabled", allow_duplicate=True),
    Output(ids.PLAY, "children", allow_duplicate=True),
    Output(ids.YEAR, "value", allow_duplicate=True),
    Input(ids.PLAY, "n_clicks"),
    State(ids.PLAY_TIMER, "disabled"),
    State(ids.YEAR, "value"),
    State(ids.THEME_TABS, "value"),
    State(ids.INDICATOR, "value"),
    State(ids.UNIT, "value"),
    LANG,
    prevent_initial_call=True,
)
@localized
def toggle_play(_clicks, paused, year, theme, choice, unit):
    """Play starts the timer (from the first year when at the last); Pause stops it."""
    if not paused:
        return True, "▶ " + _("Play"), no_update
    ds = load_dataset()
    indicator = current_indicator(theme, choice, unit)
    first, last = views.year_span(ds, indicator)
    year = clean_year(ds, indicator, year) if year is not None else None
    start = first if year is None or year >= last else no_update
    return False, "❚❚ " + _("Pause"), start


@callback(
    Output(ids.COUNTRIES, "value"),
    Input(ids.MAP, "clickData"),
    State(ids.COUNTRIES, "value"),
    prevent_initial_call=True,
)
def add_clicked_country(click, countries):
    points = (click or {}).get("points") or []
    iso3 = points[0].get("location") if points else None
    ds = load_dataset()
    if not iso3 or iso3 not in ds.countries.index:
        return no_update
    countries = list(countries or [])
    if iso3 in countries:
        return no_update
    return [*countries, iso3]


def clicked_country(ds, click) -> str | None:
    """The economy a click on the world map landed on (None: a region, or nothing)."""
    points = (click or {}).get("points") or []
    iso3 = points[0].get("location") if points else None
    return iso3 if isinstance(iso3, str) and iso3 in ds.countries.index else None


@callback(
    Output(ids.MAP_PROFILE, "hidden"),
    Output(ids.PROFILE_LINK, "href"),
    Output(ids.PROFILE_LINK, "children"),
    Output(ids.SHOW_REGION, "disabled"),
    Input(ids.MAP, "clickData"),
    LANG,
    prevent_initial_call=True,
)
@localized
def offer_profile(click):
    """After a click on the map: a link to the country's profile, and its region's line."""
    ds = load_dataset()
    iso3 = clicked_country(ds, click)
    if iso3 is None:
        return True, no_update, no_update, True
    lang = i18n.current_language()
    href = ("/" if lang == i18n.DEFAULT else f"/{lang}/") + f"country/{iso3}"
    text = _("%(country)s: country profile →") % {"country": views.country_label(ds, iso3)}
    return False, href, text, country_region(ds, iso3) is None


def country_region(ds, iso3: str) -> str | None:
    return next(
        (g for g, meta in ds.groups.items() if meta["kind"] == "itu" and iso3 in meta["members"]),
        None,
    )


@callback(
    Output(ids.GROUP_KIND, "value", allow_duplicate=True),
    Output(ids.GROUP, "value", allow_duplicate=True),
    Input(ids.SHOW_REGION, "n_clicks"),
    State(ids.MAP, "clickData"),
    prevent_initial_call=True,
)
def show_clicked_region(clicks, click):
    """The clicked country's ITU region becomes the group, so the trend draws its line."""
    ds = load_dataset()
    iso3 = clicked_country(ds, click)
    region = country_region(ds, iso3) if clicks and iso3 else None
    if region is None:
        return no_update, no_update
    return "itu", region


@callback(
    Output({"type": ids.LANGUAGE_LINK, "lang": ALL}, "href"),
    Input(ids.URL, "search"),
    State({"type": ids.LANGUAGE_LINK, "lang": ALL}, "id"),
)
def update_language_links(search, links):
    """Each language's link opens the same view: the page's query follows it."""
    query = search if isinstance(search, str) and search.startswith("?") else ""
    return [f"/{str(link['lang']).removeprefix('suggest-')}/{query}" for link in links]


@callback(
    Output(ids.SHARE_LINK, "href"),
    Output(ids.SHARE_LINK, "children"),
    Output(ids.API_LINK, "href"),
    Output(ids.API_LINK, "children"),
    Output(ids.URL, "search"),
    Input(ids.THEME_TABS, "value"),
    Input(ids.INDICATOR, "value"),
    Input(ids.UNIT, "value"),
    Input(ids.GROUP_KIND, "value"),
    Input(ids.GROUP, "value"),
    Input(ids.COUNTRIES, "value"),
    Input(ids.YEAR, "value"),
    Input(ids.TOLERANCE, "value"),
    Input(ids.TREND_RANGE, "value"),
    Input(ids.DIVIDE_A, "value"),
    Input(ids.DIVIDE_B, "value"),
    Input(ids.GROUP_METHOD, "value"),
    LANG,
)
@localized
def update_share_link(
    theme,
    choice,
    unit,
    kind,
    group,
    countries,
    year,
    tolerance,
    trend_range,
    group_a,
    group_b,
    method=None,
):
    """The page address of this view (kept in the address bar too) and its data-API rows."""
    ds = load_dataset()
    indicator = current_indicator(theme, choice, unit)
    group = clean_group(ds, group)
    start, end = clean_range(ds, indicator, trend_range)
    tolerance = None if tolerance in (None, AUTO) else clean_tolerance(tolerance)
    view = {
        "theme": theme,
        "indicator": choice,
        "unit": unit if THEMES.get(theme, THEMES["access"]).baskets else None,
        "kind": kind,
        "group": group,
        "countries": clean_countries(ds, countries),
        "year": clean_year(ds, indicator, year),
        "tolerance": tolerance,
        "method": clean_method(method),
        "start": start,
        "end": end,
        "a": clean_group(ds, group_a) if theme == "summary" else None,
        "b": clean_group(ds, group_b) if theme == "summary" else None,
    }
    search = view_query(view)
    # The API answers the page's own query with the rows of its CSV (data.viewrows).
    api = "/api/v1/view" + search
    lang = i18n.current_language()
    page = "/" if lang == i18n.DEFAULT else f"/{lang}/"
    return (
        page + search,
        _("copy this address"),
        api + ("" if lang == i18n.DEFAULT else ("&" if search else "?") + f"lang={lang}"),
        _("JSON (add &format=csv for CSV)"),
        search,
    )
