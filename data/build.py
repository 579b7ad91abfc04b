"""Build the dashboard's dataset from the raw public files.

    python -m data.build [--raw DIR] [--out DIR] [--quiet]

Reads the raw files (``--raw``, else ``$DIGITAL_DIVIDE_RAW``, else ``../shared/data/raw`` beside
the project), checks each against ``SHA256SUMS``, turns them into tidy tables, validates them
and writes them to ``data/built/`` (or ``--out``). The write is atomic: the new dataset replaces
the old one only once it is complete, so a failed build leaves the previous dataset as it was.
The output is deterministic: two builds of the same inputs are identical byte for byte.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from data import catalog as cat
from data import countries as ctry
from data import geometry, official
from data import sources as src
from data.load import OFFICIAL_COLUMNS, OFFICIAL_FILE
from data.validate import validate, validate_official

PROJECT = Path(__file__).resolve().parent.parent
DEFAULT_OUT = PROJECT / "data" / "built"
DEFAULT_ASSETS = PROJECT / "assets"
TOPOJSON_110M = PROJECT / "assets" / "topojson" / "world_110m.json"
TOPOJSON_50M = PROJECT / "assets" / "topojson" / "world_50m.json"
OUTLINES_NAME = "itu_regions.geojson"

# ITU DataHub series exported by Data360: indicator → (raw file, source id).
DATA360_SERIES = {
    "coverage_4g_pct": ("itu_data360/ITU_DH_POP_COV_4G.csv", "itu-data360"),
    "mobile_broadband_per100": ("itu_data360/ITU_DH_ACT_MOB_PER_100.csv", "itu-data360"),
}

# Every raw file the build reads, relative to the raw folder.
INPUTS = [
    official.OFFICIAL_FILE,
    "datasets_country_codes/country-codes.csv",
    "equals_ict_africa/odw_country_region_codes_2021.csv",
    "equals_ict_africa/itu_internet_by_sex_urban_rural_2019.xls",
    *(
        f"gapminder_systema_globalis/ddf--datapoints--{concept}--by--geo--time.csv"
        for concept in src.GAPMINDER_SERIES
    ),
    "owid_grapher_mobile_coverage/population-covered-by-mobile-network-by-network-capability.csv",
    "itu_ict_price_baskets_2008_2021/ICT_PriceBaskets.csv",
    "itu_ict_price_baskets_latest_2024_2025/itu_affordability_latest.csv",
    "owid_datasets_a4ai/a4ai_price_of_mobile_data_2019.csv",
    "wdi_open_numbers_gender/ddf--datapoints--it_net_user_fe_zs--by--geo--time.csv",
    "wdi_open_numbers_gender/ddf--datapoints--it_net_user_ma_zs--by--geo--time.csv",
    "unstats_gender_data_portal/3000__I_18__Ib8e91664__Sb8e91664.csv",
    "unstats_gender_data_portal/2900__I_17__I13151395__S13151395.csv",
    "unsd_sdg_ddf_2020/ddf--datapoints--it_mob_own--by--geo_area--nature--sex--units--year.csv",
    "unsd_sdg_ddf_2020/ddf--datapoints--it_net_bbp--by--geo_area--nature--type_of_speed--units--year.csv",
    "unsd_sdg_ddf_2020/ddf--datapoints--se_adt_acts--by--geo_area--nature--sex--type_of_skill--units--year.csv",
    *(f"{src.WDI_2026_FOLDER}/wdi_{code}.csv" for code in src.WDI_2026),
    *(path for path, _ in DATA360_SERIES.values()),
    "unsd_sdg_ddf_2023/ddf--datapoints--it_use_ii99--by--age--geo_area--nature--sex--units--year.csv",
    "unsd_sdg_ddf_2023/ddf--datapoints--it_mob_own--by--geo_area--nature--sex--units--year.csv",
    # The 2023 release's entity tables: not read, but part of the package the values refer to.
    "unsd_sdg_ddf_2023/ddf--entities--age.csv",
    "unsd_sdg_ddf_2023/ddf--entities--geo_area.csv",
    "unsd_sdg_ddf_2023/ddf--entities--nature.csv",
    "unsd_sdg_ddf_2023/ddf--entities--sex.csv",
]

OBS_COLUMNS = [
    "iso3",
    "year",
    "indicator",
    "value",
    "source",
    "experimental",
    "series_break",
    "derived",
    "note",
]


class BuildError(RuntimeError):
    """The build cannot go on; the message says what to do."""


def default_raw() -> Path:
    env = os.environ.get("DIGITAL_DIVIDE_RAW")
    if env:
        return Path(env)
    return PROJECT.parent / "shared" / "data" / "raw"


# --------------------------------------------------------------------------- checksums


def read_checksums(raw: Path) -> dict[str, str]:
    path = raw / "SHA256SUMS"
    if not path.is_file():
        raise BuildError(f"{path} is missing: the build only reads inputs it can verify")
    sums = {}
    for number, line in enumerate(path.read_text().splitlines(), start=1):
        if not line.strip():
            continue
        parts = line.split(maxsplit=1)
        if len(parts) != 2:
            raise BuildError(f"{path}, line {number}: expected '<sha256>  <file>'")
        sums[parts[1].strip().lstrip("*")] = parts[0].lower()
    return sums


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def verify_inputs(raw: Path, inputs: list[str] = INPUTS) -> None:
    if not raw.is_dir():
        raise BuildError(f"raw folder {raw} not found: pass --raw DIR or set DIGITAL_DIVIDE_RAW")
    sums = read_checksums(raw)
    for name in inputs:
        path = raw / name
        if name not in sums:
            raise BuildError(f"{name}: not listed in {raw / 'SHA256SUMS'}")
        if not path.is_file():
            raise BuildError(f"{name}: missing from {raw}")
        actual = sha256(path)
        if actual != sums[name]:
            raise BuildError(
                f"{name}: checksum mismatch (expected {sums[name][:12]}…, found {actual[:12]}…); "
                "the file differs from the published one, so the build refuses it"
            )


# --------------------------------------------------------------------------- assembling


def assemble(raw: Path) -> dict:
    """Read every source into the dataset's tables (in memory)."""
    drops = src.Drops()
    codes = ctry.read_country_codes(raw)
    known = set(codes["iso3"])
    m49 = {m.lstrip("0"): iso for m, iso in zip(codes["m49"], codes["iso3"], strict=True) if m}

    revisions: dict = {}
    obs = src.read_gapminder(raw, known, drops)
    obs = pd.concat([obs, src.read_owid_coverage(raw, known, drops)], ignore_index=True)
    obs = newer_vintages(raw, obs, known, drops, revisions)
    obs = pd.concat(
        [
            obs,
            src.read_itu_prices_2022(raw, known, drops),
            src.read_itu_prices_2025(raw, known, drops),
        ],
        ignore_index=True,
    )
    names = ctry.name_index(codes)
    obs = pd.concat(
        [
            obs,
            src.read_a4ai(raw, names, known, drops),
            src.read_itu_urban_rural(raw, names, known, drops),
            src.derive_urban_rural_population(obs),
        ],
        ignore_index=True,
    )

    # Internet use by sex: WDI first, then the SDG database of December 2023, then the older
    # UN gender portal; each fallback only in pairs (a parity score never divides two surveys).
    pair = ("internet_users_female_pct", "internet_users_male_pct")
    wdi_gender = src.read_wdi_gender(raw, known, drops)
    sdg_2023 = src.read_sdg_internet_by_sex(raw, m49, known, drops)
    portal = src.read_unsd_internet_by_sex(raw, known, drops)
    gender = src.fill_pairs(src.fill_pairs(wdi_gender, sdg_2023, *pair), portal, *pair)
    _revisions_against(
        revisions, sdg_2023, src.fill_pairs(wdi_gender, portal, *pair), gender, GENDER_RULE
    )

    # Mobile-phone ownership: the SDG database of December 2023 first (the newest release; no
    # WDI series exists), then the UN gender portal, then the 2020 SDG release. Female and male
    # values of an economy-year come whole from one release; totals fill gaps by key.
    bounded = {row["id"] for row in cat.INDICATORS if row["bounded"]}
    pair = ("mobile_ownership_female_pct", "mobile_ownership_male_pct")
    own_2023 = src.drop_impossible_shares(
        src.read_sdg_mobile_ownership(raw, m49, known, drops, release="2023"), bounded, drops
    )
    own_portal = src.read_unsd_mobile_ownership(raw, known, drops)
    own_2020 = src.drop_impossible_shares(
        src.read_sdg_mobile_ownership(raw, m49, known, drops), bounded, drops
    )
    ownership = own_2023
    for fallback in (own_portal, own_2020):
        ownership = src.fill_pairs(ownership, fallback, *pair, singles=True)
        totals = fallback.loc[fallback["indicator"] == "mobile_ownership_pct"]
        ownership = src.fill_gaps(ownership, totals)
    _revisions_against(
        revisions, own_2023, src.fill_gaps(own_portal, own_2020), ownership, OWNERSHIP_RULE
    )
    obs = pd.concat(
        [
            obs,
            gender,
            src.derive_gender(
                gender,
                "internet_users_female_pct",
                "internet_users_male_pct",
                "internet_gender_parity",
                "internet_gender_gap_pp",
            ),
            ownership,
            src.derive_gender(
                ownership,
                "mobile_ownership_female_pct",
                "mobile_ownership_male_pct",
                "mobile_ownership_gender_parity",
                None,
            ),
            src.read_sdg_broadband_speed(raw, m49, known, drops),
            src.read_sdg_ict_skills(raw, m49, known, drops),
        ],
        ignore_index=True,
    )
    obs = src.drop_impossible_shares(obs, bounded, drops)
    obs = src.flag_series_breaks(obs)
    obs, jumps = src.flag_jumps(obs, "internet_users_pct")
    for indicator, entry in revisions.items():
        used = obs.loc[obs["indicator"] == indicator].groupby("source").size()
        entry["country_years_by_source"] = {str(k): int(v) for k, v in used.items()}

    countries = ctry.classify(raw, codes)
    countries = countries.loc[countries["iso3"].isin(obs["iso3"])].reset_index(drop=True)
    groups = ctry.build_groups(countries)
    catalog = indicator_table(obs)
    sources = pd.DataFrame(cat.SOURCES)
    return {
        "obs": obs,
        "countries": countries,
        "groups": groups,
        "catalog": catalog,
        "sources": sources,
        "drops": drops.frame(),
        "revisions": revisions,
        "series_breaks": jumps,
        "official": official.read_itu_aggregates(raw),
    }


