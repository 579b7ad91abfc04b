"""Charts and decks to take away: PNG, SVG and PowerPoint, rendered on the server.

``export_bp`` is mounted by the app at ``/export``:

* ``GET /export/chart.png`` and ``GET /export/chart.svg``: one chart of a view. The query string
  is the page's own (``theme``, ``indicator``, ``unit``, ``kind``, ``group``, ``countries``,
  ``year``, ``tolerance``, ``method``, ``start``, ``end``, ``a``, ``b``) plus ``chart``
  (map, trend, view or summary; default map), ``width`` (320–3840, default 1920), ``height``
  (240–2160, default 1080) and ``lang`` (en, fr, es, ru, zh, ar; default en).
* ``GET /export/deck.pptx?story=<id>`` or ``?deck=<encoded deck>`` (exactly one, plus an optional
  ``lang`` for slides that name none): a 16:9 PowerPoint deck, one slide per view, with the
  chart as a picture and the numbers it shows in the speaker notes.

A deck is URL-safe base64 (no padding) of the JSON ``{"title": str, "slides": [{"view":
"theme=access&group=ldc", "chart": "trend", "title": str, "note": str, "lang": str}]}``
(``title``, ``note`` and ``lang`` of a slide are optional); see ``encode_deck``/``decode_deck``.

The figures are the page's: built by the callbacks in ``callbacks.charts`` from the same control
values the page would start with (``components.layout.initial_values``), in the chosen
language. For an image, the map's "hover a country" hint is dropped, and the chart is laid out at
``width / scale`` CSS pixels and drawn at ``scale`` (``width / 1000``, clipped to 1–2.5): fonts,
lines and margins grow together, so a 1920×1080 slide reads from the back of the room and the
layout is the one the page shows. The credit line (sources, licences) is part of every figure.

Rendering uses kaleido 1.x with Debian's Chromium (``BROWSER_PATH``), one browser per process,
started on the first render and reused; one render at a time, each bounded by
``RENDER_TIMEOUT`` seconds; at most ``MAX_WAITING`` requests wait for it, more get HTTP 503.
Nothing leaves the machine: plotly.js comes from the plotly package, MathJax is off, map
geometry is read from ``assets/topojson/`` through a ``file://`` URL, and the browser sends any
http(s) request to a dead loopback proxy. Call ``stop_renderer()`` at shutdown (it is also
registered with ``atexit``).

Bad parameters are answered with HTTP 400 and ``{"error": {"parameter", "message", "valid"}}``,
as the data API does.
"""

from __future__ import annotations

import asyncio
import atexit
import base64
import binascii
import functools
import io
import json
import logging
import os
import re
import statistics
import struct
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qs

import plotly.graph_objects as go
import plotly.io as pio
from flask import Blueprint, Response, current_app, request
from werkzeug.exceptions import HTTPException

from api.routes import ApiError, cacheable
from api.stories import STORIES, story_deck
from callbacks import charts
from callbacks.controls import (
    clean_group,
    clean_method,
    clean_range,
    clean_tolerance,
    clean_year,
    current_indicator,
)
from components import ids
from components.figures.common import fit_lines
from components.figures.fmt import format_value
from components.layout import initial_values
from components.themes import GROUP_KINDS, THEMES, UNITS, indicators_of, resolve_indicator
from components.urlstate import FIRST_YEAR, LAST_YEAR, MAX_TOLERANCE, PARAMETERS, parse_view
from data import export as data_export
from data import i18n, views
from data import query as q
from data.catalog import ITU_NOTICE
from data.i18n import _
from data.load import Dataset, load_dataset

log = logging.getLogger(__name__)

PROJECT = Path(__file__).resolve().parent.parent
TOPOJSON_URL = (PROJECT / "assets" / "topojson").as_uri() + "/"
"""Where plotly.js reads the world geometry (``world_50m.json`` …): our assets, never a CDN."""
CHROMIUM = "/usr/bin/chromium"
NO_NETWORK_PROXY = "http://127.0.0.1:9"
"""Every http(s) request of the rendering browser goes to this dead loopback port and fails:
a figure that needed the network would fail to render instead of fetching from a CDN."""

OFFLINE_FLAGS = (
    "--disable-background-networking",
    "--disable-domain-reliability",
    "--disable-client-side-phishing-detection",
    "--disable-default-apps",
    "--no-pings",
    "--dns-prefetch-disable",
)
"""Chromium calls home on its own (network time, component updates, accounts, the default search
engine's preconnect). These switches turn some of it off; Chromium 156 still tries the rest,
which the dead proxy (``NO_NETWORK_PROXY``) stops on the machine."""

os.environ.setdefault("BROWSER_PATH", CHROMIUM)  # choreographer reads it; never download one
pio.defaults.topojson = TOPOJSON_URL

CHARTS = ("map", "trend", "view", "summary")
FORMATS = {"png": "image/png", "svg": "image/svg+xml"}
PPTX_MIMETYPE = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
WIDTH = {"min": 320, "max": 3840, "default": 1920}
HEIGHT = {"min": 240, "max": 2160, "default": 1080}
BASE_WIDTH = 1000
"""The layout width (CSS pixels) at which charts are drawn at scale 1, about the page's."""
SCALE_RANGE = (1.0, 2.5)
CHART_PARAMETERS = ("chart", "width", "height", "lang")
DECK_PARAMETERS = ("story", "deck", "lang")
ERROR_CACHE_CONTROL = "no-store"

