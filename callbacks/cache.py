"""Answers to callback requests, the data API and the page's layout, kept per worker: the same
request gets the same answer.

The dataset changes only when a new one is swapped in (data/load.py; its checksum is part of
every key), and every callback is a pure function of what its request carries (inputs, states,
the page's language and which input fired). A room full of people opening the same shared link
sends the same dozen requests; the first of each is worked out, the others are answered from
memory. The memory is bounded (least recently used answers go first) and only successful
answers to small requests are kept, with their headers (file name, data notice, cache life).
"""

from __future__ import annotations

import hashlib
import os
import threading
from collections import OrderedDict
from collections.abc import Callable

from flask import Flask, Response, g, request

PATH = "/_dash-update-component"
GET_PATHS = ("/api/v1/", "/_dash-layout")
"""GET requests answered from memory too: the data API (its answer follows from the address)
and the page's layout (from the address it was opened at and the reader's languages)."""
UNKEPT_HEADERS = {"content-length", "content-encoding", "vary", "set-cookie", "date"}
MAX_BYTES = int(os.environ.get("ANSWER_CACHE_MB", "48")) * 1024 * 1024
"""Memory for kept answers, per worker (``ANSWER_CACHE_MB``, 48; 0 keeps none)."""
MAX_REQUEST = 64 * 1024
"""Requests larger than this are worked out every time (a page sends a few kilobytes)."""
MAX_ANSWER = 4 * 1024 * 1024


class AnswerCache:
    """A least-recently-used map from request bodies to answers, bounded in bytes."""

    def __init__(self, max_bytes: int = MAX_BYTES) -> None:
        self.max_bytes = max_bytes
        self.size = 0
        self.hits = 0
        self.misses = 0
        self._answers: OrderedDict[bytes, tuple] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: bytes) -> tuple | None:
        """(body, mimetype, headers) kept for ``key``, or None."""
        with self._lock:
            answer = self._answers.get(key)
            if answer is None:
                self.misses += 1
                return None
            self._answers.move_to_end(key)
            self.hits += 1
            return answer

    def put(self, key: bytes, body: bytes, mimetype: str, headers: tuple = ()) -> None:
        if len(body) > MAX_ANSWER:
            return
        with self._lock:
            if key in self._answers:
                return
            self._answers[key] = (body, mimetype, headers)
            self.size += len(body)
            while self.size > self.max_bytes and self._answers:
                _key, (old, *_rest) = self._answers.popitem(last=False)
                self.size -= len(old)

    def clear(self) -> None:
        with self._lock:
            self._answers.clear()
            self.size = 0


def install(
    server: Flask,
    cache: AnswerCache | None = None,
    *,
    generation: Callable[[], bytes] = lambda: b"",
) -> AnswerCache:
    """Answer repeated callback requests of ``server`` from ``cache``.

    ``generation()`` names the data answers depend on (the dataset's checksum): it is part of
    every key, so an answer worked out from a dataset since replaced is never given again."""
    cache = cache or AnswerCache()

    def key_of() -> bytes | None:
        if request.method == "GET" and request.path.startswith(GET_PATHS):
            if len(request.full_path) > MAX_REQUEST:
                return None
            parts = [b"GET", request.full_path.encode()]
            if request.path.startswith("/_dash-layout"):
                parts += [
                    (request.referrer or "").encode(),
                    request.headers.get("Accept-Language", "").encode(),
                ]
            return hashlib.sha256(generation() + b"\0" + b"\0".join(parts)).digest()
        if request.method != "POST" or not request.path.endswith(PATH):
            return None
        if (request.content_length or 0) > MAX_REQUEST:
            return None
        body = request.get_data(cache=True)
        if not body or len(body) > MAX_REQUEST:
            return None
        return hashlib.sha256(generation() + b"\0" + body).digest()

    @server.before_request
    def answer_from_memory():
        if cache.max_bytes <= 0:
            return None
        key = key_of()
        if key is None:
            return None
        g.answer_key = key
        kept = cache.get(key)
        if kept is None:
            return None
        g.answer_kept = True
        body, mimetype, headers = kept
        return Response(body, status=200, mimetype=mimetype, headers=list(headers))

    @server.after_request
    def keep_answer(response: Response) -> Response:
        key = g.pop("answer_key", None)
        if key is None or g.pop("answer_kept", False):
            return response
        if response.status_code == 200 and not response.direct_passthrough:
            headers = tuple(
                (name, value)
                for name, value in response.headers.items()
                if name.lower() not in UNKEPT_HEADERS and name.lower() != "content-type"
            )
            cache.put(key, response.get_data(), response.mimetype or "application/json", headers)
        return response

    return cache
