"""Data a user adds to the dataset: their files, read, checked and kept (see docs/adding-data.md).

A user's file (a Data360 / ITU DataHub export, or a tidy CSV or Excel sheet of country, year and
value) is copied into the user-data folder (``$DIGITAL_DIVIDE_USER_DATA``, else ``data/user``)
and recorded in its ``manifest.json`` with its checksum, where it came from, when it was added
and the catalog entry it makes. ``python -m data.build`` reads every file of the manifest, in
its order, after the shipped sources: the same inputs always give the same dataset.

Commands: ``python -m data.add`` and ``python -m data.remove`` (``data/add.py``).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import tomllib
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from data import countries as ctry
from data import sources as src
from data.validate import range_problems

PROJECT = Path(__file__).resolve().parent.parent
DEFAULT_USER_DIR = PROJECT / "data" / "user"
USER_ENV = "DIGITAL_DIVIDE_USER_DATA"
MANIFEST = "manifest.json"
FILES = "files"

FORMATS = ("data360", "tidy")
AGGREGATIONS = ("weighted_mean", "median", "sum", "none")
THEMES = ("access", "coverage", "affordability", "gender", "context")
META_FIELDS = (
    "title",
    "short_title",
    "unit",
    "theme",
    "definition",
    "source",
    "publisher",
    "licence",
    "aggregation",
    "weight",
    "higher_is_better",
    "decimals",
    "bounded",
    "tolerance",
    "code",
)
SOURCE_PREFIX = "user-"

# Data360 units → the catalog's wording (which the range rules key on).
DATA360_UNITS = {
    "PT_POP": "% of population",
    "PT": "%",
    "SB_10P2_HB": "per 100 inhabitants",
    "PT_HH": "% of households",
}
ITU_DATABASES = {"ITU_DH"}

AGGREGATE_REASON = "aggregate (region, income or other group), not an economy"
AGGREGATE_NAMES = {
    "world",
    *ctry.ITU_REGIONS,
    *ctry.ITU_REGIONS.values(),
    *ctry.INCOME_GROUPS,
    "Sub-Saharan Africa",
    "Least developed countries",
    "Landlocked developing countries",
    "Small island developing states",
    "Developed",
    "Developing",
    "Europe",
    "Asia",
    "Oceania",
    "Middle income",
    "Low & middle income",
    "European Union",
    "OECD members",
    "Arab World",
    "Euro area",
}


class UserDataError(ValueError):
    """A user's file cannot be added; ``problems`` lists every row refused and why."""

    def __init__(self, message: str, problems: list[dict] | None = None):
        super().__init__(message)
        self.problems = problems or []


def user_dir() -> Path:
    env = os.environ.get(USER_ENV)
    return Path(env) if env else DEFAULT_USER_DIR


