"""Figure builders, checked as data: traces, scales, reference lines and honest gaps."""

from __future__ import annotations

import inspect
import json
import math
import re

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio
import pytest

from components import figures as F
from components import theme

INTERNET = {
    "id": "internet_users_pct",
    "title": "Individuals using the Internet",
    "short_title": "Internet use",
    "unit": "% of population",
    "decimals": 1,
    "higher_is_better": True,
    "target": None,
    "aggregation": "weighted_mean",
}
PRICE = {
    "id": "price_mobile_broadband_gni_pct",
    "title": "Mobile broadband basket price",
    "short_title": "Mobile broadband",
    "unit": "% of GNI p.c.",
    "decimals": 2,
    "higher_is_better": False,
    "target": 2.0,
    "aggregation": "median",
}
PARITY = {
    "id": "internet_gender_parity",
    "title": "Gender parity score, Internet use",
    "short_title": "Gender parity",
    "unit": "ratio (women ÷ men)",
    "decimals": 2,
    "higher_is_better": True,
    "target": 1.0,
    "aggregation": "ratio",
}
GAP = {
    "id": "internet_gender_gap_pp",
    "title": "Gender gap in Internet use",
    "short_title": "Gender gap",
    "unit": "percentage points (men − women)",
    "decimals": 1,
    "higher_is_better": False,
    "target": None,
    "aggregation": "difference",
}

REGIONS = ("Africa", "Americas", "Arab States", "Asia & Pacific", "CIS", "Europe")


# --------------------------------------------------------------------------- frames


def map_frame(n: int = 6, *, seed: int = 0) -> pd.DataFrame:
    """n countries: every third without data, the first half in focus."""
    rng = np.random.default_rng(seed)
    iso3 = [f"{chr(65 + i // 676)}{chr(65 + i // 26 % 26)}{chr(65 + i % 26)}" for i in range(n)]
    values = rng.uniform(1, 99, n).round(3)
    values[::3] = np.nan
    years = np.where(np.isnan(values), np.nan, 2021.0)
    years[1] = 2019.0
    return pd.DataFrame(
        {
            "iso3": iso3,
            "name": [f"Country {code}" for code in iso3],
            "value": values,
            "year": years,
            "requested_year": 2021,
            "source": "ITU World Telecommunication/ICT Indicators Database",
            "note": "",
            "in_focus": [i < n // 2 for i in range(n)],
        }
    )


def trend_frame(*, withheld: bool = True) -> pd.DataFrame:
    rows = []
    for series, label, kind in (
        ("world", "World", "group"),
        ("africa", "Africa (ITU)", "group"),
        ("KEN", "Kenya", "country"),
    ):
        for year in range(2015, 2022):
            hidden = withheld and series == "africa" and year == 2017
            missing = series == "KEN" and year == 2018
            rows.append(
                {
                    "series": series,
                    "label": label,
                    "kind": kind,
                    "year": year,
                    "value": np.nan if hidden or missing else 20.0 + year - 2015,
                    "coverage": 0.73 if kind == "group" else np.nan,
                    "members_with_data": 41 if kind == "group" else pd.NA,
                    "members": 54 if kind == "group" else pd.NA,
                    "withheld": hidden,
                    "data_year": float(year - 1 if year == 2021 else year),
                    "source": "ITU",
                }
            )
    frame = pd.DataFrame(rows)
    frame["members_with_data"] = frame["members_with_data"].astype("Int64")
    frame["members"] = frame["members"].astype("Int64")
    return frame


def coverage_frame() -> pd.DataFrame:
    shares = {
        "world": (0.80, 0.10, 0.05, 0.05),
        "africa": (0.45, 0.25, 0.12, 0.18),
    }
    rows = []
    for group, layer_shares in shares.items():
        for layer, share in zip(F.LAYER_ORDER, layer_shares, strict=True):
            rows.append(
                {
                    "group": group,
                    "label": "World" if group == "world" else "Africa (ITU)",
                    "layer": layer,
                    "people": share * 1.2e9,
                    "share": share,
                    "coverage": 0.92,
                    "members_with_data": 40,
                    "members": 54,
                }
            )
    return pd.DataFrame(rows)


def price_frames() -> tuple[pd.DataFrame, pd.DataFrame]:
    values = {"world": [0.1, 0.5, 1.0, 1.8, 3.1, 20.0, 150.0], "europe": [0.2, 0.4, 0.9, 2.5]}
    points = pd.DataFrame(
        [
            {
                "group": group,
                "label": group.title(),
                "iso3": f"C{i}{group[:2].upper()}",
                "name": f"Country {i}",
                "value": value,
                "year": 2023,
            }
            for group, group_values in values.items()
            for i, value in enumerate(group_values)
        ]
    )
    summary = pd.DataFrame(
        [
            {
                "group": group,
                "label": group.title(),
                "median": float(np.median(group_values)),
                "at_or_under_target": sum(v <= 2 for v in group_values),
                "members_with_data": len(group_values),
                "members": 40,
            }
            for group, group_values in values.items()
        ]
    )
    summary["at_or_under_target"] = summary["at_or_under_target"].astype("Int64")
    return points, summary


def dumbbell_frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "iso3": ["AAA", "BBB", "CCC", "DDD", "EEE"],
            "name": ["Small gap", "Big gap", "Reverse gap", "Middle gap", "Missing"],
            "female": [50.0, 20.0, 62.0, 40.0, np.nan],
            "male": [52.0, 45.0, 60.0, 50.0, 70.0],
            "parity": [50 / 52, 20 / 45, 62 / 60, 0.8, np.nan],
            "year": [2022, 2021, 2022, 2020, 2022],
        }
    )


