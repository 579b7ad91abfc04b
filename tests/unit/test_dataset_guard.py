"""The app never serves a dataset it has not checked: each fault in a copy of the built dataset
is refused by the loader with the file (and row) named; the build publishes atomically."""

from __future__ import annotations

import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from data import build, load
from data.load import DATASET_FILES, DatasetError, read_dataset

ROOT = Path(__file__).resolve().parent.parent.parent
BUILT = load.DEFAULT_DIR


def plain_copy(target: Path) -> Path:
    """The committed dataset's files (never the committed folder itself) in ``target``."""
    target.mkdir(parents=True)
    for name in DATASET_FILES:
        shutil.copyfile(load.dataset_folder(BUILT) / name, target / name)
    return target


@pytest.fixture
def copy(tmp_path) -> Path:
    return plain_copy(tmp_path / "built")


def obs_rows(folder: Path) -> pa.Table:
    return pq.read_table(folder / "observations.parquet")


def row_of(table: pa.Table, iso3: str, indicator: str, year: int) -> int:
    frame = table.select(["iso3", "indicator", "year"]).to_pandas()
    hits = frame.index[
        (frame["iso3"] == iso3) & (frame["indicator"] == indicator) & (frame["year"] == year)
    ]
    assert len(hits) == 1
    return int(hits[0])


def write_obs(folder: Path, table: pa.Table) -> None:
    pq.write_table(table, folder / "observations.parquet", compression="zstd")


def with_value(table: pa.Table, row: int, value: float) -> pa.Table:
    values = table.column("value").to_pylist()
    values[row] = value
    index = table.schema.get_field_index("value")
    return table.set_column(index, "value", pa.array(values, pa.float64()))


def edit_csv_line(path: Path, line: int, edit) -> None:
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[line - 1] = edit(lines[line - 1])
    path.write_text("".join(lines), encoding="utf-8")


def refused(folder: Path) -> str:
    with pytest.raises(DatasetError) as caught:
        read_dataset(folder)
    return str(caught.value)


def test_the_committed_dataset_loads_with_its_checksum():
    ds = read_dataset(BUILT)
    assert len(ds.checksum) == 64
    assert ds.checksum == load.file_checksum(BUILT)
    assert ds.outlines["type"] == "FeatureCollection"


def test_an_extra_duplicate_row_is_refused_with_both_rows(copy):
    # India's 2022 Internet use given twice, once as 99.9 %.
    table = obs_rows(copy)
    row = row_of(table, "IND", "internet_users_pct", 2022)
    extra = with_value(table.slice(row, 1), 0, 99.9)
    write_obs(copy, pa.concat_tables([table, extra]))
    message = refused(copy)
    assert "duplicate (iso3, year, indicator)" in message
    assert str(copy / "observations.parquet") in message
    assert f"row {row}: IND 2022 internet_users_pct" in message
    assert f"row {table.num_rows}: IND 2022 internet_users_pct = 99.9" in message


def test_a_negative_share_is_refused_with_its_row(copy):
    table = obs_rows(copy)
    row = row_of(table, "KEN", "internet_users_pct", 2022)
    write_obs(copy, with_value(table, row, -5.0))
    message = refused(copy)
    assert "share outside [0, 100]" in message
    assert f"observations.parquet (rows counted from 0) row {row}: KEN 2022" in message


def test_a_value_outside_its_units_range_is_refused(copy):
    table = obs_rows(copy)
    frame = table.select(["iso3", "indicator", "year"]).to_pandas()
    row = int(frame.index[frame["indicator"] == "internet_gender_parity"][0])
    write_obs(copy, with_value(table, row, 45.0))
    message = refused(copy)
    assert "value outside 0–10 for a unit 'ratio …'" in message and f"row {row}:" in message


