#!/usr/bin/env python3
"""Write the brotli (``.br``) and gzip (``.gz``) copies of every file in ``assets/``.

The server sends them as they are to the clients that accept them (``static_files.py``), so
nothing is compressed per request. Run after changing anything in ``assets/`` (a style, a
script, the plotly.js bundle, the map geometry) and commit the copies with it;
``tests/unit/test_static_files.py`` fails while a copy is missing or stale, and the server
never serves a stale one. Deterministic: the same files give the same bytes.

    python scripts/precompress_assets.py           # write what changed, remove orphans
    python scripts/precompress_assets.py --check   # exit 1 if anything is missing or stale
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from static_files import ASSETS, ENCODINGS, asset_files, compressed_variants


def plan(root: Path = ASSETS) -> tuple[dict[Path, bytes], list[Path]]:
    """(copies to write, {path: bytes} of what differs) and the copies to remove."""
    wanted: dict[Path, bytes] = {}
    for path in asset_files(root):
        for encoding, body in compressed_variants(path.read_bytes()).items():
            wanted[path.with_name(path.name + ENCODINGS[encoding])] = body
    existing = {p for suffix in ENCODINGS.values() for p in root.rglob(f"*{suffix}")}
    write = {p: b for p, b in wanted.items() if not p.is_file() or p.read_bytes() != b}
    remove = sorted(existing - set(wanted))
    return write, remove


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="only report; exit 1 if stale")
    args = parser.parse_args(argv)
    write, remove = plan()
    for path in sorted(write):
        print(f"{'stale or missing' if args.check else 'wrote'}: {path.relative_to(ASSETS)}")
        if not args.check:
            path.write_bytes(write[path])
    for path in remove:
        print(f"{'orphan' if args.check else 'removed'}: {path.relative_to(ASSETS)}")
        if not args.check:
            path.unlink()
    if args.check and (write or remove):
        return 1
    print(f"{len(asset_files())} assets, compressed copies up to date")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
