"""The view in the page address: parsing, naming bad parameters, and the layout it produces."""

from __future__ import annotations

from urllib.parse import parse_qs

import pytest

import app as dashboard
from components import ids
from components.layout import build_layout, walk
from components.urlstate import DEFAULTS, parse_view, view_query
from data.load import load_dataset


@pytest.fixture(scope="module")
def ds():
    return load_dataset()


def parse(query: str, ds):
    return parse_view(parse_qs(query, keep_blank_values=True), ds)


def test_empty_address_gives_the_defaults(ds):
    view, problems = parse("", ds)
    assert view == DEFAULTS and problems == []


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("theme=gender", {"theme": "gender"}),
        ("theme=affordability&indicator=price_mobile_broadband&unit=usd", {"unit": "usd"}),
        ("group=ldc", {"group": "ldc", "kind": "development"}),
        ("group=income-low&kind=itu", {"group": "income-low", "kind": "income"}),
        ("countries=ken,IND,,KEN", {"countries": ["KEN", "IND"]}),
        ("year=2021&tolerance=0&start=2010&end=2020", {"year": 2021, "tolerance": 0}),
        ("theme=summary&a=sids&b=world", {"a": "sids", "b": "world"}),
    ],
)
def test_valid_parameters_set_the_view(ds, query, expected):
    view, problems = parse(query, ds)
    assert problems == []
    for key, value in expected.items():
        assert view[key] == value


@pytest.mark.parametrize(
    ("query", "named"),
    [
        ("theme=nope", "theme"),
        ("indicator=price_fixed_broadband", "indicator"),  # not an access indicator
        ("unit=euro", "unit"),
        ("kind=continents", "kind"),
        ("group=atlantis", "group"),
        ("countries=KEN,XXX", "XXX"),
        ("year=abc", "year"),
        ("year=1700", "year"),
        ("year=99999999999999999999", "year"),
        ("tolerance=-1", "tolerance"),
        ("tolerance=11", "tolerance"),
        ("start=2020&end=2010", "start"),
        ("colour=red", "unknown parameter colour"),
        ("theme=" + "x" * 5000, "theme"),
    ],
)
def test_bad_parameters_are_named_and_ignored(ds, query, named):
    view, problems = parse(query, ds)
    assert len(problems) == 1 and named in problems[0]
    assert len(problems[0]) < 300
    # Whatever was bad falls back to the default; the rest of the view still applies.
    for key in ("theme", "unit", "kind", "group", "year", "tolerance"):
        assert view[key] == DEFAULTS[key] or key in query


def test_view_query_round_trip(ds):
    query = "theme=gender&indicator=internet_gender_gap_pp&group=ldc&countries=KEN,IND&year=2021"
    view, _ = parse(query, ds)
    again, problems = parse(view_query(view).lstrip("?"), ds)
    assert problems == [] and again == view
    assert view_query(DEFAULTS) == ""


def values_by_id(layout) -> dict:
    return {c.id: getattr(c, "value", None) for c in walk(layout) if getattr(c, "id", None)}


def test_the_page_layout_follows_the_address_in_its_referrer():
    client = dashboard.server.test_client()
    referrer = "http://127.0.0.1/?theme=coverage&indicator=coverage_3g_pct&group=ldc&year=2019"
    layout = client.get("/_dash-layout", headers={"Referer": referrer}).get_json()
    found = {}

    def visit(node):
        if isinstance(node, dict):
            props = node.get("props", {})
            if "id" in props and "value" in props:
                found[props["id"]] = props["value"]
            for value in props.values():
                visit(value)
        elif isinstance(node, list):
            for item in node:
                visit(item)

    visit(layout)
    assert found[ids.THEME_TABS] == "coverage"
    assert found[ids.INDICATOR] == "coverage_3g_pct"
    assert found[ids.GROUP] == "ldc" and found[ids.GROUP_KIND] == "development"
    assert found[ids.YEAR] == 2019


def test_a_bad_address_is_explained_on_the_page():
    client = dashboard.server.test_client()
    layout = client.get(
        "/_dash-layout", headers={"Referer": "http://127.0.0.1/?year=soon&group=atlantis"}
    ).get_data(as_text=True)
    assert "could not be used" in layout and "atlantis" in layout and "soon" in layout


@pytest.mark.parametrize("theme", ["access", "coverage", "affordability", "gender", "summary"])
def test_the_first_paint_names_the_chosen_indicator(ds, theme):
    """The indicator dropdown has its options before any callback, so it never shows blank."""
    view, problems = parse(f"theme={theme}", ds)
    assert not problems
    dropdown = next(
        c for c in walk(build_layout(ds, view)) if getattr(c, "id", None) == ids.INDICATOR
    )
    values = [o["value"] for o in dropdown.options]
    assert dropdown.value in values
    labels = [o["label"] for o in dropdown.options]
    assert all(labels) and len(set(labels)) == len(labels)
