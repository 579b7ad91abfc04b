"""ITU's official aggregates workbook: the reader's values, its ids and its failures."""

from __future__ import annotations

import pandas as pd
import pytest
from python_calamine import CalamineWorkbook

from data import official
from data.build import default_raw

RAW = default_raw()
MAIN = "By dvpmnt status and spec. reg."
COUNTRY_INDICATORS = {
    "internet_users_pct",
    "internet_users_female_pct",
    "internet_users_male_pct",
    "internet_users_urban_pct",
    "internet_users_rural_pct",
    "mobile_subscriptions_per100",
    "fixed_broadband_per100",
    "coverage_2g_pct",
    "coverage_3g_pct",
    "coverage_4g_pct",
    "internet_gender_parity",
    "mobile_ownership_pct",
    "mobile_ownership_female_pct",
    "mobile_ownership_male_pct",
    "mobile_ownership_gender_parity",
    "mobile_broadband_per100",
}


@pytest.fixture(scope="module")
def frame() -> pd.DataFrame:
    path = RAW / official.OFFICIAL_FILE
    assert path.is_file(), f"{path} not found: is ../shared beside the project?"
    return official.read_itu_aggregates(RAW)


def value(frame: pd.DataFrame, group: str, indicator: str, year: int) -> float:
    rows = frame[
        (frame["group"] == group) & (frame["indicator"] == indicator) & (frame["year"] == year)
    ]
    assert len(rows) == 1, (group, indicator, year)
    return rows["value"].iloc[0]


@pytest.mark.parametrize(
    ("group", "indicator", "year", "expected"),
    [
        ("world", "internet_users_pct", 2024, 67.6),
        ("world", "internet_users_pct", 2005, 15.6),
        ("itu-arab-states", "internet_users_pct", 2023, 68.6),
        ("world", "coverage_5g_pct", 2024, 51.2),
        ("ldc", "coverage_5g_pct", 2020, 0.03),
        ("ldc", "internet_users_female_pct", 2024, 28.7),
        ("income-low", "coverage_4g_rural_pct", 2024, 30.4),
        ("itu-europe", "coverage_5g_rural_pct", 2024, 45.8),
        ("sids", "coverage_2g_rural_pct", 2016, 68.7),
        ("world", "coverage_2g_pct", 2010, 86.4),
        ("world", "mobile_broadband_per100", 2024, 94.6),
        ("income-high", "mobile_subscriptions_per100", 2024, 138.2),
        ("itu-cis", "fixed_broadband_per100", 2024, 25.3),
        ("world", "fixed_telephone_per100", 2024, 10.3),
        ("world", "internet_users_youth_pct", 2024, 78.5),
        ("world", "internet_users_non_youth_pct", 2024, 65.6),
        ("itu-africa", "internet_users_rural_pct", 2024, 22.7),
        ("itu-africa", "mobile_ownership_female_pct", 2024, 59.3),
        ("world", "mobile_ownership_pct", 2019, 70.9),
        # the main sheet's value; the gender sheet repeats it as 33.5
        ("income-lower-middle", "internet_users_pct", 2019, 33.6),
    ],
)
def test_spot_values(frame, group, indicator, year, expected):
    assert value(frame, group, indicator, year) == pytest.approx(expected)


def test_where_a_value_came_from(frame):
    row = frame[
        (frame["group"] == "world")
        & (frame["indicator"] == "internet_users_pct")
        & (frame["year"] == 2024)
    ].iloc[0]
    assert (row["sheet"], row["row"], row["source"]) == (MAIN, 127, "itu-key-ict-2024")
    assert not row["derived"]


def test_shape(frame):
    assert list(frame.columns) == official.COLUMNS
    assert not frame["value"].isna().any()
    assert not frame.duplicated(["group", "indicator", "year"]).any()
    assert frame.equals(frame.sort_values(["indicator", "group", "year"], ignore_index=True))
    assert set(frame["source"]) == {official.OFFICIAL_SOURCE_ID}
    assert frame["year"].between(2005, 2024).all()
    assert frame["derived"].dtype == bool
    assert set(frame["group"]) == set(official.GROUP_NAMES.values())
    percent = frame[frame["indicator"].str.endswith("_pct")]
    assert percent["value"].between(0, 100).all()


