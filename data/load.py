"""Reading the built dataset: checked, then kept per process; the app's only run-time disk I/O.

The folder comes from ``$DIGITAL_DIVIDE_DATA`` or defaults to ``data/built`` in the project.
Two layouts are read:

- *versioned* (what ``python -m data.build`` makes): ``<folder>/current`` is a symbolic link to
  ``<folder>/.versions/<version>/``, which holds the files and a ``manifest.json`` (build time,
  sha256 of every file). The build flips the link in one step, so a reader sees either the old
  or the new dataset, never a mix.
- *plain*: the files directly in the folder (the dataset as committed to git, and a fresh clone).

Every dataset is validated when it is read (``data.validate.validate_all``, the build's own
rules); a broken one raises ``DatasetError`` naming the file and row and what to do.

``load_dataset()`` returns the dataset in service. Every ``$DIGITAL_DIVIDE_RELOAD_SECONDS``
(default 2) it looks, with a few ``stat`` calls, whether the folder now holds another dataset;
if so a background thread reads and validates it while requests go on with the old one, then
swaps it in. A dataset that fails validation is never served: it is recorded as rejected
(``status()``) and the old one stays.
"""

from __future__ import annotations

import functools
import hashlib
import io
import json
import logging
import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from data.validate import ValidationError, validate_all

log = logging.getLogger(__name__)

DEFAULT_DIR = Path(__file__).resolve().parent / "built"
MAP_POINTS = Path(__file__).resolve().parent.parent / "assets/topojson/world_110m_points.json"
"""Where the maps draw economies too small for the world geometry (scripts/prepare_topojson.py)."""
OUTLINES_FILE = "itu_regions.geojson"
FILES = (
    "observations.parquet",
    "countries.csv",
    "indicators.csv",
    "sources.csv",
    "groups.json",
    "build_report.json",
    OUTLINES_FILE,
)
OFFICIAL_FILE = "official_aggregates.csv"
DATASET_FILES = (*FILES, OFFICIAL_FILE)
"""Every file of a dataset (the official aggregates may be absent)."""
CURRENT = "current"
"""In a versioned dataset folder, the link to the version in service."""
VERSIONS = ".versions"
MANIFEST = "manifest.json"
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
OFFICIAL_COLUMNS = ["group", "indicator", "year", "value", "source", "derived"]
REBUILD = "rebuild it with: python -m data.build"


class DatasetError(RuntimeError):
    """The built dataset is missing, unreadable or breaks a rule."""


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
    checksum: str = ""
    """sha256 over the dataset's files (names and bytes, in ``DATASET_FILES`` order)."""
    built_at: str | None = None
    """When the build wrote it (from its manifest; None for a plain folder)."""
    outlines: dict = field(default_factory=dict, compare=False, repr=False)
    """The ITU region outlines (GeoJSON) for the region map."""

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


def dataset_folder(path: Path) -> Path:
    """The folder holding the files: ``path/current``'s target if there is one, else ``path``."""
    path = Path(path)
    link = path / CURRENT
    if link.is_symlink() or link.exists():
        target = link.resolve()
        if not target.is_dir():
            raise DatasetError(
                f"{link} points to {target}, which is not a folder; {REBUILD} --out {path}"
            )
        return target
    return path


def _bool(series: pd.Series) -> pd.Series:
    return series.astype(str).str.strip().str.lower().isin(["true", "1", "yes"])


def _optional_bool(value: object) -> bool | None:
    text = str(value).strip().lower()
    if text in ("true", "1"):
        return True
    if text in ("false", "0"):
        return False
    return None


def checksum_of(contents: dict[str, bytes]) -> str:
    """sha256 over the files' names and bytes, in ``DATASET_FILES`` order."""
    digest = hashlib.sha256()
    for name in DATASET_FILES:
        if name in contents:
            data = contents[name]
            digest.update(f"{name}\0{len(data)}\0".encode())
            digest.update(data)
    return digest.hexdigest()


def file_checksum(path: Path) -> str:
    """The checksum of the dataset at ``path`` without reading it as tables (``status``)."""
    folder = dataset_folder(path)
    contents = {}
    for name in DATASET_FILES:
        if (folder / name).is_file():
            contents[name] = (folder / name).read_bytes()
    return checksum_of(contents)


