"""CSV downloads and the sources panel. The download runs the same query as the charts."""

from __future__ import annotations

import re

from dash import Input, Output, State, callback, ctx, dcc, html, no_update

from callbacks import LANG, charts, localized
from callbacks.controls import (
    AUTO,
    HIDDEN,
    clean_countries,
    clean_group,
    clean_method,
    clean_range,
    clean_tolerance,
    clean_year,
    current_indicator,
)
from components import ids
from components.data_table import figure_table, rows_table
from components.themes import GROUP_KINDS
from data import export, i18n, viewrows, views
from data.catalog import ITU_NOTICE
from data.i18n import _, ngettext
from data.load import load_dataset


def current_view(
    ds, theme, choice, unit, group, countries, year, trend_range, tolerance, method
) -> viewrows.View:
    """The view the controls show, cleaned as the charts clean it."""
    indicator = current_indicator(theme, choice, unit, ds)
    start, end = clean_range(ds, indicator, trend_range)
    return viewrows.View(
        indicator=indicator,
        group=clean_group(ds, group),
        countries=tuple(clean_countries(ds, countries)),
        year=clean_year(ds, indicator, year),
        start=start,
        end=end,
        tolerance=clean_tolerance(tolerance, ds, indicator),
        method=clean_method(method),
    )


def view_table(ds, view: viewrows.View):
    """The view's rows in the page's language (English keeps the CSV's plain columns)."""
    lang = i18n.current_language()
    return viewrows.view_rows(ds, view, lang=None if lang == i18n.DEFAULT else lang)


def summary_view(ds, kind, year, tolerance, method):
    """The regional summary's table, as the summary tab shows it."""
    indicator = current_indicator("summary", None, None, ds)
    year = clean_year(ds, indicator, year)
    chosen = None if tolerance in (None, AUTO) else clean_tolerance(tolerance)
    kind = kind if kind in GROUP_KINDS else "itu"
    lang = i18n.current_language()
    return viewrows.summary_rows(
        ds,
        kind,
        year,
        tolerance=chosen,
        method=clean_method(method),
        lang=None if lang == i18n.DEFAULT else lang,
    )


VIEW_INPUTS = (
    Input(ids.THEME_TABS, "value"),
    Input(ids.INDICATOR, "value"),
    Input(ids.UNIT, "value"),
    Input(ids.GROUP, "value"),
    Input(ids.COUNTRIES, "value"),
    Input(ids.YEAR, "value"),
    Input(ids.TREND_RANGE, "value"),
    Input(ids.TOLERANCE, "value"),
    Input(ids.GROUP_METHOD, "value"),
    Input(ids.GROUP_KIND, "value"),
)


@callback(
    Output(ids.DOWNLOAD, "data"),
    Input(ids.DOWNLOAD_VIEW, "n_clicks"),
    Input(ids.DOWNLOAD_ALL, "n_clicks"),
    *(State(i.component_id, i.component_property) for i in VIEW_INPUTS),
    LANG,
    prevent_initial_call=True,
)
@localized
def download_csv(
    _view, _all, theme, choice, unit, group, countries, year, trend_range, tolerance, method, kind
):
    ds = load_dataset()
    indicator = current_indicator(theme, choice, unit, ds)
    lang = i18n.current_language()
    if ctx.triggered_id == ids.DOWNLOAD_ALL:
        rows = ds.subset(indicator)
        first, last = views.year_span(ds, indicator)
        name = export.export_filename(indicator, group="all", countries=None, start=first, end=last)
        table = export.export_frame(ds, rows, lang=None if lang == i18n.DEFAULT else lang)
    elif ctx.triggered_id == ids.DOWNLOAD_VIEW and theme == "summary":
        table = summary_view(ds, kind, year, tolerance, method)
        name = viewrows.summary_filename(table)
    elif ctx.triggered_id == ids.DOWNLOAD_VIEW:
        view = current_view(
            ds, theme, choice, unit, group, countries, year, trend_range, tolerance, method
        )
        table = view_table(ds, view)
        name = viewrows.view_filename(view)
    else:
        return no_update
    payload = export.csv_bytes(table, notices=viewrows.notices(ds, table))
    return dcc.send_bytes(payload, name, type="text/csv")


