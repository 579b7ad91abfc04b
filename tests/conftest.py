"""Shared fixtures: a headless Chromium for pytest-playwright and the app served by gunicorn.

Both fixtures are session-scoped and only start when a test asks for them (the browser tests
in ``tests/integration``); unit tests need neither Chromium nor a running server.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

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


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/healthz", timeout=2) as response:
            return response.status == 200
    except (urllib.error.URLError, OSError):
        return False


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is not None:
        return
    try:
        os.killpg(process.pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=5)


@pytest.fixture(scope="session")
def live_server() -> Iterator[str]:
    """The app as the README runs it (gunicorn, two workers) on a free local port.

    Yields the base URL, e.g. ``http://127.0.0.1:41234``.
    """
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    env = dict(os.environ, PORT=str(port), HOST="127.0.0.1", WEB_CONCURRENCY="2")
    with tempfile.TemporaryFile(mode="w+b") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "app:server", "--config", "gunicorn.conf.py"],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            deadline = time.monotonic() + STARTUP_TIMEOUT
            while not _healthy(url):
                if process.poll() is not None or time.monotonic() > deadline:
                    reason = (
                        f"exited with status {process.returncode}"
                        if process.returncode is not None
                        else f"did not answer /healthz within {STARTUP_TIMEOUT:.0f} s"
                    )
                    _stop(process)
                    log.seek(0)
                    output = log.read().decode("utf-8", "replace")
                    print(f"---- gunicorn log ----\n{output}\n---- end of log ----")
                    pytest.fail(
                        f"gunicorn {reason} ({url}); its log is printed above", pytrace=False
                    )
                time.sleep(0.25)
            yield url
            if process.poll() is not None:
                log.seek(0)
                tail = log.read().decode("utf-8", "replace")[-4000:]
                pytest.fail(
                    f"gunicorn stopped during the tests (status {process.returncode}); "
                    f"the end of its log:\n{tail}",
                    pytrace=False,
                )
        finally:
            _stop(process)


@pytest.fixture(autouse=True)
def _english_by_default():
    """Each test starts in English, whatever language an earlier one left the thread in."""
    from data.i18n import use_language

    use_language(None)
    yield
    use_language(None)
