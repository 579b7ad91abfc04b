"""Questions asked of the built dataset, as pure functions.

Every function takes data frames (and plain values) and returns a new data frame or a plain
dict. Nothing here reads files, knows about Dash, or writes into its inputs.

The frames follow the built dataset's schema:

* ``obs``: one row per (iso3, year, indicator) with ``value``, ``source`` and flags
  (``experimental``, ``series_break``, ``derived``, ``note``).
* ``catalog``: one row per indicator, indexed by indicator id, with at least ``aggregation``,
  ``weight``, ``component_a``, ``component_b`` and ``target``.

Aggregation methods (the catalog's ``aggregation`` column):

``weighted_mean``
    Σ(value × weight) ÷ Σ weight over the members that have both a value and a weight. The
    weight is another indicator (``population``, ``population_female`` …), taken at the
    requested year.
``ratio``
    aggregate(component_a) ÷ aggregate(component_b) over the members that have both (gender
    parity scores: female rate ÷ male rate, never a mean of country scores).
``difference``
    aggregate(component_a) − aggregate(component_b) over the members that have both.
``median``
    the median across members with a value (prices), with the count and share of members at
    or under the indicator's target.
``sum``
    Σ value (people counts).
``none``
    not aggregated.

Every aggregate comes back with its *coverage*: the share of the group's weight (population,
or the number of economies for medians and sums) that had data. Below ``threshold`` the value
is withheld (``NaN``), never replaced by 0.

Two methods make a group value from its members (the result's ``method`` column):

``reported``
    only values the members reported, each member's latest within ``tolerance`` years.
``estimated``
    every member, with a value for the year either reported, carried along its own trend or
    modelled from its peers (``data.estimate``); the shares of the group's weight made each
    way come back as ``reported_share``, ``history_share``, ``modelled_share`` and
    ``missing_share``. Medians and sums are not estimated: for them it is the reported value.

Both say ``reported_share``: the share of the group's weight whose value was reported for the
requested year itself (not carried forward from an earlier one).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence

import numpy as np
import pandas as pd

from data.estimate import KINDS, kind_shares
from data.i18n import N_

Estimates = Callable[[str], tuple[pd.DataFrame, pd.DataFrame]]
"""Indicator id → the estimated values and their kinds, every economy × year."""

DEFAULT_THRESHOLD = 0.5
"""Minimum coverage (0–1) for an aggregate to be shown."""

PARTIAL_COVERAGE = 0.8
"""A reported-only aggregate under this coverage (and over the threshold) is marked partial."""

ESTIMATE_BASIS = 0.5
"""Minimum share of a group's weight whose estimate rests on the members' own data (reported,
or carried along their own trend) for an estimated aggregate to be shown."""

ANCHORED_BASIS = 0.3
"""The same for a series estimated through an anchor (women's rate through the total rate):
its level comes from the well-reported anchor, only its gap to it from surveys."""

METHODS = ("estimated", "reported", "official")
"""How a group value is made: with estimates for missing members, from reported values
only, or ITU's own published figure."""

ESTIMATED_AGGREGATIONS = ("weighted_mean", "ratio", "difference")

WEIGHT_TOLERANCE = 3
"""How many years back a weight (population) may come from when the requested year has none."""

RESULT_COLUMNS = [
    "iso3",
    "indicator",
    "requested_year",
    "year",
    "value",
    "source",
    "experimental",
    "series_break",
    "derived",
    "note",
]


class QueryError(ValueError):
    """A question the data cannot answer as asked (unknown indicator, bad year range …)."""


# --------------------------------------------------------------------------- filters


def _as_list(values: str | Iterable[str] | None) -> list[str] | None:
    if values is None:
        return None
    if isinstance(values, str):
        return [values]
    return list(values)


def filter_observations(
    obs: pd.DataFrame,
    *,
    indicator: str | Iterable[str] | None = None,
    countries: Iterable[str] | None = None,
    start: int | None = None,
    end: int | None = None,
) -> pd.DataFrame:
    """Rows of ``obs`` for the given indicator(s), countries and inclusive year range.

    ``None`` means "no restriction". The result is a new frame sorted by indicator, iso3, year.
    """
    if start is not None and end is not None and start > end:
        raise QueryError(f"start year {start} is after end year {end}")
    mask = np.ones(len(obs), dtype=bool)
    indicators = _as_list(indicator)
    if indicators is not None:
        mask &= obs["indicator"].isin(indicators).to_numpy()
    codes = _as_list(countries)
    if codes is not None:
        mask &= obs["iso3"].isin(codes).to_numpy()
    if start is not None:
        mask &= (obs["year"] >= start).to_numpy()
    if end is not None:
        mask &= (obs["year"] <= end).to_numpy()
    out = obs.loc[mask]
    return out.sort_values(["indicator", "iso3", "year"], kind="stable").reset_index(drop=True)


def group_members(groups: pd.DataFrame | dict, group_id: str) -> list[str]:
    """Member iso3 codes of ``group_id`` from a groups mapping ``{id: {"members": [...]}}``."""
    try:
        return list(groups[group_id]["members"])
    except KeyError as exc:
        raise QueryError(f"unknown group {group_id!r}") from exc


# --------------------------------------------------------------------------- tolerance


def latest_matrix(
    obs: pd.DataFrame,
    indicator: str,
    members: Sequence[str],
    years: Sequence[int],
    tolerance: int = 0,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Each member's latest value in ``[year − tolerance, year]`` for every requested year.

    Returns two frames indexed by iso3 (in ``members`` order) with one column per requested
    year: the values, and the year each value really comes from. Missing stays ``NaN``.
    Only earlier years are ever used: a later year's value never fills an earlier year.
    """
    if tolerance < 0:
        raise QueryError("tolerance must be 0 or more years")
    years = [int(y) for y in years]
    members = list(dict.fromkeys(members))
    if not years:
        empty = pd.DataFrame(index=pd.Index(members, name="iso3"))
        return empty, empty.copy()
    first, last = min(years) - tolerance, max(years)
    rows = obs.loc[
        (obs["indicator"] == indicator)
        & obs["iso3"].isin(members)
        & (obs["year"] >= first)
        & (obs["year"] <= last),
        ["iso3", "year", "value"],
    ]
    rows = rows.dropna(subset=["value"])
    span = list(range(first, last + 1))
    values = rows.pivot(index="iso3", columns="year", values="value")
    values = values.reindex(index=members, columns=span).astype(float)
    data_years = pd.DataFrame(
        np.where(values.notna().to_numpy(), np.array(span, dtype=float), np.nan),
        index=values.index,
        columns=values.columns,
    )
    if tolerance:
        values = values.ffill(axis=1, limit=tolerance)
        data_years = data_years.ffill(axis=1, limit=tolerance)
    values.index.name = data_years.index.name = "iso3"
    return values[years], data_years[years]


def values_at_year(
    obs: pd.DataFrame,
    indicator: str,
    year: int,
    *,
    tolerance: int = 0,
    countries: Iterable[str] | None = None,
) -> pd.DataFrame:
    """Each country's latest value of ``indicator`` in ``[year − tolerance, year]``.

    One row per country that has such a value, with ``requested_year`` and ``year`` (the year
    the value really comes from) and the source and flags of that observation.
    """
    if tolerance < 0:
        raise QueryError("tolerance must be 0 or more years")
    mask = (
        (obs["indicator"] == indicator)
        & (obs["year"] <= year)
        & (obs["year"] >= year - tolerance)
        & obs["value"].notna()
    )
    if countries is not None:
        mask &= obs["iso3"].isin(list(countries))
    rows = obs.loc[mask]
    if rows.empty:
        return pd.DataFrame(columns=RESULT_COLUMNS)
    latest = (
        rows.sort_values(["iso3", "year"], kind="stable").groupby("iso3", observed=True).tail(1)
    )
    out = latest.assign(requested_year=int(year))
    columns = [c for c in RESULT_COLUMNS if c in out.columns]
    return out[columns].sort_values("iso3", kind="stable").reset_index(drop=True)


# --------------------------------------------------------------------------- aggregates


def _spec(catalog: pd.DataFrame, indicator: str) -> pd.Series:
    try:
        return catalog.loc[indicator]
    except KeyError as exc:
        raise QueryError(f"unknown indicator {indicator!r}") from exc


def _text(value: object) -> str | None:
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
        return None
    text = str(value).strip()
    return text or None


def _number(value: object) -> float | None:
    if value is None or value is pd.NA:
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(number) else number


def _weighted(catalog: pd.DataFrame, indicator: str, matrix, tolerance: int) -> dict:
    """Values and weights (members × years) of a weighted-mean indicator."""
    spec = _spec(catalog, indicator)
    weight_id = _text(spec.get("weight"))
    if weight_id is None:
        raise QueryError(f"indicator {indicator!r} has no weight to aggregate with")
    values, data_years = matrix(indicator, tolerance)
    weights, _ = matrix(weight_id, WEIGHT_TOLERANCE)
    return {"value": values, "year": data_years, "weight": weights}


def _frame(index: Sequence[int]) -> pd.DataFrame:
    return pd.DataFrame(index=pd.Index(list(index), name="year"))


def aggregate_series(
    obs: pd.DataFrame,
    catalog: pd.DataFrame,
    indicator: str,
    members: Sequence[str],
    years: Iterable[int],
    *,
    tolerance: int = 0,
    threshold: float = DEFAULT_THRESHOLD,
    estimates: Estimates | None = None,
) -> pd.DataFrame:
    """The group aggregate of ``indicator`` over ``members`` for each of ``years``.

    One row per year with ``value`` (``NaN`` when withheld or not computable), ``coverage``
    (0–1), ``members_with_data``, ``members``, ``aggregation``, ``method``, ``withheld``,
    ``reported_share``, the range of data years used (``first_data_year``, ``last_data_year``)
    and, for medians with a target, ``at_or_under_target`` and ``share_at_or_under_target``.
    With ``estimates`` (indicator id → values and kinds of every economy × year, see
    ``data.estimate.estimate_panel``) the method is ``estimated``, else ``reported``.
    """
    years = sorted({int(y) for y in years})
    members = list(dict.fromkeys(members))

    def matrix(ind: str, tol: int):
        return latest_matrix(obs, ind, members, years, tol)

    return _aggregate(catalog, indicator, members, years, matrix, tolerance, threshold, estimates)


def group_aggregates(
    obs: pd.DataFrame,
    catalog: pd.DataFrame,
    indicator: str,
    groups: dict[str, Sequence[str]],
    years: Iterable[int],
    *,
    tolerance: int = 0,
    threshold: float = DEFAULT_THRESHOLD,
    estimates: Estimates | None = None,
) -> pd.DataFrame:
    """``aggregate_series`` for several groups at once, with a ``group`` column.

    The same numbers as one call per group, but each indicator's matrix is built once for
    all economies and sliced per group.
    """
    years = sorted({int(y) for y in years})
    if not groups:
        return pd.DataFrame(columns=["year", "members", "aggregation", "method", "value", "group"])
    union = list(dict.fromkeys(m for members in groups.values() for m in members))
    cache: dict[tuple[str, int], tuple[pd.DataFrame, pd.DataFrame]] = {}

    def full(ind: str, tol: int):
        if (ind, tol) not in cache:
            cache[(ind, tol)] = latest_matrix(obs, ind, union, years, tol)
        return cache[(ind, tol)]

    frames = []
    for gid, members in groups.items():
        members = list(dict.fromkeys(members))

        def matrix(ind: str, tol: int, members=members):
            values, data_years = full(ind, tol)
            return values.loc[members], data_years.loc[members]

        part = _aggregate(
            catalog, indicator, members, years, matrix, tolerance, threshold, estimates
        )
        frames.append(part.assign(group=gid))
    return pd.concat(frames, ignore_index=True)


def _aggregate(
    catalog: pd.DataFrame,
    indicator: str,
    members: list[str],
    years: list[int],
    matrix,
    tolerance: int,
    threshold: float,
    estimates: Estimates | None = None,
) -> pd.DataFrame:
    spec = _spec(catalog, indicator)
    aggregation = _text(spec.get("aggregation")) or "none"
    estimated = estimates is not None and aggregation in ESTIMATED_AGGREGATIONS
    out = _frame(years)
    n_members = len(members)
    out["members"] = n_members
    out["aggregation"] = aggregation
    out["method"] = "estimated" if estimated else "reported"
    nan = pd.Series(np.nan, index=out.index)
    shares = None

    def fresh(data_years: pd.DataFrame, has: pd.DataFrame, weight: pd.DataFrame) -> pd.Series:
        """Share of the weight whose value is from the requested year itself."""
        same = has & data_years.eq(pd.Series(data_years.columns, index=data_years.columns))
        return (weight.where(same).sum() / weight.sum().replace(0, np.nan)).fillna(0.0)

    if aggregation == "weighted_mean":
        parts = (
            _estimated(catalog, indicator, matrix, estimates, members, years)
            if estimated
            else _weighted(catalog, indicator, matrix, tolerance)
        )
        v, w = parts["value"], parts["weight"]
        has = v.notna() & w.notna()
        num = (v * w).where(has).sum()
        den = w.where(has).sum()
        total = w.sum()
        out["value"] = (num / den.replace(0, np.nan)).reindex(out.index)
        out["coverage"] = (den / total.replace(0, np.nan)).fillna(0.0).reindex(out.index)
        dy = parts["year"].where(has)
        if estimated:
            shares = kind_shares(parts["kind"], w)
            out["members_with_data"] = (parts["kind"] == "reported").sum().astype(int)
        else:
            out["members_with_data"] = has.sum().reindex(out.index).astype(int)
            out["reported_share"] = fresh(parts["year"], has, w)
    elif aggregation in ("ratio", "difference"):
        a_id = _text(spec.get("component_a"))
        b_id = _text(spec.get("component_b"))
        if a_id is None or b_id is None:
            raise QueryError(f"indicator {indicator!r} needs two components to aggregate")
        if estimated:
            a = _estimated(catalog, a_id, matrix, estimates, members, years)
            b = _estimated(catalog, b_id, matrix, estimates, members, years)
        else:
            a = _weighted(catalog, a_id, matrix, tolerance)
            b = _weighted(catalog, b_id, matrix, tolerance)
        cover_id = _text(spec.get("weight"))
        if cover_id is None:
            raise QueryError(f"indicator {indicator!r} has no weight to measure coverage with")
        cover, _ = matrix(cover_id, WEIGHT_TOLERANCE)
        # Both components must come from the same survey year, or the score mixes years.
        has = (
            a["value"].notna()
            & b["value"].notna()
            & a["weight"].notna()
            & b["weight"].notna()
            & (a["year"] == b["year"])
        )
        agg_a = (a["value"] * a["weight"]).where(has).sum() / a["weight"].where(has).sum()
        agg_b = (b["value"] * b["weight"]).where(has).sum() / b["weight"].where(has).sum()
        result = agg_a / agg_b.replace(0, np.nan) if aggregation == "ratio" else agg_a - agg_b
        out["value"] = result.reindex(out.index)
        covered = cover.where(has & cover.notna()).sum()
        out["coverage"] = (covered / cover.sum().replace(0, np.nan)).fillna(0.0)
        dy = a["year"].where(has)
        if estimated:
            kind = _weakest(a["kind"], b["kind"]).where(has, "")
            shares = kind_shares(kind, cover)
            out["members_with_data"] = (kind == "reported").sum().astype(int)
        else:
            out["members_with_data"] = has.sum().reindex(out.index).astype(int)
            out["reported_share"] = fresh(a["year"], has, cover)
    elif aggregation in ("median", "sum"):
        v, dy_all = matrix(indicator, tolerance)
        has = v.notna()
        out["value"] = v.median() if aggregation == "median" else v.sum(min_count=1)
        n_with = has.sum().astype(int)
        out["members_with_data"] = n_with
        out["coverage"] = n_with / n_members if n_members else 0.0
        ones = pd.DataFrame(1.0, index=v.index, columns=v.columns)
        out["reported_share"] = fresh(dy_all, has, ones)
        target = _number(spec.get("target"))
        if aggregation == "median" and target is not None:
            at_or_under = (v <= target).sum().astype(int)
            out["at_or_under_target"] = at_or_under
            out["share_at_or_under_target"] = (at_or_under / n_with.replace(0, np.nan)).astype(
                float
            )
            out["target"] = target
        dy = dy_all.where(has)
    elif aggregation == "none":
        out["value"] = nan
        out["coverage"] = 0.0
        out["members_with_data"] = 0
        out["reported_share"] = 0.0
        dy = pd.DataFrame(columns=years, dtype=float)
    else:
        raise QueryError(f"indicator {indicator!r} has an unknown aggregation {aggregation!r}")

    out["coverage"] = out["coverage"].astype(float).fillna(0.0)
    if shares is not None:
        for column in shares.columns:
            out[column] = shares[column].reindex(out.index).astype(float).fillna(0.0)
        basis = out["reported_share"] + out["history_share"]
        needed = ANCHORED_BASIS if _anchored(catalog, indicator) else ESTIMATE_BASIS
        out["withheld"] = (basis < needed) | out["value"].isna()
        out["withheld_reason"] = np.where(
            basis < needed,
            _basis_reason(needed),
            np.where(out["value"].isna(), N_("no data"), ""),
        )
        out["partial"] = False
    else:
        low = out["coverage"] < threshold
        out["withheld"] = low | out["value"].isna()
        out["withheld_reason"] = np.where(
            low,
            _coverage_reason(threshold),
            np.where(out["value"].isna(), N_("no data"), ""),
        )
        out["partial"] = ~out["withheld"] & (out["coverage"] < PARTIAL_COVERAGE)
    out["reported_share"] = out["reported_share"].astype(float).fillna(0.0)
    out.loc[out["withheld"], "value"] = np.nan
    out["first_data_year"] = dy.min().reindex(out.index) if len(dy.columns) else nan
    out["last_data_year"] = dy.max().reindex(out.index) if len(dy.columns) else nan
    out["threshold"] = float(threshold)
    return out.reset_index()


def _coverage_reason(threshold: float) -> str:
    if threshold == DEFAULT_THRESHOLD:
        return N_("less than half of the group has data")
    return f"less than {threshold:.0%} of the group has data"


def _basis_reason(needed: float) -> str:
    if needed == ESTIMATE_BASIS:
        return N_("less than half of the group rests on its members' own data")
    if needed == ANCHORED_BASIS:
        return N_("less than 30 percent of the group rests on its members' own surveys")
    return f"less than {needed:.0%} of the group rests on its members' own data"


def _anchored(catalog: pd.DataFrame, indicator: str) -> bool:
    """Whether ``indicator`` (or, for a ratio or difference, its components) has an anchor."""
    if "anchor" not in catalog.columns:
        return False
    spec = _spec(catalog, indicator)
    ids = [indicator] + [_text(spec.get(c)) for c in ("component_a", "component_b")]
    return any(i and i in catalog.index and _text(catalog.at[i, "anchor"]) for i in ids)


def _estimated(catalog, indicator: str, matrix, estimates, members, years) -> dict:
    """Estimated values, their kinds and weights (members × years) of a weighted mean."""
    spec = _spec(catalog, indicator)
    weight_id = _text(spec.get("weight"))
    if weight_id is None:
        raise QueryError(f"indicator {indicator!r} has no weight to aggregate with")
    values, kinds = estimates(indicator)
    values = values.reindex(index=members, columns=years).astype(float)
    kinds = kinds.reindex(index=members, columns=years).astype(object)
    kinds = kinds.where(kinds.notna(), "")
    weights, _ = matrix(weight_id, WEIGHT_TOLERANCE)
    year_row = pd.DataFrame(
        np.broadcast_to(np.array(years, dtype=float), values.shape).copy(),
        index=values.index,
        columns=values.columns,
    )
    return {
        "value": values,
        "year": year_row.where(values.notna()),
        "weight": weights,
        "kind": kinds,
    }


def _weakest(a: pd.DataFrame, b: pd.DataFrame) -> pd.DataFrame:
    """Cell by cell, the less direct of two kinds (reported < history < modelled)."""
    rank = {kind: i for i, kind in enumerate(KINDS)}
    ra = a.apply(lambda col: col.map(rank)).astype(float)
    rb = b.apply(lambda col: col.map(rank)).astype(float)
    worst = np.fmax(ra.to_numpy(), rb.to_numpy())
    worst[np.isnan(ra.to_numpy()) | np.isnan(rb.to_numpy())] = np.nan
    names = np.array(KINDS + ("",), dtype=object)
    index = np.where(np.isnan(worst), len(KINDS), worst).astype(int)
    return pd.DataFrame(names[index], index=a.index, columns=a.columns)


def group_aggregate(
    obs: pd.DataFrame,
    catalog: pd.DataFrame,
    indicator: str,
    members: Sequence[str],
    year: int,
    *,
    tolerance: int = 0,
    threshold: float = DEFAULT_THRESHOLD,
) -> dict:
    """The aggregate of ``indicator`` over ``members`` at ``year`` as a plain dict.

    ``value`` is ``None`` when withheld (coverage under ``threshold``) or when no member has data.
    """
    row = aggregate_series(
        obs, catalog, indicator, members, [year], tolerance=tolerance, threshold=threshold
    ).iloc[0]
    return _plain(row, indicator)


def group_aggregates_at(
    obs: pd.DataFrame,
    catalog: pd.DataFrame,
    indicator: str,
    groups: dict[str, Sequence[str]],
    year: int,
    *,
    tolerance: int = 0,
    threshold: float = DEFAULT_THRESHOLD,
) -> dict[str, dict]:
    """``group_aggregate`` for several groups at once: ``{group id: result dict}``."""
    frame = group_aggregates(
        obs, catalog, indicator, groups, [year], tolerance=tolerance, threshold=threshold
    )
    return {
        row["group"]: _plain(row.drop(labels="group"), indicator) for _, row in frame.iterrows()
    }


def _plain(row: pd.Series, indicator: str) -> dict:
    result = {"indicator": indicator}
    for key, value in row.items():
        if isinstance(value, (np.integer,)):
            value = int(value)
        elif isinstance(value, (np.floating, float)):
            value = None if math.isnan(value) else float(value)
        elif isinstance(value, np.bool_):
            value = bool(value)
        result[key] = value
    for key in ("first_data_year", "last_data_year", "year"):
        if result.get(key) is not None:
            result[key] = int(result[key])
    return result


# --------------------------------------------------------------------------- people counts


def people_count(
    obs: pd.DataFrame,
    members: Sequence[str],
    year: int,
    *,
    share_indicator: str,
    population_indicator: str = "population",
    complement: bool = False,
    tolerance: int = 0,
) -> dict:
    """People in ``members`` that a percentage describes: Σ population × share ÷ 100.

    With ``complement`` the count is of the rest (Σ population × (100 − share) ÷ 100): people
    offline, people not covered. Returns ``people`` (``None`` when no member has data),
    ``coverage`` (share of the group's population with data), ``members_with_data`` and
    ``members``. Members without data are left out of the count, not counted as 0.
    """
    members = list(dict.fromkeys(members))
    shares, data_years = latest_matrix(obs, share_indicator, members, [year], tolerance)
    pop, _ = latest_matrix(obs, population_indicator, members, [year], WEIGHT_TOLERANCE)
    return people_from(shares, data_years, pop, members, year, complement=complement)


def people_from(
    shares: pd.DataFrame,
    data_years: pd.DataFrame,
    pop: pd.DataFrame,
    members: Sequence[str],
    year: int,
    *,
    complement: bool = False,
) -> dict:
    """``people_count`` from matrices ``latest_matrix`` made (for these members or more):
    several groups' counts from one pass over the observations."""
    members = list(dict.fromkeys(members))
    s, y, p = (m[year].reindex(members).to_numpy(dtype=float) for m in (shares, data_years, pop))
    has = ~np.isnan(s) & ~np.isnan(p)
    fraction = (100.0 - s) / 100.0 if complement else s / 100.0
    people = float((np.clip(fraction[has], 0.0, None) * p[has]).sum()) if has.any() else None
    total = float(np.nansum(p))
    return {
        "people": people,
        "coverage": float(p[has].sum() / total) if total else 0.0,
        "members_with_data": int(has.sum()),
        "members": len(members),
        "first_data_year": int(y[has].min()) if has.any() else None,
        "last_data_year": int(y[has].max()) if has.any() else None,
    }


COVERAGE_LAYERS = ("4G", "3G, not 4G", "2G only", "not covered")


def coverage_layers(
    obs: pd.DataFrame,
    members: Sequence[str],
    year: int,
    *,
    tolerance: int = 0,
    indicators: tuple[str, str, str] = ("coverage_2g_pct", "coverage_3g_pct", "coverage_4g_pct"),
    population_indicator: str = "population",
) -> pd.DataFrame:
    """People in ``members`` by the best mobile network that reaches them.

    Layers: covered by 4G; by 3G but not 4G; by 2G only; not covered by any. Each member
    counts with its latest year within ``tolerance`` years that has all three coverage values
    (never one network's newer year beside another's older one), and a population count.
    Returns one row per layer with ``people``, ``share`` (of the covered-with-data
    population), the group's ``coverage``, ``members_with_data``, ``members`` and the range of
    data years used.
    """
    members = list(dict.fromkeys(members))
    per_member = coverage_by_member(
        obs,
        members,
        year,
        tolerance=tolerance,
        indicators=indicators,
        population_indicator=population_indicator,
    )
    return layers_from(per_member, members)


def coverage_by_member(
    obs: pd.DataFrame,
    members: Sequence[str],
    year: int,
    *,
    tolerance: int = 0,
    indicators: tuple[str, str, str] = ("coverage_2g_pct", "coverage_3g_pct", "coverage_4g_pct"),
    population_indicator: str = "population",
) -> pd.DataFrame:
    """What ``coverage_layers`` counts, per member (indexed by iso3): 2G, 3G and 4G coverage
    from the member's latest year with all three (``common``), and its population. Every
    member's row is its own, so several groups' layers can come from one frame
    (``layers_from``)."""
    members = list(dict.fromkeys(members))
    # Each member's latest year within the window for which it has all three values.
    window = list(range(int(year) - int(tolerance), int(year) + 1))
    exact = [latest_matrix(obs, ind, members, window, 0)[0] for ind in indicators]
    complete = exact[0].notna() & exact[1].notna() & exact[2].notna()
    years_with_all = complete.mul(pd.Series(window, index=window), axis=1).where(complete)
    common = years_with_all.max(axis=1)
    has_all = common.notna()

    def at_common(values: pd.DataFrame) -> pd.Series:
        picked = [
            values.at[iso, int(y)] if ok else np.nan
            for iso, y, ok in zip(values.index, common.fillna(0), has_all, strict=True)
        ]
        return pd.Series(picked, index=values.index, dtype=float)

    v2, v3, v4 = (at_common(values) for values in exact)
    pop, _ = latest_matrix(obs, population_indicator, members, [year], WEIGHT_TOLERANCE)
    return pd.DataFrame(
        {"v2": v2, "v3": v3, "v4": v4, "pop": pop[year], "common": common, "has_all": has_all}
    )


def layers_from(per_member: pd.DataFrame, members: Sequence[str]) -> pd.DataFrame:
    """``coverage_layers`` for ``members`` from ``coverage_by_member`` (of them or more)."""
    members = list(dict.fromkeys(members))
    frame = per_member.reindex(members)
    v2, v3, v4, p, common = (
        frame[c].to_numpy(dtype=float) for c in ("v2", "v3", "v4", "pop", "common")
    )
    has = frame["has_all"].fillna(False).to_numpy(dtype=bool) & ~np.isnan(p)
    best = np.fmax(np.fmax(v2, v3), v4)
    layer_share = {
        "4G": v4,
        "3G, not 4G": np.clip(v3 - v4, 0.0, None),
        "2G only": np.clip(v2 - np.fmax(v3, v4), 0.0, None),
        "not covered": np.clip(100.0 - best, 0.0, None),
    }
    total_pop = float(np.nansum(p))
    covered_pop = float(p[has].sum())
    rows = []
    for layer in COVERAGE_LAYERS:
        people = float((layer_share[layer] / 100.0 * p)[has].sum()) if has.any() else np.nan
        rows.append(
            {
                "layer": layer,
                "people": people,
                "share": people / covered_pop if covered_pop else np.nan,
                "coverage": covered_pop / total_pop if total_pop else 0.0,
                "members_with_data": int(has.sum()),
                "members": len(members),
                "first_data_year": int(common[has].min()) if has.any() else np.nan,
                "last_data_year": int(common[has].max()) if has.any() else np.nan,
            }
        )
    return pd.DataFrame(rows)
