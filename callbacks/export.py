"""CSV downloads and the sources panel. The download runs the same query as the charts."""

from __future__ import annotations

from dash import Input, Output, State, callback, ctx, dcc, html, no_update

from callbacks import LANG, localized
from callbacks.controls import (
    clean_countries,
    clean_group,
    clean_range,
    clean_tolerance,
    current_indicator,
)
from components import ids
from data import export, i18n, views
from data.catalog import ITU_NOTICE
from data.i18n import _, ngettext
from data.load import load_dataset


def view_scope(ds, group: str | None, countries: list[str] | None) -> list[str] | None:
    """Economies behind the current view: the group's members and any picked countries.

    ``None`` means every economy (the world).
    """
    if not group or group == "world":
        return None
    return sorted(set(views.members_of(ds, group)) | set(countries or []))


def view_rows(ds, indicator, group, countries, trend_range, tolerance):
    start, end = clean_range(ds, indicator, trend_range)
    group, countries = clean_group(ds, group), clean_countries(ds, countries)
    rows = views.export_rows(
        ds,
        indicator,
        countries=view_scope(ds, group, countries),
        start=start,
        end=end,
        tolerance=clean_tolerance(tolerance, ds, indicator),
    )
    return rows, start, end


VIEW_INPUTS = (
    Input(ids.THEME_TABS, "value"),
    Input(ids.INDICATOR, "value"),
    Input(ids.UNIT, "value"),
    Input(ids.GROUP, "value"),
    Input(ids.COUNTRIES, "value"),
    Input(ids.TREND_RANGE, "value"),
    Input(ids.TOLERANCE, "value"),
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
def download_csv(_view, _all, theme, choice, unit, group, countries, trend_range, tolerance):
    ds = load_dataset()
    indicator = current_indicator(theme, choice, unit)
    if ctx.triggered_id == ids.DOWNLOAD_ALL:
        rows = ds.subset(indicator)
        first, last = views.year_span(ds, indicator)
        name = export.export_filename(indicator, group="all", countries=None, start=first, end=last)
    elif ctx.triggered_id == ids.DOWNLOAD_VIEW:
        rows, start, end = view_rows(ds, indicator, group, countries, trend_range, tolerance)
        name = export.export_filename(
            indicator,
            group=group,
            countries=None,
            start=start,
            end=end,
            tolerance=clean_tolerance(tolerance, ds, indicator) or None,
        )
    else:
        return no_update
    lang = i18n.current_language()
    table = export.export_frame(ds, rows, lang=None if lang == i18n.DEFAULT else lang)
    payload = export.csv_bytes(table, notices=export.notices_for(ds, table))
    return dcc.send_bytes(payload, name, type="text/csv")


@callback(
    Output(ids.DOWNLOAD_NOTE, "children"),
    *VIEW_INPUTS,
    LANG,
)
@localized
def update_download_note(theme, choice, unit, group, countries, trend_range, tolerance):
    ds = load_dataset()
    lang = i18n.current_language()
    indicator = current_indicator(theme, choice, unit)
    if views.groups_only(ds, indicator):
        return _(
            "“%(title)s” exists for groups of economies only: ITU's values are in the data "
            "API, %(link)s"
        ) % {
            "title": i18n.translate(ds.catalog.at[indicator, "title"], lang),
            "link": f"/api/v1/aggregates?indicator={indicator}&method=official&year=…",
        }
    rows, start, end = view_rows(ds, indicator, group, countries, trend_range, tolerance)
    group, tolerance = clean_group(ds, group), clean_tolerance(tolerance, ds, indicator)
    label = views.group_label(ds, group)
    scope = (
        _("%(group)s and the picked countries") % {"group": label}
        if countries and group != "world"
        else label
    )
    window = (
        ngettext(
            ", each year showing the latest value within %(n)d year",
            ", each year showing the latest value within %(n)d years",
            tolerance,
        )
        % {"n": tolerance}
        if tolerance
        else ""
    )
    return _(
        "This view's CSV: %(n)s values of “%(title)s” for %(scope)s, %(start)s–%(end)s%(window)s. "
        "Each row gives the requested year, the year the value comes from, the source and the "
        "licence."
    ) % {
        "n": i18n.format_number(len(rows), 0, lang),
        "title": i18n.translate(ds.catalog.at[indicator, "title"], lang),
        "scope": scope,
        "start": start,
        "end": end,
        "window": window,
    }


@callback(Output(ids.SOURCES_PANEL, "children"), *VIEW_INPUTS[:3], LANG)
@localized
def update_sources(theme, choice, unit):
    ds = load_dataset()
    lang = i18n.current_language()
    indicator = current_indicator(theme, choice, unit)
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
