"""The rows behind a view of the dashboard: one definition for its charts' tables, its CSV
button and the data-API link on the page.

A view is what the page's address names (``components.urlstate``): an indicator, a group,
picked countries, a year for the map and a range of years for the trend. Its rows are what its
two charts draw, each row saying which chart it belongs to:

- **map**: each economy of the selected group (the world: every economy) and each picked
  country, even outside the group, with its value for the map's year (the latest within the
  window of missing years; an economy without one is listed as "no data", never 0). For a series
  ITU publishes for groups only, the map is ITU's six regions, and so are its rows.
- **trend**: each line the trend draws, year by year: the world and the selected group (our
  estimate or reported values only, as chosen, and ITU's own line where it publishes one), and
  each picked country's reported values.

The same rule is used by the data API (``/api/v1/view`` answers the page's own query), so a
picked country is never dropped because it lies outside the group.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from data import export, i18n, views
from data.i18n import N_
from data.load import Dataset

MAP, TREND = "map", "trend"
NO_DATA = "no data"
GROUP_STATUS = {
    "estimated": N_("our estimate"),
    "reported": N_("reported values only"),
    "official": N_("ITU estimate"),
}
WITHHELD = "withheld"


@dataclass(frozen=True)
class View:
    """A view's settings, already cleaned (``callbacks.controls`` and the API clean them)."""

    indicator: str
    group: str = "world"
    countries: tuple[str, ...] = ()
    year: int = 2023
    start: int = 2005
    end: int = 2024
    tolerance: int = 0
    method: str = views.DEFAULT_METHOD


def view_columns(lang: str | None) -> list[str]:
    columns = ["chart", "iso3", "group", *export.EXPORT_COLUMNS[1:]]
    if lang is not None:
        columns.insert(4, "name")
    return columns


def trend_groups(group: str) -> list[str]:
    """The groups the trend draws: the world, and the selected group beside it."""
    return list(dict.fromkeys(["world", group]))


def map_economies(ds: Dataset, group: str, countries: Sequence[str]) -> list[str]:
    """The economies of the map's rows: the group's members and the picked countries."""
    members = set(views.members_of(ds, group)) if group != "world" else set(ds.countries.index)
    return [iso3 for iso3 in ds.countries.index if iso3 in members or iso3 in set(countries)]


def _economy_rows(ds: Dataset, view: View) -> pd.DataFrame:
    frame = views.map_frame(ds, view.indicator, view.year, tolerance=view.tolerance)
    frame = frame.loc[frame["iso3"].isin(map_economies(ds, view.group, view.countries))]
    rows = pd.DataFrame(
        {
            "iso3": frame["iso3"].to_numpy(),
            "indicator": view.indicator,
            "requested_year": view.year,
            "year": frame["year"].to_numpy(),
            "value": frame["value"].to_numpy(),
            "source": frame["source_id"].replace("", None).to_numpy(),
            "experimental": frame["experimental"].to_numpy(),
            "series_break": frame["series_break"].to_numpy(),
            "note": frame["note"].to_numpy(),
        }
    )
    return rows


def _group_rows(lines: pd.DataFrame, indicator: str, requested) -> pd.DataFrame:
    """Group lines as rows: ``lines`` has group/series, year, value, data_year, method …"""
    notes = []
    for line in lines.itertuples(index=False):
        share = getattr(line, "reported_share", np.nan)
        coverage = getattr(line, "coverage", np.nan)
        words = []
        if coverage == coverage and line.method != "official":
            words.append(f"coverage {100 * coverage:.0f}%")
        if share == share and line.method == "estimated":
            words.append(f"reported {100 * share:.0f}%")
        if bool(getattr(line, "partial", False)):
            words.append("partial")
        notes.append("; ".join(words))
    # ITU's estimates are for the year they are published for.
    official = (lines["method"] == "official").to_numpy() & lines["value"].notna().to_numpy()
    data_year = np.where(official, requested, lines["data_year"].to_numpy(dtype=float))
    return pd.DataFrame(
        {
            "group": lines["group"].to_numpy(),
            "indicator": indicator,
            "requested_year": requested,
            "year": data_year,
            "value": lines["value"].to_numpy(),
            "source": lines["source_id"].replace("", None).to_numpy(),
            "note": notes,
            "method": lines["method"].to_numpy(),
        }
    )