RENDER_TIMEOUT = 60.0
"""Seconds one render may take (and one request may wait for the browser) before HTTP 503."""
MAX_WAITING = 4
"""Requests that may wait for the browser; one more is told to come back (HTTP 503)."""
STARTUP_TIMEOUT = 60.0

DECK_MAX_SLIDES = 20
DECK_MAX_BYTES = 8 * 1024
DECK_TITLE_MAX = 200
DECK_NOTE_MAX = 2000
DECK_KEYS = {"title", "slides", "id"}
SLIDE_KEYS = {"view", "chart", "title", "note", "lang"}

SLIDE_WIDTH_IN, SLIDE_HEIGHT_IN = 13.333, 7.5
TITLE_BAND_IN = 0.9
"""The slide's title band; the chart fills the slide's width below it."""
DECK_IMAGE = (1920, round(1920 * (SLIDE_HEIGHT_IN - TITLE_BAND_IN) / SLIDE_WIDTH_IN))
"""A deck's chart: 1920 pixels wide (what a 1920×1080 screen shows at full width), as tall as
the space under the title (950 pixels), so it spans the slide without being squeezed."""
MAX_LISTED = 12
"""Categories a speaker note lists from one series before "and N more"."""

HOVER_HINT = "Hover a country for its value, data year and source."
"""The map subtitle's instruction (components/figures/maps.py), meaningless on paper."""

export_bp = Blueprint("export", __name__)


# --------------------------------------------------------------------------- errors


class RenderBusy(RuntimeError):
    """Too many renders are waiting; the client should try again later."""


class RenderFailed(RuntimeError):
    """The browser did not render the figure (timed out, missing or crashed)."""


class DeckError(ValueError):
    """A deck that cannot be decoded or is not well formed."""


def _show(raw: object, limit: int = 40) -> str:
    text = str(raw)
    return repr(text if len(text) <= limit else text[:limit] + "…")


def _json_response(payload: dict, status: int) -> Response:
    body = json.dumps(payload, ensure_ascii=False, separators=(",", ":"))
    response = Response(body, status=status, mimetype="application/json")
    response.headers["Cache-Control"] = ERROR_CACHE_CONTROL
    return response


@export_bp.errorhandler(ApiError)
def _api_error(error: ApiError) -> Response:
    return _json_response(error.body(), error.status)


@export_bp.errorhandler(q.QueryError)
def _query_error(error: q.QueryError) -> Response:
    return _json_response({"error": {"parameter": None, "message": str(error)}}, 400)


@export_bp.errorhandler(RenderBusy)
def _busy(error: RenderBusy) -> Response:
    response = _json_response({"error": {"parameter": None, "message": str(error)}}, 503)
    response.headers["Retry-After"] = "10"
    return response


@export_bp.errorhandler(RenderFailed)
def _failed(error: RenderFailed) -> Response:
    response = _json_response({"error": {"parameter": None, "message": str(error)}}, 503)
    response.headers["Retry-After"] = "30"
    return response


@export_bp.errorhandler(HTTPException)
def _http_error(error: HTTPException) -> Response:
    body = {"error": {"parameter": None, "message": error.description or error.name}}
    return _json_response(body, error.code or 500)


@export_bp.errorhandler(Exception)
def _unexpected(error: Exception) -> Response:
    current_app.logger.exception("export failed: %s", request.full_path)
    return _json_response({"error": {"parameter": None, "message": "internal error"}}, 500)


# --------------------------------------------------------------------------- the browser


