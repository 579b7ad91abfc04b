"""Numbers, units and text as readers see them.

Turns values into text (``45.2%``, ``0.87 (ratio)``, ``812 million``, "—" for a missing value)
and reads what an indicator ``spec`` says about its unit, decimals, title and target. Every
builder formats through this module; it uses no plotly.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import pandas as pd

from data import i18n
from data.i18n import _

DASH = "—"
"""Shown for a missing value."""


# --------------------------------------------------------------------------- small helpers


def _number(value: object) -> float | None:
    """``value`` as a finite float, or None for None, NaN, pd.NA and non-numbers."""
    if value is None or value is pd.NA:
        return None
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def _text(value: object) -> str:
    """``value`` as a stripped string; "" for None and NaN."""
    if value is None or value is pd.NA:
        return ""
    if isinstance(value, float) and math.isnan(value):
        return ""
    return str(value).strip()


def _int_text(value: object) -> str:
    number = _number(value)
    return DASH if number is None else str(int(round(number)))


def _flag(value: object) -> bool | None:
    """True/False from bools, numpy bools, 0/1 and "true"/"false"; None when unknown."""
    if value is None or value is pd.NA:
        return None
    if isinstance(value, str):
        lowered = value.strip().lower()
        if lowered in {"true", "yes", "1"}:
            return True
        if lowered in {"false", "no", "0"}:
            return False
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    try:
        return bool(value)
    except (TypeError, ValueError):
        return None


def _spec_get(spec: Mapping | None, key: str, default: object = None) -> object:
    if not spec:
        return default
    value = spec.get(key, default)
    if isinstance(value, float) and math.isnan(value):
        return default
    return value


def _decimals(spec: Mapping | None) -> int:
    number = _number(_spec_get(spec, "decimals", 1))
    return 1 if number is None else max(0, int(number))


def _unit(spec: Mapping | None) -> str:
    """The unit as the reader sees it (in the page's language)."""
    return _text(_spec_get(spec, "unit", ""))


def _unit_en(spec: Mapping | None) -> str:
    """The unit as the catalog writes it in English: what the code tests."""
    return _text(_spec_get(spec, "unit_en", "")) or _unit(spec)


def _title(spec: Mapping | None) -> str:
    return _text(_spec_get(spec, "title", "")) or _text(_spec_get(spec, "id", "")) or _("Indicator")


def _is_percent(spec: Mapping | None) -> bool:
    return _unit_en(spec).startswith("%")


def _is_parity(spec: Mapping | None) -> bool:
    return _text(_spec_get(spec, "id", "")).endswith("_parity") or _unit_en(
        spec
    ).lower().startswith("ratio")


def _target(spec: Mapping | None) -> float | None:
    return _number(_spec_get(spec, "target"))


def _is_affordability(spec: Mapping | None) -> bool:
    target = _target(spec)
    return target is not None and math.isclose(target, 2.0) and _is_percent(spec)


def _fmt(number: float, decimals: int) -> str:
    """``number`` with ``decimals`` decimals, written as the page's language writes numbers."""
    if round(number, decimals) == 0:
        number = 0.0  # never "-0.0"
    return i18n.format_number(number, decimals, i18n.current_language())


def _short_number(number: float) -> str:
    """A tick label: no trailing zeros (2, 0.5, 1.02)."""
    if number == 0:
        return "0"
    magnitude = abs(number)
    decimals = 0 if magnitude >= 10 else (1 if magnitude >= 1 else 2)
    for places in range(decimals + 1):
        if round(number, places) == round(number, decimals + 1):
            return _fmt(number, places)
    return _fmt(number, decimals + 1)


def _percent(number: float, decimals: int) -> str:
    """``45.2%`` as the page's language writes a percentage."""
    if round(number, decimals) == 0:
        number = 0.0
    return i18n.format_percent(number, decimals, i18n.current_language())


def _share_text(share: object) -> str:
    number = _number(share)
    return DASH if number is None else _percent(number * 100, 0)


def _millions(people: object) -> str:
    """People in millions: "812 million", "41.3 million", "0.8 million"."""
    number = _number(people)
    if number is None:
        return DASH
    millions = number / 1e6
    return _("%(number)s million") % {"number": _fmt(millions, 0 if abs(millions) >= 100 else 1)}


def format_value(value: object, spec: Mapping | None) -> str:
    """A value as readers see it: ``45.2%``, ``0.87 (ratio)``, ``12.3 pp``, ``—`` when missing.

    Uses the spec's ``decimals`` and ``unit``. Percentages (units starting with "%") get a bare
    "%" sign; see :func:`_value_with_unit` for the long form used in hover text.
    """
    number = _number(value)
    if number is None:
        return DASH
    decimals = _decimals(spec)
    unit = _unit(spec)
    lowered = _unit_en(spec).lower()
    if lowered.startswith("%"):
        return _percent(number, decimals)
    if lowered.startswith("ratio"):
        return _("%(number)s (ratio)") % {"number": _fmt(number, decimals)}
    if lowered.startswith("percentage point"):
        return _("%(number)s pp") % {"number": _fmt(number, decimals)}
    if lowered in {"usd", "current us$", "us$"}:
        return f"US${_fmt(number, max(decimals, 0))}"
    if lowered in {"ppp$", "current international $"}:
        symbol = "PPP$" if lowered == "ppp$" else _("int. $")
        return f"{_fmt(number, decimals)} {symbol}"
    if lowered == "people":
        if abs(number) >= 1e9:
            return _("%(number)s billion people") % {"number": _fmt(number / 1e9, 2)}
        if abs(number) >= 1e6:
            return _("%(number)s million people") % {"number": _fmt(number / 1e6, 1)}
        return _("%(number)s people") % {"number": _fmt(number, 0)}
    if not unit:
        return _fmt(number, decimals)
    return f"{_fmt(number, decimals)} {unit}"


def _value_with_unit(value: object, spec: Mapping | None) -> str:
    """Hover form: ``45.2% of population``, ``0.87 ratio (women ÷ men)``, else format_value."""
    number = _number(value)
    if number is None:
        return _("No data")
    unit, unit_en = _unit(spec), _unit_en(spec)
    if unit_en.startswith("%") and len(unit_en) > 1:
        if unit.startswith("%"):
            return f"{format_value(number, spec)}{unit[1:]}"
        return f"{format_value(number, spec)} ({unit})"
    if unit_en.lower().startswith("ratio"):
        return f"{_fmt(number, _decimals(spec))} {unit}"
    return format_value(number, spec)


def _gap_unit(spec: Mapping | None) -> str:
    return _("pp") if _is_percent(spec) else _unit(spec)
