"""The frames behind each view of the dashboard, built from the dataset with ``data.query``.

Pure: a ``Dataset`` and control values in, a new frame out. The charts, the CSV download and
the tests all call these functions, so what is downloaded is what is drawn.
"""

from __future__ import annotations

import math
from collections import OrderedDict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace

import numpy as np
import pandas as pd

from data import estimate as est
from data import i18n
from data import query as q
from data.i18n import N_, _, ngettext
from data.load import Dataset, load_map_points

# Broadband Commission 2025 targets for Internet use (share of population online).
INTERNET_TARGETS = [
    {"label": N_("2025 target, world: 75%"), "value": 75.0, "group": "world"},
    {"label": N_("2025 target, developing countries: 65%"), "value": 65.0, "group": "developing"},
    {"label": N_("2025 target, LDCs: 35%"), "value": 35.0, "group": "ldc"},
]
PARITY_BAND = (0.98, 1.02)
ITU_REGION_GROUPS = {
    "itu-africa": "Africa",
    "itu-americas": "Americas",
    "itu-arab-states": "Arab States",
    "itu-asia-pacific": "Asia & Pacific",
    "itu-cis": "CIS",
    "itu-europe": "Europe",
}


# --------------------------------------------------------------------------- metadata


def indicator_spec(ds: Dataset, indicator: str) -> dict:
    """The catalog row of ``indicator`` as a plain dict (raises QueryError if unknown)."""
    if indicator not in ds.catalog.index:
        raise q.QueryError(f"unknown indicator {indicator!r}")
    row = ds.catalog.loc[indicator].to_dict()
    row["unit_en"] = row.get("unit")  # what the code tests (the words shown may be translated)
    lang = i18n.current_language()
    if lang != i18n.DEFAULT:
        for column in ("title", "short_title", "unit", "definition"):
            if isinstance(row.get(column), str):
                row[column] = i18n.translate(row[column], lang)
    target = row.get("target")
    row["target"] = None if target is None or pd.isna(target) else float(target)
    row["decimals"] = int(row["decimals"])
    return row


def source_label(ds: Dataset, source_id: str) -> str:
    """A source's publisher, in the current language."""
    try:
        return i18n.translate(str(ds.sources.at[source_id, "publisher"]), i18n.current_language())
    except KeyError:
        return source_id


def is_itu(ds: Dataset, source_ids: Iterable[str]) -> bool:
    return any(bool(ds.sources.at[s, "itu"]) for s in set(source_ids) if s in ds.sources.index)


def year_span(ds: Dataset, indicator: str) -> tuple[int, int]:
    """First and last year with reported values or ITU's official group values."""
    years = pd.concat(
        [
            ds.subset(indicator)["year"],
            ds.official.loc[ds.official["indicator"] == indicator, "year"],
        ]
    )
    if years.empty:
        raise q.QueryError(f"no data for {indicator!r}")
    return int(years.min()), int(years.max())


def colour_range(ds: Dataset, indicator: str) -> tuple[float, float]:
    """A colour range fixed across all years, so that years can be compared on the map."""
    spec = indicator_spec(ds, indicator)
    values = ds.subset(indicator)["value"]
    if spec["bounded"]:
        return (0.0, 100.0)
    if values.empty:
        return (0.0, 1.0)
    if spec["aggregation"] == "ratio":
        spread = float(max(abs(values.quantile(0.02) - 1), abs(values.quantile(0.98) - 1), 0.05))
        return (round(1 - spread, 2), round(1 + spread, 2))
    low = float(values.quantile(0.02))
    high = float(values.quantile(0.95 if spec["aggregation"] == "median" else 0.98))
    low = min(low, 0.0) if low >= 0 else low
    if spec["aggregation"] == "median" and high > 0:
        # Prices: the top of the scale is a round amount ("≥ 90"), not a quantile ("≥ 88.72").
        high = nice_ceiling(high)
    return (low, high if high > low else low + 1)


def nice_ceiling(value: float) -> float:
    """``value`` rounded up to a multiple of 5 × 10^(k−1), where 10^k is its order of
    magnitude: 88.7 → 90, 149.2 → 150, 40.03 → 45, 7.95 → 8."""
    step = 10 ** (math.floor(math.log10(value)) - 1) * 5
    return float(round(math.ceil(value / step - 1e-9) * step, 10))


