"""Lines over the years: the trend of one indicator per series, and the divide between two."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import pandas as pd
import plotly.graph_objects as go

from components import theme
from components.figures.common import (
    TOP_LEGEND,
    _column,
    _flags,
    _has,
    _is_empty,
    _no_data,
    _vertical_line,
)
from components.figures.fmt import (
    DASH,
    _flag,
    _gap_unit,
    _int_text,
    _is_affordability,
    _is_parity,
    _is_percent,
    _number,
    _share_text,
    _short_number,
    _text,
    _title,
    _unit,
    _value_with_unit,
    format_value,
)
from components.figures.scales import _rgba
from components.figures.views import LOG_TICKS
from data.i18n import _, ngettext

# --------------------------------------------------------------------------- trend


def _trend_hover(row: pd.Series, spec: Mapping | None, label: str, is_group: bool) -> str:
    year = _int_text(row.get("year"))
    lines = [f"<b>{label}</b>", f"{year}: {_value_with_unit(row.get('value'), spec)}"]
    data_year = _number(row.get("data_year"))
    if data_year is not None and year != DASH and int(data_year) != int(year):
        lines.append(_("Data year: %(year)d") % {"year": int(data_year)})
    if is_group and row.get("method") == "estimated":
        shares = [
            (_number(row.get(f"{kind}_share")), words)
            for kind, words in (
                ("reported", _("reported")),
                ("history", _("from own trend")),
                ("modelled", _("modelled")),
            )
        ]
        reported = _number(row.get("reported_share"))
        if reported is not None:
            lines.append(
                _("Our estimate: %(share)s of the population reported")
                % {"share": _share_text(reported)}
            )
        lines += [f"{_share_text(share)} {words}" for share, words in shares[1:] if share]
    elif is_group:
        coverage = _number(row.get("coverage"))
        if coverage is not None:
            with_data, members = _number(row.get("members_with_data")), _number(row.get("members"))
            if with_data is not None and members is not None:
                lines.append(
                    _("coverage %(share)s (%(n)d of %(total)d economies)")
                    % {"share": _share_text(coverage), "n": int(with_data), "total": int(members)}
                )
            else:
                lines.append(_("coverage %(share)s") % {"share": _share_text(coverage)})
            if _flag(row.get("partial")):
                lines.append(
                    _("Partial: less than %(share)s of the group has data")
                    % {"share": _share_text(0.8)}
                )
    source = _text(row.get("source"))
    if source:
        lines.append(_("Source: %(source)s") % {"source": source})
    return "<br>".join(lines)


def _legend_entries(fig: go.Figure) -> int:
    return sum(1 for trace in fig.data if trace.showlegend is not False)


def trend_figure(
    frame: pd.DataFrame,
    spec: Mapping,
    *,
    targets: Sequence[Mapping] = (),
    breaks: Sequence[int] = (),
    threshold: float = 0.5,
) -> go.Figure:
    """One line per series over the years; gaps where a value is missing or withheld.

    Groups are thick and dashed, countries thinner and solid. ``targets`` ({"label", "value"})
    become dashed horizontal reference lines, ``breaks`` (years) dotted vertical lines labelled
    "basket change".
    """
    if _is_empty(frame) or not _has(frame, ("series", "year", "value")):
        return _no_data(spec)
    data = frame.copy()
    data["value"] = pd.to_numeric(data["value"], errors="coerce")
    data["year"] = pd.to_numeric(data["year"], errors="coerce")
    data = data[data["year"].notna()]
    # Prices in % of GNI p.c. run from under 1% to several hundred: a log axis keeps the 2%
    # target and every economy readable. A log axis has no place for 0 or less (no price is
    # free): such values are left out as missing, and the note says how many.
    use_log = _is_affordability(spec)
    not_positive = int((data["value"] <= 0).sum()) if use_log else 0
    if not_positive:
        data["value"] = data["value"].where(data["value"] > 0)
    if data["value"].notna().sum() == 0:
        return _no_data(spec)

    fig = go.Figure()
    colours = iter(theme.COLORWAY * (len(data) // len(theme.COLORWAY) + 2))
    first_group = True
    by_series: dict[str, str] = {}
    any_partial = False
    for series, rows in data.groupby("series", sort=False):
        rows = rows.sort_values("year")
        label = _text(rows["label"].iloc[0]) if "label" in rows.columns else ""
        label = label or str(series)
        kind = _text(rows["kind"].iloc[0]) if "kind" in rows.columns else "country"
        is_group = kind == "group"
        official = kind == "official"
        base = str(series).split(":")[0]
        if official and base in by_series:
            colour = by_series[base]
        elif is_group and first_group:
            colour = theme.GROUP_LINE
            first_group = False
        else:
            colour = next(colours)
        by_series.setdefault(base, colour)
        method = _text(rows["method"].iloc[0]) if "method" in rows.columns else ""
        if is_group and method == "estimated":
            label = _("%(group)s, our estimate") % {"group": label}
        elif is_group and method == "reported":
            label = _("%(group)s, reported values only") % {"group": label}
        hover = [
            _trend_hover(row, spec, label, is_group or official) for _i, row in rows.iterrows()
        ]
        partial = _flags(rows, "partial", default=False).to_numpy()
        any_partial = any_partial or bool(partial.any())
        fig.add_trace(
            go.Scatter(
                x=rows["year"].astype(int).tolist(),
                y=rows["value"].round(6).tolist(),
                mode="lines+markers",
                name=label,
                connectgaps=False,
                line={
                    "color": colour,
                    "width": 3 if official else 4 if is_group else 2.5,
                    "dash": "dot" if official else "dash" if is_group else "solid",
                },
                marker={
                    "size": 8 if official else 7 if is_group else 6,
                    "color": colour,
                    "symbol": (
                        "diamond-open"
                        if official
                        else [("circle-open" if p else "circle") for p in partial]
                    ),
                    "line": {"color": colour, "width": 2},
                },
                text=hover,
                hovertemplate="%{text}<extra></extra>",
                meta={"series": str(series), "kind": kind, "method": method},
            )
        )

    for target in targets or ():
        value = _number(target.get("value")) if isinstance(target, Mapping) else None
        if value is None:
            continue
        label = _text(target.get("label"))
        if use_log and value <= 0:
            continue
        # Shapes and annotations on a log axis are placed by log10 of the value.
        at = math.log10(value) if use_log else value
        fig.add_shape(
            type="line",
            xref="x domain",
            x0=0,
            x1=1,
            yref="y",
            y0=at,
            y1=at,
            line={"color": theme.TARGET, "width": 2, "dash": "dash"},
            layer="below",
        )
        if label:
            fig.add_annotation(
                xref="x domain",
                x=0.0,
                xanchor="left",
                yref="y",
                y=at,
                yanchor="bottom",
                text=label,
                showarrow=False,
                font={"color": theme.TARGET, "size": theme.SMALL_SIZE + 1},
            )

    years = data["year"]
    for year in breaks or ():
        year_number = _number(year)
        if year_number is None:
            continue
        _vertical_line(
            fig,
            year_number,
            line={"color": theme.BREAK_LINE, "width": 1, "dash": "dot"},
            label=_("basket change"),
            font={"color": theme.MUTED_TEXT, "size": theme.SMALL_SIZE - 1},
        )

    withheld = _flags(data, "withheld", default=False)
    kinds = _column(data, "kind", "country").astype(str)
    methods = _column(data, "method", "").astype(str)
    bottom = 48
    notes = []
    if bool((withheld & (kinds == "group") & (methods != "estimated")).any()):
        notes.append(
            _(
                "Gaps: group value withheld where less than %(share)s of the group's "
                "population has data, or where most of its values are carried forward from "
                "earlier years"
            )
            % {"share": _share_text(threshold)}
        )
    elif bool((withheld & (kinds == "group")).any()):
        notes.append(_("Gaps: too little of the group rests on its members' own data"))
    if not_positive:
        notes.append(
            ngettext(
                "%(n)d value of 0 or less left out: the log scale cannot show it",
                "%(n)d values of 0 or less left out: the log scale cannot show them",
                not_positive,
            )
            % {"n": not_positive}
        )
    if any_partial:
        notes.append(
            _("Open circles: partial, %(low)s–%(high)s of the group has data")
            % {"low": _share_text(0.5), "high": _share_text(0.8)}
        )
    if notes:
        fig.add_annotation(
            xref="paper",
            x=0.0,
            xanchor="left",
            yref="paper",
            y=0.0,
            yanchor="top",
            yshift=-46,
            text="<br>".join(notes),
            showarrow=False,
            align="left",
            font={"color": theme.MUTED_TEXT, "size": theme.SMALL_SIZE},
        )
        bottom = 84 + 18 * (len(notes) - 1)

    first, last = int(years.min()), int(years.max())
    when = str(first) if first == last else f"{first}–{last}"
    values = data["value"].dropna()
    yaxis: dict = {"title": {"text": _unit(spec)}}
    if use_log:
        yaxis.update(_log_axis(values, [_number(t.get("value")) for t in targets or ()], spec))
    elif not _is_parity(spec) and len(values) and float(values.min()) >= 0:
        yaxis["rangemode"] = "tozero"
    fig.update_layout(
        title={"text": _("%(title)s, %(year)s") % {"title": _title(spec), "year": when}},
        xaxis={
            "title": {"text": ""},
            "tickformat": "d",
            "dtick": None if last - first > 12 else 1,
            "showgrid": False,
        },
        yaxis=yaxis,
        legend=TOP_LEGEND,
        # Plotly draws a legend only for two entries or more; without one, no gap above.
        margin={"l": 16, "r": 24, "t": 110 if _legend_entries(fig) > 1 else 72, "b": bottom},
        hovermode="closest",
        height=480,
    )
    return fig


def _log_axis(values: pd.Series, marks: Sequence[float | None], spec: Mapping) -> dict:
    """A log value axis spanning ``values`` and the reference ``marks`` (the target), with
    round ticks (0.5%, 1%, 2%, 5% …) written in full."""
    numbers = [float(v) for v in values if v > 0] + [m for m in marks if m and m > 0]
    low, high = min(numbers), max(numbers)
    ticks = [tick for tick in LOG_TICKS if low / 1.5 <= tick <= high * 1.5]
    suffix = "%" if _is_percent(spec) else ""
    return {
        "type": "log",
        "range": [math.log10(low / 1.3), math.log10(high * 1.3)],
        "tickmode": "array",
        "tickvals": ticks,
        "ticktext": [f"{_short_number(tick)}{suffix}" for tick in ticks],
    }


# --------------------------------------------------------------------------- divide


def divide_figure(frame: pd.DataFrame, spec: Mapping, *, a_label: str, b_label: str) -> go.Figure:
    """Two lines over the years with the gap between them shaded, and the gap at the first and
    last year with data written under the title ("2005: 57 pp → 2023: 66 pp")."""
    title = _("The divide: %(a)s vs %(b)s") % {"a": a_label, "b": b_label}
    if _is_empty(frame) or not _has(frame, ("year", "a", "b")):
        return _no_data(spec, what=f"{a_label} vs {b_label}")
    data = frame.copy()
    for column in ("year", "a", "b"):
        data[column] = pd.to_numeric(data[column], errors="coerce")
    data = data[data["year"].notna()].sort_values("year")
    if data[["a", "b"]].notna().sum().sum() == 0:
        return _no_data(spec, what=f"{a_label} vs {b_label}")
    # The gap is shown as a size; who is ahead comes from a and b themselves.
    gap = pd.to_numeric(_column(data, "gap"), errors="coerce")
    data["gap"] = gap.fillna(data["a"] - data["b"]).abs()
    difference = data["a"] - data["b"]
    data["ahead"] = [
        "" if _number(d) is None or d == 0 else (a_label if d > 0 else b_label) for d in difference
    ]
    years = data["year"].astype(int).tolist()
    gap_spec = {**dict(spec or {}), "unit": _gap_unit(spec)}

    def gap_text(row: pd.Series, *, leader: bool) -> str:
        text = format_value(row["gap"], gap_spec)
        if leader and row["ahead"]:
            return _("%(gap)s (%(group)s ahead)") % {"gap": text, "group": row["ahead"]}
        return text

    a_colour, b_colour = theme.COLORWAY[0], theme.COLORWAY[1]
    fig = go.Figure()
    fig.add_trace(
        go.Scatter(
            x=years,
            y=data["a"].round(6).tolist(),
            mode="lines+markers",
            name=a_label,
            connectgaps=False,
            line={"color": a_colour, "width": 3.5},
            marker={"size": 6},
            hovertemplate=f"{a_label}: %{{text}}<extra></extra>",
            text=[format_value(v, spec) for v in data["a"]],
        )
    )
    fig.add_trace(
        go.Scatter(
            x=years,
            y=data["b"].round(6).tolist(),
            mode="lines+markers",
            name=b_label,
            connectgaps=False,
            fill="tonexty",
            fillcolor=_rgba(theme.MUTED_TEXT, theme.FILL_ALPHA),
            line={"color": b_colour, "width": 3.5},
            marker={"size": 6},
            text=[
                f"{format_value(row['b'], spec)}<br>"
                + _("Gap: %(value)s") % {"value": gap_text(row, leader=True)}
                for _i, row in data.iterrows()
            ],
            hovertemplate=f"{b_label}: %{{text}}<extra></extra>",
        )
    )
    with_gap = data[data["gap"].notna()]
    subtitle = ""
    if len(with_gap):
        first, last = with_gap.iloc[0], with_gap.iloc[-1]
        crossed = first["ahead"] != last["ahead"]
        first_text = f"{int(first['year'])}: {gap_text(first, leader=crossed)}"
        if len(with_gap) > 1:
            last_text = f"{int(last['year'])}: {gap_text(last, leader=crossed)}"
            subtitle = _("Gap %(first)s → %(last)s") % {"first": first_text, "last": last_text}
        else:
            subtitle = _("Gap %(first)s") % {"first": first_text}
        marks = [first] if len(with_gap) == 1 else [first, last]
        for mark in marks:
            middle = _number((mark["a"] + mark["b"]) / 2) if "a" in mark else None
            if middle is None:
                continue
            fig.add_annotation(
                x=int(mark["year"]),
                y=middle,
                text=f"<b>{format_value(mark['gap'], gap_spec)}</b>",
                showarrow=False,
                bgcolor=theme.BACKGROUND,
                font={"color": theme.TEXT, "size": theme.SMALL_SIZE + 1},
            )
    values = data[["a", "b"]].stack().dropna()
    yaxis: dict = {"title": {"text": _unit(spec)}}
    if len(values) and float(values.min()) >= 0:
        yaxis["rangemode"] = "tozero"
    fig.update_layout(
        title={"text": title, "subtitle": {"text": subtitle}},
        xaxis={"tickformat": "d", "showgrid": False, "title": {"text": ""}},
        yaxis=yaxis,
        hovermode="x unified",
        legend={**TOP_LEGEND, "traceorder": "normal"},
        margin={"l": 16, "r": 24, "t": 120, "b": 48},
        height=460,
    )
    return fig
