"""The data API's OpenAPI 3.1 document and its documentation page, both written from
``api.contract`` (the parameters' models for the dataset, the answers' models).

``document(ds, prefix, examples)`` is the document for the API mounted at ``prefix``;
``docs_page(doc, …)`` renders it as one HTML page: no script, no inline style, no resource from
another host (its stylesheet, ``api/docs.css``, is served by the API itself).
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from pydantic import BaseModel
from pydantic.json_schema import models_json_schema

from api.contract import (
    PARAMS,
    RESPONSES,
    AggregatesResponse,
    GroupsResponse,
    IndexResponse,
    IndicatorsResponse,
    ObservationsResponse,
    StoriesResponse,
    ViewResponse,
    query_models,
)
from data import views
from data.catalog import ITU_NOTICE
from data.load import Dataset

OPENAPI_VERSION = "3.1.0"
API_VERSION = "1"
TITLE = "Digital Divide Dashboard data API"
DOCS_CSS = Path(__file__).with_name("docs.css")
SHOWN_VALUES = 12
"""Valid values the docs page lists for a parameter before "and N more"."""
SHORTENED = ("rows", "indicators", "groups", "members", "stories")
EXAMPLE_ITEMS = 3
"""Items an example answer keeps of each list in ``SHORTENED``."""


@dataclass(frozen=True)
class Operation:
    endpoint: str
    path: str
    summary: str
    description: str
    answer: type[BaseModel] | None
    media: str = "application/json"
    csv: bool = False


OPERATIONS = (
    Operation(
        "index",
        "/",
        "The endpoints",
        "Every endpoint with its parameters, and where this document and its page are.",
        IndexResponse,
    ),
    Operation(
        "indicators",
        "/indicators",
        "The catalog of indicators",
        "Each indicator's definition, unit, source, licence, how groups aggregate, its `levels` "
        '("economies and groups" or "groups only") and `tolerance` (its window in years).',
        IndicatorsResponse,
        csv=True,
    ),
    Operation(
        "groups",
        "/groups",
        "Groups of economies",
        "Regions, income and development groups with their member economies (ISO 3166-1 "
        "alpha-3 codes). The group `world` lists every economy.",
        GroupsResponse,
        csv=True,
    ),
    Operation(
        "observations",
        "/observations",
        "Values of one indicator by economy",
        "A group and countries together give the group's members and the countries. With "
        "`year`, each economy's latest value within `tolerance` years before it; with a range "
        "and a `tolerance`, the same for every year of the range (the rows of the dashboard's "
        "CSV). Each row says whether its value was `reported` for the requested year or "
        "`carried forward` from `year_of_data` (`value_status`). Missing values are null (empty "
        "in CSV), never 0. A series ITU publishes for groups only answers 400 pointing to "
        "`/aggregates?method=official`; `year` together with `start`/`end`, or `start` after "
        "`end`, is a 400 too.",
        ObservationsResponse,
        csv=True,
    ),
    Operation(
        "aggregates",
        "/aggregates",
        "Values of one indicator by group",
        "Per group: `method`, `value` (null when withheld, with `withheld_reason`), "
        "`reported_share` (the share of the group's weight reported for the year), for "
        "estimates `history_share`, `modelled_share` and `missing_share` (the four add up to "
        "1), `coverage`, `partial`, `members_with_data`, `members`, `aggregation`, `source`, and "
        "for prices the number and share of economies at or under the target. `official` "
        "answers ITU's published value with its `edition`.",
        AggregatesResponse,
        csv=True,
    ),
    Operation(
        "view",
        "/view",
        "The rows of a dashboard view",
        "The same query as the dashboard's address, the same rows as its \"Download CSV of "
        'this view": each with `chart` (`map` or `trend`), `iso3` or `group`, and '
        "`value_status`. A combination the dashboard cannot show (an indicator of another "
        "theme, `start` after `end`) is a 400 naming the parameter.",
        ViewResponse,
        csv=True,
    ),
    Operation("stories", "/stories", "Ready-made stories", "Slide decks by id.", StoriesResponse),
    Operation(
        "openapi",
        "/openapi.json",
        "This document",
        "The API's contract as OpenAPI 3.1; valid ids are listed as enums.",
        None,
    ),
    Operation(
        "docs",
        "/docs",
        "The documentation page",
        "This document as a readable page.",
        None,
        media="text/html",
    ),
    Operation(
        "docs_css",
        "/docs.css",
        "The documentation page's stylesheet",
        "Served here so the page needs nothing from elsewhere.",
        None,
        media="text/css",
    ),
)


def example_queries(ds: Dataset) -> dict[str, str]:
    """A query string per endpoint for the examples, with ids from the dataset."""
    catalog = list(ds.catalog.index)
    by_country = [i for i in catalog if not views.groups_only(ds, i)]
    indicator = "internet_users_pct" if "internet_users_pct" in by_country else by_country[0]
    codes = [c for c in ("KEN", "IND") if c in ds.countries.index] or list(ds.countries.index[:2])
    groups = [g for g in ("world", "ldc") if g in ds.groups] or list(ds.groups)[:2]
    _first, last = views.year_span(ds, indicator)
    return {
        "index": "",
        "indicators": "",
        "groups": "",
        "observations": f"indicator={indicator}&countries={','.join(codes)}"
        f"&start={last - 2}&end={last}",
        "aggregates": f"indicator={indicator}&year={last - 1}&groups={','.join(groups)}",
        "view": f"theme=access&indicator={indicator}&countries={','.join(codes)}",
        "stories": "lang=fr",
    }


def shorten(answer: object) -> object:
    """An example answer with its long lists cut to their first ``EXAMPLE_ITEMS``."""
    if isinstance(answer, dict):
        return {
            k: (v[:EXAMPLE_ITEMS] if k in SHORTENED and isinstance(v, list) else v)
            for k, v in ((k, shorten(v)) for k, v in answer.items())
        }
    if isinstance(answer, list):
        return [shorten(v) for v in answer]
    return answer


def _clean(schema: object, *, names: bool = False) -> object:
    """A pydantic JSON schema without its generated titles and ``"default": null``."""
    if isinstance(schema, dict):
        if names:
            return {k: _clean(v) for k, v in schema.items()}
        out = {}
        for key, value in schema.items():
            if key == "title" and isinstance(value, str):
                continue
            if key == "default" and value is None:
                continue
            out[key] = _clean(value, names=key in ("properties", "$defs"))
        return out
    if isinstance(schema, list):
        return [_clean(v) for v in schema]
    return schema


def _parameters(ds: Dataset, endpoint: str, examples: Mapping[str, str]) -> list[dict]:
    schema = query_models(ds).schemas[endpoint]
    required = set(schema.get("required", []))
    example = dict(p.split("=", 1) for p in examples.get(endpoint, "").split("&") if p)
    out = []
    for param in PARAMS[endpoint]:
        prop = _clean(schema["properties"][param.name])
        description = prop.pop("description", "")
        item = {
            "name": param.name,
            "in": "query",
            "required": param.name in required,
            "description": description,
            "schema": prop,
        }
        if param.many:
            item["style"], item["explode"] = "form", False
        if param.name in example:
            value = example[param.name]
            item["example"] = value.split(",") if param.many else _typed(value)
        out.append(item)
    return out


def _typed(value: str) -> object:
    return int(value) if re.fullmatch(r"[0-9]+", value) else value


def _content(operation: Operation, example: object) -> dict:
    if operation.answer is None:
        if operation.media == "application/json":
            return {operation.media: {"schema": {"type": "object"}}}
        return {operation.media: {"schema": {"type": "string"}}}
    ref = f"#/components/schemas/{operation.answer.__name__}"
    content: dict = {"application/json": {"schema": {"$ref": ref}}}
    if example is not None:
        content["application/json"]["example"] = example
    if operation.csv:
        content["text/csv"] = {
            "schema": {
                "type": "string",
                "description": "With format=csv: UTF-8 with BOM, one header line, LF line ends; "
                "the same columns as the JSON rows.",
            }
        }
    return content


NOTICE_HEADER = {
    "description": "The sources' citations and licence notices as one ASCII line "
    "(for ITU data, the ITU licence notice).",
    "schema": {"type": "string"},
}


def document(
    ds: Dataset,
    prefix: str,
    examples: Mapping[str, object] | None = None,
) -> dict:
    """The OpenAPI 3.1 document of the API mounted at ``prefix`` (``/api/v1``), with
    ``examples`` (endpoint → example answer) added to the answers' descriptions."""
    examples = examples or {}
    queries = example_queries(ds)
    components, defs = models_json_schema(
        [(m, "validation") for m in RESPONSES], ref_template="#/components/schemas/{model}"
    )
    del components
    paths: dict = {}
    for op in OPERATIONS:
        ok: dict = {"description": "OK", "content": _content(op, examples.get(op.endpoint))}
        if op.answer is not None and op.answer is not IndexResponse:
            ok["headers"] = {"X-Data-Notice": NOTICE_HEADER}
        if op.csv:
            ok["headers"]["Content-Disposition"] = {
                "description": 'With format=csv: attachment; filename="…".',
                "schema": {"type": "string"},
            }
        operation = {
            "operationId": op.endpoint,
            "summary": op.summary,
            "description": op.description,
            "parameters": _parameters(ds, op.endpoint, queries),
            "responses": {
                "200": ok,
                "400": {
                    "description": "A parameter the API cannot use: the error names it and the "
                    "valid values (`valid`) or where they are listed (`see`).",
                    "content": {
                        "application/json": {
                            "schema": {"$ref": "#/components/schemas/ErrorResponse"}
                        }
                    },
                },
            },
        }
        if op.endpoint in queries:
            operation["x-example-query"] = queries[op.endpoint]
        paths[op.path] = {"get": operation}
    return {
        "openapi": OPENAPI_VERSION,
        "info": {
            "title": TITLE,
            "version": API_VERSION,
            "description": "Read-only JSON and CSV access to the dashboard's data: ITU, World "
            "Bank and UN SDG digital-divide indicators by economy and by group. Every answer "
            "names its sources in `notices` and in the `X-Data-Notice` header. " + ITU_NOTICE,
            "license": {"name": "Data: each source's licence (see notices)"},
        },
        "servers": [{"url": prefix}],
        "paths": paths,
        "components": {"schemas": _clean(defs["$defs"], names=True)},
    }