def estimated_panel(ds: Dataset, indicator: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Every economy × every year of ``indicator``: values reported or estimated, and how.

    Computed once per loaded dataset (see ``data.estimate``); peers are economies of the same
    ITU region and World Bank income group.
    """
    key = ("estimate", indicator)
    if key not in ds.cache:
        spec = indicator_spec(ds, indicator)
        ds.cache[key] = estimate_with(ds, indicator, est.Params(bounded=bool(spec["bounded"])))
    return ds.cache[key]


def estimate_with(
    ds: Dataset, indicator: str, params: est.Params
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """``estimated_panel`` with the given parameters (not cached).

    An indicator with an ``anchor`` in the catalog (women's rate → the total rate) is
    estimated through it, over the anchor's years (``data.estimate.estimate_relative``).
    """
    rows = ds.subset(indicator)
    index = pd.Index(ds.countries.index, name="iso3")
    if rows.empty:
        empty = pd.DataFrame(index=index)
        return empty, empty.copy()
    anchor = _text_or_none(ds.catalog.at[indicator, "anchor"]) if "anchor" in ds.catalog else None
    peers = pd.DataFrame(
        {"region": ds.countries["itu_region"], "income": ds.countries["income_group"]}
    )
    panel = rows.pivot(index="iso3", columns="year", values="value")
    if anchor and anchor in ds.catalog.index and not ds.subset(anchor).empty:
        base, base_kinds = estimated_panel(ds, anchor)
        panel = panel.reindex(index=index, columns=list(base.columns)).astype(float)
        relative = replace(params, max_age=ANCHORED_MAX_AGE)
        return est.estimate_relative(panel, base, base_kinds, peers, relative)
    years = range(int(rows["year"].min()), int(rows["year"].max()) + 1)
    panel = panel.reindex(index=index, columns=list(years)).astype(float)
    return est.estimate_panel(panel, peers, params)


ANCHORED_MAX_AGE = 8
"""Years a survey's gap to its anchor (women's rate to the total rate) is carried forward."""


def _text_or_none(value: object) -> str | None:
    text = "" if value is None or (isinstance(value, float) and math.isnan(value)) else str(value)
    return text.strip() or None


def warm_estimates(ds: Dataset) -> None:
    """Estimate every indicator whose group values are estimated (a few seconds, once)."""
    for indicator, spec in ds.catalog.iterrows():
        if spec["aggregation"] == "weighted_mean" and not ds.subset(str(indicator)).empty:
            estimated_panel(ds, str(indicator))
    # The first page's group lines.
    group_values(ds, "internet_users_pct", ["world"], [2020])


def estimates_for(ds: Dataset) -> q.Estimates:
    """The ``estimates`` argument of the aggregate queries, for ``ds``."""
    return lambda indicator: estimated_panel(ds, indicator)


METHOD_LABELS = {
    "estimated": "our estimate",
    "reported": "reported values only",
    "official": "ITU estimate",
}
DEFAULT_METHOD = "estimated"
DEFAULT_TOLERANCE = 2
STALE_SHARE = 0.5
"""A reported-only group point for which less than this share of the covered weight was
reported for the year itself (the rest carried forward from earlier years) is not drawn as a
point of its own on a trend line."""


def indicator_tolerance(ds: Dataset, indicator: str) -> int:
    """How many years back a value may come from for ``indicator`` (the catalog's window)."""
    if "tolerance" in ds.catalog.columns and indicator in ds.catalog.index:
        raw = pd.to_numeric(ds.catalog.at[indicator, "tolerance"], errors="coerce")
        if not pd.isna(raw):
            return int(raw)
    return DEFAULT_TOLERANCE


def official_values(
    ds: Dataset, indicator: str, groups: Sequence[str], years: Iterable[int]
) -> pd.DataFrame:
    """ITU's published values: one row per group × year, ``value`` NaN where ITU has none."""
    years = sorted({int(y) for y in years})
    groups = list(dict.fromkeys(groups))
    rows = ds.official.loc[ds.official["indicator"] == indicator]
    index = pd.MultiIndex.from_product([groups, years], names=["group", "year"])
    values = rows.set_index(["group", "year"])["value"].reindex(index)
    sources = rows.set_index(["group", "year"])["source"].reindex(index)
    out = pd.DataFrame({"value": values.to_numpy(), "source_id": sources.fillna("").to_numpy()})
    out.insert(0, "year", index.get_level_values("year"))
    out.insert(0, "group", index.get_level_values("group"))
    return out


def groups_only(ds: Dataset, indicator: str) -> bool:
    """Whether ``indicator`` exists for groups only (ITU's 5G and urban/rural coverage …)."""
    if "levels" not in ds.catalog.columns or indicator not in ds.catalog.index:
        return False
    return str(ds.catalog.at[indicator, "levels"]) == "groups only"


def has_official(ds: Dataset, indicator: str, group: str | None = None) -> bool:
    rows = ds.official.loc[ds.official["indicator"] == indicator]
    return bool(len(rows) if group is None else (rows["group"] == group).any())


GROUP_VALUE_COLUMNS = [
    "group",
    "label",
    "year",
    "value",
    "method",
    "aggregation",
    "coverage",
    "reported_share",
    "history_share",
    "modelled_share",
    "missing_share",
    "members_with_data",
    "members",
    "withheld",
    "withheld_reason",
    "partial",
    "first_data_year",
    "last_data_year",
    "source_id",
]


GROUP_VALUE_CACHE = 256
"""How many (indicator, method, window, threshold) tables of group values a process keeps."""


def group_values(
    ds: Dataset,
    indicator: str,
    groups: Sequence[str],
    years: Iterable[int],
    *,
    method: str = DEFAULT_METHOD,
    tolerance: int | None = None,
    threshold: float = q.DEFAULT_THRESHOLD,
) -> pd.DataFrame:
    """Group values of ``indicator`` for ``groups`` × ``years`` made by ``method``.

    ``estimated`` (the default) and ``reported`` are our own aggregates (``data.query``);
    ``official`` is ITU's published figure. One row per group and year (``GROUP_VALUE_COLUMNS``
    plus, for prices, the count of economies at or under the target); ``value`` is NaN where
    withheld, with the reason in ``withheld_reason``.

    The dataset never changes while loaded, so the values of every group over the indicator's
    years are computed once per method, window and threshold, and requests are slices of it.
    """
    if method not in q.METHODS:
        raise q.QueryError(f"unknown method {method!r}; valid: {', '.join(q.METHODS)}")
    indicator_spec(ds, indicator)
    years = sorted({int(y) for y in years})
    groups = list(dict.fromkeys(groups))
    unknown = [g for g in groups if g not in ds.groups]
    if unknown:
        raise q.QueryError(f"unknown group {unknown[0]!r}")
    if method != "official":
        tolerance = indicator_tolerance(ds, indicator) if tolerance is None else int(tolerance)
    key = (indicator, method, tolerance, float(threshold))
    tables = ds.cache.setdefault("group_values", OrderedDict())
    table = tables.get(key)
    if table is None:
        first, last = year_span(ds, indicator)
        table = _compute_group_values(
            ds,
            indicator,
            list(ds.groups),
            range(first, last + 1),
            method=method,
            tolerance=tolerance,
            threshold=threshold,
        ).set_index(["group", "year"], drop=False)
        tables[key] = table
        while len(tables) > GROUP_VALUE_CACHE:
            tables.popitem(last=False)
    else:
        tables.move_to_end(key)
    wanted = pd.MultiIndex.from_product([groups, years], names=["group", "year"])
    inside = wanted.isin(table.index)
    if inside.all():
        out = table.loc[wanted].reset_index(drop=True)
        out["label"] = [group_label(ds, g) for g in out["group"]]
        return out
    # Years outside the indicator's span: computed as asked (all withheld).
    return _compute_group_values(
        ds,
        indicator,
        groups,
        years,
        method=method,
        tolerance=tolerance,
        threshold=threshold,
    )


def _compute_group_values(
    ds: Dataset,
    indicator: str,
    groups: Sequence[str],
    years: Iterable[int],
    *,
    method: str = DEFAULT_METHOD,
    tolerance: int | None = None,
    threshold: float = q.DEFAULT_THRESHOLD,
) -> pd.DataFrame:
    """``group_values`` computed as asked, without the per-dataset table."""
    if method not in q.METHODS:
        raise q.QueryError(f"unknown method {method!r}; valid: {', '.join(q.METHODS)}")
    spec = indicator_spec(ds, indicator)
    years = sorted({int(y) for y in years})
    groups = list(dict.fromkeys(groups))
    if method == "official":
        out = official_values(ds, indicator, groups, years)
        out["method"] = "official"
        out["aggregation"] = "ITU estimate"
        out["withheld"] = out["value"].isna()
        out["withheld_reason"] = np.where(
            out["withheld"], N_("ITU publishes no value for this group and year"), ""
        )
        out["partial"] = False
    else:
        tolerance = indicator_tolerance(ds, indicator) if tolerance is None else int(tolerance)
        if spec["aggregation"] == "none" or not groups:
            out = pd.DataFrame(
                [{"group": g, "year": y} for g in groups for y in years], columns=["group", "year"]
            )
            out["value"] = np.nan
            out["method"] = method
            out["aggregation"] = spec["aggregation"]
            out["withheld"] = True
            out["withheld_reason"] = "not aggregated"
        else:
            out = q.group_aggregates(
                aggregate_rows(ds, indicator),
                ds.catalog,
                indicator,
                {gid: q.group_members(ds.groups, gid) for gid in groups},
                years,
                tolerance=tolerance,
                threshold=threshold,
                estimates=estimates_for(ds) if method == "estimated" else None,
            )
        out["source_id"] = str(spec["source"])
    out["label"] = [group_label(ds, g) for g in out["group"]]
    for column in GROUP_VALUE_COLUMNS:
        if column not in out.columns:
            out[column] = np.nan
    extra = [c for c in ("at_or_under_target", "share_at_or_under_target", "target") if c in out]
    return out[GROUP_VALUE_COLUMNS + extra].reset_index(drop=True)


def drop_stale_points(frame: pd.DataFrame) -> pd.DataFrame:
    """Withhold reported-only points made mostly of values carried from earlier years."""
    out = frame.copy()
    stale = (
        (out["method"] == "reported")
        & ~out["withheld"].astype(bool)
        & (out["reported_share"] < STALE_SHARE * out["coverage"])
    )
    out.loc[stale, "value"] = np.nan
    out.loc[stale, "withheld"] = True
    out.loc[stale, "withheld_reason"] = N_("mostly values carried forward from earlier years")
    return out


def group_label(ds: Dataset, gid: str) -> str:
    """A group's name in the current language."""
    return i18n.translate(ds.groups[gid]["label"], i18n.current_language())


def country_label(ds: Dataset, iso3: str) -> str:
    """An economy's UN name in the current language."""
    return i18n.country_name(ds, iso3, i18n.current_language())


def members_of(ds: Dataset, group: str | None) -> list[str]:
    if not group:
        return list(ds.countries.index)
    return q.group_members(ds.groups, group)


# --------------------------------------------------------------------------- map


SAME_GROUP = 0.5
"""The least Jaccard index at which a group of another kind stands for the chosen one."""


def closest_group(ds: Dataset, group: object, kind: str) -> str:
    """The group of ``kind`` that is nearly the same set of economies as ``group``: the one
    sharing the most (by the Jaccard index of their members), if it shares at least half of
    the two groups' economies. Switching from ITU's Africa to UN regions keeps Africa, from
    the LDCs to income groups gives low income; from Africa to income groups, the world
    (no income group is mostly Africa)."""
    if not isinstance(group, str) or group not in ds.groups or group == "world":
        return "world"
    mine = set(members_of(ds, group))
    best, score = "world", SAME_GROUP - 1e-9
    for gid, g in ds.groups.items():
        if g["kind"] != kind:
            continue
        theirs = set(g["members"])
        overlap = len(mine & theirs) / len(mine | theirs) if mine | theirs else 0.0
        if overlap > score:
            best, score = gid, overlap
    return best


def map_frame(
    ds: Dataset, indicator: str, year: int, *, tolerance: int = 0, group: str | None = None
) -> pd.DataFrame:
    """Every economy with its value at ``year`` (latest within ``tolerance`` years back).

    Columns: iso3, name, value (NaN = no data), year (the real year of the value), requested_year,
    source (readable), source_id, note, experimental, series_break, in_focus (inside ``group``),
    lon and lat (where the map draws the economy as a point, else NaN).
    """
    indicator_spec(ds, indicator)
    values = q.values_at_year(ds.subset(indicator), indicator, year, tolerance=tolerance)
    values = values.set_index("iso3")
    focus = set(members_of(ds, group))
    out = pd.DataFrame(
        {"iso3": ds.countries.index, "name": [country_label(ds, i) for i in ds.countries.index]}
    )
    out["value"] = out["iso3"].map(values["value"]).astype(float)
    out["year"] = out["iso3"].map(values["year"]).astype(float)
    out["requested_year"] = int(year)
    # As objects: with no economy in range the mapped columns are empty floats, not strings.
    out["source_id"] = out["iso3"].map(values["source"]).astype(object).fillna("")
    out["source"] = out["source_id"].map(lambda s: source_label(ds, s) if s else "")
    out["note"] = [note_text(n) for n in out["iso3"].map(values["note"]).astype(object).fillna("")]
    out["experimental"] = out["iso3"].map(values["experimental"]).astype(object).fillna(False)
    out["experimental"] = out["experimental"].astype(bool)
    out["series_break"] = out["iso3"].map(values["series_break"]).astype(object).fillna(False)
    out["series_break"] = out["series_break"].astype(bool)
    out["in_focus"] = out["iso3"].isin(focus)
    points = load_map_points()
    out["lon"] = [points[i][0] if i in points else math.nan for i in out["iso3"]]
    out["lat"] = [points[i][1] if i in points else math.nan for i in out["iso3"]]
    return out


ABOVE_TARGET_COLUMNS = [
    "iso3",
    "name",
    "value",
    "year",
    "requested_year",
    "gap",
    "source_id",
    "source",
    "note",
    "experimental",
    "series_break",
]


def above_target(
    ds: Dataset, indicator: str, year: int, *, tolerance: int = 0, group: str | None = None
) -> tuple[pd.DataFrame, int]:
    """The economies whose price is above the indicator's target at ``year``, and how many
    economies have a value at all (the same rows as the map: ``map_frame``, in focus).

    Rows are the map's (value, data year, source …) plus ``gap``: value − target, in
    percentage points of GNI p.c.; dearest first. A price at the target meets it. Indicators
    without a target give no rows.
    """
    spec = indicator_spec(ds, indicator)
    frame = map_frame(ds, indicator, year, tolerance=tolerance, group=group)
    shown = frame.loc[frame["in_focus"] & frame["value"].notna()]
    target = spec["target"]
    if target is None:
        return pd.DataFrame(columns=ABOVE_TARGET_COLUMNS), len(shown)
    above = shown.loc[shown["value"] > target].assign(gap=lambda f: f["value"] - target)
    above = above.sort_values(["value", "iso3"], ascending=[False, True], kind="stable")
    return above[ABOVE_TARGET_COLUMNS].reset_index(drop=True), len(shown)


def above_target_rows(rows: pd.DataFrame, indicator: str) -> pd.DataFrame:
    """``above_target`` rows as observations for ``data.export.export_frame``."""
    return pd.DataFrame(
        {
            "iso3": rows["iso3"],
            "indicator": indicator,
            "value": rows["value"],
            "year": rows["year"],
            "requested_year": rows["requested_year"],
            "source": rows["source_id"],
            "note": rows["note"],
            "experimental": rows["experimental"],
            "series_break": rows["series_break"],
        }
    )


SERIES_BREAK = "likely change of survey or method: "


def note_text(note: object) -> str:
    """A value's note in the current language (basket definitions are data; a series-break
    note keeps its numbers)."""
    text = "" if note is None or (isinstance(note, float) and math.isnan(note)) else str(note)
    if text.startswith(SERIES_BREAK):
        return _("likely change of survey or method: %(change)s") % {
            "change": text.removeprefix(SERIES_BREAK)
        }
    return i18n.translate(text, i18n.current_language())


def map_status(frame: pd.DataFrame, year: int) -> dict:
    """How many economies in focus show the requested year, an earlier one, or nothing."""
    focus = frame.loc[frame["in_focus"]]
    has = focus["value"].notna()
    exact = int((has & (focus["year"] == year)).sum())
    older = focus.loc[has & (focus["year"] < year), "year"]
    return {
        "requested_year": int(year),
        "exact": exact,
        "older": len(older),
        "oldest": int(older.min()) if len(older) else None,
        "missing": int((~has).sum()),
        "total": len(focus),
    }


def map_status_text(status: dict) -> str:
    year = status["requested_year"]
    exact, older, missing = status["exact"], status["older"], status["missing"]
    parts = [
        ngettext("%(n)d economy shows %(year)d", "%(n)d economies show %(year)d", exact)
        % {"n": exact, "year": year}
    ]
    if older:
        span = (
            str(status["oldest"])
            if status["oldest"] == year - 1
            else f"{status['oldest']}–{year - 1}"
        )
        parts.append(
            ngettext(
                "%(n)d shows an earlier year (%(span)s), the latest available",
                "%(n)d show an earlier year (%(span)s), the latest available",
                older,
            )
            % {"n": older, "span": span}
        )
    parts.append(ngettext("%(n)d has no data", "%(n)d have no data", missing) % {"n": missing})
    return _("; ").join(parts) + _(".")


# --------------------------------------------------------------------------- trends


def _group_method(aggregation: str, weight: str) -> str:
    words = {
        "weighted_mean": _("weighted by %(weight)s") % {"weight": weight},
        "median": _("the median economy"),
        "ratio": _("the group's rate for women over its rate for men"),
        "difference": _("the group's rate for men minus its rate for women"),
        "sum": _("totals"),
    }
    return words.get(aggregation, _("aggregated"))


_WEIGHTS = {
    "population": N_("population"),
    "population_female": N_("female population"),
    "population_male": N_("male population"),
    "population_urban": N_("urban population"),
    "population_rural": N_("rural population"),
}


def trend_note(
    spec: Mapping,
    *,
    tolerance: int,
    countries: bool,
    threshold: float = q.DEFAULT_THRESHOLD,
    method: str = "reported",
    official: bool = False,
) -> str:
    """How the lines of the trend chart are made, in a sentence or two.

    Group lines are our estimate (every member, gaps filled and disclosed) or take each
    member's latest value within ``tolerance`` years; country lines show only the years a
    country reported, so the two can differ in the most recent years.
    """
    if spec.get("levels") == "groups only":
        return _(
            "Lines are ITU's official estimates (dotted, diamonds): ITU publishes this series "
            "for groups of economies only, not by country."
        )
    estimated = method == "estimated" and spec.get("aggregation") in q.ESTIMATED_AGGREGATIONS
    if estimated:
        parts = [
            _(
                "Group lines are our estimate: members that did not report a year are carried "
                "along their own recent trend (up to 5 years) or, without usable data, given "
                "their peers' median (same ITU region and income group); the hover says how "
                "much of each value was reported. A point is left out where less than "
                "%(basis)d%% of the group rests on its members' own data."
            )
            % {"basis": round(q.ESTIMATE_BASIS * 100)}
        ]
        if official:
            parts.append(_("Dotted lines with diamonds are ITU's official estimates."))
        if countries:
            parts.append(_("Country lines show only the years each economy reported."))
        return " ".join(parts)
    weight = str(spec.get("weight") or "population")
    how = _group_method(str(spec.get("aggregation")), _(_WEIGHTS.get(weight, "population")))
    window = (
        _("each member's value for that year")
        if tolerance <= 0
        else ngettext(
            "each member's latest value within %(n)d year",
            "each member's latest value within %(n)d years",
            tolerance,
        )
        % {"n": tolerance}
    )
    parts = [
        _(
            "Group lines: %(how)s, from %(window)s; a point is left out where less than "
            "%(threshold)d%% of the group has data, or where most of its values are carried "
            "forward from earlier years (open circles: 50–80%% has data)."
        )
        % {"how": how, "window": window, "threshold": round(threshold * 100)}
    ]
    if official:
        parts.append(_("Dotted lines with diamonds are ITU's official estimates."))
    if countries:
        parts.append(_("Country lines show only the years each economy reported."))
    return " ".join(parts)


def aggregate_inputs(ds: Dataset, indicator: str) -> list[str]:
    """``indicator`` and every indicator its group aggregate reads (weights, components)."""
    todo, seen = [indicator], []
    while todo:
        current = todo.pop(0)
        if current in seen or current not in ds.catalog.index:
            continue
        seen.append(current)
        spec = ds.catalog.loc[current]
        for column in ("weight", "component_a", "component_b"):
            ref = spec.get(column)
            if isinstance(ref, str) and ref.strip():
                todo.append(ref.strip())
    return seen


def aggregate_rows(ds: Dataset, indicator: str) -> pd.DataFrame:
    """The observations an aggregate of ``indicator`` needs (its own, weights, components)."""
    return ds.subset(*aggregate_inputs(ds, indicator))


def _group_line(series: pd.DataFrame, name: str, kind: str, source: str) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "series": name,
            "label": series["label"].to_numpy(),
            "kind": kind,
            "year": series["year"].to_numpy(),
            "value": series["value"].to_numpy(),
            "coverage": series["coverage"].to_numpy(),
            "members_with_data": series["members_with_data"].to_numpy(),
            "members": series["members"].to_numpy(),
            "withheld": series["withheld"].to_numpy(),
            "data_year": series["last_data_year"].to_numpy(),
            "source": source,
            "source_id": series["source_id"].to_numpy(),
            "method": series["method"].to_numpy(),
            "reported_share": series["reported_share"].to_numpy(),
            "partial": series["partial"].to_numpy(),
        }
    )


