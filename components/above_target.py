"""The economies above the affordability target, as a plain HTML table: a caption that counts
them, a header cell per column with a sort button, and a CSV download beside it.

Pure: rows in, a component tree out. The rows come from ``data.views.above_target``, the same
rows the map colours, so the list and the map never disagree.
"""

from __future__ import annotations

import unicodedata

from dash import dcc, html

from components import ids
from components.summary_table import sort_rows
from data.i18n import _

SORT_TYPE = "above-target-sort-button"
"""The ``type`` of the sort buttons' pattern-matching ids."""
FIELDS = ("name", "value", "year", "gap")


def above_target_panel() -> html.Div:
    """The list's place on the page (hidden until an affordability map in % of GNI p.c.)."""
    return html.Div(
        id=ids.ABOVE_TARGET,
        className="above-target",
        style={"display": "none"},
        children=[
            html.H2(_("Economies above the target"), id=ids.ABOVE_TARGET_HEADING),
            html.Div(
                id=ids.ABOVE_TARGET_TABLE,
                className="summary-wrap above-target-wrap",
                role="region",
                tabIndex=0,
                **{"aria-labelledby": ids.ABOVE_TARGET_HEADING},
            ),
            dcc.Store(id=ids.ABOVE_TARGET_SORT, data={"field": "value", "descending": True}),
            html.Button(
                _("Download this list (CSV)"),
                id=ids.ABOVE_TARGET_DOWNLOAD,
                n_clicks=0,
                className="button secondary",
            ),
            dcc.Download(id=ids.ABOVE_TARGET_CSV),
        ],
    )


def _sorted(rows: list[dict], field: str | None, descending: bool) -> list[dict]:
    """Names in alphabetical order whatever their accents (Côte before Cuba); numbers by
    value, missing last."""
    if field != "name":
        return sort_rows(rows, field, descending)

    def plain(row: dict) -> str:
        decomposed = unicodedata.normalize("NFKD", str(row["name"]))
        return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()

    return sorted(rows, key=plain, reverse=descending)


def above_target_table(
    rows: list[dict],
    *,
    headers: dict[str, str],
    sort_field: str | None = "value",
    descending: bool = True,
    caption: str = "",
) -> html.Table | html.P:
    """``rows``: {"iso3", "name", "value", "year", "gap"} with ``*_text`` beside each shown
    number; ``headers``: the column titles by field. Missing values sort last."""
    if not rows:
        return html.P(caption or _("No economy is above the target."), className="note")
    cells = []
    for field in FIELDS:
        label = headers[field]
        here = sort_field == field
        arrow = (" ▼" if descending else " ▲") if here else ""
        button = html.Button(
            label + arrow,
            id={"type": SORT_TYPE, "field": field},
            className="sort",
            title=_("Sort by %(column)s") % {"column": label},
            n_clicks=0,
        )
        aria = ("descending" if descending else "ascending") if here else "none"
        cells.append(html.Th(button, scope="col", **{"aria-sort": aria}))
    body = []
    for row in _sorted(rows, sort_field, descending):
        body.append(
            html.Tr(
                [
                    html.Th(row["name"], scope="row", **{"data-field": "name"}),
                    html.Td(row["value_text"], className="num", **{"data-field": "value"}),
                    html.Td(row["year_text"], className="num", **{"data-field": "year"}),
                    html.Td(row["gap_text"], className="num", **{"data-field": "gap"}),
                ],
                **{"data-iso3": row["iso3"]},
            )
        )
    parts = [html.Caption(caption)] if caption else []
    return html.Table(
        [*parts, html.Thead(html.Tr(cells)), html.Tbody(body)],
        className="summary above-target-list",
    )
