"""Readers: one function per raw public file, each returning tidy observation rows.

Every reader returns a frame with the columns in ``TIDY_COLUMNS``: ``iso3``, ``year``,
``indicator``, ``value``, ``source``, the flags (``experimental``, ``series_break``,
``derived``), ``note`` (the basket definition of a price, the nature of an SDG value …) and,
for error messages, ``file`` and ``row`` (the line of the raw file the value came from).

Anything a reader cannot use is recorded in ``Drops`` with the reason, and the build prints it.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

TIDY_COLUMNS = [
    "iso3",
    "year",
    "indicator",
    "value",
    "source",
    "experimental",
    "series_break",
    "derived",
    "note",
    "file",
    "row",
]

LAST_YEAR = 2025
"""The last year kept. No source observes anything later; population files run to 2100 with
projections, and these are cut here so that no projected value enters the dataset."""

FIRST_YEAR = 1960

# Gapminder keys that are not lower-case ISO 3166 alpha-3 codes.
GAPMINDER_KEYS = {
    "kos": "XKX",
    "hos": "VAT",
    "gbg": "GGY",
    "gbm": "IMN",
    "nld_curacao": "CUW",
    "stbar": "BLM",
}
GAPMINDER_DROPPED = {
    "chanisl": "Channel Islands: two economies (Guernsey, Jersey) reported together",
}
# World Bank / ITU codes that are not ISO 3166.
OTHER_KEYS = {"WBG": "PSE", "KSV": "XKX"}


@dataclass
class Drops:
    """Source values the build could not use, with the reason."""

    rows: list[dict] = field(default_factory=list)

    def add(self, file: str, reason: str, *, key: str = "", row: int | None = None, n: int = 1):
        self.rows.append({"file": file, "reason": reason, "key": key, "row": row, "n": n})

    def frame(self) -> pd.DataFrame:
        return pd.DataFrame(self.rows, columns=["file", "reason", "key", "row", "n"])


def tidy(
    frame: pd.DataFrame,
    *,
    indicator: str | None = None,
    source: str,
    file: str,
    experimental: bool = False,
    derived: bool = False,
    note: str = "",
) -> pd.DataFrame:
    """Give a frame with ``iso3``, ``year``, ``value`` (and optionally more) the tidy shape."""
    out = frame.copy()
    if indicator is not None:
        out["indicator"] = indicator
    out["source"] = source
    out["file"] = file
    for col, default in (
        ("experimental", experimental),
        ("series_break", False),
        ("derived", derived),
        ("note", note),
        ("row", -1),
    ):
        if col not in out.columns:
            out[col] = default
    out = out.dropna(subset=["value"])
    out["year"] = out["year"].astype(int)
    out["value"] = out["value"].astype(float)
    return out[TIDY_COLUMNS].reset_index(drop=True)


def _rel(path: Path, raw: Path) -> str:
    return path.relative_to(raw).as_posix()


def _line_numbers(frame: pd.DataFrame, header_lines: int = 1) -> pd.Series:
    """1-based line numbers in the raw file of a frame read straight from a CSV."""
    return pd.Series(np.arange(len(frame)) + header_lines + 1, index=frame.index)


def _keep_years(frame: pd.DataFrame, file: str, drops: Drops) -> pd.DataFrame:
    late = frame["year"] > LAST_YEAR
    early = frame["year"] < FIRST_YEAR
    if late.any():
        drops.add(
            file,
            f"after {LAST_YEAR} (projections or not yet observed)",
            n=int(late.sum()),
            key=f"{int(frame.loc[late, 'year'].min())}–{int(frame.loc[late, 'year'].max())}",
        )
    if early.any():
        drops.add(file, f"before {FIRST_YEAR}", n=int(early.sum()))
    return frame.loc[~late & ~early]


def _map_codes(
    frame: pd.DataFrame,
    column: str,
    known: set[str],
    file: str,
    drops: Drops,
    *,
    aliases: dict[str, str] | None = None,
    dropped: dict[str, str] | None = None,
    upper: bool = True,
) -> pd.DataFrame:
    """Turn a key column into ``iso3``; record keys that are not economies we know."""
    aliases = aliases or {}
    dropped = dropped or {}
    keys = frame[column].astype("string").str.strip()
    mapped = keys.map(lambda k: aliases.get(k, k.upper() if upper else k), na_action="ignore")
    out = frame.assign(iso3=mapped)
    bad = ~out["iso3"].isin(known)
    for key, part in out.loc[bad].groupby(keys[bad], dropna=False):
        reason = dropped.get(key, "no ISO 3166 alpha-3 code for this key")
        drops.add(file, reason, key=str(key), n=len(part), row=int(part["row"].iloc[0]))
    return out.loc[~bad]


# --------------------------------------------------------------------------- Gapminder


GAPMINDER_SERIES = {
    "internet_users": ("internet_users_pct", "itu-wdi"),
    "cell_phones_per_100_people": ("mobile_subscriptions_per100", "itu-wdi"),
    "broadband_subscribers_per_100_people": ("fixed_broadband_per100", "itu-wdi"),
    "gnipercapita_atlasmethod_current_us": ("gni_per_capita_usd", "wdi"),
    "gnipercapita_ppp_current_international": ("gni_per_capita_ppp", "wdi"),
    "urban_population_percent_of_total": ("urban_population_pct", "wdi"),
    "female_population_with_projections": ("population_female", "un-wpp"),
    "male_population_with_projections": ("population_male", "un-wpp"),
}


def read_gapminder(raw: Path, known: set[str], drops: Drops) -> pd.DataFrame:
    frames = []
    for concept, (indicator, source) in GAPMINDER_SERIES.items():
        path = raw / "gapminder_systema_globalis" / f"ddf--datapoints--{concept}--by--geo--time.csv"
        file = _rel(path, raw)
        frame = pd.read_csv(path, dtype={"geo": "string"})
        frame = frame.rename(columns={"time": "year", concept: "value"})
        frame["row"] = _line_numbers(frame)
        frame = _map_codes(
            frame, "geo", known, file, drops, aliases=GAPMINDER_KEYS, dropped=GAPMINDER_DROPPED
        )
        frame = _keep_years(frame, file, drops)
        frames.append(tidy(frame, indicator=indicator, source=source, file=file))
    out = pd.concat(frames, ignore_index=True)
    return pd.concat([out, derive_population(out)], ignore_index=True)


def derive_population(obs: pd.DataFrame) -> pd.DataFrame:
    """Total population as female + male for every economy-year that has both."""
    sexes = obs[obs["indicator"].isin(["population_female", "population_male"])]
    wide = sexes.pivot(index=["iso3", "year"], columns="indicator", values="value").dropna()
    wide = wide.reset_index()
    wide["value"] = wide["population_female"] + wide["population_male"]
    return tidy(
        wide[["iso3", "year", "value"]],
        indicator="population",
        source="un-wpp",
        file="derived: population_female + population_male",
        derived=True,
    )


# --------------------------------------------------------------------------- World Bank codes

# World Bank aggregate codes (regions, income and lending groups, demographic dividend groups,
# the world): the first 48 codes of the WDI API download, plus the income-group and fragility
# codes Data360 uses (HIC, LIC, LMC, UMC, FCS, INX). They are the World Bank's own estimates over
# groups of economies, never economies, and are reported, never mapped.
WB_AGGREGATES = frozenset(
    {
        *("AFE", "AFW", "ARB", "CSS", "CEB", "EAR", "EAS", "EAP", "TEA", "EMU", "ECS", "ECA"),
        *("TEC", "EUU", "HPC", "XD", "IBD", "IBT", "IDB", "IDX", "IDA", "LTE", "LCN", "LAC"),
        *("TLA", "LDC", "LMY", "XM", "XN", "MEA", "MNA", "TMN", "MIC", "NAC", "XY", "OED"),
        *("OSS", "PSS", "PST", "PRE", "SST", "SAS", "TSA", "SSF", "SSA", "TSS", "XT", "WLD"),
        *("HIC", "LIC", "LMC", "UMC", "FCS", "INX"),
    }
)
WB_AGGREGATE_REASON = "World Bank aggregate, not an economy"
WB_DROPPED = {"CHI": GAPMINDER_DROPPED["chanisl"]}


def _drop_wb_aggregates(
    frame: pd.DataFrame, column: str, file: str, drops: Drops, *, value: str = ""
) -> pd.DataFrame:
    """Drop the rows of World Bank aggregates, one report line per code.

    With ``value``, the count is of the non-missing values in that column, so that a code
    whose rows are all empty is still named in the report (with 0 values).
    """
    keys = frame[column].astype("string").str.strip().str.upper()
    aggregate = keys.isin(WB_AGGREGATES)
    for key, part in frame.loc[aggregate].groupby(keys[aggregate]):
        n = int(part[value].notna().sum()) if value else len(part)
        drops.add(file, WB_AGGREGATE_REASON, key=str(key), n=n, row=int(part["row"].iloc[0]))
    return frame.loc[~aggregate]


# --------------------------------------------------------------------------- WDI, July 2026

WDI_2026_FOLDER = "wdi_2026_07"
WDI_2026 = {
    "IT.NET.USER.ZS": "internet_users_pct",
    "IT.NET.BBND.P2": "fixed_broadband_per100",
}
WDI_2026_YEARS = (2010, 2025)
"""The years the July 2026 download covers; earlier values come from the older copy."""


def read_wdi_2026(raw: Path, known: set[str], drops: Drops) -> pd.DataFrame:
    """World Bank WDI update of 13 July 2026, long format, one file per series.

    ``iso3,country_wb,indicator,year,value,source_id,lastupdated``; an empty value is missing.
    World Bank aggregates (WLD, LDC, SSF …) are dropped and reported.
    """
    frames = []
    for code, indicator in WDI_2026.items():
        path = raw / WDI_2026_FOLDER / f"wdi_{code}.csv"
        file = _rel(path, raw)
        frame = pd.read_csv(
            path,
            dtype={"iso3": "string", "indicator": "string"},
            keep_default_na=False,
            na_values={"value": [""]},
        )
        frame["row"] = _line_numbers(frame)
        wrong = frame["indicator"] != code
        if wrong.any():
            bad = frame.loc[wrong].iloc[0]
            raise ValueError(
                f"{file}, line {bad['row']}: indicator {bad['indicator']!r}, expected {code!r}"
            )
        first, last = WDI_2026_YEARS
        outside = ~frame["year"].between(first, last)
        if outside.any():
            bad = frame.loc[outside].iloc[0]
            raise ValueError(
                f"{file}, line {bad['row']}: year {bad['year']} outside {first}–{last}; "
                "update WDI_2026_YEARS so the older copy is not used for years this file covers"
            )
        frame = _drop_wb_aggregates(frame, "iso3", file, drops, value="value")
        frame = frame.dropna(subset=["value"])
        frame = _map_codes(
            frame, "iso3", known, file, drops, aliases=OTHER_KEYS, dropped=WB_DROPPED
        )
        dupes = frame.duplicated(["iso3", "year"])
        if dupes.any():
            bad = frame.loc[dupes].iloc[0]
            raise ValueError(
                f"{file}, line {bad['row']}: second value for {bad['iso3']} {bad['year']}"
            )
        frames.append(
            tidy(
                frame[["iso3", "year", "value", "row"]],
                indicator=indicator,
                source="itu-wdi-2026",
                file=file,
            )
        )
    return pd.concat(frames, ignore_index=True)


# --------------------------------------------------------------------------- Data360

DATA360_COLUMNS = [
    "REF_AREA",
    "INDICATOR",
    "SEX",
    "AGE",
    "URBANISATION",
    "UNIT_MEASURE",
    "TIME_PERIOD",
    "OBS_VALUE",
    "OBS_STATUS",
]
# SDMX observation status codes; "A" (normal value) needs no note.
OBS_STATUS_NOTES = {
    "A": "",
    "B": "break in series",
    "E": "estimated",
    "F": "forecast",
    "I": "imputed",
    "P": "provisional",
    "U": "low reliability",
}


def read_data360(
    raw: Path, relative_path: str, indicator: str, source_id: str, known: set[str], drops: Drops
) -> pd.DataFrame:
    """One series exported by the World Bank's Data360 (SDMX-style CSV), e.g. an ITU DataHub one.

    Keeps the totals (``SEX``, ``AGE`` and ``URBANISATION`` all ``_T``) and reports the other
    breakdowns; drops World Bank aggregates and unknown codes, reported; turns an observation
    status other than "A" into a note ("E" → "estimated"), and "B" into a series break.
    """
    path = raw / relative_path
    file = _rel(path, raw)
    frame = pd.read_csv(path, dtype="string", keep_default_na=False)
    missing = [c for c in DATA360_COLUMNS if c not in frame.columns]
    if missing:
        raise ValueError(f"{file}: not a Data360 export, columns missing: {', '.join(missing)}")
    frame["row"] = _line_numbers(frame)
    codes = sorted(set(frame["INDICATOR"]))
    if len(codes) != 1:
        raise ValueError(f"{file}: expected one series, found {len(codes)}: {', '.join(codes)}")
    for column in ("UNIT_MEASURE",):
        units = sorted(set(frame[column]))
        if len(units) != 1:
            raise ValueError(f"{file}: expected one {column}, found {', '.join(units)}")
    total = (frame["SEX"] == "_T") & (frame["AGE"] == "_T") & (frame["URBANISATION"] == "_T")
    for key, part in frame.loc[~total].groupby(["SEX", "AGE", "URBANISATION"]):
        drops.add(
            file,
            "breakdown by sex, age or urbanisation, not the total",
            key="SEX={} AGE={} URBANISATION={}".format(*key),
            n=len(part),
            row=int(part["row"].iloc[0]),
        )
    frame = frame.loc[total]
    frame = frame.assign(
        year=pd.to_numeric(frame["TIME_PERIOD"], errors="raise").astype(int),
        value=pd.to_numeric(frame["OBS_VALUE"].replace("", pd.NA), errors="raise"),
    ).dropna(subset=["value"])
    frame = _drop_wb_aggregates(frame, "REF_AREA", file, drops)
    frame = _map_codes(
        frame, "REF_AREA", known, file, drops, aliases=OTHER_KEYS, dropped=WB_DROPPED
    )
    frame = _keep_years(frame, file, drops)
    dupes = frame.duplicated(["iso3", "year"])
    if dupes.any():
        bad = frame.loc[dupes].iloc[0]
        raise ValueError(f"{file}, line {bad['row']}: second value for {bad['iso3']} {bad['year']}")
    status = frame["OBS_STATUS"].str.strip().str.upper()
    frame["note"] = status.map(
        lambda s: OBS_STATUS_NOTES.get(s, f"observation status {s}") if s else ""
    ).astype(str)
    frame["series_break"] = (status == "B").astype(bool)
    return tidy(frame, indicator=indicator, source=source_id, file=file)


# --------------------------------------------------------------------------- coverage


OWID_COVERAGE = {
    "_9_c_1__it_mob_2gntwk": "coverage_2g_pct",
    "_9_c_1__it_mob_3gntwk": "coverage_3g_pct",
    "_9_c_1__it_mob_4gntwk": "coverage_4g_pct",
}


def read_owid_coverage(raw: Path, known: set[str], drops: Drops) -> pd.DataFrame:
    path = (
        raw
        / "owid_grapher_mobile_coverage"
        / "population-covered-by-mobile-network-by-network-capability.csv"
    )
    file = _rel(path, raw)
    frame = pd.read_csv(path, dtype={"Code": "string", "Entity": "string"})
    frame["row"] = _line_numbers(frame)
    no_code = frame["Code"].isna()
    for entity, part in frame.loc[no_code].groupby("Entity"):
        drops.add(file, "regional aggregate, not an economy", key=str(entity), n=len(part))
    frame = frame.loc[~no_code]
    frame = _map_codes(
        frame,
        "Code",
        known,
        file,
        drops,
        dropped={"OWID_WRL": "world aggregate, not an economy"},
    )
    frame = frame.rename(columns={"Year": "year"})
    frame = _keep_years(frame, file, drops)
    frames = []
    for column, indicator in OWID_COVERAGE.items():
        part = frame[["iso3", "year", "row", column]].rename(columns={column: "value"})
        frames.append(tidy(part, indicator=indicator, source="itu-sdg-owid", file=file))
    return pd.concat(frames, ignore_index=True)


# --------------------------------------------------------------------------- prices

# Basket definitions by year: (first year, last year, definition). A change of definition
# starts a new series segment, flagged ``series_break`` on each economy's first value of it.
BASKETS = {
    "Fixed-broadband basket": (
        "price_fixed_broadband",
        [
            (2008, 2017, "Fixed-broadband basket (1 GB)"),
            (2018, 2100, "Fixed-broadband basket (5 GB)"),
        ],
    ),
    "Data-only mobile-broadband basket": (
        "price_mobile_broadband",
        [
            (2008, 2017, "Mobile-broadband basket, postpaid computer-based (1 GB)"),
            (2018, 2020, "Data-only mobile-broadband basket (1.5 GB)"),
            (2021, 2100, "Data-only mobile-broadband basket (2 GB)"),
        ],
    ),
    "Mobile-cellular low-usage basket": (
        "price_mobile_voice",
        [
            (2008, 2017, "Mobile-cellular basket (30 calls + 100 SMS)"),
            (2018, 2100, "Mobile-cellular low-usage basket (70 min + 20 SMS)"),
        ],
    ),
    "Mobile data and voice low-consumption basket": (
        "price_mobile_data_voice_low",
        [(2008, 2100, "Mobile data-and-voice low-consumption basket (70 min + 20 SMS + 500 MB)")],
    ),
    "Mobile data and voice high-consumption basket": (
        "price_mobile_data_voice_high",
        [
            (
                2008,
                2020,
                "Mobile data-and-voice high-consumption basket (140 min + 70 SMS + 1.5 GB)",
            ),
            (2021, 2100, "Mobile data-and-voice high-consumption basket (140 min + 70 SMS + 2 GB)"),
        ],
    ),
}
UNITS = {"GNIpc": "gni_pct", "USD": "usd", "PPP": "ppp"}


def _definition(periods: list[tuple[int, int, str]], year: int) -> str:
    for first, last, text in periods:
        if first <= year <= last:
            return text
    raise ValueError(f"no basket definition for {year}")


def read_itu_prices_2022(raw: Path, known: set[str], drops: Drops) -> pd.DataFrame:
    path = raw / "itu_ict_price_baskets_2008_2021" / "ICT_PriceBaskets.csv"
    file = _rel(path, raw)
    frame = pd.read_csv(path, keep_default_na=False, na_values=["NA"], dtype={"IsoCode": "string"})
    frame["row"] = _line_numbers(frame)
    unknown_basket = ~frame["basket_combined_simplified"].isin(BASKETS)
    unknown_unit = ~frame["Unit"].isin(UNITS)
    if unknown_basket.any() or unknown_unit.any():
        bad = frame.loc[unknown_basket | unknown_unit].iloc[0]
        raise ValueError(
            f"{file}, line {bad['row']}: unknown basket or unit "
            f"{bad['basket_combined_simplified']!r} / {bad['Unit']!r}"
        )
    frame = _map_codes(frame, "IsoCode", known, file, drops, aliases=OTHER_KEYS)
    years = [c for c in frame.columns if re.fullmatch(r"\d{4}", str(c))]
    long = frame.melt(
        id_vars=["iso3", "row", "basket_combined_simplified", "Unit"],
        value_vars=years,
        var_name="year",
        value_name="value",
    ).dropna(subset=["value"])
    long["year"] = long["year"].astype(int)
    prefix = long["basket_combined_simplified"].map(lambda b: BASKETS[b][0])
    long["indicator"] = prefix + "_" + long["Unit"].map(UNITS)
    long["note"] = [
        _definition(BASKETS[b][1], y)
        for b, y in zip(long["basket_combined_simplified"], long["year"], strict=True)
    ]
    return tidy(long, source="itu-prices-2022", file=file)


# column → (indicator, year, definition, experimental)
LATEST_PRICE_COLUMNS = {
    "fbb_5gb_pct_gni_2024": ("price_fixed_broadband_gni_pct", 2024, "fbb5", False),
    "fbb_5gb_pct_gni_2025": ("price_fixed_broadband_gni_pct", 2025, "fbb5", False),
    "fbb_5gb_usd_2024": ("price_fixed_broadband_usd", 2024, "fbb5", False),
    "fbb_5gb_usd_2025": ("price_fixed_broadband_usd", 2025, "fbb5", False),
    "fbb_5gb_ppp_2024": ("price_fixed_broadband_ppp", 2024, "fbb5", False),
    "fbb_5gb_ppp_2025": ("price_fixed_broadband_ppp", 2025, "fbb5", False),
    "mbb_2gb_pct_gni_2024": ("price_mobile_broadband_gni_pct", 2024, "mbb2", False),
    "mbb_2gb_usd_2024": ("price_mobile_broadband_usd", 2024, "mbb2", False),
    "mbb_2gb_ppp_2024": ("price_mobile_broadband_ppp", 2024, "mbb2", False),
    "mbb_5gb_pct_gni_2025": ("price_mobile_broadband_gni_pct", 2025, "mbb5", False),
    "mbb_5gb_usd_2025": ("price_mobile_broadband_usd", 2025, "mbb5", False),
    "mbb_5gb_ppp_2025": ("price_mobile_broadband_ppp", 2025, "mbb5", False),
    "mbb_2gb_pct_gni_2025_exp": ("price_mobile_broadband_2gb_exp_gni_pct", 2025, "mbb2x", True),
    "mbb_2gb_usd_2025_exp": ("price_mobile_broadband_2gb_exp_usd", 2025, "mbb2x", True),
}
LATEST_DEFINITIONS = {
    "fbb5": "Fixed-broadband basket (5 GB)",
    "mbb2": "Data-only mobile-broadband basket (2 GB)",
    "mbb5": "Data-only mobile-broadband basket (5 GB)",
    "mbb2x": "Data-only mobile-broadband basket (2 GB), ITU experimental value",
}


def read_itu_prices_2025(raw: Path, known: set[str], drops: Drops) -> pd.DataFrame:
    path = raw / "itu_ict_price_baskets_latest_2024_2025" / "itu_affordability_latest.csv"
    file = _rel(path, raw)
    frame = pd.read_csv(path, dtype={"iso3": "string"})
    missing = sorted(set(LATEST_PRICE_COLUMNS) - set(frame.columns))
    if missing:
        raise ValueError(f"{file}: expected columns missing: {', '.join(missing)}")
    frame["row"] = _line_numbers(frame)
    frame = _map_codes(frame, "iso3", known, file, drops, aliases=OTHER_KEYS)
    frames = []
    for column, (indicator, year, definition, experimental) in LATEST_PRICE_COLUMNS.items():
        part = frame[["iso3", "row", column]].rename(columns={column: "value"})
        part = part.assign(year=year)
        frames.append(
            tidy(
                part,
                indicator=indicator,
                source="itu-prices-2025",
                file=file,
                experimental=experimental,
                note=LATEST_DEFINITIONS[definition],
            )
        )
    return pd.concat(frames, ignore_index=True)


def flag_series_breaks(obs: pd.DataFrame) -> pd.DataFrame:
    """Flag each economy's first value under a new basket definition (prices only)."""
    out = obs.sort_values(["indicator", "iso3", "year"], kind="stable").reset_index(drop=True)
    prices = out["indicator"].str.startswith("price_") & ~out["experimental"]
    previous = out.groupby(["indicator", "iso3"], sort=False)["note"].shift()
    changed = previous.notna() & (previous != out["note"])
    out["series_break"] = out["series_break"] | (prices & changed)
    return out


