"""Checks the built dataset must pass: one rule set, run by the build before it writes the
dataset and by the app every time it loads one (``validate_all``).

Each failure names where the offending row lives: the raw file and line during the build, the
built file and row when the app loads it.
"""

from __future__ import annotations

from collections.abc import Callable

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


MAX_DECIMALS = 6
"""The most decimals an indicator may be shown with (0 ≤ decimals ≤ 6)."""

# Plausible values by unit, beyond "shares lie within 0–100" (``bounded``) and "only
# differences may be negative": (unit prefix, lowest, highest).
UNIT_RANGES = (
    ("per 100", 0.0, 1000.0),
    ("ratio", 0.0, 10.0),
    ("percentage points", -100.0, 100.0),
    ("people", 0.0, 2e10),
)


class ValidationError(ValueError):
    """The dataset breaks a rule; the message says which row and why."""


Describe = Callable[[pd.DataFrame], str]
"""Turns offending observation rows into text naming where each one lives."""


def where_raw(rows: pd.DataFrame, limit: int = 5) -> str:
    parts = []
    for _, r in rows.head(limit).iterrows():
        line = f" line {int(r['row'])}" if "row" in r and r["row"] >= 0 else ""
        parts.append(
            f"{r.get('file', '?')}{line}: {r['iso3']} {r['year']} {r['indicator']} = {r['value']}"
        )
    more = f" (and {len(rows) - limit} more)" if len(rows) > limit else ""
    return "; ".join(parts) + more


def _duplicated(frame: pd.DataFrame, keys: list[str]) -> pd.Series:
    """``frame.duplicated(keys, keep=False)``, by integer codes (several times faster)."""
    combined = np.zeros(len(frame), dtype=np.int64)
    for key in keys:
        codes, uniques = pd.factorize(frame[key], use_na_sentinel=False)
        combined = combined * (len(uniques) + 1) + codes
    return pd.Series(combined, index=frame.index).duplicated(keep=False)


