"""assets/ served precompressed to every client, kept by browsers, and never stale."""

from __future__ import annotations

import gzip
import logging
import random
import re

import brotli
import pytest

import app as dashboard
import static_files
from static_files import ASSETS, asset_files, compressed_variants, current_variants

FOREVER = "max-age=315360000, public, immutable"


@pytest.fixture(scope="module")
def client():
    return dashboard.server.test_client()


@pytest.fixture(scope="module")
def page_urls(client) -> dict[str, str]:
    """The page's own asset URLs (with Dash's ?m= cache-busting query), by file name."""
    page = client.get("/").get_data(as_text=True)
    urls = re.findall(r'(?:src|href)="(/assets/[^"]+)"', page)
    return {url.split("?")[0].rsplit("/", 1)[-1]: url for url in urls}


def get(client, url: str, encoding: str | None, **headers: str):
    if encoding is not None:
        headers["Accept-Encoding"] = encoding
    response = client.get(url, headers=headers)
    body = response.get_data()
    response.close()
    return response, body


@pytest.mark.parametrize("name", ["plotly-dashboard.min.js", "style.css", "a11y.js"])
@pytest.mark.parametrize(
    ("accept", "expected"),
    [("gzip", "gzip"), ("br", "br"), ("gzip, deflate, br, zstd", "br"), ("identity", None)],
)
def test_every_client_gets_the_compression_it_accepts(client, page_urls, name, accept, expected):
    response, body = get(client, page_urls[name], accept)
    assert response.status_code == 200
    assert response.headers.get("Content-Encoding") == expected
    assert response.headers["Vary"] == "Accept-Encoding"
    decoded = {"gzip": gzip.decompress, "br": brotli.decompress, None: bytes}[expected](body)
    source = next(ASSETS.rglob(name))
    assert decoded == source.read_bytes()
    if expected:
        # Sent as written by scripts/precompress_assets.py: nothing compressed per request.
        suffix = {"gzip": ".gz", "br": ".br"}[expected]
        assert body == source.with_name(name + suffix).read_bytes()


def test_page_assets_are_kept_for_good_and_revalidate_cheaply(client, page_urls):
    url = page_urls["plotly-dashboard.min.js"]
    assert "?m=" in url
    response, _body = get(client, url, "gzip")
    assert response.headers["Cache-Control"] == FOREVER
    again, body = get(client, url, "gzip", **{"If-None-Match": response.headers["ETag"]})
    assert again.status_code == 304 and body == b""


def test_map_geometry_url_changes_with_its_content(client):
    versioned = "/assets/" + static_files.geometry_path() + "world_110m.json"
    assert re.fullmatch(r"/assets/topojson/[0-9a-f]{12}/world_110m\.json", versioned)
    response, body = get(client, versioned, "gzip")
    assert response.status_code == 200 and response.headers["Content-Encoding"] == "gzip"
    assert response.headers["Cache-Control"] == FOREVER
    assert gzip.decompress(body) == (ASSETS / "topojson" / "world_110m.json").read_bytes()
    # Without the hash the same file may change under its URL: kept for an hour only.
    plain, _ = get(client, "/assets/topojson/world_110m.json", "br")
    assert plain.headers["Content-Encoding"] == "br"
    assert plain.headers["Cache-Control"] == "max-age=3600, public"


def test_unknown_asset_is_still_a_404(client):
    response, _ = get(client, "/assets/no-such-file.js", "gzip")
    assert response.status_code == 404


def test_every_asset_has_current_compressed_copies():
    """A changed asset without fresh copies fails here: run scripts/precompress_assets.py."""
    files = asset_files()
    assert {"plotly-dashboard.min.js", "world_110m.json", "style.css"} <= {p.name for p in files}
    for path in files:
        if path.stat().st_size < 1024:
            continue
        assert set(current_variants(path)) == {"br", "gzip"}, (
            f"{path.relative_to(ASSETS)}: compressed copies missing or stale; "
            "run scripts/precompress_assets.py"
        )
    orphans = [
        p
        for p in ASSETS.rglob("*")
        if p.suffix in (".br", ".gz") and not p.with_suffix("").is_file()
    ]
    assert not orphans


def test_a_stale_copy_is_never_served(tmp_path, caplog):
    source = tmp_path / "app.js"
    source.write_bytes(b"console.log('new');" * 200)
    (tmp_path / "app.js.gz").write_bytes(gzip.compress(b"console.log('old');" * 200))
    (tmp_path / "app.js.br").write_bytes(compressed_variants(source.read_bytes())["br"])
    with caplog.at_level(logging.WARNING, logger="static_files"):
        assert set(current_variants(source)) == {"br"}
    assert "app.js.gz is stale" in caplog.text


def test_compressed_copies_are_deterministic_and_only_when_worth_it():
    data = b"<svg>" + b"path " * 400 + b"</svg>"
    assert compressed_variants(data) == compressed_variants(data)
    assert set(compressed_variants(data)) == {"br", "gzip"}
    noise = random.Random(0).randbytes(4096)
    assert compressed_variants(noise) == {}  # incompressible: served as it is
    assert compressed_variants(b"") == {}
