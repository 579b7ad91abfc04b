"""The estimation method on small hand-made panels."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from data.estimate import KINDS, Params, estimate_panel, kind_shares

YEARS = list(range(2010, 2021))


def panel(rows: dict[str, dict[int, float]], years=YEARS) -> pd.DataFrame:
    frame = pd.DataFrame(np.nan, index=pd.Index(list(rows), name="iso3"), columns=years)
    for iso3, values in rows.items():
        for year, value in values.items():
            frame.loc[iso3, year] = value
    return frame


def peers(mapping: dict[str, tuple[str, str]]) -> pd.DataFrame:
    return pd.DataFrame(
        [{"iso3": k, "region": r, "income": i} for k, (r, i) in mapping.items()]
    ).set_index("iso3")


PEERS = peers(
    {
        "AAA": ("africa", "low"),
        "BBB": ("africa", "low"),
        "CCC": ("africa", "low"),
        "DDD": ("africa", "low"),
        "EEE": ("europe", "high"),
    }
)
BASE = {
    "AAA": {y: 10.0 + 2 * (y - 2010) for y in YEARS},
    "BBB": {y: 20.0 + 2 * (y - 2010) for y in YEARS},
    "CCC": {y: 30.0 + 2 * (y - 2010) for y in YEARS},
    "EEE": {y: 80.0 + (y - 2010) for y in YEARS},
}


def test_reported_values_stay_as_they_are():
    values, kinds = estimate_panel(panel(BASE), PEERS)
    assert values.loc["AAA", 2015] == pytest.approx(20.0)
    assert (kinds.loc[["AAA", "BBB", "CCC", "EEE"]] == "reported").all().all()


def test_history_follows_the_trend_damped_and_never_looks_forward():
    rows = dict(BASE, DDD={2012: 30.0, 2013: 33.0, 2014: 36.0})
    values, kinds = estimate_panel(panel(rows), PEERS)
    assert kinds.loc["DDD", 2015] == "history"
    assert 36.0 < values.loc["DDD", 2015] < 39.0  # rising, but less than the full 3-point step
    steps = values.loc["DDD", 2015:2019].diff().dropna()
    assert (steps > 0).all() and (steps.diff().dropna() < 0).all()  # damped: smaller each year
    # A later report changes nothing before it.
    later = dict(rows, DDD={2012: 30.0, 2013: 33.0, 2014: 36.0, 2018: 90.0})
    again, _ = estimate_panel(panel(later), PEERS)
    assert again.loc["DDD", 2010:2017].equals(values.loc["DDD", 2010:2017])
    assert again.loc["DDD", 2018] == pytest.approx(90.0)


def test_age_limit_holds_then_the_economy_is_modelled():
    rows = dict(BASE, DDD={2010: 50.0})
    values, kinds = estimate_panel(panel(rows), PEERS, Params(max_age=3))
    assert list(kinds.loc["DDD", 2011:2013]) == ["history"] * 3
    assert list(kinds.loc["DDD", 2014:2020]) == ["modelled"] * 7


def test_an_economy_without_history_is_modelled_from_its_peers_not_dropped():
    rows = dict(BASE, DDD={})
    values, kinds = estimate_panel(panel(rows), PEERS)
    assert (kinds.loc["DDD"] == "modelled").all()
    # The median of its region-and-income peers AAA, BBB, CCC is BBB's value.
    assert values.loc["DDD", 2015] == pytest.approx(values.loc["BBB", 2015], abs=0.01)


def test_modelled_falls_back_to_all_economies_when_no_peer_group_has_two():
    lone = peers({"EEE": ("europe", "high"), "FFF": ("europe", "high"), "AAA": ("x", "y")})
    rows = {"EEE": {2010: 80.0}, "AAA": {2010: 20.0}, "FFF": {}}
    values, kinds = estimate_panel(panel(rows, [2010]), lone)
    assert kinds.loc["FFF", 2010] == "modelled"
    assert values.loc["FFF", 2010] == pytest.approx(50.0, abs=0.01)


def test_nothing_to_estimate_from_stays_missing():
    values, kinds = estimate_panel(panel({"AAA": {}, "BBB": {}}), PEERS)
    assert values.isna().all().all()
    assert (kinds == "").all().all()


def test_estimates_stay_within_0_and_100():
    rows = dict(BASE, DDD={2010: 90.0, 2011: 97.0, 2012: 99.5})
    values, _ = estimate_panel(panel(rows), PEERS, Params(max_step=5.0, damping=1.0))
    assert values.to_numpy().max() <= 100.0 and values.to_numpy().min() >= 0.0


def test_unbounded_values_never_go_negative():
    rows = {"AAA": {2010: 5.0, 2011: 1.0}, "BBB": {2010: 3.0}}
    values, _ = estimate_panel(panel(rows), PEERS, Params(bounded=False, max_step=5.0))
    assert values.to_numpy()[~np.isnan(values.to_numpy())].min() >= 0.0


def test_the_panel_needs_every_year():
    with pytest.raises(ValueError, match="every year"):
        estimate_panel(panel({"AAA": {2010: 1.0}}, [2010, 2012]), PEERS)


def test_kind_shares_add_up_to_one():
    rows = dict(BASE, DDD={2012: 30.0})
    _, kinds = estimate_panel(panel(rows), PEERS, Params(max_age=2))
    weights = pd.DataFrame(1.0, index=kinds.index, columns=kinds.columns)
    weights.loc["EEE"] = 5.0
    shares = kind_shares(kinds, weights)
    total = shares[[f"{k}_share" for k in KINDS] + ["missing_share"]].sum(axis=1)
    assert np.allclose(total, 1.0)
    assert shares.loc[2015, "modelled_share"] == pytest.approx(1 / 9)
    assert shares.loc[2013, "history_share"] == pytest.approx(1 / 9)
    assert shares.loc[2012, "reported_share"] == pytest.approx(1.0)


def test_a_sparse_series_follows_its_anchor_with_its_own_gap():
    from data.estimate import estimate_relative

    total = panel({k: v for k, v in BASE.items()} | {"DDD": {y: 40.0 for y in YEARS}})
    anchor, anchor_kinds = estimate_panel(total, PEERS)
    # Women's rate: surveyed once (2012), 10 points under the total that year.
    women = panel(
        {
            "DDD": {2012: 30.0},
            "AAA": {2011: 8.0, 2017: 20.0},
            "BBB": {2011: 18.0, 2017: 30.0},
            "CCC": {},
        }
    )
    values, kinds = estimate_relative(women, anchor, anchor_kinds, PEERS, Params(max_age=5))
    assert kinds.loc["DDD", 2012] == "reported" and values.loc["DDD", 2012] == 30.0
    assert kinds.loc["DDD", 2011] == "modelled"  # before its survey: its peers' gap
    assert list(kinds.loc["DDD", 2013:2017]) == ["history"] * 5
    assert list(kinds.loc["DDD", 2018:2020]) == ["modelled"] * 3  # age limit
    # Carried flat on the logit scale: the same total gives the same women's rate.
    assert values.loc["DDD", 2016] == pytest.approx(30.0)
    # An economy never surveyed takes its peers' gap, applied to its own total.
    assert kinds.loc["CCC", 2015] == "modelled"
    assert values.loc["CCC", 2015] < anchor.loc["CCC", 2015]


def test_relative_estimates_never_look_forward():
    from data.estimate import estimate_relative

    total = panel({k: v for k, v in BASE.items()} | {"DDD": {y: 40.0 for y in YEARS}})
    anchor, anchor_kinds = estimate_panel(total, PEERS)
    early = panel({"DDD": {2012: 30.0}, "AAA": {2011: 8.0}, "BBB": {2011: 18.0}})
    late = panel({"DDD": {2012: 30.0, 2016: 39.0}, "AAA": {2011: 8.0}, "BBB": {2011: 18.0}})
    a, _ = estimate_relative(early, anchor, anchor_kinds, PEERS)
    b, _ = estimate_relative(late, anchor, anchor_kinds, PEERS)
    assert a.loc[:, 2010:2015].equals(b.loc[:, 2010:2015])
