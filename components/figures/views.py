"""The theme views: coverage bars, price spread, women and men (dumbbell), the rural divide and
people offline by sex."""

from __future__ import annotations

import math
from collections.abc import Mapping

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from components import theme
from components.figures.common import (
    TOP_LEGEND,
    _column,
    _has,
    _is_empty,
    _no_data,
    _vertical_line,
    fit_lines,
)
from components.figures.fmt import (
    DASH,
    _fmt,
    _int_text,
    _is_percent,
    _millions,
    _number,
    _share_text,
    _short_number,
    _target,
    _text,
    _title,
    _unit,
    _value_with_unit,
    format_value,
)
from components.figures.scales import _rgba
from data.i18n import N_, _, ngettext

LAYER_ORDER = (N_("4G"), N_("3G, not 4G"), N_("2G only"), N_("not covered"))
"""Mobile coverage layers, from the best network to none."""


# --------------------------------------------------------------------------- coverage bars


def _coverage_label(label: str, coverage: object, what: str = "people") -> str:
    share = _number(coverage)
    if share is None:
        return _("%(group)s · no data") % {"group": label}
    return _("%(group)s · data for %(share)s of people") % {
        "group": label,
        "share": _share_text(share),
    }


def coverage_bars_figure(frame: pd.DataFrame, *, title: str = "") -> go.Figure:
    """100% stacked horizontal bars per group: 4G, 3G only, 2G only, not covered.

    Bar lengths are each layer's ``share`` × 100; the axis label of each group says how much of
    its population the data covers.
    """
    what = "mobile network coverage"
    if _is_empty(frame) or not _has(frame, ("group", "layer", "share")):
        return _no_data(what=what)
    data = frame.copy()
    data["share"] = pd.to_numeric(data["share"], errors="coerce")
    if data["share"].notna().sum() == 0:
        return _no_data(what=what)

    groups = list(dict.fromkeys(data["group"].tolist()))
    labels: dict = {}
    for group, rows in data.groupby("group", sort=False):
        label = _text(rows["label"].iloc[0]) if "label" in rows.columns else ""
        coverage = _column(rows, "coverage").dropna()
        labels[group] = _coverage_label(
            label or str(group), coverage.iloc[0] if len(coverage) else None
        )
        first = _number(_column(rows, "first_data_year").dropna().min())
        last = _number(_column(rows, "last_data_year").dropna().max())
        if first is not None and last is not None:
            when = str(int(last)) if first == last else f"{int(first)}–{int(last)}"
            labels[group] += f" ({when})"
    axis_labels = [labels[group] for group in groups]

    fig = go.Figure()
    for layer in LAYER_ORDER:
        rows = data[data["layer"] == layer].drop_duplicates("group").set_index("group")
        shares, texts, hovers = [], [], []
        for group in groups:
            share = _number(rows["share"].get(group)) if group in rows.index else None
            people = rows["people"].get(group) if "people" in rows.columns else None
            shares.append(None if share is None else round(share * 100, 4))
            texts.append(_share_text(share) if share is not None and share >= 0.06 else "")
            hovers.append(
                f"<b>{labels[group].split(' · ')[0]}</b><br>"
                + _("%(layer)s: %(people)s people (%(share)s)")
                % {"layer": _(layer), "people": _millions(people), "share": _share_text(share)}
            )
        fig.add_trace(
            go.Bar(
                y=axis_labels,
                x=shares,
                orientation="h",
                name=_(layer),
                marker={"color": theme.COVERAGE_LAYERS.get(layer, theme.OUT_OF_FOCUS)},
                text=texts,
                textposition="inside",
                insidetextanchor="middle",
                textfont={"size": theme.SMALL_SIZE},
                hovertext=hovers,
                hovertemplate="%{hovertext}<extra></extra>",
            )
        )
    fig.update_layout(
        title={
            "text": title or _("Mobile network coverage: share of people by best available network")
        },
        barmode="stack",
        xaxis={
            "range": [0, 100],
            "ticksuffix": "%",
            "title": {"text": _("Share of people")},
            "dtick": 25,
        },
        yaxis={"autorange": "reversed", "title": {"text": ""}},
        legend={**TOP_LEGEND, "traceorder": "normal"},
        uniformtext={"minsize": theme.SMALL_SIZE - 2, "mode": "hide"},
        margin={"l": 16, "r": 24, "t": 110, "b": 48},
        height=max(320, 64 * len(groups) + 190),
        bargap=0.3,
    )
    return fig


