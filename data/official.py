"""ITU's official aggregates for the world, ITU regions, income groups, LDCs, LLDCs and SIDS.

Reads ITU's "Key ICT indicators" workbook (November 2024, made for Facts and Figures 2024) and
keeps its penetration rates (% and per 100 inhabitants), not its totals in millions. ITU's
aggregates include ITU's estimates for economies without data, so they differ from a weighted
mean of reported country values: they are a reference to show beside it.

Sheets are read by their header text: a block title names the indicator, a row of years gives
each column its year, and a label row above names each column group (a unit such as
"Percentage", or a breakdown such as "Urban" or "Female"). Anything unrecognised raises
``ValueError`` naming the sheet and row.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
from python_calamine import CalamineWorkbook

OFFICIAL_FILE = (
    "itu_key_ict_aggregates/ITU_regional_global_Key_ICT_indicator_aggregates_Nov_2024.xlsx"
)
OFFICIAL_SOURCE_ID = "itu-key-ict-2024"
EDITION = "November 2024 (Facts and Figures 2024)"
ITU_LICENCE = "CC BY-NC-SA 3.0 IGO"
OFFICIAL_SOURCE = {
    "id": OFFICIAL_SOURCE_ID,
    "publisher": "ITU",
    "title": "Key ICT indicators for the world and regions (regional and global aggregates)",
    "release": EDITION,
    "licence": ITU_LICENCE,
    "itu": True,
    "citation": "ITU, Key ICT indicators for the world and regions (aggregates for Facts and "
    "Figures 2024), November 2024 edition.",
}
COLUMNS = ["group", "indicator", "year", "value", "source", "derived", "sheet", "row"]

SPECIAL_GROUPS = {
    "World": "world",
    "Low-income": "income-low",
    "Lower-middle-income": "income-lower-middle",
    "Upper-middle-income": "income-upper-middle",
    "High-income": "income-high",
    "Least Developed Countries (LDCs)": "ldc",
    "Land Locked Developing Countries (LLDCs)": "lldc",
    "Small Island Developing States (SIDS)": "sids",
}
ITU_REGIONS = {
    "Africa": "itu-africa",
    "Americas": "itu-americas",
    "Arab States": "itu-arab-states",
    "Asia-Pacific": "itu-asia-pacific",
    "CIS": "itu-cis",
    "Europe": "itu-europe",
}
GROUP_NAMES: dict[str, str] = {**SPECIAL_GROUPS, **ITU_REGIONS}

# Block title (lower case, without "Percentage of " and asterisks) → indicator stem and the unit
# of its rate. A stem of None marks a block without a penetration rate: it is skipped.
BLOCKS: dict[str, tuple[str | None, str]] = {
    "fixed-telephone subscriptions": ("fixed_telephone", "per100"),
    "fixed-broadband subscriptions": ("fixed_broadband", "per100"),
    "mobile-cellular telephone subscriptions": ("mobile_subscriptions", "per100"),
    "active mobile-broadband subscriptions": ("mobile_broadband", "per100"),
    "population covered by a mobile-cellular network": ("coverage_2g", "pct"),
    "population covered by at least a 3g mobile network": ("coverage_3g", "pct"),
    "population covered by at least an lte/wimax mobile network": ("coverage_4g", "pct"),
    "population covered by at least a 5g mobile network": ("coverage_5g", "pct"),
    "individuals using the internet": ("internet_users", "pct"),
    "individuals owning a mobile phone": ("mobile_ownership", "pct"),
    "fixed broadband traffic": (None, ""),
    "mobile broadband traffic": (None, ""),
    "international bandwidth usage": (None, ""),
}
# Column-group labels naming a unit: the rate's unit, or None for totals and volumes (skipped).
UNIT_LABELS = {
    "millions": None,
    "exabytes": None,
    "tbit/s": None,
    "per subscription (gb)": None,
    "per internet user (kbit/s)": None,
    "per 100 inhabitants": "per100",
    "percentage": "pct",
}
# Column-group labels naming a breakdown: the part it adds to the indicator id.
PART_LABELS = {
    "total": "",
    "urban": "_urban",
    "rural": "_rural",
    "female": "_female",
    "male": "_male",
    "youth (15-24)": "_youth",
    "rest of the population": "_non_youth",
}
ROUNDING = 0.1
"""ITU rounds to one decimal; a series repeated on two sheets may differ by this much."""


def _ids(stems: list[str], parts: list[str]) -> list[str]:
    return [f"{stem}{part}_pct" for stem in stems for part in parts]


_COVERAGE = [f"coverage_{g}" for g in ("2g", "3g", "4g", "5g")]
_ALL = set(GROUP_NAMES.values())
_BY_GROUP = [
    *(f"{s}_per100" for s in ("fixed_telephone", "fixed_broadband", "mobile_subscriptions")),
    "mobile_broadband_per100",
    *_ids([*_COVERAGE, "internet_users", "mobile_ownership"], [""]),
]
# Sheet → the groups it covers and the indicators each of them must have there.
EXPECTED: dict[str, tuple[set[str], list[str]]] = {
    "By dvpmnt status and spec. reg.": (set(SPECIAL_GROUPS.values()), _BY_GROUP),
    "By BDT region": (set(ITU_REGIONS.values()), _BY_GROUP),
    "By urban-rural area": (_ALL, _ids([*_COVERAGE, "internet_users"], ["", "_urban", "_rural"])),
    "By gender": (_ALL, _ids(["internet_users", "mobile_ownership"], ["", "_female", "_male"])),
    "Internet use by age": (_ALL, _ids(["internet_users"], ["", "_youth", "_non_youth"])),
}
PARITY = {
    "internet_gender_parity": "internet_users",
    "mobile_ownership_gender_parity": "mobile_ownership",
}


def _label(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("*", "")).strip().lower()


def _is_number(cell: object) -> bool:
    return isinstance(cell, int | float) and not isinstance(cell, bool)


def _is_year_row(cells: list) -> bool:
    filled = [c for c in cells if c not in ("", None)]
    return bool(filled) and all(
        _is_number(c) and float(c).is_integer() and 1990 <= c <= 2100 for c in filled
    )


def _block(sheet: str, title: str | None, row: int) -> tuple[str | None, str]:
    name = _label(title or "").removeprefix("percentage of ")
    for start, block in BLOCKS.items():
        if name.startswith(start):
            return block
    raise ValueError(f"{sheet!r} row {row}: unknown block {title!r}")


def parse_sheet(sheet: str, rows: list[list]) -> list[dict]:
    """The penetration rates on one sheet: dicts with group, indicator, year, value, derived,
    sheet and row (1-based). Reading stops at the "Notes:" line."""
    labels: dict[int, str] = {}  # column → label of the column group that starts there
    starts: dict[int, int] = {}  # year column → first column of its group
    years: dict[int, int] = {}
    title, title_row, out = None, 0, []
    for number, cells in enumerate(rows, start=1):
        cells = [c.strip() if isinstance(c, str) else c for c in cells]
        head = cells[0] if cells else ""
        if isinstance(head, str) and head.lower().startswith("notes"):
            break
        if all(c in ("", None) for c in cells):
            continue
        if head not in GROUP_NAMES:
            if _is_year_row(cells[1:]):
                years = {i: int(c) for i, c in enumerate(cells) if i and _is_number(c)}
                starts = {}
                for i in sorted(years):
                    starts[i] = starts.get(i - 1, i)
            elif any(_is_number(c) or c == "N/A" for c in cells[1:]):
                raise ValueError(f"{sheet!r} row {number}: unknown group {head!r}")
            else:
                labels.update({i: str(c) for i, c in enumerate(cells) if i and c})
            if head:
                title, title_row = head, number
            continue
        stem, rate = _block(sheet, title, title_row or number)
        if not years:
            raise ValueError(f"{sheet!r} row {number}: values before any row of years")
        for column, cell in enumerate(cells[1:], start=1):
            if column not in years:
                if cell not in ("", None):
                    raise ValueError(f"{sheet!r} row {number}: {cell!r} in a column with no year")
                continue
            if cell == "N/A":
                continue
            if not _is_number(cell):
                raise ValueError(f"{sheet!r} row {number}: {cell!r} is not a number")
            label = _label(labels.get(starts[column], ""))
            if label in PART_LABELS:
                indicator = f"{stem}{PART_LABELS[label]}_{rate}"
            elif label in UNIT_LABELS and UNIT_LABELS[label] in (None, rate):
                indicator = f"{stem}_{rate}" if UNIT_LABELS[label] else None
            else:
                raise ValueError(
                    f"{sheet!r} row {number}: unexpected column group {label!r} in column "
                    f"{column + 1} under {title!r}"
                )
            if stem and indicator:
                group, year = GROUP_NAMES[head], years[column]
                out.append(
                    {"group": group, "indicator": indicator, "year": year, "value": float(cell)}
                    | {"derived": False, "sheet": sheet, "row": number}
                )
    return out


def check_blocks(sheet: str, records: list[dict]) -> None:
    """Raise unless the sheet's records hold every expected indicator for all its groups."""
    groups, indicators = EXPECTED[sheet]
    for indicator in indicators:
        found = {r["group"] for r in records if r["indicator"] == indicator}
        if not found:
            raise ValueError(f"{sheet!r}: no block for {indicator} found")
        if found != groups:
            raise ValueError(f"{sheet!r}: {indicator} lacks groups {sorted(groups - found)}")


