"""A chart's rows as a plain HTML table: the alternative to the chart for screen readers and for
anyone who wants the numbers, with the same rows as the view's CSV (``data.viewrows``).

Pure: a table of view rows in, a component tree out.
"""

from __future__ import annotations

import pandas as pd
from dash import html

from components.figures.fmt import format_value
from data import i18n, viewrows, views
from data.i18n import N_, _, ngettext

STATUS = {
    "reported": N_("reported"),
    "carried forward": N_("latest earlier value"),
    viewrows.NO_DATA: N_("no data"),
    viewrows.WITHHELD: N_("withheld"),
    **viewrows.GROUP_STATUS,
}
MISSING = "—"


def _year(value: object) -> str:
    return MISSING if value is None or pd.isna(value) else str(int(value))


def rows_table(ds, table: pd.DataFrame, chart: str, spec: dict) -> html.Div:
    """The rows of ``table`` that belong to ``chart`` (map or trend), in the page's language."""
    words = i18n.gettext
    lang = i18n.current_language()
    rows = table.loc[table["chart"] == chart]
    if chart == viewrows.MAP:
        caption = ngettext(
            "The map's %(n)s row: each economy's value for %(year)s",
            "The map's %(n)s rows: each economy's value for %(year)s",
            len(rows),
        )
        year = int(rows["requested_year"].iloc[0]) if len(rows) else ""
        caption = caption % {"n": i18n.format_number(len(rows), 0, lang), "year": year}
    else:
        caption = ngettext(
            "The trend's %(n)s row: each line's value by year",
            "The trend's %(n)s rows: each line's value by year",
            len(rows),
        ) % {"n": i18n.format_number(len(rows), 0, lang)}
    names = rows["name"] if "name" in rows.columns else rows["country"]
    header = [
        html.Th(_("Economy or group"), scope="col"),
        html.Th(_("Year"), scope="col"),
        html.Th(_("Data year"), scope="col"),
        html.Th(_("Value"), scope="col"),
        html.Th(_("Status"), scope="col"),
        html.Th(_("Source"), scope="col"),
    ]
    body = []
    for name, record in zip(names, rows.itertuples(index=False), strict=True):
        status = STATUS.get(record.value_status, record.value_status)
        source = record.source if isinstance(record.source, str) else ""
        body.append(
            html.Tr(
                [
                    html.Th(name, scope="row"),
                    html.Td(_year(record.requested_year), className="num"),
                    html.Td(_year(record.year_of_data), className="num"),
                    html.Td(format_value(record.value, spec), className="num"),
                    html.Td(words(status)),
                    html.Td(_source_label(ds, source)),
                ],
                **{"data-chart": chart},
            )
        )
    return html.Div(
        html.Table(
            [html.Caption(caption), html.Thead(html.Tr(header)), html.Tbody(body)],
            className="rows-table",
        ),
        className="table-wrap",
        tabIndex=0,
        role="region",
        **{"aria-label": caption},
    )


def _source_label(ds, source: str) -> str:
    return "; ".join(views.source_label(ds, s) for s in source.split(";") if s)