# --------------------------------------------------------------------------- A4AI


def normalise_name(name: str) -> str:
    """A spelling-insensitive key for a country name: ASCII letters only, no "the"."""
    text = unicodedata.normalize("NFKD", str(name)).encode("ascii", "ignore").decode()
    text = text.lower().replace("&", " and ")
    text = re.sub(r"\bthe\b", " ", text)
    return re.sub(r"[^a-z]+", "", text)


# Names in the A4AI file that the country table spells differently.
A4AI_ALIASES = {
    "capeverde": "CPV",
    "cotedivoire": "CIV",
    "democraticrepubliccongo": "COD",
    "egypt": "EGY",
    "tanzania": "TZA",
    "gambia": "GMB",
}


def read_a4ai(raw: Path, names: dict[str, str], known: set[str], drops: Drops) -> pd.DataFrame:
    path = raw / "owid_datasets_a4ai" / "a4ai_price_of_mobile_data_2019.csv"
    file = _rel(path, raw)
    frame = pd.read_csv(path, dtype={"Entity": "string"})
    frame["row"] = _line_numbers(frame)
    frame = frame.rename(columns={"Year": "year", frame.columns[2]: "value"})
    lookup = {**names, **A4AI_ALIASES}
    frame["iso3"] = frame["Entity"].map(lambda n: lookup.get(normalise_name(n)))
    for _, bad in frame.loc[frame["iso3"].isna() | ~frame["iso3"].isin(known)].iterrows():
        drops.add(
            file, "country name not matched to an ISO3 code", key=bad["Entity"], row=bad["row"]
        )
    frame = frame.loc[frame["iso3"].isin(known)]
    return tidy(frame, indicator="price_mobile_1gb_a4ai_gni_pct", source="a4ai", file=file)


