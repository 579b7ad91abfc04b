"""Figure builders: data frames in, ``plotly.graph_objects.Figure`` out.

Every builder here is pure: it reads its inputs without changing them, does no I/O and knows
nothing about Dash. Colours come from :mod:`components.theme`. An empty input gives
:func:`empty_figure` with a message saying so, never an exception.

Honesty rules that every builder follows:

* a missing value is drawn as missing (grey, a gap in a line, a "—"), never as 0;
* hover text carries each value's data year and, where known, its source;
* group values withheld for low coverage are said to be withheld.

``spec`` describes an indicator (a catalog row as a dict): ``id``, ``title``, ``short_title``,
``unit``, ``decimals``, ``higher_is_better`` (True/False/None), ``target`` (float or None) and
``aggregation``.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping, Sequence

import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio
from plotly.subplots import make_subplots

from components import theme

theme.register_template()

DASH = "—"
"""Shown for a missing value."""

PARITY_BAND = (0.98, 1.02)
"""Gender parity scores inside this band count as parity and are drawn neutral."""

LAYER_ORDER = ("4G", "3G, not 4G", "2G only", "not covered")
"""Mobile coverage layers, from the best network to none."""

REGION_LABEL_POINTS: dict[str, tuple[float, float]] = {
    "Africa": (22.0, -3.0),
    "Americas": (-58.0, -8.0),
    "Arab States": (44.0, 23.0),
    "Asia & Pacific": (103.0, 32.0),
    "CIS": (82.0, 58.0),
    "Europe": (12.0, 49.0),
}
"""(lon, lat) where a region's value label is written on the region map."""

GEO_VIEW: dict = {
    "resolution": 50,
    "projection_type": "natural earth",
    "projection_rotation_lon": 0,
    "lonaxis_range": [-180, 180],
    "lataxis_range": [-58, 85],
    "fitbounds": False,
    "showframe": False,
    "showcoastlines": False,
    "showcountries": True,
    "countrycolor": theme.COUNTRY_LINE,
    "countrywidth": 0.5,
    "showland": True,
    "landcolor": theme.NO_DATA,
    "showocean": False,
    "showlakes": False,
    "bgcolor": theme.BACKGROUND,
}
"""The pinned world view shared by every map (no auto-fit, so years and groups line up)."""

MAP_MARGIN = {"l": 8, "r": 8, "t": 64, "b": 8}


# --------------------------------------------------------------------------- small helpers


def _number(value: object) -> float | None:
    """``value`` as a finite float, or None for None, NaN, pd.NA and non-numbers."""
    if value is None or value is pd.NA:
        return None
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def _text(value: object) -> str:
    """``value`` as a stripped string; "" for None and NaN."""
    if value is None or value is pd.NA:
        return ""
    if isinstance(value, float) and math.isnan(value):
        return ""
    return str(value).strip()


def _int_text(value: object) -> str:
    number = _number(value)
    return DASH if number is None else str(int(round(number)))


def _is_empty(frame: object) -> bool:
    return not isinstance(frame, pd.DataFrame) or frame.empty


def _has(frame: pd.DataFrame, columns: Iterable[str]) -> bool:
    return all(column in frame.columns for column in columns)


def _column(frame: pd.DataFrame, name: str, default: object = None) -> pd.Series:
    """A copy of column ``name``, or a column of ``default`` if the frame lacks it."""
    if name in frame.columns:
        return frame[name].copy()
    return pd.Series([default] * len(frame), index=frame.index, dtype=object)


def _flag(value: object) -> bool | None:
    """True/False from bools, numpy bools, 0/1 and "true"/"false"; None when unknown."""
    if value is None or value is pd.NA:
        return None
    if isinstance(value, str):
        lowered = value.strip().lower()
        if lowered in {"true", "yes", "1"}:
            return True
        if lowered in {"false", "no", "0"}:
            return False
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    try:
        return bool(value)
    except (TypeError, ValueError):
        return None


def _flags(frame: pd.DataFrame, name: str, *, default: bool) -> pd.Series:
    """Column ``name`` as a plain bool Series; missing cells and a missing column → ``default``."""
    if name not in frame.columns:
        return pd.Series(default, index=frame.index, dtype=bool)
    values = [_flag(value) for value in frame[name].tolist()]
    return pd.Series(
        [default if value is None else value for value in values], index=frame.index, dtype=bool
    )


def _spec_get(spec: Mapping | None, key: str, default: object = None) -> object:
    if not spec:
        return default
    value = spec.get(key, default)
    if isinstance(value, float) and math.isnan(value):
        return default
    return value


def _decimals(spec: Mapping | None) -> int:
    number = _number(_spec_get(spec, "decimals", 1))
    return 1 if number is None else max(0, int(number))


def _unit(spec: Mapping | None) -> str:
    return _text(_spec_get(spec, "unit", ""))


def _title(spec: Mapping | None) -> str:
    return _text(_spec_get(spec, "title", "")) or _text(_spec_get(spec, "id", "")) or "Indicator"


def _is_percent(spec: Mapping | None) -> bool:
    return _unit(spec).startswith("%")


def _is_parity(spec: Mapping | None) -> bool:
    return _text(_spec_get(spec, "id", "")).endswith("_parity") or _unit(spec).lower().startswith(
        "ratio"
    )


def _target(spec: Mapping | None) -> float | None:
    return _number(_spec_get(spec, "target"))


def _is_affordability(spec: Mapping | None) -> bool:
    target = _target(spec)
    return target is not None and math.isclose(target, 2.0) and _is_percent(spec)


