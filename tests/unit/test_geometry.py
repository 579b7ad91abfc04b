"""Tests for data/geometry.py and the prepared topojson in assets/topojson/.

The topojson files are committed (written by scripts/prepare_topojson.py);
these tests read them from disk and need no network.
"""

from __future__ import annotations

import importlib.util
import json
from collections import Counter
from pathlib import Path

import pytest
import shapely
from shapely.geometry import Point, shape

from data.geometry import (
    economies_without_shape,
    load_countries_geometry,
    region_outlines,
    write_geojson,
)

REPO_ROOT = Path(__file__).resolve().parents[2]

TOPOJSON_DIR = REPO_ROOT / "assets" / "topojson"
WORLD_110M = TOPOJSON_DIR / "world_110m.json"
WORLD_50M = TOPOJSON_DIR / "world_50m.json"
BOTH = pytest.mark.parametrize("path", [WORLD_110M, WORLD_50M], ids=["110m", "50m"])


@pytest.fixture(scope="module")
def countries():
    return {p: load_countries_geometry(p) for p in (WORLD_110M, WORLD_50M)}


def _country(countries, path, iso3):
    rows = countries[path]
    rows = rows[rows["iso3"] == iso3]
    assert len(rows) == 1, f"{iso3} appears {len(rows)} times in {path.name}"
    return rows.geometry.iloc[0]


def _polygons(geom):
    return list(getattr(geom, "geoms", [geom]))


def _max_lon_step(ring):
    """Largest change of longitude along an edge, ignoring edges on a pole."""
    pts = list(ring.coords)
    return max(
        (
            abs(x1 - x0)
            for (x0, y0), (x1, y1) in zip(pts, pts[1:], strict=False)
            if not (abs(y0) == 90 and y0 == y1)
        ),
        default=0.0,
    )


# --------------------------------------------------------------------------
# prepared files
# --------------------------------------------------------------------------
@BOTH
def test_prepared_file_has_no_duplicate_country_ids(path):
    topology = json.loads(path.read_text(encoding="utf-8"))
    ids = Counter(g.get("id") for g in topology["objects"]["countries"]["geometries"])
    assert not {k: n for k, n in ids.items() if n > 1}


@BOTH
def test_prepared_file_is_compact_topology(path):
    text = path.read_text(encoding="utf-8")
    assert "\n" not in text and ", " not in text
    topology = json.loads(text)
    assert topology["type"] == "Topology"
    # plotly.js draws these layers besides the countries.
    assert {"countries", "land", "ocean", "coastlines"} <= set(topology["objects"])


@BOTH
def test_split_countries_are_single_features_with_all_parts(countries, path):
    # One feature each, holding the outlying parts plotly.js used to miss.
    esp = _country(countries, path, "ESP")
    assert esp.bounds[0] < -13  # Canary Islands
    prt = _country(countries, path, "PRT")
    assert prt.bounds[0] < -16  # Madeira (and the Azores at 50m)
    ecu = _country(countries, path, "ECU")
    assert ecu.bounds[0] < -89  # Galapagos
    pse = _country(countries, path, "PSE")
    assert len(_polygons(pse)) >= 2  # Gaza and the West Bank
    assert pse.bounds[0] < 34.6 and pse.bounds[2] > 35.4


def test_50m_merges_its_extra_duplicates(countries):
    assert _country(countries, WORLD_50M, "PRT").bounds[0] < -24  # Azores
    _country(countries, WORLD_50M, "BES")
    _country(countries, WORLD_50M, "MUS")


def test_50m_has_small_states(countries):
    assert Point(103.82, 1.35).within(_country(countries, WORLD_50M, "SGP").buffer(0.1))
    assert Point(50.55, 26.07).within(_country(countries, WORLD_50M, "BHR").buffer(0.1))


# --------------------------------------------------------------------------
# load_countries_geometry / economies_without_shape
# --------------------------------------------------------------------------
@BOTH
def test_load_countries_geometry_frame(countries, path):
    gdf = countries[path]
    assert list(gdf.columns) == ["iso3", "geometry"]
    assert gdf.crs is not None and gdf.crs.to_epsg() == 4326
    assert gdf.geometry.notna().all() and not gdf.geometry.is_empty.any()
    assert gdf["iso3"].is_unique
    assert set(gdf.geom_type) <= {"Polygon", "MultiPolygon"}
    assert gdf.is_valid.all(), list(gdf["iso3"][~gdf.is_valid])
    minx, miny, maxx, maxy = gdf.total_bounds
    assert minx >= -180 and maxx <= 180
    assert miny >= -90 and maxy <= 90
    # Decoding check: Paris lies in France.
    assert Point(2.35, 48.86).within(_country(countries, path, "FRA"))