# --------------------------------------------------------------------------- urban / rural

# Names in ITU's urban/rural table that the country table spells differently.
URBAN_RURAL_ALIASES = {
    "unitedstates": "USA",
    "unitedkingdom": "GBR",
    "korearepof": "KOR",
    "czechrepublic": "CZE",
    "dominicanrep": "DOM",
    "taiwanprovinceofchina": "TWN",
    "turkey": "TUR",
    "hongkongchina": "HKG",
    "macaochina": "MAC",
}
URBAN_RURAL_COLUMNS = {11: "internet_users_urban_pct", 18: "internet_users_rural_pct"}


def read_itu_urban_rural(
    raw: Path, names: dict[str, str], known: set[str], drops: Drops
) -> pd.DataFrame:
    """ITU's table of Internet use by urban/rural location: one (latest) year per economy.

    Rows start below a three-line header and end at the first empty name; ``...`` is missing.
    """
    path = raw / "equals_ict_africa" / "itu_internet_by_sex_urban_rural_2019.xls"
    file = _rel(path, raw)
    sheet = pd.read_excel(path, header=None, engine="calamine", dtype=object)
    body = sheet.iloc[3:]
    end = body[1].isna()
    body = body.loc[: end.idxmax() - 1] if end.any() else body
    lookup = {**names, **URBAN_RURAL_ALIASES}
    frames = []
    for _, line in body.iterrows():
        row = int(line.name) + 1
        name = str(line[1]).strip()
        iso3 = lookup.get(normalise_name(name))
        if iso3 is None or iso3 not in known:
            drops.add(file, "country name not matched to an ISO3 code", key=name, row=row)
            continue
        year = pd.to_numeric(line[3], errors="coerce")
        if pd.isna(year):
            drops.add(file, "no year given", key=name, row=row)
            continue
        for column, indicator in URBAN_RURAL_COLUMNS.items():
            text = str(line[column]).strip()
            if text in ("...", "nan", ""):
                continue
            value = pd.to_numeric(text, errors="coerce")
            if pd.isna(value):
                drops.add(file, f"not a number: {text[:20]!r}", key=name, row=row)
                continue
            frames.append(
                {
                    "iso3": iso3,
                    "year": int(year),
                    "indicator": indicator,
                    "value": float(value),
                    "row": row,
                }
            )
    return tidy(
        pd.DataFrame(frames, columns=["iso3", "year", "indicator", "value", "row"]),
        source="itu-urban-rural",
        file=file,
        note="latest year ITU reports; the age scope varies by country",
    )