class Renderer:
    """One headless Chromium (through kaleido) per process, rendering one figure at a time.

    The browser starts on the first render and lives in its own thread with its own event loop;
    ``stop()`` closes it (the next render starts a new one). A render that times out or fails
    closes the browser too, so a stuck page never blocks the ones after it.
    """

    def __init__(
        self,
        *,
        timeout: float = RENDER_TIMEOUT,
        max_waiting: int = MAX_WAITING,
        proxy: str = NO_NETWORK_PROXY,
    ):
        self.timeout = timeout
        self.max_waiting = max_waiting
        self.proxy = proxy
        self._forget()

    def _forget(self) -> None:
        """Fresh state (also in a forked child: the parent's browser is not ours)."""
        self._render_lock = threading.Lock()
        self._guard = threading.Lock()
        self._waiting = 0
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._kaleido = None
        self.renders = 0
        self.starts = 0

    @property
    def running(self) -> bool:
        return self._kaleido is not None

    def _start(self) -> None:
        import kaleido  # after BROWSER_PATH is set; the app need not pay for it until used
        from choreographer.browsers.chromium import Chromium

        class OfflineChromium(Chromium):
            def get_cli(self):
                return [*super().get_cli(), *OFFLINE_FLAGS]

        loop = asyncio.new_event_loop()
        thread = threading.Thread(target=loop.run_forever, name="export-browser", daemon=True)
        thread.start()

        async def open_browser():
            browser = kaleido.Kaleido(
                n=1,
                timeout=self.timeout,
                mathjax=False,
                proxy_server=self.proxy,
                browser_cls=OfflineChromium,
            )
            await browser.open()
            return browser

        future = asyncio.run_coroutine_threadsafe(open_browser(), loop)
        try:
            self._kaleido = future.result(timeout=STARTUP_TIMEOUT)
        except Exception as error:
            future.cancel()
            loop.call_soon_threadsafe(loop.stop)
            thread.join(timeout=5)
            loop.close()
            raise RenderFailed(f"the chart renderer could not start: {error}") from error
        self._loop, self._thread = loop, thread
        self.starts += 1

    def _stop(self) -> None:
        browser, loop, thread = self._kaleido, self._loop, self._thread
        self._kaleido = self._loop = self._thread = None
        if loop is None:
            return
        if browser is not None:
            try:
                asyncio.run_coroutine_threadsafe(browser.close(), loop).result(timeout=15)
            except Exception:  # a browser that is already gone cannot be closed twice
                log.warning("closing the chart renderer failed", exc_info=True)
        loop.call_soon_threadsafe(loop.stop)
        if thread is not None:
            thread.join(timeout=5)
        if not loop.is_running():
            loop.close()

    def stop(self) -> None:
        """Close the browser (waits for a render in progress, at most ``timeout`` seconds)."""
        acquired = self._render_lock.acquire(timeout=self.timeout)
        try:
            self._stop()
        finally:
            if acquired:
                self._render_lock.release()

    def render(self, figure: dict, opts: dict) -> bytes:
        """The image of ``figure`` (a figure dict) with kaleido's ``opts``."""
        with self._guard:
            if self._waiting >= self.max_waiting:
                raise RenderBusy("the chart renderer is busy, try again in a few seconds")
            self._waiting += 1
        try:
            acquired = self._render_lock.acquire(timeout=self.timeout)
        finally:
            with self._guard:
                self._waiting -= 1
        if not acquired:
            raise RenderBusy("the chart renderer is busy, try again in a few seconds")
        try:
            if self._kaleido is None:
                self._start()
            work = self._kaleido.calc_fig(figure, opts=opts, topojson=TOPOJSON_URL)
            future = asyncio.run_coroutine_threadsafe(work, self._loop)
            try:
                image = future.result(timeout=self.timeout)
            except TimeoutError as error:
                future.cancel()
                self._stop()
                raise RenderFailed(
                    f"the chart took longer than {self.timeout:g} s to render"
                ) from error
            except Exception as error:
                self._stop()
                raise RenderFailed(f"the chart could not be rendered: {error}") from error
            self.renders += 1
            return image
        finally:
            self._render_lock.release()


RENDERER = Renderer()


def stop_renderer() -> None:
    """Close the rendering browser of this process (safe to call when none is running)."""
    RENDERER.stop()


atexit.register(stop_renderer)
if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=RENDERER._forget)


# --------------------------------------------------------------------------- parameters


def _args_of(query: Mapping[str, Sequence[str]], allowed: Sequence[str]) -> dict:
    """``query`` (name → values) checked: known names only, each given once."""
    for name in query:
        if name not in allowed:
            raise ApiError(name, f"unknown parameter {_show(name)}", valid=list(allowed))
    for name, values in query.items():
        if len(values) > 1:
            raise ApiError(name, f"{name} is given {len(values)} times; give it once")
    return {name: values[0] for name, values in query.items()}


def _integer(raw: str | None, name: str, limits: dict) -> int:
    if raw is None or not raw.strip():
        return limits["default"]
    valid = {"min": limits["min"], "max": limits["max"]}
    if not re.fullmatch(r"[0-9]{1,6}", raw.strip()):
        raise ApiError(name, f"{name} must be a whole number, not {_show(raw)}", valid=valid)
    number = int(raw)
    if not limits["min"] <= number <= limits["max"]:
        raise ApiError(
            name,
            f"{name} must be between {limits['min']} and {limits['max']}, not {number}",
            valid=valid,
        )
    return number


def _choice(raw: str | None, name: str, valid: Sequence[str], default: str) -> str:
    if raw is None or not raw.strip():
        return default
    if raw.strip() not in valid:
        raise ApiError(name, f"unknown {name} {_show(raw)}", valid=list(valid))
    return raw.strip()


def _valid_for(name: str, ds: Dataset, theme: str) -> object:
    if name == "theme":
        return list(THEMES)
    if name == "indicator":
        return list(indicators_of(THEMES.get(theme, THEMES["access"]), ds.catalog))
    if name == "unit":
        return list(UNITS)
    if name == "kind":
        return list(GROUP_KINDS)
    if name == "method":
        return ["estimated", "reported"]
    if name in ("group", "a", "b"):
        return list(ds.groups)
    if name in ("year", "start", "end"):
        return {"min": FIRST_YEAR, "max": LAST_YEAR}
    if name == "tolerance":
        return {"min": 0, "max": MAX_TOLERANCE}
    if name == "countries":
        return "ISO 3166-1 alpha-3 codes, see /api/v1/groups"
    return None


