"""Shaping rows of the dataset for researchers: the CSV table, its notices and its file name.

Pure functions: nothing here reads files or knows about Flask or Dash.

The table (``export_frame``) names each country and indicator, says which year was asked for
and which year the value really comes from, and credits the source and licence on every row.
Source credits and the ITU licence notice also travel beside the table (``notices_for``): the
HTTP layer sends them in the ``X-Data-Notice`` header and the JSON ``notices`` field. They are
never written into the CSV itself, because comment lines break CSV parsers.
"""

from __future__ import annotations

import csv
import io
import math
import re
import unicodedata
from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd

from data import i18n
from data.catalog import ITU_LICENCE, ITU_NOTICE
from data.i18n import N_, _, ngettext
from data.load import Dataset
from data.views import aggregate_inputs

EXPORT_COLUMNS = [
    "iso3",
    "country",
    "indicator",
    "indicator_title",
    "unit",
    "requested_year",
    "year_of_data",
    "value_status",
    "value",
    "source",
    "source_citation",
    "licence",
    "experimental",
    "series_break",
    "derived",
    "note",
]
FLAG_COLUMNS = ("experimental", "series_break", "derived")
REPORTED = "reported"
CARRIED = "carried forward"
"""``value_status``: the value was reported for the requested year, or is the latest one from
an earlier year (``year_of_data``) shown for it."""
EXTRA_DECIMALS = 2
"""Exports keep two more decimals than the dashboard shows, so rounding never hides a change."""

BOM = "\ufeff"
MAX_FILENAME = 150
MAX_NAMED_COUNTRIES = 4


# --------------------------------------------------------------------------- helpers


def _text_column(series: pd.Series) -> pd.Series:
    """Plain Python strings (or ``None``), whatever the input dtype (categorical, str …)."""
    return pd.Series(
        [None if pd.isna(v) else str(v) for v in series.astype(object)],
        index=series.index,
        dtype=object,
    )


def _lookup(keys: pd.Series, table: pd.DataFrame, column: str) -> pd.Series:
    """``table[column]`` for each key (``None`` where the key or the value is unknown)."""
    if column not in table.columns:
        return pd.Series([None] * len(keys), index=keys.index, dtype=object)
    mapping = {k: v for k, v in table[column].items() if isinstance(v, str) and v != ""}
    return pd.Series([mapping.get(k) for k in keys], index=keys.index, dtype=object)


def _flag_column(rows: pd.DataFrame, name: str) -> pd.Series:
    if name not in rows.columns:
        return pd.Series(pd.NA, index=rows.index, dtype="boolean")
    if pd.api.types.is_bool_dtype(rows[name]):
        return rows[name].astype("boolean")
    values = rows[name].astype(object)

    def parse(value: object) -> object:
        if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
            return pd.NA
        if isinstance(value, str):
            text = value.strip().lower()
            if text in ("true", "1", "yes"):
                return True
            if text in ("false", "0", "no"):
                return False
            return pd.NA
        return bool(value)

    return pd.Series([parse(v) for v in values], index=rows.index, dtype="boolean")


def _year_column(rows: pd.DataFrame, *names: str) -> pd.Series:
    for name in names:
        if name in rows.columns:
            return pd.to_numeric(rows[name], errors="coerce").round().astype("Int64")
    return pd.Series(pd.NA, index=rows.index, dtype="Int64")


def round_values(values: pd.Series, decimals: pd.Series) -> pd.Series:
    """``values`` rounded row by row to ``decimals`` (left as they are where that is unknown).

    Missing values stay missing; ``-0.0`` from rounding a tiny negative number becomes ``0.0``.
    """
    out = pd.to_numeric(values, errors="coerce").astype("float64").copy()
    places = pd.to_numeric(decimals, errors="coerce")
    for d in sorted(places.dropna().unique()):
        mask = (places == d).to_numpy()
        out[mask] = np.round(out[mask].to_numpy(), int(d)) + 0.0
    return out


# --------------------------------------------------------------------------- the table


