"""The data API's contract: its query parameters and its answers, defined once.

Each endpoint's parameters are ``Param`` entries (``PARAMS``); for a dataset they become a
pydantic model whose valid values come from the data (indicator and group ids, ISO 3166-1
alpha-3 codes, the years observed). The same model

* validates a request's query string (``parse_query``), turning the first problem into the API's
  error object ``{"error": {"parameter", "message", "valid" | "see"}}`` (``ApiError``), with the
  valid values read from the model's own JSON schema;
* describes the parameters in the OpenAPI 3.1 document (``api.openapi``).

The answers are the ``…Response`` models below; they only document (the fuzzing tests check the
answers against them).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    Strict,
    ValidationError,
    create_model,
)

from components.themes import GROUP_KINDS, THEMES, UNITS, indicators_of
from components.urlstate import FIRST_YEAR, LAST_YEAR
from components.urlstate import MAX_TOLERANCE as VIEW_MAX_TOLERANCE
from data import i18n, views
from data import query as q
from data.export import EXPORT_COLUMNS
from data.load import Dataset

MAX_TOLERANCE = 10
FORMATS = ("json", "csv")
MAX_SHOWN = 40
"""How many characters of a rejected value an error message repeats."""
WHOLE_NUMBER = re.compile(r"[+-]?[0-9]{1,9}")
CHECKED_FIRST = ("format", "lang")
"""Parameters whose errors are reported before the others' (as a client reads them first)."""


class ApiError(Exception):
    """A request the API answers with an error object instead of data."""

    def __init__(
        self,
        parameter: str | None,
        message: str,
        *,
        valid: object = None,
        see: str | None = None,
        status: int = 400,
    ) -> None:
        super().__init__(message)
        self.parameter = parameter
        self.message = message
        self.valid = valid
        self.see = see
        self.status = status

    def body(self) -> dict:
        error: dict = {"parameter": self.parameter, "message": self.message}
        if self.valid is not None:
            error["valid"] = self.valid
        if self.see is not None:
            error["see"] = self.see
        return {"error": error}


def show(raw: object) -> str:
    """A rejected value as an error message repeats it: quoted, at most ``MAX_SHOWN`` long."""
    text = str(raw)
    return repr(text if len(text) <= MAX_SHOWN else text[:MAX_SHOWN] + "…")


def split(values: Iterable[str]) -> list[str]:
    """Items of comma-, semicolon- or space-separated values, each once, in order."""
    parts = (p.strip() for v in values for p in re.split(r"[,;\s]+", v))
    return list(dict.fromkeys(p for p in parts if p))


# --------------------------------------------------------------------------- value types


def _canonical(valid: Iterable[str]) -> BeforeValidator:
    """Accept any letter case of a valid id (``CSV`` → ``csv``)."""
    by_lower = {v.lower(): v for v in valid}

    def canonical(value: object) -> object:
        if isinstance(value, str):
            return by_lower.get(value.lower(), value)
        return value

    return BeforeValidator(canonical)


def _items(*, upper: bool) -> BeforeValidator:
    """A list parameter's values (repeated and/or comma-separated) as one list of items."""

    def items(value: object) -> object:
        if isinstance(value, str):
            value = [value]
        if isinstance(value, list) and all(isinstance(v, str) for v in value):
            parts = split(value)
            return [p.upper() for p in parts] if upper else parts
        return value

    return BeforeValidator(items)


def _whole(value: object) -> object:
    return int(value) if isinstance(value, str) and WHOLE_NUMBER.fullmatch(value) else value


WholeNumber = Annotated[int, BeforeValidator(_whole), Strict()]
"""A whole number written as digits (``2020``, not ``2020.0``, ``1e3`` or ``0x7E4``)."""


def _enum(values: Iterable[str]) -> Any:
    values = tuple(values)
    return Literal[values]  # type: ignore[valid-type]


def _one_of(values: Iterable[str]) -> Any:
    values = tuple(values)
    return Annotated[_enum(values), _canonical(values)]