def derive_urban_rural_population(obs: pd.DataFrame) -> pd.DataFrame:
    """Urban and rural population as population × urban share, for the urban/rural weights."""
    parts = obs.loc[obs["indicator"].isin(["population", "urban_population_pct"])]
    wide = parts.pivot(index=["iso3", "year"], columns="indicator", values="value").dropna()
    wide = wide.reset_index()
    urban = wide["population"] * wide["urban_population_pct"] / 100.0
    frames = []
    for indicator, values in (
        ("population_urban", urban),
        ("population_rural", wide["population"] - urban),
    ):
        frames.append(
            tidy(
                wide[["iso3", "year"]].assign(value=values.round(0)),
                indicator=indicator,
                source="wdi",
                file="derived: population × urban_population_pct",
                derived=True,
            )
        )
    return pd.concat(frames, ignore_index=True)


# --------------------------------------------------------------------------- gender


def read_wdi_gender(raw: Path, known: set[str], drops: Drops) -> pd.DataFrame:
    frames = []
    for code, indicator in (
        ("it_net_user_fe_zs", "internet_users_female_pct"),
        ("it_net_user_ma_zs", "internet_users_male_pct"),
    ):
        path = raw / "wdi_open_numbers_gender" / f"ddf--datapoints--{code}--by--geo--time.csv"
        file = _rel(path, raw)
        frame = pd.read_csv(path, dtype={"geo": "string"})
        frame = frame.rename(columns={"time": "year", code: "value"})
        frame["row"] = _line_numbers(frame)
        frame = _map_codes(frame, "geo", known, file, drops, aliases=GAPMINDER_KEYS)
        frame = _keep_years(frame, file, drops)
        frames.append(tidy(frame, indicator=indicator, source="itu-wdi-gender", file=file))
    return pd.concat(frames, ignore_index=True)


