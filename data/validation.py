"""Our group estimates against ITU's official series: the numbers behind the methodology.

Used by ``bench/validate_estimates.py`` (which prints the table in ``docs/methodology.md``)
and by the tests, which hold the method to its error bounds.
"""

from __future__ import annotations

import dataclasses

import pandas as pd

from data import estimate as est
from data import views
from data.load import Dataset

GROUPS = [
    "world",
    "itu-africa",
    "itu-americas",
    "itu-arab-states",
    "itu-asia-pacific",
    "itu-cis",
    "itu-europe",
    "income-low",
    "income-lower-middle",
    "income-upper-middle",
    "income-high",
    "ldc",
    "lldc",
    "sids",
]
CHECKS = {
    "internet_users_pct": range(2015, 2024),
    "coverage_4g_pct": range(2015, 2023),
}


def comparison(
    ds: Dataset, indicator: str, years, params: est.Params | None = None
) -> pd.DataFrame:
    """One row per group × year: ITU's value, ours reported-only and estimated, differences."""
    if params is not None:
        spec = views.indicator_spec(ds, indicator)
        ds.cache[("estimate", indicator)] = views.estimate_with(
            ds, indicator, dataclasses.replace(params, bounded=bool(spec["bounded"]))
        )
    frames = {
        method: views.group_values(ds, indicator, GROUPS, years, method=method).set_index(
            ["group", "year"]
        )
        for method in ("official", "reported", "estimated")
    }
    out = pd.DataFrame(
        {
            "itu": frames["official"]["value"],
            "reported": frames["reported"]["value"],
            "estimated": frames["estimated"]["value"],
            "reported_share": frames["estimated"]["reported_share"],
        }
    ).reset_index()
    out["error_reported"] = (out["reported"] - out["itu"]).abs()
    out["error_estimated"] = (out["estimated"] - out["itu"]).abs()
    out.insert(0, "indicator", indicator)
    return out


def errors(ds: Dataset, params: est.Params | None = None) -> pd.DataFrame:
    """Mean and largest absolute error per indicator and group, for both methods."""
    frames = [comparison(ds, ind, years, params) for ind, years in CHECKS.items()]
    rows = pd.concat(frames, ignore_index=True).dropna(subset=["itu"])
    return (
        rows.groupby(["indicator", "group"], sort=False)
        .agg(
            years=("year", lambda y: f"{int(y.min())}–{int(y.max())}"),
            mean_reported=("error_reported", "mean"),
            max_reported=("error_reported", "max"),
            mean_estimated=("error_estimated", "mean"),
            max_estimated=("error_estimated", "max"),
            worst_year=("error_estimated", lambda e: int(rows.loc[e.idxmax(), "year"])),
        )
        .reset_index()
    )


def without(ds: Dataset, iso3: str, indicator: str, since: int) -> Dataset:
    """``ds`` as if ``iso3`` had reported nothing for ``indicator`` from ``since`` on.

    Shows how much of a difference from ITU comes from one economy's newer values (ITU's
    November 2024 edition predates them).
    """
    keep = ~(
        (ds.obs["iso3"] == iso3) & (ds.obs["indicator"] == indicator) & (ds.obs["year"] >= since)
    )
    obs = ds.obs.loc[keep]
    by_indicator = dict(ds.by_indicator)
    by_indicator[indicator] = obs.loc[obs["indicator"] == indicator].reset_index(drop=True)
    return dataclasses.replace(ds, obs=obs, by_indicator=by_indicator, cache={})
