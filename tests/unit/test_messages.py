"""The interface in six languages: every word goes through the catalogs, and every catalog is
complete.

The pseudo-language (``data.i18n.PSEUDO``) writes every catalog word between ⟦ ⟧; a page or
chart rendered in it shows any English word that bypassed the catalogs.
"""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

import plotly.graph_objects as go
import pytest
from babel.messages.pofile import read_po

import app as dashboard
from callbacks import charts, controls, export
from components.themes import THEMES
from data import i18n

ROOT = Path(__file__).resolve().parent.parent.parent
SPEC = importlib.util.spec_from_file_location(
    "extract_messages", ROOT / "scripts/extract_messages.py"
)
extract = importlib.util.module_from_spec(SPEC)
SPEC.loader.exec_module(extract)

WORD = re.compile(r"[A-Za-z]{3,}")
# Not words to translate: names of languages in their own script, codes and units that every
# language writes alike.
ALLOWED = {
    "English",
    "Français",
    "Español",
    "Русский",
    "中文",
    "العربية",
    "API",
    "CSV",
    "JSON",
    "PNG",
    "SVG",
    "ITU",
    "USD",
    "PPP",
    "GNI",
}
PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]")


@pytest.fixture(scope="module")
def template():
    return extract.build_template()


def test_the_template_is_current(template):
    assert extract.render(template) == extract.POT.read_bytes(), (
        "translations/messages.pot is out of date: run scripts/extract_messages.py --update"
    )


def test_every_message_is_translated_in_every_language(template):
    missing = extract.problems(template)
    assert not missing, "\n".join(f"{lang}: {why}: {msgid!r}" for lang, msgid, why in missing[:40])


@pytest.mark.parametrize("lang", extract.LANGUAGES)
def test_translations_keep_their_placeholders(lang):
    with extract.po_path(lang).open("rb") as handle:
        catalog = read_po(handle, locale=lang)
    for message in catalog:
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        wanted = set(PLACEHOLDER.findall(ids[-1])) | set(PLACEHOLDER.findall(ids[0]))
        for string in strings:
            found = set(PLACEHOLDER.findall(string or ""))
            assert found <= wanted, (lang, message.id, string)
            # Every named value is used (a plural's singular may drop the count).
            assert wanted - found <= {"n"}, (lang, message.id, string)


# --------------------------------------------------------------------------- pseudo-language


def _texts(component):
    """Every string a person reads in a component tree: children, labels, titles, options."""
    stack = [component]
    while stack:
        node = stack.pop()
        if isinstance(node, str):
            yield node
            continue
        if isinstance(node, (list, tuple)):
            stack.extend(node)
            continue
        if getattr(node, "lang", None) == "en":  # quoted as published (citations)
            continue
        for prop in ("children", "label", "placeholder", "title", "aria-label"):
            value = getattr(node, prop, None) if hasattr(node, prop) else None
            if value is None and hasattr(node, "to_plotly_json"):
                value = node.to_plotly_json()["props"].get(prop)
            if isinstance(value, str):
                yield value
            elif value is not None and not isinstance(value, (int, float)):
                stack.append(value)
        for option in getattr(node, "options", None) or []:
            if isinstance(option, dict) and isinstance(option.get("label"), str):
                yield option["label"]


def _untranslated(texts):
    bad = []
    for text in texts:
        if text in ALLOWED:
            continue
        stripped = text
        while re.search(r"⟦[^⟦⟧]*⟧", stripped):  # innermost first: catalog words nest
            stripped = re.sub(r"⟦[^⟦⟧]*⟧", "", stripped)
        for word in WORD.findall(stripped):
            if word not in ALLOWED and not word.isupper():
                bad.append(text)
                break
    return bad


def test_the_page_has_no_word_outside_the_catalogs():
    ds = dashboard.load_dataset()
    from components.layout import build_layout
    from components.urlstate import DEFAULTS

    layout = build_layout(ds, dict(DEFAULTS), ["a problem"], lang=i18n.PSEUDO)
    bad = _untranslated(t for t in _texts(layout) if "a problem" not in t)
    assert not bad, bad[:20]


def _figure_texts(fig: go.Figure):
    layout = fig.layout
    if layout.title and layout.title.text:
        yield layout.title.text
        if layout.title.subtitle and layout.title.subtitle.text:
            yield layout.title.subtitle.text
    for annotation in layout.annotations or ():
        if annotation.text:
            yield annotation.text
    for trace in fig.data:
        if trace.name and trace.showlegend is not False:
            yield trace.name
        colorbar = getattr(trace, "colorbar", None)
        if colorbar is not None:
            yield from colorbar.ticktext or ()
    for axis in ("xaxis", "yaxis"):
        title = getattr(layout, axis).title
        if title and title.text:
            yield title.text


@pytest.mark.parametrize("theme", list(THEMES))
def test_charts_and_notes_have_no_word_outside_the_catalogs(theme):
    pseudo = i18n.PSEUDO
    default = THEMES[theme].default
    figure, status = charts.update_map(theme, default, "gni_pct", 2020, "auto", "ldc", pseudo)
    trend, note = charts.update_trend(
        theme, default, "gni_pct", "ldc", ["KEN"], [2010, 2022], "auto", "estimated", pseudo
    )
    views = charts.update_theme_view(theme, default, "gni_pct", "itu", "ldc", 2021, "auto", pseudo)
    texts = [status, note, views[-1]]
    for fig in (figure, trend, views[0], views[2]):
        texts += list(_figure_texts(fig))
    texts.append(
        export.update_download_note(
            theme,
            default,
            "gni_pct",
            "ldc",
            [],
            2020,
            [2010, 2022],
            "auto",
            "reported",
            "un",
            pseudo,
        )
    )
    texts += list(_texts(export.update_sources(theme, default, "gni_pct", pseudo)))
    bad = _untranslated(t for t in texts if t)
    assert not bad, bad[:20]


def test_summary_has_no_word_outside_the_catalogs():
    pseudo = i18n.PSEUDO
    rows, region = charts.update_summary(
        "summary", "internet_users_pct", "itu", 2023, "auto", "estimated", pseudo
    )
    table = charts.update_summary_table(
        rows, {"field": None, "descending": False}, 2023, "estimated", "internet_users_pct", pseudo
    )
    divide = charts.update_divide(
        "summary", "internet_users_pct", "income-high", "ldc", [2005, 2023], "auto", pseudo
    )
    texts = list(_texts(table)) + list(_figure_texts(region)) + list(_figure_texts(divide))
    bad = _untranslated(t for t in texts if t)
    assert not bad, bad[:20]


def test_controls_have_no_word_outside_the_catalogs():
    pseudo = i18n.PSEUDO
    options = controls.update_indicator_options.__wrapped__  # noqa: F841 - signature check
    out = controls.update_group_options("income", "world", pseudo)
    bad = _untranslated(o["label"] for o in out[0])
    assert not bad, bad