def _list_of(values: Iterable[str], *, upper: bool = False) -> Any:
    values = tuple(values)
    item = Annotated[_enum(values), _canonical(values)]
    return Annotated[list[item], _items(upper=upper)]  # type: ignore[valid-type]


def _years(ds: Dataset) -> tuple[int, int]:
    years = ds.obs["year"]
    return (int(years.min()), int(years.max())) if len(years) else (0, 0)


def _year_field(description: str, *, required: bool = False) -> Callable:
    def build(ds: Dataset):
        first, last = _years(ds)
        default = ... if required else None
        return WholeNumber, Field(default, ge=first, le=last, description=description)

    return build


# --------------------------------------------------------------------------- parameters


@dataclass(frozen=True)
class Param:
    """One query parameter: how to build its type for a dataset, and how it is explained."""

    name: str
    build: Callable[[Dataset], tuple[Any, Any]]
    many: bool = False
    """A list: comma-separated, and/or the parameter repeated."""
    see: str | None = None
    """The endpoint listing the valid values, named in errors instead of the list itself."""
    noun: str | None = None
    """What an unknown value is called in the error message ("unknown group 'x'")."""
    empty: str | None = None
    """The message for a list parameter with no items in it (``countries=,,,``)."""
    unknown: Callable[[list[str]], str] | None = None
    """The message for unknown items of a list parameter."""


def _unknown_countries(codes: list[str]) -> str:
    shown = ", ".join(show(c) for c in codes[:5])
    more = f" and {len(codes) - 5} more" if len(codes) > 5 else ""
    return f"unknown ISO 3166-1 alpha-3 code(s): {shown}{more}; the group 'world' lists every code"


FORMAT = Param(
    "format",
    lambda ds: (
        _one_of(FORMATS),
        Field("json", description="`json` (default) or `csv` (a download, UTF-8 with BOM)."),
    ),
)
INDEX_FORMAT = Param(
    "format",
    lambda ds: (
        _one_of(FORMATS),
        Field("json", description="Accepted for symmetry; the index is always JSON."),
    ),
)
LANG = Param(
    "lang",
    lambda ds: (
        _one_of(i18n.LANGUAGES),
        Field(
            i18n.DEFAULT,
            description="Language of titles, units, group and country names (ids and column "
            "names stay English): one of the six UN languages.",
        ),
    ),
)
INDICATOR = Param(
    "indicator",
    lambda ds: (
        _one_of(ds.catalog.index),
        Field(description="An indicator id, as listed by `/indicators`."),
    ),
    see="indicators",
)
GROUP = Param(
    "group",
    lambda ds: (
        _one_of(ds.groups),
        Field(
            None,
            description="A group id (`/groups`): its member economies; with `countries`, the "
            "members and the countries together.",
        ),
    ),
    noun="group",
)
GROUPS = Param(
    "groups",
    lambda ds: (
        _list_of(ds.groups),
        Field(
            None,
            min_length=1,
            description="Group ids, comma-separated (default: every group).",
        ),
    ),
    many=True,
    noun="group",
    empty="no group ids given",
)
COUNTRIES = Param(
    "countries",
    lambda ds: (
        _list_of(ds.countries.index, upper=True),
        Field(
            None,
            min_length=1,
            description="ISO 3166-1 alpha-3 codes, comma-separated, any letter case "
            "(the group `world` lists every code).",
        ),
    ),
    many=True,
    see="groups",
    empty="no ISO 3166-1 alpha-3 codes given",
    unknown=_unknown_countries,
)
YEAR = Param(
    "year",
    _year_field(
        "One year: each economy's latest value within `tolerance` years before it. "
        "Not together with `start`/`end`."
    ),
)
AGGREGATE_YEAR = Param("year", _year_field("The year of the group values.", required=True))
START = Param("start", _year_field("First year of a range (inclusive)."))
END = Param("end", _year_field("Last year of a range (inclusive)."))


def _tolerance(most: int, description: str) -> Param:
    return Param(
        "tolerance",
        lambda ds: (WholeNumber, Field(None, ge=0, le=most, description=description)),
    )