def check_view(values: Mapping[str, str], ds: Dataset) -> dict:
    """The page's view from query values (name → one value), or ApiError naming the parameter
    the page's parser could not use. Messages are in English, as the API's are."""
    previous = i18n.current_language()
    i18n.use_language(None)
    try:
        view, problems = parse_view(dict(values), ds)
        if not problems:
            return view
        theme = values.get("theme") if values.get("theme") in THEMES else "access"
        for name in PARAMETERS:
            if name not in values:
                continue
            alone = {name: values[name]}
            if name == "indicator" and "theme" in values:
                alone["theme"] = values["theme"]
            _view, trouble = parse_view(alone, ds)
            if trouble:
                raise ApiError(name, trouble[0], valid=_valid_for(name, ds, theme))
        culprit = "start" if "start" in values else None  # start after end: both together
        raise ApiError(culprit, problems[0])
    finally:
        i18n.use_language(previous)


def _check_chart(view: dict, chart: str, ds: Dataset) -> None:
    """Combinations the page cannot draw."""
    if chart == "view" and view["theme"] == "summary":
        raise ApiError(
            "chart",
            "the summary theme has no theme view; use chart=summary, map or trend",
            valid=["map", "trend", "summary"],
        )
    if chart == "summary":
        theme = THEMES[view["theme"]]
        indicator = resolve_indicator(
            theme.id, view["indicator"] or theme.default, view["unit"], ds.catalog.index, ds.catalog
        )
        shown = THEMES["summary"].indicators
        if indicator not in shown:
            raise ApiError(
                "indicator",
                f"the summary chart (the ITU region map) does not show {_show(indicator)}",
                valid=list(shown),
            )


# --------------------------------------------------------------------------- figures


@dataclass
class Chart:
    """A chart of a view, as the page draws it, with what a speaker needs to say about it."""

    chart: str
    figure: go.Figure
    indicator: str
    year: int
    start: int
    end: int
    lang: str
    title: str
    notes: list[str] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)

    @property
    def slug(self) -> str:
        when = f"{self.start}-{self.end}" if self.chart == "trend" else str(self.year)
        return f"digital-divide-{self.chart}-{self.indicator}-{when}"


def _plain(text: object) -> str:
    """Figure text without its HTML: line breaks become spaces."""
    text = re.sub(r"<br\s*/?>", " ", str(text or ""))
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", text)).strip()


def _group_ids(ds: Dataset, kind: str) -> list[str]:
    return ["world"] + [gid for gid, g in ds.groups.items() if g["kind"] == kind]


def _sources(ds: Dataset, chart: str, theme: str, indicator: str) -> list[str]:
    """The sources the chart credits (as the callbacks' credit lines do)."""
    sources = data_export.indicator_sources
    if chart == "map":
        return sources(ds, indicator, with_inputs=views.groups_only(ds, indicator))
    if chart in ("trend", "summary"):
        return sources(ds, indicator, with_inputs=True)
    if theme == "access":
        return sorted({str(s) for s in ds.official["source"].unique()})
    if theme == "coverage":
        return [s for i in views.COVERAGE_INDICATORS for s in sources(ds, i, with_inputs=True)]
    if theme == "gender":
        by_sex = ("internet_users_female_pct", "internet_users_male_pct")
        return [s for i in by_sex for s in sources(ds, i)]
    return sources(ds, indicator)


def build_chart(ds: Dataset, view: dict, chart: str, lang: str) -> Chart:
    """The figure the page draws for ``view`` (from ``parse_view``), in ``lang``."""
    values = initial_values(ds, view)
    theme, choice, unit = values[ids.THEME_TABS], values[ids.INDICATOR], values[ids.UNIT]
    kind, group, countries = values[ids.GROUP_KIND], values[ids.GROUP], values[ids.COUNTRIES]
    year, tolerance = values[ids.YEAR], values[ids.TOLERANCE]
    method, trend_range = values[ids.GROUP_METHOD], list(values[ids.TREND_RANGE])
    indicator = current_indicator(theme, choice, unit)
    if group != "world" and ds.groups.get(group, {}).get("kind") != kind:
        group = "world"  # the group list follows the kind, as on the page
    status = ""
    if chart == "map":
        figure, status = charts.update_map(theme, choice, unit, year, tolerance, group, lang)
    elif chart == "trend":
        figure, _note = charts.update_trend(
            theme, choice, unit, group, countries, trend_range, tolerance, method, lang
        )
    elif chart == "view":
        figures = charts.update_theme_view(theme, choice, unit, kind, group, year, tolerance, lang)
        figure = figures[0]  # the second (when shown) sits under it on the page
    else:
        _rows, figure = charts.update_summary(
            "summary", indicator, kind, year, tolerance, method, lang
        )
    i18n.use_language(lang)  # the callbacks set it too; the notes are written in it
    start, end = clean_range(ds, indicator, trend_range)
    result = Chart(
        chart=chart,
        figure=figure,
        indicator=indicator,
        year=clean_year(ds, indicator, year),
        start=start,
        end=end,
        lang=lang,
        title=_plain(figure.layout.title.text),
        sources=_sources(ds, chart, theme, indicator),
    )
    spec = views.indicator_spec(ds, indicator)
    tolerance = clean_tolerance(tolerance, ds, indicator)
    if chart == "map" and views.groups_only(ds, indicator):
        numbers = _region_notes(ds, indicator, spec, result.year, None, "official")
        numbers.insert(0, _plain(status))
    elif chart == "map":
        numbers = _map_notes(ds, indicator, spec, result.year, tolerance, clean_group(ds, group))
        numbers.insert(0, _plain(status))
    elif chart == "trend":
        numbers = _trend_notes(figure, spec)
    elif chart == "summary":
        numbers = _region_notes(ds, indicator, spec, result.year, tolerance, clean_method(method))
    elif theme == "affordability":
        groups = _group_ids(ds, kind if kind in GROUP_KINDS else "itu")
        numbers = _price_notes(ds, indicator, spec, groups, result.year, tolerance)
    else:
        numbers = _trace_notes(figure)
    result.notes = [line for line in numbers if line]
    return result


