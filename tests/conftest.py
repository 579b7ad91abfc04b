"""Shared fixtures: a headless Chromium for pytest-playwright and the app served by gunicorn.

Both fixtures are session-scoped and only start when a test asks for them (the browser tests
in ``tests/integration``); unit tests need neither Chromium nor a running server.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.gunicorn_process import ServerError, served

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = os.environ.get("CHROMIUM_PATH") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
STARTUP_TIMEOUT = 60.0
"""Seconds the server gets to answer ``/healthz`` (loading the dataset included)."""


BROWSER_RERUNS = int(os.environ.get("BROWSER_RERUNS", "1"))
"""How many times a failed browser test runs again before it counts as failed (pytest-
rerunfailures). A real browser on a shared two-core machine now and then misses a deadline
that a second run meets; a broken feature fails every run. Reruns are counted in the summary
line ("1 rerun") and each failed attempt is printed, so they stay visible. Set
``BROWSER_RERUNS=0`` to see the first failure only."""


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        if item.get_closest_marker("browser") and not item.get_closest_marker("flaky"):
            item.add_marker(pytest.mark.flaky(reruns=BROWSER_RERUNS, reruns_delay=2))


_RERUN_FAILURES: list[pytest.TestReport] = []


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    if report.outcome == "rerun":
        _RERUN_FAILURES.append(report)


def pytest_terminal_summary(terminalreporter) -> None:
    """Print why each rerun test failed the first time, so no flaky run goes unexplained."""
    if _RERUN_FAILURES:
        terminalreporter.section("failures of tests that passed when run again", sep="=")
        for report in _RERUN_FAILURES:
            terminalreporter.section(report.nodeid, sep="_")
            terminalreporter.line(report.longreprtext)


@pytest.fixture(scope="session")
def browser_type_launch_args() -> dict:
    """Launch the system Chromium (playwright's own browser download is not used)."""
    if not (os.path.isfile(CHROMIUM) and os.access(CHROMIUM, os.X_OK)):
        pytest.fail(
            f"Chromium not found at {CHROMIUM}: install Debian's chromium "
            "(apt-get install chromium) or set CHROMIUM_PATH",
            pytrace=False,
        )
    return {"executable_path": CHROMIUM, "args": list(CHROMIUM_ARGS)}


@pytest.fixture(scope="session")
def base_url(pytestconfig: pytest.Config) -> str | None:
    """pytest-playwright's ``--base-url`` (unset by default: tests pass ``live_server`` URLs).

    Defined here because pytest-playwright 0.10's own fallback fixture is an instance method
    of a plugin object, which pytest 9 deprecates with a warning (an error in this project).
    """
    try:
        return pytestconfig.getoption("base_url") or pytestconfig.getini("base_url") or None
    except ValueError:
        return None


@pytest.fixture(scope="session")
def live_server() -> Iterator[str]:
    """The app as the README runs it (gunicorn, two workers) on a free local port.

    Yields the base URL, e.g. ``http://127.0.0.1:41234``.
    """
    try:
        with served(ROOT, STARTUP_TIMEOUT, WEB_CONCURRENCY="2") as (url, _pid):
            yield url
    except ServerError as error:
        pytest.fail(str(error), pytrace=False)


@pytest.fixture(autouse=True)
def _english_by_default():
    """Each test starts in English, whatever language an earlier one left the thread in."""
    from data.i18n import use_language

    use_language(None)
    yield
    use_language(None)
