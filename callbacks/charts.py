"""Map, trends, theme views and the regional summary: control values → query → figure."""

from __future__ import annotations

from dash import ALL, Input, Output, State, callback, ctx, no_update

from callbacks import LANG, localized
from callbacks.controls import (
    AUTO,
    clean_countries,
    clean_group,
    clean_method,
    clean_range,
    clean_tolerance,
    clean_year,
    current_indicator,
)
from components import figures, ids
from components.summary_table import summary_table
from components.themes import GROUP_KINDS, SUMMARY_INDICATORS, THEMES
from data import export, i18n, query, views
from data.i18n import _, ngettext
from data.load import load_dataset, load_outlines


def credit(ds, *indicators: str, aggregated: bool = True, boundaries: bool = False) -> str:
    """The credit line for a chart of ``indicators``: their sources, plus the population
    sources behind group aggregates when ``aggregated``; maps add the boundary note."""
    sources: list[str] = []
    for indicator in indicators:
        sources += export.indicator_sources(ds, indicator, with_inputs=aggregated)
    return export.credit_line(ds, sources, boundaries=boundaries)


def _group_ids(ds, kind: str) -> list[str]:
    return ["world"] + [gid for gid, g in ds.groups.items() if g["kind"] == kind]


@callback(
    Output(ids.MAP, "figure"),
    Output(ids.MAP_STATUS, "children"),
    Input(ids.THEME_TABS, "value"),
    Input(ids.INDICATOR, "value"),
    Input(ids.UNIT, "value"),
    Input(ids.YEAR, "value"),
    Input(ids.TOLERANCE, "value"),
    Input(ids.GROUP, "value"),
    LANG,
)
@localized
def update_map(theme, choice, unit, year, tolerance, group):
    ds = load_dataset()
    indicator = current_indicator(theme, choice, unit)
    spec = views.indicator_spec(ds, indicator)
    year, tolerance = clean_year(ds, indicator, year), clean_tolerance(tolerance, ds, indicator)
    if views.groups_only(ds, indicator):
        regions = views.region_frame(ds, indicator, year, method="official")
        figure = figures.region_map_figure(
            regions,
            spec,
            load_outlines(),
            year=year,
            colour_range=views.colour_range(ds, indicator),
        )
        figure = figures.with_credit(figure, credit(ds, indicator, boundaries=True))
        status = _(
            "ITU publishes “%(title)s” for groups of economies only, not by country: the map "
            "shows its estimates for the six ITU regions."
        ) % {"title": spec["short_title"]}
        return figure, status
    frame = views.map_frame(ds, indicator, year, tolerance=tolerance, group=clean_group(ds, group))
    figure = figures.map_figure(
        frame,
        spec,
        year=year,
        colour_range=views.colour_range(ds, indicator),
        tolerance=tolerance,
    )
    figure = figures.with_credit(figure, credit(ds, indicator, aggregated=False, boundaries=True))
    return figure, views.map_status_text(views.map_status(frame, year))