def gender_people_frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "group": ["world", "africa"],
            "label": ["World", "Africa (ITU)"],
            "women_offline": [1.40e9, 3.9e8],
            "men_offline": [1.20e9, 3.4e8],
            "gap_people": [2.4e8, 4.0e7],
            "coverage": [0.81, 0.62],
        }
    )


def outlines() -> dict:
    features = []
    for index, region in enumerate(REGIONS):
        west = -170 + index * 55
        ring = [[west, -10], [west + 40, -10], [west + 40, 30], [west, 30], [west, -10]]
        features.append(
            {
                "type": "Feature",
                "id": region,
                "properties": {"region": region},
                "geometry": {"type": "Polygon", "coordinates": [ring]},
            }
        )
    return {"type": "FeatureCollection", "features": features}


def region_frame() -> pd.DataFrame:
    values = [37.5, 83.0, np.nan, 66.2, 88.0, 91.3]
    return pd.DataFrame(
        {
            "region": list(REGIONS),
            "label": list(REGIONS),
            "value": values,
            "coverage": [0.9, 0.95, 0.3, 0.9, 0.9, 1.0],
            "members_with_data": [40, 30, 5, 35, 10, 45],
            "members": [44, 35, 22, 38, 12, 46],
        }
    )


def divide_frame() -> pd.DataFrame:
    years = list(range(2005, 2012))
    a = [60.0, 62.0, np.nan, 66.0, 68.0, 70.0, 72.0]
    b = [3.0, 4.0, np.nan, 8.0, 10.0, 11.0, 6.0]
    gap = [x - y for x, y in zip(a, b, strict=True)]
    return pd.DataFrame({"year": years, "a": a, "b": b, "gap": gap})


def annotation_texts(fig: go.Figure) -> list[str]:
    return [annotation.text or "" for annotation in fig.layout.annotations]


def by_name(fig: go.Figure) -> dict[str, go.BaseTraceType]:
    return {trace.name: trace for trace in fig.data}


# --------------------------------------------------------------------------- theme


def test_template_registered_as_default():
    assert "divide" in pio.templates
    assert pio.templates.default == "divide"
    layout = pio.templates["divide"].layout
    # plotly_white's settings are merged in once, at registration.
    assert layout.polar.bgcolor == pio.templates["plotly_white"].layout.polar.bgcolor
    assert layout.font.size >= 15
    assert layout.title.font.size >= 20
    assert list(layout.colorway) == theme.COLORWAY


def test_graph_config_for_slides():
    assert theme.GRAPH_CONFIG["displaylogo"] is False
    assert theme.GRAPH_CONFIG["toImageButtonOptions"]["format"] == "png"
    assert theme.GRAPH_CONFIG["toImageButtonOptions"]["scale"] == 3
    assert {"lasso2d", "select2d"} <= set(theme.GRAPH_CONFIG["modeBarButtonsToRemove"])
    # No button may send a chart to an outside service.
    assert theme.GRAPH_CONFIG["showSendToCloud"] is False
    assert theme.GRAPH_CONFIG["plotlyServerURL"] == ""
    config = theme.graph_config(topojsonURL="/assets/topojson/")
    assert config["topojsonURL"] == "/assets/topojson/"
    assert "topojsonURL" not in theme.GRAPH_CONFIG


def test_no_data_grey_is_not_a_data_colour():
    scale_colours = {
        colour.lower()
        for scale in (theme.SEQUENTIAL, theme.DIVERGING, theme.AFFORDABILITY)
        for _, colour in scale
    }
    assert theme.NO_DATA.lower() not in scale_colours
    assert theme.NO_DATA.lower() != theme.OUT_OF_FOCUS.lower()


# --------------------------------------------------------------------------- format_value


@pytest.mark.parametrize(
    ("value", "spec", "expected"),
    [
        (45.23, INTERNET, "45.2%"),
        (np.nan, INTERNET, "—"),
        (None, INTERNET, "—"),
        (pd.NA, INTERNET, "—"),
        (1.234, PARITY, "1.23 (ratio)"),
        (12.34, GAP, "12.3 pp"),
        (3.1, PRICE, "3.10%"),
        (-0.01, INTERNET, "0.0%"),
        (2_500_000_000, {"unit": "people", "decimals": 0}, "2.50 billion people"),
        (95.06, {"unit": "per 100 people", "decimals": 1}, "95.1 per 100 people"),
    ],
)
def test_format_value(value, spec, expected):
    assert F.format_value(value, spec) == expected


# --------------------------------------------------------------------------- map


