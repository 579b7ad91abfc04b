"""Colour scales and colour helpers: hex/rgb parsing, sampling a scale, the parity and
affordability scales with their hard steps, colour-bar ticks and settings."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

import pandas as pd

from components import theme
from components.figures.fmt import (
    _flag,
    _is_affordability,
    _is_parity,
    _is_percent,
    _number,
    _short_number,
    _spec_get,
    _target,
    _text,
)
from data.i18n import _

PARITY_BAND = (0.98, 1.02)
"""Gender parity scores inside this band count as parity and are drawn neutral."""


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
            return theme.PARITY
        return _sample(theme.DIVERGING, 0.5 + 0.5 * (value - 1.0) / reach, right=right)

    return _colorscale_from(colour_at, lo, hi, steps=band, points=(1.0,))


AFFORDABILITY_EDGES = (0.0, 1.0, 2.0, 5.0, 10.0, 20.0)
"""Where the price bands start (% of GNI per capita); the last band (20% and more) is open.

The bands are equally wide on the colour bar, so the two that meet the 2% target take a
third of it instead of the 2% a linear scale gave them, and each band is one flat colour:
2.2% and 15% can no longer look alike, and a country at 700% cannot stretch the scale."""
AFFORDABILITY_CAP = 100.0
"""Prices beyond this still take the last band's colour (their z stops at the bar's end)."""
_INSET = 0.05
"""How far inside its band a value is placed, so that a value never sits on a colour step."""


def affordability_band(value: float) -> int:
    """The band of a price: 0 for 0–1%, 1 for 1–2% (2% itself meets the target), … 5 for
    more than 20%."""
    return sum(1 for edge in AFFORDABILITY_EDGES[1:] if value > edge)


def affordability_position(value: object) -> float | None:
    """Where ``value`` (% of GNI p.c.) sits on the banded colour bar (0–6): its band's
    number plus its place inside the band; ``None`` for a missing value."""
    number = _number(value)
    if number is None:
        return None
    band = affordability_band(number)
    edges = (*AFFORDABILITY_EDGES, AFFORDABILITY_CAP)
    low, high = edges[band], edges[band + 1]
    inside = (min(max(number, low), high) - low) / (high - low)
    return round(band + _INSET + (1 - 2 * _INSET) * inside, 6)


def affordability_colorscale() -> list[list]:
    """``theme.AFFORDABILITY_BANDS`` as flat bands of equal width over positions 0–6."""
    count = len(theme.AFFORDABILITY_BANDS)
    stops: list[list] = []
    for index, colour in enumerate(theme.AFFORDABILITY_BANDS):
        stops += [[round(index / count, 6), colour], [round((index + 1) / count, 6), colour]]
    return stops


def _affordability_ticks(target: float) -> tuple[list[float], list[str]]:
    """Colour-bar labels at the band edges; the target's edge says it is the target."""
    values, texts = [], []
    for index, edge in enumerate(AFFORDABILITY_EDGES):
        text = f"{_short_number(edge)}%"
        if math.isclose(edge, target):
            text = "<b>" + _("%(target)s target") % {"target": text} + "</b>"
        values.append(float(index))
        texts.append(text)
    return values, texts


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
        label = _("parity (%(low)s–%(high)s)") % {
            "low": _short_number(PARITY_BAND[0]),
            "high": _short_number(PARITY_BAND[1]),
        }
        tickvals, ticktext = _ticks(lo, hi, "", mark=1.0, mark_label=label, **ends)
    else:
        lower_is_better = _flag(_spec_get(spec, "higher_is_better")) is False
        colorscale = theme.SEQUENTIAL_REVERSED if lower_is_better else theme.SEQUENTIAL
        colorscale = [list(stop) for stop in colorscale]
        tickvals, ticktext = _ticks(lo, hi, suffix, **ends)
    return colorscale, {"tickmode": "array", "tickvals": tickvals, "ticktext": ticktext}


@dataclass(frozen=True)
class ColourAxis:
    """How a map colours its values: the scale, the colour bar's ticks, the z range, and how a
    value becomes z (banded scales draw a band position, not the value itself)."""

    colorscale: list
    ticks: dict
    zmin: float
    zmax: float
    banded: bool = False
    title: str = ""

    def z(self, values: Iterable[object]) -> list:
        """z for ``values``: the values themselves (rounded), or their band positions."""
        if self.banded:
            return [affordability_position(value) for value in values]
        return [None if _number(v) is None else round(float(v), 6) for v in values]

    def colour(self, value: object) -> str:
        """The colour ``value`` is drawn in (for text written on top of it)."""
        z = self.z([value])[0]
        z = self.zmin if z is None else z
        return _sample(self.colorscale, (z - self.zmin) / (self.zmax - self.zmin))

    def colorbar(self, unit: str) -> dict:
        return _colorbar(self.title or unit, self.ticks)


def colour_axis(spec: Mapping | None, colour_range: object, values: pd.Series) -> ColourAxis:
    """The colour axis of a map of ``values``: prices in % of GNI p.c. against the 2% target
    on flat bands around it; every other indicator on a continuous scale pinned to
    ``colour_range`` (falling back to the data)."""
    if _is_affordability(spec):
        target = _target(spec) or 2.0
        tickvals, ticktext = _affordability_ticks(target)
        title = _("%(unit)s · at or under %(target)s meets the target") % {
            "unit": _text(_spec_get(spec, "unit", "")),
            "target": f"{_short_number(target)}%",
        }
        return ColourAxis(
            affordability_colorscale(),
            {"tickmode": "array", "tickvals": tickvals, "ticktext": ticktext},
            0.0,
            float(len(AFFORDABILITY_EDGES)),
            banded=True,
            title=title,
        )
    lo, hi = _colour_range(colour_range, values)
    colorscale, ticks = _scale(spec, lo, hi, values)
    return ColourAxis(colorscale, ticks, lo, hi)


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


def _constant_scale(colour: str) -> list[list]:
    return [[0.0, colour], [1.0, colour]]
