"""Country and region geometry for the dashboard's maps.

Reads the world topojson files served to plotly.js from
``assets/topojson/`` (see ``scripts/prepare_topojson.py``) so that the
shapes used for server-side work (coverage checks, region outlines) are the
same shapes the browser draws.

No Dash import: this module is usable from scripts and tests.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Iterable, Mapping
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
import shapely.affinity
from shapely.geometry import MultiPolygon, Polygon, box
from shapely.geometry.polygon import orient

__all__ = [
    "load_countries_geometry",
    "economies_without_shape",
    "region_outlines",
    "write_geojson",
]

COUNTRIES_OBJECT = "countries"
CRS = "EPSG:4326"
_WORLD_BOX = box(-180.0, -90.0, 180.0, 90.0)


# --------------------------------------------------------------------------
# topojson decoding
# --------------------------------------------------------------------------
def _read_topology(topojson_path: str | os.PathLike) -> dict:
    with open(topojson_path, encoding="utf-8") as fh:
        topology = json.load(fh)
    if topology.get("type") != "Topology":
        raise ValueError(f"{topojson_path}: not a topojson Topology")
    if COUNTRIES_OBJECT not in topology.get("objects", {}):
        raise ValueError(f"{topojson_path}: no {COUNTRIES_OBJECT!r} object")
    return topology


def _decode_arcs(topology: dict) -> list[np.ndarray]:
    """Absolute lon/lat coordinates of every arc (n x 2 arrays)."""
    transform = topology.get("transform")
    decoded = []
    for arc in topology["arcs"]:
        pts = np.asarray(arc, dtype=float).reshape(-1, len(arc[0]))[:, :2]
        if transform:
            # Quantized topology: positions are delta-encoded integers.
            pts = np.cumsum(pts, axis=0)
            pts = pts * np.asarray(transform["scale"], dtype=float)
            pts = pts + np.asarray(transform["translate"], dtype=float)
        decoded.append(pts)
    return decoded


def _ring(arc_indexes: list[int], arcs: list[np.ndarray]) -> np.ndarray:
    """Stitch arcs into one ring; a negative index ``~i`` is arc i reversed."""
    parts = []
    for n, index in enumerate(arc_indexes):
        pts = arcs[index] if index >= 0 else arcs[~index][::-1]
        # Consecutive arcs share their joining point: keep it once.
        parts.append(pts if n == 0 else pts[1:])
    return np.concatenate(parts) if parts else np.empty((0, 2))


def _crossings(ring: np.ndarray) -> int:
    """How many edges of a lon/lat ring jump across the antimeridian."""
    return int((np.abs(np.diff(ring[:, 0])) > 180.0).sum())


def _split_at_antimeridian(rings: list[np.ndarray]):
    """Planar shape of a spherical polygon whose rings cross the antimeridian.

    The source data (like plotly.js and d3-geo) treats polygon edges as
    short arcs on the sphere, so a ring may step from 179.9 to -179.9
    degrees. Taken as planar coordinates such a ring spans the whole map
    and self-intersects. Here the rings are unwrapped to continuous
    longitudes, a ring around a pole (an odd number of crossings, e.g.
    Antarctica) is closed through that pole, and the result is cut at
    +/-180 degrees with the pieces shifted back into [-180, 180].
    """
    outer = np.unwrap(rings[0], period=360.0, axis=0)
    if _crossings(rings[0]) % 2:
        pole = -90.0 if outer[:, 1].mean() < 0 else 90.0
        outer = np.vstack([outer, [[outer[-1, 0], pole], [outer[0, 0], pole]]])
    centre = (outer[:, 0].min() + outer[:, 0].max()) / 2.0
    holes = []
    for ring in rings[1:]:
        hole = np.unwrap(ring, period=360.0, axis=0)
        hole[:, 0] += 360.0 * round((centre - hole[:, 0].mean()) / 360.0)
        holes.append(hole)
    unwrapped = _valid(Polygon(outer, holes))
    if unwrapped is None:
        return None
    pieces = []
    for west in (-540.0, -180.0, 180.0):
        piece = unwrapped.intersection(box(west, -90.0, west + 360.0, 90.0))
        piece = _polygonal(piece)
        if piece is not None:
            pieces.append(shapely.affinity.translate(piece, xoff=-180.0 - west))
    return _polygonal(shapely.union_all(pieces)) if pieces else None


def _valid(geom):
    """``geom`` made valid, keeping its polygonal parts (None if empty)."""
    if geom is None or geom.is_empty:
        return None
    if not geom.is_valid:
        geom = shapely.make_valid(geom)
    return _polygonal(geom)


def _polygon(rings_arcs: list[list[int]], arcs: list[np.ndarray]):
    rings = [_ring(r, arcs) for r in rings_arcs]
    rings = [r for r in rings if len(r) >= 4]
    if not rings:
        return None
    if any(_crossings(r) for r in rings):
        return _split_at_antimeridian(rings)
    return _valid(Polygon(rings[0], rings[1:]))


def _geometry(obj: dict, arcs: list[np.ndarray]):
    kind = obj.get("type")
    if kind is None:
        return None
    if kind == "Polygon":
        polygons = [_polygon(obj["arcs"], arcs)]
    elif kind == "MultiPolygon":
        polygons = [_polygon(p, arcs) for p in obj["arcs"]]
    else:
        raise ValueError(f"unsupported geometry type {kind!r} (id {obj.get('id')!r})")
    parts = [part for p in polygons if p is not None for part in _parts(p)]
    if not parts:
        return None
    if len(parts) == 1:
        return parts[0]
    geom = MultiPolygon(parts)
    # Parts repaired or split separately may touch or overlap: merge them.
    return geom if geom.is_valid else _polygonal(shapely.union_all(parts))


def _country_ids(topology: dict) -> set[str]:
    return {
        str(g["id"])
        for g in topology["objects"][COUNTRIES_OBJECT]["geometries"]
        if g.get("id") is not None and g.get("type") is not None
    }


# --------------------------------------------------------------------------
# planar clean-up and GeoJSON output
# --------------------------------------------------------------------------
def _repair(geom):
    """A valid (Multi)Polygon inside the lon/lat box, or None if empty."""
    geom = _valid(geom)
    if geom is None:
        return None
    # Union and simplification near the antimeridian and the poles can leave
    # slivers or self-intersections; clipping also drops anything outside
    # [-180, 180] x [-90, 90].
    geom = _polygonal(geom.intersection(_WORLD_BOX))
    if geom is not None and not geom.is_valid:
        geom = _polygonal(geom.buffer(0))
    return geom


def _polygonal(geom):
    """Keep only the polygonal parts of ``geom`` (drops lines and points)."""
    if geom is None or geom.is_empty:
        return None
    if isinstance(geom, (Polygon, MultiPolygon)):
        return geom
    parts = [
        g
        for g in getattr(geom, "geoms", [])
        if isinstance(g, (Polygon, MultiPolygon)) and not g.is_empty
    ]
    if not parts:
        return None
    return _polygonal(shapely.union_all(parts))


def _parts(geom) -> list[Polygon]:
    return list(geom.geoms) if isinstance(geom, MultiPolygon) else [geom]


def _drop_small_parts(geom, min_area: float):
    """Drop parts smaller than ``min_area`` (square degrees), always keeping
    the largest part, so a small country never disappears."""
    if min_area <= 0 or not isinstance(geom, MultiPolygon):
        return geom
    parts = sorted(_parts(geom), key=lambda p: p.area, reverse=True)
    kept = [parts[0]] + [p for p in parts[1:] if p.area >= min_area]
    return kept[0] if len(kept) == 1 else MultiPolygon(kept)


def _rounded_ring(ring, decimals: int) -> list[list[float]]:
    return [[round(x, decimals), round(y, decimals)] for x, y in ring.coords]


def _feature_geometry(geom, decimals: int) -> dict:
    """GeoJSON geometry dict with clockwise exteriors and rounded coordinates.

    plotly.js (d3-geo) treats a clockwise exterior ring as the polygon's
    inside; a counter-clockwise one would cover the rest of the globe.
    """
    polygons = []
    for part in _parts(geom):
        part = orient(part, sign=-1.0)
        polygons.append(
            [_rounded_ring(part.exterior, decimals)]
            + [_rounded_ring(r, decimals) for r in part.interiors]
        )
    # Largest part first, ties broken by position: stable across runs.
    keyed = sorted(
        zip(_parts(geom), polygons, strict=True),
        key=lambda pp: (-round(pp[0].area, 6), pp[1][0][0]),
    )
    polygons = [p for _, p in keyed]
    if len(polygons) == 1:
        return {"type": "Polygon", "coordinates": polygons[0]}
    return {"type": "MultiPolygon", "coordinates": polygons}


# --------------------------------------------------------------------------
# public API
# --------------------------------------------------------------------------
def load_countries_geometry(topojson_path: str | os.PathLike) -> gpd.GeoDataFrame:
    """Country shapes of a topojson file's ``countries`` object.

    Returns a GeoDataFrame (EPSG:4326) with columns ``iso3`` and
    ``geometry``, one row per geometry in the file, in file order. Rows
    without a geometry are dropped.

    Geometries are planar and valid (Polygon or MultiPolygon within
    [-180, 180] x [-90, 90]): rings that cross the antimeridian (parts of
    Russia and Fiji) are split at +/-180 degrees, a ring around a pole
    (Antarctica) is closed through the pole, and self-intersections are
    repaired with ``shapely.make_valid``. The browser draws the file's
    original rings; the shapes cover the same area.
    """
    topology = _read_topology(topojson_path)
    arcs = _decode_arcs(topology)
    rows_iso3, rows_geom = [], []
    for obj in topology["objects"][COUNTRIES_OBJECT]["geometries"]:
        geom = _geometry(obj, arcs)
        if geom is None or geom.is_empty or obj.get("id") is None:
            continue
        rows_iso3.append(str(obj["id"]))
        rows_geom.append(geom)
    return gpd.GeoDataFrame({"iso3": rows_iso3}, geometry=rows_geom, crs=CRS).reset_index(drop=True)


def economies_without_shape(
    topojson_path: str | os.PathLike, iso3_codes: Iterable[str]
) -> list[str]:
    """Sorted, de-duplicated codes of ``iso3_codes`` with no shape in the file.

    Non-string entries (``None``, ``NaN``) are ignored. Codes are compared
    as given (the map uses upper-case ISO 3166-1 alpha-3 ids).
    """
    known = _country_ids(_read_topology(topojson_path))
    wanted = {code for code in iso3_codes if isinstance(code, str)}
    return sorted(wanted - known)


def region_outlines(
    topojson_path: str | os.PathLike,
    membership: Mapping[str, str],
    *,
    simplify_tolerance: float = 0.2,
    min_part_area: float = 0.01,
    decimals: int = 2,
) -> dict:
    """Outline of each region as a GeoJSON FeatureCollection (a plain dict).

    ``membership`` maps ISO3 country codes to region ids. Parts of a country
    smaller than ``min_part_area`` square degrees (0.01 is about 120 km2 at
    the equator) are dropped, except the country's largest part. Member
    countries are then dissolved into one shape per region, simplified with
    ``simplify_tolerance`` (degrees), snapped to a ``10**-decimals`` degree
    grid and given clockwise exterior rings, as plotly.js expects for
    ``geojson`` traces.

    Features are sorted by region id; each has ``id`` = region id and
    ``properties`` = ``{"region": id}``. Countries without a shape in the
    file, and entries whose region is ``None`` or NaN, are ignored; a region
    with no drawable member is left out. The result is deterministic for a
    given input.

    The 50m file gives the most complete outlines (it includes small states
    such as Singapore and Bahrain); with the defaults, a whole-world
    grouping stays well under 150 KB of JSON.
    """
    if simplify_tolerance < 0:
        raise ValueError("simplify_tolerance must be >= 0")
    grid = 10.0**-decimals

    membership = {
        str(code): str(region)
        for code, region in membership.items()
        if isinstance(code, str) and region is not None and not pd.isna(region)
    }
    countries = load_countries_geometry(topojson_path)
    countries = countries[countries["iso3"].isin(list(membership))].copy()
    countries["region"] = [membership[code] for code in countries["iso3"]]
    countries["geometry"] = [
        _drop_small_parts(_repair(g), min_part_area) for g in countries.geometry
    ]
    countries = countries[countries.geometry.notna()]
    countries = countries.sort_values(["region", "iso3"], kind="stable")

    features = []
    if not countries.empty:
        dissolved = countries[["region", "geometry"]].dissolve(by="region", sort=True)
        for region, geom in zip(dissolved.index, dissolved.geometry, strict=True):
            geom = _repair(geom)
            if geom is None:
                continue
            if simplify_tolerance:
                geom = _repair(geom.simplify(simplify_tolerance, preserve_topology=True))
            if geom is None:
                continue
            # Snap to the output grid here so rounding cannot create
            # self-intersections; parts that collapse are dropped.
            geom = _polygonal(shapely.set_precision(geom, grid))
            if geom is None:
                continue
            region = str(region)
            features.append(
                {
                    "type": "Feature",
                    "id": region,
                    "properties": {"region": region},
                    "geometry": _feature_geometry(geom, decimals),
                }
            )
    return {"type": "FeatureCollection", "features": features}


def write_geojson(obj: object, path: str | os.PathLike) -> None:
    """Write ``obj`` as compact, deterministic JSON, atomically.

    Keys are sorted and separators minimal, so equal objects give equal
    bytes. The file is written to a temporary file in the same folder and
    moved into place, so readers never see a partial file.
    """
    path = Path(path)
    data = json.dumps(
        obj, separators=(",", ":"), sort_keys=True, ensure_ascii=False, allow_nan=False
    ).encode("utf-8")
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.chmod(tmp, 0o644)  # mkstemp creates the file as 0600
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
