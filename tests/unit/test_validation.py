"""The estimation method against ITU's official series: a regression fails here.

Bounds (percentage points) for the world and the six ITU regions, as documented in
docs/methodology.md: within 3 points in every year, except 2023 for the world and
Asia-Pacific, where China's newer value (a series break from 75.6% in 2022 to 90.6% in 2023,
after ITU's November 2024 edition) moves ours; without it they are within 3.5 points.
"""

from __future__ import annotations

import pytest

from data.load import load_dataset
from data.validation import CHECKS, comparison, without

REGIONS = [
    "world",
    "itu-africa",
    "itu-americas",
    "itu-arab-states",
    "itu-asia-pacific",
    "itu-cis",
    "itu-europe",
]
BOUND = 3.0
CHINA_BREAK = {("world", 2023): 4.0, ("itu-asia-pacific", 2023): 8.0}


@pytest.fixture(scope="module")
def ds():
    return load_dataset()


@pytest.mark.parametrize("indicator", list(CHECKS))
def test_estimate_stays_within_the_bound_of_itus_series(ds, indicator):
    frame = comparison(ds, indicator, CHECKS[indicator])
    frame = frame.loc[frame["group"].isin(REGIONS)]
    assert frame["itu"].notna().all() and frame["estimated"].notna().all()
    for row in frame.itertuples():
        bound = CHINA_BREAK.get((row.group, row.year), BOUND)
        if indicator != "internet_users_pct":
            bound = BOUND
        assert row.error_estimated <= bound, (
            f"{indicator} {row.group} {row.year}: ours {row.estimated:.1f}, ITU {row.itu:.1f}"
        )


def test_the_estimate_beats_reported_values_only_where_data_are_missing(ds):
    frame = comparison(ds, "internet_users_pct", CHECKS["internet_users_pct"])
    frame = frame.loc[frame["group"].isin(REGIONS)]
    assert frame["error_estimated"].mean() < frame["error_reported"].mean()
    assert frame["error_estimated"].max() < frame["error_reported"].max()


def test_without_chinas_newer_values_the_world_and_asia_pacific_are_close(ds):
    frame = comparison(
        without(ds, "CHN", "internet_users_pct", 2023), "internet_users_pct", [2023]
    ).set_index("group")
    assert frame.at["world", "error_estimated"] <= BOUND
    assert frame.at["itu-asia-pacific", "error_estimated"] <= 3.5
