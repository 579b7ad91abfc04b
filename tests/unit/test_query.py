"""The query layer on small hand-made frames: every number here can be checked by hand."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from data import query as q


def obs_frame(rows: list[tuple]) -> pd.DataFrame:
    """Rows of (iso3, year, indicator, value[, source])."""
    records = []
    for row in rows:
        iso3, year, indicator, value, *rest = row
        records.append(
            {
                "iso3": iso3,
                "year": year,
                "indicator": indicator,
                "value": value,
                "source": rest[0] if rest else "test",
                "experimental": False,
                "series_break": False,
                "derived": False,
                "note": "",
            }
        )
    return pd.DataFrame(records)


CATALOG = pd.DataFrame(
    [
        {"id": "net", "aggregation": "weighted_mean", "weight": "pop"},
        {"id": "net_f", "aggregation": "weighted_mean", "weight": "pop_f"},
        {"id": "net_m", "aggregation": "weighted_mean", "weight": "pop_m"},
        {
            "id": "parity",
            "aggregation": "ratio",
            "weight": "pop",
            "component_a": "net_f",
            "component_b": "net_m",
        },
        {
            "id": "gap",
            "aggregation": "difference",
            "weight": "pop",
            "component_a": "net_m",
            "component_b": "net_f",
        },
        {"id": "price", "aggregation": "median", "target": 2.0},
        {"id": "usd", "aggregation": "median"},
        {"id": "pop", "aggregation": "sum"},
        {"id": "pop_f", "aggregation": "sum"},
        {"id": "pop_m", "aggregation": "sum"},
        {"id": "gni", "aggregation": "none"},
    ]
).set_index("id", drop=False)


# --------------------------------------------------------------------------- filters


FILTER_OBS = obs_frame(
    [
        ("AAA", 2000, "net", 1.0),
        ("AAA", 2001, "net", 2.0),
        ("BBB", 2000, "net", 3.0),
        ("AAA", 2000, "pop", 10.0),
        ("CCC", 2005, "net", 4.0),
    ]
)


@pytest.mark.parametrize(
    ("kwargs", "expected"),
    [
        ({}, 5),
        ({"indicator": "net"}, 4),
        ({"indicator": ["net", "pop"]}, 5),
        ({"indicator": "net", "countries": ["AAA"]}, 2),
        ({"indicator": "net", "start": 2001}, 2),
        ({"indicator": "net", "end": 2000}, 2),
        ({"indicator": "net", "start": 2000, "end": 2000, "countries": ["BBB"]}, 1),
        ({"indicator": "nothing"}, 0),
        ({"countries": []}, 0),
    ],
)
def test_filter_observations(kwargs, expected):
    out = q.filter_observations(FILTER_OBS, **kwargs)
    assert len(out) == expected
    assert list(out.columns) == list(FILTER_OBS.columns)


def test_filter_rejects_reversed_range_and_leaves_input_alone():
    before = FILTER_OBS.copy()
    with pytest.raises(q.QueryError, match="after"):
        q.filter_observations(FILTER_OBS, start=2005, end=2000)
    out = q.filter_observations(FILTER_OBS, indicator="net")
    out.loc[:, "value"] = -1
    pd.testing.assert_frame_equal(FILTER_OBS, before)


def test_group_members_unknown_group():
    groups = {"g": {"members": ["AAA"]}}
    assert q.group_members(groups, "g") == ["AAA"]
    with pytest.raises(q.QueryError, match="unknown group"):
        q.group_members(groups, "nope")


# --------------------------------------------------------------------------- tolerance


TOL_OBS = obs_frame(
    [
        ("AAA", 2015, "net", 10.0),
        ("AAA", 2018, "net", 20.0),
        ("AAA", 2022, "net", 40.0),  # later than the requested years below
        ("BBB", 2019, "net", 30.0),
        ("CCC", 2010, "net", 50.0),
    ]
)


@pytest.mark.parametrize(
    ("year", "tolerance", "expected"),
    [
        # (iso3 -> (value, data year))
        (2018, 0, {"AAA": (20.0, 2018)}),
        (2019, 0, {"BBB": (30.0, 2019)}),
        (2019, 1, {"AAA": (20.0, 2018), "BBB": (30.0, 2019)}),
        (2020, 1, {"BBB": (30.0, 2019)}),
        (2020, 2, {"AAA": (20.0, 2018), "BBB": (30.0, 2019)}),
        (2017, 5, {"AAA": (10.0, 2015)}),  # never 2018's value for 2017
        (2014, 10, {"CCC": (50.0, 2010)}),
        (2021, 0, {}),
    ],
)
def test_values_at_year_tolerance_looks_back_only(year, tolerance, expected):
    out = q.values_at_year(TOL_OBS, "net", year, tolerance=tolerance)
    got = {r.iso3: (r.value, r.year) for r in out.itertuples()}
    assert got == expected
    assert (out["year"] <= year).all()
    assert (out["requested_year"] == year).all()


def test_values_at_year_filters_countries_and_rejects_negative_tolerance():
    out = q.values_at_year(TOL_OBS, "net", 2019, tolerance=5, countries=["BBB"])
    assert out["iso3"].tolist() == ["BBB"]
    with pytest.raises(q.QueryError):
        q.values_at_year(TOL_OBS, "net", 2019, tolerance=-1)


@pytest.mark.parametrize(
    ("years", "tolerance", "expected_values", "expected_years"),
    [
        ([2018, 2019, 2020, 2021], 0, [20.0, None, None, None], [2018, None, None, None]),
        ([2018, 2019, 2020, 2021], 2, [20.0, 20.0, 20.0, None], [2018, 2018, 2018, None]),
        ([2016, 2017], 1, [10.0, None], [2015, None]),
    ],
)
def test_latest_matrix_matches_values_at_year(years, tolerance, expected_values, expected_years):
    values, data_years = q.latest_matrix(TOL_OBS, "net", ["AAA"], years, tolerance)
    got = [None if math.isnan(v) else v for v in values.loc["AAA"]]
    got_years = [None if math.isnan(v) else int(v) for v in data_years.loc["AAA"]]
    assert got == expected_values
    assert got_years == expected_years
    for year, value in zip(years, got, strict=True):
        single = q.values_at_year(TOL_OBS, "net", year, tolerance=tolerance, countries=["AAA"])
        assert (single["value"].tolist() or [None]) == [value]


# --------------------------------------------------------------------------- aggregates


def weighted_obs(values: dict[str, float | None], pops: dict[str, float], year=2020):
    rows = [(iso, year, "pop", p) for iso, p in pops.items()]
    rows += [(iso, year, "net", v) for iso, v in values.items() if v is not None]
    return obs_frame(rows)


@pytest.mark.parametrize(
    ("values", "pops", "value", "coverage", "with_data"),
    [
        # The issue's own example: 10% and 90% with populations 900 and 100 is 18%.
        ({"A": 10.0, "B": 90.0}, {"A": 900, "B": 100}, 18.0, 1.0, 2),
        ({"A": 50.0, "B": 50.0}, {"A": 1, "B": 1}, 50.0, 1.0, 2),
        # B has no value: the aggregate is over A alone, with coverage 900/1000.
        ({"A": 10.0, "B": None}, {"A": 900, "B": 100}, 10.0, 0.9, 1),
        # Coverage 100/1000 is under the 50% threshold: withheld, not 90 and not 0.
        ({"A": None, "B": 90.0}, {"A": 900, "B": 100}, None, 0.1, 1),
        # Nobody has data.
        ({"A": None, "B": None}, {"A": 900, "B": 100}, None, 0.0, 0),
    ],
)
def test_weighted_mean(values, pops, value, coverage, with_data):
    obs = weighted_obs(values, pops)
    out = q.group_aggregate(obs, CATALOG, "net", list(pops), 2020)
    assert out["value"] == (pytest.approx(value) if value is not None else None)
    assert out["coverage"] == pytest.approx(coverage)
    assert out["members_with_data"] == with_data
    assert out["members"] == len(pops)
    assert out["aggregation"] == "weighted_mean"
    assert out["withheld"] is (value is None)


def test_threshold_is_adjustable():
    obs = weighted_obs({"A": None, "B": 90.0}, {"A": 900, "B": 100})
    out = q.group_aggregate(obs, CATALOG, "net", ["A", "B"], 2020, threshold=0.1)
    assert out["value"] == pytest.approx(90.0)
    assert out["withheld"] is False


def test_weighted_mean_uses_tolerance_for_values_but_weights_at_requested_year():
    obs = obs_frame(
        [
            ("A", 2018, "net", 10.0),
            ("A", 2020, "pop", 900.0),
            ("B", 2020, "net", 90.0),
            ("B", 2020, "pop", 100.0),
        ]
    )
    strict = q.group_aggregate(obs, CATALOG, "net", ["A", "B"], 2020)
    assert strict["value"] is None  # B alone covers 10%
    loose = q.group_aggregate(obs, CATALOG, "net", ["A", "B"], 2020, tolerance=2)
    assert loose["value"] == pytest.approx(18.0)
    assert (loose["first_data_year"], loose["last_data_year"]) == (2018, 2020)


def test_member_without_population_counts_as_member_but_not_weight():
    obs = weighted_obs({"A": 10.0, "B": 90.0}, {"A": 900})
    out = q.group_aggregate(obs, CATALOG, "net", ["A", "B"], 2020)
    assert out["value"] == pytest.approx(10.0)
    assert out["members_with_data"] == 1
    assert out["members"] == 2


def gender_obs():
    # Women: 20% of 100 and 80% of 300; men: 40% of 100 and 80% of 300.
    return obs_frame(
        [
            ("A", 2020, "net_f", 20.0),
            ("A", 2020, "net_m", 40.0),
            ("B", 2020, "net_f", 80.0),
            ("B", 2020, "net_m", 80.0),
            ("A", 2020, "pop_f", 100.0),
            ("A", 2020, "pop_m", 100.0),
            ("B", 2020, "pop_f", 300.0),
            ("B", 2020, "pop_m", 300.0),
            ("A", 2020, "pop", 200.0),
            ("B", 2020, "pop", 600.0),
        ]
    )


def test_parity_is_ratio_of_aggregates_not_mean_of_scores():
    out = q.group_aggregate(gender_obs(), CATALOG, "parity", ["A", "B"], 2020)
    female = (20 * 100 + 80 * 300) / 400  # 65
    male = (40 * 100 + 80 * 300) / 400  # 70
    assert out["value"] == pytest.approx(female / male)
    mean_of_scores = (20 / 40 + 80 / 80) / 2  # 0.75
    assert out["value"] != pytest.approx(mean_of_scores)
    assert out["aggregation"] == "ratio"
    assert out["coverage"] == pytest.approx(1.0)


def test_gap_is_difference_of_aggregates():
    out = q.group_aggregate(gender_obs(), CATALOG, "gap", ["A", "B"], 2020)
    assert out["value"] == pytest.approx(70.0 - 65.0)


def test_parity_needs_both_sexes_from_the_same_year():
    obs = gender_obs()
    obs = obs.loc[~((obs["iso3"] == "A") & (obs["indicator"] == "net_m"))]
    extra = obs_frame([("A", 2019, "net_m", 40.0)])
    obs = pd.concat([obs, extra], ignore_index=True)
    out = q.group_aggregate(obs, CATALOG, "parity", ["A", "B"], 2020, tolerance=1)
    # A's female value is from 2020 and its male value from 2019: A is left out.
    assert out["members_with_data"] == 1
    assert out["value"] == pytest.approx(1.0)
    assert out["coverage"] == pytest.approx(600 / 800)


def price_obs(values):
    return obs_frame([(iso, 2021, "price", v) for iso, v in values.items()])


@pytest.mark.parametrize(
    ("values", "members", "median", "under", "share"),
    [
        ({"A": 1.0, "B": 2.0, "C": 5.0}, ["A", "B", "C"], 2.0, 2, 2 / 3),
        ({"A": 1.0, "B": 3.0, "C": 5.0, "D": 7.0}, ["A", "B", "C", "D"], 4.0, 1, 1 / 4),
        ({"A": 0.5, "B": 0.7}, ["A", "B", "C"], 0.6, 2, 1.0),
    ],
)
def test_price_median_with_target_count(values, members, median, under, share):
    out = q.group_aggregate(price_obs(values), CATALOG, "price", members, 2021)
    assert out["value"] == pytest.approx(median)
    assert out["at_or_under_target"] == under
    assert out["share_at_or_under_target"] == pytest.approx(share)
    assert out["coverage"] == pytest.approx(len(values) / len(members))
    assert out["aggregation"] == "median"


def test_median_withheld_when_few_economies_report():
    out = q.group_aggregate(price_obs({"A": 1.0}), CATALOG, "price", ["A", "B", "C"], 2021)
    assert out["value"] is None
    assert out["withheld"] is True
    assert out["members_with_data"] == 1


def test_median_without_target_has_no_target_columns():
    obs = obs_frame([("A", 2021, "usd", 10.0), ("B", 2021, "usd", 30.0)])
    out = q.group_aggregate(obs, CATALOG, "usd", ["A", "B"], 2021)
    assert out["value"] == pytest.approx(20.0)
    assert "at_or_under_target" not in out


def test_sum_and_none_and_unknown():
    obs = obs_frame([("A", 2020, "pop", 10.0), ("B", 2020, "pop", 5.0)])
    assert q.group_aggregate(obs, CATALOG, "pop", ["A", "B"], 2020)["value"] == 15.0
    assert q.group_aggregate(obs, CATALOG, "gni", ["A", "B"], 2020)["value"] is None
    with pytest.raises(q.QueryError, match="unknown indicator"):
        q.group_aggregate(obs, CATALOG, "nope", ["A"], 2020)


def test_aggregate_series_breaks_where_coverage_falls():
    obs = obs_frame(
        [
            ("A", 2019, "pop", 900.0),
            ("B", 2019, "pop", 100.0),
            ("A", 2020, "pop", 900.0),
            ("B", 2020, "pop", 100.0),
            ("A", 2019, "net", 10.0),
            ("B", 2019, "net", 90.0),
            ("B", 2020, "net", 95.0),
        ]
    )
    out = q.aggregate_series(obs, CATALOG, "net", ["A", "B"], [2019, 2020]).set_index("year")
    assert out.loc[2019, "value"] == pytest.approx(18.0)
    assert math.isnan(out.loc[2020, "value"])
    assert out.loc[2020, "coverage"] == pytest.approx(0.1)
    assert bool(out.loc[2020, "withheld"]) is True


# --------------------------------------------------------------------------- people


def test_people_offline_and_by_sex():
    obs = obs_frame(
        [
            ("A", 2020, "net", 25.0),
            ("A", 2020, "pop", 1000.0),
            ("B", 2020, "pop", 500.0),  # no Internet figure: left out, not counted offline
        ]
    )
    out = q.people_count(
        obs, ["A", "B"], 2020, share_indicator="net", population_indicator="pop", complement=True
    )
    assert out["people"] == pytest.approx(750.0)
    assert out["coverage"] == pytest.approx(1000 / 1500)
    assert out["members_with_data"] == 1
    online = q.people_count(
        obs, ["A", "B"], 2020, share_indicator="net", population_indicator="pop"
    )
    assert online["people"] == pytest.approx(250.0)
    nobody = q.people_count(obs, ["B"], 2020, share_indicator="net", population_indicator="pop")
    assert nobody["people"] is None


def test_coverage_layers_add_up():
    obs = obs_frame(
        [
            ("A", 2020, "c2", 90.0),
            ("A", 2020, "c3", 70.0),
            ("A", 2020, "c4", 40.0),
            ("A", 2020, "pop", 1000.0),
            ("B", 2020, "c2", 50.0),  # no 3G/4G value: left out
            ("B", 2020, "pop", 1000.0),
        ]
    )
    out = q.coverage_layers(
        obs, ["A", "B"], 2020, indicators=("c2", "c3", "c4"), population_indicator="pop"
    ).set_index("layer")
    assert out.loc["4G", "people"] == pytest.approx(400.0)
    assert out.loc["3G, not 4G", "people"] == pytest.approx(300.0)
    assert out.loc["2G only", "people"] == pytest.approx(200.0)
    assert out.loc["not covered", "people"] == pytest.approx(100.0)
    assert out["share"].sum() == pytest.approx(1.0)
    assert out["coverage"].iloc[0] == pytest.approx(0.5)
    assert (out["members_with_data"] == 1).all()


def test_coverage_layers_take_one_year_for_all_three_networks():
    obs = obs_frame(
        [
            ("A", 2022, "c2", 90.0),
            ("A", 2022, "c3", 70.0),
            ("A", 2022, "c4", 40.0),
            ("A", 2024, "c4", 60.0),  # a newer 4G value alone is not mixed with 2022's 2G/3G
            ("A", 2024, "pop", 1000.0),
        ]
    )
    out = q.coverage_layers(
        obs, ["A"], 2024, tolerance=2, indicators=("c2", "c3", "c4"), population_indicator="pop"
    ).set_index("layer")
    assert out.loc["4G", "people"] == pytest.approx(400.0)
    assert (out["first_data_year"] == 2022).all() and (out["last_data_year"] == 2022).all()
    none = q.coverage_layers(
        obs, ["A"], 2024, tolerance=1, indicators=("c2", "c3", "c4"), population_indicator="pop"
    )
    assert (none["members_with_data"] == 0).all()


@pytest.mark.parametrize("indicator", ["net", "parity", "gap", "price", "pop", "gni"])
def test_group_aggregates_match_one_call_per_group(indicator):
    obs = pd.concat(
        [gender_obs(), price_obs({"A": 1.0, "B": 3.0}), weighted_obs({"A": 10.0}, {"C": 5.0})],
        ignore_index=True,
    )
    groups = {"ab": ["A", "B"], "a": ["A"], "abc": ["A", "B", "C"], "none": ["Z"]}
    years = [2020, 2021]
    together = q.group_aggregates(obs, CATALOG, indicator, groups, years, tolerance=1)
    for gid, members in groups.items():
        alone = q.aggregate_series(obs, CATALOG, indicator, members, years, tolerance=1)
        mine = together.loc[together["group"] == gid].drop(columns="group").reset_index(drop=True)
        pd.testing.assert_frame_equal(mine, alone, check_dtype=False)


def test_group_aggregates_of_no_groups_is_empty():
    obs = price_obs({"A": 1.0})
    assert q.group_aggregates(obs, CATALOG, "price", {}, [2021]).empty
    assert q.group_aggregates_at(obs, CATALOG, "price", {}, 2021) == {}
