"""Build the dashboard's dataset from the raw public files.

    python -m data.build [--raw DIR] [--out DIR] [--quiet]

    python -m data.build --install FOLDER [--out DIR]

Reads the raw files (``--raw``, else ``$DIGITAL_DIVIDE_RAW``, else ``../shared/data/raw`` beside
the project), checks each against ``SHA256SUMS``, turns them into tidy tables, validates them
and publishes them in ``data/built/`` (or ``--out``, else ``$DIGITAL_DIVIDE_DATA``). With
``--install`` it publishes a dataset built elsewhere (a folder of the built files) instead.

Publishing is atomic (``publish``): the files go to a new folder ``<out>/.versions/<version>/``
with a ``manifest.json``, are read back and validated by the app's own loader, and only then
does the link ``<out>/current`` flip to them, in one rename. A build killed at any moment
leaves the previous dataset in service; the next build removes what it left behind. The files
are also mirrored (hard links) as plain files in ``<out>``, the layout committed to git. Their
bytes are deterministic: two builds of the same inputs are identical byte for byte.
"""

from __future__ import annotations

import argparse
import contextlib
import fcntl
import hashlib
import json
import os
import shutil
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from data import catalog as cat
from data import countries as ctry
from data import geometry, load, official, userdata
from data import sources as src
from data.load import OFFICIAL_COLUMNS, OFFICIAL_FILE
from data.validate import validate_all

PROJECT = Path(__file__).resolve().parent.parent
DEFAULT_OUT = PROJECT / "data" / "built"
DEFAULT_ASSETS = PROJECT / "assets"
TOPOJSON_110M = PROJECT / "assets" / "topojson" / "world_110m.json"
TOPOJSON_50M = PROJECT / "assets" / "topojson" / "world_50m.json"
OUTLINES_NAME = load.OUTLINES_FILE
KEEP_VERSIONS = 2
"""Versions kept in ``<out>/.versions``: the one in service and the one before (a worker
may still be reading it)."""

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


def assemble(raw: Path, user: list[tuple[dict, Path]] | None = None) -> dict:
    """Read every source into the dataset's tables (in memory), then the user's files
    (``user``: manifest entries and their stored files, see ``data.userdata``)."""
    key = _inputs_key(raw)
    shipped = _SHIPPED.get(key)
    if shipped is None:
        shipped = _SHIPPED[key] = _assemble_shipped(raw)
    obs, codes, drops, revisions, jumps = (
        shipped["obs"].copy(),
        shipped["codes"],
        src.Drops(list(shipped["drops"])),
        json.loads(json.dumps(shipped["revisions"])),
        list(shipped["jumps"]),
    )
    catalog_rows: list[dict] = []
    source_rows: list[dict] = []
    added: list[dict] = []
    if user:
        shipped_catalog = indicator_table(obs)
        obs, catalog_rows, source_rows, added = userdata.merge(
            obs, shipped_catalog, user, userdata.Economies.from_codes(codes), drops
        )
    countries = ctry.classify(raw, codes)
    countries = countries.loc[countries["iso3"].isin(obs["iso3"].unique())].reset_index(drop=True)
    groups = ctry.build_groups(countries)
    catalog = indicator_table(obs, catalog_rows)
    sources = pd.DataFrame([*cat.SOURCES, *source_rows])
    tables = {
        "obs": obs,
        "countries": countries,
        "groups": groups,
        "catalog": catalog,
        "sources": sources,
        "drops": drops.frame(),
        "revisions": revisions,
        "series_breaks": jumps,
        "official": shipped["official"],
    }
    if added:
        tables["user_data"] = added
    return tables


_SHIPPED: dict = {}
"""The shipped sources read once per process and inputs (``data.add`` builds twice)."""


def _inputs_key(raw: Path) -> tuple:
    stats = []
    for name in INPUTS:
        try:
            st = (raw / name).stat()
            stats.append((name, st.st_size, st.st_mtime_ns, st.st_ino))
        except OSError:
            stats.append((name, None))
    return (str(Path(raw).resolve()), tuple(stats))


