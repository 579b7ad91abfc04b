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
