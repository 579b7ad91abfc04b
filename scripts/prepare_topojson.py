#!/usr/bin/env python3
"""Prepare the world topojson files that the dashboard's geo maps load.

What
    Writes ``assets/topojson/world_110m.json`` and
    ``assets/topojson/world_50m.json``: the base-map topologies used by
    plotly.js for ``geo`` subplots (choropleth, scattergeo) at
    ``resolution=110`` and ``resolution=50`` with ``scope="world"``.

Why
    * Self-hosting: by default plotly.js downloads these files from a CDN at
      run time. The dashboard sets
      ``dcc.Graph(config={"topojsonURL": "<assets url>/topojson/"})`` so they
      are served from ``assets/topojson/`` instead, which works offline and
      keeps the map data pinned to the plotly.js build in use.
    * Duplicate country ids: plotly.js colours only the *first* feature of
      the ``countries`` object whose id matches a location. The source data
      stores some countries as several features with the same ISO3 id
      (e.g. ``ESP`` mainland and ``ESP`` Canary Islands), so the later
      pieces would stay grey on a choropleth. This script merges all features
      sharing an id into one ``MultiPolygon`` (arc lists concatenated,
      properties of the first feature kept), so every piece is coloured.

How
    The files come from the npm package ``plotly.js`` of exactly the version
    bundled with the installed Python ``plotly`` package
    (``plotly.offline.get_plotlyjs_version()``). The script

    1. runs ``npm pack plotly.js@<version>`` in a temporary directory,
    2. extracts ``package/dist/plotly-geo-assets.js`` from the tarball,
    3. evaluates it with ``node`` (only to read the data out; the file is
       never served or loaded in a page) and dumps the ``world_110m`` and
       ``world_50m`` topologies,
    4. merges duplicate ids in the ``countries`` object,
    5. makes ``world_110m`` light, as every map loads it: keeps only the
       layers our maps draw (countries, land, ocean, coastlines) and the arcs
       they use, snapped to a 10,000 x 10,000 lattice (0.036 degrees),
    6. writes compact JSON, and ``world_110m_points.json``: a point (lon, lat)
       for every economy without a 110m shape, inside its 50m shape, or from
       ``EXTRA_POINTS`` for the few in neither file; the maps draw these
       economies as dots. Output is deterministic: running the script twice
       gives byte-identical files.

    Requirements: ``npm`` and ``node`` on PATH and access to the npm
    registry. Run from anywhere::

        python scripts/prepare_topojson.py                # writes assets/topojson/
        python scripts/prepare_topojson.py --output-dir /tmp/topo
        python scripts/prepare_topojson.py --plotlyjs-version 3.0.1

When to re-run
    After upgrading the Python ``plotly`` package (a new plotly.js version
    may ship different map data), then commit the regenerated files.
    Only the two ``scope="world"`` files are produced; a figure that uses
    another ``geo.scope`` (e.g. ``"europe"``) would need that scope's file
    in the same folder.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUTPUT_DIR = REPO_ROOT / "assets" / "topojson"
TOPOLOGY_NAMES = ("world_110m", "world_50m")
LIGHT = "world_110m"
LIGHT_OBJECTS = ("countries", "land", "ocean", "coastlines")
"""Layers plotly.js draws for our maps (lakes, rivers and subunits are never shown)."""
LIGHT_GRID = 10_000
"""Lattice of the light file: 0.036 degrees of longitude (4 km), finer than 110m detail."""
POINTS_NAME = "world_110m_points.json"
EXTRA_POINTS = {
    "SMR": (12.45, 43.94),  # San Marino
    "VAT": (12.45, 41.90),  # Holy See
    "WLF": (-176.2, -13.28),  # Wallis and Futuna
    "XKX": (20.9, 42.6),  # Kosovo
}
"""(lon, lat) of economies with no shape in either file."""
GEO_ASSETS_MEMBER = "package/dist/plotly-geo-assets.js"
COUNTRIES_OBJECT = "countries"

# Evaluated by node: loads the UMD bundle as a CommonJS module and writes
# the requested topologies (plus the bundle's own version string) as JSON.
_NODE_EXTRACT = r"""
const fs = require("fs");
const [assetsPath, outPath, ...names] = process.argv.slice(1);
// The bundle assigns window.Plotly when it runs.
global.window = global.window || {};
const mod = require(assetsPath);
const assets = (mod && mod.topojson) ? mod
    : (global.window.PlotlyGeoAssets || global.window.Plotly || {});
