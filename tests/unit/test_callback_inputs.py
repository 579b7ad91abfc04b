"""Callback requests from a hostile client: never a 500 (callbacks/inputs.py).

The starting payloads are what a real Chromium sent during a session
(``scripts/record_callbacks.py`` → ``tests/fixtures/callback_payloads.json``); hypothesis
mutates them (wrong types, Infinity and NaN, lists for words, deep nesting, huge lists,
missing keys) and posts them to ``/_dash-update-component``.
"""

from __future__ import annotations

import copy
import json
import math
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import app as dashboard
from callbacks import inputs
from components import ids

FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "callback_payloads.json"
PAYLOADS: list[dict] = json.loads(FIXTURE.read_text())
PATH = "/_dash-update-component"
ANSWERS = {200, 204, 400}
"""A callback answers, declines to update (204: PreventUpdate / nothing to do), or refuses a
request no page sends (400)."""


@pytest.fixture(scope="module")
def client():
    return dashboard.server.test_client()


def post(client, body, raw: bool = False):
    data = body if raw else json.dumps(body, allow_nan=True)
    return client.post(PATH, data=data, content_type="application/json")


def test_the_recorded_payloads_name_callbacks_that_exist(client):
    outputs = {dep["output"] for dep in client.get("/_dash-dependencies").get_json()}
    stale = [p["output"] for p in PAYLOADS if p["output"] not in outputs]
    assert not stale, f"re-record tests/fixtures (scripts/record_callbacks.py): {stale}"
    assert len({p["output"] for p in PAYLOADS}) >= 20


@pytest.mark.parametrize("payload", PAYLOADS, ids=lambda p: p["output"][:50])
def test_a_recorded_payload_is_answered(client, payload):
    response = post(client, payload)
    assert response.status_code in (200, 204), response.get_data(as_text=True)[:300]


def test_every_property_a_callback_reads_has_a_rule():
    for spec in dashboard.app.callback_map.values():
        for dep in spec["inputs"] + spec["state"]:
            if dep["id"].startswith("{"):
                assert json.loads(dep["id"])["type"] in inputs.PATTERNS
            else:
                inputs.rule_for(dep["id"], dep["property"])  # raises when missing


def payload_for(fragment: str) -> dict:
    return copy.deepcopy(next(p for p in PAYLOADS if fragment in p["output"]))


def set_value(payload: dict, component: str, prop: str, value) -> dict:
    for part in ("inputs", "state"):
        for item in payload[part]:
            if isinstance(item, dict) and item["id"] == component and item["property"] == prop:
                item["value"] = value
    return payload


@pytest.mark.parametrize(
    ("component", "prop", "value"),
    [
        (ids.YEAR, "value", math.inf),
        (ids.YEAR, "value", math.nan),
        (ids.YEAR, "value", 1e308),
        (ids.YEAR, "value", ["2020"]),
        (ids.THEME_TABS, "value", ["access"]),
        (ids.INDICATOR, "value", {"a": 1}),
        (ids.GROUP, "value", 7),
        (ids.TREND_RANGE, "value", [2000, math.inf]),
        (ids.TOLERANCE, "value", -1),
        (ids.LANG, "data", ["fr"]),
    ],
)
def test_a_wrong_value_gets_the_default(client, component, prop, value):
    payload = set_value(payload_for("map.figure"), component, prop, value)
    normal = post(client, payload_for("map.figure"))
    response = post(client, payload)
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    if (component, prop) in {(ids.YEAR, "value"), (ids.THEME_TABS, "value")}:
        assert response.get_json()["response"]["map-status"] is not None
    assert normal.status_code == 200


def test_click_data_that_is_not_an_object_is_ignored(client):
    output = next(k for k in dashboard.app.callback_map if "profile-link.href" in k)
    body = {
        "output": output,
        "outputs": [
            dict(zip(("id", "property"), part.split("."), strict=True))
            for part in output.strip(".").split("...")
        ],
        "inputs": [{"id": "map", "property": "clickData", "value": ["KEN"]}],
        "changedPropIds": ["map.clickData"],
        "state": [],
    }
    assert post(client, body).status_code == 200
    body["inputs"][0]["value"] = {"points": [{"location": "KEN"}]}
    answer = post(client, body).get_json()["response"]
    assert answer["profile-link"]["href"] == "/country/KEN"  # no lang state: English


def test_a_payload_without_the_language_is_answered_in_english(client):
    payload = payload_for("summary-title")
    payload["state"] = []
    response = post(client, payload)
    assert response.status_code == 200
    assert response.get_json()["response"]["summary-title"]["children"].startswith(
        "Regional summary"
    )