def _region_rows(ds: Dataset, view: View) -> pd.DataFrame:
    values = views.group_values(
        ds, view.indicator, list(views.ITU_REGION_GROUPS), [view.year], method="official"
    )
    return _group_rows(values.assign(data_year=np.nan), view.indicator, view.year)


def _trend_frame(ds: Dataset, view: View) -> pd.DataFrame:
    """The lines the view's trend draws (``views.trend_frame``), one row per point."""
    return views.trend_frame(
        ds,
        view.indicator,
        countries=list(view.countries),
        groups=trend_groups(view.group),
        start=view.start,
        end=view.end,
        tolerance=view.tolerance,
        method=view.method,
    )


def _trend_rows(ds: Dataset, view: View) -> tuple[pd.DataFrame, pd.DataFrame]:
    frame = _trend_frame(ds, view)
    lines = frame.loc[frame["kind"] != "country"]
    lines = lines.assign(group=lines["series"].str.removesuffix(":itu"))
    groups = _group_rows(lines, view.indicator, lines["year"].to_numpy())
    countries = frame.loc[frame["kind"] == "country"]
    economies = pd.DataFrame(
        {
            "iso3": countries["series"].to_numpy(),
            "indicator": view.indicator,
            "year": countries["year"].to_numpy(),
            "value": countries["value"].to_numpy(),
            "source": countries["source_id"].to_numpy(),
        }
    )
    return groups, economies


def _finish(ds: Dataset, rows: pd.DataFrame, chart: str, lang: str | None) -> pd.DataFrame:
    """``rows`` of economies (``iso3``) or groups (``group``, ``method``) as view rows."""
    table = export.export_frame(ds, rows, lang=lang)
    table.insert(0, "chart", chart)
    group = rows["group"] if "group" in rows.columns else pd.Series([None] * len(rows))
    table.insert(2, "group", group.to_numpy(dtype=object))
    missing = table["value"].isna().to_numpy()
    if "group" in rows.columns:
        english = [str(ds.groups[g].get("label", g)) for g in rows["group"]]
        table["iso3"] = None
        table["country"] = english
        if lang is not None:
            table["name"] = [i18n.translate(label, lang) for label in english]
        status = [GROUP_STATUS.get(m, m) for m in rows["method"]]
        table["value_status"] = np.where(missing, WITHHELD, status)
    else:
        table["value_status"] = np.where(missing, NO_DATA, table["value_status"])
        table.loc[missing, "year_of_data"] = pd.NA
    return table


def row_counts(ds: Dataset, view: View) -> dict[str, int]:
    """How many rows ``view_rows`` gives each chart, without building them: the map has a row
    per economy in scope (per ITU region for a groups-only series), the trend one per point."""
    if views.groups_only(ds, view.indicator):
        on_map = len(views.ITU_REGION_GROUPS)
    else:
        on_map = len(map_economies(ds, view.group, view.countries))
    return {MAP: on_map, TREND: len(_trend_frame(ds, view))}


def view_rows(ds: Dataset, view: View, *, lang: str | None = None) -> pd.DataFrame:
    """The rows of ``view``: its map's, then its trend's (see the module's docstring)."""
    parts = []
    if views.groups_only(ds, view.indicator):
        parts.append(_finish(ds, _region_rows(ds, view), MAP, lang))
    else:
        parts.append(_finish(ds, _economy_rows(ds, view), MAP, lang))
    groups, economies = _trend_rows(ds, view)
    parts.append(_finish(ds, groups, TREND, lang))
    parts.append(_finish(ds, economies, TREND, lang))
    parts = [p for p in parts if len(p)]
    if not parts:
        return pd.DataFrame(columns=view_columns(lang))
    return pd.concat(parts, ignore_index=True)[view_columns(lang)]


