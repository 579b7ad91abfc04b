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
import xlsxwriter
from flask import Flask

from api import create_api, export
from api.contract import ApiError
from components.themes import THEMES, indicator_options, resolve_indicator
from data import add, build, load, userdata
from data.i18n import translate

pytestmark = pytest.mark.slow

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


class Served:
    """The dataset in service, for code that draws with it (``load.LIVE``)."""

    def __init__(self, ds):
        self.ds = ds

    def get(self):
        return self.ds


def test_data360_export_dry_run_apply_serve_and_remove(place, capsys, monkeypatch):
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
    # Women's and men's values are shares of women and of men, as the shipped series by sex say.
    assert (listed[female]["unit"], listed[male]["unit"]) == (
        "% of female population",
        "% of male population",
    )
    assert listed[female]["unit"] == ds.catalog.loc["internet_users_female_pct", "unit"]
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
    # The page's view API and the chart exports take it as the page's address does.
    view = client.get(f"{API}/view?theme=access&indicator={NEW}&year=2022").get_json()
    assert view["query"]["indicator"] == NEW
    assert {r["indicator"] for r in view["rows"]} == {NEW}
    on_map = next(r for r in view["rows"] if r["chart"] == "map" and r["iso3"] == "KAZ")
    assert (on_map["value"], on_map["source"]) == (row["value"], entry["id"])
    view = client.get(f"{API}/view?theme=gender&indicator={parity}&format=csv")
    assert view.status_code == 200 and parity in view.get_data(as_text=True)
    refused = client.get(f"{API}/view?theme=access&indicator={parity}").get_json()["error"]
    assert refused["parameter"] == "indicator" and NEW in refused["valid"]
    assert parity not in refused["valid"]  # a gender indicator, not one of access's
    monkeypatch.setattr(load, "LIVE", Served(ds))  # the exports draw with the dataset in service
    shown = export.check_view({"theme": "gender", "indicator": parity, "year": "2022"}, ds)
    chart = export.build_chart(ds, shown, "map", "en")
    assert chart.sources == [entry["id"]] and chart.slug.endswith(f"-{parity}-2022")
    drawn = dict(zip(chart.figure.data[0].locations, chart.figure.data[0].z, strict=True))
    assert drawn["KAZ"] == pytest.approx(at[parity], abs=0.005)
    with pytest.raises(ApiError) as error:
        export.check_view({"theme": "gender", "indicator": "no_such"}, ds)
    assert parity in error.value.valid
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


def _gender_gap_economy_year(ds) -> tuple[str, int]:
    """An economy-year with Internet use but neither women's nor men's values shipped."""
    total = ds.subset("internet_users_pct")
    by_sex = ds.subset("internet_users_female_pct", "internet_users_male_pct")
    have = set(zip(by_sex["iso3"], by_sex["year"], strict=True))
    keys = zip(total["iso3"], total["year"], strict=True)
    free = total.loc[[key not in have for key in keys]]
    free = free.loc[free["year"] >= 2015].sort_values(["year", "iso3"])
    first = free.iloc[-1]
    return str(first["iso3"]), int(first["year"])


