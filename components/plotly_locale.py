"""plotly.js in the page's language: its own words (toolbar, messages) and its dates and
numbers, from our catalogs and Babel's CLDR data.

plotly's Python package ships no locales, and its npm ``ar`` locale is incomplete; this builds
each one from the same sources as the rest of the page. Passed to ``dcc.Graph`` as
``config={"locale": lang, "locales": {lang: …}}``.
"""

from __future__ import annotations

import functools

from data import i18n
from data.i18n import _

TOOLBAR = (
    "Download plot as a PNG",
    "Download plot",
    "Zoom",
    "Pan",
    "Zoom in",
    "Zoom out",
    "Reset axes",
    "Reset view",
    "Autoscale",
    "Box Select",
    "Lasso Select",
    "Toggle Spike Lines",
    "Show closest data on hover",
    "Compare data on hover",
    "Toggle show closest data on hover",
    "Snapshot succeeded",
    "Taking snapshot - this may take a few seconds",
    "Sorry, there was a problem downloading your snapshot!",
    "Double-click to zoom back out",
    "Click to enter Colorscale title",
    "Click to enter Component A title",
    "Click to enter Plot title",
    "Click to enter X axis title",
    "Click to enter Y axis title",
)
"""plotly.js's own messages that this dashboard's charts can show."""


def _toolbar_words() -> list[str]:
    """The toolbar messages as written for extraction (each goes through the catalog)."""
    return [
        _("Download plot as a PNG"),
        _("Download plot"),
        _("Zoom"),
        _("Pan"),
        _("Zoom in"),
        _("Zoom out"),
        _("Reset axes"),
        _("Reset view"),
        _("Autoscale"),
        _("Box Select"),
        _("Lasso Select"),
        _("Toggle Spike Lines"),
        _("Show closest data on hover"),
        _("Compare data on hover"),
        _("Toggle show closest data on hover"),
        _("Snapshot succeeded"),
        _("Taking snapshot - this may take a few seconds"),
        _("Sorry, there was a problem downloading your snapshot!"),
        _("Double-click to zoom back out"),
        _("Click to enter Colorscale title"),
        _("Click to enter Component A title"),
        _("Click to enter Plot title"),
        _("Click to enter X axis title"),
        _("Click to enter Y axis title"),
    ]


@functools.cache
def _calendar(lang: str) -> dict:
    loc = i18n.locale(lang)
    months = loc.months["format"]
    days = loc.days["format"]
    # CLDR counts weekdays from Monday (0); plotly's lists start on Sunday.
    order = [6, 0, 1, 2, 3, 4, 5]
    separators = i18n.separators(lang)
    return {
        "days": [days["wide"][d] for d in order],
        "shortDays": [days["abbreviated"][d] for d in order],
        "months": [months["wide"][m] for m in range(1, 13)],
        "shortMonths": [months["abbreviated"][m] for m in range(1, 13)],
        "decimal": separators[0],
        "thousands": separators[1],
    }


def locale_config(lang: str) -> dict:
    """``dcc.Graph`` config entries that make plotly.js speak ``lang``."""
    if lang == i18n.DEFAULT:
        return {}
    previous = i18n.current_language()
    i18n.use_language(lang)
    try:
        words = dict(zip(TOOLBAR, _toolbar_words(), strict=True))
    finally:
        i18n.use_language(previous)
    return {
        "locale": lang,
        "locales": {lang: {"dictionary": words, "format": _calendar(lang)}},
    }