@callback(
    Output(ids.TREND, "figure"),
    Output(ids.TREND_NOTE, "children"),
    Input(ids.THEME_TABS, "value"),
    Input(ids.INDICATOR, "value"),
    Input(ids.UNIT, "value"),
    Input(ids.GROUP, "value"),
    Input(ids.COUNTRIES, "value"),
    Input(ids.TREND_RANGE, "value"),
    Input(ids.TOLERANCE, "value"),
    Input(ids.GROUP_METHOD, "value"),
    LANG,
)
@localized
def update_trend(theme, choice, unit, group, countries, trend_range, tolerance, method=None):
    ds = load_dataset()
    indicator = current_indicator(theme, choice, unit)
    spec = views.indicator_spec(ds, indicator)
    groups = list(dict.fromkeys(["world", clean_group(ds, group)]))
    countries = clean_countries(ds, countries)
    tolerance = clean_tolerance(tolerance, ds, indicator)
    method = clean_method(method)
    start, end = clean_range(ds, indicator, trend_range)
    frame = views.trend_frame(
        ds,
        indicator,
        countries=countries,
        groups=groups,
        start=start,
        end=end,
        tolerance=tolerance,
        method=method,
    )
    figure = figures.trend_figure(
        frame,
        spec,
        targets=views.targets_for(spec, groups),
        breaks=views.series_break_years(ds, indicator) if indicator.startswith("price_") else [],
        threshold=query.DEFAULT_THRESHOLD,
    )
    note = views.trend_note(
        spec,
        tolerance=tolerance,
        countries=bool(countries),
        method=method,
        official=views.has_official(ds, indicator),
    )
    figure.update_layout(meta={"comparison": comparison(ds, spec, groups, countries, start, end)})
    return figures.with_credit(figure, credit(ds, indicator)), note


def comparison(ds, spec, groups, countries, start, end) -> str:
    """What a trend compares, for a slide title: "Internet use: LDCs vs World, 2005–2024"."""
    names = [views.group_label(ds, g) for g in reversed(groups)] + [
        views.country_label(ds, c) for c in countries
    ]
    who = names[0]
    for name in names[1:]:
        who = _("%(first)s vs %(second)s") % {"first": who, "second": name}
    return _("%(what)s: %(who)s, %(when)s") % {
        "what": spec["short_title"],
        "who": who,
        "when": f"{start}–{end}",
    }


def sized(figure) -> dict:
    """A graph style as tall as the figure wants (charts with a row per country grow)."""
    return {"height": f"{int(figure.layout.height or 520)}px"}


@callback(
    Output(ids.THEME_VIEW, "figure"),
    Output(ids.THEME_VIEW, "style"),
    Output(ids.THEME_VIEW_2, "figure"),
    Output(ids.THEME_VIEW_2, "style"),
    Output(ids.THEME_VIEW_NOTE, "children"),
    Input(ids.THEME_TABS, "value"),
    Input(ids.INDICATOR, "value"),
    Input(ids.UNIT, "value"),
    Input(ids.GROUP_KIND, "value"),
    Input(ids.GROUP, "value"),
    Input(ids.YEAR, "value"),
    Input(ids.TOLERANCE, "value"),
    LANG,
)
@localized
def update_theme_view(theme, choice, unit, kind, group, year, tolerance):
    ds = load_dataset()
    indicator = current_indicator(theme, choice, unit)
    year, tolerance = clean_year(ds, indicator, year), clean_tolerance(tolerance, ds, indicator)
    kind = kind if kind in GROUP_KINDS else "itu"
    group = clean_group(ds, group)
    groups = _group_ids(ds, kind)
    hidden = {"display": "none"}
    empty = figures.empty_figure("")
    if theme == "access":
        rural = rural_divide(ds, theme, groups, kind, year)
        note = _(
            "Internet use in urban and rural areas: ITU's estimates, published for groups of "
            "economies only (see the Access map for the few countries that report it)."
        )
        return rural, sized(rural), empty, hidden, note
    if theme == "coverage":
        frame = views.coverage_frame(ds, groups, year, tolerance=tolerance)
        note = _(
            "People by the best mobile network that reaches them, %(year)s, among the "
            "economies with 2G, 3G and 4G figures; grouped by %(kind)s. Below: urban and rural "
            "areas, from ITU's estimates for groups."
        ) % {"year": year, "kind": i18n.translate(GROUP_KINDS[kind], i18n.current_language())}
        figure = figures.coverage_bars_figure(frame)
        figure = figures.with_credit(figure, credit(ds, *views.COVERAGE_INDICATORS))
        rural = rural_divide(ds, theme, groups, kind, year)
        return figure, sized(figure), rural, sized(rural), note
    if theme == "affordability":
        spec = views.indicator_spec(ds, indicator)
        points, summary = views.price_spread(ds, indicator, groups, year, tolerance=tolerance)
        note = ngettext(
            "Each dot is an economy's price in %(year)s (or its latest within %(n)d year); "
            "boxes show the spread, the label the median economy.",
            "Each dot is an economy's price in %(year)s (or its latest within %(n)d years); "
            "boxes show the spread, the label the median economy.",
            tolerance,
        ) % {"year": year, "n": tolerance}
        figure = figures.price_spread_figure(points, summary, spec)
        figure = figures.with_credit(figure, credit(ds, indicator, aggregated=False))
        return figure, sized(figure), empty, hidden, note
    if theme == "gender":
        members = views.members_of(ds, group)
        dumbbell = views.dumbbell_frame(ds, members, year, tolerance=tolerance)
        people = views.gender_people_frame(ds, groups, year, tolerance=tolerance)
        label = views.group_label(ds, group or "world")
        note = _(
            "Women and men from the same survey year only. Counts of people cover the "
            "economies that report both; the share of the group's population they represent "
            "is written beside each group. The gap in people is the number of women who would "
            "be online if, in each economy, women were online at the same rate as men: women "
            "× (men's rate − women's rate), summed over the economies. It follows the rates, "
            "not the head counts, so a group with more women than men is not shown ahead for "
            "that reason alone."
        )
        first = figures.dumbbell_figure(
            dumbbell,
            title=_("Internet use by sex, %(group)s, %(year)s or latest")
            % {"group": label, "year": year},
        )
        second = figures.gender_people_figure(people)
        by_sex = ("internet_users_female_pct", "internet_users_male_pct")
        first = figures.with_credit(first, credit(ds, *by_sex, aggregated=False))
        second = figures.with_credit(second, credit(ds, *by_sex))
        return first, sized(first), second, sized(second), note
    return empty, hidden, empty, hidden, ""


