"""The read-only HTTP API: the catalog, the groups, observations and group aggregates.

``create_api(get_dataset)`` returns a Flask blueprint; the app mounts it at ``/api/v1``.
Every answer is JSON unless ``format=csv`` asks for a CSV download. Source credits and the
ITU licence notice come with every answer: in the JSON ``notices`` field and, ASCII only, in the
``X-Data-Notice`` header. Missing values are ``null`` (empty cells in CSV), never 0.

The parameters and answers are defined once, in ``api.contract``: its models validate each query
string and write the OpenAPI 3.1 document served at ``/api/v1/openapi.json`` and its page
``/api/v1/docs`` (``api.openapi``). A bad query string is answered with HTTP 400 and
``{"error": {"parameter": ..., "message": ..., "valid": ... | "see": ...}}``; an unknown path
under the API with HTTP 404 in the same shape. Values from the request appear only inside JSON
strings, with ``<``, ``>`` and ``&`` escaped, and every answer says ``nosniff``.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Sequence

import numpy as np
import pandas as pd
from flask import Blueprint, Response, current_app, request, url_for
from werkzeug.exceptions import HTTPException

from api import openapi
from api.contract import PARAMS, ApiError, parse_query, show
from api.stories import stories_index
from components.urlstate import PARAMETERS as VIEW_PARAMETERS
from data import i18n, views
from data import query as q
from data.export import (
    EXTRA_DECIMALS,
    csv_bytes,
    export_filename,
    export_frame,
    indicator_sources,
    notice_header,
    notices_for,
    notices_for_sources,
)
from data.load import Dataset
from data.viewrows import map_economies
from data.viewrows import notices as view_notices

CACHE_CONTROL = "public, max-age=300"
"""Answers are kept five minutes, then asked for again: after a data reload no browser or proxy
shows an answer older than that, and asking again costs a 304 when nothing changed."""
ERROR_CACHE_CONTROL = "no-store"


def cacheable(response: Response) -> Response:
    """``response`` with its cache life and an ETag of its body; a 304 for a client that
    already holds the same body (``If-None-Match``)."""
    response.headers["Cache-Control"] = CACHE_CONTROL
    response.add_etag(overwrite=False)
    return response.make_conditional(request)


ENDPOINTS = ("indicators", "groups", "observations", "aggregates", "view", "stories")
ROUTES = (*ENDPOINTS, "openapi.json", "docs", "docs.css")
JSON_ESCAPES = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026"}
"""Characters written as JSON escapes, so no body of the API ever holds markup as such."""

INDICATOR_FIELDS = (
    "id",
    "theme",
    "title",
    "unit",
    "levels",
    "tolerance",
    "definition",
    "source",
    "sources",
    "code",
    "licence",
    "aggregation",
    "weight",
    "higher_is_better",
    "decimals",
    "target",
)
AGGREGATE_FIELDS = (
    "group",
    "label",
    "kind",
    "method",
    "value",
    "reported_share",
    "history_share",
    "modelled_share",
    "missing_share",
    "coverage",
    "members_with_data",
    "members",
    "aggregation",
    "withheld",
    "withheld_reason",
    "partial",
    "first_data_year",
    "last_data_year",
    "source",
)
TARGET_FIELDS = ("at_or_under_target", "share_at_or_under_target", "target")

# --------------------------------------------------------------------------- plain values


def _plain(value: object) -> object:
    """``value`` with numpy and pandas scalars made JSON-ready; NaN and NA become ``None``."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        number = float(value)
        return None if math.isnan(number) or math.isinf(number) else number
    return value


def _records(frame: pd.DataFrame) -> list[dict]:
    columns = [str(c) for c in frame.columns]
    return [
        {c: _plain(v) for c, v in zip(columns, row, strict=True)}
        for row in frame.itertuples(index=False, name=None)
    ]


def _text(value: object) -> str | None:
    value = _plain(value)
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def _round(value: object, places: int) -> float | None:
    number = _plain(value)
    if number is None:
        return None
    return round(float(number), places) + 0.0


