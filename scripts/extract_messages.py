#!/usr/bin/env python3
"""Extract the interface's words into the gettext domain "messages", and keep it complete.

Every word the page, the charts and the notes show is written in English in the code inside
``_("…")``, ``ngettext("…", "…", n)`` or ``N_("…")`` (marked now, translated where shown). This
script collects them from ``app.py``, ``api/``, ``callbacks/``, ``components/`` and ``data/``
into ``translations/messages.pot`` and keeps ``translations/<lang>/LC_MESSAGES/messages.po``
in step for the five other UN languages.

    .venv/bin/python scripts/extract_messages.py            # write translations/messages.pot
    .venv/bin/python scripts/extract_messages.py --update   # ... and merge it into each .po
    .venv/bin/python scripts/extract_messages.py --check    # writes nothing; exit 1 when a
                                                            # translation is missing or fuzzy

The output is deterministic (sorted, fixed header date), so the test suite can check that the
committed template is current and every message translated (``tests/unit/test_messages.py``).
See ``docs/translating.md``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import re
import sys
from collections.abc import Sequence
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
TRANSLATIONS = ROOT / "translations"
POT = TRANSLATIONS / "messages.pot"
DOMAIN = "messages"
LANGUAGES = ("ar", "zh", "fr", "ru", "es")
SOURCES = ("app.py", "api", "callbacks", "components", "data")
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "N_": None}
WIDTH = 100
CREATION_DATE = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
HEADER = (
    "# Interface words of the digital-divide dashboard (gettext domain 'messages').\n"
    "# Written by scripts/extract_messages.py from the code; do not edit by hand.\n"
    "#"
)


def _files(root: Path):
    for name in SOURCES:
        path = root / name
        if path.is_file():
            yield path.parent, path.name
        else:
            yield path, None


def build_template(root: Path = ROOT) -> Catalog:
    """The template catalog, from every marked string in the code."""
    catalog = Catalog(
        domain=DOMAIN,
        header_comment=HEADER,
        project="digital-divide-dashboard",
        version="messages",
        copyright_holder="the digital-divide-dashboard authors",
        creation_date=CREATION_DATE,
        charset="utf-8",
    )
    for folder, only in _files(root):
        extracted = extract_from_dir(
            folder,
            method_map=[(only or "**.py", "python")],
            keywords=KEYWORDS,
            comment_tags=("Translators:",),
            strip_comment_tags=True,
        )
        for filename, lineno, message, comments, context in extracted:
            if only and Path(filename).name != only:
                continue
            where = (folder / filename).relative_to(root).as_posix()
            catalog.add(
                message, locations=[(where, lineno)], auto_comments=comments, context=context
            )
    return catalog


PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]|%%")


def _mark_formats(catalog: Catalog) -> None:
    """Only strings with named placeholders are formatted with ``%``; Babel's guess flags "%
    of population" as a format too, which gettext tools then check against each language."""
    for message in catalog:
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        formatted = any(PLACEHOLDER.search(i) for i in ids)
        message.flags.discard("python-format")
        message.flags.discard("no-python-format")
        message.flags.discard("python-brace-format")
        message.flags.add("python-format" if formatted else "no-python-format")


def render(catalog: Catalog, *, locations: bool = True) -> bytes:
    _mark_formats(catalog)
    buffer = io.BytesIO()
    write_po(
        buffer,
        catalog,
        width=WIDTH,
        sort_output=True,
        ignore_obsolete=True,
        omit_header=False,
        no_location=not locations,
        include_lineno=False,
    )
    return buffer.getvalue()


def po_path(lang: str, translations: Path = TRANSLATIONS) -> Path:
    return translations / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


def read_catalog(path: Path, lang: str) -> Catalog:
    with path.open("rb") as handle:
        return read_po(handle, locale=lang, domain=DOMAIN)


def update(template: Catalog, translations: Path = TRANSLATIONS) -> list[str]:
    """Merge the template into each language's .po (creating a missing one), keeping what is
    translated; returns the files written."""
    written = []
    for lang in LANGUAGES:
        path = po_path(lang, translations)
        if path.exists():
            catalog = read_catalog(path, lang)
        else:
            catalog = Catalog(locale=lang, domain=DOMAIN, creation_date=CREATION_DATE)
        catalog.update(template, no_fuzzy_matching=True)
        data = render(catalog, locations=False)
        if not path.exists() or path.read_bytes() != data:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
            written.append(str(path))
    return written


def _translated(message) -> bool:
    strings = message.string if isinstance(message.string, tuple) else (message.string,)
    return all((s or "").strip() for s in strings)


def problems(template: Catalog, translations: Path = TRANSLATIONS) -> list[tuple[str, str, str]]:
    """Every (language, msgid, reason) whose translation is missing, empty or fuzzy."""
    found = []
    for lang in LANGUAGES:
        path = po_path(lang, translations)
        catalog = read_catalog(path, lang) if path.exists() else None
        for message in template:
            if not message.id:
                continue
            key = message.id[0] if isinstance(message.id, tuple) else message.id
            if catalog is None:
                found.append((lang, key, "no .po file"))
                continue
            theirs = catalog.get(message.id)
            if theirs is None:
                found.append((lang, key, "missing"))
            elif not _translated(theirs):
                found.append((lang, key, "empty"))
            elif theirs.fuzzy:
                found.append((lang, key, "fuzzy"))
    return found


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--update", action="store_true", help="also merge into each .po")
    mode.add_argument("--check", action="store_true", help="exit 1 listing what is missing")
    parser.add_argument("--output", type=Path, default=POT)
    args = parser.parse_args(argv)
    template = build_template()
    pot = render(template)
    if args.check:
        found = problems(template)
        stale = not args.output.exists() or args.output.read_bytes() != pot
        if stale:
            print(f"{args.output} is out of date: run scripts/extract_messages.py --update")
        for lang, msgid, reason in found:
            print(f"{lang}: {reason}: {msgid!r}")
        return 1 if found or stale else 0
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_bytes(pot)
    count = sum(1 for m in template if m.id)
    print(f"{args.output}: {count} messages")
    if args.update:
        for path in update(template):
            print(f"updated {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