def _latest(trace) -> tuple[int, float, int] | None:
    """The last point of a line with a value: (year, value, index)."""
    xs, ys = list(trace.x or ()), list(trace.y or ())
    for index in range(min(len(xs), len(ys)) - 1, -1, -1):
        value = ys[index]
        if value is not None and value == value and xs[index] is not None:
            return int(xs[index]), float(value), index
    return None


def _trend_notes(figure: go.Figure, spec: dict) -> list[str]:
    """Each line's latest value with its year, then what it rests on (coverage, data year)."""
    latest, details = [], []
    source_prefix = _plain(_("Source: %(source)s").split("%(source)s")[0])
    for trace in figure.data:
        if trace.type != "scatter" or not trace.name:
            continue
        point = _latest(trace)
        if point is None:
            continue
        year, value, index = point
        latest.append(
            _("%(series)s: %(value)s (%(year)s)")
            % {"series": trace.name, "value": format_value(value, spec), "year": year}
        )
        texts = trace.text if isinstance(trace.text, (list, tuple)) else ()
        if index < len(texts):
            lines = [_plain(line) for line in str(texts[index]).split("<br>")[2:]]
            lines = [line for line in lines if line and not line.startswith(source_prefix)]
            if lines:
                details.append(f"{trace.name}, {year}: " + "; ".join(lines))
    return ["; ".join(latest), *details] if latest else []


def _map_notes(
    ds: Dataset, indicator: str, spec: dict, year: int, tolerance: int, group: str
) -> list[str]:
    frame = views.map_frame(ds, indicator, year, tolerance=tolerance, group=group)
    shown = frame.loc[frame["in_focus"] & frame["value"].notna()].sort_values("value")
    if shown.empty:
        return []
    low, high = shown.iloc[0], shown.iloc[-1]
    return [
        _(
            "Median of the %(n)d economies with data: %(median)s; lowest %(low_name)s "
            "%(low)s (%(low_year)s), highest %(high_name)s %(high)s (%(high_year)s)."
        )
        % {
            "n": len(shown),
            "median": format_value(statistics.median(shown["value"]), spec),
            "low_name": low["name"],
            "low": format_value(low["value"], spec),
            "low_year": _count(low["year"]),
            "high_name": high["name"],
            "high": format_value(high["value"], spec),
            "high_year": _count(high["year"]),
        }
    ]


def _share(value: object) -> str:
    try:
        number = float(value)
    except (TypeError, ValueError):
        number = float("nan")
    return i18n.format_percent(number * 100, 0, i18n.current_language())


def _region_notes(
    ds: Dataset, indicator: str, spec: dict, year: int, tolerance: int | None, method: str
) -> list[str]:
    frame = views.region_frame(ds, indicator, year, tolerance=tolerance, method=method)
    lines = [_("By ITU region, %(year)s:") % {"year": year}]
    for row in frame.to_dict("records"):
        counts = {"n": _count(row["members_with_data"]), "total": _count(row["members"])}
        if method == "official":
            how = _("ITU estimate")
        elif method == "estimated":
            how = _(
                "our estimate: %(share)s of the population reported, %(n)s of %(total)s "
                "economies with data"
            ) % {"share": _share(row["reported_share"]), **counts}
        else:
            how = _(
                "reported values only: coverage %(share)s of the population, %(n)s of "
                "%(total)s economies with data"
            ) % {"share": _share(row["coverage"]), **counts}
        value = row["value"]
        if value is None or value != value:
            shown = _("withheld (too little data)")
        else:
            shown = format_value(value, spec)
        lines.append(f"{row['label']}: {shown} — {how}")
    return lines


def _count(value: object) -> str:
    try:
        return str(int(value))
    except (TypeError, ValueError):
        return "—"


def _price_notes(
    ds: Dataset, indicator: str, spec: dict, groups: list[str], year: int, tolerance: int
) -> list[str]:
    _points, summary = views.price_spread(ds, indicator, groups, year, tolerance=tolerance)
    target = spec.get("target")
    lines = []
    for row in summary.to_dict("records"):
        line = _("%(group)s: median %(median)s, %(n)s of %(total)s economies with data") % {
            "group": row["label"],
            "median": format_value(row["median"], spec),
            "n": _count(row["members_with_data"]),
            "total": _count(row["members"]),
        }
        at = row["at_or_under_target"]
        if target is not None and at is not None and at == at:
            line += "; " + _("%(n)s at or under the target of %(target)s") % {
                "n": _count(at),
                "target": format_value(target, spec),
            }
        lines.append(line)
    return lines