TOLERANCE = _tolerance(
    MAX_TOLERANCE,
    "Years a value may be older than the year asked for "
    "(default: the indicator's window, see `/indicators`).",
)
THRESHOLD = Param(
    "threshold",
    lambda ds: (
        float,
        Field(
            q.DEFAULT_THRESHOLD,
            ge=0,
            le=1,
            allow_inf_nan=False,
            description="Share (0–1) of a group's weight that must be reported for the year "
            "before its value is given; below it the value is withheld (null).",
        ),
    ),
)
METHOD = Param(
    "method",
    lambda ds: (
        _one_of(q.METHODS),
        Field(
            views.DEFAULT_METHOD,
            description="`estimated` (our estimate, default), `reported` (reported values "
            "only) or `official` (ITU's published value, null where ITU has none).",
        ),
    ),
)


def _view(
    name: str,
    values: Iterable[str] | Callable[[Dataset], Iterable[str]] | None,
    description: str,
    *,
    default=None,
) -> Param:
    def build(ds: Dataset):
        valid = ds.groups if values is None else values(ds) if callable(values) else values
        return _one_of(valid), Field(default, description=description)

    return Param(name, build, noun="group" if values is None else None)


def _view_year(name: str, description: str) -> Param:
    return Param(
        name,
        lambda ds: (WholeNumber, Field(None, ge=FIRST_YEAR, le=LAST_YEAR, description=description)),
    )


def view_indicators(ds: Dataset) -> tuple[str, ...]:
    """Every theme's indicators, those added to the dataset in service included."""
    return tuple(dict.fromkeys(i for t in THEMES.values() for i in indicators_of(t, ds.catalog)))


VIEW = (
    _view("theme", THEMES, "The dashboard's theme (tab).", default=None),
    _view("indicator", view_indicators, "One of the theme's indicators (its default when absent)."),
    _view("unit", UNITS, "Price unit of the affordability theme."),
    _view("kind", GROUP_KINDS, "The kind of groups compared."),
    _view("group", None, "The group shown (default `world`)."),
    Param(
        "countries",
        COUNTRIES.build,
        many=True,
        see="groups",
        empty=COUNTRIES.empty,
        unknown=_unknown_countries,
    ),
    _view_year("year", "The map's year (default: the indicator's latest well-reported year)."),
    _tolerance(
        VIEW_MAX_TOLERANCE,
        "Years a value may be older than the map's year (default: the indicator's window).",
    ),
    _view("method", ("estimated", "reported"), "Group values: `estimated` or `reported`."),
    _view_year("start", "First year of the trend."),
    _view_year("end", "Last year of the trend."),
    _view("a", None, "First group of the gender theme's comparison."),
    _view("b", None, "Second group of the gender theme's comparison."),
)

PARAMS: dict[str, tuple[Param, ...]] = {
    "index": (INDEX_FORMAT,),
    "indicators": (FORMAT, LANG),
    "groups": (FORMAT, LANG),
    "observations": (INDICATOR, GROUP, COUNTRIES, START, END, YEAR, TOLERANCE, FORMAT, LANG),
    "aggregates": (INDICATOR, AGGREGATE_YEAR, GROUPS, METHOD, TOLERANCE, THRESHOLD, FORMAT, LANG),
    "view": (*VIEW, FORMAT, LANG),
    "stories": (LANG,),
    "openapi": (),
    "docs": (),
    "docs_css": (),
}
"""Each endpoint's parameters, in the order they are documented."""


# --------------------------------------------------------------------------- models


class QueryModels:
    """The endpoints' query models for one dataset, and their JSON schemas."""

    def __init__(self, ds: Dataset) -> None:
        self.models: dict[str, type[BaseModel]] = {}
        self.schemas: dict[str, dict] = {}
        for endpoint, params in PARAMS.items():
            fields = {p.name: p.build(ds) for p in params}
            model = create_model(
                f"{endpoint.title().replace('_', '')}Query",
                __config__=ConfigDict(extra="forbid"),
                **fields,
            )
            self.models[endpoint] = model
            self.schemas[endpoint] = model.model_json_schema()


