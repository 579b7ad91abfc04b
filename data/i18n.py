"""The six UN languages: translated data terms, country names and locale-aware numbers.

Translations live in gettext catalogs under ``translations/<lang>/LC_MESSAGES/``: ``data.po``
holds the terms that are data (indicator titles, units and definitions, group names, source
titles), keyed by their English text as the build writes it. They are read once per process
with Babel (no compiled ``.mo`` files to keep in step). Country names are the UN's official
short names in each language, from the country table. Numbers follow each locale's CLDR
rules through Babel.
"""

from __future__ import annotations

import contextvars
import functools
import math
from gettext import c2py
from pathlib import Path

from babel import Locale
from babel.messages.plurals import get_plural
from babel.messages.pofile import read_po
from babel.numbers import parse_pattern

from data.load import Dataset

TRANSLATIONS = Path(__file__).resolve().parent.parent / "translations"
DEFAULT = "en"
LANGUAGES: dict[str, dict[str, str]] = {
    "en": {"name": "English", "dir": "ltr"},
    "fr": {"name": "Français", "dir": "ltr"},
    "es": {"name": "Español", "dir": "ltr"},
    "ru": {"name": "Русский", "dir": "ltr"},
    "zh": {"name": "中文", "dir": "ltr"},
    "ar": {"name": "العربية", "dir": "rtl"},
}
"""The UN's official languages, in the order the UN lists them on its own pages (English
first here, as the default)."""

PSEUDO = "qps"
"""A pseudo-language for the tests: every word that goes through the catalogs comes out
between ⟦ ⟧, so a word that reaches the page without them stands out."""

NUMBERING = {"ar": "latn"}
"""Digits per language. CLDR's default numbering system for ``ar`` is Latin digits (as the UN
uses in its Arabic documents and statistics); said explicitly so a CLDR change cannot switch
the dashboard to Arabic-Indic digits unnoticed."""


class LanguageError(ValueError):
    """A language code that is not one of the six."""


def check_language(lang: str | None) -> str:
    """``lang`` if it is one of the six (``None`` → English), else ``LanguageError``."""
    if lang is None:
        return DEFAULT
    if lang not in LANGUAGES:
        raise LanguageError(f"unknown language {lang!r}; valid: {', '.join(LANGUAGES)}")
    return lang


@functools.cache
def catalog(lang: str, domain: str = "data") -> dict[str, str]:
    """msgid → translation of one gettext catalog (empty for English or a missing file)."""
    if lang == DEFAULT:
        return {}
    path = TRANSLATIONS / lang / "LC_MESSAGES" / f"{domain}.po"
    if not path.is_file():
        return {}
    with path.open("rb") as handle:
        po = read_po(handle, locale=lang, domain=domain)
    return {
        str(m.id): str(m.string)
        for m in po
        if m.id and isinstance(m.string, str) and m.string and not m.fuzzy
    }


def translate(text: object, lang: str, domain: str = "data") -> str:
    """``text`` in ``lang`` from the catalog, or as it is where the catalog lacks it."""
    if text is None or (isinstance(text, float) and math.isnan(text)):
        return ""
    text = str(text)
    if lang == DEFAULT or not text:
        return text
    if lang == PSEUDO:
        return f"⟦{text}⟧"
    return catalog(lang, domain).get(text, text)


def country_name(ds: Dataset, iso3: str, lang: str) -> str:
    """The UN's short name of ``iso3`` in ``lang`` (the English one where it has none)."""
    return country_names(ds, lang).get(iso3, iso3)


def country_names(ds: Dataset, lang: str) -> dict[str, str]:
    """Every economy's UN short name in ``lang``, made once per dataset and language (the
    map and the tables name every economy on every request)."""
    names = ds.cache.setdefault("country_names", {})
    if lang not in names:
        english = {str(k): str(v) for k, v in ds.countries["name"].items()}
        column = "name" if lang == DEFAULT else f"name_{lang}"
        if lang == PSEUDO:
            table = {k: f"⟦{v}⟧" for k, v in english.items()}
        elif column in ds.countries.columns:
            table = {
                str(k): str(v) if isinstance(v, str) and v else english[str(k)]
                for k, v in ds.countries[column].items()
            }
        else:
            table = english
        names[lang] = table
    return names[lang]