def rural_divide(ds, theme: str, groups: list[str], kind: str, year: int):
    """The rural-divide chart of a theme for a grouping (ITU publishes it for some only)."""
    frame = views.rural_divide_frame(ds, groups, year, views.RURAL_MEASURES[theme])
    covered = list(dict.fromkeys(frame["group"])) if len(frame) else []
    note = ""
    kind_label = i18n.translate(GROUP_KINDS[kind], i18n.current_language())
    if set(groups) - set(covered) and covered == ["world"]:
        note = _(
            "ITU publishes none for %(kind)s: choose ITU regions, income groups or LDC / "
            "LLDC / SIDS."
        ) % {"kind": kind_label}
    title = (
        _("The rural divide: Internet use, %(kind)s, %(year)s or latest")
        if theme == "access"
        else _("The rural divide: mobile coverage, %(kind)s, %(year)s or latest")
    ) % {"kind": kind_label, "year": year}
    figure = figures.rural_divide_figure(frame, title=title, note=note)
    sources = sorted({s for s in ds.official["source"].unique()})
    return figures.with_credit(figure, export.credit_line(ds, sources))


def _summary_groups(ds, method: str = views.DEFAULT_METHOD) -> list[dict]:
    """Column groups of the summary table: per indicator our value, ITU's where it publishes
    one, the share reported (or, for reported values only, the coverage) and the counts."""
    estimated = method == "estimated"
    lang = i18n.current_language()
    groups = []
    for indicator in SUMMARY_INDICATORS:
        title = i18n.translate(str(ds.catalog.at[indicator, "short_title"]), lang)
        unit = i18n.translate(str(ds.catalog.at[indicator, "unit"]), lang)
        aggregated = str(ds.catalog.at[indicator, "aggregation"])
        shares = estimated and aggregated in query.ESTIMATED_AGGREGATIONS
        share = (
            {"field": f"{indicator}__reported", "label": _("reported"), "suffix": "%"}
            if shares
            else {"field": f"{indicator}__coverage", "label": _("coverage"), "suffix": "%"}
        )
        decimals = int(ds.catalog.at[indicator, "decimals"])
        columns = [
            {
                "field": f"{indicator}__value",
                "label": _("estimate") if shares else _("value"),
                "flag": f"{indicator}__flag",
                "title_field": f"{indicator}__why",
                "decimals": decimals,
            }
        ]
        if views.has_official(ds, indicator):
            columns.append({"field": f"{indicator}__itu", "label": _("ITU"), "decimals": decimals})
        # The economies behind the share, written small under it ("182 of 236").
        columns.append({**share, "note": f"{indicator}__n"})
        groups.append(
            {
                # Price titles already name their unit: "Fixed broadband (% GNI p.c.)".
                "title": title if title.endswith((")", "）")) else f"{title} ({unit})",
                "columns": columns,
            }
        )
    return groups