@callback(
    Output(ids.DOWNLOAD_NOTE, "children"),
    *VIEW_INPUTS,
    LANG,
)
@localized
def update_download_note(
    theme, choice, unit, group, countries, year, trend_range, tolerance, method, kind
):
    ds = load_dataset()
    lang = i18n.current_language()
    if theme == "summary":
        table = summary_view(ds, kind, year, tolerance, method)
        return ngettext(
            "This view's CSV: the regional summary's table, %(n)s row (a group and an "
            "indicator each), with the year each value comes from and its sources.",
            "This view's CSV: the regional summary's table, %(n)s rows (a group and an "
            "indicator each), with the year each value comes from and its sources.",
            len(table),
        ) % {"n": i18n.format_number(len(table), 0, lang)}
    view = current_view(
        ds, theme, choice, unit, group, countries, year, trend_range, tolerance, method
    )
    counts = viewrows.row_counts(ds, view)  # the note counts rows; the CSV is built on a click
    return _(
        "This view's CSV has the rows its charts draw, as its table shows them: %(map)s for "
        "the map (%(year)s) and %(trend)s for the trend (%(start)s–%(end)s), for “%(title)s”. "
        "Each row gives the requested year, the year the value comes from, the source and the "
        "licence."
    ) % {
        "map": i18n.format_number(counts[viewrows.MAP], 0, lang),
        "trend": i18n.format_number(counts[viewrows.TREND], 0, lang),
        "year": view.year,
        "start": view.start,
        "end": view.end,
        "title": i18n.translate(ds.catalog.at[view.indicator, "title"], lang),
    }


def _toggled(toggle: str, holder: str) -> tuple:
    """A table toggle's dependencies: the table, the button's words and state, its clicks."""
    return (
        Output(holder, "children"),
        Output(toggle, "children"),
        Output(toggle, "aria-expanded"),
        Input(toggle, "n_clicks"),
    )


def _table_callback(chart: str, toggle: str, holder: str) -> None:
    @callback(*_toggled(toggle, holder), *VIEW_INPUTS[:-1], LANG)
    @localized
    def show_table(
        clicks, theme, choice, unit, group, countries, year, trend_range, tolerance, method
    ):
        if not isinstance(clicks, int) or clicks % 2 == 0:
            return [], _("Show the table"), "false"
        ds = load_dataset()
        view = current_view(
            ds, theme, choice, unit, group, countries, year, trend_range, tolerance, method
        )
        table = view_table(ds, view)
        spec = views.indicator_spec(ds, view.indicator)
        return rows_table(ds, table, chart, spec), _("Hide the table"), "true"


def _figure_table_callback(toggle: str, holder: str, draw, *inputs: Input) -> None:
    """A table of what a chart draws, made by drawing it again from the same controls (the
    figure the browser holds is not read back: it is the client's, and its arrays are packed)."""

    @callback(*_toggled(toggle, holder), *inputs, LANG)
    def show_figure_table(clicks, *controls):
        # ``localized`` counts named parameters: with the controls unnamed, the language (the
        # last value) is taken here.
        *controls, lang = controls
        previous = i18n.current_language()
        i18n.use_language(lang if lang in i18n.LANGUAGES else None)
        try:
            return _figure_tables(clicks, draw, controls)
        finally:
            i18n.use_language(previous)


def _figure_tables(clicks, draw, controls):
    if not isinstance(clicks, int) or clicks % 2 == 0:
        return [], _("Show the table"), "false"
    tables = []
    for figure in draw(*controls, i18n.current_language()):
        if not figure.data:
            continue
        title = re.sub(r"<[^>]+>", " ", str(figure.layout.title.text or "")).strip()
        table = figure_table(figure, re.sub(r"\s+", " ", title))
        if table is not None:
            tables.append(table)
    return tables, _("Hide the table"), "true"