def _official_lines(
    ds: Dataset, indicator: str, groups: Sequence[str], years: Sequence[int]
) -> list[pd.DataFrame]:
    """ITU's own line for each group it publishes ``indicator`` for."""
    lines = []
    itu = group_values(ds, indicator, groups, years, method="official")
    for gid, series in itu.groupby("group", sort=False):
        if series["value"].notna().any():
            line = _group_line(series, f"{gid}:itu", "official", "")
            line["label"] = _("%(group)s, ITU estimate") % {"group": group_label(ds, gid)}
            line["source"] = [source_label(ds, s) for s in series["source_id"]]
            lines.append(line)
    return lines


def trend_frame(
    ds: Dataset,
    indicator: str,
    *,
    countries: Sequence[str] = (),
    groups: Sequence[str] = (),
    start: int,
    end: int,
    tolerance: int | None = None,
    threshold: float = q.DEFAULT_THRESHOLD,
    method: str = DEFAULT_METHOD,
    official: bool = True,
) -> pd.DataFrame:
    """Lines over ``start``–``end``: the groups' aggregates and the countries' own values.

    Country lines show the values as observed (nothing is carried forward). Group lines are
    made by ``method`` (our estimate by default, or reported values only, withheld where
    coverage is under ``threshold`` and left out where mostly carried forward); with
    ``official`` each group ITU publishes the indicator for gets ITU's own line beside ours.
    """
    indicator_spec(ds, indicator)
    if start > end:
        raise q.QueryError(f"start year {start} is after end year {end}")
    years = list(range(int(start), int(end) + 1))
    frames = []
    groups = list(dict.fromkeys(groups))
    if groups and groups_only(ds, indicator):
        frames += _official_lines(ds, indicator, groups, years)
    elif groups:
        values = group_values(
            ds, indicator, groups, years, method=method, tolerance=tolerance, threshold=threshold
        )
        values = drop_stale_points(values)
        source = source_label(ds, ds.catalog.at[indicator, "source"])
        for gid, series in values.groupby("group", sort=False):
            frames.append(_group_line(series, gid, "group", source))
        if official and method != "official":
            frames += _official_lines(ds, indicator, groups, years)
    observed = q.filter_observations(
        ds.subset(indicator), indicator=indicator, countries=list(countries), start=start, end=end
    )
    for iso3 in dict.fromkeys(countries):
        mine = observed.loc[observed["iso3"] == iso3]
        if mine.empty and iso3 not in ds.countries.index:
            raise q.QueryError(f"unknown country {iso3!r}")
        frames.append(
            pd.DataFrame(
                {
                    "series": iso3,
                    "label": country_label(ds, iso3),
                    "kind": "country",
                    "year": mine["year"].to_numpy(),
                    "value": mine["value"].to_numpy(),
                    "coverage": np.nan,
                    "members_with_data": np.nan,
                    "members": np.nan,
                    "withheld": False,
                    "data_year": mine["year"].astype(float).to_numpy(),
                    "source": [source_label(ds, s) for s in mine["source"]],
                    "source_id": mine["source"].astype(str).to_numpy(),
                    "method": "reported",
                    "reported_share": np.nan,
                    "partial": False,
                }
            )
        )
    columns = [
        "series",
        "label",
        "kind",
        "year",
        "value",
        "coverage",
        "members_with_data",
        "members",
        "withheld",
        "data_year",
        "source",
        "source_id",
        "method",
        "reported_share",
        "partial",
    ]
    frames = [f for f in frames if not f.empty]
    if not frames:
        return pd.DataFrame(columns=columns)
    return pd.concat(frames, ignore_index=True)[columns]


