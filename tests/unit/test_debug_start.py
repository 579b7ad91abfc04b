"""``DASH_DEBUG=1 python app.py`` starts Dash's development server in debug mode and serves."""

from __future__ import annotations

import json
import re
import sys
import tempfile
import urllib.error
import urllib.request

import pytest

from tests.gunicorn_process import ROOT, served

pytestmark = pytest.mark.slow

PAYLOADS = json.loads((ROOT / "tests" / "fixtures" / "callback_payloads.json").read_text())


def test_debug_mode_starts_and_answers():
    with (
        tempfile.TemporaryFile(mode="w+b") as log,
        served(ROOT, 120, command=[sys.executable, "app.py"], log=log, DASH_DEBUG="1") as (
            url,
            _pid,
        ),
    ):
        with urllib.request.urlopen(f"{url}/", timeout=30) as page:
            assert page.status == 200
            assert b"dash-renderer" in page.read()
        payload = next(p for p in PAYLOADS if "summary-title" in p["output"])
        request = urllib.request.Request(
            f"{url}/_dash-update-component",
            data=json.dumps(payload).encode(),
            headers={"Content-Type": "application/json"},
        )
        try:
            with urllib.request.urlopen(request, timeout=60) as answer:
                text = answer.read().decode()
        except urllib.error.HTTPError as error:
            text = f"{error.code}: {error.read().decode()[:300]}"
        assert text.startswith('{"multi":true') and "Regional summary" in text, text
        log.seek(0)
        assert b"Debug mode: on" in log.read()


def test_the_readme_runs_app_py_with_the_projects_interpreter():
    readme = (ROOT / "README.md").read_text()
    assert ".venv/bin/python app.py" in readme
    assert "/work/" not in (ROOT / "scripts" / "README.md").read_text()


def test_the_readme_names_every_environment_variable_the_code_reads():
    names = set()
    for path in [*ROOT.glob("*.py"), *ROOT.glob("*/*.py"), *ROOT.glob("scripts/*.sh")]:
        if path.parts[-2] in ("tests", "bench") or ".tmp" in str(path):
            continue
        text = path.read_text()
        names |= set(re.findall(r"os\.environ(?:\.get|\.setdefault)?\(\s*['\"]([A-Z_]+)", text))
        names |= set(re.findall(r"os\.environ\[['\"]([A-Z_]+)", text))
        names |= set(re.findall(r"getenv\(\s*['\"]([A-Z_]+)", text))
        if path.suffix == ".sh":
            names |= set(re.findall(r"\$\{([A-Z_]+)[:}]", text))
    readme = (ROOT / "README.md").read_text()
    missing = sorted(n for n in names if f"`{n}`" not in readme)
    assert len(names) >= 10 and not missing, f"not in the README: {missing}"