def _read_bytes(folder: Path) -> dict[str, bytes]:
    missing = [name for name in FILES if not (folder / name).is_file()]
    if missing:
        raise DatasetError(f"the built dataset at {folder} lacks {', '.join(missing)}; {REBUILD}")
    contents = {}
    for name in DATASET_FILES:
        path = folder / name
        if name == OFFICIAL_FILE and not path.is_file():
            continue
        try:
            contents[name] = path.read_bytes()
        except OSError as exc:
            raise DatasetError(f"{path} cannot be read ({exc}); {REBUILD}") from exc
    return contents


def _manifest(folder: Path, contents: dict[str, bytes]) -> dict:
    """The build's manifest, after checking every file against it (a plain folder has none)."""
    path = folder / MANIFEST
    if not path.is_file():
        return {}
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
        sums = dict(manifest["files"])
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise DatasetError(f"{path} cannot be read ({exc}); {REBUILD}") from exc
    for name, data in contents.items():
        if sums.get(name) != hashlib.sha256(data).hexdigest():
            raise DatasetError(
                f"{folder / name} differs from what the build wrote ({MANIFEST} has another "
                f"sha256: truncated or changed since); {REBUILD}"
            )
    return manifest


def _parse(folder: Path, name: str, reader: Callable, data: bytes):
    try:
        return reader(data)
    except (OSError, ValueError, TypeError, KeyError, pa.ArrowException) as exc:
        raise DatasetError(f"{folder / name} cannot be read ({exc}); {REBUILD}") from exc


def _csv(data: bytes) -> pd.DataFrame:
    return pd.read_csv(io.BytesIO(data), dtype=str, keep_default_na=False)


def _json(data: bytes):
    return json.loads(data.decode("utf-8"))


def _parquet(data: bytes) -> pd.DataFrame:
    return pq.read_table(pa.BufferReader(data)).to_pandas()


def _require_columns(folder: Path, name: str, frame: pd.DataFrame, columns) -> None:
    missing = sorted(set(columns) - set(frame.columns))
    if missing:
        raise DatasetError(f"{folder / name} lacks columns {missing}; {REBUILD}")


def _typed_observations(folder: Path, obs: pd.DataFrame) -> pd.DataFrame:
    """Check the observations' column types, then give them the types the app uses."""
    where = folder / "observations.parquet"
    _require_columns(folder, "observations.parquet", obs, OBS_COLUMNS)
    kinds = {
        "year": pd.api.types.is_integer_dtype,
        "value": pd.api.types.is_float_dtype,
        "experimental": pd.api.types.is_bool_dtype,
        "series_break": pd.api.types.is_bool_dtype,
        "derived": pd.api.types.is_bool_dtype,
    }
    for column, is_kind in kinds.items():
        if not is_kind(obs[column].dtype):
            raise DatasetError(
                f"{where}: column {column!r} has type {obs[column].dtype}, expected "
                f"{is_kind.__name__.removeprefix('is_').removesuffix('_dtype')}; {REBUILD}"
            )
    for column in ("iso3", "indicator", "source", "note"):
        if obs[column].isna().any():
            row = int(obs[column].isna().to_numpy().argmax())
            raise DatasetError(f"{where} row {row}: {column} is missing; {REBUILD}")
    obs["year"] = obs["year"].astype("int64")
    obs["value"] = obs["value"].astype("float64")
    for column in ("iso3", "indicator", "source", "note"):
        obs[column] = obs[column].astype(str)
    return obs


def _describe_rows(where: Path) -> Callable[[pd.DataFrame], str]:
    def describe(rows: pd.DataFrame, limit: int = 5) -> str:
        parts = [
            f"row {int(label)}: {r['iso3']} {r['year']} {r['indicator']} = {r['value']}"
            for label, r in rows.head(limit).iterrows()
        ]
        more = f" (and {len(rows) - limit} more)" if len(rows) > limit else ""
        return f"{where} (rows counted from 0) " + "; ".join(parts) + more

    return describe