def series_break_years(ds: Dataset, indicator: str, countries: Sequence[str] = ()) -> list[int]:
    """Years in which a basket definition changed for most economies (or the given ones)."""
    rows = ds.subset(indicator)
    rows = rows.loc[rows["series_break"]]
    if countries:
        rows = rows.loc[rows["iso3"].isin(list(countries))]
        return sorted({int(y) for y in rows["year"]})
    counts = rows.groupby("year").size()
    return sorted(int(y) for y, n in counts.items() if n >= 20)


def targets_for(spec: dict, groups: Sequence[str] = ()) -> list[dict]:
    """Reference lines that belong on a chart of this indicator."""
    if spec["id"] == "internet_users_pct":
        wanted = {"world"} if not groups else set()
        for gid in groups:
            if gid == "world":
                wanted.add("world")
            elif gid == "ldc":
                wanted.add("ldc")
            elif gid != "income-high":
                wanted.add("developing")
        chosen = [t for t in INTERNET_TARGETS if t["group"] in wanted] or INTERNET_TARGETS[:1]
        words = i18n.gettext  # the labels are marked where they are written (N_)
        return [{**t, "label": words(t["label"])} for t in chosen]
    target = spec.get("target")
    if target is None:
        return []
    if spec["aggregation"] == "ratio":
        return [{"label": _("Parity = 1"), "value": 1.0}]
    if str(spec.get("unit_en", spec["unit"])).startswith("%"):
        label = _("%(target)s%% of GNI p.c. target") % {"target": f"{target:g}"}
        return [{"label": label, "value": float(target)}]
    return []