def test_map_has_focus_out_of_focus_and_no_data_traces():
    frame = map_frame(12)
    fig = F.map_figure(frame, INTERNET, year=2021, colour_range=(0, 100))
    traces = by_name(fig)
    earlier_name = "Earlier year than 2021 (lighter)"
    assert set(traces) == {"Internet use", earlier_name, "Outside selected group", "No data"}
    for trace in fig.data:
        assert trace.type == "choropleth"
        assert trace.locationmode == "ISO-3"
    focus, earlier, out, missing = (
        traces["Internet use"],
        traces[earlier_name],
        traces["Outside selected group"],
        traces["No data"],
    )
    with_data = frame[frame["value"].notna()]
    fresh = with_data["year"] == 2021
    assert set(focus.locations) == set(with_data.loc[with_data["in_focus"] & fresh, "iso3"])
    assert set(earlier.locations) == set(with_data.loc[with_data["in_focus"] & ~fresh, "iso3"])
    assert set(out.locations) == set(with_data.loc[~with_data["in_focus"], "iso3"])
    assert out.showscale is False
    assert out.marker.opacity < 1
    assert missing.showlegend is True
    assert missing.colorscale[0][1] == theme.NO_DATA
    assert missing.colorscale[-1][1] == theme.NO_DATA


def test_map_draws_values_from_an_earlier_year_lighter_on_the_same_scale():
    frame = map_frame(12)
    fig = F.map_figure(frame, INTERNET, year=2021, colour_range=(0, 100), tolerance=2)
    traces = by_name(fig)
    focus, earlier = traces["Internet use"], traces["Earlier year than 2021 (lighter)"]
    assert list(earlier.locations) == ["AAB"]
    assert earlier.marker.opacity == theme.STALE_OPACITY < 1
    assert focus.marker.opacity is None
    assert earlier.colorscale == focus.colorscale
    assert (earlier.zmin, earlier.zmax) == (focus.zmin, focus.zmax)
    assert earlier.showlegend is True and earlier.showscale is False
    assert "lighter" in fig.layout.title.subtitle.text


def test_map_missing_values_only_in_no_data_trace_and_never_zero():
    frame = map_frame(12)
    fig = F.map_figure(frame, INTERNET, year=2021, colour_range=(0, 100))
    missing_iso = set(frame.loc[frame["value"].isna(), "iso3"])
    traces = by_name(fig)
    assert set(traces["No data"].locations) == missing_iso
    for name in ("Internet use", "Outside selected group"):
        assert not missing_iso & set(traces[name].locations)
        assert all(z is not None and not math.isnan(z) for z in traces[name].z)
    assert 0 not in list(traces["No data"].z)


def test_map_scale_pinned_to_colour_range():
    frame = map_frame(12)
    fig = F.map_figure(frame, INTERNET, year=2021, colour_range=(0, 100))
    focus = by_name(fig)["Internet use"]
    assert (focus.zmin, focus.zmax) == (0, 100)
    # Another year with a narrower spread keeps the same scale.
    narrow = frame.assign(value=frame["value"].clip(40, 60), year=frame["year"] + 1)
    focus_2 = by_name(F.map_figure(narrow, INTERNET, year=2022, colour_range=(0, 100)))
    assert (focus_2["Internet use"].zmin, focus_2["Internet use"].zmax) == (0, 100)
    assert focus.colorbar.title.text == "% of population"


def test_map_geo_is_pinned_and_keeps_zoom():
    fig = F.map_figure(map_frame(), INTERNET, year=2021, colour_range=(0, 100))
    geo = fig.layout.geo
    assert geo.resolution == 110  # the light geometry; smaller economies are dots
    assert geo.projection.type == "natural earth"
    assert geo.projection.rotation.lon == 0
    assert list(geo.lonaxis.range) == [-180, 180]
    assert list(geo.lataxis.range) == [-58, 85]
    assert geo.fitbounds is False
    assert geo.showframe is False
    assert geo.showcoastlines is False
    assert geo.showcountries is True
    assert geo.showocean is False
    assert fig.layout.uirevision == "internet_users_pct"
    assert fig.layout.title.text == "Individuals using the Internet, 2021"


def test_map_draws_economies_too_small_for_the_geometry_as_dots_of_the_same_colour():
    frame = map_frame(6)
    # AAA has no data, AAB an earlier year's value, AAC this year's: all three are dots.
    frame["lon"] = [103.8, 50.5, 20.9, None, None, None]
    frame["lat"] = [1.35, 26.0, 42.6, None, None, None]
    frame.loc[2, "in_focus"] = True
    fig = F.map_figure(frame, INTERNET, year=2021, colour_range=(0, 100))
    areas = [t for t in fig.data if t.type == "choropleth"]
    dots = [t for t in fig.data if t.type == "scattergeo"]
    assert sorted(t.name for t in dots) == sorted(
        t.name for t in areas if set(t.locations) & {"AAA", "AAB", "AAC"}
    )
    for dot in dots:
        area = next(t for t in areas if t.name == dot.name)
        assert dot.showlegend is False and dot.mode == "markers"
        assert dot.hovertemplate.startswith("<b>")
        assert (dot.marker.cmin, dot.marker.cmax) == (area.zmin, area.zmax)
        assert dot.marker.colorscale == area.colorscale
        for lon, colour, name in zip(dot.lon, dot.marker.color, dot.customdata, strict=True):
            iso3 = {103.8: "AAA", 50.5: "AAB", 20.9: "AAC"}[lon]
            assert iso3 in area.locations and name[0] == f"Country {iso3}"
            assert colour == area.z[list(area.locations).index(iso3)]
    no_data = next(t for t in dots if t.name == "No data")
    assert list(no_data.lon) == [103.8]  # missing stays grey, never a colour of the scale