def deduplicate(records: list[dict]) -> list[dict]:
    """One value per group, indicator and year, the first one met. A repeat may differ from it
    by one rounding step (``ROUNDING``); a larger difference raises ``ValueError``."""
    seen: dict[tuple, dict] = {}
    for record in records:
        key = (record["group"], record["indicator"], record["year"])
        first = seen.setdefault(key, record)
        if abs(first["value"] - record["value"]) > ROUNDING + 1e-9:
            raise ValueError(
                f"{key[1]} {key[0]} {key[2]}: {first['value']} on {first['sheet']!r} row "
                f"{first['row']} but {record['value']} on {record['sheet']!r} row {record['row']}"
            )
    return list(seen.values())


def derive_parity(records: list[dict]) -> list[dict]:
    """Gender parity = female ÷ male (4 decimals) where both exist and ITU gives none."""
    index = {(r["group"], r["indicator"], r["year"]): r for r in records}
    out = []
    for parity, stem in PARITY.items():
        for (group, indicator, year), female in index.items():
            male = index.get((group, f"{stem}_male_pct", year))
            if indicator != f"{stem}_female_pct" or not male or (group, parity, year) in index:
                continue
            value = round(female["value"] / male["value"], 4)
            out.append({**female, "indicator": parity, "value": value, "derived": True})
    return out


