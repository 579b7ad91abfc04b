"""The list of economies above the affordability target: rows, sorting and its CSV."""

from __future__ import annotations

from dash import ALL, Input, Output, State, callback, ctx, dcc, no_update

from callbacks import LANG, localized
from callbacks.controls import clean_group, clean_tolerance, clean_year, current_indicator
from components import ids
from components.above_target import FIELDS, SORT_TYPE, above_target_table
from components.figures import format_value
from data import export, i18n, views
from data.i18n import _, ngettext
from data.load import load_dataset

HIDDEN = {"display": "none"}

LIST_INPUTS = (
    Input(ids.THEME_TABS, "value"),
    Input(ids.INDICATOR, "value"),
    Input(ids.UNIT, "value"),
    Input(ids.YEAR, "value"),
    Input(ids.TOLERANCE, "value"),
    Input(ids.GROUP, "value"),
)


def listed(ds, theme, choice, unit, year, tolerance, group):
    """(indicator, spec, year, tolerance, group, rows, economies with data) of the list, or
    ``None`` when the view has no target to list against (not a price in % of GNI p.c.)."""
    if theme != "affordability":
        return None
    indicator = current_indicator(theme, choice, unit)
    spec = views.indicator_spec(ds, indicator)
    if spec["target"] is None:
        return None
    year, tolerance = clean_year(ds, indicator, year), clean_tolerance(tolerance, ds, indicator)
    group = clean_group(ds, group)
    rows, with_data = views.above_target(ds, indicator, year, tolerance=tolerance, group=group)
    return indicator, spec, year, tolerance, group, rows, with_data


def caption(spec, year, tolerance, group_label, n, with_data) -> str:
    """ "42 of 119 economies with data are above 2% in 2023." and, where older values fill in,
    how far back."""
    target = format_value(spec["target"], {"unit": "%", "decimals": 0})
    text = ngettext(
        "%(n)d of %(total)d economies with data is above %(target)s in %(year)s.",
        "%(n)d of %(total)d economies with data are above %(target)s in %(year)s.",
        n,
    ) % {"n": n, "total": with_data, "target": target, "year": year}
    if group_label:
        text = _("%(group)s: %(text)s") % {"group": group_label, "text": text}
    if tolerance:
        text += " " + ngettext(
            "Where %(year)s is missing, the latest value from up to %(n)d year earlier is "
            "listed with its own year.",
            "Where %(year)s is missing, the latest value from up to %(n)d years earlier is "
            "listed with its own year.",
            tolerance,
        ) % {"year": year, "n": tolerance}
    return text


@callback(
    Output(ids.ABOVE_TARGET, "style"),
    Output(ids.ABOVE_TARGET_TABLE, "children"),
    *LIST_INPUTS,
    Input(ids.ABOVE_TARGET_SORT, "data"),
    LANG,
)
@localized
def update_above_target(theme, choice, unit, year, tolerance, group, sort):
    ds = load_dataset()
    found = listed(ds, theme, choice, unit, year, tolerance, group)
    if found is None:
        return HIDDEN, []
    indicator, spec, year, tolerance, group, rows, with_data = found
    sort = sort if isinstance(sort, dict) else {}
    field = sort.get("field") if sort.get("field") in FIELDS else "value"
    gap_spec = {"unit": "percentage points", "decimals": spec["decimals"]}
    records = [
        {
            "iso3": row.iso3,
            "name": row.name,
            "value": float(row.value),
            "value_text": format_value(row.value, spec),
            "year": int(row.year),
            "year_text": str(int(row.year)),
            "gap": float(row.gap),
            "gap_text": "+" + format_value(row.gap, gap_spec),
        }
        for row in rows.itertuples()
    ]
    target = format_value(spec["target"], {"unit": "%", "decimals": 0})
    headers = {
        "name": _("Economy"),
        "value": _("Price (%(unit)s)") % {"unit": spec["unit"]},
        "year": _("Data year"),
        "gap": _("Above the %(target)s target by") % {"target": target},
    }
    label = "" if group == "world" else views.group_label(ds, group)
    table = above_target_table(
        records,
        headers=headers,
        sort_field=field,
        descending=bool(sort.get("descending", True)),
        caption=caption(spec, year, tolerance, label, len(records), with_data),
    )
    return {}, table


@callback(
    Output(ids.ABOVE_TARGET_SORT, "data"),
    Input({"type": SORT_TYPE, "field": ALL}, "n_clicks"),
    State(ids.ABOVE_TARGET_SORT, "data"),
    prevent_initial_call=True,
)
def sort_above_target(clicks, current):
    """A click on a column sorts by it (prices dearest first, names A to Z); a second click
    on the same column reverses the order."""
    trigger = ctx.triggered_id
    if not isinstance(trigger, dict) or not any(clicks or []):
        return no_update
    field = trigger.get("field")
    if field not in FIELDS:
        return no_update
    current = current if isinstance(current, dict) else {}
    if current.get("field") == field:
        return {"field": field, "descending": not current.get("descending", False)}
    return {"field": field, "descending": field != "name"}


@callback(
    Output(ids.ABOVE_TARGET_CSV, "data"),
    Input(ids.ABOVE_TARGET_DOWNLOAD, "n_clicks"),
    *(State(i.component_id, i.component_property) for i in LIST_INPUTS),
    LANG,
    prevent_initial_call=True,
)
@localized
def download_above_target(clicks, theme, choice, unit, year, tolerance, group):
    ds = load_dataset()
    found = listed(ds, theme, choice, unit, year, tolerance, group)
    if not clicks or found is None:
        return no_update
    indicator, spec, year, tolerance, group, rows, _with_data = found
    lang = i18n.current_language()
    table = export.above_target_frame(
        ds,
        views.above_target_rows(rows, indicator),
        target=spec["target"],
        lang=None if lang == i18n.DEFAULT else lang,
    )
    payload = export.csv_bytes(table, notices=export.notices_for(ds, table))
    name = export.export_filename(
        f"{indicator}_above-target",
        group=group,
        countries=None,
        start=None,
        end=None,
        year=year,
        tolerance=tolerance or None,
    )
    return dcc.send_bytes(payload, name, type="text/csv")