WDI_2026_RULE = (
    "one vintage per series: the WDI update of July 2026 for every country-year it has; the "
    "older Gapminder copy of WDI for years before {since}, and for {since} on only for "
    "economies the 2026 file lacks entirely"
)
GENDER_RULE = (
    "WDI's series by sex first; the SDG database of December 2023 for economy-years WDI lacks, "
    "then the older UN gender portal; the female and male values of an economy-year always "
    "come from one source"
)
OWNERSHIP_RULE = (
    "the SDG database of December 2023 first (the newest release), then the UN gender portal, "
    "then the 2020 SDG release, for economy-years the newer ones lack; the female and male "
    "values of an economy-year come from one release"
)
DATA360_RULE = (
    "one vintage per series: Data360 for every economy it has; the older copy only for "
    "economies Data360 lacks entirely"
)


def newer_vintages(
    raw: Path, obs: pd.DataFrame, known: set[str], drops: src.Drops, revisions: dict
) -> pd.DataFrame:
    """Put the newer vintages of WDI and ITU DataHub series in place of the older copies.

    One vintage per series and economy (``sources.one_vintage``); what each newer vintage adds
    and changes against the older copy goes into ``revisions``.
    """
    wdi = src.read_wdi_2026(raw, known, drops)
    since = src.WDI_2026_YEARS[0]
    plan = [
        (
            indicator,
            wdi.loc[wdi["indicator"] == indicator],
            since,
            WDI_2026_RULE.format(since=since),
        )
        for indicator in src.WDI_2026.values()
    ]
    for indicator, (path, source) in DATA360_SERIES.items():
        new = src.read_data360(raw, path, indicator, source, known, drops)
        plan.append((indicator, new, None, DATA360_RULE))
    for indicator, new, first, rule in plan:
        old = obs.loc[obs["indicator"] == indicator]
        combined = src.one_vintage(new, old, drops, since=first)
        obs = pd.concat([obs.loc[obs["indicator"] != indicator], combined], ignore_index=True)
        entry = revisions.setdefault(indicator, {"rule": rule, "vintages": []})
        if old.empty:
            entry["rule"] = "new series: a single source"
        entry["vintages"].append(
            {
                "new": ", ".join(sorted(set(new["source"]))),
                "against": sorted(set(old["source"])),
                **src.compare_vintages(new, old),
            }
        )
    return obs


