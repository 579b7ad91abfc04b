"""Estimates for economies that did not report a value, so that group figures are not biased.

A population-weighted mean over the economies that reported is biased towards the connected:
the economies that report late or rarely are mostly poorer. ITU fills those gaps with its own
estimates before it aggregates; this module does the same, openly, and says for every value
how it was made. The method (``docs/methodology.md`` explains it with its validation):

``reported``
    the economy reported a value for the year.
``history``
    the economy reported within the last ``max_age`` years: its latest value is carried
    forward along its own recent trend (the least-squares slope of its values in the
    ``trend_window`` years up to the latest one), in logit space for shares so that it never
    leaves 0–100. The yearly step is capped at ``max_step`` and damped by ``damping`` for each
    year further from the data.
``modelled``
    no usable history: the median of its peers' values for the year (reported or history),
    peers being the economies of the same ITU region and income group, else the same income
    group, else the same region, else all. An economy whose data are older than the age limit
    keeps part of its old distance from its peers (damped like a trend).

Only values from the year itself or earlier are used for a year: an estimate never looks
forward, so it does not change when later data arrive. Pure functions: frames in, frames out.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

KINDS = ("reported", "history", "modelled")
"""How a value was made, from the most to the least direct."""

NONE = ""
"""The kind of a cell that has no value and no estimate."""

_EPS = 0.001  # shares are clipped to [0.1%, 99.9%] before the logit


@dataclass(frozen=True)
class Params:
    """The knobs of the method (defaults validated against ITU's official series)."""

    max_age: int = 5
    """Years a reported value may be carried along its trend before the economy is modelled."""
    trend_window: int = 4
    """Years before the latest value whose values give the trend."""
    damping: float = 0.8
    """Each further year adds ``damping`` times the previous year's step."""
    max_step: float = 0.5
    """Largest yearly change, in transformed units (logit for shares, log(1 + x) otherwise)."""
    bounded: bool = True
    """Shares of 0–100 (logit scale); otherwise non-negative values (log scale)."""


def to_scale(values: np.ndarray, bounded: bool) -> np.ndarray:
    if bounded:
        p = np.clip(values / 100.0, _EPS, 1 - _EPS)
        return np.log(p / (1 - p))
    return np.log1p(np.clip(values, 0.0, None))


def from_scale(values: np.ndarray, bounded: bool) -> np.ndarray:
    if bounded:
        return 100.0 / (1.0 + np.exp(-values))
    return np.expm1(values)


def _slope(years: np.ndarray, values: np.ndarray) -> float:
    if len(years) < 2:
        return 0.0
    x = years - years.mean()
    denominator = float((x * x).sum())
    return float((x * (values - values.mean())).sum() / denominator) if denominator else 0.0


def _damped_steps(age: int, damping: float) -> float:
    """Σ damping^k for k = 1 … age: how many full steps ``age`` damped years add up to."""
    return float(sum(damping**k for k in range(1, age + 1)))


def _history(scaled: np.ndarray, years: np.ndarray, p: Params):
    """Reported values and trend extrapolations (age ≤ max_age), row by row."""
    out = np.full_like(scaled, np.nan)
    kind = np.full(scaled.shape, NONE, dtype=object)
    have_all = ~np.isnan(scaled)
    out[have_all] = scaled[have_all]
    kind[have_all] = "reported"
    steps = np.array([_damped_steps(age, p.damping) for age in range(p.max_age + 1)])
    for i in np.flatnonzero(have_all.any(axis=1)):
        row, have = scaled[i], have_all[i]
        reported = np.flatnonzero(have)
        # For each year, the index of the latest reported year up to it (-1 if none).
        last = np.maximum.accumulate(np.where(have, np.arange(len(years)), -1))
        slopes: dict[int, float] = {}
        for j in np.flatnonzero(~have & (last >= 0)):
            k = int(last[j])
            age = int(years[j] - years[k])
            if age > p.max_age:
                continue
            if k not in slopes:
                window = reported[(reported <= k) & (years[reported] >= years[k] - p.trend_window)]
                slope = _slope(years[window].astype(float), row[window])
                slopes[k] = float(np.clip(slope, -p.max_step, p.max_step))
            out[i, j] = row[k] + slopes[k] * steps[age]
            kind[i, j] = "history"
    return out, kind


def _peer_sets(peers: pd.DataFrame) -> list[np.ndarray]:
    """For each economy, the fallback chain of peer keys: (region, income), income, region, all."""
    region = peers["region"].fillna("").astype(str).to_numpy()
    income = peers["income"].fillna("").astype(str).to_numpy()
    both = np.char.add(np.char.add(region.astype(str), "|"), income.astype(str))
    return [both, income, region, np.zeros(len(region), dtype=int).astype(str)]


def estimate_panel(
    panel: pd.DataFrame, peers: pd.DataFrame, params: Params | None = None
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Fill a panel of economies × years with reported values, trends and models.

    ``panel`` is indexed by iso3 with one column per year (every year, in order; ``NaN`` where
    nothing was reported); ``peers`` is indexed by iso3 with ``region`` and ``income``. Returns
    the values and, beside them, the kind of each (``KINDS``, or ``""`` where nothing could be
    estimated). Economies missing from ``peers`` are modelled against all economies.
    """
    p = params or Params()
    raw = panel.to_numpy(dtype=float)
    scaled = to_scale(raw, p.bounded)
    scaled[np.isnan(raw)] = np.nan
    filled, kinds = _estimate_scaled(
        pd.DataFrame(scaled, index=panel.index, columns=panel.columns), peers, p
    )
    values = from_scale(filled.to_numpy(), p.bounded)
    if not p.bounded:
        values = np.clip(values, 0.0, None)
    return pd.DataFrame(values, index=panel.index, columns=panel.columns), kinds


def _estimate_scaled(
    panel: pd.DataFrame, peers: pd.DataFrame, p: Params
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """``estimate_panel`` on values already on the transformed scale."""
    years = np.array([int(y) for y in panel.columns], dtype=int)
    if len(years) and not np.array_equal(years, np.arange(years[0], years[0] + len(years))):
        raise ValueError("the panel needs one column for every year, in order")
    scaled = panel.to_numpy(dtype=float)
    filled, kind = _history(scaled, years, p)
    keys = _peer_sets(peers.reindex(panel.index))
    reported = ~np.isnan(scaled)
    # Per economy and year, the index of its latest reported year before it (-1: none).
    latest = np.maximum.accumulate(np.where(reported, np.arange(len(years)), -1), axis=1)
    before = np.concatenate([np.full((len(scaled), 1), -1), latest[:, :-1]], axis=1)
    # Peers' medians by (level, key, year), over the economies with their own data that year.
    medians: dict[tuple[int, str, int], float] = {}

    def median(level: int, key: str, j: int, known: np.ndarray) -> float:
        if (level, key, j) not in medians:
            same = known & (keys[level] == key)
            medians[(level, key, j)] = (
                float(np.median(filled[same, j])) if same.sum() >= 2 else np.nan
            )
        return medians[(level, key, j)]

    known_by_year = {}
    for j in range(len(years)):
        known = ~np.isnan(filled[:, j])
        known_by_year[j] = known
        todo = np.flatnonzero(~known)
        if not len(todo) or not known.any():
            continue
        for i in todo:
            for level, key in enumerate(keys):
                value = median(level, key[i], j, known)
                if np.isnan(value):
                    continue
                k = int(before[i, j])
                if k >= 0 and p.damping > 0:
                    # Part of its old distance from its peers, damped by the years since.
                    then = median(level, key[i], k, known_by_year[k])
                    if not np.isnan(then):
                        value += (scaled[i, k] - then) * p.damping ** (j - k)
                filled[i, j], kind[i, j] = value, "modelled"
                break
    return (
        pd.DataFrame(filled, index=panel.index, columns=panel.columns),
        pd.DataFrame(kind, index=panel.index, columns=panel.columns),
    )


def kind_shares(kinds: pd.DataFrame, weights: pd.DataFrame) -> pd.DataFrame:
    """Share of the total weight per year made by each kind, and ``missing`` (sums to 1).

    ``kinds`` and ``weights`` are members × years; members without a weight do not count.
    """
    w = weights.reindex(index=kinds.index, columns=kinds.columns).to_numpy(dtype=float)
    w = np.where(np.isnan(w), 0.0, w)
    k = kinds.to_numpy(dtype=object)
    total = w.sum(axis=0)
    out = pd.DataFrame(index=kinds.columns)
    with np.errstate(divide="ignore", invalid="ignore"):
        for kind in KINDS:
            out[f"{kind}_share"] = np.where(k == kind, w, 0.0).sum(axis=0) / total
    out["missing_share"] = (1.0 - out[[f"{k}_share" for k in KINDS]].sum(axis=1)).clip(lower=0.0)
    out.loc[~(total > 0)] = np.nan
    return out


def estimate_relative(
    panel: pd.DataFrame,
    anchor: pd.DataFrame,
    anchor_kinds: pd.DataFrame,
    peers: pd.DataFrame,
    params: Params | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Fill a sparse series through a well-reported one it moves with (women's rate and the
    total rate, say): the gap between the two, in logit space, is carried forward flat from
    the economy's latest survey (``history``, up to ``max_age`` years) or taken as its peers'
    median gap (``modelled``), then added to the anchor's value for the year.

    ``anchor`` and ``anchor_kinds`` are the estimated panel of the anchor series (same index;
    its years must include the panel's). A value is ``reported`` only where the economy
    reported it; it is ``modelled`` wherever the anchor itself is modelled.
    """
    p = params or Params()
    anchor = anchor.reindex(index=panel.index, columns=panel.columns).astype(float)
    anchor_kinds = anchor_kinds.reindex(index=panel.index, columns=panel.columns).astype(object)
    anchor_kinds = anchor_kinds.where(anchor_kinds.notna(), NONE)
    raw = panel.to_numpy(dtype=float)
    base = to_scale(anchor.to_numpy(dtype=float), p.bounded)
    gaps = to_scale(raw, p.bounded) - base
    gaps[np.isnan(raw)] = np.nan
    flat = Params(max_age=p.max_age, trend_window=0, damping=0.0, max_step=0.0, bounded=p.bounded)
    gap_frame = pd.DataFrame(gaps, index=panel.index, columns=panel.columns)
    filled_gap, gap_kinds = _estimate_scaled(gap_frame, peers, flat)
    values = from_scale(base + filled_gap.to_numpy(), p.bounded)
    kinds = gap_kinds.to_numpy().copy()
    kinds[(anchor_kinds.to_numpy() == "modelled") & (kinds == "history")] = "modelled"
    reported = ~np.isnan(raw)
    values[reported] = raw[reported]
    kinds[reported] = "reported"
    missing = np.isnan(values)
    kinds[missing] = NONE
    return (
        pd.DataFrame(values, index=panel.index, columns=panel.columns),
        pd.DataFrame(kinds, index=panel.index, columns=panel.columns),
    )
