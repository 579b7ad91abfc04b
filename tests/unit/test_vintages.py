"""Newer vintages in the build: WDI July 2026, ITU DataHub via Data360, the SDG database 2023.

One vintage per series and economy, World Bank aggregates kept out, revisions reported, likely
series breaks flagged. Values are checked against the raw files, not against constants.
"""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pandas as pd
import pytest

from data import build
from data import sources as src
from data.load import load_dataset

RAW = build.default_raw()
WDI_USERS = "wdi_2026_07/wdi_IT.NET.USER.ZS.csv"
WDI_BROADBAND = "wdi_2026_07/wdi_IT.NET.BBND.P2.csv"
COV_4G = "itu_data360/ITU_DH_POP_COV_4G.csv"
MOB_BROADBAND = "itu_data360/ITU_DH_ACT_MOB_PER_100.csv"


@pytest.fixture(scope="module")
def ds():
    return load_dataset()


def raw_rows(relative: str) -> list[dict]:
    path = RAW / relative
    assert path.is_file(), f"raw file {path} not found: is ../shared beside the project?"
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def series(ds, indicator: str) -> pd.DataFrame:
    return ds.obs.loc[ds.obs["indicator"] == indicator]


def one(ds, iso3: str, indicator: str, year: int) -> pd.Series:
    rows = ds.obs.loc[
        (ds.obs["iso3"] == iso3) & (ds.obs["indicator"] == indicator) & (ds.obs["year"] == year)
    ]
    assert len(rows) == 1, f"{iso3} {indicator} {year}: {len(rows)} rows"
    return rows.iloc[0]


def wdi_values(relative: str) -> dict[tuple[str, int], float]:
    """The economies' values in a WDI 2026 file (aggregates left out; no other code is dropped)."""
    return {
        (r["iso3"], int(r["year"])): float(r["value"])
        for r in raw_rows(relative)
        if r["value"] and r["iso3"] not in src.WB_AGGREGATES
    }


# --------------------------------------------------------------------------- WDI July 2026


def test_india_internet_use_2021_to_2025_comes_from_the_2026_vintage(ds):
    raw = wdi_values(WDI_USERS)
    row = one(ds, "IND", "internet_users_pct", 2023)
    assert row["value"] == pytest.approx(raw[("IND", 2023)])
    assert row["source"] == "itu-wdi-2026"
    for year in range(2021, 2026):
        assert one(ds, "IND", "internet_users_pct", year)["value"] == pytest.approx(
            raw[("IND", year)]
        )


def test_world_bank_aggregates_are_not_economies(ds):
    assert "WLD" not in set(ds.obs["iso3"]) and "WLD" not in set(ds.countries.index)
    assert not set(ds.obs["iso3"]) & src.WB_AGGREGATES
    # The named set covers the WDI file's leading aggregate block exactly (48 codes) …
    leading = list(dict.fromkeys(r["iso3"] for r in raw_rows(WDI_USERS)))[:48]
    assert set(leading) <= src.WB_AGGREGATES
    assert leading[-1] == "WLD" and "AFG" not in leading
    # … and every one is reported as dropped, with the reason.
    dropped = {
        (d["file"], d["key"])
        for d in ds.report["dropped"]
        if d["reason"] == src.WB_AGGREGATE_REASON
    }
    assert {(WDI_USERS, code) for code in leading} <= dropped
    assert (COV_4G, "HIC") in dropped and (MOB_BROADBAND, "WLD") in dropped