def test_map_hover_names_data_year_and_source():
    fig = F.map_figure(map_frame(), INTERNET, year=2021, colour_range=(0, 100))
    focus, earlier = by_name(fig)["Internet use"], by_name(fig)["Earlier year than 2021 (lighter)"]
    hover = focus.hovertemplate
    assert hover.startswith("<b>%{customdata[0]}</b><br>")
    assert "<br>Data year: 2021" in hover
    assert "<br>Source: ITU World Telecommunication" in hover
    assert "Data year: 2019 (requested 2021)" in earlier.hovertemplate
    assert "% of population" in earlier.hovertemplate
    missing = by_name(fig)["No data"]
    assert "No data for 2021" in missing.hovertemplate
    assert "Data year" not in missing.hovertemplate


def test_map_json_has_no_geometry_and_stays_small():
    fig = F.map_figure(map_frame(200, seed=3), INTERNET, year=2021, colour_range=(0, 100))
    text = fig.to_json()
    assert len(text.encode()) < 40_000
    layout = json.loads(text)["layout"]
    assert "topojson" not in json.dumps(layout["geo"])
    assert "coordinates" not in text
    assert all("geojson" not in trace for trace in json.loads(text)["data"])


def test_parity_scale_has_its_band_centred_on_one():
    frame = map_frame(12).assign(value=lambda f: 0.6 + f["value"] / 125, in_focus=True)
    fig = F.map_figure(frame, PARITY, year=2021, colour_range=(0.6, 1.4))
    focus = by_name(fig)["Gender parity"]
    lo, hi = 0.6, 1.4
    stops = [(pos, colour) for pos, colour in focus.colorscale]
    band_lo, band_hi = (0.98 - lo) / (hi - lo), (1.02 - lo) / (hi - lo)
    inside = [colour for pos, colour in stops if band_lo <= pos <= band_hi]
    assert theme.PARITY in inside
    centre = (1.0 - lo) / (hi - lo)
    assert any(abs(pos - centre) < 1e-6 and colour == theme.PARITY for pos, colour in stops)
    # just outside the band the colour is no longer the band's
    below = [colour for pos, colour in stops if pos < band_lo - 1e-6]
    assert below and below[-1] != theme.PARITY
    assert "parity (0.98–1.02)" in focus.colorbar.ticktext


def test_parity_scale_for_an_uneven_range():
    scale = F.parity_colorscale(0.5, 1.1)
    assert scale[0][0] == 0 and scale[-1][0] == 1
    positions = [pos for pos, _ in scale]
    assert positions == sorted(positions)


def price_frame(values: list[float]) -> pd.DataFrame:
    frame = map_frame(len(values))
    return frame.assign(value=values, year=2021.0, in_focus=True)


PRICES = [0.4, 1.0, 1.9, 2.0, 2.2, 4.9, 7.5, 15.0, 19.9, 35.0, 700.0]


def test_affordability_map_bands_prices_around_the_target():
    fig = F.map_figure(price_frame(PRICES), PRICE, year=2021, colour_range=(0, 102.934))
    focus = by_name(fig)["Mobile broadband"]
    assert (focus.zmin, focus.zmax) == (0, 6)
    # each price lands inside its own band: ≤1, ≤2 (the target included), ≤5, ≤10, ≤20, more
    bands = [int(z) for z in focus.z]
    assert bands == [0, 0, 1, 1, 2, 2, 3, 4, 4, 5, 5]
    assert all(abs(z - round(z)) > 0.01 for z in focus.z), "a value sits on a colour step"
    # one flat colour per band, teal up to the target, warm beyond it
    colours = [
        F.ColourAxis(focus.colorscale, {}, 0, 6).colour(F.affordability_position(v)) for v in PRICES
    ]
    assert colours[2] == colours[3] != colours[4]  # 1.9% and 2% meet the target, 2.2% does not
    assert colours[4] == colours[5]  # 2.2% and 4.9% share a band
    assert colours[4] != colours[7]  # 2.2% no longer looks like 15%
    assert len(set(theme.AFFORDABILITY_BANDS)) == 6


def test_affordability_colour_bar_marks_the_target_and_no_data_cap():
    fig = F.map_figure(price_frame(PRICES), PRICE, year=2021, colour_range=(0, 102.934))
    bar = by_name(fig)["Mobile broadband"].colorbar
    assert list(bar.tickvals) == [0, 1, 2, 3, 4, 5]
    texts = [re.sub(r"<[^>]+>", "", text) for text in bar.ticktext]
    assert texts == ["0%", "1%", "2% target", "5%", "10%", "20%"]
    # the target is the edge between the two teals and the first warm band: a third of the bar
    assert bar.tickvals[texts.index("2% target")] / 6 == pytest.approx(1 / 3)
    assert not any("≥" in text or "102" in text for text in bar.ticktext)
    assert "meets the target" in bar.title.text
    stops = by_name(fig)["Mobile broadband"].colorscale
    at_target = [colour for pos, colour in stops if abs(pos - 1 / 3) < 1e-6]
    assert at_target == [theme.AFFORDABILITY_BANDS[1], theme.AFFORDABILITY_BANDS[2]]


def test_price_maps_in_dollars_keep_a_continuous_scale():
    usd = {**PRICE, "id": "price_mobile_broadband_usd", "unit": "USD", "target": None}
    fig = F.map_figure(price_frame(PRICES), usd, year=2021, colour_range=(0, 90))
    focus = by_name(fig)["Mobile broadband"]
    assert (focus.zmin, focus.zmax) == (0, 90)
    assert list(focus.z) == PRICES
    assert focus.colorbar.ticktext[-1] == "≥ 90"


