"""Every response's headers, and what answers 404 (edges.py, app.py)."""

from __future__ import annotations

import pytest

import app as dashboard
from edges import content_security_policy, frame_ancestors


@pytest.fixture(scope="module")
def client():
    return dashboard.server.test_client()


@pytest.mark.parametrize(
    "path", ["/", "/fr/", "/api/v1/indicators", "/assets/style.css", "/healthzzz", "/country/KEN"]
)
def test_every_response_carries_the_security_headers(client, path):
    with client.get(path) as response:
        response.get_data()
    csp = response.headers["Content-Security-Policy"]
    directives = dict(d.strip().split(" ", 1) for d in csp.split(";"))
    assert directives["default-src"] == "'self'"
    assert "'unsafe-eval'" not in csp and "'unsafe-inline'" not in directives["script-src"]
    assert all(h in directives["script-src"] for h in dashboard.app.csp_hashes())
    assert directives["frame-ancestors"] == "'self'"
    assert directives["object-src"] == "'none'"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"


def test_frame_ancestors_come_from_the_environment(monkeypatch):
    monkeypatch.setenv("FRAME_ANCESTORS", "'self'  https://partner.example")
    assert frame_ancestors() == "'self' https://partner.example"
    assert "frame-ancestors 'self' https://partner.example" in content_security_policy([])
    monkeypatch.setenv("FRAME_ANCESTORS", "'none'; script-src *")  # no second directive
    assert frame_ancestors() == "'self'"
    monkeypatch.delenv("FRAME_ANCESTORS")
    assert frame_ancestors() == "'self'"


def test_the_favicon_is_kept_by_browsers(client):
    response = client.get("/_favicon.ico?v=4.4.1")
    assert response.status_code == 200
    assert response.cache_control.max_age >= 86400 and response.cache_control.public


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/api/v2/x"),
        ("GET", "/api/v1/nope"),
        ("GET", "/healthzzz"),
        ("GET", "/presentation"),
        ("GET", "/fr/unknown"),
        ("GET", "/_dash-update-component"),
        ("GET", "/_dash-layoutx"),
        ("GET", "/_dash-component-suites/dash/nothing.js"),
        ("GET", "/_dash-component-suites/os/path.py"),
        ("GET", "/_dash-component-suites/dash/../../app.py"),
        ("GET", "/assets/nothing.js"),
        ("POST", "/"),
        ("PUT", "/_dash-update-component"),
    ],
)
def test_unknown_addresses_answer_404_or_405(client, method, path):
    with client.open(path, method=method) as response:
        assert response.status_code in (404, 405), (path, response.status_code)
        assert b"dash-renderer" not in response.get_data()


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/fr/",
        "/ar/",
        "/country/KEN",
        "/fr/country/KEN",
        "/present?story=" + "x",
        "/api/v1/indicators",
        "/healthz",
        "/_dash-layout",
        "/_dash-dependencies",
        "/assets/style.css",
    ],
)
def test_the_real_addresses_answer(client, path):
    with client.get(path) as response:
        assert response.status_code == (400 if path.startswith("/present") else 200), path


def test_a_component_suite_file_dash_serves_answers(client):
    page = client.get("/").get_data(as_text=True)
    script = next(
        part.split('"')[0]
        for part in page.split('src="')[1:]
        if part.startswith("/_dash-component-suites/")
    )
    assert client.get(script).status_code == 200
