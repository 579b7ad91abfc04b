"""The committed dataset: valid, traceable to the raw files, and rebuilt byte for byte."""

from __future__ import annotations

import csv
import filecmp
import shutil
from pathlib import Path

import pandas as pd
import pytest

from data import build
from data.load import DATASET_FILES, DatasetError, load_dataset, read_dataset
from data.validate import ValidationError, validate

RAW = build.default_raw()
BUILT = build.DEFAULT_OUT


@pytest.fixture(scope="module")
def ds():
    return load_dataset()


def raw_rows(relative: str, delimiter: str = ",") -> list[dict]:
    path = RAW / relative
    assert path.is_file(), f"raw file {path} not found: is ../shared beside the project?"
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle, delimiter=delimiter))


def value(ds, iso3: str, indicator: str, year: int) -> float:
    rows = ds.obs.loc[
        (ds.obs["iso3"] == iso3) & (ds.obs["indicator"] == indicator) & (ds.obs["year"] == year)
    ]
    assert len(rows) == 1, f"{iso3} {indicator} {year}: {len(rows)} rows"
    return float(rows["value"].iloc[0])


def test_committed_dataset_passes_validation(ds):
    validate(
        ds.obs,
        ds.countries.reset_index(drop=True),
        ds.catalog,
        ds.sources.reset_index(drop=True),
    )


def test_validation_fails_loudly_with_the_row():
    obs = pd.DataFrame(
        [
            {
                "iso3": "KEN",
                "year": 2020,
                "indicator": "internet_users_pct",
                "value": 140.0,
                "source": "itu-wdi",
                "file": "some/raw.csv",
                "row": 12,
            }
        ]
    )
    ds = load_dataset()
    with pytest.raises(ValidationError, match=r"some/raw.csv line 12: KEN 2020"):
        validate(
            obs,
            ds.countries.reset_index(drop=True),
            ds.catalog,
            ds.sources.reset_index(drop=True),
            minimum_economies={},
        )


def test_dataset_reaches_the_promised_coverage(ds):
    economies = ds.obs.groupby("indicator")["iso3"].nunique()
    assert economies["internet_users_pct"] >= 200
    for series in ("coverage_2g_pct", "coverage_3g_pct", "coverage_4g_pct"):
        assert economies[series] >= 210
    assert economies["mobile_broadband_per100"] >= 170
    assert economies["price_fixed_broadband_gni_pct"] >= 190
    assert economies["price_mobile_broadband_gni_pct"] >= 190
    assert economies["internet_gender_parity"] >= 125
    assert economies["population"] >= 220
    assert int(ds.obs.loc[ds.obs["indicator"] == "population", "year"].max()) <= 2025


def test_every_value_names_a_known_source_and_year(ds):
    assert ds.obs["source"].isin(ds.sources.index).all()
    assert ds.obs["year"].between(1960, 2025).all()
    assert ds.obs["value"].notna().all()


def test_kenya_internet_use_latest_year_matches_raw(ds):
    rows = [
        r
        for r in raw_rows(
            "gapminder_systema_globalis/ddf--datapoints--internet_users--by--geo--time.csv"
        )
        if r["geo"] == "ken"
    ]
    latest = max(rows, key=lambda r: int(r["time"]))
    assert value(ds, "KEN", "internet_users_pct", int(latest["time"])) == pytest.approx(
        float(latest["internet_users"])
    )


def test_india_4g_coverage_latest_year_matches_raw(ds):
    rows = [
        r
        for r in raw_rows(
            "owid_grapher_mobile_coverage/"
            "population-covered-by-mobile-network-by-network-capability.csv"
        )
        if r["Code"] == "IND" and r["_9_c_1__it_mob_4gntwk"]
    ]
    latest = max(rows, key=lambda r: int(r["Year"]))
    assert value(ds, "IND", "coverage_4g_pct", int(latest["Year"])) == pytest.approx(
        float(latest["_9_c_1__it_mob_4gntwk"])
    )