def read_itu_aggregates(raw: Path) -> pd.DataFrame:
    """ITU's group-level penetration rates, one row per group, indicator and year."""
    path = Path(raw) / OFFICIAL_FILE
    book = CalamineWorkbook.from_path(str(path))
    records: list[dict] = []
    for sheet in EXPECTED:
        if sheet not in book.sheet_names:
            raise ValueError(f"{path.name}: sheet {sheet!r} not found")
        found = parse_sheet(sheet, book.get_sheet_by_name(sheet).to_python())
        check_blocks(sheet, found)
        records += found
    records = deduplicate(records)
    records += derive_parity(records)
    frame = pd.DataFrame(records).assign(source=OFFICIAL_SOURCE_ID)[COLUMNS]
    frame = frame.astype({"year": int, "value": float, "derived": bool, "row": int})
    return frame.sort_values(["indicator", "group", "year"], ignore_index=True)


_ONLY_GROUPS = (
    "ITU publishes this for groups of economies only (world, regions, income groups, LDCs, "
    "LLDCs, SIDS), not by country."
)


def _row(id: str, theme: str, title: str, short: str, unit: str, definition: str) -> dict:
    return {
        "id": id,
        "theme": theme,
        "title": title,
        "short_title": short,
        "unit": unit,
        "definition": f"{definition} {_ONLY_GROUPS}",
        "source": OFFICIAL_SOURCE_ID,
        "code": "",
        "licence": ITU_LICENCE,
        "aggregation": "none",
        "weight": "",
        "component_a": "",
        "component_b": "",
        "higher_is_better": True,
        "decimals": 1,
        "bounded": unit.startswith("%"),
        "target": None,
    }


_NETWORKS = {
    "2g": ("a mobile-cellular network", "Mobile", "a mobile-cellular (2G or better) signal"),
    "3g": ("at least a 3G mobile network", "3G", "a 3G or better mobile signal"),
    "4g": ("at least a 4G/LTE mobile network", "4G", "an LTE (4G) or better mobile signal"),
    "5g": ("a 5G mobile network", "5G", "a 5G mobile signal"),
}
GROUP_ONLY_INDICATORS: list[dict] = [
    _row(
        "fixed_telephone_per100",
        "access",
        "Fixed-telephone subscriptions per 100 people",
        "Fixed telephone",
        "per 100 people",
        "Fixed-telephone lines and equivalent subscriptions for every 100 inhabitants.",
    ),
    _row(
        "coverage_5g_pct",
        "coverage",
        "Population covered by a 5G mobile network",
        "5G coverage",
        "% of population",
        "Share of people living within range of a 5G mobile signal, whether or not they subscribe.",
    ),
    *(
        _row(
            f"coverage_{net}_{area}_pct",
            "coverage",
            f"{area.capitalize()} population covered by {what}",
            f"{short} coverage, {area}",
            f"% of {area} population",
            f"Share of people in {area} areas living within range of {signal}, whether or not "
            "they subscribe.",
        )
        for net, (what, short, signal) in _NETWORKS.items()
        for area in ("urban", "rural")
    ),
    _row(
        "internet_users_youth_pct",
        "access",
        "Individuals aged 15–24 using the Internet",
        "Internet use, youth",
        "% of population aged 15–24",
        "Share of young people aged 15 to 24 who used the Internet in the last three months.",
    ),
    _row(
        "internet_users_non_youth_pct",
        "access",
        "Individuals using the Internet, rest of the population (not aged 15–24)",
        "Internet use, not youth",
        "% of population not aged 15–24",
        "Share of people outside the 15–24 age group who used the Internet in the last three "
        "months.",
    ),
]