def test_the_region_map_bands_prices_too():
    frame = region_frame().assign(value=[0.8, 1.5, 2.5, 6.0, 12.0, 30.0])
    fig = F.region_map_figure(frame, PRICE, outlines(), year=2023, colour_range=(0, 100))
    regions = [t for t in fig.data if t.type == "choropleth"][0]
    assert [int(z) for z in regions.z] == [0, 1, 2, 3, 4, 5]
    assert "2% target" in re.sub(r"<[^>]+>", "", " ".join(regions.colorbar.ticktext))


def test_lower_is_better_reverses_the_sequential_scale():
    fig = F.map_figure(map_frame(), GAP, year=2021, colour_range=(0, 40))
    focus = fig.data[0]
    assert [list(stop) for stop in focus.colorscale] == [
        list(stop) for stop in theme.SEQUENTIAL_REVERSED
    ]


def test_map_all_missing_still_draws_the_world_grey():
    frame = map_frame(6).assign(value=np.nan, year=np.nan)
    fig = F.map_figure(frame, INTERNET, year=2021, colour_range=(0, 100))
    assert [trace.name for trace in fig.data] == ["No data"]


# --------------------------------------------------------------------------- trend


def test_trend_one_trace_per_series_with_gaps():
    frame = trend_frame()
    fig = F.trend_figure(frame, INTERNET)
    assert len(fig.data) == frame["series"].nunique()
    assert [trace.name for trace in fig.data] == ["World", "Africa (ITU)", "Kenya"]
    for trace in fig.data:
        assert trace.connectgaps is False
    kenya = by_name(fig)["Kenya"]
    assert kenya.y[list(kenya.x).index(2018)] is None or math.isnan(
        kenya.y[list(kenya.x).index(2018)]
    )
    world, africa = by_name(fig)["World"], by_name(fig)["Africa (ITU)"]
    assert world.line.width > kenya.line.width
    assert africa.line.dash == "dash" and kenya.line.dash == "solid"
    assert fig.layout.yaxis.title.text == "% of population"
    assert fig.layout.xaxis.tickformat == "d"


def test_trend_group_hover_gives_coverage_and_data_year():
    fig = F.trend_figure(trend_frame(), INTERNET)
    africa = by_name(fig)["Africa (ITU)"]
    assert "coverage 73% (41 of 54 economies)" in africa.text[0]
    assert "Data year: 2020" in africa.text[-1]
    assert "coverage" not in by_name(fig)["Kenya"].text[0]


def test_trend_targets_breaks_and_withheld_note():
    targets = [{"label": "Broadband Commission 2025: 75% world", "value": 75.0}]
    fig = F.trend_figure(trend_frame(), INTERNET, targets=targets, breaks=[2018], threshold=0.5)
    horizontal = [shape for shape in fig.layout.shapes if shape.y0 == shape.y1 == 75.0]
    assert len(horizontal) == 1
    assert horizontal[0].line.dash == "dash"
    assert horizontal[0].line.color == theme.TARGET
    vertical = [shape for shape in fig.layout.shapes if shape.x0 == shape.x1 == 2018]
    assert len(vertical) == 1 and vertical[0].line.dash == "dot"
    texts = annotation_texts(fig)
    assert "Broadband Commission 2025: 75% world" in texts
    assert "basket change" in texts
    assert any(
        "withheld where less than 50% of the group's population has data" in t for t in texts
    )


def price_trend_frame() -> pd.DataFrame:
    """A world median near the target, one country at 700% and one with a 0 and a gap."""
    rows = []
    for series, label, kind, values in (
        ("world", "World", "group", [3.1, 2.6, 2.2, 1.9]),
        ("TCD", "Chad", "country", [700.0, 520.0, np.nan, 310.0]),
        ("XXX", "Somewhere", "country", [0.0, 0.45, 0.41, 0.38]),
    ):
        for year, value in zip(range(2021, 2025), values, strict=True):
            rows.append(
                {"series": series, "label": label, "kind": kind, "year": year, "value": value}
            )
    return pd.DataFrame(rows)


def test_price_trend_in_gni_share_uses_a_log_axis_with_the_target_visible():
    target = [{"label": "2% of GNI p.c. target", "value": 2.0}]
    fig = F.trend_figure(price_trend_frame(), PRICE, targets=target)
    axis = fig.layout.yaxis
    assert axis.type == "log"
    low, high = axis.range
    assert low < math.log10(0.38) and high > math.log10(700)
    assert 2 in axis.tickvals and "2%" in axis.ticktext
    assert "700" not in axis.ticktext and "500%" in axis.ticktext
    # the target line is placed in log units, inside the visible range
    line = [shape for shape in fig.layout.shapes if shape.y0 == shape.y1]
    assert len(line) == 1 and line[0].y0 == pytest.approx(math.log10(2))
    assert low < line[0].y0 < high
    label = [a for a in fig.layout.annotations if a.text == "2% of GNI p.c. target"]
    assert label and label[0].y == pytest.approx(math.log10(2))
    # a 0 cannot be drawn on a log axis: it is left out as missing, never faked, and said so
    lines = {trace.name: list(trace.y) for trace in fig.data}
    assert math.isnan(lines["Somewhere"][0]) and math.isnan(lines["Chad"][2])
    assert lines["Chad"][0] == 700.0
    assert any("1 value of 0 or less left out" in text for text in annotation_texts(fig))


