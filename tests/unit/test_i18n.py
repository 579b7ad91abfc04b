"""Numbers and names in the six UN languages."""

from __future__ import annotations

import re

import pytest

from data import i18n
from data.load import load_dataset

NNBSP, NBSP = "\u202f", "\xa0"


@pytest.mark.parametrize(
    ("lang", "number", "percent", "separators"),
    [
        ("en", "1,234.5", "45.2%", ".,"),
        ("fr", f"1{NNBSP}234,5", f"45,2{NBSP}%", f",{NNBSP}"),
        ("es", "1.234,5", f"45,2{NBSP}%", ",."),
        ("ru", f"1{NBSP}234,5", f"45,2{NBSP}%", f",{NBSP}"),
        ("zh", "1,234.5", "45.2%", ".,"),
        # CLDR writes Arabic numbers with Latin digits by default (as UN Arabic documents do);
        # the dashboard says so explicitly (i18n.NUMBERING).
        ("ar", "1,234.5", "45.2%", ".,"),
    ],
)
def test_numbers_follow_each_locale(lang, number, percent, separators):
    assert i18n.format_number(1234.5, 1, lang) == number
    assert i18n.format_percent(45.23, 1, lang).replace("\u200e", "") == percent
    assert i18n.separators(lang) == separators


def test_decimals_are_exact_and_missing_is_a_dash():
    assert i18n.format_number(2.0, 2, "fr") == "2,00"
    assert i18n.format_number(1234567, 0, "en") == "1,234,567"
    assert i18n.format_number(float("nan"), 1, "ru") == "—"
    assert i18n.format_number(None, 1, "zh") == "—"


def test_arabic_digits_are_latin():
    assert all(ch in "0123456789.,-" for ch in i18n.format_number(9876.5, 1, "ar"))


def test_country_names_are_the_uns_in_each_language():
    ds = load_dataset()
    assert i18n.country_name(ds, "CIV", "fr") == "Côte d’Ivoire"
    assert i18n.country_name(ds, "CHN", "zh") == "中国"
    assert i18n.country_name(ds, "RUS", "ru") == "Российская Федерация"
    assert i18n.country_name(ds, "KEN", "en") == "Kenya"
    assert i18n.country_name(ds, "XXX", "fr") == "XXX"


def test_a_language_is_checked():
    assert i18n.check_language(None) == "en"
    assert i18n.check_language("ar") == "ar"
    with pytest.raises(i18n.LanguageError, match="valid: en, fr, es, ru, zh, ar"):
        i18n.check_language("de")


def test_text_without_a_translation_stays_as_it_is():
    assert i18n.translate("A phrase nobody translated", "fr") == "A phrase nobody translated"
    assert i18n.translate(None, "fr") == ""
    assert i18n.translate("Internet use", "en") == "Internet use"


def test_arabic_charts_read_from_the_right():
    from callbacks import charts

    arabic, _ = charts.update_trend(
        "access", "internet_users_pct", None, "ldc", [], [2010, 2023], "auto", "estimated", "ar"
    )
    english, _ = charts.update_trend(
        "access", "internet_users_pct", None, "ldc", [], [2010, 2023], "auto", "estimated", "en"
    )
    assert arabic.layout.yaxis.side == "right" and english.layout.yaxis.side != "right"
    assert arabic.layout.title.xanchor == "right"
    credit = next(a for a in arabic.layout.annotations if a.name == "credit")
    assert credit.xanchor == "right"


def test_french_charts_write_numbers_the_french_way():
    from callbacks import charts

    figure, status = charts.update_map("access", "internet_users_pct", None, 2022, 0, "world", "fr")
    assert "économies" in status
    cells = [cell for t in figure.data for row in (t.customdata or ()) for cell in row]
    assert any(re.search(r"\d,\d\xa0%", str(cell)) for cell in cells), cells[:5]
    assert "Année des données" in " ".join(str(t.hovertemplate) for t in figure.data)