def view_filename(view: View) -> str:
    """``internet_users_pct_itu-africa_tur_map-2023_trend-2010-2024.csv``."""
    stem = export.export_filename(
        view.indicator, group=view.group, countries=view.countries, start=None, end=None
    ).removesuffix("_all-years.csv")
    return f"{stem}_map-{view.year}_trend-{view.start}-{view.end}.csv"


SUMMARY_COLUMNS = [
    "group",
    "group_name",
    "indicator",
    "indicator_title",
    "unit",
    "requested_year",
    "value",
    "value_status",
    "first_data_year",
    "last_data_year",
    "reported_share",
    "coverage",
    "members_with_data",
    "members",
    "itu_value",
    "source",
    "source_citation",
    "itu_source",
    "licence",
    "note",
]


def summary_rows(
    ds: Dataset,
    kind: str,
    year: int,
    *,
    tolerance: int | None = None,
    method: str = views.DEFAULT_METHOD,
    indicators: Sequence[str] | None = None,
    lang: str | None = None,
) -> pd.DataFrame:
    """The regional summary's table, a row per group and indicator: our value (with its data
    years, the share reported and the coverage behind it) and ITU's beside it."""
    from components.themes import SUMMARY_INDICATORS

    indicators = list(indicators or SUMMARY_INDICATORS)
    table = views.summary_table(ds, kind, indicators, year, tolerance=tolerance, method=method)
    itu_source = sorted({str(s) for s in ds.official["source"].unique()})
    records = []
    for record in table.to_dict("records"):
        gid = record["group"]
        label = str(ds.groups[gid].get("label", gid))
        for indicator in indicators:
            spec = ds.catalog.loc[indicator]
            places = int(spec["decimals"]) + export.EXTRA_DECIMALS
            value, itu = record[f"{indicator}__value"], record[f"{indicator}__itu"]
            method_used = record[f"{indicator}__method"]
            status = GROUP_STATUS.get(method_used, method_used)
            if value != value:
                status = WITHHELD
            elif record[f"{indicator}__partial"]:
                status = f"{status}, partial"
            source = str(spec["source"])
            records.append(
                {
                    "group": gid,
                    "group_name": i18n.translate(label, lang) if lang else label,
                    "indicator": indicator,
                    "indicator_title": i18n.translate(str(spec["title"]), lang or "en"),
                    "unit": i18n.translate(str(spec["unit"]), lang or "en"),
                    "requested_year": int(year),
                    "value": None if value != value else round(float(value), places),
                    "value_status": status,
                    "first_data_year": _year(record[f"{indicator}__first_data_year"]),
                    "last_data_year": _year(record[f"{indicator}__last_data_year"]),
                    "reported_share": _share(record[f"{indicator}__reported"]),
                    "coverage": _share(record[f"{indicator}__coverage"]),
                    "members_with_data": _year(record[f"{indicator}__with_data"]),
                    "members": _year(record[f"{indicator}__members"]),
                    "itu_value": None if itu != itu else round(float(itu), places),
                    "source": ";".join(export.indicator_sources(ds, indicator, with_inputs=True)),
                    "source_citation": ds.sources.at[source, "citation"]
                    if source in ds.sources.index
                    else None,
                    "itu_source": ";".join(itu_source) if itu == itu else None,
                    "licence": spec.get("licence"),
                    "note": record[f"{indicator}__withheld_reason"] or "",
                }
            )
    return pd.DataFrame(records, columns=SUMMARY_COLUMNS)


def _year(value: object) -> int | None:
    return None if value is None or value != value else int(value)


def _share(value: object) -> float | None:
    return None if value is None or value != value else round(float(value), 3)


def summary_filename(table: pd.DataFrame) -> str:
    year = int(table["requested_year"].iloc[0]) if len(table) else 0
    kind = "-".join(sorted({str(g).split("-")[0] for g in table["group"] if g != "world"}))
    return f"regional-summary_{kind or 'world'}_{year}.csv"


def notices(ds: Dataset, table: pd.DataFrame) -> list[str]:
    """The citations and licence notices of a table's sources (ITU's column included)."""
    sources = [*table.get("source", []), *table.get("itu_source", [])]
    return export.notices_for_sources(ds, sources)