def test_all_groups_for_internet_use(frame):
    groups = set(frame.loc[frame["indicator"] == "internet_users_pct", "group"])
    assert len(groups) == 14
    assert groups == set(official.GROUP_NAMES.values())


def test_no_millions_kept(frame):
    # totals in millions run into the thousands; no kept rate comes near that
    assert frame["value"].max() < 200
    assert value(frame, "world", "internet_users_pct", 2024) != pytest.approx(5508.8)


def test_group_only_indicators(frame):
    ids = [row["id"] for row in official.GROUP_ONLY_INDICATORS]
    assert len(ids) == len(set(ids))
    assert not set(ids) & COUNTRY_INDICATORS
    assert set(ids) <= set(frame["indicator"])
    assert set(frame["indicator"]) == set(ids) | COUNTRY_INDICATORS
    assert {"coverage_5g_pct", "coverage_3g_rural_pct", "internet_users_youth_pct"} <= set(ids)
    keys = ["id", "theme", "title", "short_title", "unit", "definition", "source", "code"]
    keys += ["licence", "aggregation", "weight", "component_a", "component_b"]
    keys += ["higher_is_better", "decimals", "bounded", "target"]
    for row in official.GROUP_ONLY_INDICATORS:
        assert list(row) == keys
        assert row["theme"] in {"access", "coverage"}
        assert row["definition"].endswith(
            "(world, regions, income groups, LDCs, LLDCs, SIDS), not by country."
        )
        assert row["source"] == official.OFFICIAL_SOURCE_ID
        assert row["licence"] == "CC BY-NC-SA 3.0 IGO"
        assert row["aggregation"] == "none"
        assert row["bounded"] is row["unit"].startswith("%")
        assert row["bounded"] is row["id"].endswith("_pct")


def test_gender_parity_is_derived(frame):
    derived = frame[frame["derived"]]
    assert set(derived["indicator"]) == {"internet_gender_parity", "mobile_ownership_gender_parity"}
    assert value(frame, "world", "internet_gender_parity", 2024) == round(65.3 / 69.5, 4)
    assert value(frame, "itu-africa", "mobile_ownership_gender_parity", 2024) == round(
        59.3 / 73.4, 4
    )
    wide = frame.pivot_table(index=["group", "year"], columns="indicator", values="value")
    for parity, stem in official.PARITY.items():
        expected = (wide[f"{stem}_female_pct"] / wide[f"{stem}_male_pct"]).round(4).dropna()
        assert wide[parity].dropna().to_dict() == pytest.approx(expected.to_dict())


def test_source_record():
    source = official.OFFICIAL_SOURCE
    assert source["id"] == official.OFFICIAL_SOURCE_ID
    assert source["licence"] == "CC BY-NC-SA 3.0 IGO"
    assert source["itu"] is True
    assert {"publisher", "title", "release", "citation"} <= set(source)
    assert source["citation"].startswith("ITU, Key ICT indicators for the world and regions")


# --------------------------------------------------------------------------- the parser


def block(*rows: list) -> list[list]:
    """A small sheet: one subscriptions block with a Millions and a per-100 column group."""
    return [
        ["Key ICT indicators"],
        [],
        ["", "Millions", "", "", "Per 100 inhabitants "],
        ["", 2023.0, 2024.0, "", 2023.0, 2024.0],
        ["Fixed-broadband subscriptions"],
        *rows,
        ["Notes:"],
        ["Anything", 1.0],
    ]