def read_dataset(path: Path) -> Dataset:
    """Read and validate a built dataset (no caching; see ``load_dataset``).

    ``path`` is a dataset folder in either layout (see the module's doc)."""
    folder = dataset_folder(Path(path))
    contents = _read_bytes(folder)
    manifest = _manifest(folder, contents)
    obs = _parse(folder, "observations.parquet", _parquet, contents["observations.parquet"])
    countries = _parse(folder, "countries.csv", _csv, contents["countries.csv"])
    catalog = _parse(folder, "indicators.csv", _csv, contents["indicators.csv"])
    sources = _parse(folder, "sources.csv", _csv, contents["sources.csv"])
    groups = _parse(folder, "groups.json", _json, contents["groups.json"])
    report = _parse(folder, "build_report.json", _json, contents["build_report.json"])
    outlines = _parse(folder, OUTLINES_FILE, _json, contents[OUTLINES_FILE])
    obs = _typed_observations(folder, obs)
    _require_columns(folder, "countries.csv", countries, ["iso3", "name", "ldc", "lldc", "sids"])
    _require_columns(
        folder, "indicators.csv", catalog, ["id", "decimals", "target", "bounded", "source"]
    )
    _require_columns(folder, "sources.csv", sources, ["id", "itu"])
    if not isinstance(groups, list):
        raise DatasetError(f"{folder / 'groups.json'} is not a list of groups; {REBUILD}")
    if not isinstance(report, dict):
        raise DatasetError(f"{folder / 'build_report.json'} is not an object; {REBUILD}")
    official = (
        _parse(folder, OFFICIAL_FILE, _official, contents[OFFICIAL_FILE])
        if OFFICIAL_FILE in contents
        else pd.DataFrame(columns=OFFICIAL_COLUMNS)
    )

    for flag in ("ldc", "lldc", "sids"):
        countries[flag] = _bool(countries[flag])
    countries = countries.set_index("iso3", drop=False)
    catalog = catalog.set_index("id", drop=False)
    catalog["bounded"] = _bool(catalog["bounded"])
    try:
        validate_all(
            obs=obs,
            countries=countries,
            catalog=catalog,
            sources=sources,
            groups=groups,
            official=official,
            outlines=outlines,
            files={
                "catalog": str(folder / "indicators.csv"),
                "sources": str(folder / "sources.csv"),
                "groups": str(folder / "groups.json"),
                "outlines": str(folder / OUTLINES_FILE),
                "countries": str(folder / "countries.csv"),
            },
            describe=_describe_rows(folder / "observations.parquet"),
            locate_official=lambda position: f"{folder / OFFICIAL_FILE} line {position + 2}",
        )
    except ValidationError as exc:
        raise DatasetError(f"{exc}; {REBUILD}") from exc

    catalog["decimals"] = pd.to_numeric(catalog["decimals"]).astype(int)
    catalog["target"] = pd.to_numeric(catalog["target"].replace("", None), errors="coerce")
    catalog["higher_is_better"] = catalog["higher_is_better"].map(_optional_bool)
    sources["itu"] = _bool(sources["itu"])
    sources = sources.set_index("id", drop=False)
    by_indicator = {
        str(ind): part.reset_index(drop=True)
        for ind, part in obs.groupby("indicator", sort=False, observed=True)
    }
    return Dataset(
        obs=obs,
        countries=countries,
        catalog=catalog,
        sources=sources,
        groups={g["id"]: g for g in groups},
        report=report,
        path=folder,
        by_indicator=by_indicator,
        official=official,
        checksum=checksum_of(contents),
        built_at=manifest.get("built_at"),
        outlines=outlines,
    )


def _official(data: bytes) -> pd.DataFrame:
    frame = pd.read_csv(io.BytesIO(data), dtype={"group": str, "indicator": str, "source": str})
    missing = set(OFFICIAL_COLUMNS) - set(frame.columns)
    if missing:
        raise ValueError(f"lacks columns {sorted(missing)}")
    frame["year"] = frame["year"].astype("int64")
    frame["value"] = frame["value"].astype("float64")
    frame["derived"] = _bool(frame["derived"])
    return frame[OFFICIAL_COLUMNS]


def read_official(path: Path) -> pd.DataFrame:
    """ITU's official aggregates as built (an empty frame where the build made none)."""
    if not path.is_file():
        return pd.DataFrame(columns=OFFICIAL_COLUMNS)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise DatasetError(f"{path} cannot be read: {exc}") from exc
    return _parse(path.parent, path.name, _official, data)


# --------------------------------------------------------------------------- the dataset in service


def reload_seconds() -> float | None:
    """How often ``load_dataset()`` looks for a new dataset (None: never)."""
    text = os.environ.get("DIGITAL_DIVIDE_RELOAD_SECONDS", "2").strip().lower()
    if text in ("", "off", "never", "no"):
        return None
    try:
        seconds = float(text)
    except ValueError:
        return 2.0
    return None if seconds < 0 else seconds


def signature(path: Path) -> tuple:
    """What changes when the folder holds another dataset: where its files are and their
    inode, size and time (a few ``stat`` calls)."""
    try:
        folder = dataset_folder(path)
    except DatasetError:
        return ("broken", str(path))
    stats = []
    for name in (*DATASET_FILES, MANIFEST):
        try:
            st = (folder / name).stat()
        except OSError:
            stats.append((name, None))
            continue
        stats.append((name, st.st_ino, st.st_size, st.st_mtime_ns))
    return (str(folder), tuple(stats))


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