# --------------------------------------------------------------------------- price spread


LOG_TICKS = (0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000)


def price_spread_figure(points: pd.DataFrame, summary: pd.DataFrame, spec: Mapping) -> go.Figure:
    """The spread of prices across each group's economies: one horizontal box per group with
    every economy as a point, the target as a vertical line, and the median and the number at
    or under the target written beside each box. Uses a log axis when prices span more than
    two orders of magnitude."""
    if _is_empty(points) or not _has(points, ("group", "value")):
        return _no_data(spec)
    data = points.copy()
    data["value"] = pd.to_numeric(data["value"], errors="coerce")
    data = data[data["value"].notna()]
    if data.empty:
        return _no_data(spec)
    summary = summary.copy() if isinstance(summary, pd.DataFrame) else pd.DataFrame()

    group_labels: dict = {}
    if not summary.empty and "group" in summary.columns:
        for _i, row in summary.iterrows():
            group_labels[row["group"]] = _text(row.get("label")) or str(row["group"])
    for group, rows in data.groupby("group", sort=False):
        if group not in group_labels:
            label = _text(rows["label"].iloc[0]) if "label" in rows.columns else ""
            group_labels[group] = label or str(group)

    values = data["value"]
    positive = values[values > 0]
    use_log = (
        len(positive) == len(values)
        and len(positive) > 1
        and float(positive.max()) / float(positive.min()) > 100
    )
    target = _target(spec)
    unit = _unit(spec)

    # Groups sit at y = 0, 1, 2 … (labelled by ticks) so that the median notes can be placed
    # in the free band above each box, whatever the figure's height.
    position = {group: index for index, group in enumerate(group_labels)}
    fig = go.Figure()
    for index, (group, label) in enumerate(group_labels.items()):
        rows = data[data["group"] == group]
        if rows.empty:
            continue
        colour = theme.COLORWAY[index % len(theme.COLORWAY)]
        hover = [
            f"<b>{_text(row.get('name')) or _text(row.get('iso3'))}</b><br>"
            f"{_value_with_unit(row['value'], spec)}<br>"
            + _("Data year: %(year)s")
            % {"year": _int_text(row.get("year"))}
            for _i, row in rows.iterrows()
        ]
        fig.add_trace(
            go.Box(
                x=rows["value"].round(6).tolist(),
                y=[index] * len(rows),
                name=label,
                orientation="h",
                boxpoints="all",
                jitter=0.5,
                pointpos=0,
                marker={"color": colour, "size": 7, "opacity": 0.7},
                line={"color": colour, "width": 2},
                fillcolor=_rgba(colour, theme.FILL_ALPHA),
                text=hover,
                hoveron="points",
                hovertemplate="%{text}<extra></extra>",
                showlegend=False,
            )
        )

    if target is not None:
        _vertical_line(
            fig,
            target,
            line={"color": theme.TARGET, "width": 2, "dash": "dash"},
            label=_("%(target)s target")
            % {"target": f"{_short_number(target)}{'%' if _is_percent(spec) else ''}"},
            label_x=math.log10(target) if use_log and target > 0 else target,
            font={"color": theme.TARGET, "size": theme.SMALL_SIZE + 1},
        )

    if not summary.empty and "group" in summary.columns:
        target_text = format_value(target, {**dict(spec), "decimals": 0}) if target else ""
        for _i, row in summary.iterrows():
            if row["group"] not in position:
                continue
            parts = [_("median %(value)s") % {"value": format_value(row.get("median"), spec)}]
            at_or_under = _number(row.get("at_or_under_target"))
            with_data = _number(row.get("members_with_data"))
            members = _number(row.get("members"))
            if _number(row.get("median")) is None or with_data == 0:
                parts = [_("no economies with data")]
            elif target is not None and at_or_under is not None and with_data is not None:
                parts.append(
                    _("%(n)d of %(total)d at or under %(target)s")
                    % {"n": int(at_or_under), "total": int(with_data), "target": target_text}
                )
            elif with_data is not None and members is not None:
                parts.append(
                    _("%(n)d of %(total)d economies with data")
                    % {"n": int(with_data), "total": int(members)}
                )
            fig.add_annotation(
                xref="x domain",
                x=1.0,
                xanchor="right",
                yref="y",
                y=position[row["group"]] - 0.5,
                yanchor="top",
                text=" · ".join(parts),
                showarrow=False,
                font={"color": theme.TEXT, "size": theme.SMALL_SIZE},
            )

    xaxis: dict = {"title": {"text": unit}, "zeroline": False}
    if use_log:
        low, high = float(positive.min()), float(positive.max())
        if target is not None and target > 0:
            low, high = min(low, target), max(high, target)
        ticks = [tick for tick in LOG_TICKS if low / 1.5 <= tick <= high * 1.5]
        suffix = "%" if _is_percent(spec) else ""
        xaxis.update(
            type="log",
            tickmode="array",
            tickvals=ticks,
            ticktext=[f"{_short_number(tick)}{suffix}" for tick in ticks],
        )
    elif _is_percent(spec):
        xaxis["ticksuffix"] = "%"

    years = pd.to_numeric(_column(data, "year"), errors="coerce").dropna()
    when = ""
    if len(years):
        first, last = int(years.min()), int(years.max())
        when = str(first) if first == last else f"{first}–{last}"
    n_groups = max(1, len(group_labels))
    fig.update_layout(
        title={
            "text": _("%(title)s, %(year)s") % {"title": _title(spec), "year": when}
            if when
            else _title(spec),
            "subtitle": {"text": _("Each dot is one economy; boxes span the middle half.")},
        },
        xaxis=xaxis,
        yaxis={
            "title": {"text": ""},
            "tickmode": "array",
            "tickvals": list(range(n_groups)),
            "ticktext": list(group_labels.values()),
            "range": [n_groups - 0.5, -0.5],
            "showgrid": False,
            "zeroline": False,
        },
        margin={"l": 16, "r": 24, "t": 100, "b": 48},
        height=max(360, 110 * n_groups + 170),
        boxgap=0.45,
    )
    return fig


