"""One economy on one page: the numbers of a country profile (``/country/<ISO3>``).

Pure: a ``Dataset`` and an ISO3 code in, plain rows out. ``profile_rows`` is the single list
both the page and its CSV are made from: every number the page shows is one row (the
country's latest value, its ranks, the comparison values of its ITU region, income group and
the world, ITU's official values, the people behind the shares, and the points of the small
trend charts). Words in the rows are in the current language (``data.i18n``).

Choices, said once:

* The country's value is its latest reported value. Its region, income group and the world
  are compared in the *same year* (our estimate, ``views.group_values`` with the app's default
  method, and ITU's official value where ITU publishes one), so the comparison is like for
  like even where the country's latest value is old.
* Ranks are within the ITU region and within the income group, among the members with a value
  in that year's window (``views.indicator_tolerance`` years back, as the map shows them),
  compared at the indicator's shown decimals: equal shown values share a rank ("joint 3rd").
  Higher is better unless the catalog says otherwise (prices: lower is better); a parity score
  ranks by its closeness to parity (1).
* Missing is missing: a value never reported, or none for years, is said in words.
"""

from __future__ import annotations

import math
from collections import OrderedDict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import pandas as pd

from data import i18n, views
from data import query as q
from data.export import indicator_sources
from data.i18n import N_, _
from data.load import Dataset

KEY_INDICATORS: dict[str, tuple[str, ...]] = {
    "access": ("internet_users_pct", "fixed_broadband_per100", "mobile_subscriptions_per100"),
    "coverage": ("coverage_4g_pct", "coverage_3g_pct"),
    "affordability": ("price_fixed_broadband_gni_pct", "price_mobile_broadband_gni_pct"),
    "gender": ("internet_gender_parity", "internet_users_female_pct", "internet_users_male_pct"),
}
"""The profile's four themes and their key indicators, headline first."""

CHART_INDICATORS: dict[str, str] = {
    "access": "internet_users_pct",
    "coverage": "coverage_4g_pct",
    "affordability": "price_mobile_broadband_gni_pct",
    "gender": "internet_gender_parity",
}
"""The indicator of each theme's small trend chart."""

CHART_YEARS = 15
"""How many years the small trend charts span (ending at the indicator's last year)."""

STALE_YEARS = 2
"""A value this many years older than the latest any economy reports is said to be old."""

ENTITY_KINDS = ("country", "region", "income_group", "world")

MISSING_SENTENCES = {
    ("access", "never"): N_("No data on Internet access and use: never reported."),
    ("access", "since"): N_("No data on Internet access and use since %(year)d."),
    ("coverage", "never"): N_("No mobile-coverage data: never reported."),
    ("coverage", "since"): N_("No mobile-coverage data since %(year)d."),
    ("affordability", "never"): N_("No price data: never reported."),
    ("affordability", "since"): N_("No price data since %(year)d."),
    ("gender", "never"): N_("No gender data: never reported."),
    ("gender", "since"): N_("No gender data since %(year)d."),
}
"""What a theme lacks, said plainly (``theme_gap``)."""

PEOPLE = (
    # measure, share indicator, population indicator, words
    ("people_offline", "internet_users_pct", "population", N_("People offline")),
    ("women_offline", "internet_users_female_pct", "population_female", N_("Women offline")),
    ("men_offline", "internet_users_male_pct", "population_male", N_("Men offline")),
    ("people_without_4g", "coverage_4g_pct", "population", N_("People without 4G coverage")),
    ("people_without_3g", "coverage_3g_pct", "population", N_("People without 3G coverage")),
)
"""The people behind the shares: Σ population × (100 − share) ÷ 100, in the share's year."""

CSV_COLUMNS = [
    "row",
    "section",
    "indicator",
    "indicator_title",
    "unit",
    "measure",
    "entity_kind",
    "entity",
    "entity_name",
    "year_of_data",
    "value",
    "value_shown",
    "method",
    "rank_in_region",
    "ranked_in_region",
    "rank_in_income_group",
    "ranked_in_income_group",
    "note",
    "source",
]
"""The columns of a profile row (and of its CSV, before the citation and licence columns)."""


# --------------------------------------------------------------------------- small pieces


def finite(value: object) -> bool:
    if value is None or value is pd.NA:
        return False
    try:
        return math.isfinite(float(value))  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return False