def query_models(ds: Dataset) -> QueryModels:
    """The query models of ``ds`` (built once per dataset)."""
    models = ds.cache.get("api.query_models")
    if models is None:
        models = ds.cache["api.query_models"] = QueryModels(ds)
    return models


def valid_values(schema: Mapping) -> object:
    """What an error lists as valid for a parameter: its enum, or its ``{"min", "max"}``."""
    if "items" in schema:
        return valid_values(schema["items"])
    if "enum" in schema:
        return list(schema["enum"])
    if "const" in schema:
        return [schema["const"]]
    if "minimum" in schema or "maximum" in schema:
        return {"min": schema.get("minimum"), "max": schema.get("maximum")}
    return None


def parse_query(ds: Dataset, endpoint: str, args, see: Callable[[str], str]) -> dict[str, Any]:
    """The query string ``args`` (a werkzeug ``MultiDict``) validated against ``endpoint``'s
    model: every parameter of the endpoint by name (absent or empty ones as their default).
    Raises ``ApiError`` for the first problem; ``see(endpoint)`` gives an endpoint's URL."""
    params = PARAMS[endpoint]
    names = [p.name for p in params]
    for name in args:
        if name not in names:
            raise ApiError(name, f"unknown parameter {show(name)}", valid=names)
    raw: dict[str, object] = {}
    for param in sorted(params, key=lambda p: _rank(p.name, names)):
        values = args.getlist(param.name)
        if param.many:
            if any(v.strip() for v in values):
                raw[param.name] = values
            continue
        if len(values) > 1:
            raise ApiError(param.name, f"{param.name} is given {len(values)} times; give it once")
        if values and values[0].strip():
            raw[param.name] = values[0].strip()
    models = query_models(ds)
    try:
        parsed = models.models[endpoint].model_validate(raw)
    except ValidationError as exc:
        raise _api_error(exc, params, models.schemas[endpoint], raw, see) from None
    return parsed.model_dump()


def _rank(name: str, names: list[str]) -> tuple[int, int]:
    return (0 if name in CHECKED_FIRST else 1, names.index(name) if name in names else 0)


INTEGER_ERRORS = {"int_type", "int_parsing", "int_parsing_size", "int_from_float"}
NUMBER_ERRORS = {"float_type", "float_parsing", "finite_number"}
RANGE_ERRORS = {"greater_than_equal", "less_than_equal", "greater_than", "less_than"}


def _api_error(
    exc: ValidationError,
    params: tuple[Param, ...],
    schema: Mapping,
    raw: Mapping[str, object],
    see: Callable[[str], str],
) -> ApiError:
    """The API's error for the first of ``exc``'s problems (in the order parameters are
    checked), in words a client can act on."""
    names = [p.name for p in params]
    errors = exc.errors(include_url=False)
    first = min(errors, key=lambda e: _rank(str(e["loc"][0]), names))
    name = str(first["loc"][0])
    param = params[names.index(name)]
    prop = schema["properties"][name]
    valid = None if param.see else valid_values(prop)
    where = see(param.see) if param.see else None
    kind = first["type"]
    text = raw.get(name)
    shown = show(text if isinstance(text, str) else first.get("input", ""))
    if kind == "missing":
        message = f"{name} is required"
    elif kind in ("literal_error", "enum"):
        bad = [
            str(e["input"])
            for e in errors
            if e["loc"][0] == name and e["type"] in ("literal_error", "enum")
        ]
        if param.unknown is not None:
            message = param.unknown(bad)
        else:
            message = f"unknown {param.noun or name} {show(bad[0])}"
    elif kind == "too_short" and param.empty:
        message = param.empty
    elif kind in INTEGER_ERRORS:
        message = f"{name} must be a whole number, not {shown}"
    elif kind in NUMBER_ERRORS:
        message = f"{name} must be a number, not {shown}"
    elif kind in RANGE_ERRORS and isinstance(valid, dict):
        value = first.get("input")
        value = value if isinstance(value, (int, float)) else text
        message = f"{name} must be between {valid['min']} and {valid['max']}, not {value}"
    else:
        message = f"{name}: {first['msg']}"
    return ApiError(name, message, valid=valid, see=where)


# --------------------------------------------------------------------------- answers


