"""The data strings' translations (gettext domain "data"): current, complete and faithful.

``translations/data.pot`` is written by ``scripts/extract_data_strings.py`` from the built data
and ``components/themes.py``; each of the five other UN languages has a ``data.po`` beside it.
These tests need neither the network nor the raw data: they read the committed files.
"""

from __future__ import annotations

import importlib.util
import json
import re
import shutil
from collections import Counter
from pathlib import Path

import pytest
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parents[2]
LANGUAGES = ("ar", "zh", "fr", "ru", "es")


def _load_extractor():
    spec = importlib.util.spec_from_file_location(
        "extract_data_strings", ROOT / "scripts" / "extract_data_strings.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


extractor = _load_extractor()


@pytest.fixture(scope="module")
def template():
    return extractor.build_template()


@pytest.fixture(scope="module")
def catalogs():
    out = {}
    for lang in LANGUAGES:
        with extractor.po_path(lang).open("rb") as handle:
            out[lang] = read_po(handle, locale=lang, domain="data")
    return out


def _group_labels() -> dict[str, str]:
    with (ROOT / "data" / "built" / "groups.json").open(encoding="utf-8") as handle:
        return {group["id"]: group["label"] for group in json.load(handle)}


# --------------------------------------------------------------------------- (a) up to date


def test_pot_is_up_to_date_with_the_built_data(tmp_path, capsys):
    written = tmp_path / "data.pot"
    assert extractor.main(["--output", str(written)]) == 0
    assert written.read_bytes() == extractor.POT.read_bytes(), (
        "translations/data.pot is stale: run scripts/extract_data_strings.py --update"
    )


def test_extraction_is_deterministic(tmp_path, capsys):
    first, second = tmp_path / "a.pot", tmp_path / "b.pot"
    extractor.main(["--output", str(first)])
    extractor.main(["--output", str(second)])
    assert first.read_bytes() == second.read_bytes()


def test_every_source_field_is_extracted(template):
    locations = {where for message in template if message.id for where, _ in message.locations}
    assert "indicators.csv:internet_users_pct:title" in locations
    assert "indicators.csv:internet_users_pct:definition" in locations
    assert "groups.json:ldc:label" in locations
    assert "sources.csv:itu-prices-2025:title" in locations
    assert "themes.py:THEMES.access.label" in locations
    assert "themes.py:GROUP_KINDS.income" in locations
    assert {f"groups.json:{gid}:label" for gid in _group_labels()} <= locations


def test_update_keeps_the_po_files_as_they_are(tmp_path, template):
    """Merging the current template into the committed .po files changes nothing."""
    for lang in LANGUAGES:
        target = tmp_path / lang / "LC_MESSAGES" / "data.po"
        target.parent.mkdir(parents=True)
        shutil.copy(extractor.po_path(lang), target)
    assert extractor.update(template, translations=tmp_path) == []


# --------------------------------------------------------------------------- (b) complete


def test_every_msgid_is_translated_in_every_language(template):
    problems = extractor.problems(template)
    listing = "\n".join(f"{lang}: {reason}: {msgid!r}" for lang, msgid, reason in problems)
    assert not problems, f"{len(problems)} untranslated:\n{listing}"


def test_check_passes_on_the_committed_catalogs(capsys):
    assert extractor.main(["--check"]) == 0, capsys.readouterr().out


def test_check_finds_missing_empty_and_fuzzy_entries(tmp_path, template):
    for lang in LANGUAGES:
        target = tmp_path / lang / "LC_MESSAGES" / "data.po"
        target.parent.mkdir(parents=True)
        shutil.copy(extractor.po_path(lang), target)
    labels = _group_labels()
    path = tmp_path / "fr" / "LC_MESSAGES" / "data.po"
    with path.open("rb") as handle:
        catalog = read_po(handle, locale="fr", domain="data")
    catalog[labels["ldc"]].string = ""
    catalog[labels["sids"]].flags.add("fuzzy")
    catalog.delete(labels["lldc"])
    with path.open("wb") as handle:
        write_po(handle, catalog, width=100)
    shutil.rmtree(tmp_path / "ru")

    found = extractor.problems(template, translations=tmp_path)
    fr = {(msgid, reason) for lang, msgid, reason in found if lang == "fr"}
    assert fr == {
        (labels["ldc"], "empty"),
        (labels["sids"], "fuzzy"),
        (labels["lldc"], "missing"),
    }
    assert sum(1 for lang, _, reason in found if lang == "ru" and reason == "no .po file") == len(
        [m for m in template if m.id]
    )
    assert not [entry for entry in found if entry[0] not in ("fr", "ru")]


def test_headers(catalogs):
    for lang, catalog in catalogs.items():
        headers = dict(catalog.mime_headers)
        assert headers["Language"] == lang
        assert headers["Plural-Forms"].startswith("nplurals=")
        assert headers["Content-Type"] == "text/plain; charset=utf-8"
        assert not catalog.fuzzy


# --------------------------------------------------------------------------- (c) faithful

PERCENT_FORMAT = re.compile(r"%(?:\([^)]*\))?[#0+-]?\d*(?:\.\d+)?[diouxXeEfFgGcrs]")
"""A real %-placeholder ("%s", "%(name)d"); "% of population" is a literal sign, not one."""
BRACE_FIELD = re.compile(r"\{[^{}]*\}")
DIGITS = re.compile(r"\d+")
CODE = re.compile(r"(?<![A-Za-z0-9_.])[A-Z][A-Z0-9]*(?:[._][A-Z0-9]+)+|\d+\.[a-z0-9]\.\d+")
"""Series codes (IT.NET.USER.ZS, ITU_DH_POP_COV_4G) and SDG indicator numbers (9.c.1)."""
SYMBOLS = ("%", "GB", "MB", "PPP$", "USD")


def _missing(pattern: re.Pattern | str, msgid: str, text: str) -> Counter:
    if isinstance(pattern, str):
        return Counter({pattern: max(msgid.count(pattern) - text.count(pattern), 0)}) - Counter()
    return Counter(pattern.findall(msgid)) - Counter(pattern.findall(text))


@pytest.mark.parametrize("lang", LANGUAGES)
def test_translations_keep_placeholders_numbers_codes_and_symbols(catalogs, lang):
    bad = []
    for message in catalogs[lang]:
        if not message.id or not message.string:
            continue
        msgid, text = str(message.id), str(message.string)
        assert Counter(PERCENT_FORMAT.findall(msgid)) == Counter(PERCENT_FORMAT.findall(text))
        assert Counter(BRACE_FIELD.findall(msgid)) == Counter(BRACE_FIELD.findall(text))
        lost = _missing(DIGITS, msgid, text) + _missing(CODE, msgid, text)
        for symbol in SYMBOLS:
            lost += _missing(symbol, msgid, text)
        if lost:
            bad.append(f"{msgid!r} -> {text!r}: lost {dict(lost)}")
    assert not bad, "\n".join(bad)


def test_no_placeholders_in_the_data_strings(template):
    """The data strings are shown as they are, never %- or {}-formatted: a placeholder appearing
    in the data would need the code that displays it to fill it."""
    for message in template:
        if message.id:
            assert not PERCENT_FORMAT.search(message.id), message.id
            assert not BRACE_FIELD.search(message.id), message.id


def test_punctuation_conventions(catalogs):
    for message in catalogs["fr"]:
        if message.id:
            # Non-breaking space before : ; ? ! % (after a number), inside « ».
            assert not re.search(r" [:;?!»]|« |\d %", message.string), message.string
    for message in catalogs["zh"]:
        if message.id:
            assert not re.search(r"[,;:()]", message.string), message.string
    for message in catalogs["ar"]:
        if message.id:
            assert not re.search(r"[,;?]", message.string), message.string
            assert not re.search(r"[\u0660-\u0669]", message.string), "UN Arabic uses 0-9"


# --------------------------------------------------------------------------- (d) official terms

LABELS = _group_labels()
OFFICIAL = [
    ("zh", LABELS["ldc"], "最不发达国家"),
    ("fr", LABELS["ldc"], "pays les moins avancés"),
    ("ar", LABELS["ldc"], "أقل البلدان نموا"),
    ("es", LABELS["ldc"], "países menos adelantados"),
    ("ru", LABELS["ldc"], "наименее развитые страны"),
    ("es", LABELS["sids"], "pequeños Estados insulares en desarrollo"),
    ("fr", LABELS["sids"], "petits États insulaires en développement"),
    ("ru", LABELS["sids"], "малые островные развивающиеся государства"),
    ("zh", LABELS["sids"], "小岛屿发展中国家"),
    ("ar", LABELS["sids"], "الدول الجزرية الصغيرة النامية"),
    ("fr", LABELS["lldc"], "pays en développement sans littoral"),
    ("es", LABELS["lldc"], "países en desarrollo sin litoral"),
    ("ru", LABELS["lldc"], "развивающиеся страны, не имеющие выхода к морю"),
    ("zh", LABELS["lldc"], "内陆发展中国家"),
    ("ar", LABELS["lldc"], "البلدان النامية غير الساحلية"),
    ("fr", LABELS["itu-asia-pacific"], "Asie-Pacifique"),
    ("fr", LABELS["itu-africa"], "UIT"),
    ("es", LABELS["itu-africa"], "UIT"),
    ("ru", LABELS["itu-africa"], "МСЭ"),
    ("zh", LABELS["itu-africa"], "国际电联"),
    ("ar", LABELS["itu-africa"], "الاتحاد الدولي للاتصالات"),
    ("ru", LABELS["itu-cis"], "СНГ"),
    ("es", LABELS["income-lower-middle"], "mediano bajo"),
    ("fr", "Fixed-broadband basket, % of monthly GNI per capita", "panier"),
    ("es", "Fixed-broadband basket, % of monthly GNI per capita", "canasta"),
    ("ru", "Fixed-broadband basket, % of monthly GNI per capita", "корзина"),
    ("zh", "Fixed-broadband basket, % of monthly GNI per capita", "价格篮子"),
    ("ar", "Fixed-broadband basket, % of monthly GNI per capita", "سلة"),
]


@pytest.mark.parametrize(("lang", "msgid", "expected"), OFFICIAL)
def test_official_terms(catalogs, lang, msgid, expected):
    message = catalogs[lang].get(msgid)
    assert message is not None, f"{msgid!r} is not a msgid"
    assert expected.casefold() in message.string.casefold()
