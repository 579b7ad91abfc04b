"""Reading the built dataset: once per process, cached. The app's only run-time disk I/O.

The folder comes from ``$DIGITAL_DIVIDE_DATA`` or defaults to ``data/built`` in the project.
A missing or broken dataset raises ``DatasetError`` with what to do about it.
"""

from __future__ import annotations

import functools
import json
import os
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq

DEFAULT_DIR = Path(__file__).resolve().parent / "built"
MAP_POINTS = Path(__file__).resolve().parent.parent / "assets/topojson/world_110m_points.json"
"""Where the maps draw economies too small for the world geometry (scripts/prepare_topojson.py)."""
FILES = (
    "observations.parquet",
    "countries.csv",
    "indicators.csv",
    "sources.csv",
    "groups.json",
    "build_report.json",
)
OBS_COLUMNS = {
    "iso3",
    "year",
    "indicator",
    "value",
    "source",
    "experimental",
    "series_break",
    "derived",
    "note",
}


OFFICIAL_FILE = "official_aggregates.csv"
OFFICIAL_COLUMNS = ["group", "indicator", "year", "value", "source", "derived"]


class DatasetError(RuntimeError):
    """The built dataset is missing or unreadable."""


@dataclass(frozen=True)
class Dataset:
    obs: pd.DataFrame
    countries: pd.DataFrame  # indexed by iso3
    catalog: pd.DataFrame  # indexed by indicator id
    sources: pd.DataFrame  # indexed by source id
    groups: dict[str, dict]  # id -> {"id", "kind", "label", "members"}
    report: dict
    path: Path
    by_indicator: dict[str, pd.DataFrame]
    official: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=OFFICIAL_COLUMNS))
    """ITU's own published group values: group, indicator, year, value, source, derived."""
    cache: dict = field(default_factory=dict, compare=False, repr=False)
    """Results computed once per dataset (it never changes while loaded): estimates …"""

    def subset(self, *indicators: str) -> pd.DataFrame:
        """Observations of the given indicators only (a small frame, cheap to filter)."""
        frames = [self.by_indicator[i] for i in dict.fromkeys(indicators) if i in self.by_indicator]
        if not frames:
            return self.obs.iloc[0:0]
        return frames[0] if len(frames) == 1 else pd.concat(frames, ignore_index=True)

    def members(self, group_id: str) -> list[str]:
        return list(self.groups[group_id]["members"])

    def country_name(self, iso3: str) -> str:
        try:
            return str(self.countries.at[iso3, "name"])
        except KeyError:
            return iso3


def data_dir() -> Path:
    env = os.environ.get("DIGITAL_DIVIDE_DATA")
    return Path(env) if env else DEFAULT_DIR


def _bool(series: pd.Series) -> pd.Series:
    return series.astype(str).str.strip().str.lower().isin(["true", "1", "yes"])


def _optional_bool(value: object) -> bool | None:
    text = str(value).strip().lower()
    if text in ("true", "1"):
        return True
    if text in ("false", "0"):
        return False
    return None


def read_dataset(path: Path) -> Dataset:
    """Read and check a built dataset folder (no caching; see ``load_dataset``)."""
    path = Path(path)
    missing = [name for name in FILES if not (path / name).is_file()]
    if missing:
        raise DatasetError(
            f"the built dataset at {path} lacks {', '.join(missing)}; "
            "rebuild it with: python -m data.build"
        )
    try:
        obs = pq.read_table(path / "observations.parquet").to_pandas()
        countries = pd.read_csv(path / "countries.csv", dtype=str, keep_default_na=False)
        catalog = pd.read_csv(path / "indicators.csv", dtype=str, keep_default_na=False)
        sources = pd.read_csv(path / "sources.csv", dtype=str, keep_default_na=False)
        groups = json.loads((path / "groups.json").read_text(encoding="utf-8"))
        report = json.loads((path / "build_report.json").read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise DatasetError(f"the built dataset at {path} cannot be read: {exc}") from exc
    if not set(obs.columns) >= OBS_COLUMNS:
        raise DatasetError(
            f"{path / 'observations.parquet'} lacks columns "
            f"{sorted(OBS_COLUMNS - set(obs.columns))}; rebuild with: python -m data.build"
        )
    obs["year"] = obs["year"].astype("int64")
    obs["value"] = obs["value"].astype("float64")
    for column in ("iso3", "indicator", "source", "note"):
        obs[column] = obs[column].astype(str)
    by_indicator = {
        str(ind): part.reset_index(drop=True)
        for ind, part in obs.groupby("indicator", sort=False, observed=True)
    }

    for flag in ("ldc", "lldc", "sids"):
        countries[flag] = _bool(countries[flag])
    countries = countries.set_index("iso3", drop=False)

    for column in ("decimals",):
        catalog[column] = pd.to_numeric(catalog[column]).astype(int)
    catalog["target"] = pd.to_numeric(catalog["target"].replace("", None), errors="coerce")
    catalog["bounded"] = _bool(catalog["bounded"])
    catalog["higher_is_better"] = catalog["higher_is_better"].map(_optional_bool)
    catalog = catalog.set_index("id", drop=False)

    official = read_official(path / OFFICIAL_FILE)

    sources["itu"] = _bool(sources["itu"])
    sources = sources.set_index("id", drop=False)
    return Dataset(
        obs=obs,
        countries=countries,
        catalog=catalog,
        sources=sources,
        groups={g["id"]: g for g in groups},
        report=report,
        path=path,
        by_indicator=by_indicator,
        official=official,
    )


def read_official(path: Path) -> pd.DataFrame:
    """ITU's official aggregates as built (an empty frame where the build made none)."""
    if not path.is_file():
        return pd.DataFrame(columns=OFFICIAL_COLUMNS)
    try:
        frame = pd.read_csv(path, dtype={"group": str, "indicator": str, "source": str})
    except (OSError, ValueError) as exc:
        raise DatasetError(f"{path} cannot be read: {exc}") from exc
    missing = set(OFFICIAL_COLUMNS) - set(frame.columns)
    if missing:
        raise DatasetError(f"{path} lacks columns {sorted(missing)}; rebuild: python -m data.build")
    frame["year"] = frame["year"].astype("int64")
    frame["value"] = frame["value"].astype("float64")
    frame["derived"] = _bool(frame["derived"])
    return frame[OFFICIAL_COLUMNS]


@functools.cache
def load_dataset(path: str | None = None) -> Dataset:
    """The dataset at ``path`` (default: ``data_dir()``), read once per process."""
    return read_dataset(Path(path) if path else data_dir())


@functools.cache
def load_map_points(path: str | None = None) -> dict[str, tuple[float, float]]:
    """``{iso3: (lon, lat)}`` of the economies the maps draw as points: those without a shape
    in the light world geometry (small islands and states, Kosovo)."""
    source = Path(path) if path else MAP_POINTS
    try:
        points = json.loads(source.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise DatasetError(
            f"the map points in {source} cannot be read ({exc}); "
            "rebuild them with: python scripts/prepare_topojson.py"
        ) from exc
    return {str(iso3): (float(lon), float(lat)) for iso3, (lon, lat) in points.items()}


@functools.cache
def load_outlines(path: str | None = None) -> dict:
    """The ITU region outlines (GeoJSON) built beside the dataset, for the region map."""
    folder = Path(path) if path else data_dir()
    try:
        return json.loads((folder / "itu_regions.geojson").read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise DatasetError(
            f"the region outlines in {folder} cannot be read ({exc}); "
            "rebuild them with: python -m data.build"
        ) from exc