# --------------------------------------------------------------------------- the page


def _text(text: str) -> str:
    """Escaped text with `code` spans."""
    return re.sub(r"`([^`]+)`", r"<code>\1</code>", html.escape(text))


def _values(schema: Mapping, see: str | None) -> str:
    schema = schema.get("items", schema) if schema.get("type") == "array" else schema
    if "enum" in schema:
        values = [str(v) for v in schema["enum"]]
        shown = ", ".join(f"<code>{html.escape(v)}</code>" for v in values[:SHOWN_VALUES])
        if len(values) > SHOWN_VALUES:
            shown += f" … and {len(values) - SHOWN_VALUES} more"
            if see:
                shown += f' (<a href="{html.escape(see)}">listed here</a>)'
        return shown
    kind = schema.get("type", "")
    if "minimum" in schema or "maximum" in schema:
        low, high = schema.get("minimum"), schema.get("maximum")
        word = "whole number" if kind == "integer" else "number"
        return f"{word}, {html.escape(str(low))}–{html.escape(str(high))}"
    return html.escape(str(kind))


def _parameter_rows(parameters: Sequence[Mapping], see: Callable[[str], str | None]) -> str:
    rows = []
    for p in parameters:
        schema = p["schema"]
        listed = " (comma-separated list)" if schema.get("type") == "array" else ""
        default = schema.get("default")
        rows.append(
            "<tr>"
            f'<th scope="row"><code>{html.escape(p["name"])}</code></th>'
            f"<td>{'required' if p['required'] else 'optional'}</td>"
            f"<td>{_values(schema, see(p['name']))}{listed}</td>"
            f"<td>{'' if default is None else f'<code>{html.escape(str(default))}</code>'}</td>"
            f"<td>{_text(p.get('description', ''))}</td>"
            "</tr>"
        )
    return (
        '<table><thead><tr><th scope="col">Parameter</th><th scope="col">Required</th>'
        '<th scope="col">Valid values</th><th scope="col">Default</th>'
        '<th scope="col">Meaning</th></tr></thead><tbody>' + "".join(rows) + "</tbody></table>"
    )