@BOTH
def test_load_countries_geometry_splits_rings_at_antimeridian(countries, path):
    # The source rings of Russia, Fiji (50m) and Antarctica cross +/-180.
    for geom in countries[path].geometry:
        for polygon in _polygons(geom):
            assert _max_lon_step(polygon.exterior) <= 180
    rus = _country(countries, path, "RUS")
    assert rus.contains(Point(37.6, 55.75))  # Moscow
    assert rus.contains(Point(-175.0, 67.0))  # Chukotka, east of 180
    assert not rus.contains(Point(0.0, 60.0))  # no map-wide sliver
    ata = _country(countries, path, "ATA")
    assert ata.contains(Point(0.0, -89.0))  # closed through the South Pole
    assert ata.bounds[3] < -60


@BOTH
def test_economies_without_shape(path):
    missing = economies_without_shape(path, ["XKX", "FRA", "XKX", None, "BRA"])
    assert missing == ["XKX"]


def test_economies_without_shape_small_states_only_at_50m():
    codes = ["SGP", "BHR", "XKX", "USA"]
    assert economies_without_shape(WORLD_50M, codes) == ["XKX"]
    assert "XKX" in economies_without_shape(WORLD_110M, codes)


# --------------------------------------------------------------------------
# region_outlines / write_geojson
# --------------------------------------------------------------------------
SMALL_MEMBERSHIP = {"FRA": "a", "DEU": "a", "BRA": "b"}


def _assert_plotly_ready(fc, decimals=2):
    assert fc["type"] == "FeatureCollection"
    for feature in fc["features"]:
        assert feature["type"] == "Feature"
        assert feature["properties"] == {"region": feature["id"]}
        geom = shape(feature["geometry"])
        assert geom.is_valid, shapely.is_valid_reason(geom)
        assert not geom.is_empty
        for polygon in _polygons(geom):
            assert not polygon.exterior.is_ccw, "exterior ring must be clockwise"
            assert all(ring.is_ccw for ring in polygon.interiors)
            # plotly.js joins points by the short way round the globe, so an
            # edge spanning more than 180 degrees of longitude would be wrong.
            assert _max_lon_step(polygon.exterior) <= 180
            for x, y in polygon.exterior.coords:
                assert -180 <= x <= 180 and -90 <= y <= 90
                assert round(x, decimals) == x and round(y, decimals) == y


@BOTH
def test_region_outlines_small_membership(path):
    fc = region_outlines(path, SMALL_MEMBERSHIP)
    assert [f["id"] for f in fc["features"]] == ["a", "b"]
    _assert_plotly_ready(fc)
    region_a = shape(fc["features"][0]["geometry"])
    assert region_a.contains(Point(2.35, 48.86))  # Paris
    assert region_a.contains(Point(13.40, 52.52))  # Berlin
    assert shape(fc["features"][1]["geometry"]).contains(Point(-47.9, -15.8))  # Brasilia


def test_region_outlines_is_deterministic(tmp_path):
    first = region_outlines(WORLD_50M, SMALL_MEMBERSHIP)
    second = region_outlines(WORLD_50M, dict(reversed(list(SMALL_MEMBERSHIP.items()))))
    assert first == second
    write_geojson(first, tmp_path / "one.json")
    write_geojson(second, tmp_path / "two.json")
    assert (tmp_path / "one.json").read_bytes() == (tmp_path / "two.json").read_bytes()


def test_region_outlines_handles_antimeridian_and_invalid_shapes():
    # RUS and FJI touch the antimeridian; these four decode as invalid.
    membership = {"RUS": "east", "FJI": "east", "ATA": "south", "MHL": "east"}
    fc = region_outlines(WORLD_50M, membership)
    assert [f["id"] for f in fc["features"]] == ["east", "south"]
    _assert_plotly_ready(fc)
    east = shape(fc["features"][0]["geometry"])
    assert east.contains(Point(37.6, 55.75)) and east.contains(Point(-175.0, 67.0))
    assert not east.contains(Point(0.0, 60.0))
    # Roughly Russia's share of the map, not the whole width of it.
    assert 2500 < east.area < 3500


def test_region_outlines_ignores_unknown_and_missing():
    fc = region_outlines(WORLD_110M, {"XKX": "a", "FRA": "b", "DEU": None, "ZZZ": "c"})
    assert [f["id"] for f in fc["features"]] == ["b"]
    assert region_outlines(WORLD_110M, {}) == {"type": "FeatureCollection", "features": []}


def test_region_outlines_whole_world_is_small(countries):
    # Every country in a region of a coarse lon/lat grid: many shared borders,
    # so larger than a typical grouping.
    gdf = countries[WORLD_50M]
    membership = {
        iso3: f"r{int((p.x + 180) // 60)}_{int((p.y + 90) // 45)}"
        for iso3, p in zip(gdf["iso3"], gdf.geometry.representative_point(), strict=True)
    }
    fc = region_outlines(WORLD_50M, membership)
    _assert_plotly_ready(fc)
    size = len(json.dumps(fc, separators=(",", ":")))
    assert size < 150_000