UNSD_SEX = {"_T": "", "F": "_female", "M": "_male"}
NATURE_NOTES = {
    "C": "",
    "CA": "country data, adjusted",
    "E": "estimated",
    "G": "global monitoring data",
    "M": "modelled",
    "N": "non-relevant",
}


def _unsd_portal(
    raw: Path, name: str, stem: str, known: set[str], drops: Drops, *, sexes: dict[str, str]
) -> pd.DataFrame:
    path = raw / "unstats_gender_data_portal" / name
    file = _rel(path, raw)
    frame = pd.read_csv(path, sep="\t", dtype={"ISO3": "string", "SEX": "string"})
    frame["row"] = _line_numbers(frame)
    if "AGE" in frame.columns:
        frame = frame.loc[frame["AGE"].astype("string") == "_T"]
    frame = frame.loc[frame["SEX"].isin(sexes)]
    frame = _map_codes(frame, "ISO3", known, file, drops)
    frame = frame.rename(columns={"TIME_PERIOD": "year", "OBS_VALUE": "value"})
    frame["indicator"] = stem + frame["SEX"].map(sexes) + "_pct"
    frame["note"] = frame["NATURE"].astype("string").map(NATURE_NOTES).fillna("")
    dupes = frame.duplicated(["iso3", "year", "indicator"], keep="first")
    if dupes.any():
        drops.add(file, "second value for the same economy, year and sex", n=int(dupes.sum()))
    return tidy(frame.loc[~dupes], source="unsd-gender", file=file)


