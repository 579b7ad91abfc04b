"""The app under gunicorn in a subprocess, and what a test or benchmark measures of it.

``served(root)`` starts gunicorn with ``root``'s gunicorn.conf.py on a free 127.0.0.1 port
(``--no-control-socket``: gunicorn's control socket is shared by every gunicorn of the user)
and yields the base URL and the process; ``worker_pids`` and ``rss_kb`` read /proc.
``slow_client`` opens a connection that sends its request a byte at a time, or never finishes
its body; ``health_latency`` times one ``GET /healthz``.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import IO

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def health_latency(url: str, timeout: float = 2.0) -> float | None:
    """Seconds ``GET /healthz`` took, or None when it failed or took longer than ``timeout``."""
    started = time.monotonic()
    try:
        with urllib.request.urlopen(f"{url}/healthz", timeout=timeout) as response:
            response.read()
            ok = response.status == 200
    except (urllib.error.URLError, OSError):
        return None
    return time.monotonic() - started if ok else None


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=5)


GUNICORN = [sys.executable, "-m", "gunicorn", "app:server", "--config", "gunicorn.conf.py"]


class ServerError(RuntimeError):
    """The server did not start, or stopped while in use; the message ends with its log."""


def _tail(log: IO[bytes], size: int = 4000) -> str:
    log.seek(0)
    return log.read().decode("utf-8", "replace")[-size:]


@contextlib.contextmanager
def served(
    root: Path = ROOT,
    startup: float = 120.0,
    *,
    command: list[str] | None = None,
    log: IO[bytes] | None = None,
    **env: str,
) -> Iterator[tuple[str, int]]:
    """gunicorn serving ``root``'s app (or ``command``, e.g. ``python app.py``); yields
    (base URL, pid of its master) once ``/healthz`` answers. Its output goes to ``log`` (a
    binary file the caller may read), else to a temporary file quoted in a ``ServerError``
    when it fails to start or has stopped by the end."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    environment = dict(os.environ, PORT=str(port), HOST="127.0.0.1", ACCESS_LOG="/dev/null", **env)
    name = "gunicorn" if command is None else " ".join(Path(c).name for c in command)
    with contextlib.ExitStack() as stack:
        if log is None:
            log = stack.enter_context(tempfile.TemporaryFile(mode="w+b"))
        process = subprocess.Popen(
            command or [*GUNICORN, "--no-control-socket"],
            cwd=root,
            env=environment,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            deadline = time.monotonic() + startup
            while health_latency(url) is None:
                if process.poll() is not None:
                    raise ServerError(
                        f"{name} exited with status {process.returncode} ({url}); "
                        f"the end of its log:\n{_tail(log)}"
                    )
                if time.monotonic() > deadline:
                    raise ServerError(
                        f"{name} did not answer /healthz within {startup:.0f} s ({url}); "
                        f"the end of its log:\n{_tail(log)}"
                    )
                time.sleep(0.25)
            yield url, process.pid
            if process.poll() is not None:
                raise ServerError(
                    f"{name} stopped while in use (status {process.returncode}); "
                    f"the end of its log:\n{_tail(log)}"
                )
        finally:
            _stop(process)


def worker_pids(master: int) -> list[int]:
    children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    return [int(pid) for pid in children]


def rss_kb(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise LookupError(f"no VmRSS for {pid}")


def slow_client(url: str, kind: str) -> socket.socket:
    """A connection that holds the server: ``headers`` sends the request's first byte now
    (the caller drips the rest with ``drip``); ``body`` sends complete headers announcing a
    body of 1000 bytes and only 10 of them; ``silent`` connects and sends nothing."""
    host, port = url.removeprefix("http://").split(":")
    sock = socket.create_connection((host, int(port)), timeout=5)
    if kind == "headers":
        sock.sendall(b"G")
    elif kind == "body":
        sock.sendall(
            b"POST /_dash-update-component HTTP/1.1\r\nHost: x\r\n"
            b"Content-Type: application/json\r\nContent-Length: 1000\r\n\r\n" + b"{" * 10
        )
    return sock


SLOW_REQUEST = b"ET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: " + b"a" * 200 + b"\r\n\r\n"


def drip(sockets: list[tuple[socket.socket, str]], position: int) -> None:
    """Send the next byte of each ``headers`` client's request (errors: the server closed)."""
    for sock, kind in sockets:
        if kind == "headers" and position < len(SLOW_REQUEST):
            with contextlib.suppress(OSError):
                sock.send(SLOW_REQUEST[position : position + 1])


SLOW_KINDS = ("headers", "body", "silent")


@contextlib.contextmanager
def slow_clients(
    url: str, count: int, *, every: float = 0.5
) -> Iterator[list[tuple[socket.socket, str]]]:
    """``count`` slow connections to ``url``, a third of each kind of ``slow_client`` (in
    turn), the ``headers`` ones sending a byte every ``every`` seconds; yields them as
    (socket, kind) and closes them all at the end."""
    sockets = [(slow_client(url, SLOW_KINDS[i % 3]), SLOW_KINDS[i % 3]) for i in range(count)]
    stop = threading.Event()

    def dripping() -> None:
        position = 1
        while not stop.wait(every):
            drip(sockets, position)
            position += 1

    thread = threading.Thread(target=dripping, daemon=True)
    thread.start()
    try:
        yield sockets
    finally:
        stop.set()
        thread.join(timeout=5)
        for sock, _kind in sockets:
            with contextlib.suppress(OSError):
                sock.close()