@pytest.mark.parametrize(
    ("indicator", "relative"),
    [("internet_users_pct", WDI_USERS), ("fixed_broadband_per100", WDI_BROADBAND)],
)
def test_one_vintage_per_economy_from_2010(ds, indicator, relative):
    raw = wdi_values(relative)
    in_new = {iso for iso, _ in raw}
    obs = series(ds, indicator)
    recent = obs.loc[obs["year"] >= src.WDI_2026_YEARS[0]]
    mixed = recent.loc[recent["iso3"].isin(in_new) & (recent["source"] != "itu-wdi-2026")]
    assert mixed.empty, f"older values beside the 2026 vintage: {mixed.head().to_dict('records')}"
    # Every value of the 2026 file is in the dataset, unchanged.
    new = recent.loc[recent["source"] == "itu-wdi-2026"].set_index(["iso3", "year"])["value"]
    assert len(new) == len(raw)
    for key, value in raw.items():
        assert new[key] == pytest.approx(value)
    # Before 2010 the older copy is the only source.
    assert set(obs.loc[obs["year"] < src.WDI_2026_YEARS[0], "source"]) == {"itu-wdi"}


def test_older_copy_survives_only_for_economies_the_new_file_lacks(ds):
    raw = wdi_values(WDI_USERS)
    assert not any(iso == "PRK" for iso, _ in raw)
    prk = series(ds, "internet_users_pct").query("iso3 == 'PRK' and year >= 2010")
    assert len(prk) > 0 and set(prk["source"]) == {"itu-wdi"}
    report = ds.report["revisions"]["internet_users_pct"]
    counts = report["country_years_by_source"]
    assert counts["itu-wdi-2026"] == len(raw)
    assert sum(counts.values()) == len(series(ds, "internet_users_pct"))


def test_china_2023_jump_is_flagged_as_a_series_break(ds):
    row = one(ds, "CHN", "internet_users_pct", 2023)
    assert bool(row["series_break"]) is True
    assert "75.6% → 2023 90.6%" in row["note"] and "likely change" in row["note"]
    assert bool(one(ds, "CHN", "internet_users_pct", 2022)["series_break"]) is False
    flagged = series(ds, "internet_users_pct").loc[lambda f: f["series_break"]]
    assert 1 <= len(flagged) <= 15, "the step rule should catch a handful, not steady growth"
    listed = {(b["iso3"], b["year"]) for b in ds.report["series_breaks_flagged"]}
    assert listed == set(zip(flagged["iso3"], flagged["year"], strict=True))


# --------------------------------------------------------------------------- Data360


def data360_values(relative: str) -> dict[tuple[str, int], float]:
    return {
        (r["REF_AREA"], int(r["TIME_PERIOD"])): float(r["OBS_VALUE"])
        for r in raw_rows(relative)
        if r["OBS_VALUE"] and r["REF_AREA"] not in src.WB_AGGREGATES
    }


def test_4g_coverage_reaches_2024_from_data360(ds):
    raw = data360_values(COV_4G)
    obs = series(ds, "coverage_4g_pct")
    assert obs.loc[obs["year"] == 2024, "iso3"].nunique() >= 100
    for iso3 in ("IND", "KEN", "BRA"):
        latest = max(year for iso, year in raw if iso == iso3)
        row = one(ds, iso3, "coverage_4g_pct", latest)
        assert row["value"] == pytest.approx(raw[(iso3, latest)]) and row["source"] == "itu-data360"
    # Angola's revised values replace the older OWID copy's (30% in 2020).
    assert one(ds, "AGO", "coverage_4g_pct", 2020)["value"] == pytest.approx(raw[("AGO", 2020)])


def test_4g_coverage_one_vintage_per_economy(ds):
    in_data360 = {iso for iso, _ in data360_values(COV_4G)}
    obs = series(ds, "coverage_4g_pct")
    assert set(obs.loc[obs["iso3"].isin(in_data360), "source"]) == {"itu-data360"}
    owid = obs.loc[obs["source"] == "itu-sdg-owid"]
    assert len(owid) > 0 and not set(owid["iso3"]) & in_data360


