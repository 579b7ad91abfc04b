"""The outermost layer of the server: request size and the headers every response carries.

``Edges`` wraps the whole WSGI application (Dash, the API, and the asset files served by
whitenoise in front of Flask), so that

- a request announcing a body larger than ``max_body`` gets 413 at once, before anything reads
  it, and the connection is closed (the body is never received); a chunked body without a
  length is cut at the same size by Flask's ``MAX_CONTENT_LENGTH``;
- every response, from any layer, carries the security headers of ``security_headers``.

No Dash import: app.py builds the headers (with Dash's script hashes) and mounts ``Edges``.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable

MAX_BODY = 1024 * 1024
"""Bytes a request body may have: a page's largest callback request is about 20 KB."""

FRAME_ANCESTORS_DEFAULT = "'self'"


def frame_ancestors() -> str:
    """Who may show the dashboard in a frame: ``FRAME_ANCESTORS`` (CSP sources, space
    separated, e.g. ``'self' https://example.org``; ``'none'`` for nobody), default 'self'."""
    value = " ".join(os.environ.get("FRAME_ANCESTORS", "").split())
    if not value or any(c in value for c in ";,\r\n"):
        return FRAME_ANCESTORS_DEFAULT
    return value


def content_security_policy(script_hashes: Iterable[str], ancestors: str | None = None) -> str:
    """The page's Content-Security-Policy; ``script_hashes`` are quoted CSP sources
    (``app.csp_hashes()``: ``'sha256-…'``).

    Scripts: our own files and Dash's inline renderer start-up, by hash; no 'unsafe-eval'
    (neither Dash nor our plotly.js bundle evaluates strings: the browser test runs the page
    under this policy and counts violations). Styles: files, plus what the scripts insert while
    drawing, which a policy cannot name in advance: ``<style>`` elements (Dash's renderer, its
    dropdowns and plotly.js; refused under ``style-src-elem 'self'``) and ``style`` attributes
    (plotly.js; refused under ``style-src-attr 'none'``), hence 'unsafe-inline' for styles
    only. Images: ours, and the ``data:``/``blob:`` URLs of a chart saved as PNG or SVG.
    Everything else: this server only.
    """
    scripts = " ".join(["'self'", *script_hashes])
    return "; ".join(
        [
            "default-src 'self'",
            f"script-src {scripts}",
            "style-src 'self'",
            "style-src-elem 'self' 'unsafe-inline'",
            "style-src-attr 'unsafe-inline'",
            "img-src 'self' data: blob:",
            "font-src 'self' data:",
            "connect-src 'self'",
            "object-src 'none'",
            "base-uri 'self'",
            "form-action 'self'",
            f"frame-ancestors {ancestors or frame_ancestors()}",
        ]
    )


def security_headers(script_hashes: Iterable[str]) -> list[tuple[str, str]]:
    """The headers every response gets (a layer that sets one itself keeps its own)."""
    return [
        ("Content-Security-Policy", content_security_policy(script_hashes)),
        ("X-Content-Type-Options", "nosniff"),
        # Same-origin requests keep the full address: the page asks for its layout with its
        # own address as referrer (the view in a shared link); other sites learn nothing.
        ("Referrer-Policy", "same-origin"),
        ("Cross-Origin-Opener-Policy", "same-origin"),
        ("Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=()"),
    ]


class Edges:
    """WSGI middleware: refuse large bodies unread, add ``headers`` to every response."""

    def __init__(self, application, headers: list[tuple[str, str]], max_body: int = MAX_BODY):
        self.application = application
        self.headers = list(headers)
        self.max_body = max_body

    def _refuse(self, start_response, status: str, message: str):
        body = json.dumps({"error": {"message": message}}).encode()
        start_response(
            status,
            [
                ("Content-Type", "application/json"),
                ("Content-Length", str(len(body))),
                ("Connection", "close"),
                *self.headers,
            ],
        )
        return [body]

    def __call__(self, environ, start_response):
        length = environ.get("CONTENT_LENGTH") or "0"
        try:
            size = int(length)
        except ValueError:
            return self._refuse(start_response, "400 Bad Request", "invalid Content-Length")
        if size > self.max_body:
            return self._refuse(
                start_response,
                "413 Request Entity Too Large",
                f"the body has {size} bytes; at most {self.max_body} are read",
            )

        def with_headers(status, headers, exc_info=None):
            present = {name.lower() for name, _ in headers}
            extra = [(k, v) for k, v in self.headers if k.lower() not in present]
            return start_response(status, [*headers, *extra], exc_info)

        return self.application(environ, with_headers)