def _trace_notes(figure: go.Figure) -> list[str]:
    """Values of a chart with a row per group or economy (all in percent): per series, its
    rows with their values (the first ``MAX_LISTED``)."""
    lang = i18n.current_language()
    lines = []
    for trace in figure.data:
        xs, ys = list(trace.x or ()), list(trace.y or ())
        if not trace.name or not xs or any(y is None for y in ys):
            continue  # connector lines between two dots have gaps
        pairs = [
            f"{_plain(y)}: {i18n.format_percent(float(x), 1, lang)}"
            for x, y in zip(xs, ys, strict=False)
            if x is not None and x == x
        ]
        if not pairs:
            continue
        more = len(pairs) - MAX_LISTED
        listed = "; ".join(pairs[:MAX_LISTED])
        if more > 0:
            listed += " " + _("and %(n)d more") % {"n": more}
        lines.append(f"{trace.name} — {listed}")
    return lines


def credit_of(figure: go.Figure) -> str:
    for annotation in figure.layout.annotations or ():
        if annotation.name == "credit":
            return _plain(annotation.text)
    return ""


def drop_hover_hint(figure: go.Figure, lang: str) -> go.Figure:
    """``figure`` without the map subtitle's "Hover a country …" sentence (in ``lang``)."""
    subtitle = figure.layout.title.subtitle.text if figure.layout.title.subtitle else None
    if not subtitle:
        return figure
    previous = i18n.current_language()
    i18n.use_language(lang)
    try:
        hint = i18n.gettext(HOVER_HINT)
    finally:
        i18n.use_language(previous)
    # fit_lines broke the subtitle at spaces (or anywhere, in a script without them).
    for joiner in (" ", ""):
        flat = subtitle.replace("<br>", joiner)
        if hint in flat:
            rest = re.sub(r" {2,}", " ", flat.replace(hint, "")).strip()
            text = fit_lines(rest) if rest else ""
            figure.update_layout(title={"subtitle": {"text": text}})
            fewer = subtitle.count("<br>") - text.count("<br>")
            top = figure.layout.margin.t
            if fewer > 0 and top:
                figure.update_layout(margin={"t": max(int(top) - 16 * fewer, 40)})
            break
    return figure


def image_options(width: int, height: int, fmt: str) -> tuple[dict, float, float]:
    """kaleido's options for an image of exactly ``width``×``height`` pixels, laid out at
    ``width / scale`` CSS pixels: (opts, layout width, layout height)."""
    scale = min(max(width / BASE_WIDTH, SCALE_RANGE[0]), SCALE_RANGE[1])
    layout_width, layout_height = width / scale, height / scale
    # The browser truncates width × scale to whole pixels: a hair more never loses one.
    opts = {
        "format": fmt,
        "width": layout_width,
        "height": layout_height,
        "scale": scale * (1 + 1e-9),
    }
    return opts, layout_width, layout_height


def render_figure(
    figure: go.Figure,
    lang: str,
    fmt: str,
    width: int,
    height: int,
    *,
    renderer: Renderer | None = None,
) -> bytes:
    """``figure`` as a PNG or SVG image of ``width``×``height`` pixels."""
    figure = drop_hover_hint(figure, lang)
    opts, layout_width, layout_height = image_options(width, height, fmt)
    figure.update_layout(
        width=layout_width,
        height=layout_height,
        autosize=False,
        separators=i18n.separators(lang),
    )
    image = (renderer or RENDERER).render(figure.to_dict(), opts)
    if fmt == "svg":
        return _svg_size(image, width, height)
    return image


def _svg_size(image: bytes, width: int, height: int) -> bytes:
    """The SVG's own size in whole pixels (its viewBox keeps the layout's coordinates)."""
    text = image.decode("utf-8")
    head = re.match(r"<svg\b[^>]*>", text)
    if not head:
        return image
    tag = re.sub(r'\swidth="[^"]*"', f' width="{width}"', head.group(0), count=1)
    tag = re.sub(r'\sheight="[^"]*"', f' height="{height}"', tag, count=1)
    return (tag + text[head.end() :]).encode("utf-8")


def png_size(image: bytes) -> tuple[int, int]:
    """Width and height from a PNG's IHDR chunk."""
    if image[:8] != b"\x89PNG\r\n\x1a\n" or image[12:16] != b"IHDR":
        raise ValueError("not a PNG")
    width, height = struct.unpack(">II", image[16:24])
    return int(width), int(height)


def _notice_headers(response: Response, ds: Dataset, sources: Sequence[str]) -> Response:
    header = data_export.notice_header(data_export.notices_for_sources(ds, sources))
    if header:
        response.headers["X-Data-Notice"] = header
    return response