def test_mobile_broadband_is_a_new_indicator_from_data360(ds):
    raw = data360_values(MOB_BROADBAND)
    obs = series(ds, "mobile_broadband_per100")
    assert obs["iso3"].nunique() >= 170
    # The export has 122 economies for 2023 (not 150): all of them are kept.
    in_2023 = {iso for iso, year in raw if year == 2023}
    assert set(obs.loc[obs["year"] == 2023, "iso3"]) == in_2023 and len(in_2023) >= 120
    assert set(obs["source"]) == {"itu-data360"} and (obs["value"] > 100).any()
    row = ds.catalog.loc["mobile_broadband_per100"]
    assert row["theme"] == "access" and row["code"] == "ITU_DH_ACT_MOB_PER_100"
    assert row["unit"] == "per 100 people" and not row["bounded"]
    assert bool(ds.sources.loc["itu-data360", "itu"]) is True


def _data360_file(path: Path, rows: list[dict]) -> None:
    columns = [*src.DATA360_COLUMNS, "REF_AREA_LABEL"]
    base = {
        "INDICATOR": "ITU_DH_TEST",
        "SEX": "_T",
        "AGE": "_T",
        "URBANISATION": "_T",
        "UNIT_MEASURE": "PT_POP",
        "OBS_STATUS": "A",
        "REF_AREA_LABEL": "",
    }
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns)
        writer.writeheader()
        for row in rows:
            writer.writerow({**base, **row})


def test_read_data360_keeps_totals_of_economies_and_notes_the_status(tmp_path):
    _data360_file(
        tmp_path / "x.csv",
        [
            {"REF_AREA": "KEN", "TIME_PERIOD": "2023", "OBS_VALUE": "50.5"},
            {"REF_AREA": "KEN", "TIME_PERIOD": "2024", "OBS_VALUE": "55", "OBS_STATUS": "E"},
            {"REF_AREA": "XKX", "TIME_PERIOD": "2024", "OBS_VALUE": "90", "OBS_STATUS": "B"},
            {"REF_AREA": "KEN", "TIME_PERIOD": "2024", "OBS_VALUE": "40", "SEX": "F"},
            {"REF_AREA": "WLD", "TIME_PERIOD": "2024", "OBS_VALUE": "60"},
            {"REF_AREA": "ZZZ", "TIME_PERIOD": "2024", "OBS_VALUE": "1"},
            {"REF_AREA": "KEN", "TIME_PERIOD": "2022", "OBS_VALUE": ""},
        ],
    )
    drops = src.Drops()
    out = src.read_data360(tmp_path, "x.csv", "test_pct", "itu-data360", {"KEN", "XKX"}, drops)
    got = {(r.iso3, r.year): (r.value, r.note, r.series_break) for r in out.itertuples()}
    assert got == {
        ("KEN", 2023): (50.5, "", False),
        ("KEN", 2024): (55.0, "estimated", False),
        ("XKX", 2024): (90.0, "break in series", True),
    }
    assert set(out["indicator"]) == {"test_pct"} and set(out["source"]) == {"itu-data360"}
    reasons = {(d["key"], d["reason"]) for d in drops.rows}
    assert ("WLD", src.WB_AGGREGATE_REASON) in reasons
    assert ("ZZZ", "no ISO 3166 alpha-3 code for this key") in reasons
    assert any(key.startswith("SEX=F") for key, _ in reasons)


def test_read_data360_refuses_two_series_in_one_file(tmp_path):
    _data360_file(
        tmp_path / "x.csv",
        [
            {"REF_AREA": "KEN", "TIME_PERIOD": "2023", "OBS_VALUE": "1"},
            {"REF_AREA": "KEN", "TIME_PERIOD": "2023", "OBS_VALUE": "2", "INDICATOR": "OTHER"},
        ],
    )
    with pytest.raises(ValueError, match="x.csv: expected one series"):
        src.read_data360(tmp_path, "x.csv", "t", "itu-data360", {"KEN"}, src.Drops())


# --------------------------------------------------------------------------- SDG 2023