# --------------------------------------------------------------------------- responses


def _json(payload: dict, status: int = 200) -> Response:
    body = json.dumps(_plain(payload), separators=(",", ":"), ensure_ascii=False, allow_nan=False)
    for character, escape in JSON_ESCAPES.items():
        body = body.replace(character, escape)
    return Response(body, status=status, mimetype="application/json")


def _with_notices(response: Response, notices: Sequence[str]) -> Response:
    header = notice_header(notices)
    if header:
        response.headers["X-Data-Notice"] = header
    return response


def _csv(frame: pd.DataFrame, filename: str, notices: Sequence[str]) -> Response:
    response = Response(csv_bytes(frame, notices=notices), mimetype="text/csv")
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return _with_notices(response, notices)


def _query_value(value: object) -> str:
    """A checked value written back as the page's address writes it."""
    if isinstance(value, (list, tuple)):
        return ",".join(str(v) for v in value)
    return str(value)


# --------------------------------------------------------------------------- shaping


def indicator_meta(ds: Dataset, indicator: str, lang: str = i18n.DEFAULT) -> dict:
    """The catalog entry of ``indicator`` as a plain dict (``INDICATOR_FIELDS``); its title,
    unit and definition in ``lang``."""
    spec = ds.catalog.loc[indicator]
    higher = _plain(spec.get("higher_is_better"))

    def words(column: str) -> str | None:
        text = _text(spec.get(column))
        return None if text is None else i18n.translate(text, lang)

    return {
        "id": indicator,
        "theme": _text(spec.get("theme")),
        "title": words("title"),
        "unit": words("unit"),
        "levels": _text(spec.get("levels")) or "economies and groups",
        "tolerance": views.indicator_tolerance(ds, indicator),
        "definition": words("definition"),
        "source": _text(spec.get("source")),
        "sources": indicator_sources(ds, indicator),
        "code": _text(spec.get("code")),
        "licence": _text(spec.get("licence")),
        "aggregation": _text(spec.get("aggregation")),
        "weight": _text(spec.get("weight")),
        "higher_is_better": None if higher is None else bool(higher),
        "decimals": int(spec.get("decimals")),
        "target": _plain(spec.get("target")),
    }


def official_edition(ds: Dataset) -> str | None:
    """The edition of ITU's official aggregates in the dataset (its source's release)."""
    ids = ds.official["source"].dropna().unique() if len(ds.official) else []
    releases = [str(ds.sources.at[i, "release"]) for i in ids if i in ds.sources.index]
    return "; ".join(releases) or None


def _aggregate_row(ds: Dataset, result: dict, decimals: int, lang: str = i18n.DEFAULT) -> dict:
    group = ds.groups[result["group"]]
    official = result.get("method") == "official"
    row = {
        "group": result["group"],
        "label": i18n.translate(group.get("label"), lang),
        "kind": group.get("kind"),
        "method": result.get("method"),
        "value": _round(result.get("value"), decimals + EXTRA_DECIMALS),
        "reported_share": None if official else _round(result.get("reported_share"), 4),
        "history_share": _round(result.get("history_share"), 4),
        "modelled_share": _round(result.get("modelled_share"), 4),
        "missing_share": _round(result.get("missing_share"), 4),
        "coverage": _round(result.get("coverage"), 4),
        "members_with_data": result.get("members_with_data"),
        "members": result.get("members") if not official else len(group["members"]),
        "aggregation": result.get("aggregation"),
        "withheld": bool(result.get("withheld")),
        "withheld_reason": result.get("withheld_reason") or None,
        "partial": bool(result.get("partial")),
        "first_data_year": result.get("first_data_year"),
        "last_data_year": result.get("last_data_year"),
        "source": result.get("source_id") or None,
    }
    if result.get("at_or_under_target") is not None:
        row["at_or_under_target"] = result.get("at_or_under_target")
        row["share_at_or_under_target"] = _round(result.get("share_at_or_under_target"), 4)
        row["target"] = result.get("target")
    return row