def test_deep_nesting_is_refused_without_a_500(client):
    assert post(client, "[" * 1000 + "]" * 1000, raw=True).status_code == 400
    deep = json.dumps(set_value(payload_for("map.figure"), ids.YEAR, "value", "DEEP"))
    deep = deep.replace('"DEEP"', "[" * 1000 + "2020" + "]" * 1000)
    assert post(client, deep, raw=True).status_code == 400


def test_a_huge_list_is_cut_quickly(client):
    payload = payload_for("trend.figure")
    set_value(payload, ids.COUNTRIES, "value", ["KEN"] * 140_000)  # about 1 MB of JSON
    body = json.dumps(payload)
    assert len(body) < inputs.MAX_BODY
    started = time.monotonic()
    response = post(client, body, raw=True)
    assert response.status_code == 200
    assert time.monotonic() - started < 5
    too_many = [*dashboard.load_dataset().countries.index[:40]]
    set_value(payload, ids.COUNTRIES, "value", too_many)
    answer = post(client, payload).get_json()["response"]
    drawn = {t.get("name") for t in answer["trend"]["figure"]["data"]}
    ds = dashboard.load_dataset()
    kept = {ds.country_name(c) for c in too_many[: inputs.MAX_COUNTRIES]}
    dropped = {ds.country_name(c) for c in too_many[inputs.MAX_COUNTRIES :]}
    assert drawn & kept and not drawn & dropped
    assert inputs.countries(too_many) == too_many[: inputs.MAX_COUNTRIES]


def test_a_body_over_the_limit_is_refused_with_413(client):
    response = post(client, b"[" + b"1," * inputs.MAX_BODY + b"1]", raw=True)
    assert response.status_code == 413


# --------------------------------------------------------------------------- fuzzing


def paths(value, prefix=()) -> list[tuple]:
    """Every place in a payload a value sits (keys and list positions), the root included."""
    found = [prefix]
    if isinstance(value, dict):
        for key, item in value.items():
            found += paths(item, (*prefix, key))
    elif isinstance(value, list):
        for index, item in enumerate(value[:20]):
            found += paths(item, (*prefix, index))
    return found


def nested(depth: int, value: object = "KEN"):
    for _ in range(depth):
        value = [value]
    return value


NASTY = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([math.inf, -math.inf, math.nan, 1960, 2025, 1959, 2026, 0, -1, 10**12]),
    st.text(max_size=20),
    st.sampled_from(["", "KEN", "world", "auto", "fr", "x" * 5000, "{}", "..map.figure.."]),
    st.lists(st.one_of(st.integers(), st.text(max_size=4), st.none()), max_size=6),
    st.dictionaries(st.text(max_size=8), st.one_of(st.integers(), st.text(max_size=4)), max_size=3),
    st.sampled_from([nested(30), nested(200), ["KEN"] * 50_000, list(range(20_000))]),
    st.just({"points": "KEN"}),
    st.just({"points": [{"location": ["KEN"]}]}),
).map(copy.deepcopy)  # a fresh copy each time: later mutations must not change the samples


@st.composite
def mutated(draw):
    payload = copy.deepcopy(draw(st.sampled_from(PAYLOADS)))
    for _ in range(draw(st.integers(min_value=1, max_value=3))):
        places = paths(payload)
        values = [p for p in places if p and p[-1] == "value"]
        # Half the mutations hit a control's value (what reaches the callbacks).
        where = draw(st.sampled_from(values if values and draw(st.booleans()) else places))
        action = draw(st.sampled_from(["replace", "replace", "replace", "delete", "wrap"]))
        if not where:
            payload = draw(NASTY) if action == "replace" else payload
            continue
        *parents, last = where
        holder = payload
        try:
            for step in parents:
                holder = holder[step]
            if action == "replace":
                holder[last] = draw(NASTY)
            elif action == "delete":
                del holder[last]
            else:
                holder[last] = nested(draw(st.integers(min_value=1, max_value=60)), holder[last])
        except (KeyError, IndexError, TypeError):
            continue  # an earlier mutation moved this place
    return payload


@settings(
    max_examples=600,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@pytest.mark.slow
@given(payload=mutated())
def test_mutated_payloads_never_get_a_500(client, payload):
    response = post(client, payload)
    assert response.status_code in ANSWERS, (
        f"{response.status_code} for {json.dumps(payload, allow_nan=True)[:1500]}\n"
        + response.get_data(as_text=True)[:500]
    )