def test_women_and_men_added_to_shipped_series_derive_their_parity(place, tmp_path, capsys):
    """Women's and men's Internet use added for an economy-year the shipped series lack get
    their parity score and gap, credited to the added file; a women's value that replaces a
    shipped one beside a shipped men's value leaves no parity there (two releases), and the
    build report says so."""
    before = dataset_bytes(place["out"])
    ds = load.read_dataset(place["out"])
    shipped = ds.subset("internet_gender_parity")
    iso3, year = _gender_gap_economy_year(ds)
    female, male = tmp_path / "women.csv", tmp_path / "men.csv"
    female.write_text(f"iso3,year,value\n{iso3},{year},60.0\n", encoding="utf-8")
    male.write_text(f"iso3,year,value\n{iso3},{year},75.0\n", encoding="utf-8")
    office = ["--source", "Test statistics office"]
    assert run(place, str(female), "--indicator", "internet_users_female_pct", *office) == 0
    one_side = load.read_dataset(place["out"]).subset("internet_gender_parity")
    assert one_side.loc[(one_side["iso3"] == iso3) & (one_side["year"] == year)].empty
    assert run(place, str(male), "--indicator", "internet_users_male_pct", *office) == 0
    capsys.readouterr()
    ds = load.read_dataset(place["out"])
    women_source = userdata.read_manifest(place["user"])[0]["id"]
    derived = ds.subset("internet_gender_parity", "internet_gender_gap_pp")
    here = derived.loc[(derived["iso3"] == iso3) & (derived["year"] == year)]
    here = here.set_index("indicator")
    assert here.loc["internet_gender_parity", "value"] == pytest.approx(0.8)
    assert here.loc["internet_gender_gap_pp", "value"] == pytest.approx(15.0)
    assert set(here["source"]) == {women_source} and here["derived"].all()
    # Everywhere else the shipped parity is untouched.
    assert len(ds.subset("internet_gender_parity")) == len(shipped) + 1
    assert run_remove(place, str(male)) == 0
    assert run_remove(place, str(female)) == 0
    assert dataset_bytes(place["out"]) == before

    # A shipped pair with only the women's value replaced: no parity from two releases.
    pairs = ds.subset("internet_users_female_pct", "internet_users_male_pct")
    kenya = pairs.loc[pairs["iso3"] == "KEN"].sort_values("year")
    kenya_year = int(kenya["year"].iloc[-1])
    women = float(kenya.loc[kenya["indicator"] == "internet_users_female_pct", "value"].iloc[-1])
    sheet = tmp_path / "kenya_women.csv"
    sheet.write_text(f"iso3,year,value\nKEN,{kenya_year},{women + 2:.1f}\n", encoding="utf-8")
    args = [str(sheet), "--indicator", "internet_users_female_pct", *office, "--prefer-user"]
    assert run(place, *args) == 0
    after = load.read_dataset(place["out"]).subset("internet_gender_parity")
    assert after.loc[(after["iso3"] == "KEN") & (after["year"] == kenya_year)].empty
    assert len(after) == len(shipped) - 1
    report = json.loads((load.dataset_folder(place["out"]) / "build_report.json").read_text())
    said = [d for d in report["dropped"] if d["reason"].startswith("no parity:")]
    assert [(d["key"], d["n"]) for d in said] == [(f"KEN {kenya_year}", 1)]
    assert run_remove(place, str(sheet)) == 0
    assert dataset_bytes(place["out"]) == before


def test_excel_sheet_of_a_workbook_becomes_an_indicator(place, tmp_path, capsys):
    """A workbook as a statistics office sends it: a data sheet (names in several languages,
    an empty row, a missing value) and a notes sheet. The sheet to read must be named."""
    before = dataset_bytes(place["out"])
    book = tmp_path / "schools.xlsx"
    rows = [
        ("Country", "Year", "Value"),
        ("Kenya", 2022, 41.5),
        ("Ghana", 2022, 55.25),
        (None, None, None),
        ("Sénégal", 2023, 38),
        ("Brazil", 2023, None),
    ]
    with xlsxwriter.Workbook(book) as workbook:
        data = workbook.add_worksheet("Data")
        for r, values in enumerate(rows):
            for c, value in enumerate(values):
                if value is not None:
                    data.write(r, c, value)
        workbook.add_worksheet("Notes").write(0, 0, "Survey of 2023; values are shares.")
    options = [
        "--indicator",
        "schools_online_pct",
        "--title",
        "Schools connected to the Internet",
        "--unit",
        "% of schools",
        "--source",
        "Test statistics office",
    ]
    assert run(place, str(book), *options, "--dry-run") == 1
    said = capsys.readouterr().err
    assert "2 sheets (Data, Notes)" in said and "--sheet" in said
    assert run(place, str(book), *options, "--sheet", "Cover") == 1
    assert "no sheet 'Cover'; its sheets: Data, Notes" in capsys.readouterr().err
    assert run(place, str(book), *options, "--sheet", "Data", "--dry-run") == 0
    printed = capsys.readouterr().out
    assert "line 6 [Brazil 2023] no value" in printed
    assert "line 4" not in printed  # the empty row is no row of data
    assert dataset_bytes(place["out"]) == before
    assert run(place, str(book), *options, "--sheet", "Data") == 0
    assert userdata.read_manifest(place["user"])[0]["sheet"] == "Data"
    ds, client = client_for(place["out"])
    answer = client.get(
        f"{API}/observations?indicator=schools_online_pct&countries=KEN,GHA,SEN&start=2021"
    ).get_json()
    served = {(r["iso3"], r.get("year", r.get("year_of_data"))): r["value"] for r in answer["rows"]}
    assert served == {("KEN", 2022): 41.5, ("GHA", 2022): 55.25, ("SEN", 2023): 38.0}
    # A rebuild reads the same sheet again: the same bytes.
    applied = dataset_bytes(place["out"])
    build.build(place["raw"], place["out"], quiet=True, user=place["user"])
    assert dataset_bytes(place["out"]) == applied
    assert run_remove(place, str(book)) == 0
    assert dataset_bytes(place["out"]) == before