def test_price_trends_in_dollars_keep_a_linear_axis():
    usd = {**PRICE, "id": "price_mobile_broadband_usd", "unit": "USD", "target": None}
    fig = F.trend_figure(price_trend_frame(), usd)
    assert fig.layout.yaxis.type in (None, "linear", "-")
    assert fig.layout.yaxis.rangemode == "tozero"
    assert [trace.y[0] for trace in fig.data][2] == 0.0


def test_trend_without_withheld_points_has_no_note():
    fig = F.trend_figure(trend_frame(withheld=False), INTERNET)
    assert not any("withheld" in text for text in annotation_texts(fig))


# --------------------------------------------------------------------------- coverage bars


def test_coverage_bars_stack_to_100_per_group():
    fig = F.coverage_bars_figure(coverage_frame())
    assert [trace.name for trace in fig.data] == list(F.LAYER_ORDER)
    assert fig.layout.barmode == "stack"
    totals: dict[str, float] = {}
    for trace in fig.data:
        assert trace.orientation == "h"
        for label, x in zip(trace.y, trace.x, strict=True):
            totals[label] = totals.get(label, 0.0) + x
    assert set(totals) == {
        "World · data for 92% of people",
        "Africa (ITU) · data for 92% of people",
    }
    assert all(abs(total - 100) < 1e-6 for total in totals.values())
    assert by_name(fig)["not covered"].marker.color == theme.COVERAGE_LAYERS["not covered"]
    assert "million people" in by_name(fig)["4G"].hovertext[0]


# --------------------------------------------------------------------------- price spread


def test_price_spread_target_line_medians_and_log_axis():
    points, summary = price_frames()
    fig = F.price_spread_figure(points, summary, PRICE)
    assert [trace.type for trace in fig.data] == ["box", "box"]
    assert all(trace.orientation == "h" and trace.boxpoints == "all" for trace in fig.data)
    target = [shape for shape in fig.layout.shapes if shape.x0 == shape.x1 == 2.0]
    assert len(target) == 1
    texts = annotation_texts(fig)
    assert "2% target" in texts
    assert "median 1.80% · 4 of 7 at or under 2%" in texts
    assert "median 0.65% · 3 of 4 at or under 2%" in texts
    assert fig.layout.xaxis.type == "log"


def test_price_spread_linear_when_values_are_close():
    points, summary = price_frames()
    points = points[points["value"].between(0.2, 10)]
    fig = F.price_spread_figure(points, summary, PRICE)
    assert fig.layout.xaxis.type != "log"


# --------------------------------------------------------------------------- dumbbell


def test_dumbbell_sorted_by_gap_and_drops_incomplete_rows():
    fig = F.dumbbell_figure(dumbbell_frame(), title="Internet use by sex")
    women, men = by_name(fig)["Women"], by_name(fig)["Men"]
    assert list(women.y) == ["Big gap", "Middle gap", "Small gap", "Reverse gap"]
    assert list(men.y) == list(women.y)
    assert "Missing" not in women.y
    assert "1 country without both values not shown" in fig.layout.title.subtitle.text
    assert "Parity score: 0.44" in women.text[0]
    assert fig.layout.height >= 400
    assert fig.layout.yaxis.autorange == "reversed"


def many_countries(n: int) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "iso3": [f"C{i:03d}" for i in range(n)],
            "name": [f"Country {i}" for i in range(n)],
            "female": np.linspace(10, 80, n),
            "male": np.linspace(15, 80, n) + np.linspace(8, -4, n),
            "parity": 0.9,
            "year": 2022,
        }
    )


def test_dumbbell_height_grows_with_rows_up_to_a_cap():
    assert F.dumbbell_figure(many_countries(20)).layout.height >= 20 * 22
    small = F.dumbbell_figure(many_countries(20))
    assert len(by_name(small)["Women"].y) == 20
    world = F.dumbbell_figure(many_countries(120))
    assert world.layout.height <= 1000
    women = list(by_name(world)["Women"].y)
    assert len(women) == F.DUMBBELL_ROWS
    # both ends of the ranking: the largest gaps and the smallest (women ahead)
    gaps = many_countries(120).assign(gap=lambda f: f["male"] - f["female"])
    ranked = gaps.sort_values("gap", ascending=False)["name"].tolist()
    assert women == ranked[:15] + ranked[-15:]
    between = by_name(world)["between"]
    assert list(between.text) == ["⋯ 90 more economies, gaps in between ⋯"]
    assert world.layout.yaxis.categoryarray[15] == between.y[0]
    assert "The 30 largest and smallest gaps of 120 economies" in re.sub(
        "<br>", " ", world.layout.title.subtitle.text
    )


def test_dumbbell_writes_each_gap_beside_its_row():
    fig = F.dumbbell_figure(dumbbell_frame())
    gaps = by_name(fig)["gap"]
    labels = [trace for trace in fig.data if trace.mode == "text" and trace.name == "gap"]
    assert len(labels) == 1 and labels[0].cliponaxis is False
    assert list(labels[0].y) == list(by_name(fig)["Women"].y)
    assert all(text.endswith(" pp") for text in labels[0].text)
    assert labels[0].text[0].startswith("\u00a0+") and labels[0].text[-1].startswith("\u00a0−")
    assert gaps is not None


# --------------------------------------------------------------------------- people offline