def locale(lang: str) -> Locale:
    return Locale.parse(DEFAULT if lang == PSEUDO else lang)


def direction(lang: str) -> str:
    """ "rtl" for a right-to-left language, else "ltr"."""
    return LANGUAGES.get(lang, LANGUAGES[DEFAULT])["dir"]


def format_number(value: float | None, decimals: int, lang: str, *, missing: str = "—") -> str:
    """``value`` with exactly ``decimals`` decimals, grouped as ``lang`` writes numbers."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return missing
    return _apply("decimal", float(value), decimals, lang)


def format_percent(value: float | None, decimals: int, lang: str, *, missing: str = "—") -> str:
    """A share given in percent (``45.2`` → "45.2%", "45,2 %" …) as ``lang`` writes it."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return missing
    return _apply("percent", float(value) / 100.0, decimals, lang)


def _apply(kind: str, number: float, decimals: int, lang: str) -> str:
    """``number`` in ``lang``'s own decimal or percent pattern, with exactly ``decimals``."""
    places = max(int(decimals), 0)
    loc = locale(lang)
    formats = loc.percent_formats if kind == "percent" else loc.decimal_formats
    pattern = parse_pattern(formats.get(None))
    pattern.frac_prec = (places, places)
    rounding = places + 2 if kind == "percent" else places
    return pattern.apply(
        round(number, rounding), loc, numbering_system=NUMBERING.get(lang, "default")
    )


def separators(lang: str) -> str:
    """plotly's ``layout.separators`` for ``lang``: its decimal sign, then its group sign."""
    loc = locale(lang)
    numbering = NUMBERING.get(lang, loc.default_numbering_system)
    symbols = loc.number_symbols[numbering]
    return symbols["decimal"] + symbols["group"]


# --------------------------------------------------------------------------- the UI's words

_current: contextvars.ContextVar[str] = contextvars.ContextVar("language", default=DEFAULT)


def use_language(lang: object) -> str:
    """Make ``lang`` the language of the words this request writes (a bad value: English)."""
    chosen = lang if isinstance(lang, str) and (lang in LANGUAGES or lang == PSEUDO) else DEFAULT
    _current.set(chosen)
    return chosen


def current_language() -> str:
    return _current.get()


def gettext(message: str) -> str:
    """``message`` (English, as written in the code) in the current language."""
    lang = _current.get()
    if lang == DEFAULT:
        return message
    if lang == PSEUDO:
        return f"⟦{message}⟧"
    return catalog(lang, "messages").get(message, message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """The singular or plural form for ``n`` in the current language."""
    lang = _current.get()
    if lang == PSEUDO:
        return f"⟦{singular if n == 1 else plural}⟧"
    if lang != DEFAULT:
        forms = plural_catalog(lang).get(singular)
        if forms:
            index = plural_index(lang, n)
            if 0 <= index < len(forms) and forms[index]:
                return forms[index]
    return singular if n == 1 else plural


_ = gettext


def N_(message: str) -> str:
    """Mark ``message`` for translation where it is written; it is translated where shown."""
    return message


@functools.cache
def plural_catalog(lang: str) -> dict[str, tuple[str, ...]]:
    path = TRANSLATIONS / lang / "LC_MESSAGES" / "messages.po"
    if not path.is_file():
        return {}
    with path.open("rb") as handle:
        po = read_po(handle, locale=lang, domain="messages")
    out = {}
    for m in po:
        if isinstance(m.id, tuple) and isinstance(m.string, tuple) and not m.fuzzy:
            out[str(m.id[0])] = tuple(str(s) for s in m.string)
    return out


def plural_index(lang: str, n: int) -> int:
    """Which plural form ``n`` takes in ``lang`` (CLDR plural rules, as gettext orders them)."""
    return int(_plural_rule(lang)(int(n)))


@functools.cache
def _plural_rule(lang: str):
    return c2py(get_plural(lang).plural_expr)


def language_of_path(path: str | None) -> str:
    """The language a page address names (``/fr/…`` → ``fr``); English for ``/``."""
    first = (path or "/").strip("/").split("/", 1)[0]
    return first if first in LANGUAGES else DEFAULT