def _theme_figures(*controls):
    shown = charts.update_theme_view(*controls)
    return [f for f, style in ((shown[0], shown[1]), (shown[2], shown[3])) if style != HIDDEN]


def _divide_figures(*controls):
    return [charts.update_divide(*controls)]


_table_callback(viewrows.MAP, ids.MAP_TABLE_TOGGLE, ids.MAP_TABLE)
_figure_table_callback(
    ids.VIEW_TABLE_TOGGLE,
    ids.VIEW_TABLE,
    _theme_figures,
    *(
        Input(i, "value")
        for i in (
            ids.THEME_TABS,
            ids.INDICATOR,
            ids.UNIT,
            ids.GROUP_KIND,
            ids.GROUP,
            ids.YEAR,
            ids.TOLERANCE,
        )
    ),
)
_figure_table_callback(
    ids.DIVIDE_TABLE_TOGGLE,
    ids.DIVIDE_TABLE,
    _divide_figures,
    *(
        Input(i, "value")
        for i in (
            ids.THEME_TABS,
            ids.INDICATOR,
            ids.DIVIDE_A,
            ids.DIVIDE_B,
            ids.TREND_RANGE,
            ids.TOLERANCE,
        )
    ),
)
_table_callback(viewrows.TREND, ids.TREND_TABLE_TOGGLE, ids.TREND_TABLE)


@callback(Output(ids.SOURCES_PANEL, "children"), *VIEW_INPUTS[:3], LANG)
@localized
def update_sources(theme, choice, unit):
    ds = load_dataset()
    lang = i18n.current_language()
    indicator = current_indicator(theme, choice, unit, ds)
    spec = views.indicator_spec(ds, indicator)
    source_ids = export.indicator_sources(ds, indicator, with_inputs=True)
    items = []
    for sid in source_ids:
        row = ds.sources.loc[sid]
        items.append(
            html.Li(
                [
                    html.Strong(f"{i18n.translate(row['publisher'], lang)}: "),
                    f"{i18n.translate(row['title'], lang)} (",
                    # Release names and citations are bibliographic: quoted as published.
                    html.Span(row["release"], lang="en"),
                    "). " + _("Licence: %(licence)s.") % {"licence": row["licence"]} + " ",
                    html.Em(row["citation"], lang="en"),
                ]
            )
        )
    details = [
        html.H3(spec["title"]),
        html.P(spec["definition"]),
        html.P(
            [
                html.Strong(_("Unit:") + " "),
                spec["unit"],
                html.Strong("  ·  " + _("International code:") + " ") if spec.get("code") else "",
                html.Span(spec["code"], lang="en") if spec.get("code") else "",
                html.Strong("  ·  " + _("Groups:") + " "),
                _method(spec),
            ]
        ),
        html.Ul(items, className="sources-list"),
    ]
    if views.is_itu(ds, source_ids):
        details.append(html.P(_(ITU_NOTICE), className="itu-notice"))
    return details


def _method(spec: dict) -> str:
    method = spec["aggregation"]
    if method == "weighted_mean":
        weight = {
            "population": _("population"),
            "population_female": _("female population"),
            "population_male": _("male population"),
            "population_urban": _("urban population"),
            "population_rural": _("rural population"),
        }.get(spec["weight"], spec["weight"].replace("_", " "))
        return _("weighted by %(weight)s") % {"weight": weight}
    if method == "median":
        if spec.get("target"):
            return _("median economy, with the number at or under %(target)s%%") % {
                "target": f"{spec['target']:g}"
            }
        return _("median economy")
    if method == "ratio":
        return _("group female rate ÷ group male rate")
    if method == "difference":
        return _("group male rate − group female rate")
    if method == "sum":
        return _("sum")
    return _("not aggregated")