def _pre(value: object) -> str:
    text = value if isinstance(value, str) else json.dumps(value, indent=2, ensure_ascii=False)
    return f'<pre tabindex="0"><code>{html.escape(text)}</code></pre>'


def docs_page(
    doc: Mapping,
    *,
    css: str,
    error_example: tuple[str, object],
    credits: Sequence[str],
) -> str:
    """The documentation page of ``doc``; ``css`` is its stylesheet's address,
    ``error_example`` a URL and its error answer, ``credits`` the data's notices."""
    prefix = doc["servers"][0]["url"]
    lists = {"indicator": f"{prefix}/indicators", "groups": f"{prefix}/groups"}
    lists |= {"group": lists["groups"], "countries": lists["groups"], "a": lists["groups"]}
    lists["b"] = lists["groups"]
    nav, sections = [], []
    for path, item in doc["paths"].items():
        op = item["get"]
        url = prefix + path
        anchor = f"op-{op['operationId']}"
        nav.append(
            f'<li><a href="#{anchor}"><code>GET {html.escape(url)}</code></a> '
            f"{html.escape(op['summary'])}</li>"
        )
        parts = [
            f'<section id="{anchor}">',
            f"<h2><code>GET {html.escape(url)}</code></h2>",
            f'<p class="summary">{html.escape(op["summary"])}</p>',
            f"<p>{_text(op['description'])}</p>",
        ]
        if op["parameters"]:
            parts += ["<h3>Parameters</h3>", _parameter_rows(op["parameters"], lists.get)]
        else:
            parts.append("<p>No parameters.</p>")
        content = op["responses"]["200"]["content"]
        media = ", ".join(f"<code>{html.escape(m)}</code>" for m in content)
        parts.append(f"<p>Answers: {media}; a bad parameter is a 400 (see Errors).</p>")
        if "x-example-query" in op:
            query = op["x-example-query"]
            example_url = url + (f"?{query}" if query else "")
            parts += [
                "<h3>Example</h3>",
                f'<p><a href="{html.escape(example_url)}"><code>{html.escape(example_url)}'
                "</code></a></p>",
            ]
            if "text/csv" in content:
                csv_url = example_url + ("&" if query else "?") + "format=csv"
                parts.append(
                    f'<p>As CSV: <a href="{html.escape(csv_url)}"><code>'
                    f"{html.escape(csv_url)}</code></a></p>"
                )
            example = content.get("application/json", {}).get("example")
            if example is not None:
                parts += [
                    f"<p>Answer (lists cut to their first {EXAMPLE_ITEMS} items):</p>",
                    _pre(example),
                ]
        parts.append("</section>")
        sections.append("\n".join(parts))
    error_url, error_body = error_example
    errors = (
        '<section id="errors"><h2>Errors</h2>'
        "<p>A parameter the API cannot use is answered with HTTP 400 and a JSON object naming "
        "it, with the valid values (<code>valid</code>: a list, or <code>min</code> and "
        "<code>max</code>) or the endpoint that lists them (<code>see</code>). An unknown "
        "address under the API is a 404, another method than GET a 405, in the same shape. "
        "Errors are not cached (<code>Cache-Control: no-store</code>).</p>"
        f'<p><a href="{html.escape(error_url)}"><code>{html.escape(error_url)}</code></a></p>'
        f"{_pre(error_body)}</section>"
    )
    notices = "".join(f"<li>{html.escape(n)}</li>" for n in credits)
    licence = (
        '<section id="licence"><h2>Data credits and licences</h2>'
        "<p>Every answer names its sources in <code>notices</code> (JSON) and in the "
        "<code>X-Data-Notice</code> header (CSV too); keep them with the data.</p>"
        f'<p class="notice">{html.escape(ITU_NOTICE)}</p>'
        f"<ul>{notices}</ul></section>"
    )
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en" dir="ltr"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{html.escape(doc['info']['title'])}</title>"
        f'<link rel="stylesheet" href="{html.escape(css)}"></head><body>'
        f"<header><h1>{html.escape(doc['info']['title'])}</h1>"
        f"<p>{_text(doc['info']['description'])}</p>"
        f"<p>The same as a machine-readable OpenAPI {html.escape(doc['openapi'])} document: "
        f'<a href="{html.escape(prefix)}/openapi.json"><code>{html.escape(prefix)}'
        '/openapi.json</code></a>. Back to <a href="/">the dashboard</a>.</p></header>'
        '<nav aria-label="Endpoints"><h2>Endpoints</h2><ul>' + "".join(nav) + "</ul>"
        '<p><a href="#errors">Errors</a> · <a href="#licence">Data credits and licences</a></p>'
        "</nav><main>" + "\n".join(sections) + errors + licence + "</main></body></html>\n"
    )
