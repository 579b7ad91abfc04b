"""What a callback request may carry: one rule per component property, checked before Dash.

A browser sends ``POST /_dash-update-component`` with the callback's output, its inputs and
states (``{"id", "property", "value"}``) and which input fired. Anyone can send anything there:
a year of ``Infinity``, a list where a word belongs, ten million country codes, JSON nested a
thousand deep, a request without the page's language. ``clean_request`` rebuilds the request
from the callback's own declaration (``app.callback_map``), taking from what was sent only the
values that pass their rule in ``RULES``:

- a value that breaks its rule becomes ``None``, the value a control has before it is set, and
  every callback reads ``None`` as "the default" (the theme's indicator, the latest year …);
- a dependency the request left out (an old page without ``lang``) is ``None`` too (English);
- a request that is not a callback of this app, or whose outputs are not the callback's, is
  refused with 400 (``BadCallback``): no browser sends one.

Lists are bounded (``MAX_COUNTRIES``, ``MAX_ITEMS``), strings too (``MAX_TEXT``), and the body
is parsed only when it is small (``MAX_BODY``, refused with 413 before it is read, in
``edges.py``) and at most ``MAX_DEPTH`` deep.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Mapping

from flask import Flask, jsonify, request

from components import ids
from components.above_target import SORT_TYPE
from components.themes import GROUP_KINDS, THEMES, UNITS, indicators_of
from components.urlstate import FIRST_YEAR, LAST_YEAR, MAX_COUNTRIES, MAX_TOLERANCE
from data import i18n
from data.load import load_dataset

MAX_BODY = 1024 * 1024
"""Bytes a request body may have (a page's largest callback request is about 20 KB)."""
MAX_DEPTH = 24
"""Nesting a callback request may have (a page's deepest is 6)."""
MAX_ITEMS = 500
"""Items in any other list a callback reads (summary rows, sort buttons, language links)."""
MAX_TEXT = 2048
"""Characters in a string value (the address's query included)."""
MAX_COUNT = 10**9
"""Largest click or tick count."""

INVALID = object()
"""What a rule returns for a value it refuses."""


class BadCallback(ValueError):
    """A request that no page of this app sends (unknown output, outputs not the callback's)."""


# --------------------------------------------------------------------------- rules


def _text(value, limit: int = 64):
    return value if isinstance(value, str) and len(value) <= limit else INVALID


def one_of(valid) -> Callable:
    def rule(value):
        return value if isinstance(value, str) and value in valid else INVALID

    return rule


def _integral(value) -> int | None:
    """An int from a JSON number that is one (2019 or 2019.0); None otherwise."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    if isinstance(value, float) and not (math.isfinite(value) and value.is_integer()):
        return None
    return int(value)


def year(value):
    number = _integral(value)
    return number if number is not None and FIRST_YEAR <= number <= LAST_YEAR else INVALID


def year_range(value):
    if not isinstance(value, list) or len(value) != 2:
        return INVALID
    years = [year(v) for v in value]
    return INVALID if INVALID in years else sorted(years)


def count(value):
    number = _integral(value)
    return number if number is not None and 0 <= number <= MAX_COUNT else INVALID


def flag(value):
    return value if isinstance(value, bool) else INVALID


def tolerance(value):
    if value == "auto":
        return value
    number = _integral(value)
    return number if number is not None and 0 <= number <= MAX_TOLERANCE else INVALID


def group(value):
    return value if isinstance(value, str) and value in load_dataset().groups else INVALID


def indicator(value):
    """A theme's indicator choice, the ones added to the dataset in service included."""
    catalog = load_dataset().catalog
    known = {choice for theme in THEMES.values() for choice in indicators_of(theme, catalog)}
    return value if isinstance(value, str) and value in known else INVALID


def countries(value):
    """Known economy codes, each once, at most ``MAX_COUNTRIES`` (a longer list is cut)."""
    if not isinstance(value, list) or len(value) > MAX_ITEMS:
        return INVALID
    known = load_dataset().countries.index
    codes = [c for c in value if isinstance(c, str) and len(c) == 3 and c in known]
    return list(dict.fromkeys(codes))[:MAX_COUNTRIES]


def click(value):
    """Map click data, reduced to what the callbacks read: the first point's location."""
    if not isinstance(value, dict):
        return INVALID
    points = value.get("points")
    if not isinstance(points, list) or not points or not isinstance(points[0], dict):
        return INVALID
    location = points[0].get("location")
    return {"points": [{"location": location}]} if _text(location, 8) is not INVALID else INVALID


def sort(value):
    if not isinstance(value, dict):
        return INVALID
    field, descending = value.get("field"), value.get("descending", False)
    if _text(field) is INVALID or not isinstance(descending, bool):
        return INVALID
    return {"field": field, "descending": descending}


def _cell(value) -> bool:
    if value is None or isinstance(value, bool):
        return True
    if isinstance(value, (int, float)):
        return math.isfinite(value)
    return isinstance(value, str) and len(value) <= 200


def summary_rows(value):
    """The summary table's rows (its own store, filled by the server): a bounded list of flat
    records whose every field holds one kind of value (numbers or words), so they sort."""
    if not isinstance(value, list) or len(value) > MAX_ITEMS:
        return INVALID
    kinds: dict[str, type] = {}
    for row in value:
        if not isinstance(row, dict) or len(row) > 64:
            return INVALID
        for key, cell in row.items():
            if len(key) > 64 or not _cell(cell):
                return INVALID
            if cell is None:
                continue
            kind = str if isinstance(cell, str) else float
            if kinds.setdefault(key, kind) is not kind:
                return INVALID
    return value


def search(value):
    return _text(value, MAX_TEXT)


def language(value):
    return value if isinstance(value, str) and value in i18n.LANGUAGES else INVALID


RULES: dict[tuple[str, str], Callable] = {
    (ids.THEME_TABS, "value"): one_of(THEMES),
    (ids.INDICATOR, "value"): indicator,
    (ids.UNIT, "value"): one_of(UNITS),
    (ids.GROUP_KIND, "value"): one_of(GROUP_KINDS),
    (ids.GROUP, "value"): group,
    (ids.DIVIDE_A, "value"): group,
    (ids.DIVIDE_B, "value"): group,
    (ids.GROUP_METHOD, "value"): one_of(("estimated", "reported")),
    (ids.COUNTRIES, "value"): countries,
    (ids.YEAR, "value"): year,
    (ids.TREND_RANGE, "value"): year_range,
    (ids.TOLERANCE, "value"): tolerance,
    (ids.MAP, "clickData"): click,
    (ids.PLAY_TIMER, "n_intervals"): count,
    (ids.PLAY_TIMER, "disabled"): flag,
    (ids.SUMMARY_ROWS, "data"): summary_rows,
    (ids.SUMMARY_SORT, "data"): sort,
    (ids.ABOVE_TARGET_SORT, "data"): sort,
    (ids.URL, "search"): search,
    (ids.LANG, "data"): language,
}
"""The rule for each (component id, property) a callback reads. Every ``n_clicks`` is a count."""

PATTERNS: dict[str, Callable] = {
    "summary-sort": _text,
    SORT_TYPE: _text,
    ids.LANGUAGE_LINK: one_of({*i18n.LANGUAGES, *(f"suggest-{lang}" for lang in i18n.LANGUAGES)}),
}
"""Pattern-matching ids (``{"type": …, key: …}``): the rule for the key's value, by type."""


def rule_for(component: str, prop: str) -> Callable:
    if prop == "n_clicks":
        return count
    try:
        return RULES[(component, prop)]
    except KeyError:
        raise LookupError(f"no rule for {component}.{prop}: add one to RULES") from None


def checked(rule: Callable, value):
    """``value`` if ``rule`` takes it (as the rule returns it), else None (the default)."""
    if value is None:
        return None
    result = rule(value)
    return None if result is INVALID else result


# --------------------------------------------------------------------------- requests


def depth(value, limit: int = MAX_DEPTH) -> int:
    """How deep ``value`` nests (without recursion; stops counting past ``limit``)."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, level = stack.pop()
        if level > deepest:
            deepest = level
            if deepest > limit:
                break
        if isinstance(item, dict):
            stack.extend((v, level + 1) for v in item.values())
        elif isinstance(item, list):
            stack.extend((v, level + 1) for v in item)
    return deepest


def parse(body: bytes):
    """The JSON of a request body, or BadCallback (not JSON, too deep, numbers too long)."""
    try:
        value = json.loads(body)
    except (ValueError, RecursionError) as error:
        reason = type(error).__name__
        raise BadCallback(f"the body is not JSON that a page sends ({reason})") from None
    if depth(value) > MAX_DEPTH:
        raise BadCallback(f"the body nests deeper than {MAX_DEPTH}")
    return value


def _pattern(component: str) -> dict | None:
    """The pattern of a wildcard id as declared (``'{"field":["ALL"],"type":"…"}'``)."""
    if not component.startswith("{"):
        return None
    return json.loads(component)


def _matches(pattern: dict, component) -> bool:
    if not isinstance(component, dict) or set(component) != set(pattern):
        return False
    if component.get("type") != pattern.get("type"):
        return False
    rule = PATTERNS.get(str(pattern.get("type")), _text)
    return all(rule(v) is not INVALID for k, v in component.items() if k != "type")


def _sent(items) -> dict[tuple, object]:
    """What a request sent for each (id, property): id as a string, wildcard lists kept."""
    sent: dict[tuple, object] = {}
    if not isinstance(items, list):
        return sent
    for item in items[:MAX_ITEMS]:
        if isinstance(item, list):
            first = next((i for i in item if isinstance(i, dict)), None)
            if first and isinstance(first.get("id"), dict):
                kind, prop = first["id"].get("type"), first.get("property")
                if isinstance(kind, str) and isinstance(prop, str):
                    sent.setdefault(("*", kind, prop), item)
            continue
        if not isinstance(item, dict):
            continue
        component, prop = item.get("id"), item.get("property")
        if isinstance(component, str) and isinstance(prop, str):
            sent.setdefault((component, prop), item.get("value"))
    return sent


def _wildcard(pattern: dict, prop: str, sent, written: list | None) -> list[dict]:
    """A wildcard dependency's entries: those sent that match, each value checked. When the
    callback writes to the same pattern, its entries are the written ids (one per output)."""
    entries = sent if isinstance(sent, list) else []
    rule = count if prop == "n_clicks" else None
    by_id: dict[str, object] = {}
    for entry in entries[:MAX_ITEMS]:
        if isinstance(entry, dict) and _matches(pattern, entry.get("id")):
            key = json.dumps(entry["id"], sort_keys=True)
            by_id.setdefault(key, entry.get("value"))
    if written is not None:
        components = [o["id"] for o in written]
    else:
        components = [json.loads(k) for k in by_id]
    out = []
    for component in components:
        key = json.dumps(component, sort_keys=True)
        if prop == "id":
            value = component
        elif rule is not None:
            value = checked(rule, by_id.get(key))
        else:
            raise LookupError(f"no rule for {pattern}.{prop}")
        out.append({"id": component, "property": prop, "value": value})
    return out


def _outputs(declared, sent) -> tuple[object, dict]:
    """The outputs as the callback declares them, with the ids the request names for a
    wildcard output (checked against its pattern); BadCallback when they differ."""
    many = isinstance(declared, (list, tuple))
    declared = list(declared) if many else [declared]
    sent = sent if isinstance(sent, list) and many else [sent]
    if len(sent) != len(declared):
        raise BadCallback("the outputs are not the callback's")
    outputs, written = [], {}
    for output, item in zip(declared, sent, strict=True):
        component, prop = output.component_id, output.component_property
        if isinstance(component, dict):
            pattern = _pattern(output.to_dict()["id"])
            items = item if isinstance(item, list) else []
            if len(items) > MAX_ITEMS or not all(
                isinstance(i, dict) and _matches(pattern, i.get("id")) for i in items
            ):
                raise BadCallback("the outputs are not the callback's")
            entries = [{"id": i["id"], "property": prop} for i in items]
            written[pattern["type"]] = entries
            outputs.append(entries)
            continue
        if not isinstance(item, dict) or item.get("id") != component:
            raise BadCallback("the outputs are not the callback's")
        if str(item.get("property", "")).split("@")[0] != prop:
            raise BadCallback("the outputs are not the callback's")
        outputs.append({"id": component, "property": item["property"]})
    return (outputs if many else outputs[0]), written


def clean_request(body, callback_map: Mapping[str, dict]) -> dict:
    """The callback request ``body`` rebuilt from its callback's declaration, every value
    checked (see the module's description)."""
    if not isinstance(body, dict) or not isinstance(body.get("output"), str):
        raise BadCallback("not a callback request")
    spec = callback_map.get(body["output"])
    if spec is None:
        raise BadCallback("no such callback")
    outputs, written = _outputs(spec["output"], body.get("outputs"))
    clean = {"output": body["output"], "outputs": outputs}
    for part in ("inputs", "state"):
        sent = _sent(body.get(part))
        items = []
        for dep in spec[part]:
            component, prop = dep["id"], dep["property"]
            pattern = _pattern(component)
            if pattern is None:
                value = checked(rule_for(component, prop), sent.get((component, prop)))
                items.append({"id": component, "property": prop, "value": value})
            else:
                mine = sent.get(("*", pattern["type"], prop))
                items.append(_wildcard(pattern, prop, mine, written.get(pattern["type"])))
        clean[part] = items
    clean["changedPropIds"] = _changed(body.get("changedPropIds"), clean["inputs"])
    return clean


def _changed(sent, inputs: list) -> list[str]:
    """The fired inputs named in the request, only those the callback has."""
    known = set()
    for item in inputs:
        for entry in item if isinstance(item, list) else [item]:
            component = entry["id"]
            if isinstance(component, dict):
                component = json.dumps(component, separators=(",", ":"), sort_keys=True)
            known.add(f"{component}.{entry['property']}")
    if not isinstance(sent, list):
        return []
    named = dict.fromkeys(s for s in sent[:MAX_ITEMS] if isinstance(s, str))
    return [p for p in named if p in known]


PATH = "/_dash-update-component"


def install(server: Flask, callback_map: Mapping[str, dict]) -> None:
    """Check every callback request of ``server`` before Dash reads it (``clean_request``):
    Dash's ``request.get_json()`` then returns the checked request."""

    @server.before_request
    def check_callback_request():
        if request.method != "POST" or not request.path.endswith(PATH):
            return None
        if not request.is_json:
            return jsonify(error={"message": "a callback request is JSON"}), 415
        try:
            clean = clean_request(parse(request.get_data(cache=True)), callback_map)
        except BadCallback as error:
            return jsonify(error={"message": str(error)}), 400
        # Flask keeps the parsed body here (for silent and strict get_json alike).
        request._cached_json = (clean, clean)
        return None