def _fmt(number: float, decimals: int) -> str:
    text = f"{number:,.{decimals}f}"
    if text.lstrip("-").strip("0.,") == "":
        text = text.lstrip("-")
    return text


def _short_number(number: float) -> str:
    """A tick label: no trailing zeros (2, 0.5, 1.02)."""
    if number == 0:
        return "0"
    magnitude = abs(number)
    decimals = 0 if magnitude >= 10 else (1 if magnitude >= 1 else 2)
    text = f"{number:,.{decimals + 1}f}".rstrip("0").rstrip(".")
    return text


def _share_text(share: object) -> str:
    number = _number(share)
    return DASH if number is None else f"{number * 100:.0f}%"


def _millions(people: object) -> str:
    """People in millions: "812 million", "41.3 million", "0.8 million"."""
    number = _number(people)
    if number is None:
        return DASH
    millions = number / 1e6
    return f"{_fmt(millions, 0 if abs(millions) >= 100 else 1)} million"


def format_value(value: object, spec: Mapping | None) -> str:
    """A value as readers see it: ``45.2%``, ``0.87 (ratio)``, ``12.3 pp``, ``—`` when missing.

    Uses the spec's ``decimals`` and ``unit``. Percentages (units starting with "%") get a bare
    "%" sign; see :func:`_value_with_unit` for the long form used in hover text.
    """
    number = _number(value)
    if number is None:
        return DASH
    decimals = _decimals(spec)
    unit = _unit(spec)
    lowered = unit.lower()
    if unit.startswith("%"):
        return f"{_fmt(number, decimals)}%"
    if lowered.startswith("ratio"):
        return f"{_fmt(number, decimals)} (ratio)"
    if lowered.startswith("percentage point"):
        return f"{_fmt(number, decimals)} pp"
    if lowered in {"usd", "current us$", "us$"}:
        return f"US${_fmt(number, max(decimals, 0))}"
    if lowered in {"ppp$", "current international $"}:
        return f"{_fmt(number, decimals)} {'PPP$' if lowered == 'ppp$' else 'int. $'}"
    if lowered == "people":
        if abs(number) >= 1e9:
            return f"{_fmt(number / 1e9, 2)} billion people"
        if abs(number) >= 1e6:
            return f"{_fmt(number / 1e6, 1)} million people"
        return f"{_fmt(number, 0)} people"
    if not unit:
        return _fmt(number, decimals)
    return f"{_fmt(number, decimals)} {unit}"


def _value_with_unit(value: object, spec: Mapping | None) -> str:
    """Hover form: ``45.2% of population``, ``0.87 ratio (women ÷ men)``, else format_value."""
    number = _number(value)
    if number is None:
        return "No data"
    unit = _unit(spec)
    if unit.startswith("%") and len(unit) > 1:
        return f"{format_value(number, spec)}{unit[1:]}"
    if unit.lower().startswith("ratio"):
        return f"{_fmt(number, _decimals(spec))} {unit}"
    return format_value(number, spec)


def _gap_unit(spec: Mapping | None) -> str:
    return "pp" if _is_percent(spec) else _unit(spec)


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
    return fig


def _no_data(spec: Mapping | None = None, when: object = None, what: str = "") -> go.Figure:
    subject = what or _title(spec)
    suffix = f" in {when}" if when not in (None, "") else ""
    return empty_figure(f"No data for {subject}{suffix}")


# --------------------------------------------------------------------------- colour scales


def _rgb(colour: str) -> tuple[float, float, float]:
    colour = colour.strip()
    if colour.startswith("#"):
        digits = colour[1:]
        if len(digits) == 3:
            digits = "".join(ch * 2 for ch in digits)
        return (int(digits[0:2], 16), int(digits[2:4], 16), int(digits[4:6], 16))
    inner = colour[colour.index("(") + 1 : colour.index(")")]
    parts = [float(part) for part in inner.split(",")[:3]]
    return (parts[0], parts[1], parts[2])


def _rgb_text(rgb: tuple[float, float, float]) -> str:
    return "rgb({},{},{})".format(*(int(round(channel)) for channel in rgb))


def _text_colour_on(fill: str) -> str:
    """Dark text on light fills, white text on dark ones (relative luminance)."""
    red, green, blue = (channel / 255 for channel in _rgb(fill))

    def linear(channel: float) -> float:
        return channel / 12.92 if channel <= 0.04045 else ((channel + 0.055) / 1.055) ** 2.4

    luminance = 0.2126 * linear(red) + 0.7152 * linear(green) + 0.0722 * linear(blue)
    return theme.BACKGROUND if luminance < 0.3 else theme.TEXT


def _rgba(colour: str, alpha: float) -> str:
    red, green, blue = _rgb(colour)
    return f"rgba({int(red)},{int(green)},{int(blue)},{alpha})"


def _sample(scale: Sequence[Sequence], position: float, *, right: bool = False) -> str:
    """The colour of ``scale`` at ``position`` (0–1). At a hard step (two stops at the same
    position) ``right`` picks the upper colour."""
    position = min(1.0, max(0.0, position))
    stops = [(float(pos), _rgb(colour)) for pos, colour in scale]
    for index in range(len(stops) - 1):
        (pos_a, col_a), (pos_b, col_b) = stops[index], stops[index + 1]
        inside = pos_a <= position < pos_b if right else pos_a < position <= pos_b
        if index == 0 and position == pos_a and not right:
            inside = True
        if inside and pos_b > pos_a:
            weight = (position - pos_a) / (pos_b - pos_a)
            return _rgb_text(tuple(a + (b - a) * weight for a, b in zip(col_a, col_b, strict=True)))
    return _rgb_text(stops[-1][1] if position >= stops[-1][0] else stops[0][1])


