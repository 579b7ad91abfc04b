"""The server as deployed (gunicorn, gunicorn.conf.py) against large bodies and slow clients.

One gunicorn (two workers, a 3-second request read timeout) on a free 127.0.0.1 port, started
with ``--no-control-socket`` (tests/gunicorn_process.py).
"""

from __future__ import annotations

import select
import socket
import time

import pytest

from edges import MAX_BODY
from gunicorn_worker import MAX_HEAD, complete
from tests.gunicorn_process import (
    health_latency,
    rss_kb,
    served,
    slow_clients,
    worker_pids,
)

READ_TIMEOUT = 3
RSS_GROWTH_KB = 16 * 1024
"""The most a worker's memory may grow while refusing a 60 MB body (it reads at most 1 MB)."""


@pytest.fixture(scope="module")
def server():
    with served(REQUEST_READ_TIMEOUT=str(READ_TIMEOUT), WEB_CONCURRENCY="2") as (url, master):
        yield url, master


def connect(url: str) -> socket.socket:
    host, port = url.removeprefix("http://").split(":")
    return socket.create_connection((host, int(port)), timeout=10)


def status_of(sock: socket.socket) -> int:
    head = b""
    while b"\r\n" not in head:
        data = sock.recv(4096)
        if not data:
            break
        head += data
    return int(head.split(b" ", 2)[1])


def send_until_answered(sock: socket.socket, chunks, limit: int) -> int:
    """Send ``chunks`` until the server answers (or ``limit`` bytes); the bytes sent."""
    sent = 0
    for chunk in chunks:
        readable, _, _ = select.select([sock], [], [], 0)
        if readable or sent > limit:
            break
        try:
            sock.sendall(chunk)
        except OSError:  # the server answered and closed
            break
        sent += len(chunk)
    return sent


def ten_million_codes(chunked: bool):
    """A JSON body with ten million copies of one country code, in 64 KB pieces."""
    start = b'{"output":"trend.figure","inputs":[{"id":"countries","property":"value","value":['
    piece = b'"KEN",' * 10_000
    for data in (start, *[piece] * 1_000):
        yield (b"%x\r\n" % len(data) + data + b"\r\n") if chunked else data


def test_a_10_mb_body_gets_413_at_once(server):
    url, _master = server
    with connect(url) as sock:
        started = time.monotonic()
        sock.sendall(
            b"POST /_dash-update-component HTTP/1.1\r\nHost: x\r\n"
            b"Content-Type: application/json\r\nContent-Length: 10485760\r\n\r\n" + b"[" * 65536
        )
        assert status_of(sock) == 413
        assert time.monotonic() - started < 2


@pytest.mark.parametrize("chunked", [False, True], ids=["with-length", "chunked"])
def test_ten_million_codes_are_refused_without_the_worker_growing(server, chunked):
    url, master = server
    before = {pid: rss_kb(pid) for pid in worker_pids(master)}
    length = 60_000_000 + 100
    head = b"Transfer-Encoding: chunked\r\n" if chunked else b"Content-Length: %d\r\n" % length
    with connect(url) as sock:
        started = time.monotonic()
        sock.sendall(
            b"POST /_dash-update-component HTTP/1.1\r\nHost: x\r\n"
            b"Content-Type: application/json\r\n" + head + b"\r\n"
        )
        sent = send_until_answered(sock, ten_million_codes(chunked), limit=70_000_000)
        assert status_of(sock) == 413
        elapsed = time.monotonic() - started
    after = {pid: rss_kb(pid) for pid in worker_pids(master)}
    growth = max(after[pid] - before.get(pid, after[pid]) for pid in after)
    assert growth < RSS_GROWTH_KB, f"a worker grew by {growth} KB"
    assert sent < 8 * MAX_BODY, f"{sent} bytes were taken before the answer"
    assert elapsed < 5
    assert health_latency(url) is not None


def test_twelve_slow_clients_do_not_delay_the_health_check(server):
    url, _master = server
    with slow_clients(url, 12, every=0.3) as sockets:
        time.sleep(0.5)  # every slow client is connected and has started
        latencies = []
        for _ in range(12):
            latencies.append(health_latency(url, timeout=2.0))
            time.sleep(0.2)
        assert None not in latencies, f"health checks failed: {latencies}"
        assert max(latencies) < 1.0, f"slowest health check {max(latencies):.2f} s"
        # A client that never finishes its request is answered 408 after the read timeout.
        sock, kind = sockets[1]
        assert kind == "body"
        sock.settimeout(READ_TIMEOUT + 5)
        assert status_of(sock) == 408


def test_a_malformed_chunked_body_gets_400(server):
    url, _master = server
    with connect(url) as sock:
        sock.sendall(
            b"POST /_dash-update-component HTTP/1.1\r\nHost: x\r\n"
            b"Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
            b"zz\r\n{}\r\n0\r\n\r\n"
        )
        assert status_of(sock) == 400


def test_an_overlong_request_line_is_refused(server):
    url, _master = server
    with connect(url) as sock:
        sock.sendall(b"GET /?" + b"a" * 5000 + b" HTTP/1.1\r\nHost: x\r\n\r\n")
        assert status_of(sock) in (400, 414)


@pytest.mark.parametrize(
    ("data", "done"),
    [
        (b"GET / HTTP/1.1\r\nHost: x", False),
        (b"GET / HTTP/1.1\r\nHost: x\r\n\r\n", True),
        (b"POST / HTTP/1.1\r\nContent-Length: 5\r\n\r\nabc", False),
        (b"POST / HTTP/1.1\r\nContent-Length: 5\r\n\r\nabcde", True),
        (b"POST / HTTP/1.1\r\nContent-Length: 99999999\r\n\r\n", True),  # refused unread
        (b"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n", False),
        (b"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n", True),
        (b"POST / HTTP/1.1\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n", True),
        (b"GET /" + b"a" * (MAX_HEAD + 1), True),  # gunicorn refuses the long head
    ],
)
def test_a_request_is_handed_to_a_thread_once_complete(data, done):
    assert complete(data) is done