class Answer(BaseModel):
    """An answer's object: exactly the fields listed (the document says so)."""

    model_config = ConfigDict(extra="forbid")


class ErrorDetail(Answer):
    parameter: str | None = Field(description="The parameter at fault (null: none in particular).")
    message: str
    valid: list[str] | dict[str, int | float] | None = Field(
        None, description="The valid values, or their `min` and `max`."
    )
    see: str | None = Field(None, description="Where the valid values are listed.")


class ErrorResponse(Answer):
    """The answer to a request the API cannot serve."""

    error: ErrorDetail


class Endpoint(Answer):
    path: str
    parameters: list[str]


class IndexResponse(Answer):
    """The API's endpoints and their parameters."""

    endpoints: list[Endpoint]
    openapi: str = Field(description="This document's address.")
    docs: str = Field(description="Its documentation page's address.")


class Indicator(Answer):
    id: str
    theme: str | None
    title: str | None
    unit: str | None
    levels: str = Field(description='"economies and groups", or "groups only".')
    tolerance: int = Field(description="The indicator's window in years.")
    definition: str | None
    source: str | None
    sources: list[str]
    code: str | None
    licence: str | None
    aggregation: str | None
    weight: str | None
    higher_is_better: bool | None
    decimals: int
    target: float | None


class IndicatorsResponse(Answer):
    """The catalog, with the sources' notices."""

    indicators: list[Indicator]
    notices: list[str]


class Group(Answer):
    id: str
    kind: str
    label: str
    members: list[str] = Field(description="ISO 3166-1 alpha-3 codes.")


class GroupsResponse(Answer):
    """The groups and their member economies."""

    groups: list[Group]


Cell = str | int | float | bool | None

ObservationRow = create_model(
    "ObservationRow",
    __config__=ConfigDict(extra="forbid"),
    __doc__="One value of one economy (the columns of the CSV download). `name` (the "
    "economy's name in `lang`) is there when `lang` is given.",
    **{c: (Cell, ...) for c in EXPORT_COLUMNS},
    name=(str | None, None),
)


class ObservationsQuery(Answer):
    group: str | None
    countries: list[str] | None
    start: int | None
    end: int | None
    year: int | None
    tolerance: int | None


class ObservationsResponse(Answer):
    """Observations of one indicator, with its catalog entry and the sources' notices."""

    indicator: Indicator
    query: ObservationsQuery
    count: int
    rows: list[ObservationRow]  # type: ignore[valid-type]
    notices: list[str]


class AggregateRow(Answer):
    group: str
    label: str | None
    kind: str | None
    method: str | None
    value: float | None = Field(description="Null when withheld or missing, never 0.")
    reported_share: float | None
    history_share: float | None
    modelled_share: float | None
    missing_share: float | None
    coverage: float | None
    members_with_data: int | None
    members: int | None
    aggregation: str | None
    withheld: bool
    withheld_reason: str | None
    partial: bool
    first_data_year: float | None
    last_data_year: float | None
    source: str | None
    at_or_under_target: int | None = Field(None, description="Prices: economies at or under.")
    share_at_or_under_target: float | None = None
    target: float | None = None


class AggregatesResponse(Answer):
    """One value per group for one indicator and year."""

    indicator: Indicator
    year: int
    method: str
    tolerance: int
    threshold: float
    edition: str | None
    count: int
    rows: list[AggregateRow]
    notices: list[str]


class ViewResponse(Answer):
    """The rows of a dashboard view, as its "Download CSV of this view" gives them."""

    query: dict[str, Cell | list[str]] = Field(description="The view as understood.")
    count: int
    rows: list[dict[str, Cell]]
    notices: list[str]


class Story(Answer):
    id: str
    title: str
    slides: int


class StoriesResponse(Answer):
    """The ready-made stories (slide decks)."""

    stories: list[Story]


RESPONSES: tuple[type[BaseModel], ...] = (
    ErrorResponse,
    IndexResponse,
    IndicatorsResponse,
    GroupsResponse,
    ObservationsResponse,
    AggregatesResponse,
    ViewResponse,
    StoriesResponse,
)