def _revisions_against(
    revisions: dict, new: pd.DataFrame, old: pd.DataFrame, used: pd.DataFrame, rule: str
) -> None:
    """Record what a newer release of survey series adds and changes, series by series.

    ``old`` is what the older sources gave before the newer release was read; ``used`` the
    result, to count how many of the newer release's values the dataset keeps.
    """
    for indicator in sorted(set(new["indicator"])):
        part = new.loc[new["indicator"] == indicator]
        before = old.loc[old["indicator"] == indicator]
        kept = used.loc[(used["indicator"] == indicator) & used["source"].isin(set(part["source"]))]
        entry = revisions.setdefault(indicator, {"rule": rule, "vintages": []})
        entry["vintages"].append(
            {
                "new": ", ".join(sorted(set(part["source"]))),
                "against": sorted(set(before["source"])),
                "used_in_dataset": len(kept),
                **src.compare_vintages(part, before),
            }
        )


def indicator_table(obs: pd.DataFrame) -> pd.DataFrame:
    catalog = pd.DataFrame(cat.INDICATORS).set_index("id", drop=False)
    used = (
        obs.groupby("indicator")["source"].agg(lambda s: ";".join(sorted(set(s)))).rename("sources")
    )
    catalog["sources"] = catalog.index.map(used).fillna("")
    groups_only = (catalog["levels"] == "groups only") & (catalog["sources"] == "")
    catalog.loc[groups_only, "sources"] = catalog.loc[groups_only, "source"]
    return catalog


