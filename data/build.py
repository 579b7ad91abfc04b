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
from data import geometry
from data import sources as src
from data.validate import validate

PROJECT = Path(__file__).resolve().parent.parent
DEFAULT_OUT = PROJECT / "data" / "built"
DEFAULT_ASSETS = PROJECT / "assets"
TOPOJSON_110M = PROJECT / "assets" / "topojson" / "world_110m.json"
TOPOJSON_50M = PROJECT / "assets" / "topojson" / "world_50m.json"
OUTLINES_NAME = "itu_regions.geojson"

# Every raw file the build reads, relative to the raw folder.
INPUTS = [
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

    obs = src.read_gapminder(raw, known, drops)
    obs = pd.concat([obs, src.read_owid_coverage(raw, known, drops)], ignore_index=True)
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

    gender = src.read_wdi_gender(raw, known, drops)
    gender = src.fill_pairs(
        gender,
        src.read_unsd_internet_by_sex(raw, known, drops),
        "internet_users_female_pct",
        "internet_users_male_pct",
    )
    bounded = {row["id"] for row in cat.INDICATORS if row["bounded"]}
    ownership = src.fill_gaps(
        src.read_unsd_mobile_ownership(raw, known, drops),
        src.drop_impossible_shares(
            src.read_sdg_mobile_ownership(raw, m49, known, drops), bounded, drops
        ),
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
    }


def indicator_table(obs: pd.DataFrame) -> pd.DataFrame:
    catalog = pd.DataFrame(cat.INDICATORS).set_index("id", drop=False)
    used = (
        obs.groupby("indicator")["source"].agg(lambda s: ";".join(sorted(set(s)))).rename("sources")
    )
    catalog["sources"] = catalog.index.map(used).fillna("")
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
    if tables.get("without_map_shape"):
        print(
            "\nEconomies with data but no shape on the map: "
            + ", ".join(tables["without_map_shape"]),
            file=stream,
        )


def build(raw: Path, out: Path, *, assets: Path | None = None, quiet: bool = False) -> dict:
    started = time.perf_counter()
    verify_inputs(raw)
    tables = assemble(raw)
    validate(tables["obs"], tables["countries"], tables["catalog"], tables["sources"])
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