def test_sdg_2023_fills_internet_use_by_sex_in_pairs(ds):
    # Puerto Rico (M49 630) has pairs for 2013–2019 that WDI lacks.
    rows = [
        r
        for r in raw_rows(
            "unsd_sdg_ddf_2023/"
            "ddf--datapoints--it_use_ii99--by--age--geo_area--nature--sex--units--year.csv"
        )
        if r["geo_area"] == "630" and r["year"] == "2019"
    ]
    raw = {r["sex"]: float(r["it_use_ii99"]) for r in rows}
    female = one(ds, "PRI", "internet_users_female_pct", 2019)
    male = one(ds, "PRI", "internet_users_male_pct", 2019)
    assert female["value"] == pytest.approx(raw["female"]) and female["source"] == "unsd-sdg-2023"
    assert male["value"] == pytest.approx(raw["male"]) and male["source"] == "unsd-sdg-2023"
    parity = one(ds, "PRI", "internet_gender_parity", 2019)
    assert parity["value"] == pytest.approx(raw["female"] / raw["male"], rel=1e-5)
    # WDI stays first where it has the economy-year (Sweden 2021: WDI 94.5, SDG 2023 87.6).
    assert one(ds, "SWE", "internet_users_female_pct", 2021)["source"] == "itu-wdi-gender"


def test_no_parity_divides_two_sources(ds):
    for female, male in (
        ("internet_users_female_pct", "internet_users_male_pct"),
        ("mobile_ownership_female_pct", "mobile_ownership_male_pct"),
    ):
        f = series(ds, female).set_index(["iso3", "year"])["source"]
        m = series(ds, male).set_index(["iso3", "year"])["source"]
        shared = f.index.intersection(m.index)
        assert (f[shared] == m[shared]).all(), f"{female}: pairs from two sources"


def test_mobile_ownership_2021_comes_from_the_2023_release(ds):
    obs = series(ds, "mobile_ownership_female_pct")
    assert obs.loc[obs["year"] == 2021, "iso3"].nunique() >= 30
    assert set(obs.loc[obs["year"] >= 2020, "source"]) <= {"unsd-sdg-2023", "unsd-gender"}
    assert ds.catalog.loc["mobile_ownership_pct", "source"] == "unsd-sdg-2023"


# --------------------------------------------------------------------------- the report


def test_build_report_lists_revisions_per_series(ds):
    revisions = ds.report["revisions"]
    for indicator, new in (
        ("internet_users_pct", "itu-wdi-2026"),
        ("fixed_broadband_per100", "itu-wdi-2026"),
        ("coverage_4g_pct", "itu-data360"),
        ("mobile_broadband_per100", "itu-data360"),
        ("internet_users_female_pct", "unsd-sdg-2023"),
        ("mobile_ownership_pct", "unsd-sdg-2023"),
    ):
        entry = revisions[indicator]
        vintage = next(v for v in entry["vintages"] if v["new"] == new)
        assert vintage["added"] + vintage["shared"] == vintage["country_years"]
        largest = vintage["largest_changes"]
        assert len(largest) == min(10, vintage["changed"])
        moves = [abs(c["new"] - c["old"]) for c in largest]
        assert moves == sorted(moves, reverse=True) and all(m > 1 for m in moves)
    users = next(v for v in revisions["internet_users_pct"]["vintages"])
    assert {"iso3": "BWA", "year": 2021} in [
        {"iso3": c["iso3"], "year": c["year"]} for c in users["largest_changes"]
    ]


# --------------------------------------------------------------------------- helpers


def _obs(rows, source, indicator="x_pct"):
    frame = pd.DataFrame(rows, columns=["iso3", "year", "value"])
    return src.tidy(frame, indicator=indicator, source=source, file=f"{source}.csv")


@pytest.mark.parametrize(
    ("since", "expected", "set_aside"),
    [
        # the newer vintage has AAA from 2010: AAA's older 2011 value is set aside, 2009 kept
        (2010, {("AAA", 2009, "old"), ("AAA", 2010, "new"), ("BBB", 2011, "old")}, 1),
        # whole-economy rule: nothing of AAA from the older copy (2009 and 2011 set aside)
        (None, {("AAA", 2010, "new"), ("BBB", 2011, "old")}, 2),
    ],
)
def test_one_vintage(since, expected, set_aside):
    old = _obs(
        [("AAA", 2009, 1.0), ("AAA", 2010, 2.0), ("AAA", 2011, 3.0), ("BBB", 2011, 4.0)], "old"
    )
    new = _obs([("AAA", 2010, 2.5)], "new")
    drops = src.Drops()
    out = src.one_vintage(new, old, drops, since=since)
    assert set(zip(out["iso3"], out["year"], out["source"], strict=True)) == expected
    assert sum(d["n"] for d in drops.rows) == set_aside  # reported, not silently dropped