def _colorscale_from(
    colour_at: Callable[[float, bool], str],
    lo: float,
    hi: float,
    steps: Iterable[float] = (),
    samples: int = 12,
    points: Iterable[float] = (),
) -> list[list]:
    """A plotly colorscale over [lo, hi] from a value → colour function, with hard steps."""
    span = hi - lo
    stops: list[list] = []
    positions = [index / (samples - 1) for index in range(samples)]
    for position in positions:
        stops.append([position, colour_at(lo + position * span, False)])
    for point in points:
        if lo < point < hi:
            stops.append([(point - lo) / span, colour_at(point, False)])
    for step in steps:
        if lo < step < hi:
            position = (step - lo) / span
            stops.append([position, colour_at(step, False)])
            stops.append([position, colour_at(step, True)])
    stops.sort(key=lambda stop: stop[0])
    # Plotly needs exactly 0 and 1 at the ends.
    stops[0][0], stops[-1][0] = 0.0, 1.0
    return [[round(pos, 6), colour] for pos, colour in stops]


def parity_colorscale(lo: float, hi: float, band: tuple[float, float] = PARITY_BAND) -> list:
    """``theme.DIVERGING`` centred on 1 over [lo, hi], with ``band`` drawn neutral.

    Colour strength depends on the distance from 1 alone, so 0.8 and 1.2 are equally strong
    whatever the range.
    """
    reach = max(1.0 - lo, hi - 1.0, band[1] - 1.0, 1.0 - band[0], 1e-9)

    def colour_at(value: float, right: bool) -> str:
        inside = band[0] < value < band[1] or (
            (value == band[0] and right) or (value == band[1] and not right)
        )
        if inside:
            return theme.NEUTRAL
        return _sample(theme.DIVERGING, 0.5 + 0.5 * (value - 1.0) / reach, right=right)

    return _colorscale_from(colour_at, lo, hi, steps=band, points=(1.0,))


def affordability_colorscale(lo: float, hi: float, target: float = 2.0) -> list:
    """``theme.AFFORDABILITY`` over [lo, hi] with its green-to-red switch at ``target``."""

    def colour_at(value: float, right: bool) -> str:
        below = value < target or (value == target and not right)
        if below:
            share = 0.0 if target <= lo else (value - lo) / (target - lo)
            return _sample(theme.AFFORDABILITY, 0.5 * share)
        share = 1.0 if hi <= target else (value - target) / (hi - target)
        return _sample(theme.AFFORDABILITY, 0.5 + 0.5 * share, right=True)

    return _colorscale_from(colour_at, lo, hi, steps=(target,))


def _nice_ticks(lo: float, hi: float, count: int = 5) -> list[float]:
    span = hi - lo
    if span <= 0:
        return [lo]
    raw = span / count
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    first = math.ceil(lo / step - 1e-9) * step
    ticks = []
    value = first
    while value <= hi + 1e-9:
        ticks.append(round(value, 10))
        value += step
    return ticks


def _ticks(
    lo: float,
    hi: float,
    suffix: str,
    *,
    under: bool = False,
    over: bool = False,
    mark: float | None = None,
    mark_label: str = "",
) -> tuple[list[float], list[str]]:
    """Colorbar ticks: round values, ``mark`` (a target) labelled, and "≤ lo" / "≥ hi" at the
    ends when values fall outside the pinned range (they take the end colours)."""
    clearance = 0.07 * (hi - lo)
    ticks = _nice_ticks(lo, hi)
    if mark is not None and lo <= mark <= hi:
        ticks = [tick for tick in ticks if abs(tick - mark) > clearance]
    if under:
        ticks = [tick for tick in ticks if tick - lo > clearance]
    if over:
        ticks = [tick for tick in ticks if hi - tick > clearance]
    labelled = [(tick, f"{_short_number(tick)}{suffix}") for tick in ticks]
    if mark is not None and lo <= mark <= hi:
        labelled.append((mark, mark_label))
    if under:
        labelled.append((lo, f"≤ {_short_number(lo)}{suffix}"))
    if over:
        labelled.append((hi, f"≥ {_short_number(hi)}{suffix}"))
    labelled.sort(key=lambda pair: pair[0])
    return [pair[0] for pair in labelled], [pair[1] for pair in labelled]


def _colour_range(colour_range: object, values: pd.Series) -> tuple[float, float]:
    """(lo, hi) from ``colour_range``, falling back to the data; always lo < hi."""
    lo = hi = None
    if isinstance(colour_range, Sequence) and len(colour_range) == 2:
        lo, hi = _number(colour_range[0]), _number(colour_range[1])
    numbers = pd.to_numeric(values, errors="coerce").dropna()
    if lo is None:
        lo = float(numbers.min()) if len(numbers) else 0.0
    if hi is None:
        hi = float(numbers.max()) if len(numbers) else lo + 1.0
    if hi < lo:
        lo, hi = hi, lo
    if hi == lo:
        hi = lo + 1.0
    return lo, hi


