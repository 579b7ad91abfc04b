"""Callback answers kept per worker: the same request, the same answer, worked out once."""

from __future__ import annotations

import json

import pytest

import app as dashboard
from callbacks.cache import AnswerCache
from components import ids


def title_request(year: object, lang: str = "en") -> bytes:
    """What the page sends when its year changes: the summary's title follows."""
    return json.dumps(
        {
            "output": f"{ids.SUMMARY_TITLE}.children",
            "outputs": {"id": ids.SUMMARY_TITLE, "property": "children"},
            "inputs": [
                {"id": ids.YEAR, "property": "value", "value": year},
                {"id": ids.INDICATOR, "property": "value", "value": "internet_users_pct"},
            ],
            "changedPropIds": [f"{ids.YEAR}.value"],
            "state": [{"id": ids.LANG, "property": "data", "value": lang}],
        }
    ).encode()


@pytest.fixture
def client():
    dashboard.app.answer_cache.clear()
    return dashboard.server.test_client()


def post(client, body: bytes):
    return client.post(
        "/_dash-update-component", data=body, headers={"Content-Type": "application/json"}
    )


def test_the_same_request_is_answered_from_memory(client):
    cache = dashboard.app.answer_cache
    first = post(client, title_request(2020))
    assert first.status_code == 200
    assert "Regional summary, 2020" in first.get_data(as_text=True)
    hits = cache.hits
    again = post(client, title_request(2020))
    assert cache.hits == hits + 1
    assert again.get_data() == first.get_data()
    # Another year or another language is another answer, worked out.
    french = post(client, title_request(2020, "fr"))
    assert "Résumé régional, 2020" in json.dumps(french.get_json(), ensure_ascii=False)
    other = post(client, title_request(2021))
    assert "2021" in other.get_data(as_text=True)
    assert cache.hits == hits + 1


def test_failures_are_not_kept(client):
    cache = dashboard.app.answer_cache
    hits = cache.hits
    bad = b'{"output": "nope.children", "outputs": {"id": "nope", "property": "children"}}'
    statuses = {post(client, bad).status_code for _ in range(2)}
    assert statuses and all(s != 200 for s in statuses)
    assert cache.hits == hits and cache.size == 0


def test_memory_stays_bounded():
    cache = AnswerCache(max_bytes=1000)
    for n in range(50):
        cache.put(bytes([n]), b"x" * 300, "application/json")
    assert cache.size <= 1000
    assert cache.get(bytes([49])) is not None and cache.get(bytes([0])) is None


def test_answers_are_kept_per_dataset():
    from flask import Flask

    from callbacks.cache import install

    server = Flask(__name__)
    dataset = {"checksum": b"first"}
    answers = iter(range(100))

    @server.post("/_dash-update-component")
    def answer():
        return {"answer": next(answers)}

    cache = install(server, AnswerCache(), generation=lambda: dataset["checksum"])
    client = server.test_client()
    first = post(client, title_request(2020)).get_json()
    assert post(client, title_request(2020)).get_json() == first
    dataset["checksum"] = b"second"  # a new dataset in service: the same request is worked out
    second = post(client, title_request(2020)).get_json()
    assert second != first
    assert post(client, title_request(2020)).get_json() == second
    assert cache.hits == 2


def test_api_answers_and_the_layout_come_from_memory_with_their_headers():
    """A GET of the data API or of the page's layout is kept whole: the same body and the
    headers the view set (file name, data notice); the layout per address and languages."""
    import app as dashboard

    client = dashboard.app.server.test_client()
    cache = dashboard.app.answer_cache
    url = "/api/v1/observations?indicator=internet_users_pct&countries=KEN&format=csv"
    first = client.get(url)
    hits = cache.hits
    again = client.get(url)
    assert cache.hits == hits + 1
    assert again.get_data() == first.get_data()
    for header in ("Content-Disposition", "X-Data-Notice", "Cache-Control", "Content-Type"):
        assert again.headers.get(header) == first.headers.get(header), header
    french = {"Referer": "http://localhost/fr/?theme=gender"}
    layout = client.get("/_dash-layout", headers=french).get_data()
    hits = cache.hits
    assert client.get("/_dash-layout", headers=french).get_data() == layout
    assert cache.hits == hits + 1
    english = client.get("/_dash-layout", headers={"Referer": "http://localhost/?theme=gender"})
    assert english.get_data() != layout
