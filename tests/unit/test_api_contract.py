"""The data API's contract: its OpenAPI document, its documentation page, and the error objects
its parameter models give (against the app itself and the real built dataset)."""

from __future__ import annotations

import json
from html.parser import HTMLParser

import jsonschema
import pytest
from openapi_spec_validator import OpenAPIV31SpecValidator

import app as dashboard
from api.contract import PARAMS
from components.urlstate import PARAMETERS as VIEW_PARAMETERS
from data.catalog import ITU_NOTICE
from data.load import load_dataset

API = "/api/v1"


@pytest.fixture(scope="module")
def client():
    return dashboard.server.test_client()


@pytest.fixture(scope="module")
def ds():
    return load_dataset()


@pytest.fixture(scope="module")
def doc(client):
    response = client.get(f"{API}/openapi.json")
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    return response.get_json()


@pytest.fixture(scope="module")
def years(ds):
    return {"min": int(ds.obs["year"].min()), "max": int(ds.obs["year"].max())}


def test_the_document_is_valid_openapi_3_1(doc):
    assert doc["openapi"].startswith("3.1")
    OpenAPIV31SpecValidator(doc).validate()


def test_every_api_route_of_the_app_is_documented(doc):
    prefix = doc["servers"][0]["url"]
    documented = {prefix + path for path in doc["paths"]}
    routes = {
        rule.rule
        for rule in dashboard.server.url_map.iter_rules()
        if rule.rule.startswith(API) and rule.endpoint != "api.unknown"  # the 404/405 answer
    }
    assert routes, "no API routes registered"
    assert routes == documented
    for path, item in doc["paths"].items():
        assert list(item) == ["get"], path


def test_the_documented_parameters_are_the_ones_checked(doc):
    by_path = {p: item["get"] for p, item in doc["paths"].items()}
    for path, op in by_path.items():
        names = [p["name"] for p in op["parameters"]]
        assert names == [p.name for p in PARAMS[op["operationId"]]], path
    view = [p["name"] for p in by_path["/view"]["parameters"]]
    assert view == [*VIEW_PARAMETERS, "format", "lang"]


def test_finite_valid_values_are_enums_from_the_data(doc, ds, years):
    params = {p["name"]: p for p in doc["paths"]["/observations"]["get"]["parameters"]}
    assert params["indicator"]["schema"]["enum"] == list(ds.catalog.index)
    assert params["indicator"]["required"] is True
    assert params["group"]["schema"]["enum"] == list(ds.groups)
    assert params["countries"]["schema"]["items"]["enum"] == list(ds.countries.index)
    assert params["countries"]["explode"] is False
    year = params["year"]["schema"]
    assert (year["type"], year["minimum"], year["maximum"]) == ("integer", *years.values())
    aggregates = {p["name"]: p for p in doc["paths"]["/aggregates"]["get"]["parameters"]}
    assert aggregates["method"]["schema"]["enum"] == ["estimated", "reported", "official"]
    assert aggregates["year"]["required"] is True
    assert aggregates["lang"]["schema"]["enum"] == ["en", "fr", "es", "ru", "zh", "ar"]


def test_each_data_operation_documents_json_csv_and_the_error(doc):
    for path in ("/indicators", "/groups", "/observations", "/aggregates", "/view"):
        responses = doc["paths"][path]["get"]["responses"]
        assert set(responses["200"]["content"]) == {"application/json", "text/csv"}, path
        error = responses["400"]["content"]["application/json"]["schema"]
        assert error == {"$ref": "#/components/schemas/ErrorResponse"}


def test_the_example_answers_match_their_schemas(doc):
    components = doc["components"]
    checked = 0
    for item in doc["paths"].values():
        content = item["get"]["responses"]["200"]["content"].get("application/json", {})
        if "example" not in content:
            continue
        schema = {**content["schema"], "components": components}
        jsonschema.validate(content["example"], schema, cls=jsonschema.Draft202012Validator)
        checked += 1
    assert checked == 7


# --------------------------------------------------------------------------- the page