def export_frame(ds: Dataset, rows: pd.DataFrame, *, lang: str | None = None) -> pd.DataFrame:
    """The researcher's table for ``rows`` of observations, columns as in ``EXPORT_COLUMNS``.

    ``rows`` needs ``iso3``, ``indicator``, ``value``, ``year`` and ``source``; it may carry
    ``requested_year`` (from ``query.values_at_year``) and the flags ``experimental``,
    ``series_break``, ``derived`` and ``note``. Without ``requested_year`` the requested year is
    the year of the data. Values are rounded to the indicator's ``decimals`` + 2; a missing
    value stays missing (``NaN``), never 0. Flags are nullable booleans. With ``lang`` a
    ``name`` column after ``country`` gives the UN's name of the economy in that language, and
    the indicator's title and unit are in that language (ids and column names stay English).
    """
    rows = rows.reset_index(drop=True)
    n = len(rows)
    index = pd.RangeIndex(n)

    def text(name: str) -> pd.Series:
        if name in rows.columns:
            return _text_column(rows[name])
        return pd.Series([None] * n, index=index, dtype=object)

    iso3 = text("iso3")
    indicator = text("indicator")
    source = text("source")
    catalog, sources = ds.catalog, ds.sources

    names = _lookup(iso3, ds.countries, "name")
    country = names.where(names.notna(), iso3)
    year_of_data = _year_column(rows, "year", "year_of_data")
    requested = _year_column(rows, "requested_year")
    requested = requested.where(requested.notna(), year_of_data)

    places = {i: int(d) + EXTRA_DECIMALS for i, d in catalog["decimals"].items()}
    decimals = indicator.map(places)
    values = rows["value"] if "value" in rows.columns else pd.Series(np.nan, index=index)
    licence = _lookup(source, sources, "licence")
    licence = licence.where(licence.notna(), _lookup(indicator, catalog, "licence"))
    note = text("note").map(lambda v: v or "").astype(object)

    out = pd.DataFrame(
        {
            "iso3": iso3,
            "country": country,
            "indicator": indicator,
            "indicator_title": _lookup(indicator, catalog, "title"),
            "unit": _lookup(indicator, catalog, "unit"),
            "requested_year": requested,
            "year_of_data": year_of_data,
            "value_status": np.where(
                year_of_data.notna() & (year_of_data < requested), CARRIED, REPORTED
            ),
            "value": round_values(values, decimals),
            "source": source,
            "source_citation": _lookup(source, sources, "citation"),
            "licence": licence,
            **{flag: _flag_column(rows, flag) for flag in FLAG_COLUMNS},
            "note": note,
        },
        index=index,
    )
    if lang is None:
        return out[EXPORT_COLUMNS]
    out.insert(2, "name", [i18n.country_name(ds, str(code), lang) for code in iso3])
    for column in ("indicator_title", "unit"):
        out[column] = [i18n.translate(v, lang) if v is not None else None for v in out[column]]
    return out[[*EXPORT_COLUMNS[:2], "name", *EXPORT_COLUMNS[2:]]]


def above_target_frame(
    ds: Dataset, rows: pd.DataFrame, *, target: float, lang: str | None = None
) -> pd.DataFrame:
    """``export_frame`` of economies above a price target, with ``target`` and
    ``gap_to_target`` (value − target, same unit, same rounding) after ``value``."""
    table = export_frame(ds, rows, lang=lang)
    places = {i: int(d) + EXTRA_DECIMALS for i, d in ds.catalog["decimals"].items()}
    decimals = table["indicator"].map(places)
    at = table.columns.get_loc("value") + 1
    table.insert(at, "target", float(target))
    table.insert(at + 1, "gap_to_target", round_values(table["value"] - float(target), decimals))
    return table


# --------------------------------------------------------------------------- notices


def _source_ids(values: Iterable[object]) -> list[str]:
    ids: list[str] = []
    for value in values:
        if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
            continue
        for part in str(value).split(";"):
            part = part.strip()
            if part and part not in ids:
                ids.append(part)
    return ids


