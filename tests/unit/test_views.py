"""The sentences the views put beside charts, checked on small hand-made inputs."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from components import figures
from data import query as q
from data import views
from data.load import load_dataset

INTERNET = {"aggregation": "weighted_mean", "weight": "population"}
WOMEN = {"aggregation": "weighted_mean", "weight": "population_female"}
PRICE = {"aggregation": "median", "weight": None}
PARITY = {"aggregation": "ratio", "weight": "population"}


@pytest.mark.parametrize(
    ("spec", "tolerance", "words"),
    [
        (INTERNET, 2, ["weighted by population", "latest value within 2 years"]),
        (WOMEN, 1, ["weighted by female population", "latest value within 1 year;"]),
        (PRICE, 0, ["the median economy", "each member's value for that year"]),
        (PARITY, 5, ["rate for women over its rate for men", "within 5 years"]),
    ],
)
def test_trend_note_says_how_group_lines_are_made(spec, tolerance, words):
    note = views.trend_note(spec, tolerance=tolerance, countries=False)
    for word in words:
        assert word in note
    assert "less than 50% of the group" in note
    assert "Country lines" not in note


def test_trend_note_explains_country_lines_only_when_there_are_some():
    note = views.trend_note(INTERNET, tolerance=2, countries=True, threshold=0.6)
    assert note.endswith("Country lines show only the years each economy reported.")
    assert "less than 60%" in note


def test_map_status_counts_exact_older_and_missing_years():
    frame = pd.DataFrame(
        {
            "iso3": ["KEN", "IND", "DEU", "FRA", "BRA"],
            "year": [2022, 2020, 2021, np.nan, 2022],
            "value": [40.0, 43.0, 91.0, np.nan, 81.0],
            "in_focus": [True, True, True, True, False],
        }
    )
    status = views.map_status(frame, 2022)
    assert status == {
        "requested_year": 2022,
        "exact": 1,
        "older": 2,
        "oldest": 2020,
        "missing": 1,
        "total": 4,
    }
    assert views.map_status_text(status) == (
        "1 economy shows 2022; 2 show an earlier year (2020–2021), the latest available; "
        "1 has no data."
    )


def test_rural_divide_comes_from_itus_group_series_with_its_year():
    ds = load_dataset()
    groups = ["world", "itu-africa", "un-africa", "ldc"]
    frame = views.rural_divide_frame(ds, groups, 2024, views.RURAL_MEASURES["coverage"])
    assert set(frame["measure"]) == {"coverage_3g", "coverage_4g", "coverage_5g"}
    # ITU publishes nothing for the UN's regions: left out, not made up.
    assert "un-africa" not in set(frame["group"])
    row = frame.loc[(frame["group"] == "itu-africa") & (frame["measure"] == "coverage_4g")]
    official = ds.official.set_index(["group", "indicator", "year"])["value"]
    year = int(row["year"].iloc[0])
    assert year == 2024
    assert row["rural"].iloc[0] == official[("itu-africa", "coverage_4g_rural_pct", year)]
    assert row["gap"].iloc[0] == pytest.approx(row["urban"].iloc[0] - row["rural"].iloc[0])
    # A year before ITU's first gives nothing rather than a later year's values.
    assert views.rural_divide_frame(ds, groups, 2010, views.RURAL_MEASURES["access"]).empty


def test_rural_divide_figure_has_a_panel_per_measure_and_names_the_groups_only_rule():
    ds = load_dataset()
    frame = views.rural_divide_frame(ds, ["world", "ldc"], 2023, views.RURAL_MEASURES["coverage"])
    fig = figures.rural_divide_figure(frame, title="Rural divide")
    assert [a.text for a in fig.layout.annotations][:3] == [
        "3G coverage",
        "4G coverage",
        "5G coverage",
    ]
    assert "groups only" in fig.layout.title.subtitle.text
    assert {t.name for t in fig.data if t.showlegend is not False} == {"Urban areas", "Rural areas"}


@pytest.mark.parametrize("method", ["estimated", "reported", "official"])
def test_group_values_from_the_cached_table_equal_a_fresh_computation(method):
    ds = load_dataset()
    groups, years = ["ldc", "world", "itu-africa"], [2012, 2019, 2023]
    cached = views.group_values(ds, "internet_users_pct", groups, years, method=method)
    again = views.group_values(ds, "internet_users_pct", groups, years, method=method)
    fresh = views._compute_group_values(
        ds, "internet_users_pct", groups, years, method=method, tolerance=2
    )
    pd.testing.assert_frame_equal(cached, fresh, check_dtype=False)
    pd.testing.assert_frame_equal(again, fresh, check_dtype=False)
    assert list(cached["group"]) == [g for g in groups for _ in years]


def test_group_values_outside_the_years_are_withheld_not_invented():
    ds = load_dataset()
    out = views.group_values(ds, "internet_users_pct", ["world"], [1950], method="reported")
    assert out["value"].isna().all() and out["withheld"].all()


# --------------------------------------------------------------------------- affordability


@pytest.fixture(scope="module")
def ds():
    return load_dataset()


@pytest.mark.parametrize(
    ("indicator", "year", "group"),
    [
        ("price_fixed_broadband_gni_pct", 2023, None),
        ("price_mobile_broadband_gni_pct", 2025, "itu-africa"),
        ("price_mobile_1gb_a4ai_gni_pct", 2018, None),
    ],
)
def test_the_list_above_target_is_the_maps_data_for_that_year(ds, indicator, year, group):
    tolerance = views.indicator_tolerance(ds, indicator)
    rows, with_data = views.above_target(ds, indicator, year, tolerance=tolerance, group=group)
    frame = views.map_frame(ds, indicator, year, tolerance=tolerance, group=group)
    shown = frame.loc[frame["in_focus"] & frame["value"].notna()]
    target = views.indicator_spec(ds, indicator)["target"]
    assert with_data == len(shown)
    expected = shown.loc[shown["value"] > target].set_index("iso3")
    assert 0 < len(rows) < with_data
    assert set(rows["iso3"]) == set(expected.index)
    mine = rows.set_index("iso3").loc[expected.index]
    assert mine["value"].tolist() == expected["value"].tolist()
    assert mine["year"].tolist() == expected["year"].tolist()
    assert mine["name"].tolist() == expected["name"].tolist()
    assert (mine["gap"] - (mine["value"] - target)).abs().max() < 1e-9
    assert (rows["gap"] > 0).all()
    assert rows["value"].is_monotonic_decreasing
    # at the target meets it: never listed
    assert not (rows["value"] == target).any()


def test_no_list_for_prices_without_a_target(ds):
    rows, with_data = views.above_target(ds, "price_fixed_broadband_usd", 2023, tolerance=2)
    assert rows.empty and with_data > 100


def test_the_csv_of_the_list_carries_the_credits_of_every_other_csv(ds):
    from data import export
    from data.catalog import ITU_NOTICE

    indicator = "price_fixed_broadband_gni_pct"
    rows, _n = views.above_target(ds, indicator, 2023, tolerance=2)
    table = export.above_target_frame(
        ds, views.above_target_rows(rows, indicator), target=2.0, lang="fr"
    )
    assert len(table) == len(rows)
    assert list(table.columns[:3]) == ["iso3", "country", "name"]
    value_at = list(table.columns).index("value")
    assert list(table.columns[value_at : value_at + 3]) == ["value", "target", "gap_to_target"]
    assert (table["gap_to_target"] - (table["value"] - 2.0)).abs().max() < 1e-6
    assert table["licence"].notna().all() and table["source_citation"].notna().all()
    notices = export.notices_for(ds, table)
    assert ITU_NOTICE in notices
    assert export.csv_bytes(table, notices=notices).startswith(export.BOM.encode("utf-8"))


@pytest.mark.parametrize(
    ("value", "rounded"), [(88.7225, 90), (149.15, 150), (40.03, 45), (7.954, 8), (90, 90)]
)
def test_price_colour_ranges_end_on_round_amounts(value, rounded):
    assert views.nice_ceiling(value) == rounded


def test_price_maps_in_dollars_end_on_a_round_amount(ds):
    low, high = views.colour_range(ds, "price_fixed_broadband_usd")
    assert low == 0 and high == views.nice_ceiling(high)


# --------------------------------------------------------------------------- people offline


def test_the_gap_in_people_follows_the_rates_not_the_head_counts(ds):
    groups = ["world", *[gid for gid, g in ds.groups.items() if g["kind"] == "itu"]]
    frame = views.gender_people_frame(ds, groups, 2023, tolerance=5)
    shown = frame.loc[frame["gap_people"].notna()]
    assert len(shown) >= 5
    for row in shown.itertuples():
        women_rate = row.women_online / (row.women_online + row.women_offline)
        men_rate = row.men_online / (row.men_online + row.men_offline)
        parity = women_rate / men_rate
        words = figures.views._gap_words(row.gap_people)
        if parity < 0.99:
            assert row.gap_people > 0, row.group
            assert "more women would be online at men's rate" in words, row.group
        if parity > 1.01:
            assert row.gap_people < 0, row.group
            assert "fewer women would be online at men's rate" in words, row.group
        assert "more women online" not in words
        # the gap is the women who would be online at men's rate, beyond those who are
        assert row.gap_people == pytest.approx(row.women_at_mens_rate - row.women_online)
    europe = frame.set_index("group").loc["itu-europe"]
    # more women than men online in Europe, yet women's rate is lower: the gap says so
    assert europe["women_online"] > europe["men_online"] and europe["gap_people"] > 0


@pytest.mark.parametrize(("year", "tolerance"), [(2023, 2), (2019, 0), (2015, 5)])
def test_gender_people_in_one_pass_equal_each_group_counted_alone(ds, year, tolerance):
    """All groups' women and men offline come from one pass over the observations; each
    group's numbers equal those counted for that group on its own (q.people_count over the
    economies with both sexes measured in the same year)."""
    groups = ["world", "ldc", "itu-africa", "itu-europe", "income-low", "sids"]
    frame = views.gender_people_frame(ds, groups, year, tolerance=tolerance).set_index("group")
    rows = ds.subset(
        "internet_users_female_pct",
        "internet_users_male_pct",
        "population_female",
        "population_male",
    )
    assert frame["women_offline"].notna().any()
    for gid in groups:
        members = q.group_members(ds.groups, gid)
        both = views.dumbbell_frame(ds, members, year, tolerance=tolerance)["iso3"].tolist()
        assert frame.loc[gid, "members_with_data"] == len(both)
        if frame.loc[gid, "women_offline"] is None or pd.isna(frame.loc[gid, "women_offline"]):
            continue  # withheld: too little of the group's population measured
        for sex, column in (("female", "women"), ("male", "men")):
            alone = q.people_count(
                rows,
                both,
                year,
                share_indicator=f"internet_users_{sex}_pct",
                population_indicator=f"population_{sex}",
                complement=True,
                tolerance=tolerance,
            )
            assert frame.loc[gid, f"{column}_offline"] == pytest.approx(alone["people"])


@pytest.mark.parametrize(("year", "tolerance"), [(2023, 2), (2015, 5)])
def test_coverage_layers_in_one_pass_equal_each_group_counted_alone(ds, year, tolerance):
    """The coverage view's layers for all groups come from one pass (q.coverage_by_member);
    each group's rows equal q.coverage_layers for that group alone."""
    groups = ["world", "ldc", "itu-africa", "itu-americas", "income-high", "lldc"]
    frame = views.coverage_frame(ds, groups, year, tolerance=tolerance)
    rows = ds.subset(*views.COVERAGE_INDICATORS, "population")
    assert frame["people"].notna().any()
    for gid in groups:
        alone = q.coverage_layers(rows, q.group_members(ds.groups, gid), year, tolerance=tolerance)
        mine = frame.loc[frame["group"] == gid, alone.columns].reset_index(drop=True)
        pd.testing.assert_frame_equal(mine, alone, check_dtype=False)
