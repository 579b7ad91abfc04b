"""A Data360 export added with ``python -m data.add`` to a copy of the dataset that gunicorn
serves: the running server picks it up without a restart, the browser draws its map, and
``python -m data.remove`` takes it away again."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from playwright.sync_api import Page

from data import build, load
from tests import gunicorn_process
from tests.integration.conftest import Watch
from tests.integration.test_browser import MAP_DRAWN_JS, coloured_values, settle, wait_for_title
from tests.integration.test_dataset_reload import get

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent.parent
FIXTURE = ROOT / "tests" / "fixtures" / "userdata" / "ITU_DH_IND_COMP_PT.csv"
NEW = "computer_users_pct"
STARTUP = 90.0


def indicator_ids(url: str) -> set[str]:
    status, body = get(f"{url}/api/v1/indicators")
    assert status == 200
    return {i["id"] for i in json.loads(body)["indicators"]}


def wait_until(check, what: str, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, f"still not {what} after {timeout:.0f} s"
        time.sleep(0.25)


@pytest.fixture
def served(tmp_path):
    """gunicorn serving a dataset built into ``tmp_path``, with its own user-data folder."""
    out, user = tmp_path / "built", tmp_path / "user"
    build.build(build.default_raw(), out, quiet=True, user=user)
    settings = {
        "DIGITAL_DIVIDE_DATA": str(out),
        "DIGITAL_DIVIDE_USER_DATA": str(user),
        "DIGITAL_DIVIDE_RELOAD_SECONDS": "0.5",
    }
    with gunicorn_process.served(ROOT, STARTUP, WEB_CONCURRENCY="2", **settings) as (url, _pid):
        # The commands run with the server's settings (its dataset and user-data folders).
        yield {"url": url, "env": dict(os.environ, **settings), "out": out}


def command(served: dict, module: str, *args: str) -> str:
    done = subprocess.run(
        [sys.executable, "-m", module, *args],
        cwd=ROOT,
        env=served["env"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


@pytest.mark.browser
def test_added_series_is_served_live_and_mapped(page: Page, watch: Watch, served: dict):
    url = served["url"]
    assert NEW not in indicator_ids(url)
    printed = command(served, "data.add", str(FIXTURE), "--indicator", NEW, "--dry-run")
    assert "would change" in printed and NEW not in indicator_ids(url)
    command(served, "data.add", str(FIXTURE), "--indicator", NEW)
    wait_until(lambda: NEW in indicator_ids(url), "serving the added indicator")

    ds = load.read_dataset(served["out"])
    title = str(ds.catalog.at[NEW, "title"])
    year = 2022
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{url}/?theme=access&indicator={NEW}&year={year}")
    page.wait_for_function(MAP_DRAWN_JS)
    settle(page)
    fig = wait_for_title(page, "map", "(t, want) => t === want", f"{title}, {year}")
    shown = coloured_values(fig)
    obs = ds.subset(NEW)
    expected = {
        r.iso3: r.value for r in obs.loc[obs["year"] == year].itertuples() if r.iso3 in shown
    }
    assert set(obs.loc[obs["year"] == year, "iso3"]) <= set(shown)
    assert shown and all(shown[k] == pytest.approx(v) for k, v in expected.items())
    options = page.locator("#indicator-value")
    assert title in options.inner_text()
    watch.assert_clean()

    command(served, "data.remove", NEW)
    wait_until(lambda: NEW not in indicator_ids(url), "serving the dataset without it")