def test_parse_sheet_reads_the_rate_only():
    rows = block(["World", 1500.0, 1600.0, "", 18.6, "N/A"], ["CIS", 58.4, 63.1, "", 23.5, 25.3])
    assert official.parse_sheet("By BDT region", rows) == [
        {
            "group": "world",
            "indicator": "fixed_broadband_per100",
            "year": 2023,
            "value": 18.6,
            "derived": False,
            "sheet": "By BDT region",
            "row": 6,
        },
        {
            "group": "itu-cis",
            "indicator": "fixed_broadband_per100",
            "year": 2023,
            "value": 23.5,
            "derived": False,
            "sheet": "By BDT region",
            "row": 7,
        },
        {
            "group": "itu-cis",
            "indicator": "fixed_broadband_per100",
            "year": 2024,
            "value": 25.3,
            "derived": False,
            "sheet": "By BDT region",
            "row": 7,
        },
    ]


def test_parse_sheet_reads_breakdowns():
    rows = [
        ["Percentage of individuals using the Internet, by age"],
        ["", "Total", "", "Youth \n(15-24)", "", "Rest of the population"],
        ["", 2024.0, "", 2024.0, "", 2024.0],
        ["Africa", 37.5, "", 53.0, "", 33.6],
    ]
    records = official.parse_sheet("Internet use by age", rows)
    assert {(r["indicator"], r["value"]) for r in records} == {
        ("internet_users_pct", 37.5),
        ("internet_users_youth_pct", 53.0),
        ("internet_users_non_youth_pct", 33.6),
    }


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        (block(["Oceania", 1.0, 2.0, "", 3.0, 4.0]), r"'S' row 6: unknown group 'Oceania'"),
        (block(["World", 1.0, 2.0, "", "n.a.", 4.0]), r"'S' row 6: 'n.a.' is not a number"),
        (block(["World", 1.0, 2.0, 9.9, 3.0, 4.0]), r"'S' row 6: 9.9 in a column with no year"),
        (
            [["Population covered by 6G"], ["", 2024.0], ["World", 1.0]],
            r"'S' row 1: unknown block 'Population covered by 6G'",
        ),
        (
            [["Individuals using the Internet"], ["", "Elderly"], ["", 2024.0], ["World", 1.0]],
            r"'S' row 4: unexpected column group 'elderly'",
        ),
        (
            [["Fixed-telephone subscriptions", "Percentage"], ["", 2024.0], ["World", 1.0]],
            r"'S' row 3: unexpected column group 'percentage'",
        ),
        ([["Individuals using the Internet"], ["World", 1.0]], r"'S' row 2: values before"),
    ],
)
def test_parse_sheet_fails_loudly(rows, message):
    with pytest.raises(ValueError, match=message):
        official.parse_sheet("S", rows)


def test_a_missing_block_raises():
    book = CalamineWorkbook.from_path(str(RAW / official.OFFICIAL_FILE))
    rows = book.get_sheet_by_name("By gender").to_python()
    cut = [row for number, row in enumerate(rows, start=1) if number < 25]  # no ownership block
    records = official.parse_sheet("By gender", cut)
    with pytest.raises(ValueError, match=r"'By gender': no block for mobile_ownership_pct"):
        official.check_blocks("By gender", records)
    one_group = [r for r in records if r["group"] != "sids"]
    with pytest.raises(ValueError, match=r"internet_users_pct lacks groups \['sids'\]"):
        official.check_blocks("By gender", one_group)


def test_repeated_series_must_agree():
    def record(sheet: str, row: int, value: float) -> dict:
        key = {"group": "world", "indicator": "internet_users_pct", "year": 2019}
        return key | {"value": value, "derived": False, "sheet": sheet, "row": row}

    kept = official.deduplicate([record("A", 1, 33.6), record("B", 2, 33.5)])
    assert [(r["sheet"], r["value"]) for r in kept] == [("A", 33.6)]
    with pytest.raises(ValueError, match=r"33.6 on 'A' row 1 but 33.3 on 'B' row 2"):
        official.deduplicate([record("A", 1, 33.6), record("B", 2, 33.3)])
