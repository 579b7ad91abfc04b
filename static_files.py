"""The files in ``assets/``, served compressed to every client and kept by browsers.

whitenoise serves ``assets/`` in front of Dash: for each file it sends the precompressed
``.br`` or ``.gz`` beside it that the client accepts (``Content-Encoding`` and
``Vary: Accept-Encoding`` set; nothing is compressed per request), and answers conditional
requests with 304. ``scripts/precompress_assets.py`` writes those copies with
``compressed_variants``; ``tests/unit/test_static_files.py`` fails when one is missing or stale,
and at start-up a copy whose content differs from its file is left out (with a warning), so a
stale copy is never served.

Cache lifetimes: Dash names its asset scripts and styles with ``?m=<mtime>`` and the maps read
their geometry from ``/assets/topojson/<content hash>/`` (``geometry_path``): both change when the
file does, so browsers may keep them for good (``immutable``). Other asset URLs (the deck page's
``/assets/deck.js``) are kept for an hour.

No Dash import: the layout imports ``geometry_path`` and app.py mounts ``AssetFiles``.
"""

from __future__ import annotations

import functools
import gzip
import hashlib
import logging
import re
from io import BytesIO
from pathlib import Path
from urllib.parse import parse_qs
from wsgiref.headers import Headers

import brotli
from whitenoise import WhiteNoise
from whitenoise.compress import Compressor
from whitenoise.responders import StaticFile
from whitenoise.string_utils import decode_path_info

ASSETS = Path(__file__).resolve().parent / "assets"
GEOMETRY = ASSETS / "topojson"
ENCODINGS = {"br": ".br", "gzip": ".gz"}
SKIP = re.compile(r"\.({})$".format("|".join(map(re.escape, Compressor.SKIP_COMPRESS_EXTENSIONS))))
UNVERSIONED_MAX_AGE = 3600
"""Seconds a browser may keep an asset URL that does not change with its content."""

log = logging.getLogger(__name__)


def compressible(path: Path) -> bool:
    """Whether ``path`` gets compressed copies (not already compressed media, not a copy)."""
    name = path.name
    return path.is_file() and not name.endswith((".gz", ".br")) and not SKIP.search(name)


def asset_files(root: Path = ASSETS) -> list[Path]:
    return sorted(p for p in root.rglob("*") if compressible(p))


def compressed_variants(data: bytes) -> dict[str, bytes]:
    """``{encoding: body}`` worth serving for ``data``: brotli at its best quality and gzip -9
    (without a timestamp), each only when it saves at least 5 % (whitenoise's rule).
    Deterministic: the same bytes always give the same copies."""
    out = {"br": brotli.compress(data, quality=11), "gzip": Compressor.compress_gzip(data)}
    return {k: v for k, v in out.items() if data and len(v) <= 0.95 * len(data)}


def _decompress(encoding: str, body: bytes) -> bytes:
    if encoding == "br":
        return brotli.decompress(body)
    with gzip.GzipFile(fileobj=BytesIO(body)) as stream:
        return stream.read()


def current_variants(path: Path) -> dict[str, Path]:
    """The compressed copies of ``path`` whose content is ``path``'s, by encoding."""
    found = {}
    data = None
    for encoding, suffix in ENCODINGS.items():
        copy = path.with_name(path.name + suffix)
        if not copy.is_file():
            continue
        data = path.read_bytes() if data is None else data
        try:
            same = _decompress(encoding, copy.read_bytes()) == data
        except (OSError, EOFError, brotli.error):
            same = False
        if same:
            found[encoding] = copy
        else:
            log.warning("%s is stale: not served (run scripts/precompress_assets.py)", copy)
    return found


@functools.cache
def geometry_version() -> str:
    """A hash of the map geometry files: part of their URL, so browsers may keep them."""
    digest = hashlib.sha256()
    for path in sorted(GEOMETRY.glob("*.json")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:12]


def geometry_path() -> str:
    """The map geometry folder under the assets URL (``topojson/<hash>/``)."""
    return f"topojson/{geometry_version()}/"


class AssetFiles(WhiteNoise):
    """whitenoise for ``assets/``: current precompressed copies only, and long lifetimes for
    URLs that change with their file's content."""

    def __init__(self, application, prefix: str = "/assets/") -> None:
        super().__init__(application, max_age=UNVERSIONED_MAX_AGE, allow_all_origins=False)
        self.versioned_prefix = prefix + geometry_path()
        self.add_files(str(ASSETS), prefix=prefix)
        self.add_files(str(GEOMETRY), prefix=self.versioned_prefix)

    def get_static_file(self, path, url, stat_cache=None):
        headers = Headers([])
        self.add_mime_headers(headers, path, url)
        self.add_cache_headers(headers, path, url)
        variants = current_variants(Path(path)) if compressible(Path(path)) else {}
        return StaticFile(
            path,
            headers.items(),
            stat_cache=stat_cache,
            encodings={encoding: str(copy) for encoding, copy in variants.items()},
        )

    def immutable_file_test(self, path, url):
        return url.startswith(self.versioned_prefix)

    def __call__(self, environ, start_response):
        static_file = self.files.get(decode_path_info(environ.get("PATH_INFO", "")))
        if static_file is None:
            return self.application(environ, start_response)
        if "m" in parse_qs(environ.get("QUERY_STRING", "")):
            # Dash's cache-busting query: the URL changes with the file.
            def versioned(status, headers, exc_info=None):
                headers = [(k, v) for k, v in headers if k.lower() != "cache-control"]
                headers.append(("Cache-Control", f"max-age={self.FOREVER}, public, immutable"))
                return start_response(status, headers, exc_info)

            return self.serve(static_file, environ, versioned)
        return self.serve(static_file, environ, start_response)