# --------------------------------------------------------------------------- theme views


COVERAGE_INDICATORS = ("coverage_2g_pct", "coverage_3g_pct", "coverage_4g_pct")
COVERAGE_COLUMNS = [
    "group",
    "label",
    "layer",
    "people",
    "share",
    "coverage",
    "members_with_data",
    "members",
    "first_data_year",
    "last_data_year",
]


def coverage_frame(
    ds: Dataset, groups: Sequence[str], year: int, *, tolerance: int = 0
) -> pd.DataFrame:
    """People by best mobile network, per group (stacked bars)."""
    rows = ds.subset(*COVERAGE_INDICATORS, "population")
    member_lists = {gid: q.group_members(ds.groups, gid) for gid in dict.fromkeys(groups)}
    everyone = list(dict.fromkeys(i for members in member_lists.values() for i in members))
    # One pass over the observations for all groups (each economy's row is its own).
    per_member = q.coverage_by_member(rows, everyone, year, tolerance=tolerance)
    frames = []
    for gid, members in member_lists.items():
        layers = q.layers_from(per_member, members)
        frames.append(layers.assign(group=gid, label=group_label(ds, gid)))
    if not frames:
        return pd.DataFrame(columns=COVERAGE_COLUMNS)
    out = pd.concat(frames, ignore_index=True)
    return out[COVERAGE_COLUMNS]