def test_gender_people_bars_in_millions_with_gap_label():
    fig = F.gender_people_figure(gender_people_frame())
    women, men = by_name(fig)["Women offline"], by_name(fig)["Men offline"]
    assert fig.layout.barmode == "group"
    assert list(women.x) == [1400.0, 390.0]
    assert list(men.x) == [1200.0, 340.0]
    assert "gap: 240 M more women would be online at men's rate" in annotation_texts(fig)
    assert "Gap: 240 M more women would be online at men's rate" in women.hovertext[0]
    assert "women were online at the same rate as men" in re.sub(
        "<br>", " ", fig.layout.title.subtitle.text
    )


@pytest.mark.parametrize(
    ("gap", "words"),
    [
        (7.26e6, "gap: 7.3 M more women would be online at men's rate"),
        (-3.29e6, "gap: 3.3 M fewer women would be online at men's rate"),
        (2.0e4, "no gap"),
        (None, "gap —"),
    ],
)
def test_gender_gap_words_follow_the_rates_not_the_head_counts(gap, words):
    frame = gender_people_frame().iloc[:1].assign(gap_people=gap)
    fig = F.gender_people_figure(frame)
    assert words in annotation_texts(fig)
    assert not any("more women online" in text for text in annotation_texts(fig))


# --------------------------------------------------------------------------- region map


def test_region_map_withheld_regions_are_grey_and_say_why():
    fig = F.region_map_figure(
        region_frame(), INTERNET, outlines(), year=2023, colour_range=(0, 100)
    )
    choropleths = [trace for trace in fig.data if trace.type == "choropleth"]
    shown, withheld = choropleths
    assert shown.featureidkey == "id"
    assert "Arab States" not in shown.locations
    assert list(withheld.locations) == ["Arab States"]
    assert withheld.colorscale[0][1] == theme.NO_DATA
    assert "Withheld: coverage below 50%" in withheld.text[0]
    assert (shown.zmin, shown.zmax) == (0, 100)
    # each outline is embedded once
    ids = [f["id"] for trace in choropleths for f in trace.geojson["features"]]
    assert sorted(ids) == sorted(REGIONS)
    assert fig.layout.geo.projection.type == "natural earth"
    assert list(fig.layout.geo.lataxis.range) == [-58, 85]
    labels = [trace for trace in fig.data if trace.type == "scattergeo"]
    assert labels and "37.5%" in labels[0].text


# --------------------------------------------------------------------------- divide


def test_divide_two_lines_shaded_with_gap_at_ends():
    fig = F.divide_figure(divide_frame(), INTERNET, a_label="Urban", b_label="Rural")
    assert [trace.name for trace in fig.data] == ["Urban", "Rural"]
    assert fig.data[1].fill == "tonexty"
    assert all(trace.connectgaps is False for trace in fig.data)
    assert fig.layout.title.text == "The divide: Urban vs Rural"
    assert fig.layout.title.subtitle.text == "Gap 2005: 57.0 pp → 2011: 66.0 pp"


# --------------------------------------------------------------------------- empty and purity


def _calls(frame: pd.DataFrame | None = None):
    """Every builder, called with ``frame`` (or its own sample frame when None)."""
    points, summary = price_frames()
    return {
        "map": lambda f: F.map_figure(
            map_frame() if f is None else f, INTERNET, year=2021, colour_range=(0, 100)
        ),
        "trend": lambda f: F.trend_figure(
            trend_frame() if f is None else f, INTERNET, targets=[{"label": "t", "value": 5}]
        ),
        "coverage": lambda f: F.coverage_bars_figure(coverage_frame() if f is None else f),
        "price": lambda f: F.price_spread_figure(
            points if f is None else f, summary if f is None else f, PRICE
        ),
        "dumbbell": lambda f: F.dumbbell_figure(dumbbell_frame() if f is None else f),
        "gender_people": lambda f: F.gender_people_figure(
            gender_people_frame() if f is None else f
        ),
        "region": lambda f: F.region_map_figure(
            region_frame() if f is None else f,
            INTERNET,
            outlines(),
            year=2023,
            colour_range=(0, 100),
        ),
        "divide": lambda f: F.divide_figure(
            divide_frame() if f is None else f, INTERNET, a_label="A", b_label="B"
        ),
    }


def test_empty_figure_shows_its_message():
    fig = F.empty_figure("No data for this view")
    assert len(fig.data) == 0
    assert annotation_texts(fig) == ["No data for this view"]
    assert fig.layout.xaxis.visible is False and fig.layout.yaxis.visible is False


@pytest.mark.parametrize("name", sorted(_calls()))
def test_every_builder_gives_empty_figure_on_empty_input(name):
    fig = _calls()[name](pd.DataFrame())
    assert len(fig.data) == 0
    texts = annotation_texts(fig)
    assert len(texts) == 1 and texts[0].startswith("No data")


def test_builders_accept_none_as_no_data():
    figs = [
        F.map_figure(None, INTERNET, year=2021, colour_range=(0, 100)),
        F.trend_figure(None, INTERNET),
        F.coverage_bars_figure(None),
        F.price_spread_figure(None, None, PRICE),
        F.dumbbell_figure(None),
        F.gender_people_figure(None),
        F.region_map_figure(None, INTERNET, outlines(), year=2023, colour_range=(0, 100)),
        F.divide_figure(None, INTERNET, a_label="A", b_label="B"),
    ]
    assert all(len(fig.data) == 0 and fig.layout.annotations for fig in figs)