# --------------------------------------------------------------------------- dumbbell


DUMBBELL_ROWS = 30
"""At most this many economies in the dumbbell: half with the largest gaps, half with the
smallest (where women lead most), so a world view stays about 900 px tall."""


def dumbbell_figure(
    frame: pd.DataFrame, *, title: str = "", max_rows: int = DUMBBELL_ROWS
) -> go.Figure:
    """Women's and men's values per country joined by a grey bar, largest gap on top, each
    row's gap written beside it.

    Values are shares in % (Internet use, phone ownership, skills by sex). Countries lacking
    either value are left out and counted in a note. Beyond ``max_rows`` economies, the ends of
    the ranking are shown and the economies between them are counted on a row of their own.
    """
    what = "women and men"
    if _is_empty(frame) or not _has(frame, ("female", "male")):
        return _no_data(what=what)
    data = frame.copy()
    data["female"] = pd.to_numeric(data["female"], errors="coerce")
    data["male"] = pd.to_numeric(data["male"], errors="coerce")
    complete = data["female"].notna() & data["male"].notna()
    left_out = int((~complete).sum())
    data = data[complete]
    if data.empty:
        return _no_data(what=what)
    data["gap"] = data["male"] - data["female"]
    data = data.sort_values("gap", ascending=False, kind="stable")
    total = len(data)
    hidden = 0
    if total > max_rows:
        top = (max_rows + 1) // 2
        hidden = total - max_rows
        data = pd.concat([data.head(top), data.tail(max_rows - top)])
    names = [_text(row.get("name")) or _text(row.get("iso3")) for _i, row in data.iterrows()]
    percent = {"unit": "%", "decimals": 1}
    hovers = []
    for name, (_i, row) in zip(names, data.iterrows(), strict=True):
        parity = _number(row.get("parity"))
        lines = [
            f"<b>{name}</b>",
            _("Women: %(value)s") % {"value": format_value(row["female"], percent)},
            _("Men: %(value)s") % {"value": format_value(row["male"], percent)},
            _("Gap: %(value)s pp") % {"value": _fmt(row["gap"], 1)},
            _("Parity score: %(value)s") % {"value": DASH if parity is None else _fmt(parity, 2)},
            _("Year: %(year)s") % {"year": _int_text(row.get("year"))},
        ]
        hovers.append("<br>".join(lines))

    fig = go.Figure()
    ends = (
        ("female", _("Women"), theme.WOMEN, "circle"),
        ("male", _("Men"), theme.MEN, "diamond"),
    )
    for trace in _dumbbell_traces(data, names, ends, hovers):
        fig.add_trace(trace)
    # Each row's gap, written right of its higher end, so that it is read without hovering.
    fig.add_trace(
        go.Scatter(
            x=data[["female", "male"]].max(axis=1).round(4).tolist(),
            y=names,
            mode="text",
            text=["\u00a0" + _("%(number)s pp") % {"number": _signed(gap)} for gap in data["gap"]],
            textposition="middle right",
            cliponaxis=False,
            textfont={"size": theme.SMALL_SIZE - 1, "color": theme.MUTED_TEXT},
            hoverinfo="skip",
            showlegend=False,
            name="gap",
        )
    )
    rows = list(names)
    if hidden:
        between = ngettext(
            "⋯ %(n)d more economy, gap in between ⋯",
            "⋯ %(n)d more economies, gaps in between ⋯",
            hidden,
        ) % {"n": hidden}
        top = (max_rows + 1) // 2
        rows.insert(top, between)
        fig.add_trace(
            go.Scatter(
                x=[50],
                y=[between],
                mode="text",
                text=[between],
                textfont={"size": theme.SMALL_SIZE, "color": theme.MUTED_TEXT},
                hoverinfo="skip",
                showlegend=False,
                name="between",
            )
        )

    years = pd.to_numeric(_column(data, "year"), errors="coerce").dropna()
    subtitle = _("Sorted by gap (men − women), largest first.")
    if hidden:
        subtitle += " " + _(
            "The %(n)d largest and smallest gaps of %(total)d economies: choose a group to see "
            "each of its economies."
        ) % {"n": max_rows, "total": total}
    if len(years):
        first, last = int(years.min()), int(years.max())
        when = (
            _("Data year %(year)s") % {"year": first}
            if first == last
            else _("Data years %(first)s–%(last)s") % {"first": first, "last": last}
        )
        subtitle = f"{when}. {subtitle}"
    if left_out:
        subtitle += " " + ngettext(
            "%(n)d country without both values not shown.",
            "%(n)d countries without both values not shown.",
            left_out,
        ) % {"n": left_out}
    subtitle = fit_lines(subtitle, 110)
    high = float(max(data["female"].max(), data["male"].max()))
    low = float(min(data["female"].min(), data["male"].min()))
    xaxis: dict = {
        "title": {"text": _("share of population (%)")},
        "ticksuffix": "%",
        "side": "top",
    }
    if low >= 0 and high <= 100:
        # Room on the right for the gap written beside a row near 100%.
        xaxis.update(range=[0, 114], tickmode="array", tickvals=[0, 20, 40, 60, 80, 100])
    fig.update_layout(
        title={"text": title or _("Women and men by country"), "subtitle": {"text": subtitle}},
        xaxis=xaxis,
        yaxis={
            "autorange": "reversed",
            "title": {"text": ""},
            "showgrid": True,
            "tickfont": {"size": theme.SMALL_SIZE},
            "categoryorder": "array",
            "categoryarray": rows,
            "showticklabels": True,
            "tickmode": "array",
            "tickvals": names,
        },
        legend=CORNER_LEGEND,
        margin={"l": 16, "r": 24, "t": 120 + 18 * subtitle.count("<br>"), "b": 24},
        height=max(400, 22 * len(rows) + 170 + 18 * subtitle.count("<br>")),
        hovermode="closest",
    )
    return fig