def read_unsd_mobile_ownership(raw: Path, known: set[str], drops: Drops) -> pd.DataFrame:
    return _unsd_portal(
        raw,
        "3000__I_18__Ib8e91664__Sb8e91664.csv",
        "mobile_ownership",
        known,
        drops,
        sexes=UNSD_SEX,
    )


def read_unsd_internet_by_sex(raw: Path, known: set[str], drops: Drops) -> pd.DataFrame:
    return _unsd_portal(
        raw,
        "2900__I_17__I13151395__S13151395.csv",
        "internet_users",
        known,
        drops,
        sexes={"F": "_female", "M": "_male"},
    )


# --------------------------------------------------------------------------- SDG 2020 and 2023


SDG_SEX = {"bothsex": "", "female": "_female", "male": "_male"}
# M49 areas of the SDG database that the country-code table does not list but are economies.
SDG_EXTRA_AREAS = {"412": "XKX"}  # Kosovo
# Age codes meaning "the whole population the country surveys": ``allage``, or ``notspec``
# (age not specified: the survey's own scope, e.g. 15+), which is all the 2023 release has.
SDG_ALL_AGES = ("allage", "notspec")


def _sdg(raw: Path, series: str, dims: str, *, release: str = "2020") -> tuple[pd.DataFrame, str]:
    path = raw / f"unsd_sdg_ddf_{release}" / f"ddf--datapoints--{series}--by--{dims}--year.csv"
    frame = pd.read_csv(path, dtype={"geo_area": "string", "nature": "string"})
    frame["row"] = _line_numbers(frame)
    return frame, _rel(path, raw)


def _sdg_codes(frame: pd.DataFrame, m49: dict[str, str], known, file: str, drops: Drops):
    frame = frame.assign(code=frame["geo_area"].str.lstrip("0").map({**SDG_EXTRA_AREAS, **m49}))
    unmapped = frame["code"].isna()
    if unmapped.any():
        drops.add(
            file,
            "M49 area that is not an economy (a region or group)",
            n=int(unmapped.sum()),
            key=f"{frame.loc[unmapped, 'geo_area'].nunique()} areas",
        )
    return _map_codes(frame.loc[~unmapped], "code", known, file, drops)


def read_sdg_mobile_ownership(raw, m49, known, drops, *, release: str = "2020") -> pd.DataFrame:
    frame, file = _sdg(raw, "it_mob_own", "geo_area--nature--sex--units", release=release)
    frame = frame.loc[frame["sex"].isin(SDG_SEX)]
    frame = _sdg_codes(frame, m49, known, file, drops)
    frame = frame.rename(columns={"it_mob_own": "value"})
    frame["indicator"] = "mobile_ownership" + frame["sex"].map(SDG_SEX) + "_pct"
    frame["note"] = frame["nature"].str.upper().map(NATURE_NOTES).fillna("")
    return tidy(frame, source=f"unsd-sdg-{release}", file=file)