def sha256_file(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


# --------------------------------------------------------------------------- manifest


def read_manifest(folder: Path) -> list[dict]:
    path = Path(folder) / MANIFEST
    if not path.is_file():
        return []
    data = json.loads(path.read_text(encoding="utf-8"))
    entries = data.get("entries", []) if isinstance(data, dict) else None
    if not isinstance(entries, list):
        raise UserDataError(f"{path}: expected an object with a list 'entries'")
    return entries


def write_manifest(folder: Path, entries: list[dict]) -> None:
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    temporary = folder / f".{MANIFEST}.tmp-{os.getpid()}"
    temporary.write_text(
        json.dumps({"entries": entries}, ensure_ascii=False, indent=1, sort_keys=True) + "\n",
        encoding="utf-8",
    )
    os.replace(temporary, folder / MANIFEST)


def verify_entry(folder: Path, entry: dict) -> Path:
    """The stored copy of an entry's file, checked against its recorded checksum."""
    path = Path(folder) / FILES / entry["file"]
    if not path.is_file():
        raise UserDataError(f"{path} is missing: remove the entry with python -m data.remove")
    actual = sha256_file(path)
    if actual != entry["sha256"]:
        raise UserDataError(
            f"{path}: checksum mismatch (recorded {entry['sha256'][:12]}…, found "
            f"{actual[:12]}…); the stored copy changed since it was added"
        )
    return path


# --------------------------------------------------------------------------- metadata


def read_meta(path: Path | None) -> dict:
    """A metadata file (JSON or TOML) with the catalog fields of ``META_FIELDS``."""
    if path is None:
        return {}
    path = Path(path)
    text = path.read_text(encoding="utf-8")
    data = tomllib.loads(text) if path.suffix.lower() == ".toml" else json.loads(text)
    if not isinstance(data, dict):
        raise UserDataError(f"{path}: expected an object of catalog fields")
    unknown = sorted(set(data) - set(META_FIELDS) - {"id", "indicator"})
    if unknown:
        raise UserDataError(
            f"{path}: unknown field(s) {', '.join(unknown)}; valid: {', '.join(META_FIELDS)}"
        )
    return data


def _bool(value, default: bool | None) -> bool | None:
    if value is None or value == "":
        return default
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in ("true", "yes", "1", "y"):
        return True
    if text in ("false", "no", "0", "n"):
        return False
    raise UserDataError(f"expected true or false, got {value!r}")


def slug(text: str) -> str:
    text = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_")


# --------------------------------------------------------------------------- economies


def _name_key(name: str) -> str:
    """A spelling-insensitive key: ``sources.normalise_name`` for Latin scripts, else the
    case-folded letters (Chinese, Russian, Arabic names)."""
    key = src.normalise_name(name)
    if key:
        return key
    text = unicodedata.normalize("NFKC", str(name)).casefold()
    return re.sub(r"[\W_]+", "", text)


@dataclass
class Economies:
    """How a user's file may name an economy: ISO codes (and the World Bank's own), the UN
    names in six languages, and the aliases the country search knows (``OTHER_NAMES``)."""

    known: set[str]
    names: dict[str, str]
    aggregate_names: set[str] = field(default_factory=set)

    @classmethod
    def from_codes(cls, codes: pd.DataFrame) -> Economies:
        seen: dict[str, set[str]] = {}
        columns = ["name", "short_name"] + [c for c in codes.columns if c.startswith("name_")]
        for column in columns:
            for name, iso3 in zip(codes[column], codes["iso3"], strict=True):
                if isinstance(name, str) and name.strip():
                    seen.setdefault(_name_key(name), set()).add(iso3)
        for iso3, aliases in ctry.OTHER_NAMES.items():
            for alias in aliases:
                seen.setdefault(_name_key(alias), set()).add(iso3)
        names = {key: next(iter(v)) for key, v in seen.items() if len(v) == 1 and key}
        aggregates = {_name_key(n) for n in AGGREGATE_NAMES} - set(names)
        return cls(set(codes["iso3"]), names, aggregates)

    def code(self, text: str) -> tuple[str | None, str]:
        """(iso3, "") or (None, why not)."""
        key = str(text).strip()
        if not key:
            return None, "no economy given"
        upper = key.upper()
        if upper in src.WB_AGGREGATES:
            return None, AGGREGATE_REASON
        if upper in src.WB_DROPPED:
            return None, src.WB_DROPPED[upper]
        upper = src.OTHER_KEYS.get(upper, upper)
        if upper in self.known:
            return upper, ""
        name = _name_key(key)
        if name in self.names:
            return self.names[name], ""
        if name in self.aggregate_names:
            return None, AGGREGATE_REASON
        if len(key) == 3 and key.isalpha():
            return None, f"unknown country code {key!r}"
        return None, f"unknown country name {key!r}"


# --------------------------------------------------------------------------- reading


@dataclass
class Reading:
    """What a user's file gives: catalog rows, its source row, tidy observations, every row
    it cannot use (``skipped``: left out with a reason; ``refused``: the file fails), and
    ``warnings`` about values that are used but look wrong."""

    file: str
    format: str
    indicators: list[dict]
    source: dict
    obs: pd.DataFrame
    skipped: list[dict]
    refused: list[dict]
    warnings: list[dict] = field(default_factory=list)

    def problems(self) -> list[dict]:
        refused = ({**p, "outcome": "refused"} for p in self.refused)
        return [*refused, *self.skipped, *self.warnings]


def detect_format(path: Path) -> str:
    if path.suffix.lower() in SPREADSHEETS:
        return "tidy"
    with Path(path).open(encoding="utf-8-sig", errors="replace") as handle:
        header = handle.readline()
    columns = {c.strip().strip('"') for c in header.split(",")}
    return "data360" if set(src.DATA360_COLUMNS) <= columns else "tidy"


def _problem(line, key, reason, outcome="skipped", n=1) -> dict:
    return {"line": line, "key": str(key), "reason": reason, "outcome": outcome, "n": n}


def catalog_row(indicator: str, meta: dict, source_id: str) -> dict:
    """A catalog row (the columns of ``data.catalog.INDICATORS``) from the user's fields."""
    unit = str(meta.get("unit") or "").strip()
    title = str(meta.get("title") or "").strip()
    if not title or not unit:
        raise UserDataError(
            f"{indicator}: a title and a unit are needed (options --title and --unit, or a "
            "metadata file)"
        )
    theme = str(meta.get("theme") or "access")
    if theme not in THEMES:
        raise UserDataError(f"theme {theme!r} does not exist; valid: {', '.join(THEMES)}")
    aggregation = str(meta.get("aggregation") or "weighted_mean")
    if aggregation not in AGGREGATIONS:
        raise UserDataError(
            f"aggregation {aggregation!r} is not known; valid: {', '.join(AGGREGATIONS)}"
        )
    weight = str(meta.get("weight") or ("population" if aggregation == "weighted_mean" else ""))
    higher = _bool(meta.get("higher_is_better"), True)
    bounded = _bool(meta.get("bounded"), unit.startswith("%") and "GNI" not in unit)
    try:
        decimals = int(meta.get("decimals", 1))
        tolerance = int(meta.get("tolerance", 2))
    except (TypeError, ValueError) as exc:
        raise UserDataError(f"decimals and tolerance must be whole numbers: {exc}") from exc
    if not re.fullmatch(r"[a-z][a-z0-9_]{1,60}", indicator):
        raise UserDataError(
            f"indicator id {indicator!r}: use lower-case letters, digits and _ (2–61 characters)"
        )
    return {
        "id": indicator,
        "theme": theme,
        "title": title,
        "short_title": str(meta.get("short_title") or title),
        "unit": unit,
        "definition": str(meta.get("definition") or ""),
        "source": source_id,
        "code": str(meta.get("code") or ""),
        "licence": str(meta.get("licence") or ""),
        "aggregation": aggregation,
        "weight": weight,
        "component_a": "",
        "component_b": "",
        "higher_is_better": "" if higher is None else higher,
        "decimals": decimals,
        "bounded": bool(bounded),
        "target": None,
        "levels": "economies and groups",
        "anchor": "",
        "tolerance": tolerance,
    }


def source_row(entry: dict, meta: dict, itu: bool) -> dict:
    publisher = str(meta.get("publisher") or meta.get("source") or "User-supplied data")
    added = entry.get("added_at", "")[:10]
    return {
        "id": entry["id"],
        "publisher": publisher,
        "title": f"{meta.get('title') or entry['indicator']} (file {entry['name']})",
        "release": f"added {added}, sha256 {entry['sha256'][:12]}",
        "licence": str(meta.get("licence") or ""),
        "itu": bool(itu),
        "citation": f"{publisher}: {meta.get('title') or entry['indicator']}, file "
        f"{entry['name']} (sha256 {entry['sha256'][:12]}), added to this dashboard on {added}.",
    }


def read_entry(path: Path, entry: dict, economies: Economies, shipped: pd.DataFrame) -> Reading:
    """Read and check one user file as its manifest ``entry`` describes it.

    ``shipped`` is the catalog of the shipped indicators (indexed by id): a file may add values
    to one of them (its catalog entry is kept), or make a new one."""
    if entry["format"] == "data360":
        return _read_data360(path, entry, economies, shipped)
    return _read_tidy(path, entry, economies, shipped)


def _spec(indicator: str, meta: dict, source_id: str, shipped: pd.DataFrame) -> dict:
    if indicator in shipped.index:
        row = shipped.loc[indicator].to_dict()
        return {**row, "id": indicator, "_shipped": True}
    return catalog_row(indicator, meta, source_id)


def _check_values(frame: pd.DataFrame, spec: dict, refused: list[dict]) -> pd.DataFrame:
    """Refuse duplicates, years outside the dataset's span and values outside the indicator's
    range, row by row; ``frame`` has ``iso3``, ``year`` (number or NaN), ``value``, ``row``."""
    year_ok = frame["year"].notna() & (frame["year"] % 1 == 0)
    bad_year = ~year_ok | (frame["year"] < src.FIRST_YEAR) | (frame["year"] > src.LAST_YEAR)
    for _, r in frame.loc[bad_year].iterrows():
        refused.append(
            _problem(
                int(r["row"]),
                f"{r['iso3']} {r['year_text']}",
                f"year outside {src.FIRST_YEAR}–{src.LAST_YEAR} or not a year",
                "refused",
            )
        )
    frame = frame.loc[~bad_year].copy()
    frame["year"] = frame["year"].astype(int)
    reasons = range_problems(
        frame["value"],
        unit=str(spec["unit"]),
        bounded=_bool(spec.get("bounded"), False) or False,
        difference=spec.get("aggregation") == "difference",
    )
    for index in reasons.index[reasons != ""]:
        r = frame.loc[index]
        refused.append(
            _problem(
                int(r["row"]),
                f"{r['iso3']} {r['year']} = {r['value_text']}",
                f"{spec['id']}: {reasons[index]}",
                "refused",
            )
        )
    frame = frame.loc[reasons == ""]
    dupes = frame.duplicated(["indicator", "iso3", "year"], keep=False)
    for (indicator, iso3, year), part in frame.loc[dupes].groupby(["indicator", "iso3", "year"]):
        lines = ", ".join(str(int(x)) for x in part["row"])
        for _, r in part.iterrows():
            refused.append(
                _problem(
                    int(r["row"]),
                    f"{iso3} {year}",
                    f"duplicate: {len(part)} values for {indicator} {iso3} {year} (lines {lines})",
                    "refused",
                )
            )
    return frame.loc[~dupes]


def _map_economies(frame: pd.DataFrame, column: str, economies: Economies, skipped, refused):
    """Add ``iso3``; aggregates are skipped with the reason, unknown economies refused."""
    out = []
    for text in frame[column]:
        out.append(economies.code(text))
    frame = frame.assign(iso3=[c or "" for c, _ in out], _why=[w for _, w in out])
    for why, part in frame.loc[frame["iso3"] == ""].groupby("_why", sort=False):
        for key, rows in part.groupby(column, sort=True):
            target = (
                skipped if why == AGGREGATE_REASON or why in src.WB_DROPPED.values() else refused
            )
            outcome = "skipped" if target is skipped else "refused"
            target.append(_problem(int(rows["row"].iloc[0]), key, why, outcome, n=len(rows)))
    return frame.loc[frame["iso3"] != ""].drop(columns="_why")


def _numbers(frame: pd.DataFrame, skipped: list, refused: list) -> pd.DataFrame:
    frame = frame.assign(
        value_text=frame["value"].astype("string").fillna("").str.strip(),
        year_text=frame["year"].astype("string").fillna("").str.strip(),
    )
    empty = frame["value_text"].isin(["", "..", "NA", "N/A", "n/a", "-", "nan", "<NA>"])
    for _, r in frame.loc[empty].iterrows():
        skipped.append(_problem(int(r["row"]), f"{r['key']} {r['year_text']}", "no value"))
    frame = frame.loc[~empty].copy()
    frame["value"] = pd.to_numeric(frame["value_text"], errors="coerce").astype(float)
    frame["year"] = pd.to_numeric(frame["year_text"], errors="coerce").astype(float)
    bad = frame["value"].isna()
    for _, r in frame.loc[bad].iterrows():
        refused.append(
            _problem(
                int(r["row"]),
                f"{r['key']} {r['year_text']}",
                f"value {r['value_text']!r} is not a number",
                "refused",
            )
        )
    return frame.loc[~bad]


FRACTIONS_AT_LEAST = 3
"""Values of a file, all between 0 and 1, that make a percentage's unit suspect."""


def _fractions_warning(frame: pd.DataFrame, spec: dict) -> list[dict]:
    """A warning (the values are used) when every value of a percentage lies between 0 and 1:
    a spreadsheet cell shown as 42% holds 0.42."""
    values = frame["value"]
    unit = str(spec.get("unit") or "")
    if not unit.startswith("%") or len(values) < FRACTIONS_AT_LEAST:
        return []
    if not (values.max() <= 1 and (values > 0).any()):
        return []
    return [
        _problem(
            -1,
            spec["id"],
            f"every value lies between 0 and 1 though the unit is {unit!r}: a cell shown as "
            "42% holds 0.42; if so, give the values in percent (42)",
            "warning",
            n=len(values),
        )
    ]


def _tidy_rows(frame: pd.DataFrame, source_id: str, file: str) -> pd.DataFrame:
    out = pd.DataFrame(
        {
            "iso3": frame["iso3"].astype(str).to_numpy(),
            "year": frame["year"].astype(int).to_numpy(),
            "indicator": frame["indicator"].astype(str).to_numpy(),
            "value": frame["value"].astype(float).to_numpy(),
            "source": source_id,
            "experimental": False,
            "series_break": frame.get("series_break", pd.Series(False, index=frame.index))
            .astype(bool)
            .to_numpy(),
            "derived": False,
            "note": frame.get("note", pd.Series("", index=frame.index)).astype(str).to_numpy(),
            "file": file,
            "row": frame["row"].astype(int).to_numpy(),
        }
    )
    return out[src.TIDY_COLUMNS]


def _read_data360(path: Path, entry: dict, economies: Economies, shipped) -> Reading:
    file = entry["name"]
    frame = pd.read_csv(path, dtype="string", keep_default_na=False, encoding="utf-8-sig")
    missing = [c for c in src.DATA360_COLUMNS if c not in frame.columns]
    if missing:
        raise UserDataError(f"{file}: not a Data360 export, columns missing: {', '.join(missing)}")
    frame["row"] = np.arange(len(frame)) + 2
    series = sorted(set(frame["INDICATOR"]))
    if len(series) != 1:
        raise UserDataError(f"{file}: expected one series, found {len(series)}: {series}")
    units = sorted(set(frame["UNIT_MEASURE"]))
    if len(units) != 1:
        raise UserDataError(f"{file}: expected one unit, found {', '.join(units)}")
    first = frame.iloc[0]
    meta = dict(entry.get("meta") or {})
    meta.setdefault("title", first.get("INDICATOR_LABEL", "") or series[0])
    unit_label = first.get("UNIT_MEASURE_LABEL", "") or units[0]
    meta.setdefault("unit", DATA360_UNITS.get(units[0], unit_label))
    meta.setdefault("code", series[0])
    meta.setdefault(
        "definition",
        f"{meta['title']}: series {series[0]} as exported by the World Bank's Data360.",
    )
    database = str(first.get("DATABASE_ID", "") or "")
    itu = database in ITU_DATABASES or series[0].startswith("ITU_")
    if itu:
        meta.setdefault("publisher", "ITU DataHub, via World Bank Data360")
        meta.setdefault("licence", "CC BY-NC-SA 3.0 IGO")
    indicator = entry["indicator"]
    skipped: list[dict] = []
    refused: list[dict] = []
    total = (frame["SEX"] == "_T") & (frame["AGE"] == "_T") & (frame["URBANISATION"] == "_T")
    by_sex = (
        frame["SEX"].isin(["F", "M"]) & (frame["AGE"] == "_T") & (frame["URBANISATION"] == "_T")
    )
    other = ~total & ~by_sex
    for key, part in frame.loc[other].groupby(["SEX", "AGE", "URBANISATION"]):
        skipped.append(
            _problem(
                int(part["row"].iloc[0]),
                "SEX={} AGE={} URBANISATION={}".format(*key),
                "breakdown by age or urban/rural location: reported, not added (never mixed "
                "into the total)",
                n=len(part),
            )
        )
    frame = frame.loc[~other].copy()
    by_sex = sex_ids(indicator, shipped)
    frame["indicator"] = np.where(
        frame["SEX"] == "F",
        by_sex["female"],
        np.where(frame["SEX"] == "M", by_sex["male"], indicator),
    )
    frame = frame.rename(columns={"OBS_VALUE": "value", "TIME_PERIOD": "year"})
    frame["key"] = frame["REF_AREA"]
    frame = _map_economies(frame, "REF_AREA", economies, skipped, refused)
    frame = _numbers(frame, skipped, refused)
    status = frame["OBS_STATUS"].str.strip().str.upper().fillna("")
    frame["note"] = [
        src.OBS_STATUS_NOTES.get(s, f"observation status {s}") if s else "" for s in status
    ]
    frame["series_break"] = (status == "B").to_numpy()
    source_id = entry["id"]
    specs = {indicator: _spec(indicator, meta, source_id, shipped)}
    sexes = set(frame["indicator"]) - {indicator}
    base = specs[indicator]
    for sex, word in (("female", "women"), ("male", "men")):
        sid = by_sex[sex]
        if sid in sexes:
            specs[sid] = _spec(
                sid,
                {
                    **meta,
                    "title": f"{base['title']}, {word}",
                    "short_title": f"{base['short_title']}, {word}",
                    "weight": f"population_{sex}" if base["aggregation"] == "weighted_mean" else "",
                    "theme": "gender",
                    "unit": _unit_of(base["unit"], sex),
                    "bounded": base["bounded"],
                },
                source_id,
                shipped,
            )
    checked = []
    for sid, spec in specs.items():
        checked.append(_check_values(frame.loc[frame["indicator"] == sid], spec, refused))
    frame = pd.concat(checked)
    obs = _tidy_rows(frame, source_id, file)
    rows = [s for s in specs.values() if not s.get("_shipped")]
    female, male = by_sex["female"], by_sex["male"]
    # A shipped pair's parity is derived again when the dataset is put together (``merge``).
    if female in specs and male in specs and not specs[female].get("_shipped"):
        parity_id = f"{indicator}_gender_parity"
        derived = src.derive_gender(obs, female, male, parity_id, None)
        if len(derived):
            obs = pd.concat([obs, derived], ignore_index=True)
            if parity_id not in shipped.index:
                rows.append(
                    {
                        **catalog_row(
                            parity_id,
                            {
                                **meta,
                                "title": f"{base['title']}: gender parity score (women ÷ men)",
                                "short_title": f"{base['short_title']}: gender parity",
                                "unit": "ratio (women ÷ men)",
                                "theme": "gender",
                                "bounded": False,
                                "decimals": 2,
                                "tolerance": base["tolerance"],
                            },
                            source_id,
                        ),
                        "aggregation": "ratio",
                        "weight": "population",
                        "component_a": female,
                        "component_b": male,
                        "target": 1.0,
                        "higher_is_better": True,
                    }
                )
    rows = [{k: v for k, v in r.items() if not k.startswith("_")} for r in rows]
    return Reading(file, "data360", rows, source_row(entry, meta, itu), obs, skipped, refused)


def sex_ids(indicator: str, shipped: pd.DataFrame) -> dict[str, str]:
    """The ids of a series' women's and men's values: the shipped ones for a shipped series
    that has them (Internet use by sex joins ``internet_users_female_pct`` and
    ``internet_users_male_pct``), else ``<id>_female`` and ``<id>_male``."""
    stem = indicator.removesuffix("_pct")
    pair = {"female": f"{stem}_female_pct", "male": f"{stem}_male_pct"}
    if stem != indicator and all(i in shipped.index for i in pair.values()):
        return pair
    return {"female": f"{indicator}_female", "male": f"{indicator}_male"}


def _unit_of(unit: str, sex: str) -> str:
    """The unit of the women's or men's values of a series: "% of female population" for a
    series in "% of population", as the shipped series by sex say; other units unchanged."""
    return f"% of {sex} population" if unit == "% of population" else unit


SPREADSHEETS = (".xlsx", ".xls", ".xlsm", ".xlsb", ".ods")


def read_sheet(path: Path, sheet: str | None, file: str) -> pd.DataFrame:
    """One sheet of a workbook as text (cells as the sheet shows them; empty cells empty).

    A workbook of one sheet is read whole; of several, ``sheet`` must name the one to read,
    so a notes or metadata sheet is never read as data by chance."""
    try:
        book = pd.ExcelFile(path, engine="calamine")
    except Exception as exc:  # calamine says what is wrong with the file in its own words
        raise UserDataError(f"{file}: not a spreadsheet that can be read ({exc})") from exc
    with book:
        names = [str(n) for n in book.sheet_names]
        if sheet is None:
            if len(names) != 1:
                raise UserDataError(
                    f"{file}: the workbook has {len(names)} sheets ({', '.join(names)}); "
                    "name the one to read with --sheet"
                )
            sheet = names[0]
        elif sheet not in names:
            raise UserDataError(f"{file}: no sheet {sheet!r}; its sheets: {', '.join(names)}")
        frame = pd.read_excel(book, sheet_name=sheet, dtype=object)
    return frame.astype("string").fillna("")


TIDY_COUNTRY = ("iso3", "iso", "code", "country_code", "ref_area", "country", "economy", "name")


def _read_tidy(path: Path, entry: dict, economies: Economies, shipped) -> Reading:
    file = entry["name"]
    if Path(path).suffix.lower() in SPREADSHEETS:
        frame = read_sheet(path, entry.get("sheet"), file)
    else:
        if entry.get("sheet"):
            raise UserDataError(f"{file}: --sheet is for spreadsheets; this file is read as CSV")
        frame = pd.read_csv(path, dtype="string", keep_default_na=False, encoding="utf-8-sig")
    frame.columns = [slug(c) for c in frame.columns]
    country = next((c for c in TIDY_COUNTRY if c in frame.columns), None)
    missing = [c for c in ("year", "value") if c not in frame.columns]
    if country is None or missing:
        raise UserDataError(
            f"{file}: expected columns iso3 (or country), year and value; found "
            f"{', '.join(frame.columns)}"
        )
    frame["row"] = np.arange(len(frame)) + 2
    # A spreadsheet's empty rows (between blocks, at the end) are not rows of data.
    frame = frame.loc[(frame.drop(columns="row").fillna("").map(str.strip) != "").any(axis=1)]
    frame["key"] = frame[country].fillna("")
    meta = dict(entry.get("meta") or {})
    indicator = entry["indicator"]
    skipped: list[dict] = []
    refused: list[dict] = []
    frame = _map_economies(frame, "key", economies, skipped, refused)
    frame = _numbers(frame, skipped, refused)
    frame["indicator"] = indicator
    if "note" in frame.columns:
        frame["note"] = frame["note"].fillna("")
    spec = _spec(indicator, meta, entry["id"], shipped)
    frame = _check_values(frame, spec, refused)
    obs = _tidy_rows(frame, entry["id"], file)
    rows = [] if spec.get("_shipped") else [spec]
    itu = _bool(meta.get("itu"), False) if "itu" in meta else "ITU" in str(meta.get("publisher"))
    source = source_row(entry, meta, bool(itu))
    warnings = _fractions_warning(frame, spec)
    return Reading(file, "tidy", rows, source, obs, skipped, refused, warnings)


# --------------------------------------------------------------------------- merging


def merge(
    obs: pd.DataFrame,
    shipped: pd.DataFrame,
    entries: list[tuple[dict, Path]],
    economies: Economies,
    drops: src.Drops,
) -> tuple[pd.DataFrame, list[dict], list[dict], list[dict]]:
    """The shipped observations with every user file's, in the manifest's order.

    Where a user's value and a shipped one share an economy-year of an indicator, the shipped
    one stays unless the entry says ``prefer_user`` (then the user's replaces it); either way
    each value keeps its own source. Returns observations, new catalog rows, new source rows,
    and what each entry added (for the build report)."""
    catalog_rows: list[dict] = []
    source_rows: list[dict] = []
    report: list[dict] = []
    taken = set(shipped.index)
    keys = ["iso3", "year", "indicator"]
    for entry, path in entries:
        reading = read_entry(path, entry, economies, shipped)
        if reading.refused:
            first = reading.refused[0]
            raise UserDataError(
                f"{entry['name']}: {len(reading.refused)} row(s) refused, e.g. line "
                f"{first['line']}: {first['reason']}",
                reading.problems(),
            )
        clash = [r["id"] for r in reading.indicators if r["id"] in taken]
        if clash:
            raise UserDataError(
                f"{entry['name']}: indicator {', '.join(clash)} is already defined by another file"
            )
        taken |= {r["id"] for r in reading.indicators}
        new = reading.obs
        have = pd.MultiIndex.from_frame(obs[keys])
        overlap = pd.MultiIndex.from_frame(new[keys]).isin(have)
        if entry.get("prefer_user"):
            mine = pd.MultiIndex.from_frame(new[keys])
            obs = obs.loc[~pd.MultiIndex.from_frame(obs[keys]).isin(mine)]
            kept = new
        else:
            kept = new.loc[~overlap]
            if overlap.any():
                drops.add(
                    entry["name"],
                    "shipped value kept for an economy-year the file also has (add it with "
                    "--prefer-user to use the file's values there)",
                    n=int(overlap.sum()),
                )
        for p in reading.skipped:
            drops.add(entry["name"], p["reason"], key=p["key"], row=p["line"], n=p["n"])
        obs = pd.concat([obs, kept], ignore_index=True)
        catalog_rows.extend(reading.indicators)
        source_rows.append(reading.source)
        report.append(
            {
                "id": entry["id"],
                "file": entry["name"],
                "sha256": entry["sha256"],
                "values": len(kept),
                "overlapping": int(overlap.sum()),
                "prefer_user": bool(entry.get("prefer_user")),
            }
        )
    obs = _rederive_pairs(obs, {str(r["id"]) for r in source_rows}, drops)
    return obs, catalog_rows, source_rows, report


def _rederive_pairs(obs: pd.DataFrame, user_sources: set[str], drops: src.Drops) -> pd.DataFrame:
    """The shipped parity (and gap) of every economy-year where a user's file now gives the
    women's or men's value, derived again from the values now in the dataset.

    Where both come from users' files, the parity is theirs (credited to the women's value's
    source, as the build does). Where one side is shipped and the other a user's, the two come
    from different releases: no parity is given there, and the report says so."""
    keys = ["iso3", "year"]
    for female, male, parity, gap in src.GENDER_PAIRS:
        sides = obs.loc[obs["indicator"].isin([female, male])]
        mine = sides["source"].isin(user_sources)
        if not mine.any():
            continue
        users = sides.assign(mine=mine).groupby(keys)["mine"].agg(["any", "all", "size"])
        touched = users.loc[users["any"]]
        at = pd.MultiIndex.from_frame(obs[keys])
        derived_ids = [i for i in (parity, gap) if i]
        obs = obs.loc[~(at.isin(touched.index) & obs["indicator"].isin(derived_ids))]
        mixed = touched.loc[~touched["all"] & (touched["size"] == 2)]
        if len(mixed):
            drops.add(
                f"derived: {female} and {male}",
                "no parity: the women's and men's values of these economy-years come one from a "
                "shipped source and one from an added file",
                key=", ".join(f"{i} {y}" for i, y in mixed.index[:5]),
                n=len(mixed),
            )
        whole = touched.loc[touched["all"] & (touched["size"] == 2)].index
        pair = sides.loc[pd.MultiIndex.from_frame(sides[keys]).isin(whole)]
        if len(pair):
            obs = pd.concat(
                [obs, src.derive_gender(pair, female, male, parity, gap)], ignore_index=True
            )
    return obs.reset_index(drop=True)


def stored_entries(folder: Path) -> list[tuple[dict, Path]]:
    return [(entry, verify_entry(folder, entry)) for entry in read_manifest(folder)]
