"""The small trend charts of a country profile: the country against its groups, with targets.

Pure: the profile's chart rows (``data.profile.chart_rows``) in, a ``go.Figure`` out. The
charts are drawn static (no hover, no toolbar) at a fixed size, so that two fit side by side
on a printed A4 or Letter page; the page shows one legend for all of them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import plotly.graph_objects as go
from plotly.io.json import to_json_plotly

from components import theme
from components.figures.common import fit_lines, mirror
from components.figures.fmt import _is_parity, _number, _text
from data import i18n

WIDTH, HEIGHT = 340, 220
"""CSS pixels of one chart (its credit line adds to the height)."""
CREDIT_LINE = 13
CREDIT_CHARACTERS = 62

LINES: dict[str, dict] = {
    "country": {"color": theme.BLUE, "width": 3.5, "dash": "solid"},
    "region": {"color": theme.ORANGE, "width": 2.5, "dash": "dash"},
    "income_group": {"color": theme.BLUISH_GREEN, "width": 2.5, "dash": "dot"},
    "world": {"color": theme.GROUP_LINE, "width": 2, "dash": "dashdot"},
}
"""How each kind of line is drawn (the page's legend uses the same)."""
ORDER = ("world", "income_group", "region", "country")
"""Drawing order: the country's line last, on top."""


def profile_trend_figure(
    rows: Sequence[Mapping],
    spec: Mapping,
    *,
    title: str,
    targets: Sequence[Mapping] = (),
    credit: str = "",
) -> go.Figure:
    """One small chart: a line per entity kind of ``rows`` (``entity_kind``, ``entity_name``,
    ``year_of_data``, ``value``), ``targets`` as dashed lines, ``credit`` under it."""
    fig = go.Figure()
    by_kind: dict[str, list[Mapping]] = {}
    for row in rows:
        by_kind.setdefault(str(row["entity_kind"]), []).append(row)
    values: list[float] = []
    for kind in ORDER:
        mine = sorted(by_kind.get(kind, []), key=lambda r: int(r["year_of_data"]))
        if not mine:
            continue
        style = LINES[kind]
        ys = [_number(r["value"]) for r in mine]
        values += [y for y in ys if y is not None]
        fig.add_trace(
            go.Scatter(
                x=[int(r["year_of_data"]) for r in mine],
                y=ys,
                name=_text(mine[0]["entity_name"]),
                mode="lines+markers" if kind == "country" else "lines",
                line=style,
                marker={"size": 5, "color": style["color"]},
                connectgaps=kind != "country",
                meta={"kind": kind},
            )
        )
    for target in targets:
        value = _number(target.get("value"))
        if value is None:
            continue
        values.append(value)
        fig.add_hline(
            y=value,
            line={"color": theme.TARGET, "width": 1.5, "dash": "dash"},
            annotation={
                "text": _text(target.get("label")),
                "font": {"size": 10, "color": theme.TARGET},
                "xanchor": "left",
                "x": 0,
                "yanchor": "bottom",
            },
            layer="below",
        )
    yaxis: dict = {
        "gridcolor": theme.GRID,
        "zeroline": False,
        "tickfont": {"size": 11},
        "automargin": True,
    }
    if values and not _is_parity(spec) and min(values) >= 0:
        yaxis["rangemode"] = "tozero"
    lines = fit_lines(credit, CREDIT_CHARACTERS).count("<br>") + 1 if credit else 0
    bottom = 24 + CREDIT_LINE * lines
    fig.update_layout(
        template=None,
        width=WIDTH,
        height=HEIGHT + CREDIT_LINE * lines,
        title={
            "text": fit_lines(title, 50),
            "x": 0.0,
            "xanchor": "left",
            "y": 0.98,
            "yanchor": "top",
            "font": {"size": 12, "color": theme.TEXT},
        },
        font={"family": theme.FONT_FAMILY, "size": 11, "color": theme.TEXT},
        paper_bgcolor=theme.BACKGROUND,
        plot_bgcolor=theme.BACKGROUND,
        showlegend=False,
        margin={"l": 8, "r": 12, "t": 26 + 14 * fit_lines(title, 50).count("<br>"), "b": bottom},
        xaxis={
            "tickformat": "d",
            "showgrid": False,
            "linecolor": theme.AXIS_LINE,
            "tickfont": {"size": 11},
            "automargin": True,
        },
        yaxis=yaxis,
        separators=i18n.separators(i18n.current_language()),
    )
    if credit:
        fig.add_annotation(
            text=fit_lines(credit, CREDIT_CHARACTERS),
            xref="paper",
            yref="paper",
            x=0,
            y=0,
            xanchor="left",
            yanchor="top",
            yshift=-22,
            showarrow=False,
            align="left",
            font={"size": 9, "color": theme.MUTED_TEXT},
            name="credit",
        )
    if i18n.direction(i18n.current_language()) == "rtl":
        mirror(fig)
    return fig


def figure_json(fig: go.Figure) -> str:
    """``fig`` as JSON for ``Plotly.newPlot``, safe inside a ``<script>`` element."""
    data = fig.to_plotly_json()
    data["layout"].pop("template", None)
    return to_json_plotly(data).replace("</", "<\\/")