def _scale(spec: Mapping | None, lo: float, hi: float, values: pd.Series) -> tuple[list, dict]:
    """The colour scale and colorbar settings for an indicator over [lo, hi]."""
    numbers = pd.to_numeric(values, errors="coerce").dropna()
    ends = {
        "under": bool(len(numbers)) and float(numbers.min()) < lo,
        "over": bool(len(numbers)) and float(numbers.max()) > hi,
    }
    suffix = "%" if _is_percent(spec) else ""
    if _is_parity(spec):
        colorscale = parity_colorscale(lo, hi)
        tickvals, ticktext = _ticks(lo, hi, "", mark=1.0, mark_label="1 = parity", **ends)
    elif _is_affordability(spec):
        target = _target(spec) or 2.0
        colorscale = affordability_colorscale(lo, hi, target)
        label = f"{_short_number(target)}% target"
        tickvals, ticktext = _ticks(lo, hi, suffix, mark=target, mark_label=label, **ends)
    else:
        lower_is_better = _flag(_spec_get(spec, "higher_is_better")) is False
        colorscale = theme.SEQUENTIAL_REVERSED if lower_is_better else theme.SEQUENTIAL
        colorscale = [list(stop) for stop in colorscale]
        tickvals, ticktext = _ticks(lo, hi, suffix, **ends)
    return colorscale, {"tickmode": "array", "tickvals": tickvals, "ticktext": ticktext}


TOP_LEGEND = {"orientation": "h", "x": 0.0, "xanchor": "left", "y": 1.0, "yanchor": "bottom"}
"""A legend in one row above the plot, left-aligned (charts other than maps)."""


def _colorbar(unit: str, extra: dict) -> dict:
    colorbar = {
        "title": {"text": unit, "side": "top", "font": {"size": theme.SMALL_SIZE + 1}},
        "orientation": "h",
        "x": 0.0,
        "xanchor": "left",
        "y": 0.0,
        "yanchor": "top",
        "len": 0.45,
        "thickness": 14,
        "outlinewidth": 0,
        "tickfont": {"size": theme.SMALL_SIZE},
    }
    colorbar.update(extra)
    return colorbar


def _geo(**overrides: object) -> dict:
    geo = dict(GEO_VIEW)
    geo.update(overrides)
    return geo


def _map_legend() -> dict:
    return {
        "orientation": "h",
        "x": 1.0,
        "xanchor": "right",
        "y": 0.0,
        "yanchor": "top",
        "font": {"size": theme.SMALL_SIZE + 1},
        "itemclick": False,
        "itemdoubleclick": False,
    }


def _constant_scale(colour: str) -> list[list]:
    return [[0.0, colour], [1.0, colour]]


# --------------------------------------------------------------------------- world map


def _map_hover(frame: pd.DataFrame, spec: Mapping | None, year: int) -> tuple[list[list[str]], str]:
    """customdata rows and a hovertemplate for one map trace.

    Lines: country, value with unit, data year ("2019 (requested 2021)" when they differ),
    source, note. A piece shared by every row (often the source, the note or the data year) is
    written once into the template rather than into each row, which keeps the figure JSON small.
    """
    rows = []
    for _, row in frame.iterrows():
        data_year = _number(row.get("year"))
        requested = _number(row.get("requested_year"))
        requested = int(requested) if requested is not None else int(year)
        value = _number(row.get("value"))
        if value is None:
            value_text, year_text = f"No data for {requested}", ""
        else:
            value_text = _value_with_unit(value, spec)
            if data_year is None:
                year_text = "not stated"
            elif int(data_year) != requested:
                year_text = f"{int(data_year)} (requested {requested})"
            else:
                year_text = str(int(data_year))
        note = _text(row.get("note"))
        source = _text(row.get("source")) if value is not None else ""
        rows.append(
            [
                _text(row.get("name")) or _text(row.get("iso3")),
                value_text,
                year_text,
                f"<br>Source: {source}" if source else "",
                f"<br>Note: {note}" if note else "",
            ]
        )
    # A piece shared by every row goes into the template once instead of into each row.
    template = "<b>%{customdata[0]}</b>"
    columns = [0]
    year_prefix = "<br>Data year: " if any(row[2] for row in rows) else ""
    for index, prefix in ((1, "<br>"), (2, year_prefix), (3, ""), (4, "")):
        pieces = {row[index] for row in rows}
        if len(pieces) == 1:
            template += prefix + pieces.pop()
        else:
            template += f"{prefix}%{{customdata[{len(columns)}]}}"
            columns.append(index)
    customdata = [[row[index] for index in columns] for row in rows]
    return customdata, template + "<extra></extra>"


