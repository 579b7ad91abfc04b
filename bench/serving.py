"""Serving a page for the benchmarks: gunicorn on a free loopback port, and its processes.

Used by bench_app.py, bench_load.py and bench_server.py, so that every benchmark serves the
dashboard (and the minimal Dash page beside it) the same way the README does.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT))

# The browser tests' Chromium, its quiet flags, and their way to find a port and stop a server.
from tests.conftest import CHROMIUM, CHROMIUM_ARGS  # noqa: E402, F401
from tests.gunicorn_process import _stop as stop  # noqa: E402
from tests.gunicorn_process import free_port  # noqa: E402, F401

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
PAGE_SIZE = os.sysconf("SC_PAGE_SIZE")


@dataclass
class Page:
    """A WSGI application to serve: its checkout, its module path, extra environment."""

    name: str
    cwd: Path
    wsgi: str = "app:server"
    env: dict = field(default_factory=dict)
    results: dict = field(default_factory=dict)


def start(page: Page, port: int, *, wait: float = 90.0, **settings: str) -> subprocess.Popen:
    """gunicorn serving ``page`` on 127.0.0.1:``port`` with the project's gunicorn.conf.py;
    returns once ``/`` answers. ``settings`` are extra environment variables."""
    env = {
        **os.environ,
        "WEB_CONCURRENCY": "2",
        **page.env,
        **settings,
        "PORT": str(port),
        "HOST": "127.0.0.1",
    }
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            page.wsgi,
            "--config",
            # Each checkout as it was served (the minimal page as this one).
            str(page.cwd / "gunicorn.conf.py"),
            "--no-control-socket",  # gunicorn's shared one would be removed by the next stop
        ],
        cwd=page.cwd,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5):
                return process
        except OSError:
            if process.poll() is not None:
                break
            time.sleep(0.5)
    stop(process)
    raise SystemExit(f"{page.name}: the server did not start within {wait:.0f} s")


def workers(master: int) -> list[int]:
    """The process ids of gunicorn's workers (the master's children)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == master:
            found.append(int(entry.name))
    return sorted(found)


def cpu_seconds(pids: list[int]) -> float:
    """User and system CPU time used so far by ``pids`` (those still running)."""
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / CLOCK_TICKS


def rss_mb(pid: int) -> float | None:
    """Resident memory of ``pid`` in MB, or None once it has gone."""
    try:
        pages = int(Path(f"/proc/{pid}/statm").read_text().split()[1])
    except OSError:
        return None
    return pages * PAGE_SIZE / 1e6