def read_sdg_internet_by_sex(raw, m49, known, drops, *, release: str = "2023") -> pd.DataFrame:
    """SDG 17.8.1 Internet use by sex (female and male; all ages), from a release with an age
    dimension. Age groups other than all ages are dropped and reported."""
    frame, file = _sdg(raw, "it_use_ii99", "age--geo_area--nature--sex--units", release=release)
    frame = frame.loc[frame["sex"].isin(["female", "male"])]
    ages = frame["age"].astype("string")
    other = ~ages.isin(SDG_ALL_AGES)
    if other.any():
        drops.add(
            file,
            "an age group, not the whole surveyed population",
            key=", ".join(sorted(set(ages[other]))),
            n=int(other.sum()),
        )
    frame = frame.loc[~other]
    # Where a release has both "allage" and "notspec" for the same key, keep "allage".
    rank = frame["age"].map(SDG_ALL_AGES.index)
    frame = frame.assign(rank=rank).sort_values(["rank", "row"], kind="stable")
    dupes = frame.duplicated(["geo_area", "year", "sex"], keep="first")
    if dupes.any():
        drops.add(file, "second age scope for the same area, year and sex", n=int(dupes.sum()))
    frame = _sdg_codes(frame.loc[~dupes], m49, known, file, drops)
    frame = frame.rename(columns={"it_use_ii99": "value"})
    frame["indicator"] = "internet_users" + frame["sex"].map(SDG_SEX) + "_pct"
    frame["note"] = frame["nature"].str.upper().map(NATURE_NOTES).fillna("")
    return tidy(frame, source=f"unsd-sdg-{release}", file=file)


def read_sdg_broadband_speed(raw, m49, known, drops) -> pd.DataFrame:
    frame, file = _sdg(raw, "it_net_bbp", "geo_area--nature--type_of_speed--units")
    frame = frame.loc[frame["type_of_speed"] == "10mbps"]
    frame = _sdg_codes(frame, m49, known, file, drops)
    frame = frame.rename(columns={"it_net_bbp": "value"})
    frame["note"] = frame["nature"].str.upper().map(NATURE_NOTES).fillna("")
    return tidy(frame, indicator="fixed_broadband_10mbps_per100", source="unsd-sdg-2020", file=file)


def read_sdg_ict_skills(raw, m49, known, drops) -> pd.DataFrame:
    frame, file = _sdg(raw, "se_adt_acts", "geo_area--nature--sex--type_of_skill--units")
    frame = frame.loc[(frame["type_of_skill"] == "copa") & frame["sex"].isin(["female", "male"])]
    frame = _sdg_codes(frame, m49, known, file, drops)
    frame = frame.rename(columns={"se_adt_acts": "value"})
    frame["indicator"] = "ict_skills" + frame["sex"].map(SDG_SEX) + "_pct"
    frame["note"] = frame["nature"].str.upper().map(NATURE_NOTES).fillna("")
    return tidy(frame, source="unsd-sdg-2020", file=file)


# --------------------------------------------------------------------------- combining


def drop_impossible_shares(obs: pd.DataFrame, bounded: set[str], drops: Drops) -> pd.DataFrame:
    """Drop percentages of a population below 0 or above 100, naming each one in the report.

    Such values exist in the sources (for example mobile-phone ownership above 100% in the
    2020 SDG release) and cannot be right; they are reported, not clipped.
    """
    bad = obs["indicator"].isin(bounded) & ((obs["value"] < 0) | (obs["value"] > 100))
    for _, r in obs.loc[bad].iterrows():
        drops.add(
            r["file"],
            f"impossible share {r['value']:g}% for {r['indicator']} {r['year']}",
            key=r["iso3"],
            row=int(r["row"]),
        )
    return obs.loc[~bad]


def fill_gaps(primary: pd.DataFrame, fallback: pd.DataFrame) -> pd.DataFrame:
    """Rows of ``fallback`` for (iso3, year, indicator) keys that ``primary`` lacks."""
    keys = ["iso3", "year", "indicator"]
    have = pd.MultiIndex.from_frame(primary[keys])
    extra = fallback.loc[~pd.MultiIndex.from_frame(fallback[keys]).isin(have)]
    return pd.concat([primary, extra], ignore_index=True)


def fill_pairs(
    primary: pd.DataFrame,
    fallback: pd.DataFrame,
    female: str,
    male: str,
    *,
    singles: bool = False,
) -> pd.DataFrame:
    """Fallback female/male values only for economy-years where the primary has neither.

    A female value from one source beside a male value from another would make a parity
    score of two surveys; taking pairs whole avoids that. With ``singles``, a fallback that
    has only one sex for an economy-year the primary lacks entirely is taken too (it cannot
    pair with another source's value: the primary has neither, and a later fallback sees it).
    """
    have = pd.MultiIndex.from_frame(
        primary.loc[primary["indicator"].isin([female, male]), ["iso3", "year"]]
    )
    pairs = fallback.loc[fallback["indicator"].isin([female, male])]
    if not singles:
        both = pairs.groupby(["iso3", "year"])["indicator"].transform("nunique") == 2
        pairs = pairs.loc[both]
    extra = pairs.loc[~pd.MultiIndex.from_frame(pairs[["iso3", "year"]]).isin(have)]
    return pd.concat([primary, extra], ignore_index=True)


GENDER_PAIRS = (
    (
        "internet_users_female_pct",
        "internet_users_male_pct",
        "internet_gender_parity",
        "internet_gender_gap_pp",
    ),
    (
        "mobile_ownership_female_pct",
        "mobile_ownership_male_pct",
        "mobile_ownership_gender_parity",
        None,
    ),
)
"""The shipped women's and men's series, and the parity (and gap) derived from them."""


