"""The sentences the views put beside charts, checked on small hand-made inputs."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from components import figures
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