def test_negative_decimals_are_refused_with_the_catalog_line(copy):
    edit_csv_line(
        copy / "indicators.csv", 2, lambda text: text.replace(",True,1,True,", ",True,-1,True,", 1)
    )
    message = refused(copy)
    assert f"{copy / 'indicators.csv'}: decimals must be a whole number from 0 to 6" in message
    assert "line 2 (internet_users_pct = '-1')" in message


def test_a_duplicate_catalog_row_is_refused(copy):
    path = copy / "indicators.csv"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    path.write_text("".join([*lines, lines[1]]), encoding="utf-8")
    message = refused(copy)
    assert f"{path}: duplicate indicator id: line 2 (internet_users_pct" in message
    assert f"line {len(lines) + 1} (internet_users_pct" in message


def test_an_unknown_group_member_is_refused(copy):
    path = copy / "groups.json"
    groups = json.loads(path.read_text(encoding="utf-8"))
    entry = next(n for n, g in enumerate(groups) if g["id"] == "ldc")
    groups[entry]["members"].append("XYZ")
    path.write_text(json.dumps(groups), encoding="utf-8")
    message = refused(copy)
    assert f"{path}, entry {entry} (ldc): members not in the country table: 'XYZ'" in message


def test_a_missing_source_is_refused(copy):
    path = copy / "sources.csv"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    gone = next(n for n, text in enumerate(lines) if text.startswith("itu-wdi-2026,"))
    path.write_text("".join(lines[:gone] + lines[gone + 1 :]), encoding="utf-8")
    message = refused(copy)
    assert f"{copy / 'indicators.csv'}: source not in the sources table" in message
    assert "line 2 (internet_users_pct = 'itu-wdi-2026')" in message


def test_an_observation_naming_an_unknown_source_is_refused(copy):
    table = obs_rows(copy)
    sources = table.column("source").to_pylist()
    row = sources.index("itu-wdi")
    sources[row] = "nowhere"
    index = table.schema.get_field_index("source")
    write_obs(copy, table.set_column(index, "source", pa.array(sources).dictionary_encode()))
    message = refused(copy)
    assert "source not in the sources table" in message and f"row {row}:" in message


def test_missing_region_outlines_are_refused(copy):
    (copy / "itu_regions.geojson").unlink()
    assert f"the built dataset at {copy} lacks itu_regions.geojson" in refused(copy)


def test_region_outlines_without_features_are_refused(copy):
    (copy / "itu_regions.geojson").write_text('{"type": "FeatureCollection", "features": []}')
    assert f"{copy / 'itu_regions.geojson'}: no features" in refused(copy)


def test_a_truncated_parquet_file_is_refused_by_name(copy):
    path = copy / "observations.parquet"
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    assert f"{path} cannot be read" in refused(copy)


def test_a_column_of_the_wrong_type_is_refused(copy):
    table = obs_rows(copy)
    index = table.schema.get_field_index("year")
    years = pa.array([str(y) for y in table.column("year").to_pylist()])
    write_obs(copy, table.set_column(index, "year", years))
    message = refused(copy)
    assert f"{copy / 'observations.parquet'}: column 'year' has type" in message


def test_a_truncated_file_of_a_published_version_is_refused(tmp_path, copy):
    out = tmp_path / "served"
    version = build.install(copy, out)
    path = version / "countries.csv"
    data = path.read_bytes()
    os.unlink(path)  # the mirror in ``out`` is a hard link: keep it intact
    path.write_bytes(data[:-200])
    message = refused(out)
    assert f"{path} differs from what the build wrote" in message


def test_the_app_refuses_to_start_with_one_clear_message(tmp_path, copy):
    edit_csv_line(
        copy / "indicators.csv", 2, lambda text: text.replace(",True,1,True,", ",True,-1,True,", 1)
    )
    env = dict(
        os.environ,
        DIGITAL_DIVIDE_DATA=str(copy),
        PORT="0",
        HOST="127.0.0.1",
        WEB_CONCURRENCY="1",
    )
    started = time.monotonic()
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "app:server",
            "--config",
            "gunicorn.conf.py",
            "--no-control-socket",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode != 0, done.stdout + done.stderr
    assert time.monotonic() - started < 120
    assert "The app cannot start: its dataset is refused." in done.stderr
    assert f"{copy / 'indicators.csv'}: decimals must be a whole number" in done.stderr
    assert "Traceback" not in done.stderr and "Traceback" not in done.stdout