def _assemble_shipped(raw: Path) -> dict:
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
            src.derive_gender(gender, *src.GENDER_PAIRS[0]),
            ownership,
            src.derive_gender(ownership, *src.GENDER_PAIRS[1]),
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
    return {
        "obs": obs,
        "codes": codes,
        "drops": tuple(drops.rows),
        "revisions": revisions,
        "jumps": jumps,
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


def indicator_table(obs: pd.DataFrame, extra: list[dict] | None = None) -> pd.DataFrame:
    catalog = pd.DataFrame([*cat.INDICATORS, *(extra or [])]).set_index("id", drop=False)
    pairs = obs[["indicator", "source"]].drop_duplicates().sort_values(["indicator", "source"])
    used = pairs.groupby("indicator")["source"].agg(";".join).rename("sources")
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
    if tables.get("user_data"):
        report["user_data"] = tables["user_data"]
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


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


@contextlib.contextmanager
def publishing(out: Path):
    """Lock ``out`` (one build at a time publishes into it; the lock dies with its process)
    and clear what earlier, killed builds left behind."""
    out.mkdir(parents=True, exist_ok=True)
    fd = os.open(out, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        clean_leftovers(out)
        yield
    finally:
        os.close(fd)


def clean_leftovers(out: Path) -> list[Path]:
    """Remove half-written versions, temporary links and files of killed builds, and
    versions older than the last ``KEEP_VERSIONS``; call with the lock held."""
    removed = []
    # The two-rename swap of earlier builds: put back a dataset a kill left renamed away.
    olds = sorted(out.parent.glob(f".{out.name}.old-*"), key=lambda p: p.stat().st_mtime)
    restore = not (out / load.CURRENT).exists()
    if olds and restore and not any((out / name).is_file() for name in load.FILES):
        for name in os.listdir(olds[-1]):
            os.replace(olds[-1] / name, out / name)
    for pattern in (f".{out.name}.new-*", f".{out.name}.old-*"):
        for leftover in out.parent.glob(pattern):
            shutil.rmtree(leftover, ignore_errors=True)
            removed.append(leftover)
    for leftover in out.glob(".*.tmp-*"):
        if leftover.is_dir() and not leftover.is_symlink():
            shutil.rmtree(leftover, ignore_errors=True)
        else:
            leftover.unlink(missing_ok=True)
        removed.append(leftover)
    versions = out / load.VERSIONS
    if versions.is_dir():
        link = out / load.CURRENT
        serving = link.resolve() if link.is_symlink() else None
        complete = []
        for folder in versions.iterdir():
            if folder.name.startswith(".") or not (folder / load.MANIFEST).is_file():
                shutil.rmtree(folder, ignore_errors=True)  # staging of a killed build
                removed.append(folder)
            elif folder.resolve() != serving:
                complete.append(folder)
        complete.sort(key=lambda p: p.name)
        for folder in complete[: max(0, len(complete) - (KEEP_VERSIONS - 1))]:
            shutil.rmtree(folder, ignore_errors=True)
            removed.append(folder)
    return removed


def staging_folder(out: Path) -> Path:
    """A fresh folder inside ``<out>/.versions`` to write a dataset into before ``publish``."""
    versions = out / load.VERSIONS
    versions.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".staging-", dir=versions))
    staging.chmod(0o755)
    return staging


def publish(staging: Path, out: Path) -> Path:
    """Make the dataset written in ``staging`` the one in service at ``out``, atomically.

    Writes its manifest, validates it with the app's loader (``load.read_dataset``), renames it
    to ``<out>/.versions/<version>``, flips ``<out>/current`` to it in one rename, then mirrors
    its files as plain files in ``out`` (for git) and drops old versions. Returns the version's
    folder. Call with ``publishing(out)`` held; ``staging`` must be in ``<out>/.versions``.
    """
    contents = {
        name: (staging / name).read_bytes()
        for name in load.DATASET_FILES
        if (staging / name).is_file()
    }
    checksum = load.checksum_of(contents)
    built_at = datetime.now(UTC).isoformat(timespec="seconds")
    manifest = {
        "built_at": built_at,
        "checksum": checksum,
        "files": {name: hashlib.sha256(data).hexdigest() for name, data in contents.items()},
    }
    (staging / load.MANIFEST).write_text(
        json.dumps(manifest, indent=1, sort_keys=True) + "\n", encoding="utf-8"
    )
    try:
        load.read_dataset(staging)
    except load.DatasetError as exc:
        raise BuildError(f"the new dataset fails the app's checks: {exc}") from exc
    for name in os.listdir(staging):
        with (staging / name).open("rb") as handle:
            os.fsync(handle.fileno())
    _fsync(staging)
    # Named by the moment to the microsecond, so that names sort in publishing order (old
    # versions are dropped by it) even when the same data is published twice in a second.
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    version = out / load.VERSIONS / f"{stamp}-{checksum[:12]}"
    if version.exists():
        version = version.with_name(f"{version.name}-{os.getpid()}")
    os.rename(staging, version)
    _fsync(version.parent)
    link = out / f".{load.CURRENT}.tmp-{os.getpid()}"
    link.unlink(missing_ok=True)
    os.symlink(Path(load.VERSIONS) / version.name, link)
    os.replace(link, out / load.CURRENT)  # the moment the new dataset is in service
    _fsync(out)
    mirror(version, out)
    clean_leftovers(out)
    return version


