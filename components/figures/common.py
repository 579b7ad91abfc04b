"""Pieces every chart shares: frame helpers, the empty figure, the credit line, target and
break lines, the top legend.

Importing this module registers the dashboard's plotly template (:mod:`components.theme`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio

from components import theme
from components.figures.fmt import _flag, _title
from data import i18n
from data.i18n import _

theme.register_template()


def _is_empty(frame: object) -> bool:
    return not isinstance(frame, pd.DataFrame) or frame.empty


def _has(frame: pd.DataFrame, columns: Iterable[str]) -> bool:
    return all(column in frame.columns for column in columns)


def _column(frame: pd.DataFrame, name: str, default: object = None) -> pd.Series:
    """A copy of column ``name``, or a column of ``default`` if the frame lacks it."""
    if name in frame.columns:
        return frame[name].copy()
    return pd.Series([default] * len(frame), index=frame.index, dtype=object)


def _flags(frame: pd.DataFrame, name: str, *, default: bool) -> pd.Series:
    """Column ``name`` as a plain bool Series; missing cells and a missing column → ``default``."""
    if name not in frame.columns:
        return pd.Series(default, index=frame.index, dtype=bool)
    values = [_flag(value) for value in frame[name].tolist()]
    return pd.Series(
        [default if value is None else value for value in values], index=frame.index, dtype=bool
    )


# --------------------------------------------------------------------------- empty


def _vertical_line(
    fig: go.Figure, x: float, *, line: dict, label: str, font: dict, label_x: float | None = None
) -> None:
    """A full-height line at ``x`` with its label above the plot (targets, basket changes).

    ``label_x`` is where the label goes in axis units (log axes place annotations by log10).
    """
    fig.add_shape(
        type="line", xref="x", x0=x, x1=x, yref="y domain", y0=0, y1=1, line=line, layer="below"
    )
    fig.add_annotation(
        xref="x",
        x=x if label_x is None else label_x,
        yref="y domain",
        y=1.0,
        yanchor="bottom",
        text=label,
        showarrow=False,
        font=font,
    )


def empty_figure(message: str) -> go.Figure:
    """A blank figure (no axes) with ``message`` centred: "No data for … in …"."""
    fig = go.Figure()
    fig.update_layout(
        xaxis={"visible": False},
        yaxis={"visible": False},
        height=360,
        margin={"l": 16, "r": 16, "t": 16, "b": 16},
        annotations=[
            {
                "text": message,
                "xref": "paper",
                "yref": "paper",
                "x": 0.5,
                "y": 0.5,
                "showarrow": False,
                "font": {"size": theme.FONT_SIZE + 4, "color": theme.MUTED_TEXT},
            }
        ],
        meta={"empty": True},
    )
    return fig


CREDIT_HEIGHT = 30
"""Pixels added under a chart for its credit line."""


MAP_FOOT = 74
"""Pixels a map's horizontal colour bar (title, bar, tick labels) and legend take under it."""


def with_credit(fig: go.Figure, text: str) -> go.Figure:
    """``fig`` with ``text`` (sources and licences) as a small line under the chart.

    The line is part of the figure, so a chart saved as an image keeps its credits. Blank
    figures (no data) are returned as they are. The bottom margin grows to make room, and the
    line sits below whatever the margin held before (axis labels, legends).
    """
    meta = fig.layout.meta
    if not text or (isinstance(meta, dict) and meta.get("empty")):
        return fig
    margin = fig.layout.margin.b
    if margin is None:
        margin = pio.templates[pio.templates.default].layout.margin.b or 0
    if any(trace.type == "choropleth" for trace in fig.data):
        # A map's colour bar and legend hang below it, pushing its small margin out.
        margin = max(int(margin), MAP_FOOT)
    fig.add_annotation(
        text=text,
        xref="paper",
        yref="paper",
        x=0,
        y=0,
        xanchor="left",
        yanchor="top",
        yshift=-int(margin),
        showarrow=False,
        align="left",
        font={"size": theme.SMALL_SIZE - 2, "color": theme.MUTED_TEXT},
        name="credit",
    )
    fig.update_layout(margin={"b": int(margin) + CREDIT_HEIGHT})
    if fig.layout.height:
        fig.update_layout(height=int(fig.layout.height) + CREDIT_HEIGHT)
    if i18n.direction(i18n.current_language()) == "rtl":
        mirror(fig)
    return fig


def fit_lines(text: str, width: int = 130) -> str:
    """``text`` broken into lines of about ``width`` characters (plotly never wraps a title or
    subtitle, and translations run longer than English): at spaces, or anywhere in a script
    written without them (Chinese)."""
    lines, line = [], ""
    for word in re.split(r"(?<= )", text) if " " in text else list(text):
        if line and len(line) + len(word) > width:
            lines.append(line.rstrip())
            line = ""
        line += word
    lines.append(line.rstrip())
    return "<br>".join(lines)


def mirror(fig: go.Figure) -> go.Figure:
    """A chart for a right-to-left reader: plotly draws left to right, so the title, the
    notes, the legend and the value axis move to the right, where the reader starts."""
    fig.update_layout(title={"x": 0.99, "xanchor": "right"})
    legend = fig.layout.legend
    if legend.orientation == "h":
        fig.update_layout(legend={"x": 1.0, "xanchor": "right"})
    for annotation in fig.layout.annotations or ():
        if annotation.xref == "paper" and annotation.x == 0 and annotation.xanchor == "left":
            annotation.update(x=1, xanchor="right", align="right")
    cartesian = any(t.type in ("scatter", "bar", "box") for t in fig.data)
    if cartesian and not any(getattr(t, "orientation", None) == "h" for t in fig.data):
        fig.update_yaxes(side="right")
    return fig


def _no_data(spec: Mapping | None = None, when: object = None, what: str = "") -> go.Figure:
    subject = what or _title(spec)
    if when not in (None, ""):
        return empty_figure(_("No data for %(what)s in %(when)s") % {"what": subject, "when": when})
    return empty_figure(_("No data for %(what)s") % {"what": subject})


TOP_LEGEND = {"orientation": "h", "x": 0.0, "xanchor": "left", "y": 1.0, "yanchor": "bottom"}
"""A legend in one row above the plot, left-aligned (charts other than maps)."""