def _signed(number: float) -> str:
    """ "+12.3", "−4.1", "0.0": a gap with its direction."""
    text = _fmt(abs(number), 1)
    if round(number, 1) == 0:
        return text
    return ("+" if number > 0 else "−") + text


# --------------------------------------------------------------------------- dumbbells

CORNER_LEGEND = {
    "orientation": "h",
    "xref": "container",
    "x": 0.99,
    "xanchor": "right",
    "yref": "container",
    "y": 0.995,
    "yanchor": "top",
}
"""The legend of the dumbbell charts: one line in the top right corner."""


def _dumbbell_traces(
    data: pd.DataFrame, rows: list, ends: tuple, hovers: list[str]
) -> list[go.Scatter]:
    """A grey bar from one end to the other on each row, then a marker trace per end.

    ``ends`` are two (column, legend name, colour, symbol); the bar runs between their
    values; each marker trace carries its column in ``meta``.
    """
    (a, *_rest), (b, *_more) = ends
    seg_x: list = []
    seg_y: list = []
    for row, (_i, values) in zip(rows, data.iterrows(), strict=True):
        seg_x += [round(float(values[a]), 4), round(float(values[b]), 4), None]
        seg_y += [row, row, None]
    traces = [
        go.Scatter(
            x=seg_x,
            y=seg_y,
            mode="lines",
            line={"color": theme.RANGE_LINE, "width": 4},
            hoverinfo="skip",
            showlegend=False,
            name="gap",
        )
    ]
    for column, label, colour, symbol in ends:
        traces.append(
            go.Scatter(
                x=data[column].round(4).tolist(),
                y=rows,
                mode="markers",
                name=label,
                meta=column,
                marker={
                    "color": colour,
                    "size": 11,
                    "symbol": symbol,
                    "line": {"color": theme.BACKGROUND, "width": 1},
                },
                text=hovers,
                hovertemplate="%{text}<extra></extra>",
            )
        )
    return traces