def derive_gender(obs: pd.DataFrame, female: str, male: str, parity: str, gap: str | None):
    """Parity (female ÷ male) and gap (male − female) for economy-years with both values."""
    pair = obs.loc[obs["indicator"].isin([female, male])]
    wide = pair.pivot(index=["iso3", "year"], columns="indicator", values="value").dropna()
    sources = pair.loc[pair["indicator"] == female].set_index(["iso3", "year"])["source"]
    wide = wide.loc[wide[male] > 0].reset_index()
    wide["source"] = sources.reindex(pd.MultiIndex.from_frame(wide[["iso3", "year"]])).to_numpy()
    frames = []
    for indicator, values in (
        (parity, wide[female] / wide[male]),
        (gap, wide[male] - wide[female]),
    ):
        if indicator is None:
            continue
        part = wide[["iso3", "year", "source"]].assign(value=values.round(6), indicator=indicator)
        for source, rows in part.groupby("source"):
            frames.append(
                tidy(
                    rows.drop(columns="source"),
                    source=str(source),
                    file=f"derived: {female} and {male}",
                    derived=True,
                )
            )
    if not frames:
        return tidy(
            pd.DataFrame({"iso3": [], "year": [], "value": [], "indicator": []}),
            source="",
            file=f"derived: {female} and {male}",
            derived=True,
        )
    return pd.concat(frames, ignore_index=True)


# --------------------------------------------------------------------------- vintages


def one_vintage(
    new: pd.DataFrame, old: pd.DataFrame, drops: Drops, *, since: int | None = None
) -> pd.DataFrame:
    """One series from two vintages without mixing them within an economy's span.

    ``new`` and ``old`` hold one indicator each. The newer vintage supplies every value it has;
    for an economy it has at all, the older vintage is used only for years before ``since``
    (the first year the newer one covers; ``None``: never). Economies the newer vintage lacks
    entirely keep their older values. Older values set aside (years the newer vintage leaves
    empty for an economy it has) are reported, not silently dropped.
    """
    indicators = set(new["indicator"]) | set(old["indicator"])
    if len(indicators) > 1:
        raise ValueError(f"one_vintage takes one indicator, got {sorted(indicators)}")
    superseded = old["iso3"].isin(set(new["iso3"]))
    if since is not None:
        superseded &= old["year"] >= since
    keys = ["iso3", "year"]
    unused = old.loc[superseded]
    unused = unused.loc[
        ~pd.MultiIndex.from_frame(unused[keys]).isin(pd.MultiIndex.from_frame(new[keys]))
    ]
    if len(unused):
        source = ", ".join(sorted(set(new["source"])))
        drops.add(
            str(unused["file"].iloc[0]),
            f"{next(iter(indicators))}: older vintage not used where the newer one ({source}) "
            "has the economy but not the year (one vintage per series)",
            key=f"{unused['iso3'].nunique()} economies",
            n=len(unused),
        )
    return pd.concat([old.loc[~superseded], new], ignore_index=True)


def compare_vintages(
    new: pd.DataFrame, old: pd.DataFrame, *, threshold: float = 1.0, largest: int = 10
) -> dict:
    """What a newer vintage of one series adds and changes against an older one.

    ``added``: country-years the older copy lacks; ``changed``: shared country-years whose value
    moved by more than ``threshold`` (in the series' unit), with the ``largest`` of them.
    """
    keys = ["iso3", "year"]
    both = new[[*keys, "value"]].merge(
        old[[*keys, "value"]], on=keys, how="left", suffixes=("_new", "_old"), validate="1:1"
    )
    shared = both.dropna(subset=["value_old"])
    change = (shared["value_new"] - shared["value_old"]).abs()
    moved = shared.assign(change=change).loc[change > threshold]
    moved = moved.sort_values(["change", "iso3", "year"], ascending=[False, True, True])
    return {
        "country_years": len(new),
        "shared": len(shared),
        "added": int(both["value_old"].isna().sum()),
        "changed_more_than": threshold,
        "changed": len(moved),
        "largest_changes": [
            {
                "iso3": r.iso3,
                "year": int(r.year),
                "old": round(float(r.value_old), 4),
                "new": round(float(r.value_new), 4),
            }
            for r in moved.head(largest).itertuples()
        ],
    }


JUMP_POINTS = 12.0
"""A change of more than this many percentage points in one year may be a series break."""
CALM_POINTS = 3.0
"""… if the changes just before and after it are each smaller than this (a step, not a trend)."""


def flag_jumps(
    obs: pd.DataFrame,
    indicator: str = "internet_users_pct",
    *,
    jump: float = JUMP_POINTS,
    calm: float = CALM_POINTS,
) -> tuple[pd.DataFrame, list[dict]]:
    """Flag a step in a share as a likely series break (a new survey or method).

    A step is a change of more than ``jump`` points between two consecutive years whose
    neighbouring changes (into the year before, out of the year after, where observed) are
    each under ``calm`` points. Fast but steady growth (many economies gained 12+ points a
    year around 2000) is not a step. Returns the frame and the list of flagged values.
    """
    out = obs.reset_index(drop=True)
    part = out.loc[out["indicator"] == indicator].sort_values(["iso3", "year"], kind="stable")
    by = part.groupby("iso3", sort=False)
    previous = by["value"].shift()
    previous_year = by["year"].shift()
    change = part["value"] - previous
    before = change.groupby(part["iso3"], sort=False).shift()
    after = change.groupby(part["iso3"], sort=False).shift(-1)
    step = (
        (part["year"] - previous_year == 1)
        & (change.abs() > jump)
        & ((before.abs() < calm) | before.isna())
        & ((after.abs() < calm) | after.isna())
    )
    flagged = []
    for index in part.index[step.to_numpy()]:
        row = out.loc[index]
        text = (
            f"likely change of survey or method: {int(previous_year[index])} "
            f"{previous[index]:.1f}% → {int(row['year'])} {row['value']:.1f}%"
        )
        out.loc[index, "series_break"] = True
        out.loc[index, "note"] = f"{row['note']}; {text}" if row["note"] else text
        flagged.append(
            {
                "iso3": row["iso3"],
                "year": int(row["year"]),
                "indicator": indicator,
                "source": row["source"],
                "note": text,
            }
        )
    return out, flagged