def notices_for_sources(ds: Dataset, source_ids: Iterable[str]) -> list[str]:
    """One citation line per source (in the sources table's order), then the ITU notice when
    any of them is ITU data. Unknown source ids are named as they are."""
    wanted = _source_ids(source_ids)
    known = [s for s in ds.sources.index if s in wanted]
    unknown = [s for s in wanted if s not in ds.sources.index]
    lines = []
    itu = False
    for sid in known:
        row = ds.sources.loc[sid]
        citation = str(row.get("citation") or row.get("title") or sid).strip()
        licence = str(row.get("licence") or "").strip()
        lines.append(f"{citation} Licence: {licence}." if licence else citation)
        itu = itu or bool(row.get("itu")) or licence == ITU_LICENCE
    lines.extend(f"Source: {sid}." for sid in unknown)
    if itu:
        lines.append(ITU_NOTICE)
    return lines


def notices_for(ds: Dataset, frame: pd.DataFrame) -> list[str]:
    """Citation lines and licence notice(s) for the sources present in ``frame['source']``.

    The ITU notice (CC BY-NC-SA 3.0 IGO) is included whenever any ITU source is present.
    """
    if "source" not in frame.columns:
        return []
    return notices_for_sources(ds, frame["source"].astype(object).tolist())


PRODUCER = N_("Digital Divide Dashboard")
BOUNDARY_NOTE = N_("Boundaries shown do not imply endorsement.")


def _short_publisher(publisher: str) -> str:
    """ "ITU, via World Bank WDI and Gapminder" → "ITU": the publisher, without the channel."""
    return publisher.split(", via ")[0].strip()


def _short_licence(licence: str) -> str:
    """ "UN Statistics Division terms: free to reuse with citation" → its terms only."""
    return licence.split(": ", 1)[-1].strip()


def credit_line(ds: Dataset, source_ids: Iterable[str], *, boundaries: bool = False) -> str:
    """One short line crediting the publishers of ``source_ids`` with their licences.

    Meant for the foot of a chart, so a chart saved as an image still names its sources and the
    ITU licence: "Source: ITU (CC BY-NC-SA 3.0 IGO); UN DESA Population Division (CC BY 4.0).
    Chart: Digital Divide Dashboard." Maps add the boundary note.
    """
    wanted = _source_ids(source_ids)
    credits: dict[str, str] = {}
    for sid in wanted:
        if sid in ds.sources.index:
            row = ds.sources.loc[sid]
            publisher = _short_publisher(str(row.get("publisher") or sid))
            licence = _short_licence(str(row.get("licence") or ""))
        else:
            publisher, licence = sid, ""
        if publisher not in credits:
            credits[publisher] = f"{publisher} ({licence})" if licence else publisher
    parts = []
    if credits:
        listed = "; ".join(i18n.translate(c, i18n.current_language()) for c in credits.values())
        parts.append(
            ngettext("Source: %(list)s.", "Sources: %(list)s.", len(credits)) % {"list": listed}
        )
    parts.append(_("Chart: %(producer)s.") % {"producer": _(PRODUCER)})
    if boundaries:
        parts.append(_(BOUNDARY_NOTE))
    return " ".join(parts)


def indicator_sources(ds: Dataset, indicator: str, *, with_inputs: bool = False) -> list[str]:
    """The source ids of ``indicator`` (its catalog ``sources``).

    With ``with_inputs``, also those of the indicators its group aggregate is computed from:
    the weight (population …) and the two components of a ratio or difference.
    """
    indicators = aggregate_inputs(ds, indicator) if with_inputs else [indicator]
    ids: list[str] = []
    for current in indicators:
        if current not in ds.catalog.index:
            continue
        spec = ds.catalog.loc[current]
        for sid in _source_ids([spec.get("sources") or spec.get("source")]):
            if sid not in ids:
                ids.append(sid)
    return ids


_ASCII_REPLACEMENTS = str.maketrans(
    {
        "\u2013": "-",
        "\u2014": "-",
        "\u2212": "-",
        "\u2018": "'",
        "\u2019": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u2026": "...",
        "\u00a0": " ",
        "\u00d7": "x",
    }
)