# --------------------------------------------------------------------------- rural divide


def rural_divide_figure(frame: pd.DataFrame, *, title: str = "", note: str = "") -> go.Figure:
    """Urban and rural values per group joined by a bar, one panel per measure.

    ``frame`` comes from ``data.views.rural_divide_frame``: group label, measure label,
    urban, rural, gap and the year of the values (said in each hover and in the subtitle).
    """
    what = "urban and rural areas"
    if _is_empty(frame) or not _has(frame, ("urban", "rural", "measure_label")):
        return _no_data(what=what)
    measures = list(dict.fromkeys(frame["measure_label"]))
    labels = list(dict.fromkeys(frame["label"]))
    fig = make_subplots(
        rows=1,
        cols=len(measures),
        shared_yaxes=True,
        subplot_titles=measures,
        horizontal_spacing=0.04,
    )
    percent = {"unit": "%", "decimals": 1}
    for col, measure in enumerate(measures, start=1):
        part = frame.loc[frame["measure_label"] == measure]
        hovers = [
            f"<b>{row['label']}</b>, {measure}, {int(row['year'])}<br>"
            + "<br>".join(
                [
                    _("Urban: %(value)s") % {"value": format_value(row["urban"], percent)},
                    _("Rural: %(value)s") % {"value": format_value(row["rural"], percent)},
                    _("Gap: %(value)s points") % {"value": _fmt(row["gap"], 1)},
                    _("Source: %(source)s") % {"source": row["source"]},
                ]
            )
            for _i, row in part.iterrows()
        ]
        ends = (
            ("urban", _("Urban areas"), theme.URBAN, "circle"),
            ("rural", _("Rural areas"), theme.RURAL, "diamond"),
        )
        traces = _dumbbell_traces(part, part["label"].tolist(), ends, hovers)
        for trace in traces:
            if trace.mode == "markers":
                trace.update(legendgroup=trace.meta, showlegend=col == 1)
            fig.add_trace(trace, row=1, col=col)
        fig.update_xaxes(range=[0, 102], ticksuffix="%", row=1, col=col)
    years = pd.to_numeric(frame["year"], errors="coerce").dropna()
    first, last = int(years.min()), int(years.max())
    when = (
        _("ITU estimates for %(year)s") % {"year": first}
        if first == last
        else _("ITU estimates, %(first)s–%(last)s") % {"first": first, "last": last}
    )
    only = _("ITU publishes urban and rural figures for groups only.")
    subtitle = f"{when}. {only} {note}".strip()
    fig.update_yaxes(autorange="reversed", categoryorder="array", categoryarray=labels)
    fig.update_layout(
        title={"text": title or _("The rural divide"), "subtitle": {"text": subtitle}},
        legend=CORNER_LEGEND,
        margin={"l": 16, "r": 24, "t": 130, "b": 24},
        height=max(360, 34 * len(labels) + 200),
        hovermode="closest",
    )
    return fig


# --------------------------------------------------------------------------- people offline