def test_compare_vintages_counts_added_and_changed():
    old = _obs([("AAA", 2010, 10.0), ("BBB", 2010, 20.0), ("CCC", 2010, 30.0)], "old")
    new = _obs(
        [("AAA", 2010, 10.5), ("BBB", 2010, 25.0), ("CCC", 2010, 28.0), ("DDD", 2010, 1)], "new"
    )
    got = src.compare_vintages(new, old)
    assert (got["added"], got["shared"], got["changed"]) == (1, 3, 2)
    assert [(c["iso3"], c["old"], c["new"]) for c in got["largest_changes"]] == [
        ("BBB", 20.0, 25.0),
        ("CCC", 30.0, 28.0),
    ]


def test_flag_jumps_catches_a_step_not_steady_growth():
    step = [("STP", 2018 + i, v) for i, v in enumerate([60, 62, 64, 80, 81, 82])]
    growth = [("GRW", 1998 + i, v) for i, v in enumerate([5, 18, 31, 45, 58, 70])]
    spike = [("SPK", 2018 + i, v) for i, v in enumerate([40, 42, 20, 60, 62])]
    obs = _obs(step + growth + spike, "s", indicator="internet_users_pct")
    out, flagged = src.flag_jumps(obs)
    assert [(f["iso3"], f["year"]) for f in flagged] == [("STP", 2021)]
    row = out.loc[out["series_break"]].iloc[0]
    assert row["note"] == "likely change of survey or method: 2020 64.0% → 2021 80.0%"
    assert out["series_break"].sum() == 1


def test_fill_pairs_with_singles_never_mixes_sources():
    f, m = "own_female_pct", "own_male_pct"
    primary = pd.concat([_obs([("AAA", 2019, 50.0)], "p", f), _obs([("AAA", 2019, 60.0)], "p", m)])
    first = _obs([("BBB", 2019, 40.0)], "f1", f)  # a single, for an economy-year nobody has
    second = pd.concat(
        [
            _obs([("BBB", 2019, 41.0), ("AAA", 2019, 1.0)], "f2", f),
            _obs([("BBB", 2019, 45.0)], "f2", m),
        ]
    )
    out = src.fill_pairs(primary, first, f, m, singles=True)
    out = src.fill_pairs(out, second, f, m, singles=True)
    got = set(zip(out["iso3"], out["indicator"], out["source"], strict=True))
    assert got == {("AAA", f, "p"), ("AAA", m, "p"), ("BBB", f, "f1")}


# --------------------------------------------------------------------------- inputs


@pytest.mark.parametrize("relative", [WDI_USERS, COV_4G])
def test_changed_new_raw_file_is_refused_by_name(tmp_path, capsys, relative):
    raw = tmp_path / "raw"
    shutil.copytree(RAW, raw)
    for path in raw.rglob("*"):
        path.chmod(0o755 if path.is_dir() else 0o644)
    target = raw / relative
    target.write_text(target.read_text().replace("90.6", "75.6", 1))
    out = tmp_path / "out"
    assert build.main(["--raw", str(raw), "--out", str(out), "--quiet"]) == 1
    err = capsys.readouterr().err
    assert f"{relative}: checksum mismatch" in err
    assert not out.exists()


def test_every_new_raw_file_is_an_input():
    for relative in (WDI_USERS, WDI_BROADBAND, COV_4G, MOB_BROADBAND):
        assert relative in build.INPUTS
    assert sum(name.startswith("unsd_sdg_ddf_2023/") for name in build.INPUTS) == 6