class Page(HTMLParser):
    """The tags and attributes of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def test_the_docs_page_works_offline_under_a_strict_policy(client, doc):
    response = client.get(f"{API}/docs")
    assert response.status_code == 200
    assert response.mimetype == "text/html"
    text = response.get_data(as_text=True)
    page = Page()
    page.feed(text)
    tags = [t for t, _a in page.tags]
    assert "script" not in tags and "style" not in tags and "iframe" not in tags
    for tag, attrs in page.tags:
        assert "style" not in attrs, tag
        assert not any(a.startswith("on") for a in attrs), tag
        for name in ("href", "src", "action", "srcset"):
            if name in attrs:
                assert attrs[name].startswith(("/", "#")), attrs[name]
                assert not attrs[name].startswith("//"), attrs[name]
    assert "http://" not in text and "https://" not in text
    sheets = [a["href"] for t, a in page.tags if t == "link" and a.get("rel") == "stylesheet"]
    assert sheets == [f"{API}/docs.css"]
    assert client.get(sheets[0]).mimetype == "text/css"


def test_the_docs_page_lists_every_endpoint_with_an_example_and_the_itu_notice(client, doc):
    text = client.get(f"{API}/docs").get_data(as_text=True)
    for path, item in doc["paths"].items():
        assert f"GET {API}{path}</code></h2>" in text, path
        for param in item["get"]["parameters"]:
            assert f"<code>{param['name']}</code></th>" in text, (path, param["name"])
    query = doc["paths"]["/observations"]["get"]["x-example-query"]
    assert f'href="{API}/observations?{query}"'.replace("&", "&amp;") in text
    assert "&quot;value_status&quot;" in text  # an example answer, rows included
    assert ITU_NOTICE in text
    assert "CC BY-NC-SA 3.0 IGO" in text


# --------------------------------------------------------------------------- errors


def error_of(client, query: str, status: int = 400) -> dict:
    response = client.get(API + query)
    assert response.status_code == status, response.get_data(as_text=True)[:300]
    assert response.mimetype == "application/json"
    assert response.headers["Cache-Control"] == "no-store"
    body = response.get_json()
    assert list(body) == ["error"]
    return body["error"]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        (
            "/observations?indicator=nope",
            {"parameter": "indicator", "message": "unknown indicator 'nope'", "see": "indicators"},
        ),
        (
            "/observations",
            {"parameter": "indicator", "message": "indicator is required", "see": "indicators"},
        ),
        (
            "/observations?indicator=internet_users_pct&colour=red",
            {
                "parameter": "colour",
                "message": "unknown parameter 'colour'",
                "valid": [
                    "indicator",
                    "group",
                    "countries",
                    "start",
                    "end",
                    "year",
                    "tolerance",
                    "format",
                    "lang",
                ],
            },
        ),
        (
            "/observations?indicator=internet_users_pct&countries=KEN,xxx",
            {
                "parameter": "countries",
                "message": "unknown ISO 3166-1 alpha-3 code(s): 'XXX'; the group 'world' "
                "lists every code",
                "see": "groups",
            },
        ),
        (
            "/observations?indicator=internet_users_pct&countries=,,,",
            {
                "parameter": "countries",
                "message": "no ISO 3166-1 alpha-3 codes given",
                "see": "groups",
            },
        ),
        (
            "/observations?indicator=internet_users_pct&year=2020.0",
            {"parameter": "year", "message": "year must be a whole number, not '2020.0'"},
        ),
        (
            "/observations?indicator=internet_users_pct&year=1959",
            {"parameter": "year", "message": "year must be between {min} and {max}, not 1959"},
        ),
        (
            "/observations?indicator=internet_users_pct&tolerance=11",
            {
                "parameter": "tolerance",
                "message": "tolerance must be between 0 and 10, not 11",
                "valid": {"min": 0, "max": 10},
            },
        ),
        (
            "/groups?format=json&format=csv",
            {"parameter": "format", "message": "format is given 2 times; give it once", "see": ""},
        ),
        (
            "/indicators?format=pdf",
            {"parameter": "format", "message": "unknown format 'pdf'", "valid": ["json", "csv"]},
        ),
        (
            "/aggregates?indicator=internet_users_pct",
            {"parameter": "year", "message": "year is required"},
        ),
        (
            "/aggregates?indicator=internet_users_pct&year=2020&threshold=nan",
            {
                "parameter": "threshold",
                "message": "threshold must be a number, not 'nan'",
                "valid": {"min": 0, "max": 1},
            },
        ),
        (
            "/aggregates?indicator=internet_users_pct&year=2020&groups=world,nope",
            {"parameter": "groups", "message": "unknown group 'nope'"},
        ),
        (
            "/aggregates?indicator=internet_users_pct&year=2020&method=mean",
            {
                "parameter": "method",
                "message": "unknown method 'mean'",
                "valid": ["estimated", "reported", "official"],
            },
        ),
        (
            "/observations?indicator=internet_users_pct&start=2020&end=2010",
            {"parameter": "start", "message": "start (2020) is after end (2010)", "see": ""},
        ),
    ],
)
def test_errors_keep_their_shape_and_words(client, ds, years, query, expected):
    expected = dict(expected)
    if "see" in expected:
        expected["see"] = f"{API}/{expected['see']}"
    if expected["parameter"] in ("year", "start", "end") and expected.keys() == {
        "parameter",
        "message",
    }:
        expected["valid"] = years
    if expected["parameter"] == "groups":
        expected["valid"] = list(ds.groups)
    expected["message"] = expected["message"].format(**years)
    assert error_of(client, query) == expected


def test_unknown_addresses_and_methods_keep_their_shape(client):
    error = error_of(client, "/nothing", status=404)
    assert error["parameter"] is None and error["message"] == "no such endpoint: 'nothing'"
    assert f"{API}/observations" in error["valid"]
    response = client.post(f"{API}/openapi.json")
    assert response.status_code == 405
    assert response.get_json()["error"]["valid"] == ["GET"]


SCRIPT = "<script>alert(1)</script>"


@pytest.mark.parametrize(
    "query",
    [
        {"indicator": SCRIPT},
        {"indicator": "internet_users_pct", "countries": SCRIPT},
        {"indicator": "internet_users_pct", SCRIPT: "1"},
        {"indicator": "internet_users_pct", "year": SCRIPT},
        {"indicator": "internet_users_pct", "format": SCRIPT},
    ],
)
def test_echoed_input_is_escaped_inside_json(client, query):
    response = client.get(f"{API}/observations", query_string=query)
    assert response.status_code == 400
    assert response.mimetype == "application/json"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    body = response.get_data()
    assert b"<" not in body and b">" not in body
    # The client still reads what it sent (codes in upper case).
    assert SCRIPT in json.loads(body)["error"]["message"].lower()


@pytest.mark.parametrize(
    "path",
    [f"/{SCRIPT}", f"/docs?{SCRIPT}=1", f"/openapi.json?x={SCRIPT}", f"/view?theme={SCRIPT}"],
)
def test_no_answer_serves_echoed_markup_as_html(client, path):
    response = client.get(API + path)
    assert response.status_code in (400, 404)
    assert response.mimetype == "application/json"
    assert b"<script" not in response.get_data()
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_every_answer_says_nosniff(client):
    for path in ("/", "/indicators?format=csv", "/docs", "/docs.css", "/openapi.json"):
        response = client.get(API + path)
        assert response.status_code == 200, path
        assert response.headers["X-Content-Type-Options"] == "nosniff", path