RURAL_MEASURES = {
    "access": (("internet_users", N_("Internet use")),),
    "coverage": (
        ("coverage_3g", N_("3G coverage")),
        ("coverage_4g", N_("4G coverage")),
        ("coverage_5g", N_("5G coverage")),
    ),
}
"""Per theme, the series ITU publishes for urban and rural areas (groups only), by stem."""


def rural_divide_frame(
    ds: Dataset, groups: Sequence[str], year: int, measures: Sequence[tuple[str, str]]
) -> pd.DataFrame:
    """Urban against rural for each group and measure, from ITU's official series.

    One row per group × measure with ``urban``, ``rural``, ``gap`` (urban − rural, points)
    and ``year``: the latest year up to ``year`` for which ITU publishes both (ITU publishes
    these for groups only; groups it does not cover are left out).
    """
    rows = []
    official = ds.official
    for stem, label in measures:
        urban_id, rural_id = f"{stem}_urban_pct", f"{stem}_rural_pct"
        both = official.loc[official["indicator"].isin([urban_id, rural_id])]
        both = both.loc[both["year"] <= int(year)]
        wide = both.pivot_table(
            index=["group", "year"], columns="indicator", values="value", aggfunc="first"
        )
        wide = wide.reindex(columns=[urban_id, rural_id]).dropna()
        for gid in dict.fromkeys(groups):
            if gid not in wide.index.get_level_values("group"):
                continue
            mine = wide.loc[gid]
            latest = int(mine.index.max())
            urban, rural = float(mine.at[latest, urban_id]), float(mine.at[latest, rural_id])
            source = official.loc[official["indicator"] == urban_id, "source"].iloc[0]
            rows.append(
                {
                    "group": gid,
                    "label": group_label(ds, gid),
                    "measure": stem,
                    "measure_label": _(label),
                    "urban": urban,
                    "rural": rural,
                    "gap": urban - rural,
                    "year": latest,
                    "source": source_label(ds, source),
                }
            )
    columns = [
        "group",
        "label",
        "measure",
        "measure_label",
        "urban",
        "rural",
        "gap",
        "year",
        "source",
    ]
    return pd.DataFrame(rows, columns=columns)


