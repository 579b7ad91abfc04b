"""``/api/v1/view``: the rows of a dashboard view, for the same query as the page's address.

The page's "Download CSV of this view" button and its data-API link give the same rows: both
call the callbacks' own ``current_view``/``view_table`` (``data.viewrows`` defines the rows).
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from api.export import check_view
from callbacks.export import current_view, summary_view, view_table
from components import ids
from components.layout import initial_values
from data import i18n, viewrows, views
from data.load import Dataset


def view_rows_for(
    ds: Dataset, values: Mapping[str, str], lang: str
) -> tuple[pd.DataFrame, str, dict]:
    """The rows of the view ``values`` (query name → value) names, their file name and the
    view as understood; raises ``ApiError`` naming a parameter the page could not use."""
    view = check_view(values, ds)
    start = initial_values(ds, view)
    theme, kind, group = start[ids.THEME_TABS], start[ids.GROUP_KIND], start[ids.GROUP]
    if group != "world" and ds.groups.get(group, {}).get("kind") != kind:
        group = views.closest_group(ds, group, kind)  # the group list follows the kind
    previous = i18n.current_language()
    i18n.use_language(lang)
    try:
        if theme == "summary":
            table = summary_view(
                ds, kind, start[ids.YEAR], start[ids.TOLERANCE], start[ids.GROUP_METHOD]
            )
            return table, viewrows.summary_filename(table), {"theme": theme, "kind": kind}
        shown = current_view(
            ds,
            theme,
            start[ids.INDICATOR],
            start[ids.UNIT],
            group,
            start[ids.COUNTRIES],
            start[ids.YEAR],
            start[ids.TREND_RANGE],
            start[ids.TOLERANCE],
            start[ids.GROUP_METHOD],
        )
        table = view_table(ds, shown)
        understood = {
            "theme": theme,
            "indicator": shown.indicator,
            "group": shown.group,
            "countries": list(shown.countries),
            "year": shown.year,
            "start": shown.start,
            "end": shown.end,
            "tolerance": shown.tolerance,
            "method": shown.method,
        }
        return table, viewrows.view_filename(shown), understood
    finally:
        i18n.use_language(previous)