def test_germany_prices_2025_match_raw_and_join_the_2021_release(ds):
    row = next(
        r
        for r in raw_rows("itu_ict_price_baskets_latest_2024_2025/itu_affordability_latest.csv")
        if r["iso3"] == "DEU"
    )
    assert value(ds, "DEU", "price_fixed_broadband_gni_pct", 2025) == pytest.approx(
        float(row["fbb_5gb_pct_gni_2025"])
    )
    assert value(ds, "DEU", "price_mobile_broadband_gni_pct", 2025) == pytest.approx(
        float(row["mbb_5gb_pct_gni_2025"])
    )
    old = next(
        r
        for r in raw_rows("itu_ict_price_baskets_2008_2021/ICT_PriceBaskets.csv")
        if r["IsoCode"] == "DEU"
        and r["basket_combined_simplified"] == "Fixed-broadband basket"
        and r["Unit"] == "GNIpc"
    )
    assert value(ds, "DEU", "price_fixed_broadband_gni_pct", 2021) == pytest.approx(
        float(old["2021"])
    )


def test_kenya_gender_parity_is_derived_from_raw_female_and_male(ds):
    base = "wdi_open_numbers_gender/ddf--datapoints--it_net_user_{}_zs--by--geo--time.csv"
    female = {
        r["time"]: float(r["it_net_user_fe_zs"])
        for r in raw_rows(base.format("fe"))
        if r["geo"] == "ken"
    }
    male = {
        r["time"]: float(r["it_net_user_ma_zs"])
        for r in raw_rows(base.format("ma"))
        if r["geo"] == "ken"
    }
    year = max(set(female) & set(male), key=int)
    parity = ds.obs.loc[
        (ds.obs["iso3"] == "KEN")
        & (ds.obs["indicator"] == "internet_gender_parity")
        & (ds.obs["year"] == int(year))
    ]
    assert float(parity["value"].iloc[0]) == pytest.approx(female[year] / male[year], rel=1e-5)
    assert bool(parity["derived"].iloc[0]) is True


def test_experimental_values_stay_out_of_the_official_series(ds):
    official = ds.obs.loc[ds.obs["indicator"] == "price_mobile_broadband_gni_pct"]
    assert not official["experimental"].any()
    experimental = ds.obs.loc[ds.obs["indicator"] == "price_mobile_broadband_2gb_exp_gni_pct"]
    assert len(experimental) > 150 and experimental["experimental"].all()
    breaks = official.loc[official["series_break"]].groupby("year").size()
    assert breaks.get(2018, 0) > 150 and breaks.get(2021, 0) > 150 and breaks.get(2025, 0) > 150


def test_country_table_classifications(ds):
    c = ds.countries
    assert bool(c.at["STP", "ldc"]) is False  # graduated in December 2024
    assert c.at["KEN", "itu_region"] == "Africa"
    assert c.at["XKX", "itu_region"] == ""  # not an ITU member
    assert c.at["AFG", "wb_region"].startswith("Middle East, North Africa, Afghanistan")
    assert c.at["CIV", "name"] == "Côte d’Ivoire"
    assert c.at["FRA", "name_zh"] and c.at["FRA", "name_ar"] and c.at["FRA", "name_ru"]
    groups = {g: len(m["members"]) for g, m in ds.groups.items()}
    assert groups["itu-africa"] == 44 and groups["ldc"] == 44
    assert set(groups) >= {
        "world",
        "itu-americas",
        "itu-arab-states",
        "itu-asia-pacific",
        "itu-cis",
        "itu-europe",
        "lldc",
        "sids",
        "income-low",
        "income-lower-middle",
        "income-upper-middle",
        "income-high",
        "un-africa",
        "un-americas",
        "un-asia",
        "un-europe",
        "un-oceania",
    }


# --------------------------------------------------------------------------- the build


def test_rebuild_is_byte_identical(tmp_path):
    out = tmp_path / "built"
    build.build(RAW, out, quiet=True)
    committed = sorted(p.name for p in BUILT.iterdir() if p.name in DATASET_FILES)
    assert sorted(committed) == sorted(DATASET_FILES)
    # The version in service, and its plain mirror (the committed layout) beside the link.
    version = (out / "current").resolve()
    assert version.parent == out / ".versions"
    assert sorted(p.name for p in version.iterdir()) == sorted([*committed, "manifest.json"])
    for folder in (version, out):
        match, mismatch, errors = filecmp.cmpfiles(BUILT, folder, committed, shallow=False)
        assert mismatch == [] and errors == [], f"differs from the committed dataset: {mismatch}"
    assert sorted(p.name for p in out.iterdir()) == sorted([*committed, "current", ".versions"])