def _rounded(value, decimals: int):
    return None if value is None or value != value else round(float(value), decimals)


def _summary_flag(record: dict, column: str, year: int) -> str:
    """What a summary cell says beside its value: partial, and data years other than ``year``."""
    words = [_("partial")] if record[f"{column}__partial"] else []
    value = record[f"{column}__value"]
    first, last = record[f"{column}__first_data_year"], record[f"{column}__last_data_year"]
    shown = value is not None and value == value and last is not None and last == last
    if shown and int(last) < int(year):
        span = str(int(last)) if first == last else f"{int(first)}–{int(last)}"
        words.append(_("data %(years)s") % {"years": span})
    return _(", ").join(words)


def summary_rows(table, ds, year: int) -> list[dict]:
    """The summary table's rows as plain values, rounded to each indicator's decimals."""
    rows = []
    for record in table.to_dict("records"):
        row = {"label": record["label"]}
        for column in SUMMARY_INDICATORS:
            decimals = int(ds.catalog.at[column, "decimals"])
            row[f"{column}__value"] = _rounded(record[f"{column}__value"], decimals)
            row[f"{column}__itu"] = _rounded(record[f"{column}__itu"], decimals)
            row[f"{column}__reported"] = _rounded(100 * record[f"{column}__reported"], 0)
            row[f"{column}__coverage"] = _rounded(100 * record[f"{column}__coverage"], 0)
            row[f"{column}__n"] = _("%(n)s of %(total)s economies") % {
                "n": record[f"{column}__with_data"],
                "total": record[f"{column}__members"],
            }
            row[f"{column}__flag"] = _summary_flag(record, column, year)
            reason = record[f"{column}__withheld_reason"]
            row[f"{column}__why"] = _(reason) if reason else ""
        rows.append(row)
    return rows


@callback(
    Output(ids.SUMMARY_ROWS, "data"),
    Output(ids.REGION_MAP, "figure"),
    Input(ids.THEME_TABS, "value"),
    Input(ids.INDICATOR, "value"),
    Input(ids.GROUP_KIND, "value"),
    Input(ids.YEAR, "value"),
    Input(ids.TOLERANCE, "value"),
    Input(ids.GROUP_METHOD, "value"),
    LANG,
)
@localized
def update_summary(theme, choice, kind, year, tolerance, method=None):
    ds = load_dataset()
    if theme != "summary":
        return [], figures.empty_figure("")
    indicator = current_indicator(theme, choice, None)
    year = clean_year(ds, indicator, year)
    chosen = None if tolerance in (None, AUTO) else clean_tolerance(tolerance)
    method = clean_method(method)
    kind = kind if kind in GROUP_KINDS else "itu"
    table = views.summary_table(ds, kind, SUMMARY_INDICATORS, year, tolerance=chosen, method=method)
    rows = summary_rows(table, ds, year)
    spec = views.indicator_spec(ds, indicator)
    regions = views.region_frame(
        ds, indicator, year, tolerance=clean_tolerance(tolerance, ds, indicator), method=method
    )
    region_map = figures.region_map_figure(
        regions,
        spec,
        load_outlines(),
        year=year,
        colour_range=views.colour_range(ds, indicator),
    )
    region_map = figures.with_credit(region_map, credit(ds, indicator, boundaries=True))
    return rows, region_map


