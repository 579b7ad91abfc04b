"""The dashboard's own plotly.js (scripts/build_plotly_bundle.py) draws every chart it makes.

A trace type missing from the bundle draws blank axes with no error, so these tests build every
figure the app can make, on the real data through its callbacks and from the figure builders'
sample frames, and check that the bundle registers each trace type they use.
"""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

import dash
import plotly.graph_objects as go
import plotly.offline
import pytest
from plotly.basedatatypes import BaseTraceType

import app as dashboard
from callbacks import charts
from components import figures
from components.themes import THEMES
from data import views
from data.load import load_dataset
from tests.unit import test_figures as samples

ROOT = Path(__file__).resolve().parents[2]
VENDOR = ROOT / "assets" / "vendor"
BUNDLE = VENDOR / "plotly-dashboard.min.js"
MANIFEST = VENDOR / "plotly-dashboard.json"
SOURCES = ("components", "callbacks", "api", "data")


@pytest.fixture(scope="module")
def manifest() -> dict:
    return json.loads(MANIFEST.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def registered() -> set[str]:
    """Trace types the bundle itself registers (each trace module declares its name)."""
    text = BUNDLE.read_text(encoding="utf-8")
    return set(re.findall(r'moduleType:"trace",name:"(\w+)"', text))


BUILDERS = {
    "map": "map_figure",
    "region": "region_map_figure",
    "trend": "trend_figure",
    "divide": "divide_figure",
    "coverage": "coverage_bars_figure",
    "price": "price_spread_figure",
    "dumbbell": "dumbbell_figure",
    "gender_people": "gender_people_figure",
}
"""The figure tests' names for the builders they call."""


def trace_types(figure: go.Figure) -> set[str]:
    return {trace.type for trace in figure.data}


def app_figures() -> list[go.Figure]:
    """Every figure the app's callbacks draw: maps and trends of every indicator, and the views
    and summary charts of every theme."""
    made = []
    for theme in THEMES.values():
        for indicator in theme.indicators:
            made.append(
                charts.update_map(theme.id, indicator, "gni_pct", 2022, theme.tolerance, "ldc")[0]
            )
            trend, _note = charts.update_trend(
                theme.id, indicator, "gni_pct", "itu-africa", ["KEN"], [2010, 2023], 2
            )
            made.append(trend)
        made.extend(
            charts.update_theme_view(
                theme.id, theme.default, "gni_pct", "itu", "itu-africa", 2021, theme.tolerance
            )[::2][:2]
        )
        made.append(charts.update_summary(theme.id, theme.default, "itu", 2021, 2)[1])
        made.append(charts.update_divide(theme.id, theme.default, "income-high", "ldc", None, 2))
    return made


def builder_figures() -> dict[str, go.Figure]:
    """Every figure builder, on the sample frames of the figure tests."""
    made = {BUILDERS[name]: build(None) for name, build in samples._calls().items()}
    ds = load_dataset()
    made["rural_divide_figure"] = figures.rural_divide_figure(
        views.rural_divide_frame(ds, ["world", "ldc"], 2023, views.RURAL_MEASURES["coverage"]),
        title="Rural divide",
    )
    made["empty_figure"] = figures.empty_figure("No data")
    return made


def test_manifest_describes_the_committed_bundle(manifest):
    data = BUNDLE.read_bytes()
    assert manifest["sha256"] == hashlib.sha256(data).hexdigest(), (
        "assets/vendor/plotly-dashboard.min.js differs from its manifest: rebuild it with "
        "scripts/build_plotly_bundle.py"
    )
    assert manifest["bytes"] == len(data)
    assert manifest["plotly.js"] == plotly.offline.get_plotlyjs_version(), (
        "the bundle was built from another plotly.js than the installed plotly ships: rebuild"
    )
    assert re.fullmatch(r"\d+\.\d+\.\d+", manifest["esbuild"])  # a pinned version


def test_bundle_registers_what_its_manifest_says(manifest, registered):
    assert registered == set(manifest["traces"])
    # A custom bundle: far smaller than plotly's full one, which registers ~50 trace types.
    assert len(registered) < 10


def test_every_builder_is_checked():
    exported = {name for name in figures.__all__ if name.endswith("_figure")}
    assert exported == set(builder_figures()), "a new figure builder: add it to builder_figures"


def test_every_figure_builder_draws_only_bundled_traces(registered):
    used = set().union(*(trace_types(f) for f in builder_figures().values()))
    assert used, "the builders drew nothing"
    assert used <= registered, f"missing from the plotly.js bundle: {sorted(used - registered)}"


@pytest.mark.slow
def test_every_figure_the_app_draws_uses_only_bundled_traces(registered):
    used = set().union(*(trace_types(f) for f in app_figures()))
    assert {"choropleth", "scatter", "bar"} <= used
    assert used <= registered, f"missing from the plotly.js bundle: {sorted(used - registered)}"


def test_no_source_names_a_trace_type_missing_from_the_bundle(registered):
    """Traces made in code paths no figure above reaches: ``go.<Trace>(`` and ``type="…"``."""
    trace_classes = {
        name: cls().type
        for name, cls in ((n, getattr(go, n)) for n in dir(go) if n[:1].isupper())
        if isinstance(cls, type) and issubclass(cls, BaseTraceType) and cls is not BaseTraceType
    }
    all_types = set(trace_classes.values())
    named = set()
    for folder in SOURCES:
        for path in sorted((ROOT / folder).rglob("*.py")):
            text = path.read_text(encoding="utf-8")
            for cls in re.findall(r"\bgo\.([A-Z]\w*)\(", text):
                if cls in trace_classes:
                    named.add((path.name, trace_classes[cls]))
            for kind in re.findall(r"""\btype["']?\s*[=:]\s*["'](\w+)["']""", text):
                if kind in all_types:
                    named.add((path.name, kind))
    assert named, "the scan found no trace at all"
    missing = sorted(item for item in named if item[1] not in registered)
    assert not missing, f"trace types named in the code but not in the bundle: {missing}"


def test_the_page_loads_the_bundle_and_never_the_full_plotly():
    page = dashboard.server.test_client().get("/").get_data(as_text=True)
    assert "/assets/vendor/plotly-dashboard.min.js" in page
    assert "plotly.min.js" not in page
    # Before the renderer, so dcc.Graph finds window.Plotly and loads nothing else.
    assert page.index("plotly-dashboard.min.js") < page.index("dash_renderer")


def test_the_page_keeps_only_regenerator_runtime_of_dashs_polyfill(manifest):
    """Dash's @babel/polyfill is left out; the regenerator-runtime its bundles call
    (``regeneratorRuntime.mark``) is served in its place, before them."""
    runtime = BUNDLE.parent / manifest["runtime"]["file"]
    data = runtime.read_bytes()
    assert manifest["runtime"]["sha256"] == hashlib.sha256(data).hexdigest()
    assert b"regeneratorRuntime=runtime" in data
    page = dashboard.server.test_client().get("/").get_data(as_text=True)
    assert "polyfill" not in page
    assert page.index("regenerator-runtime.min.js") < page.index("dash_renderer")
    suites = Path(dash.__file__).parent
    for bundle in ("dash-renderer/build/dash_renderer.min.js", "dcc/dash_core_components.js"):
        # Still the one global they need from the polyfill (an upgrade may change that).
        assert "regeneratorRuntime" in (suites / bundle).read_text(encoding="utf-8")
