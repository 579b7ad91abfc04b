"""The view in the page address: parsing, naming bad parameters, and the layout it produces."""

from __future__ import annotations

from urllib.parse import parse_qs

import pytest

import app as dashboard
from components import ids
from components.layout import adjustments, build_layout, initial_values, walk
from components.urlstate import DEFAULTS, MAX_COUNTRIES, parse_view, view_query
from data import views
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
        ("group=income-low&kind=income", {"group": "income-low", "kind": "income"}),
        ("countries=ken,IND,,", {"countries": ["KEN", "IND"]}),
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


def notice_of(layout) -> str:
    notice = next(c for c in walk(layout) if getattr(c, "id", None) == ids.URL_NOTICE)
    return " ".join(str(part) for part in (notice.children or []))


def test_every_adjusted_value_is_named(ds):
    """What the page changes in an address it says it changed (the address in, the view out)."""
    codes = list(ds.countries.index[:25])
    view, problems = parse(f"countries={','.join(codes)}", ds)
    assert view["countries"] == codes[:MAX_COUNTRIES]
    assert len(problems) == 1
    assert "5 left out" in problems[0] and all(c in problems[0] for c in codes[MAX_COUNTRIES:])

    view, problems = parse("year=2019&year=2020", ds)
    assert view["year"] == 2020 and problems == ["year given 2 times: the last, “2020”, is used"]

    view, problems = parse("countries=KEN,IND,KEN", ds)
    assert view["countries"] == ["KEN", "IND"] and "KEN" in problems[0]

    view, problems = parse("group=income-low&kind=itu", ds)
    assert view["kind"] == "income" and "income-low" in problems[0] and "itu" in problems[0]

    bad = ",".join(f"Q{i:02d}" for i in range(30))
    _view, problems = parse(f"countries={bad}", ds)
    assert "and 20 more" in problems[0]


def test_a_year_outside_the_indicators_years_is_named_with_the_year_shown(ds):
    view, problems = parse("year=1960&start=1960&end=2025", ds)
    assert problems == []
    first, last = views.year_span(ds, "internet_users_pct")
    assert first > 1960
    values = initial_values(ds, view)
    assert values[ids.YEAR] == first
    notes = adjustments(ds, view)
    assert any(n.startswith("year 1960") and f"{first} is shown" in n for n in notes)
    assert any(n.startswith("start 1960") for n in notes)
    assert (last < 2025) == any(n.startswith("end 2025") for n in notes)
    text = notice_of(build_layout(ds, view, problems))
    assert "year 1960" in text and str(first) in text


def test_the_notice_speaks_the_pages_language(ds):
    from data import i18n

    i18n.use_language("fr")
    try:
        _view, problems = parse("year=2019&year=2020", ds)
        assert problems and "year" in problems[0] and "given" not in problems[0]
    finally:
        i18n.use_language(None)