def map_figure(
    frame: pd.DataFrame,
    spec: Mapping,
    *,
    year: int,
    colour_range: tuple[float, float],
    tolerance: int = 0,
) -> go.Figure:
    """World choropleth of one indicator in one year.

    Three traces: countries in focus with data (coloured on a scale pinned to
    ``colour_range``), countries with data outside the focus group (dimmed, one colour) and
    countries without data (``theme.NO_DATA``, legend entry "No data"). Missing values are never
    given a colour of the scale. ``tolerance`` (years) is only mentioned in the subtitle: the
    data layer already picked the latest value within it.
    """
    if _is_empty(frame) or "iso3" not in frame.columns:
        return _no_data(spec, year)
    data = frame.copy()
    data["value"] = pd.to_numeric(_column(data, "value"), errors="coerce")
    focus = _flags(data, "in_focus", default=True)
    has_value = data["value"].notna()
    lo, hi = _colour_range(colour_range, data.loc[has_value & focus, "value"])
    colorscale, colorbar_extra = _scale(spec, lo, hi, data.loc[has_value & focus, "value"])
    unit = _unit(spec)

    fig = go.Figure()

    def add(rows: pd.DataFrame, opacity: float | None = None, **trace: object) -> None:
        marker: dict = {"line": {"color": theme.BORDER, "width": 0.5}}
        if opacity is not None:
            marker["opacity"] = opacity
        customdata, template = _map_hover(rows, spec, year)
        fig.add_trace(
            go.Choropleth(
                locations=rows["iso3"].tolist(),
                locationmode="ISO-3",
                customdata=customdata,
                hovertemplate=template,
                marker=marker,
                **trace,
            )
        )

    data_year = pd.to_numeric(_column(data, "year"), errors="coerce")
    stale = has_value & data_year.notna() & (data_year < int(year))
    in_focus = data[has_value & focus & ~stale]
    earlier = data[has_value & focus & stale]
    out_focus = data[has_value & ~focus]
    missing = data[~has_value]
    scale = {"zmin": lo, "zmax": hi, "zauto": False, "colorscale": colorscale}
    if len(in_focus):
        add(
            in_focus,
            name=_text(_spec_get(spec, "short_title")) or _title(spec),
            z=in_focus["value"].round(6).tolist(),
            colorbar=_colorbar(unit, colorbar_extra),
            showscale=True,
            showlegend=False,
            **scale,
        )
    if len(earlier):
        add(
            earlier,
            name=f"Earlier year than {year} (lighter)",
            z=earlier["value"].round(6).tolist(),
            opacity=theme.STALE_OPACITY,
            colorbar=_colorbar(unit, colorbar_extra),
            showscale=not len(in_focus),
            showlegend=True,
            **scale,
        )
    if len(out_focus):
        add(
            out_focus,
            name="Outside selected group",
            z=out_focus["value"].round(6).tolist(),
            colorscale=_constant_scale(theme.OUT_OF_FOCUS),
            opacity=theme.OUT_OF_FOCUS_OPACITY,
            showscale=False,
            showlegend=True,
        )
    if len(missing):
        # The colour is constant; z only has to be present for the shapes to be drawn.
        add(
            missing,
            name="No data",
            z=[1] * len(missing),
            zmin=0,
            zmax=1,
            colorscale=_constant_scale(theme.NO_DATA),
            showscale=False,
            showlegend=True,
        )

    subtitle = "Hover a country for its value, data year and source."
    if tolerance and int(tolerance) > 0:
        subtitle = (
            f"Where {year} is missing, the latest value from up to {int(tolerance)} "
            f"year{'s' if int(tolerance) != 1 else ''} earlier is shown, lighter. " + subtitle
        )
    fig.update_layout(
        title={"text": f"{_title(spec)}, {year}", "subtitle": {"text": subtitle}},
        geo=_geo(),
        margin=MAP_MARGIN,
        legend=_map_legend(),
        uirevision=_text(_spec_get(spec, "id", "map")) or "map",
        dragmode="pan",
        height=560,
    )
    fig.update_geos(uirevision=_text(_spec_get(spec, "id", "map")) or "map")
    return fig


# --------------------------------------------------------------------------- trend


