"""Checks the built dataset must pass. Each failure names the raw file and line it came from."""

from __future__ import annotations

import numpy as np
import pandas as pd

from data.sources import FIRST_YEAR, LAST_YEAR

# Fewest economies each indicator must reach; fewer means a reader lost data.
MINIMUM_ECONOMIES = {
    "internet_users_pct": 200,
    "coverage_2g_pct": 210,
    "coverage_3g_pct": 210,
    "coverage_4g_pct": 210,
    "mobile_broadband_per100": 170,
    "price_fixed_broadband_gni_pct": 190,
    "price_mobile_broadband_gni_pct": 190,
    "internet_gender_parity": 125,
    "population": 220,
}


class ValidationError(ValueError):
    """The dataset breaks a rule; the message says which row and why."""


def _where(rows: pd.DataFrame, limit: int = 5) -> str:
    parts = []
    for _, r in rows.head(limit).iterrows():
        line = f" line {int(r['row'])}" if "row" in r and r["row"] >= 0 else ""
        parts.append(
            f"{r.get('file', '?')}{line}: {r['iso3']} {r['year']} {r['indicator']} = {r['value']}"
        )
    more = f" (and {len(rows) - limit} more)" if len(rows) > limit else ""
    return "; ".join(parts) + more


def validate(
    obs: pd.DataFrame,
    countries: pd.DataFrame,
    catalog: pd.DataFrame,
    sources: pd.DataFrame,
    *,
    minimum_economies: dict[str, int] | None = None,
) -> None:
    """Raise ``ValidationError`` on the first broken rule."""
    minimum_economies = MINIMUM_ECONOMIES if minimum_economies is None else minimum_economies
    keys = ["iso3", "year", "indicator"]
    dupes = obs.duplicated(keys, keep=False)
    if dupes.any():
        raise ValidationError(
            "duplicate (iso3, year, indicator): " + _where(obs.loc[dupes].sort_values(keys))
        )
    if countries["iso3"].duplicated().any():
        raise ValidationError("duplicate iso3 in the country table")
    unknown = ~obs["iso3"].isin(countries["iso3"])
    if unknown.any():
        raise ValidationError("iso3 not in the country table: " + _where(obs.loc[unknown]))
    unknown = ~obs["indicator"].isin(catalog.index)
    if unknown.any():
        raise ValidationError("indicator not in the catalog: " + _where(obs.loc[unknown]))
    unknown = ~obs["source"].isin(sources["id"])
    if unknown.any():
        raise ValidationError("source not in the sources table: " + _where(obs.loc[unknown]))
    bad = ~np.isfinite(obs["value"].to_numpy(dtype=float))
    if bad.any():
        raise ValidationError("value missing or not finite: " + _where(obs.loc[bad]))
    bad = (obs["year"] < FIRST_YEAR) | (obs["year"] > LAST_YEAR)
    if bad.any():
        raise ValidationError(f"year outside {FIRST_YEAR}–{LAST_YEAR}: " + _where(obs.loc[bad]))
    bounded = obs["indicator"].map(catalog["bounded"]).astype(bool)
    bad = bounded & ((obs["value"] < 0) | (obs["value"] > 100))
    if bad.any():
        raise ValidationError("share outside [0, 100]: " + _where(obs.loc[bad]))
    bad = obs["value"] < 0
    gaps = obs["indicator"].map(catalog["aggregation"]) == "difference"
    if (bad & ~gaps).any():
        raise ValidationError("negative value: " + _where(obs.loc[bad & ~gaps]))
    for column in ("component_a", "component_b", "weight"):
        refs = set(catalog[column].dropna()) - {""}
        missing = refs - set(catalog.index)
        if missing:
            raise ValidationError(f"catalog {column} names unknown indicators: {sorted(missing)}")
    missing_sources = set(catalog["source"]) - set(sources["id"])
    if missing_sources:
        raise ValidationError(f"catalog names unknown sources: {sorted(missing_sources)}")
    economies = obs.groupby("indicator", observed=True)["iso3"].nunique()
    for indicator, minimum in minimum_economies.items():
        found = int(economies.get(indicator, 0))
        if found < minimum:
            raise ValidationError(
                f"{indicator}: expected at least {minimum} economies, found {found}"
            )


def validate_official(
    official: pd.DataFrame, groups, catalog: pd.DataFrame, sources: pd.DataFrame
) -> None:
    """ITU's official aggregates: known groups, indicators and source; shares within 0–100."""
    group_ids = {g["id"] for g in groups} if isinstance(groups, list) else set(groups)
    where = official.get("sheet", pd.Series("?", index=official.index)).astype(str)
    rows = official.get("row", pd.Series(-1, index=official.index)).astype(int)

    def fail(mask: pd.Series, what: str) -> None:
        first = mask.idxmax()
        raise ValidationError(
            f"official aggregates, sheet {where[first]!r} row {rows[first]}: {what} "
            f"({official.at[first, 'group']} {official.at[first, 'indicator']} "
            f"{official.at[first, 'year']} = {official.at[first, 'value']})"
        )

    bad = ~official["group"].isin(group_ids)
    if bad.any():
        fail(bad, "group not in the groups table")
    bad = ~official["indicator"].isin(catalog.index)
    if bad.any():
        fail(bad, "indicator not in the catalog")
    bad = ~official["source"].isin(sources["id"])
    if bad.any():
        fail(bad, "source not in the sources table")
    bad = official.duplicated(["group", "indicator", "year"], keep=False)
    if bad.any():
        fail(bad, "duplicate (group, indicator, year)")
    bounded = official["indicator"].map(catalog["bounded"]).astype(bool)
    values = official["value"].astype(float)
    bad = ~np.isfinite(values) | (values < 0) | (bounded & (values > 100))
    if bad.any():
        fail(bad, "value missing, negative or a share above 100")
