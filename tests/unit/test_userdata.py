"""Adding a user's file to a copy of the dataset: checked, shown in a dry run, applied, served by
the API with its aggregates, and removed again to the same bytes (``data.add``, ``data.remove``).

The dataset is built from the raw files into a temporary folder (never ``data/built``); the
user-data folder is temporary too.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from flask import Flask

from api import create_api
from components.themes import THEMES, indicator_options, resolve_indicator
from data import add, build, load, userdata
from data.i18n import translate

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "userdata"
DATA360 = FIXTURES / "ITU_DH_IND_COMP_PT.csv"
API = "/api/v1"
NEW = "computer_users_pct"


def dataset_bytes(out: Path) -> dict[str, bytes]:
    folder = load.dataset_folder(out)
    return {name: (folder / name).read_bytes() for name in load.DATASET_FILES}


@pytest.fixture(scope="module")
def place(tmp_path_factory) -> dict:
    """A dataset built into a temporary folder, and an empty user-data folder beside it."""
    root = tmp_path_factory.mktemp("userdata")
    out, user = root / "built", root / "user"
    raw = build.default_raw()
    build.build(raw, out, quiet=True, user=user)
    return {"raw": raw, "out": out, "user": user, "root": root}


def run(place: dict, *args: str) -> int:
    common = ["--raw", str(place["raw"]), "--out", str(place["out"])]
    return add.main([*args, *common, "--user-data", str(place["user"])])


def run_remove(place: dict, what: str) -> int:
    common = ["--raw", str(place["raw"]), "--out", str(place["out"])]
    return add.remove_main([what, *common, "--user-data", str(place["user"])])


def client_for(out: Path):
    ds = load.read_dataset(out)
    app = Flask(__name__)
    app.testing = True
    app.register_blueprint(create_api(lambda: ds), url_prefix=API)
    return ds, app.test_client()


def fixture_frame() -> pd.DataFrame:
    return pd.read_csv(DATA360, dtype=str, keep_default_na=False)


def test_data360_export_dry_run_apply_serve_and_remove(place, capsys):
    before = dataset_bytes(place["out"])
    reports = place["root"] / "reports"

    # Dry run: the plan is printed and written; nothing changes.
    assert run(place, str(DATA360), "--indicator", NEW, "--dry-run", "--report", str(reports)) == 0
    printed = capsys.readouterr().out
    assert dataset_bytes(place["out"]) == before
    assert not (place["user"] / userdata.MANIFEST).exists()
    for word in ("4 new indicator(s)", "[WLD] aggregate", "[SSF] aggregate", "AGE=Y15T24"):
        assert word in printed
    report_html = next(reports.glob("*.html")).read_text(encoding="utf-8")
    assert "http://" not in report_html and "https://" not in report_html
    with next(reports.glob("*.csv")).open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    new_ids = {r["indicator"] for r in rows if r["change"] == "new indicator"}
    parity, female, male = f"{NEW}_gender_parity", f"{NEW}_female", f"{NEW}_male"
    assert new_ids == {NEW, female, male, parity}
    raw = fixture_frame()
    totals = raw.loc[
        (raw["SEX"] == "_T")
        & (raw["AGE"] == "_T")
        & ~raw["REF_AREA"].isin(["WLD", "SSF"])
        & (raw["OBS_VALUE"] != "")
    ]
    added = [r for r in rows if r["change"] == "new value" and r["indicator"] == NEW]
    assert len(added) == len(totals)
    assert any(r["change"] == "group aggregate new" and r["iso3"] == "itu-cis" for r in rows)
    skipped = [r for r in rows if r["change"] == "row skipped"]
    assert {r["iso3"] for r in skipped} >= {"WLD", "SSF", "SEX=_T AGE=Y15T24 URBANISATION=_T"}

    # Apply: kept with its checksum, rebuilt and published.
    assert run(place, str(DATA360), "--indicator", NEW) == 0
    entries = userdata.read_manifest(place["user"])
    assert len(entries) == 1
    entry = entries[0]
    stored = place["user"] / userdata.FILES / entry["file"]
    assert stored.read_bytes() == DATA360.read_bytes()
    assert entry["sha256"] == userdata.sha256_file(DATA360)
    assert entry["origin"] == str(DATA360) and entry["added_at"]
    applied = dataset_bytes(place["out"])
    assert applied != before

    ds, client = client_for(place["out"])
    listed = {i["id"]: i for i in client.get(f"{API}/indicators").get_json()["indicators"]}
    assert {NEW, female, male, parity} <= set(listed)
    assert listed[NEW]["sources"] == [entry["id"]]
    assert listed[NEW]["licence"] == "CC BY-NC-SA 3.0 IGO"
    # The values are the file's, each naming the added source.
    kaz = totals.loc[(totals["REF_AREA"] == "KAZ") & (totals["TIME_PERIOD"] == "2022")]
    obs = ds.subset(NEW)
    row = obs.loc[(obs["iso3"] == "KAZ") & (obs["year"] == 2022)].iloc[0]
    assert row["value"] == float(kaz["OBS_VALUE"].iloc[0]) and row["source"] == entry["id"]
    pair = ds.subset(female, male, parity)
    at = pair.loc[(pair["iso3"] == "KAZ") & (pair["year"] == 2022)].set_index("indicator")["value"]
    assert at[parity] == pytest.approx(at[female] / at[male], abs=1e-6)
    assert ds.sources.loc[entry["id"], "itu"]
    # Its aggregate for the CIS, where every member reports: within its members' values.
    answer = client.get(f"{API}/aggregates?indicator={NEW}&year=2022&groups=itu-cis").get_json()
    value = answer["rows"][0]["value"]
    members = obs.loc[obs["iso3"].isin(ds.groups["itu-cis"]["members"]) & (obs["year"] == 2022)]
    assert members["value"].min() <= value <= members["value"].max()
    csv_text = client.get(
        f"{API}/observations?indicator={NEW}&countries=KAZ&year=2022&format=csv"
    ).get_data(as_text=True)
    assert entry["id"] in csv_text and "Data360" in csv_text
    # In its theme's list with the title given, in every language (falls back to it).
    for lang in ("en", "fr", "ar"):
        options = indicator_options("access", ds.catalog, lang)
        assert {"label": translate(listed[NEW]["title"], lang), "value": NEW} in options
    assert resolve_indicator("access", NEW, None, ds.catalog.index, ds.catalog) == NEW
    assert NEW not in THEMES["access"].indicators

    # A later build gives the same bytes; remove gives the previous dataset back.
    build.build(place["raw"], place["out"], quiet=True, user=place["user"])
    assert dataset_bytes(place["out"]) == applied
    assert run_remove(place, NEW) == 0
    assert userdata.read_manifest(place["user"]) == []
    assert not stored.exists()
    assert dataset_bytes(place["out"]) == before


def test_bad_file_lists_every_row_and_changes_nothing(place, capsys):
    before = dataset_bytes(place["out"])
    code = run(
        place,
        str(FIXTURES / "bad_tidy.csv"),
        "--indicator",
        "bad_share_pct",
        "--title",
        "A share",
        "--unit",
        "% of population",
    )
    printed = capsys.readouterr().out
    assert code == 1
    assert dataset_bytes(place["out"]) == before
    assert not (place["user"] / userdata.FILES).exists() or not any(
        (place["user"] / userdata.FILES).iterdir()
    )
    assert userdata.read_manifest(place["user"]) == []
    assert "refused, nothing changed" in printed
    assert "line 6 [Atlantis] unknown country name 'Atlantis'" in printed
    assert "[World] aggregate" in printed and "[WLD] aggregate" in printed
    assert "line 2 [KEN 2022] duplicate" in printed and "line 9 [KEN 2022] duplicate" in printed
    assert "line 10 [BRA 2022 = 140] bad_share_pct: share outside [0, 100]" in printed
    assert "line 11 [Brazil 2023] no value" in printed
    # Names in other spellings and languages are found, not listed.
    for name in ("Ivory Coast", "Côte d’Ivoire", "中国"):
        assert f"[{name}]" not in printed


def test_reader_maps_names_like_the_search(place):
    codes = build._SHIPPED[build._inputs_key(place["raw"])]["codes"]
    economies = userdata.Economies.from_codes(codes)
    assert economies.code("Ivory Coast") == ("CIV", "")
    assert economies.code("Chine") == ("CHN", "")
    assert economies.code("Россия")[0] is None or economies.code("Russia") == ("RUS", "")
    assert economies.code("Российская Федерация") == ("RUS", "")
    assert economies.code("WBG") == ("PSE", "")
    assert economies.code("SSA") == (None, userdata.AGGREGATE_REASON)
    assert economies.code("XYZ") == (None, "unknown country code 'XYZ'")


def test_tidy_sheet_of_three_countries_becomes_an_indicator(place, capsys):
    before = dataset_bytes(place["out"])
    sheet, meta = FIXTURES / "schools_three.csv", FIXTURES / "schools_three.json"
    assert run(place, str(sheet), "--meta", str(meta), "--dry-run") == 0
    assert dataset_bytes(place["out"]) == before
    assert run(place, str(sheet), "--meta", str(meta)) == 0
    capsys.readouterr()
    spec = json.loads(meta.read_text(encoding="utf-8"))
    ds, client = client_for(place["out"])
    listed = {i["id"]: i for i in client.get(f"{API}/indicators").get_json()["indicators"]}
    got = listed[spec["id"]]
    assert (got["title"], got["unit"], got["theme"], got["aggregation"]) == (
        spec["title"],
        spec["unit"],
        spec["theme"],
        spec["aggregation"],
    )
    source = got["sources"][0]
    assert ds.sources.loc[source, "publisher"] == spec["publisher"]
    assert not ds.sources.loc[source, "itu"]
    values = pd.read_csv(sheet)
    answer = client.get(
        f"{API}/observations?indicator={spec['id']}&countries=KEN,GHA,SEN&start=2021&end=2023"
    ).get_json()
    served = {(r["iso3"], r.get("year", r.get("year_of_data"))): r["value"] for r in answer["rows"]}
    assert served == {(r.iso3, r.year): r.value for r in values.itertuples()}
    assert {"label": spec["title"], "value": spec["id"]} in indicator_options(
        "access", ds.catalog, "en"
    )
    assert np.isfinite(float(values["value"].median()))
    assert run_remove(place, str(sheet)) == 0
    assert dataset_bytes(place["out"]) == before


def test_prefer_user_decides_overlaps_and_each_value_keeps_its_source(place, tmp_path, capsys):
    before = dataset_bytes(place["out"])
    ds = load.read_dataset(place["out"])
    shipped = ds.subset("internet_users_pct")
    kenya = shipped.loc[shipped["iso3"] == "KEN"].sort_values("year").iloc[-1]
    year, old = int(kenya["year"]), float(kenya["value"])
    sheet = tmp_path / "kenya_internet.csv"
    sheet.write_text(f"iso3,year,value\nKEN,{year},{old + 5:.1f}\n", encoding="utf-8")
    args = [str(sheet), "--indicator", "internet_users_pct", "--source", "Test office"]
    assert run(place, *args) == 0
    after = load.read_dataset(place["out"]).subset("internet_users_pct")
    row = after.loc[(after["iso3"] == "KEN") & (after["year"] == year)].iloc[0]
    assert (row["value"], row["source"]) == (old, kenya["source"])
    assert run_remove(place, "internet_users_pct") == 0
    assert run(place, *args, "--prefer-user", "--dry-run") == 0
    printed = capsys.readouterr().out
    assert f"revised: internet_users_pct KEN {year}" in printed
    assert run(place, *args, "--prefer-user") == 0
    after = load.read_dataset(place["out"]).subset("internet_users_pct")
    row = after.loc[(after["iso3"] == "KEN") & (after["year"] == year)].iloc[0]
    assert row["value"] == pytest.approx(old + 5, abs=0.051)
    assert str(row["source"]).startswith(userdata.SOURCE_PREFIX)
    assert run_remove(place, str(sheet)) == 0
    assert dataset_bytes(place["out"]) == before