def country_groups(ds: Dataset, iso3: str) -> dict[str, str | None]:
    """The groups a profile compares ``iso3`` with: its ITU region, income group, the world."""
    found: dict[str, str | None] = {"region": None, "income_group": None, "world": "world"}
    for gid, meta in ds.groups.items():
        if iso3 not in meta["members"]:
            continue
        if meta["kind"] == "itu" and found["region"] is None:
            found["region"] = gid
        elif meta["kind"] == "income" and found["income_group"] is None:
            found["income_group"] = gid
    return found


@dataclass(frozen=True)
class Rank:
    """Where one economy stands among the members with data: ``rank`` of ``of``."""

    rank: int
    of: int
    tied: bool = False


def rank_among(
    values: Mapping[str, float],
    iso3: str,
    *,
    higher_is_better: bool | None,
    decimals: int,
    parity: bool = False,
) -> Rank | None:
    """``iso3``'s rank among ``values`` (iso3 → value), best first; None when unranked.

    Values are compared as shown (rounded to ``decimals``); equal shown values share the
    best rank among them (1, 2, 2, 4). ``parity`` ranks by closeness to 1. Without a
    direction (``higher_is_better`` None) nothing is ranked.
    """
    clean = {k: float(v) for k, v in values.items() if finite(v)}
    if iso3 not in clean or higher_is_better is None:
        return None

    def score(value: float) -> float:
        shown = round(value, decimals)
        if parity:
            return -round(abs(shown - 1.0), decimals)
        return shown if higher_is_better else -shown

    mine = score(clean[iso3])
    scores = [score(v) for v in clean.values()]
    better = sum(1 for s in scores if s > mine)
    equal = sum(1 for s in scores if s == mine)
    return Rank(rank=better + 1, of=len(clean), tied=equal > 1)


def ordinal(n: int, lang: str) -> str:
    """``n`` as a rank in ``lang``: 1st, 2nd, 3rd / 1er, 2e / 1.º / 1-е / 第1 / 1."""
    if lang == "en" or lang == i18n.PSEUDO:
        suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
        return f"{n}{suffix}"
    if lang == "fr":
        return "1er" if n == 1 else f"{n}e"
    if lang == "es":
        return f"{n}.º"
    if lang == "ru":
        return f"{n}-е"
    if lang == "zh":
        return f"第{n}"
    return str(n)


def rank_text(rank: Rank | None) -> str:
    """ "3rd of 44 with data", "joint 3rd of 44 with data", or "—" (not ranked)."""
    if rank is None:
        return "—"
    words = {"rank": ordinal(rank.rank, i18n.current_language()), "n": rank.of}
    if rank.tied:
        return _("joint %(rank)s of %(n)d with data") % words
    return _("%(rank)s of %(n)d with data") % words


def direction_of(spec: Mapping) -> bool | None:
    value = spec.get("higher_is_better")
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, str):
        return {"true": True, "false": False}.get(value.strip().lower())
    return bool(value)


def is_parity(spec: Mapping) -> bool:
    return spec.get("aggregation") == "ratio" and spec.get("target") == 1.0


def short_source(ds: Dataset, source_ids: Sequence[str] | str) -> str:
    """The publishers of ``source_ids`` without their channel ("ITU", "UN DESA …")."""
    if isinstance(source_ids, str):
        source_ids = [s for s in source_ids.split(";") if s]
    names = []
    for sid in source_ids:
        name = views.source_label(ds, sid).split(", via ")[0].split("، ")[0].strip()
        if name and name not in names:
            names.append(name)
    return "; ".join(names)


def shown(value: object, spec: Mapping) -> str:
    """A value as the page shows it, in the current language ("—" when missing): 45.2%,
    0.80, 121.3, 12.4 million people."""
    if not finite(value):
        return "—"
    number, lang = float(value), i18n.current_language()  # type: ignore[arg-type]
    decimals = int(spec.get("decimals") or 0)
    unit = str(spec.get("unit_en") or spec.get("unit") or "")
    if round(number, decimals) == 0:
        number = 0.0  # never "-0.0"
    if unit.startswith("%"):
        return i18n.format_percent(number, decimals, lang)
    if unit == "people":
        if abs(number) >= 1e9:
            words = _("%(number)s billion people")
            return words % {"number": i18n.format_number(number / 1e9, 2, lang)}
        if abs(number) >= 1e6:
            words = _("%(number)s million people")
            return words % {"number": i18n.format_number(number / 1e6, 1, lang)}
        return _("%(number)s people") % {"number": i18n.format_number(number, 0, lang)}
    return i18n.format_number(number, decimals, lang)