# --------------------------------------------------------------------------- writing


def observations_table(obs: pd.DataFrame) -> pa.Table:
    frame = obs[OBS_COLUMNS].sort_values(["indicator", "iso3", "year"], kind="stable")
    frame = frame.reset_index(drop=True)
    schema = pa.schema(
        [
            ("iso3", pa.dictionary(pa.int16(), pa.string())),
            ("year", pa.int16()),
            ("indicator", pa.dictionary(pa.int16(), pa.string())),
            ("value", pa.float64()),
            ("source", pa.dictionary(pa.int8(), pa.string())),
            ("experimental", pa.bool_()),
            ("series_break", pa.bool_()),
            ("derived", pa.bool_()),
            ("note", pa.dictionary(pa.int16(), pa.string())),
        ]
    )
    arrays = {
        "iso3": pa.array(frame["iso3"].astype(str).tolist()).dictionary_encode(),
        "year": pa.array(frame["year"].astype("int16").to_numpy()),
        "indicator": pa.array(frame["indicator"].astype(str).tolist()).dictionary_encode(),
        "value": pa.array(frame["value"].astype(float).to_numpy()),
        "source": pa.array(frame["source"].astype(str).tolist()).dictionary_encode(),
        "experimental": pa.array(frame["experimental"].astype(bool).to_numpy()),
        "series_break": pa.array(frame["series_break"].astype(bool).to_numpy()),
        "derived": pa.array(frame["derived"].astype(bool).to_numpy()),
        "note": pa.array(frame["note"].astype(str).tolist()).dictionary_encode(),
    }
    arrays["iso3"] = arrays["iso3"].cast(schema.field("iso3").type)
    arrays["indicator"] = arrays["indicator"].cast(schema.field("indicator").type)
    arrays["source"] = arrays["source"].cast(schema.field("source").type)
    arrays["note"] = arrays["note"].cast(schema.field("note").type)
    return pa.Table.from_pydict(arrays, schema=schema)