def test_write_geojson_is_compact_and_atomic(tmp_path):
    target = tmp_path / "sub" / "out.geojson"
    write_geojson({"b": [1.5, 2], "a": "é"}, target)
    assert target.read_bytes() == '{"a":"é","b":[1.5,2]}'.encode()
    write_geojson({"a": 1}, target)
    assert target.read_text(encoding="utf-8") == '{"a":1}'
    assert [p.name for p in target.parent.iterdir()] == ["out.geojson"]


# --------------------------------------------------------------------------
# scripts/prepare_topojson.py merge logic (no network)
# --------------------------------------------------------------------------
def _load_prepare_script():
    spec = importlib.util.spec_from_file_location(
        "prepare_topojson", REPO_ROOT / "scripts" / "prepare_topojson.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_merge_duplicate_ids():
    prepare = _load_prepare_script()
    collection = {
        "type": "GeometryCollection",
        "geometries": [
            {"type": "Polygon", "arcs": [[0]], "id": "AAA", "properties": {"ct": [1, 1]}},
            {"type": "Polygon", "arcs": [[1]], "id": "BBB", "properties": {}},
            {
                "type": "MultiPolygon",
                "arcs": [[[2]], [[3, -4]]],
                "id": "AAA",
                "properties": {"ct": [9, 9]},
            },
            {"type": "Polygon", "arcs": [[5], [6]], "id": "AAA", "properties": {}},
        ],
    }
    merged = prepare.merge_duplicate_ids(collection)
    assert merged == {"AAA": 3}
    assert collection["geometries"] == [
        {
            "type": "MultiPolygon",
            "arcs": [[[0]], [[2]], [[3, -4]], [[5], [6]]],
            "id": "AAA",
            "properties": {"ct": [1, 1]},
        },
        {"type": "Polygon", "arcs": [[1]], "id": "BBB", "properties": {}},
    ]
    assert prepare.duplicate_ids(collection) == []


# --------------------------------------------------------------------------
# the light geometry every map loads, and the economies drawn as points
# --------------------------------------------------------------------------
def test_every_economy_with_data_has_a_shape_or_a_point():
    from data.load import load_dataset, load_map_points

    ds = load_dataset()
    with_data = set(ds.obs["iso3"].dropna()) | set(ds.countries.index)
    points = load_map_points()
    without_shape = set(economies_without_shape(WORLD_110M, with_data))
    assert without_shape, "expected small states without a 110m shape"
    assert without_shape <= set(points), sorted(without_shape - set(points))
    # Never both: a point is drawn only where there is no shape.
    assert not set(points) & {g for g in with_data if g not in without_shape}


def test_points_lie_in_their_economy(countries):
    from data.load import load_map_points

    detailed = countries[WORLD_50M].set_index("iso3").geometry
    points = load_map_points()
    inside = [iso3 for iso3 in points if iso3 in detailed.index]
    assert len(inside) > 40
    for iso3 in inside:
        assert Point(points[iso3]).within(detailed[iso3].buffer(0.01)), iso3
    assert Point(points["XKX"]).within(_country(countries, WORLD_50M, "SRB").envelope)


def test_light_geometry_keeps_only_drawn_layers_on_a_coarse_lattice():
    topology = json.loads(WORLD_110M.read_text(encoding="utf-8"))
    assert set(topology["objects"]) == {"countries", "land", "ocean", "coastlines"}
    assert topology["transform"]["scale"][0] == pytest.approx(360 / 9_999)
    assert WORLD_110M.stat().st_size < 200_000


def test_keep_objects_and_requantize_keep_shared_borders():
    prepare = _load_prepare_script()
    topology = {
        "type": "Topology",
        "bbox": [0, 0, 10, 10],
        "transform": {"scale": [0.001, 0.001], "translate": [0, 0]},
        # arc 0 is a border shared by A and B; arc 1 only by the dropped layer
        "arcs": [[[0, 0], [5000, 0], [1, 1], [4999, 9999]], [[0, 0], [1, 1]], [[0, 0], [0, 1]]],
        "objects": {
            "countries": {
                "type": "GeometryCollection",
                "geometries": [
                    {"type": "Polygon", "arcs": [[0, 2]], "id": "A"},
                    {"type": "Polygon", "arcs": [[~0, 2]], "id": "B"},
                ],
            },
            "rivers": {
                "type": "GeometryCollection",
                "geometries": [{"type": "LineString", "arcs": [1]}],
            },
        },
    }
    prepare.keep_objects(topology, ("countries",))
    assert set(topology["objects"]) == {"countries"}
    assert len(topology["arcs"]) == 2
    assert topology["objects"]["countries"]["geometries"][1]["arcs"] == [[~0, 1]]
    prepare.requantize(topology, 11)
    assert topology["transform"] == {"scale": [1.0, 1.0], "translate": [0, 0]}
    # (0,0) -> (5,0) -> (5.001,0.001) snaps onto (5,0) and is dropped -> (10,10)
    assert topology["arcs"][0] == [[0, 0], [5, 0], [5, 10]]