# --------------------------------------------------------------------------- the rows


@dataclass
class Profile:
    """Everything ``/country/<ISO3>`` shows, as rows (``rows``) and how they are arranged."""

    iso3: str
    name: str
    groups: dict[str, str | None]
    group_names: dict[str, str]
    rows: list[dict] = field(default_factory=list)
    gaps: dict[str, str] = field(default_factory=dict)
    charts: dict[str, dict] = field(default_factory=dict)

    def table(self, theme: str) -> list[dict]:
        """One entry per key indicator of ``theme``: its rows by entity kind and method."""
        entries = []
        for indicator in KEY_INDICATORS[theme]:
            mine = [r for r in self.rows if r["indicator"] == indicator and r["measure"] == "value"]
            cells = {(r["entity_kind"], r["method"] == "official"): r for r in mine}
            country = cells.get(("country", False))
            if country is None:
                continue
            entries.append({"indicator": indicator, "country": country, "cells": cells})
        return entries

    def people(self) -> list[dict]:
        return [r for r in self.rows if r["section"] == "people"]


def _latest(ds: Dataset, indicator: str, iso3: str) -> dict | None:
    rows = ds.subset(indicator)
    rows = rows.loc[(rows["iso3"] == iso3) & rows["value"].notna()]
    if rows.empty:
        return None
    return rows.sort_values("year").iloc[-1].to_dict()


def _row(spec: Mapping, **values) -> dict:
    row = {column: None for column in CSV_COLUMNS}
    row.update(indicator=spec["id"], indicator_title=spec["title"], unit=spec["unit"])
    row.update(values)
    return row


def indicator_rows(
    ds: Dataset, iso3: str, theme: str, indicator: str, groups: Mapping[str, str | None]
) -> list[dict]:
    """The rows of one key indicator: the country, its ranks, and its groups' values."""
    spec = views.indicator_spec(ds, indicator)
    decimals = int(spec["decimals"])
    latest = _latest(ds, indicator, iso3)
    tolerance = views.indicator_tolerance(ds, indicator)
    year = int(latest["year"]) if latest else views.default_year(ds, indicator)
    country = _row(
        spec,
        row=f"{indicator}:{iso3}",
        section=theme,
        measure="value",
        entity_kind="country",
        entity=iso3,
        entity_name=views.country_label(ds, iso3),
        method="reported",
    )
    if latest is None:
        country.update(value_shown="—", note=_("never reported"))
        return [country]
    ranks = {}
    for kind in ("region", "income_group"):
        gid = groups.get(kind)
        if gid is None:
            continue
        members = views.members_of(ds, gid)
        values = q.values_at_year(
            ds.subset(indicator), indicator, year, tolerance=tolerance, countries=members
        )
        ranks[kind] = rank_among(
            dict(zip(values["iso3"], values["value"], strict=True)),
            iso3,
            higher_is_better=direction_of(spec),
            decimals=decimals,
            parity=is_parity(spec),
        )
    notes = []
    latest_any = int(ds.subset(indicator)["year"].max())
    if latest_any - year >= STALE_YEARS:
        notes.append(
            _("latest from %(year)d; others report up to %(last)d")
            % {"year": year, "last": latest_any}
        )
    note = views.note_text(latest.get("note"))
    if note:
        notes.append(note)
    country.update(
        year_of_data=year,
        value=float(latest["value"]),
        value_shown=shown(latest["value"], spec),
        rank_in_region=ranks["region"].rank if ranks.get("region") else None,
        ranked_in_region=ranks["region"].of if ranks.get("region") else None,
        rank_in_income_group=ranks["income_group"].rank if ranks.get("income_group") else None,
        ranked_in_income_group=ranks["income_group"].of if ranks.get("income_group") else None,
        note="; ".join(notes) or None,
        source=str(latest["source"]),
    )
    country["_ranks"] = ranks
    rows = [country]
    wanted = {kind: gid for kind, gid in groups.items() if gid}
    ours = group_values(ds, indicator, list(wanted.values()), [year]).set_index("group")
    itu = views.official_values(ds, indicator, list(wanted.values()), [year]).set_index("group")
    estimated = spec["aggregation"] in q.ESTIMATED_AGGREGATIONS
    group_sources = ";".join(indicator_sources(ds, indicator, with_inputs=True))
    for kind, gid in wanted.items():
        value = ours.at[gid, "value"]
        reason = str(ours.at[gid, "withheld_reason"] or "") if not finite(value) else ""
        rows.append(
            _row(
                spec,
                row=f"{indicator}:{gid}",
                section=theme,
                measure="value",
                entity_kind=kind,
                entity=gid,
                entity_name=views.group_label(ds, gid),
                year_of_data=year,
                value=float(value) if finite(value) else None,
                value_shown=shown(value, spec),
                method="estimated" if estimated else "reported",
                note=_(reason) if reason else None,
                source=group_sources,
            )
        )
        official = itu.at[gid, "value"]
        if finite(official):
            rows.append(
                _row(
                    spec,
                    row=f"{indicator}:{gid}:itu",
                    section=theme,
                    measure="value",
                    entity_kind=kind,
                    entity=gid,
                    entity_name=views.group_label(ds, gid),
                    year_of_data=year,
                    value=float(official),
                    value_shown=shown(official, spec),
                    method="official",
                    source=str(itu.at[gid, "source_id"]),
                )
            )
    return rows