if (!assets.topojson) {
    console.error("no topojson data found in " + assetsPath);
    process.exit(2);
}
const out = {version: assets.version || null, topologies: {}};
for (const name of names) {
    if (!assets.topojson[name]) {
        console.error("topology " + name + " missing from " + assetsPath);
        process.exit(3);
    }
    out.topologies[name] = assets.topojson[name];
}
fs.writeFileSync(outPath, JSON.stringify(out));
"""


def installed_plotlyjs_version() -> str:
    import plotly.offline

    return plotly.offline.get_plotlyjs_version()


def _run(cmd: list[str], cwd: Path) -> str:
    exe = shutil.which(cmd[0])
    if exe is None:
        sys.exit(f"error: '{cmd[0]}' not found on PATH (needed: npm and node)")
    proc = subprocess.run([exe, *cmd[1:]], cwd=cwd, capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        sys.exit(f"error: {' '.join(cmd)} failed ({proc.returncode}):\n{proc.stderr.strip()}")
    return proc.stdout


def fetch_topologies(version: str, workdir: Path) -> dict[str, dict]:
    """Return ``{name: topology}`` for TOPOLOGY_NAMES from plotly.js@version."""
    _run(["npm", "pack", f"plotly.js@{version}", "--silent"], cwd=workdir)
    tarballs = sorted(workdir.glob("plotly.js-*.tgz"))
    if len(tarballs) != 1:
        sys.exit(f"error: expected one tarball from npm pack, got {tarballs}")

    assets_js = workdir / "plotly-geo-assets.js"
    with tarfile.open(tarballs[0], "r:gz") as tar:
        try:
            member = tar.getmember(GEO_ASSETS_MEMBER)
        except KeyError:
            sys.exit(f"error: {GEO_ASSETS_MEMBER} not in {tarballs[0].name}")
        src = tar.extractfile(member)
        assert src is not None
        assets_js.write_bytes(src.read())

    dump = workdir / "topologies.json"
    _run(
        ["node", "-e", _NODE_EXTRACT, str(assets_js), str(dump), *TOPOLOGY_NAMES],
        cwd=workdir,
    )
    data = json.loads(dump.read_text(encoding="utf-8"))
    if data.get("version") not in (None, version):
        sys.exit(f"error: geo assets report version {data['version']}, expected {version}")
    return data["topologies"]


def _polygons_arcs(geometry: dict) -> list:
    """Arc lists of a topojson (Multi)Polygon as a MultiPolygon arc list."""
    if geometry["type"] == "Polygon":
        return [geometry["arcs"]]
    if geometry["type"] == "MultiPolygon":
        return list(geometry["arcs"])
    raise ValueError(
        f"cannot merge geometry of type {geometry['type']!r} (id {geometry.get('id')!r})"
    )


def merge_duplicate_ids(collection: dict) -> dict[str, int]:
    """Merge geometries sharing an ``id`` in a topojson GeometryCollection.

    The merged geometry is a MultiPolygon holding the polygons of every
    duplicate in their original order; it takes the position and the
    ``properties`` of the first occurrence. Modifies ``collection`` in
    place and returns ``{id: number_of_geometries_merged}``.
    """
    groups: dict[object, list[dict]] = {}
    for geom in collection["geometries"]:
        key = geom.get("id")
        if key is None:
            continue
        groups.setdefault(key, []).append(geom)

    merged: dict[str, int] = {}
    replacement: dict[int, dict | None] = {}
    for key, geoms in groups.items():
        if len(geoms) < 2:
            continue
        first = geoms[0]
        # Same key order as the source: type, arcs, id, properties.
        replacement[id(first)] = {
            "type": "MultiPolygon",
            "arcs": [poly for g in geoms for poly in _polygons_arcs(g)],
            **{k: v for k, v in first.items() if k not in ("type", "arcs")},
        }
        for dup in geoms[1:]:
            replacement[id(dup)] = None
        merged[str(key)] = len(geoms)

    collection["geometries"] = [
        replacement.get(id(g), g)
        for g in collection["geometries"]
        if replacement.get(id(g), g) is not None
    ]
    return merged


def duplicate_ids(collection: dict) -> list[str]:
    seen: set = set()
    dups: set = set()
    for geom in collection["geometries"]:
        key = geom.get("id")
        if key is None:
            continue
        (dups if key in seen else seen).add(key)
    return sorted(map(str, dups))


def _geometry_arcs(geometry: dict):
    """Every arc index a topojson geometry uses, wherever it sits in its arcs lists."""
    stack = [geometry.get("arcs", [])]
    while stack:
        item = stack.pop()
        if isinstance(item, list):
            stack.extend(item)
        else:
            yield item


def _renumber(arcs, mapping: dict[int, int]):
    if isinstance(arcs, list):
        return [_renumber(a, mapping) for a in arcs]
    return mapping[arcs] if arcs >= 0 else ~mapping[~arcs]


def keep_objects(topology: dict, names: tuple[str, ...]) -> None:
    """Keep only the objects ``names`` and the arcs they use (renumbered), in place."""
    missing = sorted(set(names) - set(topology["objects"]))
    if missing:
        raise ValueError(f"objects missing from the topology: {missing}")
    topology["objects"] = {k: v for k, v in topology["objects"].items() if k in names}
    used = sorted(
        {
            index if index >= 0 else ~index
            for obj in topology["objects"].values()
            for geom in obj.get("geometries", [obj])
            for index in _geometry_arcs(geom)
        }
    )
    mapping = {old: new for new, old in enumerate(used)}
    topology["arcs"] = [topology["arcs"][old] for old in used]
    for obj in topology["objects"].values():
        for geom in obj.get("geometries", [obj]):
            if "arcs" in geom:
                geom["arcs"] = _renumber(geom["arcs"], mapping)


def requantize(topology: dict, grid: int) -> None:
    """Snap a quantized topology's arcs to a ``grid`` x ``grid`` lattice over its bbox, in place.

    Arcs stay delta-encoded; points that fall on the same lattice point as the one before are
    dropped. Every arc keeps its two ends, which neighbouring shapes share, so shared borders
    stay shared.
    """
    (sx, sy), (tx, ty) = topology["transform"]["scale"], topology["transform"]["translate"]
    x0, y0, x1, y1 = topology["bbox"]
    nx, ny = (x1 - x0) / (grid - 1), (y1 - y0) / (grid - 1)
    arcs = []
    for arc in topology["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x, y = x + dx, y + dy
            points.append((round((x * sx + tx - x0) / nx), round((y * sy + ty - y0) / ny)))
        kept = [points[0]]
        kept += [p for p, before in zip(points[1:-1], points, strict=False) if p != before]
        kept.append(points[-1])
        arcs.append(
            [list(kept[0])]
            + [[b[0] - a[0], b[1] - a[1]] for a, b in zip(kept, kept[1:], strict=False)]
        )
    topology["arcs"] = arcs
    topology["transform"] = {"scale": [nx, ny], "translate": [x0, y0]}


def dump_json(obj: object) -> bytes:
    return json.dumps(obj, separators=(",", ":"), ensure_ascii=False, allow_nan=False).encode(
        "utf-8"
    )


def write_atomic(data: bytes, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.chmod(tmp, 0o644)  # mkstemp creates the file as 0600
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0],
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--output-dir",
        type=Path,
        default=DEFAULT_OUTPUT_DIR,
        help=f"where to write the files (default: {DEFAULT_OUTPUT_DIR})",
    )
    parser.add_argument(
        "--plotlyjs-version",
        default=None,
        help="plotly.js version to fetch (default: the one bundled with the "
        "installed Python plotly package)",
    )
    args = parser.parse_args(argv)

    installed = installed_plotlyjs_version()
    version = args.plotlyjs_version or installed
    if version != installed:
        print(
            f"warning: fetching plotly.js {version}, but the installed plotly "
            f"bundles plotly.js {installed}",
            file=sys.stderr,
        )
    print(f"plotly.js version: {version}")

    with tempfile.TemporaryDirectory(prefix="plotly-topojson-") as tmp:
        topologies = fetch_topologies(version, Path(tmp))

    for name in TOPOLOGY_NAMES:
        topology = topologies[name]
        countries = topology["objects"][COUNTRIES_OBJECT]
        before = len(countries["geometries"])
        merged = merge_duplicate_ids(countries)
        remaining = duplicate_ids(countries)
        if remaining:
            sys.exit(f"error: {name}: duplicate ids left: {remaining}")
        after = len(countries["geometries"])
        if merged:
            detail = ", ".join(f"{k} ({n} parts)" for k, n in sorted(merged.items()))
        else:
            detail = "nothing to merge"
        print(f"{name}: {before} -> {after} country geometries; merged {detail}")

        if name == LIGHT:
            # The file every map loads: only the layers our maps draw, on a coarser lattice.
            keep_objects(topology, LIGHT_OBJECTS)
            requantize(topology, LIGHT_GRID)
        path = args.output_dir / f"{name}.json"
        data = dump_json(topology)
        write_atomic(data, path)
        print(f"  wrote {path} ({len(data):,} bytes)")
        topologies[name] = topology

    points = small_economy_points(args.output_dir / "world_50m.json", topologies[LIGHT])
    path = args.output_dir / POINTS_NAME
    data = dump_json(points) + b"\n"
    write_atomic(data, path)
    print(f"  wrote {path}: {len(points)} economies drawn as points at 110m")
    return 0


def small_economy_points(detailed_path: Path, light: dict) -> dict[str, list[float]]:
    """``{iso3: [lon, lat]}`` of every economy without a shape in the light topology: a point
    inside its 50m shape, or ``EXTRA_POINTS`` for the few absent from both files."""
    sys.path.insert(0, str(REPO_ROOT))
    from data.geometry import load_countries_geometry

    shaped = {str(g["id"]) for g in light["objects"][COUNTRIES_OBJECT]["geometries"] if "id" in g}
    detailed = load_countries_geometry(detailed_path)
    points = {
        iso3: [round(p.x, 3), round(p.y, 3)]
        for iso3, p in zip(detailed["iso3"], detailed.geometry.representative_point(), strict=True)
        if iso3 not in shaped and len(iso3) == 3 and iso3.isalpha()
    }
    for iso3, point in EXTRA_POINTS.items():
        points.setdefault(iso3, list(point))
    return dict(sorted(points.items()))


if __name__ == "__main__":
    raise SystemExit(main())