def _download(body: bytes, mimetype: str, filename: str) -> Response:
    response = Response(body, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return cacheable(response)


# --------------------------------------------------------------------------- charts


def _keeps_language(view):
    """Run a route and put back the thread's language afterwards (charts switch it)."""

    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        previous = i18n.current_language()
        try:
            return view(*args, **kwargs)
        finally:
            i18n.use_language(previous)

    return wrapper


def _query() -> dict[str, list[str]]:
    return {name: request.args.getlist(name) for name in request.args}


@export_bp.get("/chart.<fmt>")
@_keeps_language
def chart_image(fmt: str) -> Response:
    if fmt not in FORMATS:
        raise ApiError(
            None, f"no such export: chart.{fmt}", valid=[f"chart.{f}" for f in FORMATS], status=404
        )
    ds = load_dataset()
    values = _args_of(_query(), (*PARAMETERS, *CHART_PARAMETERS))
    chart = _choice(values.pop("chart", None), "chart", CHARTS, "map")
    width = _integer(values.pop("width", None), "width", WIDTH)
    height = _integer(values.pop("height", None), "height", HEIGHT)
    lang = _choice(values.pop("lang", None), "lang", list(i18n.LANGUAGES), i18n.DEFAULT)
    view = check_view(values, ds)
    _check_chart(view, chart, ds)
    result = build_chart(ds, view, chart, lang)
    image = render_figure(result.figure, lang, fmt, width, height)
    response = _download(image, FORMATS[fmt], f"{result.slug}.{fmt}")
    return _notice_headers(response, ds, result.sources)


# --------------------------------------------------------------------------- decks


def encode_deck(deck: Mapping) -> str:
    """A deck as it travels in ``?deck=``: URL-safe base64 of its JSON, without padding."""
    raw = json.dumps(deck, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")


CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
"""Characters a slide cannot hold (XML 1.0 refuses them)."""


def _text_field(value: object, where: str, limit: int, *, required: bool = False) -> str | None:
    if value is None and not required:
        return None
    if not isinstance(value, str):
        raise DeckError(f"{where} must be a string, not {type(value).__name__}")
    if required and not value.strip():
        raise DeckError(f"{where} is empty")
    if len(value) > limit:
        raise DeckError(f"{where} is longer than {limit} characters")
    return CONTROL.sub("", value)


def decode_deck(encoded: str) -> dict:
    """The deck in ``encoded`` (see ``encode_deck``), checked; ``DeckError`` says what is wrong.

    Only the deck's form is checked here (types, sizes, chart names, languages); the views
    are checked against the dataset when the deck is built.
    """
    if not isinstance(encoded, str) or not encoded.strip():
        raise DeckError("the deck is empty")
    encoded = encoded.strip()
    if len(encoded) > DECK_MAX_BYTES:
        raise DeckError(f"the deck is {len(encoded)} bytes encoded; at most {DECK_MAX_BYTES}")
    if not re.fullmatch(r"[A-Za-z0-9_-]+", encoded) or len(encoded) % 4 == 1:
        raise DeckError("the deck is not URL-safe base64 (A–Z, a–z, 0–9, - and _, no padding)")
    try:
        raw = base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4))
        deck = json.loads(raw.decode("utf-8"))
    except (binascii.Error, ValueError) as error:
        raise DeckError(f"the deck is not base64 of UTF-8 JSON: {error}") from error
    if not isinstance(deck, dict):
        raise DeckError(f"the deck must be a JSON object, not {type(deck).__name__}")
    try:
        json.dumps(deck, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError as error:  # "\ud800" in JSON is a lone surrogate
        raise DeckError("the deck holds text that is not valid Unicode") from error
    unknown = sorted(set(deck) - DECK_KEYS)
    if unknown:
        raise DeckError(f"unknown deck field {_show(unknown[0])}; valid: title, slides")
    title = _text_field(deck.get("title"), "title", DECK_TITLE_MAX, required=True)
    slides = deck.get("slides")
    if not isinstance(slides, list):
        raise DeckError("slides must be a list")
    if not slides:
        raise DeckError("the deck has no slides")
    if len(slides) > DECK_MAX_SLIDES:
        raise DeckError(f"the deck has {len(slides)} slides; at most {DECK_MAX_SLIDES}")
    checked = []
    for number, slide in enumerate(slides, start=1):
        where = f"slide {number}"
        if not isinstance(slide, dict):
            raise DeckError(f"{where} must be an object, not {type(slide).__name__}")
        unknown = sorted(set(slide) - SLIDE_KEYS)
        if unknown:
            valid = ", ".join(sorted(SLIDE_KEYS))
            raise DeckError(f"{where}: unknown field {_show(unknown[0])}; valid: {valid}")
        view = slide.get("view", "")
        if not isinstance(view, str):
            raise DeckError(f"{where}: view must be a query string, not {type(view).__name__}")
        if len(view) > DECK_MAX_BYTES:
            raise DeckError(f"{where}: view is too long")
        chart = slide.get("chart", "map")
        if chart not in CHARTS:
            raise DeckError(f"{where}: unknown chart {_show(chart)}; valid: {', '.join(CHARTS)}")
        lang = slide.get("lang")
        if lang is not None and lang not in i18n.LANGUAGES:
            raise DeckError(
                f"{where}: unknown lang {_show(lang)}; valid: {', '.join(i18n.LANGUAGES)}"
            )
        item = {"view": view.lstrip("?"), "chart": chart}
        for name, limit in (("title", DECK_TITLE_MAX), ("note", DECK_NOTE_MAX)):
            text = _text_field(slide.get(name), f"{where}: {name}", limit)
            if text is not None:
                item[name] = text
        if lang is not None:
            item["lang"] = lang
        checked.append(item)
    return {"title": title, "slides": checked}


def _slide_view(slide: dict, number: int, ds: Dataset) -> dict:
    """The view of slide ``number`` (from 1), or ApiError on ``deck`` saying what is wrong."""
    try:
        query = parse_qs(slide["view"], keep_blank_values=True)
        view = check_view(_args_of(query, PARAMETERS), ds)
        _check_chart(view, slide["chart"], ds)
    except ApiError as error:
        raise ApiError(
            "deck", f"slide {number}: {error.parameter}: {error.message}", valid=error.valid
        ) from error
    return view


def build_deck(ds: Dataset, deck: dict, lang: str, *, translate_titles: bool = False):
    """The deck as PowerPoint bytes, and the sources its charts credit."""
    from pptx import Presentation
    from pptx.enum.text import MSO_AUTO_SIZE, PP_ALIGN
    from pptx.util import Emu, Inches, Pt

    views_ = [
        _slide_view(slide, number, ds) for number, slide in enumerate(deck["slides"], start=1)
    ]
    presentation = Presentation()
    slide_width, slide_height = Inches(SLIDE_WIDTH_IN), Inches(SLIDE_HEIGHT_IN)
    presentation.slide_width, presentation.slide_height = slide_width, slide_height
    layout = presentation.slide_layouts[5]  # "Title Only": the title stays a real title
    sources: list[str] = []
    for slide_spec, view in zip(deck["slides"], views_, strict=True):
        slide_lang = slide_spec.get("lang") or lang
        result = build_chart(ds, view, slide_spec["chart"], slide_lang)
        sources += [s for s in result.sources if s not in sources]
        width, height = DECK_IMAGE
        image = render_figure(result.figure, slide_lang, "png", width, height)
        i18n.use_language(slide_lang)
        title = slide_spec.get("title")
        if title and translate_titles:
            title = i18n.gettext(title)
        annotations = result.figure.layout.annotations  # an empty chart says why in one
        title = title or result.title or (_plain(annotations[0].text) if annotations else "")

        slide = presentation.slides.add_slide(layout)
        heading = slide.shapes.title
        heading.left, heading.top = Inches(0.4), Inches(0.1)
        heading.width, heading.height = slide_width - Inches(0.8), Inches(TITLE_BAND_IN - 0.15)
        heading.text = title
        frame = heading.text_frame
        frame.word_wrap = True
        frame.auto_size = MSO_AUTO_SIZE.TEXT_TO_FIT_SHAPE
        rtl = i18n.direction(slide_lang) == "rtl"
        for paragraph in frame.paragraphs:
            paragraph.alignment = PP_ALIGN.RIGHT if rtl else PP_ALIGN.LEFT
            paragraph.font.size = Pt(28 if len(title) <= 70 else 22)
            paragraph.font.bold = True
            if rtl:
                paragraph._pPr.set("rtl", "1")

        top = Inches(TITLE_BAND_IN)
        picture = slide.shapes.add_picture(
            io.BytesIO(image), Emu(0), top, width=slide_width, height=slide_height - top
        )
        picture._element.nvPicPr.cNvPr.set("descr", f"{result.title}. {' '.join(result.notes)}")

        notes = list(result.notes)
        if slide_spec.get("note"):
            notes.insert(0, slide_spec["note"])
        notes.insert(0, result.title)
        credit = credit_of(result.figure)
        if credit:
            notes.append(credit)
        if ITU_NOTICE in data_export.notices_for_sources(ds, result.sources):
            notes.append(i18n.gettext(ITU_NOTICE))
        slide.notes_slide.notes_text_frame.text = "\n".join(notes)

    properties = presentation.core_properties
    i18n.use_language(lang)
    translated = i18n.gettext  # the story titles are marked where they are written (N_)
    properties.title = translated(deck["title"]) if translate_titles else deck["title"]
    properties.author = properties.last_modified_by = "Digital Divide Dashboard"
    properties.language = lang
    out = io.BytesIO()
    presentation.save(out)
    return out.getvalue(), sources


@export_bp.get("/deck.pptx")
@_keeps_language
def deck_pptx() -> Response:
    ds = load_dataset()
    values = _args_of(_query(), DECK_PARAMETERS)
    lang = _choice(values.get("lang"), "lang", list(i18n.LANGUAGES), i18n.DEFAULT)
    story, encoded = values.get("story"), values.get("deck")
    if (story is None) == (encoded is None):
        raise ApiError("story", "give exactly one of story=<id> and deck=<encoded deck>")
    if story is not None:
        if story not in STORIES:
            raise ApiError("story", f"unknown story {_show(story)}", valid=list(STORIES))
        deck, name = story_deck(story), story
    else:
        try:
            deck = decode_deck(encoded)
        except DeckError as error:
            raise ApiError("deck", str(error)) from error
        name = "deck"
    body, sources = build_deck(ds, deck, lang, translate_titles=story is not None)
    response = _download(body, PPTX_MIMETYPE, f"digital-divide-{name}.pptx")
    return _notice_headers(response, ds, sources)