def _upper_first(text: str) -> str:
    return text[:1].upper() + text[1:]


def _gap_words(gap: float | None) -> str:
    """The gap in people (``data.views.gender_people_frame``: women who would be online at men's
    rate, beyond those who are) in words; it follows the rates, never the head counts."""
    if gap is None:
        return _("gap %(value)s") % {"value": DASH}
    if abs(gap) < 5e4:
        return _("no gap")
    millions = _fmt(abs(gap) / 1e6, 0 if abs(gap) / 1e6 >= 100 else 1)
    if gap > 0:
        return _("gap: %(n)s M more women would be online at men's rate") % {"n": millions}
    return _("gap: %(n)s M fewer women would be online at men's rate") % {"n": millions}


GAP_DEFINITION = N_(
    "Gap: how many more (or fewer) women would be online if, in each economy, women were "
    "online at the same rate as men."
)


def gender_people_figure(frame: pd.DataFrame, *, title: str = "") -> go.Figure:
    """Women and men offline per group, in millions, with the gap in people written beside."""
    what = "people offline by sex"
    if _is_empty(frame) or not _has(frame, ("group", "women_offline", "men_offline")):
        return _no_data(what=what)
    data = frame.copy()
    for column in ("women_offline", "men_offline", "gap_people"):
        data[column] = pd.to_numeric(_column(data, column), errors="coerce")
    if data[["women_offline", "men_offline"]].notna().sum().sum() == 0:
        return _no_data(what=what)
    data = data.drop_duplicates("group")

    labels, hovers, gaps = [], [], []
    for _i, row in data.iterrows():
        name = _text(row.get("label")) or str(row["group"])
        labels.append(_coverage_label(name, row.get("coverage")))
        gap = _number(row.get("gap_people"))
        gaps.append(gap)
        hovers.append(
            f"<b>{name}</b><br>"
            + _("Women offline: %(n)s") % {"n": _millions(row["women_offline"])}
            + "<br>"
            + _("Men offline: %(n)s") % {"n": _millions(row["men_offline"])}
            + f"<br>{_upper_first(_gap_words(gap))}<br>"
            + _("Data for %(share)s of people") % {"share": _share_text(row.get("coverage"))}
        )

    fig = go.Figure()
    for column, label, colour in (
        ("women_offline", _("Women offline"), theme.WOMEN),
        ("men_offline", _("Men offline"), theme.MEN),
    ):
        millions = [None if _number(v) is None else round(float(v) / 1e6, 3) for v in data[column]]
        fig.add_trace(
            go.Bar(
                y=labels,
                x=millions,
                orientation="h",
                name=label,
                marker={"color": colour},
                text=[
                    DASH if v is None else _("%(n)s M") % {"n": _fmt(v, 0 if v >= 100 else 1)}
                    for v in millions
                ],
                textposition="inside",
                insidetextanchor="end",
                textfont={"size": theme.SMALL_SIZE},
                hovertext=hovers,
                hovertemplate="%{hovertext}<extra></extra>",
            )
        )
    peaks = data[["women_offline", "men_offline"]].max(axis=1) / 1e6
    for label, peak, gap in zip(labels, peaks.tolist(), gaps, strict=True):
        fig.add_annotation(
            x=0 if _number(peak) is None else float(peak),
            xanchor="left",
            xshift=8,
            y=label,
            text=_gap_words(gap),
            showarrow=False,
            font={"size": theme.SMALL_SIZE, "color": theme.TEXT},
        )
    top = float(peaks.max()) if peaks.notna().any() else 1.0
    fig.update_layout(
        title={
            "text": title or _("People offline: women and men"),
            "subtitle": {"text": fit_lines(_(GAP_DEFINITION), 110)},
        },
        barmode="group",
        xaxis={"title": {"text": _("Millions of people offline")}, "range": [0, top * 2.1]},
        yaxis={"autorange": "reversed", "title": {"text": ""}},
        legend={**TOP_LEGEND, "traceorder": "normal"},
        uniformtext={"minsize": theme.SMALL_SIZE - 2, "mode": "hide"},
        margin={"l": 16, "r": 24, "t": 130, "b": 48},
        height=max(360, 90 * len(labels) + 210),
        bargap=0.25,
        bargroupgap=0.05,
    )
    return fig