PEOPLE_SPEC = {"id": "people", "title": "", "unit": "people", "unit_en": "people", "decimals": 0}


def people_rows(ds: Dataset, iso3: str) -> list[dict]:
    """People offline (all, women, men) and without 3G or 4G coverage, in each share's latest
    year; women and men from the same survey year."""
    rows = []
    both_year = None
    female, male = (_latest(ds, f"internet_users_{s}_pct", iso3) for s in ("female", "male"))
    if female and male:
        common = set(
            ds.subset("internet_users_female_pct")
            .query("iso3 == @iso3 and value == value")["year"]
            .astype(int)
        ) & set(
            ds.subset("internet_users_male_pct")
            .query("iso3 == @iso3 and value == value")["year"]
            .astype(int)
        )
        both_year = max(common) if common else None
    for measure, share, population, words in PEOPLE:
        spec = views.indicator_spec(ds, share)
        latest = _latest(ds, share, iso3)
        year = int(latest["year"]) if latest else None
        if measure in ("women_offline", "men_offline"):
            year = both_year
        row = _row(
            PEOPLE_SPEC,
            row=f"people:{measure}",
            section="people",
            indicator=share,
            indicator_title=_(words),
            unit=_("people"),
            measure=measure,
            entity_kind="country",
            entity=iso3,
            entity_name=views.country_label(ds, iso3),
            method="estimated",
        )
        if year is None:
            row.update(value_shown="—", note=_("never reported"))
            rows.append(row)
            continue
        count = q.people_count(
            ds.subset(share, population),
            [iso3],
            year,
            share_indicator=share,
            population_indicator=population,
            complement=True,
        )
        people = count["people"]
        row.update(
            year_of_data=year,
            value=people,
            value_shown=shown(people, PEOPLE_SPEC),
            note=_("our estimate from the population and %(share)s, %(year)d")
            % {"share": spec["short_title"], "year": year},
            source=";".join(indicator_sources(ds, share) + indicator_sources(ds, population)),
        )
        rows.append(row)
    return rows


def chart_years(ds: Dataset, indicator: str) -> tuple[int, int]:
    first, last = views.year_span(ds, indicator)
    return max(first, last - CHART_YEARS + 1), last


def group_values(
    ds: Dataset, indicator: str, groups: Sequence[str], years: Sequence[int]
) -> pd.DataFrame:
    """``views.group_values`` (the app's default method) for just these groups and years.

    The same computation: ``views.group_values`` slices a table of every group and year that
    it computes once per indicator (seconds for each of a profile's indicators); a profile
    needs three groups, so it computes those alone (a tenth of a second).
    """
    return views._compute_group_values(ds, indicator, list(groups), list(years))