def ascii_text(text: str) -> str:
    """``text`` with typographic punctuation replaced and accents and other non-ASCII dropped;
    control characters become spaces (safe for an HTTP header)."""
    text = unicodedata.normalize("NFKD", text.translate(_ASCII_REPLACEMENTS))
    text = text.encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[\x00-\x1f\x7f]+", " ", text).strip()


def notice_header(notices: Sequence[str]) -> str:
    """The notices as one ASCII line for the ``X-Data-Notice`` response header."""
    return " | ".join(t for t in (ascii_text(n) for n in notices) if t)


# --------------------------------------------------------------------------- CSV


def _cell(value: object) -> str:
    if value is None or value is pd.NA or value is pd.NaT:
        return ""
    if isinstance(value, (bool, np.bool_)):
        return "true" if value else "false"
    if isinstance(value, (np.integer, int)):
        return str(int(value))
    if isinstance(value, (np.floating, float)):
        number = float(value)
        if math.isnan(number) or math.isinf(number):
            return ""
        text = repr(number + 0.0)
        if "e" in text:
            text = np.format_float_positional(number, trim="-")
        return text
    return str(value)


def csv_bytes(frame: pd.DataFrame, *, notices: Sequence[str] | None = None) -> bytes:
    """``frame`` as CSV: UTF-8 with a byte-order mark, ``\\n`` line endings, header row first.

    Booleans are written ``true``/``false``; missing values are empty cells, never 0.

    ``notices`` are not written into the table (a comment line breaks CSV parsers); send them
    beside it (``notice_header``). When given, they are checked: a table with ITU-licensed
    rows must be accompanied by the ITU notice, or ``ValueError`` is raised.
    """
    if notices is not None and "licence" in frame.columns:
        has_itu = frame["licence"].astype(object).eq(ITU_LICENCE).any()
        if has_itu and ITU_NOTICE not in notices:
            raise ValueError("ITU data must be accompanied by the ITU licence notice")
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow([str(c) for c in frame.columns])
    for row in frame.itertuples(index=False, name=None):
        writer.writerow([_cell(v) for v in row])
    return (BOM + buffer.getvalue()).encode("utf-8")


# --------------------------------------------------------------------------- file name


def _slug(text: object) -> str:
    text = ascii_text(str(text))
    text = re.sub(r"[^A-Za-z0-9._-]+", "-", text)
    text = re.sub(r"\.{2,}", ".", re.sub(r"-{2,}", "-", text))
    return text.strip("-.") or "x"


def export_filename(
    indicator: str,
    *,
    group: str | None,
    countries: Sequence[str] | None,
    start: int | None,
    end: int | None,
    year: int | None = None,
    tolerance: int | None = None,
) -> str:
    """A file name that says what the export holds, made of ``[A-Za-z0-9._-]`` only.

    ``internet_users_pct_itu-africa_2010-2023.csv``,
    ``price_fixed_broadband_gni_pct_world_2025_latest-within-3y.csv``.
    """
    parts = [_slug(indicator)]
    scope = []
    if group:
        scope.append(_slug(group))
    codes = [_slug(c).lower() for c in (countries or []) if str(c).strip()]
    if codes:
        if len(codes) <= MAX_NAMED_COUNTRIES:
            scope.append("-".join(codes))
        else:
            shown = codes[: MAX_NAMED_COUNTRIES - 1]
            scope.append("-".join([*shown, f"and-{len(codes) - len(shown)}-more"]))
    parts.append("_".join(scope) if scope else "all-countries")
    if year is not None:
        parts.append(str(int(year)))
        if tolerance:
            parts.append(f"latest-within-{int(tolerance)}y")
    elif start is not None and end is not None:
        parts.append(f"{int(start)}-{int(end)}" if start != end else str(int(start)))
    elif start is not None:
        parts.append(f"from-{int(start)}")
    elif end is not None:
        parts.append(f"to-{int(end)}")
    else:
        parts.append("all-years")
    stem = "_".join(parts)
    if len(stem) > MAX_FILENAME:
        stem = stem[:MAX_FILENAME].rstrip("-_.")
    return f"{stem}.csv"