@callback(
    Output(ids.SUMMARY_SORT, "data"),
    Input({"type": "summary-sort", "field": ALL}, "n_clicks"),
    State(ids.SUMMARY_SORT, "data"),
    prevent_initial_call=True,
)
def sort_summary(clicks, current):
    """A click on a column header sorts by it; a second click reverses the order."""
    trigger = ctx.triggered_id
    if not isinstance(trigger, dict) or not any(clicks or []):
        return no_update
    field = trigger.get("field")
    current = current if isinstance(current, dict) else {}
    if current.get("field") == field:
        return {"field": field, "descending": not current.get("descending", False)}
    # Values read best largest first; the first click sorts descending.
    return {"field": field, "descending": True}


@callback(
    Output(ids.SUMMARY_TITLE, "children"),
    Input(ids.YEAR, "value"),
    Input(ids.INDICATOR, "value"),
    LANG,
)
@localized
def update_summary_title(year, choice):
    """The summary names its year: "Regional summary, 2023"."""
    ds = load_dataset()
    year = clean_year(ds, current_indicator("summary", choice, None), year)
    return _("Regional summary, %(year)s") % {"year": year}


@callback(
    Output(ids.SUMMARY_TABLE, "children"),
    Input(ids.SUMMARY_ROWS, "data"),
    Input(ids.SUMMARY_SORT, "data"),
    State(ids.YEAR, "value"),
    State(ids.GROUP_METHOD, "value"),
    State(ids.INDICATOR, "value"),
    LANG,
)
@localized
def update_summary_table(rows, sort, year=None, method=None, choice=None):
    ds = load_dataset()
    sort = sort if isinstance(sort, dict) else {}
    method = clean_method(method)
    indicator = current_indicator("summary", choice, None)
    how = (
        _("our estimates (members without data estimated; the share reported is beside each)")
        if method == "estimated"
        else _("reported values only")
    )
    year = clean_year(ds, indicator, year)
    caption = _("Group values in %(year)s: %(how)s; ITU's own where it publishes one.") % {
        "year": year,
        "how": how,
    }
    return summary_table(
        rows if isinstance(rows, list) else [],
        _summary_groups(ds, method),
        sort_field=sort.get("field"),
        descending=bool(sort.get("descending")),
        caption=caption,
    )


@callback(
    Output(ids.DIVIDE, "figure"),
    Input(ids.THEME_TABS, "value"),
    Input(ids.INDICATOR, "value"),
    Input(ids.DIVIDE_A, "value"),
    Input(ids.DIVIDE_B, "value"),
    Input(ids.TREND_RANGE, "value"),
    Input(ids.TOLERANCE, "value"),
    LANG,
)
@localized
def update_divide(theme, choice, group_a, group_b, trend_range, tolerance):
    ds = load_dataset()
    if theme != "summary":
        return figures.empty_figure("")
    indicator = current_indicator(theme, choice, None)
    spec = views.indicator_spec(ds, indicator)
    group_a, group_b = clean_group(ds, group_a), clean_group(ds, group_b)
    start, end = clean_range(ds, indicator, trend_range)
    frame = views.divide_frame(
        ds,
        indicator,
        group_a,
        group_b,
        start=start,
        end=end,
        tolerance=clean_tolerance(tolerance, ds, indicator),
    )
    figure = figures.divide_figure(
        frame,
        spec,
        a_label=views.group_label(ds, group_a),
        b_label=views.group_label(ds, group_b),
    )
    return figures.with_credit(figure, credit(ds, indicator))


THEME_IDS = tuple(THEMES)
