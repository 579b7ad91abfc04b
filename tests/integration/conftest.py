"""Shared by the browser tests: what the browser reported while a test ran."""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Page

LOCAL_HOST = "127.0.0.1"
TIMEOUT_MS = 30_000


@dataclass
class Watch:
    """What the browser reported while a test ran."""

    errors: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)

    def assert_clean(self) -> None:
        assert not self.errors, "the browser reported errors:\n" + "\n".join(self.errors)
        outside = sorted({u for u in self.requests if not is_local(u)})
        assert not outside, f"requests left {LOCAL_HOST}: {outside}"


def is_local(url: str) -> bool:
    """Whether ``url`` stays on this machine: our server, or data the page made itself
    (``data:``; ``blob:`` URLs name the page's own origin, which must be ours)."""
    if url.startswith("data:"):
        return True
    if url.startswith("blob:"):
        url = url[len("blob:") :]
    return urlsplit(url).hostname == LOCAL_HOST


@pytest.fixture
def watch(page: Page) -> Watch:
    """Console errors, uncaught exceptions, HTTP errors and every request of ``page``."""
    seen = Watch()
    page.on(
        "console",
        lambda msg: (
            seen.errors.append(f"console.{msg.type}: {msg.text}") if msg.type == "error" else None
        ),
    )
    page.on("pageerror", lambda exc: seen.errors.append(f"pageerror: {exc}"))
    page.on(
        "response",
        lambda r: (
            seen.errors.append(f"HTTP {r.status}: {r.request.method} {r.url}")
            if r.status >= 400
            else None
        ),
    )
    page.on("request", lambda r: seen.requests.append(r.url))
    page.set_default_timeout(TIMEOUT_MS)
    return seen