def price_spread(
    ds: Dataset, indicator: str, groups: Sequence[str], year: int, *, tolerance: int = 0
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Each economy's price per group (points) and the group's median and target count."""
    spec = indicator_spec(ds, indicator)
    rows = ds.subset(indicator)
    values = q.values_at_year(rows, indicator, year, tolerance=tolerance).set_index("iso3")
    wanted = {gid: q.group_members(ds.groups, gid) for gid in dict.fromkeys(groups)}
    results = q.group_aggregates_at(rows, ds.catalog, indicator, wanted, year, tolerance=tolerance)
    points, summary = [], []
    for gid, members in wanted.items():
        mine = values.loc[values.index.intersection(members)]
        label = group_label(ds, gid)
        points.append(
            pd.DataFrame(
                {
                    "group": gid,
                    "label": label,
                    "iso3": mine.index,
                    "name": [country_label(ds, i) for i in mine.index],
                    "value": mine["value"].to_numpy(),
                    "year": mine["year"].to_numpy(),
                }
            )
        )
        agg = results[gid]
        summary.append(
            {
                "group": gid,
                "label": label,
                "median": np.nan if agg["value"] is None else agg["value"],
                "at_or_under_target": agg.get("at_or_under_target", np.nan)
                if spec["target"] is not None
                else np.nan,
                "members_with_data": agg["members_with_data"],
                "members": agg["members"],
            }
        )
    point_columns = ["group", "label", "iso3", "name", "value", "year"]
    points_frame = (
        pd.concat(points, ignore_index=True) if points else pd.DataFrame(columns=point_columns)
    )
    summary_frame = pd.DataFrame(
        summary,
        columns=["group", "label", "median", "at_or_under_target", "members_with_data", "members"],
    )
    return points_frame[point_columns], summary_frame


def dumbbell_frame(
    ds: Dataset, members: Sequence[str], year: int, *, tolerance: int = 0
) -> pd.DataFrame:
    """Female and male Internet use per economy, from the same survey year."""
    female_id, male_id = "internet_users_female_pct", "internet_users_male_pct"
    rows = ds.subset(female_id, male_id)
    female = q.values_at_year(rows, female_id, year, tolerance=tolerance, countries=members)
    male = q.values_at_year(rows, male_id, year, tolerance=tolerance, countries=members)
    both = female.merge(male, on="iso3", suffixes=("_f", "_m"))
    both = both.loc[both["year_f"] == both["year_m"]]
    out = pd.DataFrame(
        {
            "iso3": both["iso3"],
            "name": [country_label(ds, i) for i in both["iso3"]],
            "female": both["value_f"],
            "male": both["value_m"],
            "year": both["year_f"].astype(int),
        }
    )
    out["parity"] = out["female"] / out["male"].replace(0, np.nan)
    return out.reset_index(drop=True)[["iso3", "name", "female", "male", "parity", "year"]]


def gender_people_frame(
    ds: Dataset,
    groups: Sequence[str],
    year: int,
    *,
    tolerance: int = 0,
    threshold: float = q.DEFAULT_THRESHOLD,
) -> pd.DataFrame:
    """Women and men offline per group, and the gender gap in people.

    ``gap_people`` is the number of women who would be online if, in each economy, women
    were online at the same rate as men, beyond those who are: Σ women × (men's rate − women's
    rate). It is positive where women's rates trail men's and negative where they lead, and
    it does not depend on there being more women than men (a raw difference of people online
    does: in Europe it counts more women online although women's rate is lower).

    Counted over the economies that report both sexes; withheld (None) where they hold less
    than ``threshold`` of the group's population, like every other group figure.
    """
    rows = ds.subset(
        "internet_users_female_pct",
        "internet_users_male_pct",
        "population_female",
        "population_male",
    )
    groups = list(dict.fromkeys(groups))
    member_lists = {gid: q.group_members(ds.groups, gid) for gid in groups}
    everyone = list(dict.fromkeys(i for members in member_lists.values() for i in members))
    # One pass over the observations for all groups: every economy's values are its own, so
    # each group's counts are the same taken from the matrices of all economies at once.
    # Only economies with both sexes measured, so the two counts describe the same places.
    paired = dumbbell_frame(ds, everyone, year, tolerance=tolerance)["iso3"].tolist()
    matrices = {
        f"internet_users_{sex}_pct": q.latest_matrix(
            rows, f"internet_users_{sex}_pct", paired, [year], tolerance
        )
        for sex in ("female", "male")
    }
    populations = {
        f"population_{sex}": q.latest_matrix(
            rows, f"population_{sex}", paired, [year], q.WEIGHT_TOLERANCE
        )[0]
        for sex in ("female", "male")
    }
    total_population, _ = q.latest_matrix(
        ds.subset("population"), "population", everyone, [year], 3
    )

    def people(share: str, population: str, both: list[str], complement: bool = False) -> dict:
        shares, data_years = matrices[share]
        return q.people_from(
            shares, data_years, populations[population], both, year, complement=complement
        )

    records = []
    for gid in groups:
        members = member_lists[gid]
        inside = set(members)
        both = [iso3 for iso3 in paired if iso3 in inside]
        counts = {}
        for sex in ("female", "male"):
            share, population = f"internet_users_{sex}_pct", f"population_{sex}"
            counts[f"{sex}_offline"] = people(share, population, both, complement=True)
            counts[f"{sex}_online"] = people(share, population, both)
        # Women online at men's rate: each economy's female population × its male rate.
        counts["female_at_male_rate"] = people("internet_users_male_pct", "population_female", both)
        group_population = total_population[year].reindex(members)
        total = float(group_population.sum())
        coverage = float(group_population.reindex(both).sum() / total) if total else 0.0
        if coverage < threshold:
            counts = {key: {"people": None} for key in counts}
        records.append(
            {
                "group": gid,
                "label": group_label(ds, gid),
                "women_offline": counts["female_offline"]["people"],
                "men_offline": counts["male_offline"]["people"],
                "women_online": counts["female_online"]["people"],
                "men_online": counts["male_online"]["people"],
                "women_at_mens_rate": counts["female_at_male_rate"]["people"],
                "gap_people": None
                if counts["female_at_male_rate"]["people"] is None
                or counts["female_online"]["people"] is None
                else counts["female_at_male_rate"]["people"] - counts["female_online"]["people"],
                "coverage": coverage,
                "members_with_data": len(both),
                "members": len(members),
            }
        )
    return pd.DataFrame(records)


def region_frame(
    ds: Dataset,
    indicator: str,
    year: int,
    *,
    tolerance: int | None = None,
    threshold: float = q.DEFAULT_THRESHOLD,
    method: str = DEFAULT_METHOD,
) -> pd.DataFrame:
    """The six ITU regions' aggregates, for the region map."""
    values = group_values(
        ds,
        indicator,
        list(ITU_REGION_GROUPS),
        [year],
        method=method,
        tolerance=tolerance,
        threshold=threshold,
    ).set_index("group")
    records = [
        {
            "region": region,
            "label": group_label(ds, gid),
            "value": values.at[gid, "value"],
            "coverage": values.at[gid, "coverage"],
            "reported_share": values.at[gid, "reported_share"],
            "method": values.at[gid, "method"],
            "members_with_data": values.at[gid, "members_with_data"],
            "members": values.at[gid, "members"],
        }
        for gid, region in ITU_REGION_GROUPS.items()
    ]
    return pd.DataFrame(records)


def divide_frame(
    ds: Dataset,
    indicator: str,
    group_a: str,
    group_b: str,
    *,
    start: int,
    end: int,
    tolerance: int = 0,
    threshold: float = q.DEFAULT_THRESHOLD,
) -> pd.DataFrame:
    """Two groups' aggregates over time and the gap between them (a − b)."""
    trend = trend_frame(
        ds,
        indicator,
        groups=[group_a, group_b],
        start=start,
        end=end,
        tolerance=tolerance,
        threshold=threshold,
    )
    wide = trend.pivot(index="year", columns="series", values="value")
    wide = wide.reindex(columns=[group_a, group_b])
    out = pd.DataFrame(
        {"year": wide.index, "a": wide[group_a].to_numpy(), "b": wide[group_b].to_numpy()}
    )
    out["gap"] = out["a"] - out["b"]
    return out


def summary_table(
    ds: Dataset,
    kind: str,
    indicators: Sequence[str],
    year: int,
    *,
    tolerance: int | None = None,
    threshold: float = q.DEFAULT_THRESHOLD,
    method: str = DEFAULT_METHOD,
) -> pd.DataFrame:
    """Groups of one kind (plus the world) × indicators.

    Per indicator: ``value`` (made by ``method``), ``itu`` (ITU's published value, NaN where
    none), ``reported`` (share of the group's weight reported for the year), ``coverage``,
    ``with_data``, ``members``, ``partial``, ``withheld_reason`` and the range of data years
    behind the value (``first_data_year``, ``last_data_year``). ``tolerance`` ``None`` is
    each indicator's own window.
    """
    group_ids = list(
        dict.fromkeys(["world"] + [g for g, meta in ds.groups.items() if meta["kind"] == kind])
    )
    records = {gid: {"group": gid, "label": group_label(ds, gid)} for gid in group_ids}
    for indicator in indicators:
        ours = group_values(
            ds,
            indicator,
            group_ids,
            [year],
            method=method,
            tolerance=tolerance,
            threshold=threshold,
        ).set_index("group")
        itu = official_values(ds, indicator, group_ids, [year]).set_index("group")
        for gid in group_ids:
            row = ours.loc[gid]
            record = records[gid]
            record[f"{indicator}__value"] = row["value"]
            record[f"{indicator}__itu"] = itu.at[gid, "value"]
            record[f"{indicator}__reported"] = row["reported_share"]
            record[f"{indicator}__coverage"] = row["coverage"]
            record[f"{indicator}__with_data"] = row["members_with_data"]
            record[f"{indicator}__members"] = row["members"]
            record[f"{indicator}__partial"] = bool(row["partial"])
            record[f"{indicator}__method"] = row["method"]
            record[f"{indicator}__withheld_reason"] = row["withheld_reason"]
            record[f"{indicator}__first_data_year"] = row["first_data_year"]
            record[f"{indicator}__last_data_year"] = row["last_data_year"]
    return pd.DataFrame(list(records.values()))


# --------------------------------------------------------------------------- export


def export_rows(
    ds: Dataset,
    indicator: str,
    *,
    countries: Sequence[str] | None,
    start: int,
    end: int,
    tolerance: int = 0,
) -> pd.DataFrame:
    """The rows behind a view: for each requested year, each economy's value as the map shows it.

    With ``tolerance`` 0 these are the observations themselves; with a tolerance each row says
    which year was requested and which year the value really comes from. Economies without a
    value are not listed.
    """
    indicator_spec(ds, indicator)
    if start > end:
        raise q.QueryError(f"start year {start} is after end year {end}")
    rows = ds.subset(indicator)
    if countries is not None:
        rows = rows.loc[rows["iso3"].isin(list(countries))]
    frames = [
        q.values_at_year(rows, indicator, year, tolerance=tolerance)
        for year in range(int(start), int(end) + 1)
    ]
    frames = [f for f in frames if not f.empty]
    if not frames:
        return pd.DataFrame(columns=q.RESULT_COLUMNS)
    return pd.concat(frames, ignore_index=True).sort_values(
        ["requested_year", "iso3"], kind="stable", ignore_index=True
    )


def finite(value: object) -> bool:
    return value is not None and not (isinstance(value, float) and math.isnan(value))


def default_year(ds: Dataset, indicator: str) -> int:
    """The latest year that at least half as many economies report as the best-reported year
    (for a series published for groups only, ITU's latest year)."""
    counts = ds.subset(indicator).groupby("year")["iso3"].nunique()
    if counts.empty:
        return year_span(ds, indicator)[1]
    enough = counts[counts >= counts.max() / 2]
    return int(enough.index.max())