class LiveDataset:
    """The dataset in service in this process, swapped for a newer one when the folder
    changes (checked at most every ``reload_seconds()``, read in a background thread)."""

    def __init__(self) -> None:
        self.dataset: Dataset | None = None
        self.signature: tuple | None = None
        self.root: Path | None = None
        self.checked = 0.0
        self.loaded_at: str | None = None
        self.rejected: dict | None = None
        self._rejected_signature: tuple | None = None
        self._lock = threading.Lock()
        self._loading = False
        self.swapped: list[Callable[[Dataset], None]] = []
        """Called (in the background thread) once a new dataset is served: clearing caches of
        answers, working out its estimates."""

    def get(self) -> Dataset:
        root = data_dir()
        dataset = self.dataset
        if dataset is None or root != self.root:
            with self._lock:
                if self.dataset is None or root != self.root:
                    self._install(root, signature(root), read_dataset(root))
                return self.dataset
        interval = reload_seconds()
        now = time.monotonic()
        if interval is not None and now - self.checked >= interval and not self._loading:
            self.checked = now
            current = signature(root)
            if current == self.signature and self.rejected is not None:
                self.rejected = self._rejected_signature = None  # the refused one was undone
            elif current != self.signature and current != self._rejected_signature:
                with self._lock:
                    if not self._loading:
                        self._loading = True
                        threading.Thread(
                            target=self._reload, args=(root, current), daemon=True
                        ).start()
        return dataset

    def _install(self, root: Path, sig: tuple, dataset: Dataset) -> None:
        self.dataset, self.signature, self.root = dataset, sig, root
        self.loaded_at = _now()
        self.rejected = None
        self._rejected_signature = None
        self.checked = time.monotonic()

    def _reload(self, root: Path, sig: tuple) -> None:
        started = time.perf_counter()
        try:
            try:
                dataset = read_dataset(root)
            except DatasetError as exc:
                try:
                    rejected = file_checksum(root)
                except (OSError, DatasetError):
                    rejected = None
                self.rejected = {"checksum": rejected, "reason": str(exc), "at": _now()}
                self._rejected_signature = sig
                log.error("new dataset in %s refused, still serving the old one: %s", root, exc)
                return
            if dataset.checksum == (self.dataset.checksum if self.dataset else None):
                # The same files again (e.g. the refused dataset taken back out of service).
                self.signature, self.rejected, self._rejected_signature = sig, None, None
                return
            self._install(root, sig, dataset)
            log.warning(
                "now serving dataset %s from %s (read, checked and in service %.2f s after "
                "it was noticed)",
                dataset.checksum[:12],
                dataset.path,
                time.perf_counter() - started,
            )
            for hook in self.swapped:
                hook(dataset)
        except Exception:  # a hook failing must not kill the check for good
            log.exception("reloading the dataset in %s failed", root)
        finally:
            self._loading = False

    def status(self) -> dict:
        """What ``/healthz`` reports: the dataset in service and any refused newer one."""
        ds = self.get()
        versioned = ds.path.parent.name == VERSIONS
        rejected = self.rejected
        if rejected is not None and self.root is not None:
            # Where the files are is the operator's business, not the public's.
            reason = rejected["reason"]
            for hidden in (str(self.root.resolve()), str(self.root)):
                reason = reason.replace(hidden, "$DIGITAL_DIVIDE_DATA")
            rejected = {**rejected, "reason": reason}
        return {
            "checksum": ds.checksum,
            "built_at": ds.built_at,
            "loaded_at": self.loaded_at,
            "layout": "versioned" if versioned else "plain",
            "version": ds.path.name if versioned else None,
            "observations": len(ds.obs),
            "rejected": rejected,
        }


LIVE = LiveDataset()


def load_dataset(path: str | None = None) -> Dataset:
    """The dataset in service (default folder: ``data_dir()``, see ``LiveDataset``), or the
    dataset at ``path``, read once per process."""
    return _load_path(str(path)) if path else LIVE.get()


@functools.cache
def _load_path(path: str) -> Dataset:
    return read_dataset(Path(path))


def status() -> dict:
    return LIVE.status()


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


def load_outlines(path: str | None = None) -> dict:
    """The ITU region outlines (GeoJSON) of the dataset in service (or the one at ``path``)."""
    return load_dataset(path).outlines