def test_create_app_refuses_a_bad_dataset(monkeypatch, copy):
    import app

    (copy / "itu_regions.geojson").unlink()
    monkeypatch.setenv("DIGITAL_DIVIDE_DATA", str(copy))
    with pytest.raises(DatasetError, match="lacks itu_regions.geojson"):
        app.create_app()


# --------------------------------------------------------------------------- publishing


def variant(source: Path, target: Path, value: float) -> Path:
    """A valid dataset differing from ``source`` in Kenya's 2022 Internet use."""
    plain_copy_of(source, target)
    table = obs_rows(target)
    write_obs(target, with_value(table, row_of(table, "KEN", "internet_users_pct", 2022), value))
    return target


def plain_copy_of(source: Path, target: Path) -> None:
    target.mkdir(parents=True)
    for name in DATASET_FILES:
        shutil.copyfile(source / name, target / name)


def test_install_flips_the_link_and_keeps_the_plain_mirror(tmp_path, copy):
    out = tmp_path / "served"
    first = build.install(copy, out)
    assert (out / "current").resolve() == first
    second_source = variant(copy, tmp_path / "variant", 33.3)
    second = build.install(second_source, out)
    assert (out / "current").resolve() == second
    ds = read_dataset(out)
    assert ds.checksum == read_dataset(second_source).checksum != read_dataset(copy).checksum
    assert ds.built_at is not None
    # The plain files beside the link are the version in service (what git would commit).
    assert (out / "observations.parquet").read_bytes() == (
        second_source / "observations.parquet"
    ).read_bytes()
    # A third install drops the oldest version: the one in service and the one before stay.
    third = build.install(copy, out)
    assert sorted((out / ".versions").iterdir()) == sorted([second, third])


def test_install_refuses_an_invalid_dataset_and_keeps_the_old(tmp_path, copy):
    out = tmp_path / "served"
    build.install(copy, out)
    before = read_dataset(out).checksum
    bad = tmp_path / "bad"
    plain_copy_of(copy, bad)
    (bad / "itu_regions.geojson").write_text("{}")
    with pytest.raises(build.BuildError, match="fails the app's checks"):
        build.install(bad, out)
    assert read_dataset(out).checksum == before
    assert [p.name for p in (out / ".versions").iterdir() if p.name.startswith(".")] == []


def test_leftovers_of_killed_builds_are_cleared(tmp_path, copy):
    out = tmp_path / "served"
    build.install(copy, out)
    (out / ".versions" / ".staging-dead").mkdir()
    (out / ".versions" / ".staging-dead" / "observations.parquet").write_bytes(b"half")
    (out / ".current.tmp-999999").symlink_to(".versions/nowhere")
    (out / ".countries.csv.tmp-999999").write_bytes(b"half")
    (tmp_path / ".served.new-abc").mkdir()
    build.install(copy, out)
    assert not (out / ".versions" / ".staging-dead").exists()
    assert not (out / ".current.tmp-999999").is_symlink()
    assert not (out / ".countries.csv.tmp-999999").exists()
    assert not (tmp_path / ".served.new-abc").exists()


PUBLISH_LOOP = """
import shutil, sys
from pathlib import Path
from data import build, load
sources, out = [Path(p) for p in sys.argv[1:3]], Path(sys.argv[3])
n = 0
while True:
    source = sources[n % 2]
    n += 1
    with build.publishing(out):
        staging = build.staging_folder(out)
        for name in load.DATASET_FILES:
            shutil.copyfile(source / name, staging / name)
        build.publish(staging, out)
    print(n, flush=True)
"""


