"""A gunicorn worker whose threads never wait for a slow client.

gunicorn's ``gthread`` worker hands a connection to one of its threads as soon as it has
(or may soon have) data; the thread then reads the request with blocking calls. A client that
sends its headers a byte a second, or announces a body it never sends, holds that thread for as
long as it likes: with 2 workers × 4 threads, twelve such clients stop the health checks.

``BufferedThreadWorker`` reads requests the way a buffering reverse proxy does: the worker's
event loop (its main thread, non-blocking) collects each request's head and body, and a thread
gets the connection only once the whole request is there. A request not complete within
``REQUEST_READ_TIMEOUT`` seconds (default 10) is answered 408 and closed. What is buffered is
bounded: a head of ``MAX_HEAD`` bytes, a body of ``MAX_BODY`` (a longer announced body is
passed on at once, to be refused with 413 unread by ``edges.Edges``; a longer chunked body is
cut there by Flask), and at most ``worker_connections`` connections per worker.

Plain HTTP/1.1 only (TLS and HTTP/2 end at the proxy or load balancer in front, if any).
Used by ``gunicorn.conf.py`` (``worker_class``).
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import selectors
import time
from functools import partial

from gunicorn.workers.gthread import TConn, ThreadWorker

from edges import MAX_BODY

MAX_HEAD = 64 * 1024
"""Bytes of request line and headers buffered; a longer head goes to gunicorn's parser, which
refuses it (limit_request_line, limit_request_field_size)."""
READ_CHUNK = 64 * 1024
CONTENT_LENGTH = re.compile(rb"\r\ncontent-length[ \t]*:[ \t]*(\d{1,19})[ \t]*(?=\r\n|$)")
TIMED_OUT = b"HTTP/1.1 408 Request Timeout\r\nConnection: close\r\nContent-Length: 0\r\n\r\n"


def read_timeout() -> float:
    return float(os.environ.get("REQUEST_READ_TIMEOUT", "10"))


def complete(buffer: bytes | bytearray) -> bool:
    """Whether ``buffer`` holds a whole request (or as much of one as is ever buffered)."""
    end = buffer.find(b"\r\n\r\n")
    if end < 0:
        return len(buffer) > MAX_HEAD
    head = bytes(buffer[:end]).lower()
    body = len(buffer) - end - 4
    if b"\r\nexpect:" in head:
        return True  # the client waits for "100 Continue" before its body: gunicorn sends it
    if b"\r\ntransfer-encoding" in head:
        return body >= MAX_BODY or bytes(buffer).endswith(b"0\r\n\r\n")
    match = CONTENT_LENGTH.search(head)
    length = int(match.group(1)) if match else 0
    return length > MAX_BODY or body >= length


class BufferedThreadWorker(ThreadWorker):
    """gthread, with each request read in full by the event loop before a thread serves it."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.reading: dict[TConn, float] = {}
        self.timeout_s = read_timeout()

    def accept(self, listener):
        try:
            client_sock, client_addr = listener.accept()
        except OSError as error:
            if error.errno not in (errno.EAGAIN, errno.ECONNABORTED, errno.EWOULDBLOCK):
                raise
            return
        self.nr_conns += 1
        conn = TConn(self.cfg, client_sock, client_addr, listener.getsockname())
        self.start_reading(conn)

    def on_client_socket_readable(self, conn, client):
        """A kept-alive connection sends its next request: read it in the loop too."""
        self.poller.unregister(client)
        self.keepalived_conns.remove(conn)
        self.start_reading(conn)

    def start_reading(self, conn: TConn) -> None:
        conn.sock.setblocking(False)
        conn.buffered = bytearray()
        self.reading[conn] = time.monotonic() + self.timeout_s
        self.poller.register(conn.sock, selectors.EVENT_READ, partial(self.on_data, conn))

    def on_data(self, conn: TConn, _sock) -> None:
        try:
            data = conn.sock.recv(READ_CHUNK)
        except (BlockingIOError, InterruptedError):
            return
        except OSError:
            data = b""
        if not data:
            self.drop(conn)
            return
        conn.buffered += data
        if complete(conn.buffered):
            self.poller.unregister(conn.sock)
            del self.reading[conn]
            conn.data_ready = True
            self.enqueue_req(conn)

    def drop(self, conn: TConn, answer: bytes = b"") -> None:
        self.reading.pop(conn, None)
        with contextlib.suppress(KeyError, ValueError, OSError):
            self.poller.unregister(conn.sock)
        if answer:
            with contextlib.suppress(OSError):
                conn.sock.send(answer)
        self.nr_conns -= 1
        conn.close()

    def murder_pending(self):
        super().murder_pending()
        now = time.monotonic()
        for conn in [c for c, deadline in self.reading.items() if deadline <= now]:
            self.drop(conn, TIMED_OUT)

    def handle(self, conn):
        """Serve the buffered request: the parser reads it from memory, not the socket."""
        buffered = getattr(conn, "buffered", None)
        if buffered:
            conn.buffered = None
            conn.sock.setblocking(True)
            conn.init()
            conn.parser.unreader.unread(bytes(buffered))
        return super().handle(conn)

    def run(self):
        try:
            super().run()
        finally:
            for conn in list(self.reading):
                self.drop(conn)
