#!/usr/bin/env python3
"""Extract the dashboard's data strings into the gettext domain "data", and keep it complete.

What
    The strings that come from the data rather than from the code are translated like the
    interface, but they live in their own catalog, domain ``data``:

    * ``data/built/indicators.csv``: ``title``, ``short_title``, ``unit`` and ``definition`` of
      every indicator;
    * ``data/built/groups.json``: each group's ``label``;
    * ``data/built/sources.csv``: ``publisher`` and ``title`` of each source;
    * ``components/themes.py``: each theme's ``label`` and ``intro``, and the labels in
      ``GROUP_KINDS`` (imported, not parsed);
    * ``data/built/observations.parquet``: the notes values carry (a price basket's
      definition …), except series-break notes, whose words are in the interface catalog.

    Each unique non-empty string becomes one msgid, with a location comment per place it comes
    from, e.g. ``#: indicators.csv:internet_users_pct:title``. The template is
    ``translations/data.pot``; the translations are
    ``translations/<lang>/LC_MESSAGES/data.po`` for the five other UN languages (ar, zh, fr,
    ru, es).

    Output is deterministic: messages are sorted by msgid, lines wrap at 100 characters and the
    header carries a fixed creation date, so running the script twice on the same data gives the
    same bytes (``tests/unit/test_data_translations.py`` checks that the committed template is
    current).

How
    .venv/bin/python scripts/extract_data_strings.py            # write translations/data.pot
    .venv/bin/python scripts/extract_data_strings.py --update   # ... and merge it into each .po
    .venv/bin/python scripts/extract_data_strings.py --check    # writes nothing; exit 1 when a
                                                                # translation is missing
    .venv/bin/python scripts/extract_data_strings.py --output /tmp/data.pot   # elsewhere

    ``--update`` keeps every existing translation. A msgid that is new gets an empty msgstr; one
    that changed slightly gets the old translation flagged ``fuzzy`` (Babel's fuzzy matching),
    to be reviewed; translations of strings that no longer exist are dropped (git keeps them).

    ``--check`` compares each language's .po with the strings in the data as they are now (not
    with the .pot file) and lists every msgid whose translation is missing, empty or fuzzy. It
    also says when ``translations/data.pot`` is out of date.

When to re-run
    After rebuilding the data (``data/built``) or changing the labels in ``components/themes.py``:
    run ``--update``, translate the new or fuzzy entries (remove the ``fuzzy`` flag once
    reviewed), run ``--check``, and commit the .pot and the .po files together.
    ``docs/glossary.md`` lists the terms each language uses.

Strings that contain a bare ``%`` ("% of population") are not format strings: the script marks
them ``no-python-format`` so that gettext tools do not check them as ``%``-placeholders.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import importlib
import io
import json
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path

import pyarrow.parquet as pq
from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
BUILT = ROOT / "data" / "built"
TRANSLATIONS = ROOT / "translations"
POT = TRANSLATIONS / "data.pot"
DOMAIN = "data"
LANGUAGES = ("ar", "zh", "fr", "ru", "es")
"""The five UN languages besides English (the msgids), in the order the checks report them."""

WIDTH = 100
PROJECT = "digital-divide-dashboard"
VERSION = "data"
COPYRIGHT_HOLDER = "the digital-divide-dashboard authors"
CREATION_DATE = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
"""Fixed, so that the template does not change between runs."""
HEADER_COMMENT = (
    "# Data strings of the digital-divide dashboard (gettext domain 'data').\n"
    "# Written by scripts/extract_data_strings.py from data/built and components/themes.py;\n"
    "# do not edit by hand.\n"
    "#"
)

INDICATOR_FIELDS = ("title", "short_title", "unit", "definition")
SERIES_BREAK_PREFIX = "likely change of survey or method: "
SOURCE_FIELDS = ("publisher", "title")
THEME_FIELDS = ("label", "intro")

Location = tuple[str, None]


def _add(strings: dict[str, list[Location]], text: object, where: str) -> None:
    if not isinstance(text, str) or not text.strip():
        return
    locations = strings.setdefault(text, [])
    if (where, None) not in locations:
        locations.append((where, None))


def _read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _themes_module():
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    return importlib.import_module("components.themes")


def collect(root: Path = ROOT) -> dict[str, list[Location]]:
    """Every unique non-empty data string, with the places it comes from (file:id:field)."""
    built = root / "data" / "built"
    strings: dict[str, list[Location]] = {}
    for row in _read_csv(built / "indicators.csv"):
        for name in INDICATOR_FIELDS:
            _add(strings, row.get(name), f"indicators.csv:{row['id']}:{name}")
    with (built / "groups.json").open(encoding="utf-8") as handle:
        for group in json.load(handle):
            _add(strings, group.get("label"), f"groups.json:{group['id']}:label")
    for row in _read_csv(built / "sources.csv"):
        for name in SOURCE_FIELDS:
            _add(strings, row.get(name), f"sources.csv:{row['id']}:{name}")
    themes = _themes_module()
    for theme_id, theme in themes.THEMES.items():
        for name in THEME_FIELDS:
            _add(strings, getattr(theme, name), f"themes.py:THEMES.{theme_id}.{name}")
    for kind, label in themes.GROUP_KINDS.items():
        _add(strings, label, f"themes.py:GROUP_KINDS.{kind}")
    notes = pq.read_table(built / "observations.parquet", columns=["note"]).column("note")
    for note in sorted({str(n) for n in notes.to_pylist() if n}):
        # Series-break notes carry their numbers; the interface catalog translates their words.
        if not note.startswith(SERIES_BREAK_PREFIX):
            _add(strings, note, "observations.parquet:note")
    return strings


def build_template(root: Path = ROOT) -> Catalog:
    """The template catalog (the future data.pot), built in memory from the data."""
    catalog = Catalog(
        domain=DOMAIN,
        header_comment=HEADER_COMMENT,
        project=PROJECT,
        version=VERSION,
        copyright_holder=COPYRIGHT_HOLDER,
        creation_date=CREATION_DATE,
        charset="utf-8",
    )
    for text, locations in collect(root).items():
        catalog.add(text, locations=locations)
    return catalog


def _mark_formats(catalog: Catalog) -> None:
    """Babel flags any msgid matching its %-pattern ("% of" looks like "% o") python-format;
    these strings are never %-formatted, so say so explicitly."""
    for message in catalog:
        if not message.id:
            continue
        if "python-format" in message.flags:
            message.flags.discard("python-format")
            message.flags.add("no-python-format")
        message.flags.discard("python-brace-format")


def render(catalog: Catalog) -> bytes:
    """The catalog as .po/.pot bytes: sorted by msgid, 100 columns, no obsolete entries."""
    _mark_formats(catalog)
    buffer = io.BytesIO()
    write_po(buffer, catalog, width=WIDTH, sort_output=True, ignore_obsolete=True)
    return buffer.getvalue()


def po_path(lang: str, translations: Path = TRANSLATIONS) -> Path:
    return translations / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


def read_catalog(path: Path, lang: str) -> Catalog:
    with path.open("rb") as handle:
        return read_po(handle, locale=lang, domain=DOMAIN)


def write_if_changed(path: Path, data: bytes) -> bool:
    """Write ``data`` to ``path`` unless it already holds exactly that; True when written."""
    if path.exists() and path.read_bytes() == data:
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return True


def update(template: Catalog, translations: Path = TRANSLATIONS) -> list[str]:
    """Merge the template into every existing .po, keeping translations; the paths rewritten."""
    written = []
    for lang in LANGUAGES:
        path = po_path(lang, translations)
        if not path.exists():
            print(f"{path}: missing, skipped (create it from the template first)", file=sys.stderr)
            continue
        catalog = read_catalog(path, lang)
        catalog.update(template)
        if write_if_changed(path, render(catalog)):
            written.append(str(path))
    return written


def problems(
    template: Catalog,
    translations: Path = TRANSLATIONS,
    languages: Iterable[str] = LANGUAGES,
) -> list[tuple[str, str, str]]:
    """Every (language, msgid, reason) whose translation is missing, empty or fuzzy.

    ``reason`` is "no .po file", "missing", "empty" or "fuzzy". Checks against ``template``
    (normally built from the data), so a msgid that the .po lacks is reported too.
    """
    found: list[tuple[str, str, str]] = []
    msgids = sorted(message.id for message in template if message.id)
    for lang in languages:
        path = po_path(lang, translations)
        if not path.exists():
            found += [(lang, msgid, "no .po file") for msgid in msgids]
            continue
        catalog = read_catalog(path, lang)
        for msgid in msgids:
            message = catalog.get(msgid)
            if message is None:
                found.append((lang, msgid, "missing"))
            elif not (message.string or "").strip():
                found.append((lang, msgid, "empty"))
            elif message.fuzzy:
                found.append((lang, msgid, "fuzzy"))
    return found


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument(
        "--update", action="store_true", help="also merge the template into each existing .po"
    )
    mode.add_argument(
        "--check",
        action="store_true",
        help="write nothing; exit 1 listing every msgid missing, empty or fuzzy in a language",
    )
    parser.add_argument(
        "--output", type=Path, default=POT, help=f"where to write the template (default {POT})"
    )
    args = parser.parse_args(argv)

    template = build_template()
    pot = render(template)
    count = sum(1 for message in template if message.id)

    if args.check:
        found = problems(template)
        stale = not args.output.exists() or args.output.read_bytes() != pot
        if stale:
            print(f"{args.output} is out of date: run scripts/extract_data_strings.py --update")
        for lang, msgid, reason in found:
            print(f"{lang}: {reason}: {msgid!r}")
        if found or stale:
            print(f"{len(found)} problem(s) in {count} msgids x {len(LANGUAGES)} languages")
            return 1
        print(f"{count} msgids translated in {', '.join(LANGUAGES)}")
        return 0

    changed = write_if_changed(args.output, pot)
    print(f"{args.output}: {count} msgids ({'written' if changed else 'unchanged'})")
    if args.update:
        for path in update(template):
            print(f"{path}: updated")
    return 0


if __name__ == "__main__":
    sys.exit(main())