def mirror(version: Path, out: Path) -> None:
    """The version's files as plain files in ``out``, each replaced in one rename (the
    committed layout; the loader prefers ``current`` while it exists)."""
    for name in load.DATASET_FILES:
        source = version / name
        if not source.is_file():
            (out / name).unlink(missing_ok=True)
            continue
        temporary = out / f".{name}.tmp-{os.getpid()}"
        temporary.unlink(missing_ok=True)
        try:
            os.link(source, temporary)
        except OSError:
            shutil.copyfile(source, temporary)
        os.replace(temporary, out / name)


def install(source: Path, out: Path) -> Path:
    """Publish the dataset files in ``source`` (built elsewhere) at ``out``."""
    source = load.dataset_folder(source)
    missing = [name for name in load.FILES if not (source / name).is_file()]
    if missing:
        raise BuildError(f"{source} lacks {', '.join(missing)}: not a built dataset")
    with publishing(out):
        staging = staging_folder(out)
        try:
            for name in load.DATASET_FILES:
                if (source / name).is_file():
                    shutil.copyfile(source / name, staging / name)
            return publish(staging, out)
        finally:
            _drop_staging(staging)


def _drop_staging(staging: Path) -> None:
    if staging.exists():
        shutil.rmtree(staging)
    with contextlib.suppress(OSError):
        staging.parent.rmdir()  # only if empty: a failed first build leaves nothing behind


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
    for entry in tables.get("user_data", []):
        print(
            f"\nAdded file {entry['file']} ({entry['id']}, sha256 {entry['sha256'][:12]}): "
            f"{entry['values']} values used, {entry['overlapping']} overlapping shipped ones "
            + ("(the file's used)" if entry["prefer_user"] else "(the shipped kept)"),
            file=stream,
        )
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


def prepare(raw: Path, user: Path | None) -> dict:
    """The dataset's tables, checked: shipped sources and the files in the user-data folder
    ``user`` (None: none)."""
    verify_inputs(raw)
    return checked_tables(raw, userdata.stored_entries(user) if user is not None else [])


def checked_tables(raw: Path, entries: list) -> dict:
    """The dataset's tables from the raw files and the user data ``entries``, with the region
    outlines, checked by the rules the app loads with (``validate_all``)."""
    tables = assemble(raw, entries)
    add_geometry(tables)
    validate_all(
        obs=tables["obs"],
        countries=tables["countries"],
        catalog=tables["catalog"],
        sources=tables["sources"],
        groups=tables["groups"],
        official=tables["official"],
        outlines=tables["outlines"],
    )
    return tables


def build(
    raw: Path,
    out: Path,
    *,
    assets: Path | None = None,
    quiet: bool = False,
    user: Path | None = None,
) -> dict:
    started = time.perf_counter()
    tables = prepare(raw, user)
    out = out.resolve()
    with publishing(out):
        staging = staging_folder(out)
        try:
            write_dataset(tables, staging)
            publish(staging, out)
        finally:
            _drop_staging(staging)
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
        "--out",
        type=Path,
        default=None,
        help=f"dataset folder (default $DIGITAL_DIVIDE_DATA, else {DEFAULT_OUT})",
    )
    parser.add_argument(
        "--install",
        type=Path,
        default=None,
        metavar="FOLDER",
        help="publish the dataset files in FOLDER (built elsewhere) instead of building",
    )
    parser.add_argument(
        "--user-data",
        type=Path,
        default=None,
        help="folder of added files and their manifest (default $DIGITAL_DIVIDE_USER_DATA, "
        "else data/user; see python -m data.add)",
    )
    parser.add_argument("--quiet", action="store_true", help="print nothing on success")
    args = parser.parse_args(argv)
    raw = (args.raw or default_raw()).resolve()
    out = args.out or load.data_dir()
    assets = DEFAULT_ASSETS if out == DEFAULT_OUT and args.install is None else None
    try:
        if args.install is not None:
            version = install(args.install, out.resolve())
            if not args.quiet:
                print(f"Installed {args.install} as {version}")
        else:
            user = (args.user_data or userdata.user_dir()).resolve()
            build(raw, out, assets=assets, quiet=args.quiet, user=user)
    except (BuildError, ValueError, load.DatasetError) as exc:
        print(f"build failed: {exc}\nThe previous dataset was left as it was.", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