@pytest.fixture
def raw_copy(tmp_path) -> Path:
    copy = tmp_path / "raw"
    shutil.copytree(RAW, copy)
    for path in copy.rglob("*"):
        path.chmod(0o755 if path.is_dir() else 0o644)
    return copy


@pytest.fixture
def previous(tmp_path) -> Path:
    out = tmp_path / "previous"
    out.mkdir()
    (out / "observations.parquet").write_bytes(b"the previous dataset")
    return out


def test_changed_raw_file_is_refused_by_name_and_nothing_written(raw_copy, previous, capsys):
    target = (
        raw_copy
        / "wdi_open_numbers_gender"
        / ("ddf--datapoints--it_net_user_fe_zs--by--geo--time.csv")
    )
    target.write_text(target.read_text() + "ken,2030,99\n")
    code = build.main(["--raw", str(raw_copy), "--out", str(previous), "--quiet"])
    assert code == 1
    err = capsys.readouterr().err
    assert "it_net_user_fe_zs" in err and "checksum mismatch" in err
    assert [p.name for p in previous.iterdir()] == ["observations.parquet"]
    assert (previous / "observations.parquet").read_bytes() == b"the previous dataset"


def test_missing_raw_file_is_named(raw_copy, previous, capsys):
    (raw_copy / "owid_datasets_a4ai" / "a4ai_price_of_mobile_data_2019.csv").unlink()
    assert build.main(["--raw", str(raw_copy), "--out", str(previous), "--quiet"]) == 1
    assert "a4ai_price_of_mobile_data_2019.csv: missing" in capsys.readouterr().err
    assert (previous / "observations.parquet").read_bytes() == b"the previous dataset"


def test_build_failing_half_way_keeps_the_previous_dataset(monkeypatch, previous, capsys):
    def broken_write(tables, out):
        (out / "observations.parquet").write_bytes(b"half")
        raise OSError("disk full")

    monkeypatch.setattr(build, "write_dataset", broken_write)
    with pytest.raises(OSError):
        build.build(RAW, previous, quiet=True)
    assert [p.name for p in previous.iterdir()] == ["observations.parquet"]
    assert (previous / "observations.parquet").read_bytes() == b"the previous dataset"
    assert not any(p.name.startswith(".previous") for p in previous.parent.iterdir())


def test_raw_folder_from_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("DIGITAL_DIVIDE_RAW", str(tmp_path / "elsewhere"))
    assert build.default_raw() == tmp_path / "elsewhere"
    assert build.main(["--out", str(tmp_path / "out"), "--quiet"]) == 1


def test_broken_dataset_folder_gives_a_clear_error(tmp_path):
    with pytest.raises(DatasetError, match="python -m data.build"):
        read_dataset(tmp_path)
    for name in ("observations.parquet", "countries.csv", "indicators.csv", "sources.csv"):
        (tmp_path / name).write_text("not what it should be")
    (tmp_path / "groups.json").write_text("[]")
    (tmp_path / "build_report.json").write_text("{")
    (tmp_path / "itu_regions.geojson").write_text("{}")
    with pytest.raises(DatasetError, match=r"observations\.parquet cannot be read"):
        read_dataset(tmp_path)


def test_urban_and_rural_internet_use_match_the_itu_table(ds):
    sheet = pd.read_excel(
        RAW / "equals_ict_africa" / "itu_internet_by_sex_urban_rural_2019.xls",
        header=None,
        engine="calamine",
        dtype=object,
    )
    algeria = sheet.loc[sheet[1] == "Algeria"].iloc[0]
    year = int(algeria[3])
    assert value(ds, "DZA", "internet_users_urban_pct", year) == pytest.approx(float(algeria[11]))
    assert value(ds, "DZA", "internet_users_rural_pct", year) == pytest.approx(float(algeria[18]))
    # "..." in the table is missing, never 0.
    andorra = ds.obs.loc[
        (ds.obs["iso3"] == "AND") & (ds.obs["indicator"] == "internet_users_urban_pct")
    ]
    assert andorra.empty
    urban = ds.obs.loc[ds.obs["indicator"] == "population_urban"].set_index(["iso3", "year"])
    total = ds.obs.loc[ds.obs["indicator"] == "population"].set_index(["iso3", "year"])
    assert urban.loc[("DZA", 2018), "value"] < total.loc[("DZA", 2018), "value"]
