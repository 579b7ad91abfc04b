"""A running gunicorn serves a rebuilt dataset without a restart, under load, with no failed
request; a new dataset that fails validation is never served (no browser needed)."""

from __future__ import annotations

import json
import os
import shutil
import threading
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from data import build, load
from tests import gunicorn_process

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent.parent
VALUE_URL = "/api/v1/observations?indicator=internet_users_pct&countries=KEN&year=2022"
PATHS = ("/healthz", VALUE_URL, "/", "/_dash-layout")
RELOAD_TIMEOUT = 90.0


def plain_copy(target: Path, value: float | None = None) -> Path:
    """The committed dataset's files in ``target``; Kenya's 2022 Internet use set to ``value``."""
    target.mkdir(parents=True)
    for name in load.DATASET_FILES:
        shutil.copyfile(load.dataset_folder(load.DEFAULT_DIR) / name, target / name)
    if value is not None:
        table = pq.read_table(target / "observations.parquet")
        frame = table.select(["iso3", "indicator", "year"]).to_pandas()
        row = int(
            frame.index[
                (frame["iso3"] == "KEN")
                & (frame["indicator"] == "internet_users_pct")
                & (frame["year"] == 2022)
            ][0]
        )
        values = table.column("value").to_pylist()
        values[row] = value
        index = table.schema.get_field_index("value")
        table = table.set_column(index, "value", pa.array(values, pa.float64()))
        pq.write_table(table, target / "observations.parquet", compression="zstd")
    return target


def get(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def health(url: str) -> dict:
    status, body = get(f"{url}/healthz")
    assert status == 200
    return json.loads(body)


def kenya(url: str) -> float:
    status, body = get(url + VALUE_URL)
    assert status == 200
    return json.loads(body)["rows"][0]["value"]


class Load:
    """Clients asking for the health check, an API answer and the page, without pause."""

    def __init__(self, url: str, clients: int = 6) -> None:
        self.url, self.clients = url, clients
        self.stop = threading.Event()
        self.done = 0
        self.failures: list[str] = []
        self._lock = threading.Lock()

    def client(self, n: int) -> None:
        i = n
        while not self.stop.is_set():
            path = PATHS[i % len(PATHS)]
            i += 1
            try:
                status, _ = get(self.url + path)
                failed = None if status == 200 else f"{path}: HTTP {status}"
            except OSError as error:
                failed = f"{path}: {error}"
            with self._lock:
                self.done += 1
                if failed:
                    self.failures.append(failed)


def everyone_serves(url: str, checksum: str, deadline: float, in_a_row: int = 12) -> float:
    """Seconds until ``in_a_row`` consecutive answers (any worker) report ``checksum``."""
    started, seen = time.monotonic(), 0
    while seen < in_a_row:
        assert time.monotonic() < deadline, f"workers still not serving {checksum[:12]}"
        seen = seen + 1 if health(url)["dataset"]["checksum"] == checksum else 0
        time.sleep(0.05)
    return time.monotonic() - started


@pytest.fixture
def served(tmp_path):
    """gunicorn (two workers) serving a versioned copy of the dataset from ``tmp_path``."""
    out = tmp_path / "served"
    build.install(plain_copy(tmp_path / "first"), out)
    settings = {"DIGITAL_DIVIDE_DATA": str(out), "DIGITAL_DIVIDE_RELOAD_SECONDS": "0.5"}
    with gunicorn_process.served(ROOT, WEB_CONCURRENCY="2", **settings) as (url, _pid):
        yield url, out, tmp_path


def test_workers_serve_a_rebuilt_dataset_under_load_and_never_an_invalid_one(served):
    url, out, tmp_path = served
    first = health(url)["dataset"]
    assert first["layout"] == "versioned" and first["rejected"] is None
    old_value = kenya(url)

    load_ = Load(url)
    with ThreadPoolExecutor(load_.clients) as pool:
        for n in range(load_.clients):
            pool.submit(load_.client, n)
        try:
            time.sleep(1.0)
            # A rebuilt dataset, published while the clients keep asking.
            version = build.install(plain_copy(tmp_path / "second", value=12.3), out)
            checksum = load.read_dataset(version).checksum
            assert checksum != first["checksum"]
            latency = everyone_serves(url, checksum, time.monotonic() + RELOAD_TIMEOUT)
            print(f"\nreload latency (publish → every answer new): {latency:.2f} s")
            assert kenya(url) == 12.3 != old_value
            info = health(url)
            assert info["status"] == "ok" and info["dataset"]["built_at"] is not None

            # A broken dataset put in service by hand (the build would refuse it): the
            # workers keep the valid one and say why they refused the new one.
            bad = out / ".versions" / "by-hand"
            shutil.copytree(version, bad)
            (bad / "manifest.json").unlink()
            groups = json.loads((bad / "groups.json").read_text(encoding="utf-8"))
            groups[0]["members"].append("XYZ")
            (bad / "groups.json").write_text(json.dumps(groups), encoding="utf-8")
            link = out / ".current.by-hand"
            link.symlink_to(Path(".versions") / "by-hand")
            os.replace(link, out / "current")
            refused_checksum = load.file_checksum(out)
            deadline = time.monotonic() + RELOAD_TIMEOUT
            refusals = 0
            while refusals < 12:
                assert time.monotonic() < deadline, "the workers did not report the refusal"
                info = health(url)
                assert info["dataset"]["checksum"] == checksum  # never the bad one
                rejected = info["dataset"]["rejected"]
                if rejected:
                    assert info["status"] == "serving-previous-dataset"
                    assert rejected["checksum"] == refused_checksum
                    assert "groups.json" in rejected["reason"] and "XYZ" in rejected["reason"]
                    assert str(out) not in rejected["reason"]
                    refusals += 1
                else:
                    refusals = 0
                time.sleep(0.05)
            assert kenya(url) == 12.3
            time.sleep(1.0)
        finally:
            load_.stop.set()
    assert load_.done > 50, f"only {load_.done} requests made"
    assert load_.failures == [], f"{len(load_.failures)} failed: {load_.failures[:5]}"
