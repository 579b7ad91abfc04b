"""The sentences the views put beside charts, checked on small hand-made inputs."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from data import views

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
