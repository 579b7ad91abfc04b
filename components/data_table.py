"""A chart's rows as a plain HTML table: the alternative to the chart for screen readers and for
anyone who wants the numbers, with the same rows as the view's CSV (``data.viewrows``).

Pure: a table of view rows in, a component tree out.
"""

from __future__ import annotations

import re

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
    return _scrolling(caption, header, body)


def _scrolling(caption: str, header: list, body: list) -> html.Div:
    """A table in a box that scrolls on its own (never the page), reachable by keyboard and
    named by its caption."""
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


def _points(trace) -> list[tuple[object, object]]:
    """A trace's (category, value) pairs: bars and dots along x with categories on y (or the
    other way round for vertical ones)."""
    xs, ys = list(trace.x or ()), list(trace.y or ())
    horizontal = getattr(trace, "orientation", None) == "h" or (
        trace.type == "scatter" and ys and isinstance(ys[0], str)
    )
    if trace.type == "box":
        horizontal = bool(xs) and not isinstance(xs[0], str)
    pairs = list(zip(ys, xs, strict=False)) if horizontal else list(zip(xs, ys, strict=False))
    return pairs


def _cell(value: object, text: object, suffix: str, lang: str) -> str:
    if isinstance(text, str) and text.strip() and "<" not in text and len(text) < 24:
        return text.strip()
    if isinstance(value, (int, float)) and value == value:
        return i18n.format_number(value, 1, lang) + suffix
    return MISSING


def figure_table(figure, caption: str) -> html.Div | None:
    """The numbers a chart draws, a row per category and a column per series, for the charts
    whose rows are not a view's (coverage bars, price spreads, dumbbells, the rural divide).
    Helper traces that only draw connectors (no hover) are left out."""
    lang = i18n.current_language()
    traces = [
        t for t in figure.data if t.hoverinfo != "skip" and t.type in ("bar", "scatter", "box")
    ]
    axes = sorted({t.xaxis or "x" for t in traces})
    # Side-by-side panels (the rural divide's 3G, 4G, 5G) are told apart by their titles.
    titles = [a.text for a in figure.layout.annotations if a.xref == "paper" and a.y != 0]
    columns: list[str] = []
    rows: dict[str, dict[str, str]] = {}
    for trace in traces:
        axis = trace.xaxis or "x"
        name = str(trace.name or "")
        if len(axes) > 1 and len(titles) >= len(axes):
            name = f"{name}, {titles[axes.index(axis)]}"
        pairs = _points(trace)
        along_x = bool(pairs) and isinstance(pairs[0][0], str) or trace.type == "box"
        value_axis = axis.replace("x", "xaxis", 1) if along_x else (trace.yaxis or "y")
        layout_axis = figure.layout[value_axis.replace("y", "yaxis", 1)]
        suffix = (layout_axis.ticksuffix or "") if layout_axis else ""
        if trace.type == "box":  # each dot is an economy: the box's name is the column
            for text, (_c, value) in zip(trace.text or (), _points(trace), strict=False):
                lines = str(text).split("<br>")
                shown = lines[1] if len(lines) > 1 else _cell(value, None, suffix, lang)
                rows.setdefault(_plain_label(text), {})[name] = shown
        else:
            # Bars carry their own short labels ("89%"); other texts are hover boxes.
            texts = trace.text if trace.type == "bar" and isinstance(trace.text, tuple) else ()
            texts = list(texts) + [None] * (len(pairs) - len(texts))
            for (category, value), text in zip(pairs, texts, strict=False):
                rows.setdefault(str(category), {})[name] = _cell(value, text, suffix, lang)
        if name not in columns:
            columns.append(name)
    if not rows:
        return None
    header = [html.Th("", scope="col")] + [html.Th(c, scope="col") for c in columns]
    body = [
        html.Tr(
            [html.Th(label, scope="row")]
            + [html.Td(cells.get(c, MISSING), className="num") for c in columns]
        )
        for label, cells in rows.items()
    ]
    return _scrolling(caption, header, body)


def _plain_label(text: object) -> str:
    """The first line of a hover text without its markup: "<b>Aruba</b><br>…" → "Aruba"."""
    first = str(text or "").split("<br>")[0]
    return re.sub(r"<[^>]+>", "", first).strip()