def test_all_missing_values_give_empty_figures():
    trend = trend_frame().assign(value=np.nan)
    assert len(F.trend_figure(trend, INTERNET).data) == 0
    divide = divide_frame().assign(a=np.nan, b=np.nan, gap=np.nan)
    assert len(F.divide_figure(divide, INTERNET, a_label="A", b_label="B").data) == 0


@pytest.mark.parametrize("name", sorted(_calls()))
def test_every_builder_gives_empty_figure_on_empty_frame_with_columns(name):
    samples = {
        "map": map_frame(),
        "trend": trend_frame(),
        "coverage": coverage_frame(),
        "price": price_frames()[0],
        "dumbbell": dumbbell_frame(),
        "gender_people": gender_people_frame(),
        "region": region_frame(),
        "divide": divide_frame(),
    }
    fig = _calls()[name](samples[name].iloc[0:0])
    assert len(fig.data) == 0
    assert annotation_texts(fig)[0].startswith("No data")


def test_builders_do_not_change_their_inputs():
    frames = {
        "map": map_frame(),
        "trend": trend_frame(),
        "coverage": coverage_frame(),
        "dumbbell": dumbbell_frame(),
        "gender_people": gender_people_frame(),
        "region": region_frame(),
        "divide": divide_frame(),
    }
    calls = _calls()
    for name, frame in frames.items():
        before = frame.copy(deep=True)
        calls[name](frame)
        pd.testing.assert_frame_equal(frame, before, check_exact=True)
    points, summary = price_frames()
    points_before, summary_before = points.copy(deep=True), summary.copy(deep=True)
    F.price_spread_figure(points, summary, PRICE)
    pd.testing.assert_frame_equal(points, points_before)
    pd.testing.assert_frame_equal(summary, summary_before)
    shapes = outlines()
    shapes_before = json.dumps(shapes, sort_keys=True)
    F.region_map_figure(region_frame(), INTERNET, shapes, year=2023, colour_range=(0, 100))
    assert json.dumps(shapes, sort_keys=True) == shapes_before


@pytest.mark.parametrize("name", sorted(_calls()))
def test_every_builder_serialises(name):
    fig = _calls()[name](None)
    assert isinstance(fig, go.Figure)
    assert len(fig.data) > 0
    json.loads(fig.to_json())


def test_builders_have_no_hex_colours():
    source = inspect.getsource(F)
    assert not re.search(r"#[0-9a-fA-F]{6}\b", source)


def test_credit_line_sits_under_the_chart_and_makes_room():
    fig = F.trend_figure(trend_frame(), INTERNET)
    bottom = fig.layout.margin.b
    credited = F.with_credit(go.Figure(fig), "Source: ITU (CC BY-NC-SA 3.0 IGO).")
    (credit,) = [a for a in credited.layout.annotations if a.name == "credit"]
    assert credit.text == "Source: ITU (CC BY-NC-SA 3.0 IGO)."
    assert (credit.xref, credit.yref, credit.y, credit.yanchor) == ("paper", "paper", 0, "top")
    template_bottom = pio.templates[pio.templates.default].layout.margin.b
    old = bottom if bottom is not None else template_bottom
    assert credit.yshift == -old
    assert credited.layout.margin.b == old + F.CREDIT_HEIGHT


def test_credit_keeps_the_plot_area_of_fixed_height_charts():
    fig = F.dumbbell_figure(dumbbell_frame())
    height = fig.layout.height
    assert height
    assert F.with_credit(fig, "Source: ITU.").layout.height == height + F.CREDIT_HEIGHT


def test_blank_figures_get_no_credit():
    blank = F.empty_figure("No data for this view")
    assert annotation_texts(F.with_credit(blank, "Source: ITU.")) == ["No data for this view"]
    fig = F.trend_figure(trend_frame(), INTERNET)
    assert F.with_credit(fig, "").layout.annotations == fig.layout.annotations


def test_map_credit_goes_below_the_colour_bar_and_legend():
    fig = F.map_figure(map_frame(), INTERNET, year=2021, colour_range=(0, 100))
    credited = F.with_credit(fig, "Source: ITU.")
    (credit,) = [a for a in credited.layout.annotations if a.name == "credit"]
    assert credit.yshift == -F.MAP_FOOT
    assert credited.layout.margin.b == F.MAP_FOOT + F.CREDIT_HEIGHT


def test_trend_leaves_room_for_a_legend_only_when_there_is_one():
    frame = trend_frame()
    several = F.trend_figure(frame, INTERNET)
    alone = F.trend_figure(frame.loc[frame["series"] == "world"], INTERNET)
    assert len(alone.data) == 1
    assert alone.layout.margin.t < several.layout.margin.t


def test_the_parity_band_has_its_own_colour_far_from_no_data():
    scale = F.parity_colorscale(0.6, 1.4)
    inside = [colour for position, colour in scale if abs(0.6 + 0.8 * position - 1.0) < 0.015]
    assert inside and set(inside) == {theme.PARITY}

    def rgb(hex_colour: str) -> tuple[int, int, int]:
        value = hex_colour.lstrip("#")
        return tuple(int(value[i : i + 2], 16) for i in (0, 2, 4))

    distance = sum((a - b) ** 2 for a, b in zip(rgb(theme.PARITY), rgb(theme.NO_DATA), strict=True))
    assert distance**0.5 > 120  # clearly visible, not a shade of the no-data grey