def validate(
    obs: pd.DataFrame,
    countries: pd.DataFrame,
    catalog: pd.DataFrame,
    sources: pd.DataFrame,
    *,
    minimum_economies: dict[str, int] | None = None,
    describe: Describe | None = None,
) -> None:
    """Raise ``ValidationError`` on the first broken rule of the observations."""
    minimum_economies = MINIMUM_ECONOMIES if minimum_economies is None else minimum_economies
    _where = describe or where_raw
    keys = ["iso3", "year", "indicator"]
    dupes = _duplicated(obs, keys)
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
    # Catalog attributes row by row, looked up once per indicator (a few ms, not a map of
    # every row's string).
    codes, names = pd.factorize(obs["indicator"])
    spec = catalog.reindex(names)

    def per_row(column: str) -> pd.Series:
        return pd.Series(spec[column].to_numpy()[codes], index=obs.index)

    bounded = per_row("bounded").astype(bool)
    bad = bounded & ((obs["value"] < 0) | (obs["value"] > 100))
    if bad.any():
        raise ValidationError("share outside [0, 100]: " + _where(obs.loc[bad]))
    bad = obs["value"] < 0
    gaps = per_row("aggregation") == "difference"
    if (bad & ~gaps).any():
        raise ValidationError("negative value: " + _where(obs.loc[bad & ~gaps]))
    units = spec["unit"].astype(str)
    for prefix, low, high in UNIT_RANGES:
        applies = units.str.startswith(prefix).to_numpy()[codes]
        bad = applies & ((obs["value"] < low) | (obs["value"] > high))
        if bad.any():
            raise ValidationError(
                f"value outside {low:g}–{high:g} for a unit '{prefix} …': " + _where(obs.loc[bad])
            )
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
    official: pd.DataFrame,
    groups,
    catalog: pd.DataFrame,
    sources: pd.DataFrame,
    *,
    locate: Callable[[int], str] | None = None,
) -> None:
    """ITU's official aggregates: known groups, indicators and source; shares within 0–100.

    ``locate(position)`` names where the row at ``position`` lives (default: the raw sheet
    and row)."""
    group_ids = {g["id"] for g in groups} if isinstance(groups, list) else set(groups)
    where = official.get("sheet", pd.Series("?", index=official.index)).astype(str)
    rows = official.get("row", pd.Series(-1, index=official.index)).astype(int)

    def raw_place(position: int) -> str:
        label = official.index[position]
        return f"official aggregates, sheet {where[label]!r} row {rows[label]}"

    place = locate or raw_place

    def fail(mask: pd.Series, what: str) -> None:
        first = mask.idxmax()
        raise ValidationError(
            f"{place(official.index.get_loc(first))}: {what} "
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


def validate_catalog(
    catalog: pd.DataFrame, sources: pd.DataFrame, *, file: str = "catalog"
) -> None:
    """The indicator catalog: unique ids, whole decimals within 0–MAX_DECIMALS, known sources.

    ``catalog`` has an ``id`` column (its index may be anything); a failure names ``file`` and
    the catalog line (the header is line 1)."""
    ids = catalog["id"].astype(str)

    def fail(mask, what: str) -> None:
        positions = np.flatnonzero(np.asarray(mask, dtype=bool))[:5]
        lines = ", ".join(
            f"line {p + 2} ({ids.iloc[p]} = {catalog[what_column].iloc[p]!r})" for p in positions
        )
        raise ValidationError(f"{file}: {what}: {lines}")

    what_column = "id"
    bad = ids.duplicated(keep=False)
    if bad.any():
        fail(bad, "duplicate indicator id")
    bad = ids.str.strip().eq("")
    if bad.any():
        fail(bad, "empty indicator id")
    what_column = "decimals"
    decimals = pd.to_numeric(catalog["decimals"].astype(str).str.strip(), errors="coerce")
    bad = decimals.isna() | (decimals % 1 != 0) | (decimals < 0) | (decimals > MAX_DECIMALS)
    if bad.any():
        fail(bad, f"decimals must be a whole number from 0 to {MAX_DECIMALS}")
    known = set(sources["id"].astype(str))
    what_column = "source"
    bad = ~catalog["source"].astype(str).isin(known)
    if bad.any():
        fail(bad, "source not in the sources table")
    if "sources" in catalog.columns:
        what_column = "sources"
        listed = catalog["sources"].fillna("").astype(str).str.split(";")
        bad = listed.map(lambda ids_: any(i and i not in known for i in ids_))
        if bad.any():
            fail(bad, "sources names an id not in the sources table")


def validate_sources(sources: pd.DataFrame, *, file: str = "sources") -> None:
    """Unique, non-empty source ids."""
    ids = sources["id"].astype(str)
    bad = ids.duplicated(keep=False) | ids.str.strip().eq("")
    if bad.any():
        lines = ", ".join(f"line {p + 2} ({ids.iloc[p]!r})" for p in np.flatnonzero(bad)[:5])
        raise ValidationError(f"{file}: duplicate or empty source id: {lines}")


def validate_groups(groups: list[dict], countries: pd.DataFrame, *, file: str = "groups") -> None:
    """Every group has a unique id and only known economies as members, each once."""
    known = set(countries["iso3"].astype(str))
    seen: set[str] = set()
    for number, group in enumerate(groups):
        gid = group.get("id") if isinstance(group, dict) else None
        if not isinstance(gid, str) or not gid:
            raise ValidationError(f"{file}, entry {number}: a group without an id")
        if gid in seen:
            raise ValidationError(f"{file}, entry {number}: duplicate group id {gid!r}")
        seen.add(gid)
        members = group.get("members")
        if not isinstance(members, list):
            raise ValidationError(f"{file}, entry {number} ({gid}): members is not a list")
        unknown = [m for m in members if m not in known]
        if unknown:
            raise ValidationError(
                f"{file}, entry {number} ({gid}): members not in the country table: "
                + ", ".join(repr(m) for m in unknown[:10])
            )
        twice = sorted({m for m in members if members.count(m) > 1})
        if twice:
            raise ValidationError(
                f"{file}, entry {number} ({gid}): members listed twice: {', '.join(twice)}"
            )


def validate_outlines(outlines: dict, countries: pd.DataFrame, *, file: str = "outlines") -> None:
    """The region outlines: a GeoJSON FeatureCollection, one polygonal feature per ITU region."""
    if not isinstance(outlines, dict) or outlines.get("type") != "FeatureCollection":
        raise ValidationError(f"{file}: not a GeoJSON FeatureCollection")
    features = outlines.get("features")
    if not isinstance(features, list) or not features:
        raise ValidationError(f"{file}: no features")
    regions = set(countries["itu_region"].astype(str)) - {""}
    for number, feature in enumerate(features):
        geometry = feature.get("geometry") if isinstance(feature, dict) else None
        if not isinstance(geometry, dict) or geometry.get("type") not in (
            "Polygon",
            "MultiPolygon",
        ):
            raise ValidationError(f"{file}, feature {number}: no polygon geometry")
        if not geometry.get("coordinates"):
            raise ValidationError(f"{file}, feature {number}: empty geometry")
        region = (feature.get("properties") or {}).get("region")
        if region not in regions:
            raise ValidationError(f"{file}, feature {number}: unknown ITU region {region!r}")


def validate_all(
    *,
    obs: pd.DataFrame,
    countries: pd.DataFrame,
    catalog: pd.DataFrame,
    sources: pd.DataFrame,
    groups: list[dict],
    official: pd.DataFrame,
    outlines: dict | None,
    files: dict[str, str] | None = None,
    describe: Describe | None = None,
    locate_official: Callable[[int], str] | None = None,
    minimum_economies: dict[str, int] | None = None,
) -> None:
    """Every rule, in the order a broken dataset is easiest to understand.

    ``catalog`` is indexed by indicator id; ``files`` names each table in messages (keys
    ``catalog``, ``sources``, ``groups``, ``outlines``, ``countries``)."""
    files = files or {}
    validate_sources(sources, file=files.get("sources", "sources"))
    validate_catalog(catalog, sources, file=files.get("catalog", "catalog"))
    if countries["iso3"].duplicated().any():
        dupes = sorted(set(countries.loc[countries["iso3"].duplicated(), "iso3"]))
        raise ValidationError(
            f"{files.get('countries', 'country table')}: duplicate iso3 {', '.join(dupes)}"
        )
    validate_groups(groups, countries, file=files.get("groups", "groups"))
    validate(
        obs,
        countries,
        catalog,
        sources,
        minimum_economies=minimum_economies,
        describe=describe,
    )
    validate_official(official, groups, catalog, sources, locate=locate_official)
    if outlines is not None:
        validate_outlines(outlines, countries, file=files.get("outlines", "outlines"))


def range_problems(
    values: pd.Series, *, unit: str, bounded: bool, difference: bool = False
) -> pd.Series:
    """Row by row, why a value breaks the rules ``validate`` applies to an indicator with this
    ``unit`` (empty text where the value is fine): for files checked before they are added."""
    values = pd.to_numeric(values, errors="coerce").astype(float)
    reasons = pd.Series("", index=values.index, dtype=object)

    def note(mask, text: str) -> None:
        mask = pd.Series(mask, index=values.index) & reasons.eq("")
        reasons[mask] = text

    note(~np.isfinite(values.to_numpy()), "value missing or not a number")
    if bounded:
        note((values < 0) | (values > 100), "share outside [0, 100]")
    if not difference:
        note(values < 0, "negative value")
    for prefix, low, high in UNIT_RANGES:
        if str(unit).startswith(prefix):
            note(
                (values < low) | (values > high),
                f"outside {low:g}–{high:g} for a unit '{prefix} …'",
            )
    return reasons