@pytest.mark.slow
@pytest.mark.parametrize("seed", range(4))
def test_a_build_killed_at_any_moment_leaves_a_valid_dataset(tmp_path, copy, seed):
    """SIGKILL a process publishing datasets in a loop after random delays: after every kill
    the loader reads one of the two valid datasets, from a folder that started plain."""
    other = variant(copy, tmp_path / "variant", 44.4)
    out = tmp_path / "served"
    plain_copy_of(copy, out)
    valid = {read_dataset(copy).checksum, read_dataset(other).checksum}
    rng = random.Random(seed)
    for _ in range(3):
        process = subprocess.Popen(
            [sys.executable, "-c", PUBLISH_LOOP, str(copy), str(other), str(out)],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        time.sleep(rng.uniform(0.5, 3.0))  # imports take about half a second, a publication ~1 s
        process.send_signal(signal.SIGKILL)
        _, errors = process.communicate(timeout=30)
        assert process.returncode == -signal.SIGKILL, errors
        assert read_dataset(out).checksum in valid
    # The next publication clears what the killed ones left.
    build.install(copy, out)
    assert read_dataset(out).checksum == read_dataset(copy).checksum
    assert not list(out.glob(".*.tmp-*"))
    assert not [p for p in (out / ".versions").iterdir() if p.name.startswith(".")]


@pytest.mark.slow
def test_the_real_build_killed_while_it_runs_leaves_the_dataset(tmp_path, copy):
    out = tmp_path / "served"
    plain_copy_of(copy, out)
    before = read_dataset(out).checksum
    process = subprocess.Popen(
        [sys.executable, "-m", "data.build", "--out", str(out), "--quiet"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    time.sleep(random.Random(7).uniform(2.0, 9.0))
    process.send_signal(signal.SIGKILL)
    process.communicate(timeout=30)
    # The same inputs give the same bytes: whether or not it got to flip, the dataset is valid.
    assert read_dataset(out).checksum == before


# --------------------------------------------------------------------------- the dataset in service


def wait_for(predicate, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def flip(out: Path, version_name: str) -> None:
    link = out / ".current.by-hand"
    link.symlink_to(Path(".versions") / version_name)
    os.replace(link, out / "current")


def test_the_dataset_in_service_is_swapped_and_a_bad_one_refused(monkeypatch, tmp_path, copy):
    out = tmp_path / "served"
    build.install(copy, out)
    monkeypatch.setenv("DIGITAL_DIVIDE_DATA", str(out))
    monkeypatch.setenv("DIGITAL_DIVIDE_RELOAD_SECONDS", "0")
    live = load.LiveDataset()
    served: list = []
    live.swapped.append(served.append)
    first = live.get()
    first.cache["worked out"] = True

    second = build.install(variant(copy, tmp_path / "variant", 12.3), out)
    wait_for(lambda: live.get() is not first)
    new = live.get()
    assert served == [new] and "worked out" not in new.cache
    assert new.checksum == read_dataset(second).checksum
    kenya = new.obs.loc[
        (new.obs["iso3"] == "KEN")
        & (new.obs["indicator"] == "internet_users_pct")
        & (new.obs["year"] == 2022),
        "value",
    ]
    assert kenya.tolist() == [12.3]

    bad = out / ".versions" / "by-hand"
    shutil.copytree(second, bad)
    (bad / "observations.parquet").write_bytes(b"PAR1 not parquet")
    flip(out, "by-hand")
    wait_for(lambda: live.status()["rejected"] is not None)
    status = live.status()
    assert live.get() is new and status["checksum"] == new.checksum
    assert "observations.parquet" in status["rejected"]["reason"]
    assert status["rejected"]["checksum"] == load.file_checksum(out)

    flip(out, second.name)  # taken back out of service: nothing is refused any more
    wait_for(lambda: live.status()["rejected"] is None)
    assert live.get() is new and served == [new]