def test_percentages_stored_as_fractions_are_pointed_out(place, tmp_path, capsys):
    """A sheet whose cells show 42% holds 0.42: shares of a percentage unit all between 0 and
    1 are used as given, with a warning in the plan and the report."""
    sheet = tmp_path / "fractions.csv"
    sheet.write_text("iso3,year,value\nKEN,2022,0.42\nGHA,2022,0.5\nSEN,2022,0.31\n")
    options = ["--indicator", "schools_pct", "--title", "Schools", "--unit", "% of schools"]
    reports = tmp_path / "reports"
    assert run(place, str(sheet), *options, "--dry-run", "--report", str(reports)) == 0
    printed = capsys.readouterr().out
    assert "1 warning(s) to read" in printed and "0 row(s) left out with a reason" in printed
    assert "warning: file [schools_pct] every value lies between 0 and 1" in printed
    with next(reports.glob("*.csv")).open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert [r["change"] for r in rows].count("warning") == 1
    assert sum(r["change"] == "new value" for r in rows) == 3
    whole = tmp_path / "percent.csv"
    whole.write_text("iso3,year,value\nKEN,2022,42\nGHA,2022,50\nSEN,2022,0.5\n")
    assert run(place, str(whole), *options, "--dry-run", "--report", str(reports)) == 0
    assert "warning" not in capsys.readouterr().out


def test_a_file_that_is_no_spreadsheet_is_refused_by_name(place, tmp_path, capsys):
    before = dataset_bytes(place["out"])
    fake = tmp_path / "values.xlsx"
    fake.write_text("iso3,year,value\nKEN,2022,41.5\n", encoding="utf-8")
    assert run(place, str(fake), "--indicator", "x_pct", "--title", "X", "--unit", "%") == 1
    said = capsys.readouterr().err
    assert "values.xlsx: not a spreadsheet that can be read" in said and "Nothing changed" in said
    assert dataset_bytes(place["out"]) == before
    assert userdata.read_manifest(place["user"]) == []


def test_data360_by_sex_of_a_shipped_series_joins_its_women_and_men(place, tmp_path, capsys):
    """An ITU DataHub export of Internet use by sex, added to ``internet_users_pct``: its women
    and men join the shipped women's and men's series (no second pair under other ids), where
    the shipped series have no value; their parity and gap are derived from them."""
    before = dataset_bytes(place["out"])
    shipped = load.read_dataset(place["out"])
    raw = fixture_frame().assign(INDICATOR="ITU_DH_INT_USER_PT")
    path = tmp_path / "ITU_DH_INT_USER_PT.csv"
    raw.to_csv(path, index=False)
    assert run(place, str(path), "--indicator", "internet_users_pct") == 0
    capsys.readouterr()
    ds = load.read_dataset(place["out"])
    source = userdata.read_manifest(place["user"])[0]["id"]
    assert not [i for i in ds.catalog.index if i.startswith("internet_users_pct_")]
    economies = ~raw["REF_AREA"].isin(["WLD", "SSF"]) & (raw["OBS_VALUE"] != "")
    whole = economies & (raw["AGE"] == "_T") & (raw["URBANISATION"] == "_T")
    added = {}
    for sex, indicator in (("F", "internet_users_female_pct"), ("M", "internet_users_male_pct")):
        old = shipped.subset(indicator)
        have = set(zip(old["iso3"], old["year"], strict=True))
        rows = raw.loc[whole & (raw["SEX"] == sex)]
        given = {(r.REF_AREA, int(r.TIME_PERIOD)): float(r.OBS_VALUE) for r in rows.itertuples()}
        new = ds.subset(indicator)
        mine = new.loc[new["source"] == source]
        got = {(r.iso3, int(r.year)): r.value for r in mine.itertuples()}
        assert got == {k: v for k, v in given.items() if k not in have}
        added[sex] = got
    both = set(added["F"]) & set(added["M"])
    assert both, "the fixture has economy-years the shipped series by sex lack"
    parity = ds.subset("internet_gender_parity", "internet_gender_gap_pp")
    mine = parity.loc[parity["source"] == source]
    assert set(zip(mine["iso3"], mine["year"], strict=True)) == both
    for r in mine.itertuples():
        women, men = added["F"][(r.iso3, r.year)], added["M"][(r.iso3, r.year)]
        expected = women / men if r.indicator == "internet_gender_parity" else men - women
        assert r.value == pytest.approx(expected, abs=1e-5)
    assert run_remove(place, str(path)) == 0
    assert dataset_bytes(place["out"]) == before