def _trend_hover(row: pd.Series, spec: Mapping | None, label: str, is_group: bool) -> str:
    year = _int_text(row.get("year"))
    lines = [f"<b>{label}</b>", f"{year}: {_value_with_unit(row.get('value'), spec)}"]
    data_year = _number(row.get("data_year"))
    if data_year is not None and year != DASH and int(data_year) != int(year):
        lines.append(f"Data year: {int(data_year)}")
    if is_group and row.get("method") == "estimated":
        shares = [
            (_number(row.get(f"{kind}_share")), words)
            for kind, words in (
                ("reported", "reported"),
                ("history", "from own trend"),
                ("modelled", "modelled"),
            )
        ]
        reported = _number(row.get("reported_share"))
        if reported is not None:
            lines.append(f"Our estimate: {reported * 100:.0f}% of the population reported")
        lines += [f"{share * 100:.0f}% {words}" for share, words in shares[1:] if share]
    elif is_group:
        coverage = _number(row.get("coverage"))
        if coverage is not None:
            with_data, members = _number(row.get("members_with_data")), _number(row.get("members"))
            counts = (
                f" ({int(with_data)} of {int(members)} economies)"
                if with_data is not None and members is not None
                else ""
            )
            lines.append(f"coverage {coverage * 100:.0f}%{counts}")
            if _flag(row.get("partial")):
                lines.append("Partial: less than 80% of the group has data")
    source = _text(row.get("source"))
    if source:
        lines.append(f"Source: {source}")
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
            label = f"{label}, our estimate"
        elif is_group and method == "reported":
            label = f"{label}, reported values only"
        hover = [_trend_hover(row, spec, label, is_group or official) for _, row in rows.iterrows()]
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
        fig.add_shape(
            type="line",
            xref="x domain",
            x0=0,
            x1=1,
            yref="y",
            y0=value,
            y1=value,
            line={"color": theme.TARGET, "width": 2, "dash": "dash"},
            layer="below",
        )
        if label:
            fig.add_annotation(
                xref="x domain",
                x=0.0,
                xanchor="left",
                yref="y",
                y=value,
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
            label="basket change",
            font={"color": theme.MUTED_TEXT, "size": theme.SMALL_SIZE - 1},
        )

    withheld = _flags(data, "withheld", default=False)
    kinds = _column(data, "kind", "country").astype(str)
    methods = _column(data, "method", "").astype(str)
    bottom = 48
    notes = []
    if bool((withheld & (kinds == "group") & (methods != "estimated")).any()):
        notes.append(
            "Gaps: group value withheld where less than "
            f"{threshold * 100:.0f}% of the group's population has data, or where most of "
            "its values are carried forward from earlier years"
        )
    elif bool((withheld & (kinds == "group")).any()):
        notes.append("Gaps: too little of the group rests on its members' own data")
    if any_partial:
        notes.append("Open circles: partial, 50–80% of the group has data")
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
    if not _is_parity(spec) and len(values) and float(values.min()) >= 0:
        yaxis["rangemode"] = "tozero"
    fig.update_layout(
        title={"text": f"{_title(spec)}, {when}"},
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


# --------------------------------------------------------------------------- coverage bars


def _coverage_label(label: str, coverage: object, what: str = "people") -> str:
    share = _number(coverage)
    if share is None:
        return f"{label} · no data"
    return f"{label} · data for {share * 100:.0f}% of {what}"


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
            texts.append(f"{share * 100:.0f}%" if share is not None and share >= 0.06 else "")
            hovers.append(
                f"<b>{labels[group].split(' · ')[0]}</b><br>{layer}: "
                f"{_millions(people)} people ({_share_text(share)})"
            )
        fig.add_trace(
            go.Bar(
                y=axis_labels,
                x=shares,
                orientation="h",
                name=layer,
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
            "text": title or "Mobile network coverage: share of people by best available network"
        },
        barmode="stack",
        xaxis={
            "range": [0, 100],
            "ticksuffix": "%",
            "title": {"text": "Share of people"},
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
        for _, row in summary.iterrows():
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
            f"{_value_with_unit(row['value'], spec)}<br>Data year: {_int_text(row.get('year'))}"
            for _, row in rows.iterrows()
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
            label=f"{_short_number(target)}{'%' if _is_percent(spec) else ''} target",
            label_x=math.log10(target) if use_log and target > 0 else target,
            font={"color": theme.TARGET, "size": theme.SMALL_SIZE + 1},
        )

    if not summary.empty and "group" in summary.columns:
        target_text = format_value(target, {**dict(spec), "decimals": 0}) if target else ""
        for _, row in summary.iterrows():
            if row["group"] not in position:
                continue
            parts = [f"median {format_value(row.get('median'), spec)}"]
            at_or_under = _number(row.get("at_or_under_target"))
            with_data = _number(row.get("members_with_data"))
            members = _number(row.get("members"))
            if _number(row.get("median")) is None or with_data == 0:
                parts = ["no economies with data"]
            elif target is not None and at_or_under is not None and with_data is not None:
                parts.append(f"{int(at_or_under)} of {int(with_data)} at or under {target_text}")
            elif with_data is not None and members is not None:
                parts.append(f"{int(with_data)} of {int(members)} economies with data")
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
        when = f", {first}" if first == last else f", {first}–{last}"
    n_groups = max(1, len(group_labels))
    fig.update_layout(
        title={
            "text": f"{_title(spec)}{when}",
            "subtitle": {"text": "Each dot is one economy; boxes span the middle half."},
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


def dumbbell_figure(frame: pd.DataFrame, *, title: str = "") -> go.Figure:
    """Women's and men's values per country joined by a grey bar, largest gap on top.

    Values are shares in % (Internet use, phone ownership, skills by sex). Countries lacking
    either value are left out and counted in a note.
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
    names = [_text(row.get("name")) or _text(row.get("iso3")) for _, row in data.iterrows()]
    percent = {"unit": "%", "decimals": 1}
    hovers = []
    for name, (_, row) in zip(names, data.iterrows(), strict=True):
        parity = _number(row.get("parity"))
        hovers.append(
            f"<b>{name}</b><br>Women: {format_value(row['female'], percent)}"
            f"<br>Men: {format_value(row['male'], percent)}"
            f"<br>Gap: {_fmt(row['gap'], 1)} pp"
            f"<br>Parity score: {DASH if parity is None else _fmt(parity, 2)}"
            f"<br>Year: {_int_text(row.get('year'))}"
        )

    seg_x: list = []
    seg_y: list = []
    for name, (_, row) in zip(names, data.iterrows(), strict=True):
        seg_x += [round(float(row["female"]), 4), round(float(row["male"]), 4), None]
        seg_y += [name, name, None]

    fig = go.Figure()
    fig.add_trace(
        go.Scatter(
            x=seg_x,
            y=seg_y,
            mode="lines",
            line={"color": theme.RANGE_LINE, "width": 4},
            hoverinfo="skip",
            showlegend=False,
            name="gap",
        )
    )
    for column, label, colour, symbol in (
        ("female", "Women", theme.WOMEN, "circle"),
        ("male", "Men", theme.MEN, "diamond"),
    ):
        fig.add_trace(
            go.Scatter(
                x=data[column].round(4).tolist(),
                y=names,
                mode="markers",
                name=label,
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

    years = pd.to_numeric(_column(data, "year"), errors="coerce").dropna()
    subtitle = "Sorted by gap (men − women), largest first."
    if len(years):
        first, last = int(years.min()), int(years.max())
        when = f"Data year {first}" if first == last else f"Data years {first}–{last}"
        subtitle = f"{when}. {subtitle}"
    if left_out:
        subtitle += (
            f" {left_out} {'country' if left_out == 1 else 'countries'} without both values "
            "not shown."
        )
    high = float(max(data["female"].max(), data["male"].max()))
    low = float(min(data["female"].min(), data["male"].min()))
    xaxis: dict = {"title": {"text": "% of population"}, "ticksuffix": "%", "side": "top"}
    if low >= 0 and high <= 100:
        xaxis["range"] = [0, 100]
    fig.update_layout(
        title={"text": title or "Women and men by country", "subtitle": {"text": subtitle}},
        xaxis=xaxis,
        yaxis={
            "autorange": "reversed",
            "title": {"text": ""},
            "showgrid": True,
            "tickfont": {"size": theme.SMALL_SIZE},
        },
        legend={
            "orientation": "h",
            "xref": "container",
            "x": 0.99,
            "xanchor": "right",
            "yref": "container",
            "y": 0.995,
            "yanchor": "top",
        },
        margin={"l": 16, "r": 24, "t": 120, "b": 24},
        height=max(400, 22 * len(names) + 170),
        hovermode="closest",
    )
    return fig


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
        seg_x: list = []
        seg_y: list = []
        for _, row in part.iterrows():
            seg_x += [round(float(row["rural"]), 4), round(float(row["urban"]), 4), None]
            seg_y += [row["label"], row["label"], None]
        fig.add_trace(
            go.Scatter(
                x=seg_x,
                y=seg_y,
                mode="lines",
                line={"color": theme.RANGE_LINE, "width": 4},
                hoverinfo="skip",
                showlegend=False,
                name="gap",
            ),
            row=1,
            col=col,
        )
        hovers = [
            f"<b>{row['label']}</b>, {measure}, {int(row['year'])}"
            f"<br>Urban: {format_value(row['urban'], percent)}"
            f"<br>Rural: {format_value(row['rural'], percent)}"
            f"<br>Gap: {_fmt(row['gap'], 1)} points"
            f"<br>Source: {row['source']}"
            for _, row in part.iterrows()
        ]
        for column, label, colour, symbol in (
            ("urban", "Urban areas", theme.URBAN, "circle"),
            ("rural", "Rural areas", theme.RURAL, "diamond"),
        ):
            fig.add_trace(
                go.Scatter(
                    x=part[column].round(4).tolist(),
                    y=part["label"].tolist(),
                    mode="markers",
                    name=label,
                    legendgroup=column,
                    showlegend=col == 1,
                    marker={
                        "color": colour,
                        "size": 11,
                        "symbol": symbol,
                        "line": {"color": theme.BACKGROUND, "width": 1},
                    },
                    text=hovers,
                    hovertemplate="%{text}<extra></extra>",
                ),
                row=1,
                col=col,
            )
        fig.update_xaxes(range=[0, 102], ticksuffix="%", row=1, col=col)
    years = pd.to_numeric(frame["year"], errors="coerce").dropna()
    first, last = int(years.min()), int(years.max())
    when = f"ITU estimates for {first}" if first == last else f"ITU estimates, {first}–{last}"
    subtitle = f"{when}. ITU publishes urban and rural figures for groups only. {note}".strip()
    fig.update_yaxes(autorange="reversed", categoryorder="array", categoryarray=labels)
    fig.update_layout(
        title={"text": title or "The rural divide", "subtitle": {"text": subtitle}},
        legend={
            "orientation": "h",
            "xref": "container",
            "x": 0.99,
            "xanchor": "right",
            "yref": "container",
            "y": 0.995,
            "yanchor": "top",
        },
        margin={"l": 16, "r": 24, "t": 130, "b": 24},
        height=max(360, 34 * len(labels) + 200),
        hovermode="closest",
    )
    return fig


# --------------------------------------------------------------------------- people offline


def _upper_first(text: str) -> str:
    return text[:1].upper() + text[1:]


def _gap_words(gap: float | None) -> str:
    if gap is None:
        return f"gap {DASH}"
    if abs(gap) < 5e4:
        return "no gap"
    who = "men" if gap > 0 else "women"
    millions = abs(gap) / 1e6
    return f"gap: {_fmt(millions, 0 if millions >= 100 else 1)} M more {who} online"


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
    for _, row in data.iterrows():
        name = _text(row.get("label")) or str(row["group"])
        labels.append(_coverage_label(name, row.get("coverage")))
        gap = _number(row.get("gap_people"))
        gaps.append(gap)
        hovers.append(
            f"<b>{name}</b><br>Women offline: {_millions(row['women_offline'])}"
            f"<br>Men offline: {_millions(row['men_offline'])}<br>{_upper_first(_gap_words(gap))}"
            f"<br>Data for {_share_text(row.get('coverage'))} of people"
        )

    fig = go.Figure()
    for column, label, colour in (
        ("women_offline", "Women offline", theme.WOMEN),
        ("men_offline", "Men offline", theme.MEN),
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
                    DASH if v is None else f"{_fmt(v, 0 if v >= 100 else 1)} M" for v in millions
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
        title={"text": title or "People offline: women and men"},
        barmode="group",
        xaxis={"title": {"text": "Millions of people offline"}, "range": [0, top * 1.45]},
        yaxis={"autorange": "reversed", "title": {"text": ""}},
        legend={**TOP_LEGEND, "traceorder": "normal"},
        uniformtext={"minsize": theme.SMALL_SIZE - 2, "mode": "hide"},
        margin={"l": 16, "r": 24, "t": 110, "b": 48},
        height=max(340, 90 * len(labels) + 190),
        bargap=0.25,
        bargroupgap=0.05,
    )
    return fig


# --------------------------------------------------------------------------- region map


def _feature_subset(outlines: Mapping, ids: Iterable[str]) -> dict:
    wanted = set(ids)
    features = [f for f in outlines.get("features", []) if f.get("id") in wanted]
    return {"type": "FeatureCollection", "features": features}


def region_map_figure(
    frame: pd.DataFrame,
    spec: Mapping,
    outlines: Mapping,
    *,
    year: int,
    colour_range: tuple[float, float],
    threshold: float = 0.5,
) -> go.Figure:
    """ITU regions filled by their aggregate value, on the same pinned view as ``map_figure``.

    Each region's outline is embedded once (only in the trace that draws it). Regions whose
    value was withheld are drawn in ``theme.NO_DATA`` and say so on hover.
    """
    if (
        _is_empty(frame)
        or "region" not in frame.columns
        or not isinstance(outlines, Mapping)
        or not outlines.get("features")
    ):
        return _no_data(spec, year)
    data = frame.copy()
    data["value"] = pd.to_numeric(_column(data, "value"), errors="coerce")
    has_value = data["value"].notna()
    lo, hi = _colour_range(colour_range, data.loc[has_value, "value"])
    colorscale, colorbar_extra = _scale(spec, lo, hi, data.loc[has_value, "value"])

    official = bool(len(data)) and set(_column(data, "method", "").astype(str)) == {"official"}

    def hover(row: pd.Series) -> str:
        name = _text(row.get("label")) or _text(row.get("region"))
        if official:
            value = row.get("value")
            shown = _value_with_unit(value, spec) if _number(value) is not None else "no value"
            return f"<b>{name}</b><br>{shown}<br>ITU estimate"
        with_data, members = _number(row.get("members_with_data")), _number(row.get("members"))
        counts = (
            f"<br>{int(with_data)} of {int(members)} economies with data"
            if with_data is not None and members is not None
            else ""
        )
        coverage = f"<br>Coverage: {_share_text(row.get('coverage'))} of population"
        if _number(row.get("value")) is None:
            return (
                f"<b>{name}</b><br>Withheld: coverage below {threshold * 100:.0f}%"
                f"{coverage}{counts}"
            )
        return f"<b>{name}</b><br>{_value_with_unit(row.get('value'), spec)}{coverage}{counts}"

    fig = go.Figure()
    shown, withheld = data[has_value], data[~has_value]
    region_line = {"color": theme.BORDER, "width": 1.2}
    if len(shown):
        fig.add_trace(
            go.Choropleth(
                geojson=_feature_subset(outlines, shown["region"]),
                featureidkey="id",
                locations=shown["region"].tolist(),
                z=shown["value"].round(6).tolist(),
                zmin=lo,
                zmax=hi,
                zauto=False,
                colorscale=colorscale,
                colorbar=_colorbar(_unit(spec), colorbar_extra),
                marker={"line": region_line},
                text=[hover(row) for _, row in shown.iterrows()],
                hovertemplate="%{text}<extra></extra>",
                name=_text(_spec_get(spec, "short_title")) or _title(spec),
                showlegend=False,
            )
        )
    if len(withheld):
        fig.add_trace(
            go.Choropleth(
                geojson=_feature_subset(outlines, withheld["region"]),
                featureidkey="id",
                locations=withheld["region"].tolist(),
                z=[1] * len(withheld),
                zmin=0,
                zmax=1,
                colorscale=_constant_scale(theme.NO_DATA),
                showscale=False,
                marker={"line": region_line},
                text=[hover(row) for _, row in withheld.iterrows()],
                hovertemplate="%{text}<extra></extra>",
                name=f"Withheld (coverage below {threshold * 100:.0f}%)",
                showlegend=True,
            )
        )
    points = [
        (
            REGION_LABEL_POINTS[region],
            format_value(value, spec),
            _text_colour_on(_sample(colorscale, (value - lo) / (hi - lo))),
        )
        for region, value in zip(shown["region"], shown["value"], strict=True)
        if region in REGION_LABEL_POINTS
    ]
    if points:
        fig.add_trace(
            go.Scattergeo(
                lon=[point[0][0] for point in points],
                lat=[point[0][1] for point in points],
                text=[point[1] for point in points],
                mode="text",
                textfont={
                    "size": theme.FONT_SIZE + 2,
                    "color": [point[2] for point in points],
                    "weight": "bold",
                    # A halo in the contrasting colour keeps the label readable where it
                    # crosses a border line.
                    "shadow": "auto",
                },
                hoverinfo="skip",
                showlegend=False,
                name="values",
            )
        )
    revision = f"{_text(_spec_get(spec, 'id', 'map'))}-regions"
    subtitle = (
        "ITU's estimates: ITU publishes this for groups of economies only, not by country."
        if official
        else "Regional aggregates; grey where coverage is too low."
    )
    fig.update_layout(
        title={"text": f"{_title(spec)} by ITU region, {year}", "subtitle": {"text": subtitle}},
        geo=_geo(showcountries=False),
        margin=MAP_MARGIN,
        legend=_map_legend(),
        uirevision=revision,
        dragmode="pan",
        height=560,
    )
    fig.update_geos(uirevision=revision)
    return fig


# --------------------------------------------------------------------------- divide


def divide_figure(frame: pd.DataFrame, spec: Mapping, *, a_label: str, b_label: str) -> go.Figure:
    """Two lines over the years with the gap between them shaded, and the gap at the first and
    last year with data written under the title ("2005: 57 pp → 2023: 66 pp")."""
    title = f"The divide: {a_label} vs {b_label}"
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
        return f"{text} ({row['ahead']} ahead)" if leader and row["ahead"] else text

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
                f"{format_value(row['b'], spec)}<br>Gap: {gap_text(row, leader=True)}"
                for _, row in data.iterrows()
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
            subtitle = f"Gap {first_text} → {last_text}"
        else:
            subtitle = f"Gap {first_text}"
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