# --------------------------------------------------------------------------- blueprint


def create_api(get_dataset: Callable[[], Dataset], *, name: str = "api") -> Blueprint:
    """The API blueprint; ``get_dataset`` is called once per request (it should cache)."""
    bp = Blueprint(name, __name__)

    @bp.after_request
    def _cache(response: Response) -> Response:
        response.headers["X-Content-Type-Options"] = "nosniff"
        if response.status_code >= 400:
            response.headers["Cache-Control"] = ERROR_CACHE_CONTROL
            return response
        return cacheable(response)

    def _args(ds: Dataset, endpoint: str) -> dict:
        """The request's query string checked against ``endpoint``'s parameters."""
        return parse_query(ds, endpoint, request.args, lambda e: url_for(f".{e}"))

    @bp.errorhandler(ApiError)
    def _api_error(error: ApiError) -> Response:
        if error.valid is None and error.see is None:
            error.see = url_for(".index")
        return _json(error.body(), status=error.status)

    @bp.errorhandler(q.QueryError)
    def _query_error(error: q.QueryError) -> Response:
        body = {"error": {"parameter": None, "message": str(error), "see": url_for(".index")}}
        return _json(body, status=400)

    @bp.errorhandler(HTTPException)
    def _http_error(error: HTTPException) -> Response:
        status = error.code or 500
        body = {"error": {"parameter": None, "message": error.description or error.name}}
        return _json(body, status=status)

    @bp.errorhandler(Exception)
    def _unexpected(error: Exception) -> Response:
        current_app.logger.exception("API request failed: %s", request.full_path)
        body = {"error": {"parameter": None, "message": "internal error"}}
        return _json(body, status=500)

    def _endpoints() -> list[str]:
        return [url_for(f".{e}") for e in ENDPOINTS]

    @bp.get("/")
    def index() -> Response:
        _args(get_dataset(), "index")
        endpoints = [
            {"path": url_for(f".{e}"), "parameters": [p.name for p in PARAMS[e]]} for e in ENDPOINTS
        ]
        return _json(
            {"endpoints": endpoints, "openapi": url_for(".openapi"), "docs": url_for(".docs")}
        )

    @bp.get("/indicators")
    def indicators() -> Response:
        ds = get_dataset()
        args = _args(ds, "indicators")
        fmt, lang = args["format"], args["lang"]
        metas = [indicator_meta(ds, i, lang) for i in ds.catalog.index]
        notices = notices_for_sources(ds, [s for m in metas for s in m["sources"]])
        if fmt == "csv":
            frame = pd.DataFrame(metas, columns=list(INDICATOR_FIELDS))
            frame["sources"] = frame["sources"].map(";".join)
            return _csv(frame, "indicators.csv", notices)
        return _with_notices(_json({"indicators": metas, "notices": notices}), notices)

    @bp.get("/groups")
    def groups() -> Response:
        ds = get_dataset()
        args = _args(ds, "groups")
        fmt, lang = args["format"], args["lang"]
        items = [
            {
                "id": g["id"],
                "kind": g["kind"],
                "label": i18n.translate(g["label"], lang),
                "members": list(g["members"]),
            }
            for g in ds.groups.values()
        ]
        if fmt == "csv":
            frame = pd.DataFrame(
                [
                    {
                        "group": g["id"],
                        "kind": g["kind"],
                        "label": g["label"],
                        "iso3": iso3,
                        "country": i18n.country_name(ds, iso3, lang),
                    }
                    for g in items
                    for iso3 in g["members"]
                ],
                columns=["group", "kind", "label", "iso3", "country"],
            )
            return _csv(frame, "groups.csv", [])
        return _json({"groups": items})

    @bp.get("/observations")
    def observations() -> Response:
        ds = get_dataset()
        args = _args(ds, "observations")
        fmt, lang = args["format"], args["lang"]
        named = "lang" in request.args
        indicator = args["indicator"]
        if views.groups_only(ds, indicator):
            raise ApiError(
                "indicator",
                f"{indicator} is published by ITU for groups of economies only, not by "
                "country: ask /api/v1/aggregates?method=official",
                see=url_for(".aggregates", indicator=indicator, method="official"),
            )
        group, countries = args["group"], args["countries"]
        year, start, end, tolerance = args["year"], args["start"], args["end"], args["tolerance"]
        if year is not None and (start is not None or end is not None):
            raise ApiError(
                "start" if start is not None else "end",
                "give either year (with tolerance) or a start/end range, not both",
            )
        if start is not None and end is not None and start > end:
            raise ApiError("start", f"start ({start}) is after end ({end})")

        members: list[str] | None = None
        if group is not None:
            # The dashboard's rule (data.viewrows): the group's members and the countries.
            members = map_economies(ds, group, countries or [])
        elif countries is not None:
            members = countries

        if year is not None:
            if tolerance is None:
                tolerance = views.indicator_tolerance(ds, indicator)
            rows = q.values_at_year(
                ds.subset(indicator),
                indicator,
                year,
                tolerance=tolerance,
                countries=members,
            )
        elif tolerance:
            # Each year of the range with each economy's latest value within the tolerance:
            # the rows the dashboard's map and CSV download show for the same settings.
            first, last = views.year_span(ds, indicator)
            rows = views.export_rows(
                ds,
                indicator,
                countries=members,
                start=first if start is None else start,
                end=last if end is None else end,
                tolerance=tolerance,
            )
        else:
            rows = q.filter_observations(
                ds.subset(indicator), indicator=indicator, countries=members, start=start, end=end
            )
        frame = export_frame(ds, rows, lang=lang if named else None)
        notices = notices_for(ds, frame) or notices_for_sources(
            ds, indicator_sources(ds, indicator)
        )
        if fmt == "csv":
            filename = export_filename(
                indicator,
                group=group,
                countries=countries,
                start=start,
                end=end,
                year=year,
                tolerance=tolerance,
            )
            return _csv(frame, filename, notices)
        payload = {
            "indicator": indicator_meta(ds, indicator, lang),
            "query": {
                "group": group,
                "countries": countries,
                "start": start,
                "end": end,
                "year": year,
                "tolerance": tolerance,
            },
            "count": len(frame),
            "rows": _records(frame),
            "notices": notices,
        }
        return _with_notices(_json(payload), notices)

    @bp.get("/aggregates")
    def aggregates() -> Response:
        ds = get_dataset()
        args = _args(ds, "aggregates")
        fmt, lang, indicator, year = args["format"], args["lang"], args["indicator"], args["year"]
        group_ids, method = args["groups"], args["method"]
        tolerance, threshold = args["tolerance"], args["threshold"]
        if tolerance is None:
            tolerance = views.indicator_tolerance(ds, indicator)

        meta = indicator_meta(ds, indicator, lang)
        wanted = group_ids or list(ds.groups)
        frame = views.group_values(
            ds, indicator, wanted, [year], method=method, tolerance=tolerance, threshold=threshold
        )
        rows = [_aggregate_row(ds, _plain(r), meta["decimals"], lang) for r in _records(frame)]
        used = indicator_sources(ds, indicator, with_inputs=True)
        if method == "official":
            used = sorted({r["source"] for r in rows if r["source"]}) or used
        edition = official_edition(ds) if method == "official" else None
        notices = notices_for_sources(ds, used)
        if fmt == "csv":
            extra = [f for f in TARGET_FIELDS if any(f in r for r in rows)]
            frame = pd.DataFrame(rows, columns=[*AGGREGATE_FIELDS, *extra])
            frame.insert(0, "indicator", indicator)
            frame.insert(1, "indicator_title", meta["title"])
            frame.insert(2, "unit", meta["unit"])
            frame.insert(3, "year", year)
            frame.insert(4, "tolerance", tolerance)
            frame.insert(5, "edition", edition)
            frame["threshold"] = threshold
            frame["licence"] = meta["licence"]
            scope = "-".join(group_ids) if group_ids and len(group_ids) <= 4 else "all-groups"
            filename = export_filename(
                f"{indicator}_aggregates",
                group=scope,
                countries=None,
                start=None,
                end=None,
                year=year,
                tolerance=tolerance,
            )
            return _csv(frame, filename, notices)
        payload = {
            "indicator": meta,
            "year": year,
            "method": method,
            "tolerance": tolerance,
            "threshold": threshold,
            "edition": edition,
            "count": len(rows),
            "rows": rows,
            "notices": notices,
        }
        return _with_notices(_json(payload), notices)

    @bp.get("/view")
    def view() -> Response:
        """The rows of a dashboard view: the same query as the page's address (?theme=…&
        group=…&countries=…&year=…), the same rows as its "Download CSV of this view"."""
        from api.view import view_rows_for  # the page's own code, loaded when first asked

        ds = get_dataset()
        args = _args(ds, "view")
        fmt, lang = args["format"], args["lang"]
        named = "lang" in request.args
        # The page's own parser reads the checked values (and the combinations it can show).
        values = {n: _query_value(args[n]) for n in VIEW_PARAMETERS if args[n] is not None}
        table, filename, understood = view_rows_for(ds, values, lang if named else i18n.DEFAULT)
        notices = view_notices(ds, table)
        if fmt == "csv":
            return _csv(table, filename, notices)
        payload = {"query": understood, "count": len(table), "rows": _records(table)}
        payload["notices"] = notices
        return _with_notices(_json(payload), notices)

    @bp.get("/stories")
    def stories() -> Response:
        ds = get_dataset()
        lang = _args(ds, "stories")["lang"]
        return _json({"stories": stories_index(lang)})

    def _document(ds: Dataset) -> dict:
        """The OpenAPI document, with example answers from the API itself (once per dataset
        and address)."""
        prefix = url_for(".index").rstrip("/")
        key = ("api.openapi", prefix)
        if key not in ds.cache:
            queries = openapi.example_queries(ds)
            examples = {}
            with current_app.test_client() as client:
                for endpoint, query in queries.items():
                    answer = client.get(url_for(f".{endpoint}"), query_string=query)
                    if answer.status_code == 200 and answer.is_json:
                        examples[endpoint] = openapi.shorten(answer.get_json())
                error_url = url_for(".observations", indicator="internet_use", year="2020")
                error = client.get(error_url).get_json()
            ds.cache[key] = (openapi.document(ds, prefix, examples), (error_url, error))
        return ds.cache[key]

    @bp.get("/openapi.json", endpoint="openapi")
    def openapi_json() -> Response:
        ds = get_dataset()
        _args(ds, "openapi")
        return _json(_document(ds)[0])

    @bp.get("/docs")
    def docs() -> Response:
        ds = get_dataset()
        _args(ds, "docs")
        doc, error = _document(ds)
        credits = notices_for_sources(ds, list(ds.sources.index))
        page = openapi.docs_page(
            doc, css=url_for(".docs_css"), error_example=error, credits=credits
        )
        return Response(page, mimetype="text/html")

    @bp.get("/docs.css")
    def docs_css() -> Response:
        _args(get_dataset(), "docs_css")
        return Response(openapi.DOCS_CSS.read_text(encoding="utf-8"), mimetype="text/css")

    @bp.route("/<path:rest>", methods=["GET", "POST", "PUT", "PATCH", "DELETE"])
    def unknown(rest: str) -> Response:
        if rest in ROUTES:
            error = ApiError(
                None, f"{request.method} is not allowed here; use GET", valid=["GET"], status=405
            )
            response = _json(error.body(), status=405)
            response.headers["Allow"] = "GET, HEAD, OPTIONS"
            return response
        raise ApiError(None, f"no such endpoint: {show(rest)}", valid=_endpoints(), status=404)

    return bp