def _write_csv(frame: pd.DataFrame, path: Path) -> None:
    frame.to_csv(path, index=False, lineterminator="\n", encoding="utf-8")


def summary(tables: dict) -> pd.DataFrame:
    obs = tables["obs"]
    grouped = obs.groupby("indicator", observed=True)
    out = pd.DataFrame(
        {
            "rows": grouped.size(),
            "economies": grouped["iso3"].nunique(),
            "first_year": grouped["year"].min(),
            "last_year": grouped["year"].max(),
        }
    )
    return out.reindex(tables["catalog"].index).fillna(0).astype(int)


def write_dataset(tables: dict, out: Path) -> None:
    """Write every table into ``out`` (a fresh folder)."""
    out.mkdir(parents=True, exist_ok=True)
    pq.write_table(
        observations_table(tables["obs"]),
        out / "observations.parquet",
        compression="zstd",
        compression_level=9,
        row_group_size=1 << 20,
        write_statistics=True,
    )
    _write_csv(tables["countries"], out / "countries.csv")
    if "official" in tables:
        _write_csv(tables["official"][OFFICIAL_COLUMNS], out / OFFICIAL_FILE)
    catalog = tables["catalog"].reset_index(drop=True)
    _write_csv(catalog, out / "indicators.csv")
    _write_csv(tables["sources"], out / "sources.csv")
    (out / "groups.json").write_text(
        json.dumps(tables["groups"], ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
    )
    report = {
        "indicators": {k: v for k, v in summary(tables).to_dict(orient="index").items()},
        "dropped": tables["drops"].fillna({"row": -1}).astype({"row": int}).to_dict("records"),
        "without_map_shape": tables.get("without_map_shape", []),
        "revisions": tables.get("revisions", {}),
        "series_breaks_flagged": tables.get("series_breaks", []),
    }
    if "official" in tables:
        off = tables["official"]
        report["official_aggregates"] = {
            "edition": official.EDITION,
            "values": len(off),
            "indicators": sorted(off["indicator"].unique().tolist()),
            "groups": sorted(off["group"].unique().tolist()),
        }
    (out / "build_report.json").write_text(
        json.dumps(report, ensure_ascii=False, indent=1, sort_keys=True) + "\n", encoding="utf-8"
    )
    if "outlines" in tables:
        geometry.write_geojson(tables["outlines"], out / OUTLINES_NAME)


def replace_dir(new: Path, target: Path) -> None:
    """Put ``new`` where ``target`` is, keeping the old one until the swap has succeeded."""
    old = None
    if target.exists():
        old = target.with_name(f".{target.name}.old-{os.getpid()}")
        target.rename(old)
    try:
        new.rename(target)
    except OSError:
        if old is not None:
            old.rename(target)
        raise
    if old is not None:
        shutil.rmtree(old)


def add_geometry(tables: dict) -> None:
    """Economies without a map shape, and the ITU region outlines for the summary map."""
    if not TOPOJSON_50M.is_file():
        raise BuildError(f"{TOPOJSON_50M} is missing: run python scripts/prepare_topojson.py first")
    codes = tables["countries"]["iso3"].tolist()
    tables["without_map_shape"] = geometry.economies_without_shape(TOPOJSON_50M, codes)
    membership = {
        iso: region
        for iso, region in zip(
            tables["countries"]["iso3"], tables["countries"]["itu_region"], strict=True
        )
        if region
    }
    tables["outlines"] = geometry.region_outlines(TOPOJSON_110M, membership)


def print_report(tables: dict, elapsed: float, out: Path, stream=sys.stdout) -> None:
    table = summary(tables)
    print(f"Built {len(tables['obs']):,} observations in {elapsed:.1f} s → {out}", file=stream)
    print(
        f"{len(tables['countries'])} economies, {len(tables['catalog'])} indicators, "
        f"{len(tables['groups'])} groups",
        file=stream,
    )
    print(f"\n{'indicator':44} {'rows':>7} {'economies':>9}  years", file=stream)
    for ind, row in table.iterrows():
        print(
            f"{ind:44} {row['rows']:>7} {row['economies']:>9}  "
            f"{row['first_year']}–{row['last_year']}",
            file=stream,
        )
    drops = tables["drops"]
    print(f"\nDropped or unmapped source values ({int(drops['n'].sum())}):", file=stream)
    for _, d in drops.iterrows():
        key = f" [{d['key']}]" if d["key"] else ""
        line = f" line {int(d['row'])}" if pd.notna(d["row"]) and d["row"] >= 0 else ""
        print(f"  {d['file']}{line}{key}: {d['reason']} ({d['n']} values)", file=stream)
    print_revisions(tables, stream)
    if "official" in tables:
        off = tables["official"]
        print(
            f"\nITU official aggregates ({official.EDITION}): {len(off):,} values of "
            f"{off['indicator'].nunique()} indicators for {off['group'].nunique()} groups, "
            f"{off['year'].min()}–{off['year'].max()}",
            file=stream,
        )
    if tables.get("without_map_shape"):
        print(
            "\nEconomies with data but no shape on the map: "
            + ", ".join(tables["without_map_shape"]),
            file=stream,
        )


def print_revisions(tables: dict, stream=sys.stdout) -> None:
    """Where each revised series comes from, and what the newer vintages changed."""
    revisions = tables.get("revisions", {})
    if revisions:
        print("\nVintages (country-years by source) and revisions:", file=stream)
    for indicator, entry in revisions.items():
        counts = ", ".join(f"{s} {n}" for s, n in entry.get("country_years_by_source", {}).items())
        print(f"  {indicator}: {counts}", file=stream)
        print(f"    rule: {entry['rule']}", file=stream)
        for v in entry["vintages"]:
            against = ", ".join(v["against"]) or "nothing older"
            used = f", {v['used_in_dataset']} used" if "used_in_dataset" in v else ""
            print(
                f"    {v['new']} vs {against}: {v['country_years']} country-years{used}, "
                f"{v['added']} added, {v['changed']} of {v['shared']} shared changed by more "
                f"than {v['changed_more_than']:g}",
                file=stream,
            )
            if v["largest_changes"]:
                largest = "; ".join(
                    f"{c['iso3']} {c['year']} {c['old']:g} → {c['new']:g}"
                    for c in v["largest_changes"]
                )
                print(f"      largest: {largest}", file=stream)
    breaks = tables.get("series_breaks", [])
    if breaks:
        print(f"\nLikely series breaks flagged ({len(breaks)}):", file=stream)
        for b in breaks:
            print(f"  {b['iso3']} {b['indicator']} {b['year']}: {b['note']}", file=stream)


def build(raw: Path, out: Path, *, assets: Path | None = None, quiet: bool = False) -> dict:
    started = time.perf_counter()
    verify_inputs(raw)
    tables = assemble(raw)
    validate(tables["obs"], tables["countries"], tables["catalog"], tables["sources"])
    validate_official(tables["official"], tables["groups"], tables["catalog"], tables["sources"])
    add_geometry(tables)
    out = out.resolve()
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.new-", dir=out.parent))
    staging.chmod(0o755)
    try:
        write_dataset(tables, staging)
        replace_dir(staging, out)
    finally:
        if staging.exists():
            shutil.rmtree(staging)
    if assets is not None:
        geometry.write_geojson(tables["outlines"], assets / "geo" / OUTLINES_NAME)
    if not quiet:
        print_report(tables, time.perf_counter() - started, out)
    return tables


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m data.build", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--raw", type=Path, default=None, help="folder of raw source files")
    parser.add_argument(
        "--out", type=Path, default=None, help=f"output folder (default {DEFAULT_OUT})"
    )
    parser.add_argument("--quiet", action="store_true", help="print nothing on success")
    args = parser.parse_args(argv)
    raw = (args.raw or default_raw()).resolve()
    out = args.out or DEFAULT_OUT
    assets = DEFAULT_ASSETS if args.out is None else None
    try:
        build(raw, out, assets=assets, quiet=args.quiet)
    except (BuildError, ValueError) as exc:
        print(f"build failed: {exc}\nThe previous dataset was left as it was.", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