def chart_rows(
    ds: Dataset, iso3: str, theme: str, indicator: str, groups: Mapping[str, str | None]
) -> list[dict]:
    """The points of a theme's small trend chart, one row per line and year with a value: the
    country as reported, its groups as estimated (the lines of the dashboard's trend)."""
    spec = views.indicator_spec(ds, indicator)
    start, end = chart_years(ds, indicator)
    kinds = {gid: kind for kind, gid in groups.items() if gid}
    rows = []
    observed = q.filter_observations(
        ds.subset(indicator), indicator=indicator, countries=[iso3], start=start, end=end
    ).dropna(subset=["value"])
    for record in observed.to_dict("records"):
        rows.append(
            _row(
                spec,
                row=f"chart:{indicator}:{iso3}:{int(record['year'])}",
                section=f"chart:{theme}",
                measure="trend",
                entity_kind="country",
                entity=iso3,
                entity_name=views.country_label(ds, iso3),
                year_of_data=int(record["year"]),
                value=float(record["value"]),
                value_shown=shown(record["value"], spec),
                method="reported",
                source=str(record["source"]),
            )
        )
    values = group_values(ds, indicator, list(kinds), range(start, end + 1))
    values = values.loc[values["value"].notna()]
    sources = ";".join(indicator_sources(ds, indicator, with_inputs=True))
    estimated = spec["aggregation"] in q.ESTIMATED_AGGREGATIONS
    for record in values.to_dict("records"):
        gid = str(record["group"])
        rows.append(
            _row(
                spec,
                row=f"chart:{indicator}:{gid}:{int(record['year'])}",
                section=f"chart:{theme}",
                measure="trend",
                entity_kind=kinds[gid],
                entity=gid,
                entity_name=views.group_label(ds, gid),
                year_of_data=int(record["year"]),
                value=float(record["value"]),
                value_shown=shown(record["value"], spec),
                method="estimated" if estimated else "reported",
                source=sources,
            )
        )
    return rows


def theme_gap(ds: Dataset, iso3: str, theme: str, rows: Sequence[dict]) -> str | None:
    """What a theme lacks, in a sentence: "No gender data since 2019." (None: nothing old)."""
    years = []
    stale = True
    for indicator in KEY_INDICATORS[theme]:
        country = next(
            (r for r in rows if r["row"] == f"{indicator}:{iso3}"),
            None,
        )
        if country is None or country["year_of_data"] is None:
            continue
        year = int(country["year_of_data"])
        years.append(year)
        if int(ds.subset(indicator)["year"].max()) - year < STALE_YEARS:
            stale = False
    if not years:
        return _(MISSING_SENTENCES[(theme, "never")])
    if stale:
        return _(MISSING_SENTENCES[(theme, "since")]) % {"year": max(years)}
    return None


PROFILE_CACHE = 512
"""How many built profiles (economy × language) a process keeps."""


def build_profile(ds: Dataset, iso3: str) -> Profile:
    """The profile of ``iso3`` in the current language (``KeyError`` for an unknown code).

    The dataset never changes while loaded: a profile is built once per language and kept.
    """
    if iso3 not in ds.countries.index:
        raise KeyError(iso3)
    key = (iso3, i18n.current_language())
    cache = ds.cache.setdefault("profiles", OrderedDict())
    if key in cache:
        cache.move_to_end(key)
        return cache[key]
    cache[key] = profile = _build_profile(ds, iso3)
    while len(cache) > PROFILE_CACHE:
        cache.popitem(last=False)
    return profile


def _build_profile(ds: Dataset, iso3: str) -> Profile:
    groups = country_groups(ds, iso3)
    profile = Profile(
        iso3=iso3,
        name=views.country_label(ds, iso3),
        groups=groups,
        group_names={kind: views.group_label(ds, gid) for kind, gid in groups.items() if gid},
    )
    for theme, indicators in KEY_INDICATORS.items():
        for indicator in indicators:
            profile.rows += indicator_rows(ds, iso3, theme, indicator, groups)
        gap = theme_gap(ds, iso3, theme, profile.rows)
        if gap:
            profile.gaps[theme] = gap
    profile.rows += people_rows(ds, iso3)
    for theme, indicator in CHART_INDICATORS.items():
        rows = chart_rows(ds, iso3, theme, indicator, groups)
        profile.rows += rows
        profile.charts[theme] = {"indicator": indicator, "rows": rows}
    return profile
