"""The economies of the dataset and the groups they belong to.

Classifications and where each comes from:

* names in the six UN languages, M49 code, UN region and sub-region: the country-code table
  (UN M49 / UNTERM); Kosovo, which M49 does not list, is added by hand;
* ITU region: ITU's December 2025 price-basket release, else its March 2022 release; economies
  that are not ITU members ("Other Economies") belong to no ITU region;
* World Bank income group: the 2025 classification from the ITU 2025 release where it has one,
  else the July 2020 classification (the ``income_group_year`` column says which);
* World Bank region: the July 2020 table, with the 2024 change applied (Afghanistan and
  Pakistan joined the Middle East and North Africa region, renamed to match);
* LDC, LLDC, SIDS: ITU's 2025 flags, else the country-code table (São Tomé and Príncipe left
  the LDC category in December 2024; ITU's 2025 flags already say so).
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from data.sources import OTHER_KEYS, normalise_name

LANGUAGES = {"en": "en", "fr": "fr", "es": "es", "ru": "ru", "zh": "cn", "ar": "ar"}

COUNTRY_COLUMNS = [
    "iso3",
    "m49",
    "name",
    "name_fr",
    "name_es",
    "name_ru",
    "name_zh",
    "name_ar",
    "short_name",
    "un_region",
    "un_subregion",
    "itu_region",
    "income_group",
    "income_group_year",
    "wb_region",
    "ldc",
    "lldc",
    "sids",
]

KOSOVO = {
    "iso3": "XKX",
    "m49": "",
    "name": "Kosovo",
    "name_fr": "Kosovo",
    "name_es": "Kosovo",
    "name_ru": "Косово",
    "name_zh": "科索沃",
    "name_ar": "كوسوفو",
    "short_name": "Kosovo",
    "un_region": "Europe",
    "un_subregion": "Southern Europe",
}

ITU_REGIONS = {
    "Africa": "Africa",
    "The Americas": "Americas",
    "Arab States": "Arab States",
    "Asia & Pacific": "Asia & Pacific",
    "CIS countries": "CIS",
    "Europe countries": "Europe",
}
ITU_NON_MEMBERS = "Other Economies"
# ITU member states that neither price-basket release lists, with their ITU (BDT) region.
ITU_MEMBERS_NOT_IN_PRICE_FILES = {"PRK": "Asia & Pacific", "VAT": "Europe countries"}

INCOME_GROUPS = ["Low income", "Lower middle income", "Upper middle income", "High income"]

WB_MENA_2024 = "Middle East, North Africa, Afghanistan & Pakistan"


OTHER_NAMES = {
    "TUR": ("Turkey", "Turquie", "Turquía"),
    "CIV": ("Ivory Coast", "Cote d'Ivoire"),
    "SWZ": ("Swaziland",),
    "MMR": ("Burma",),
    "CZE": ("Czech Republic", "Czech"),
    "NLD": ("Holland",),
    "CPV": ("Cape Verde",),
    "TLS": ("East Timor",),
    "MKD": ("Macedonia",),
    "VAT": ("Vatican", "Holy See"),
    "KOR": ("South Korea", "Korea"),
    "PRK": ("North Korea",),
    "RUS": ("Russia",),
    "IRN": ("Iran",),
    "SYR": ("Syria",),
    "LAO": ("Laos",),
    "VNM": ("Vietnam", "Viet Nam"),
    "BOL": ("Bolivia",),
    "VEN": ("Venezuela",),
    "TZA": ("Tanzania",),
    "MDA": ("Moldova",),
    "BRN": ("Brunei",),
    "GBR": ("UK", "United Kingdom", "Britain", "Great Britain", "England"),
    "USA": ("USA", "United States", "America"),
    "COD": ("DRC", "DR Congo", "Congo-Kinshasa", "Democratic Republic of Congo"),
    "COG": ("Congo-Brazzaville", "Republic of Congo"),
    "PSE": ("Palestine",),
    "FSM": ("Micronesia",),
    "KGZ": ("Kirghizia",),
    "SVK": ("Slovak Republic",),
}
"""Names people type that are not the UN's (former names, short forms), for the search."""


def _flag(value) -> bool:
    return str(value).strip().lower() in {"1", "1.0", "x", "true", "ldc", "lldc", "sids"}


ARTICLE = re.compile(r"\s*\((the|l['’]|le|la|les|el|los|las)\)\s*$", re.IGNORECASE)


def strip_article(name: str) -> str:
    """UNTERM short names end in the article they take: "Bahamas (the)", "Afganistán (el)";
    a few carry footnote marks ("Holy See (the) *")."""
    return ARTICLE.sub("", name.rstrip(" *")).strip()


def read_country_codes(raw: Path) -> pd.DataFrame:
    path = raw / "datasets_country_codes" / "country-codes.csv"
    cc = pd.read_csv(path, keep_default_na=False, dtype=str)
    cc = cc.loc[cc["ISO3166-1-Alpha-3"] != ""]
    out = pd.DataFrame(
        {
            "iso3": cc["ISO3166-1-Alpha-3"],
            "m49": cc["M49"].str.zfill(3),
            "short_name": cc["CLDR display name"],
            "un_region": cc["Region Name"],
            "un_subregion": cc["Sub-region Name"],
            "_ldc": cc["Least Developed Countries (LDC)"].map(_flag),
            "_lldc": cc["Land Locked Developing Countries (LLDC)"].map(_flag),
            "_sids": cc["Small Island Developing States (SIDS)"].map(_flag),
        }
    )
    for lang, suffix in LANGUAGES.items():
        unterm = cc[f"UNTERM {_LANG_NAMES[lang]} Short"].map(strip_article)
        # Where UNTERM has no entry, English takes the CLDR name (the table's English
        # "official" column spells Côte d'Ivoire as "Ivory Coast"); other languages the
        # table's official name.
        official = cc["CLDR display name"] if lang == "en" else cc[f"official_name_{suffix}"]
        name = unterm.where(unterm != "", official)
        name = name.where(name != "", cc["CLDR display name"])
        out["name" if lang == "en" else f"name_{lang}"] = name
    out["short_name"] = out["short_name"].where(out["short_name"] != "", out["name"])
    kosovo = pd.DataFrame([{**KOSOVO, "_ldc": False, "_lldc": False, "_sids": False}])
    return pd.concat([out, kosovo], ignore_index=True)


_LANG_NAMES = {
    "en": "English",
    "fr": "French",
    "es": "Spanish",
    "ru": "Russian",
    "zh": "Chinese",
    "ar": "Arabic",
}


def name_index(countries: pd.DataFrame) -> dict[str, str]:
    """Normalised name → iso3, for sources that name countries instead of coding them.

    A key two economies share (after normalising) is left out rather than guessed.
    """
    seen: dict[str, set[str]] = {}
    for column in ("name", "short_name"):
        for name, iso3 in zip(countries[column], countries["iso3"], strict=True):
            if name:
                seen.setdefault(normalise_name(name), set()).add(iso3)
    return {key: codes.pop() for key, codes in seen.items() if len(codes) == 1}


def classify(raw: Path, countries: pd.DataFrame) -> pd.DataFrame:
    """Add ITU region, income group, World Bank region and LDC/LLDC/SIDS flags."""
    itu25 = pd.read_csv(
        raw / "itu_ict_price_baskets_latest_2024_2025" / "itu_affordability_latest.csv",
        dtype=str,
        keep_default_na=False,
    )
    itu25["iso3"] = itu25["iso3"].replace(OTHER_KEYS)
    itu25 = itu25.set_index("iso3")
    itu22 = pd.read_csv(
        raw / "itu_ict_price_baskets_2008_2021" / "ICT_PriceBaskets.csv",
        dtype=str,
        keep_default_na=False,
    )
    itu22["IsoCode"] = itu22["IsoCode"].replace(OTHER_KEYS)
    itu22 = itu22.drop_duplicates("IsoCode").set_index("IsoCode")
    odw = pd.read_csv(
        raw / "equals_ict_africa" / "odw_country_region_codes_2021.csv",
        dtype=str,
        keep_default_na=False,
        encoding="utf-8-sig",
    )
    odw = odw.drop_duplicates("ISO-3 Code").set_index("ISO-3 Code")

    out = countries.copy()
    iso = out["iso3"]

    region25 = iso.map(itu25["itu_region"]).fillna("")
    region22 = iso.map(itu22["ITURegion"]).fillna("")
    region = region25.where(region25 != "", region22)
    region = region.where(region != "", iso.map(ITU_MEMBERS_NOT_IN_PRICE_FILES).fillna(""))
    unknown = set(region) - set(ITU_REGIONS) - {ITU_NON_MEMBERS, ""}
    if unknown:
        raise ValueError(f"unknown ITU region names: {sorted(unknown)}")
    out["itu_region"] = region.map(ITU_REGIONS).fillna("")

    income25 = iso.map(itu25["wb_income_2025"]).fillna("")
    income20 = iso.map(odw["World Bank Income Group Name"]).fillna("")
    out["income_group"] = income25.where(income25 != "", income20)
    out["income_group_year"] = income25.map(lambda v: "2025" if v else "").where(
        income25 != "", income20.map(lambda v: "2020" if v else "")
    )
    unknown = set(out["income_group"]) - set(INCOME_GROUPS) - {""}
    if unknown:
        raise ValueError(f"unknown income group names: {sorted(unknown)}")

    wb_region = iso.map(odw["World Bank (All Income) Region Names"]).fillna("")
    wb_region = wb_region.replace({"Middle East & North Africa": WB_MENA_2024})
    wb_region = wb_region.where(~iso.isin(["AFG", "PAK"]), WB_MENA_2024)
    out["wb_region"] = wb_region

    for flag in ("ldc", "lldc", "sids"):
        itu_flag = iso.map(itu25[flag.upper()])
        out[flag] = [
            _flag(v) if isinstance(v, str) and v != "" else bool(fallback)
            for v, fallback in zip(itu_flag, out[f"_{flag}"], strict=True)
        ]
    return out[COUNTRY_COLUMNS].sort_values("iso3").reset_index(drop=True)


# --------------------------------------------------------------------------- groups


GROUP_DEFINITIONS: list[tuple[str, str, str, str, str]] = [
    # id, kind, label, column, value
    ("world", "world", "World", "", ""),
    ("itu-africa", "itu", "Africa (ITU)", "itu_region", "Africa"),
    ("itu-americas", "itu", "Americas (ITU)", "itu_region", "Americas"),
    ("itu-arab-states", "itu", "Arab States (ITU)", "itu_region", "Arab States"),
    ("itu-asia-pacific", "itu", "Asia & Pacific (ITU)", "itu_region", "Asia & Pacific"),
    ("itu-cis", "itu", "CIS (ITU)", "itu_region", "CIS"),
    ("itu-europe", "itu", "Europe (ITU)", "itu_region", "Europe"),
    ("un-africa", "un", "Africa (UN)", "un_region", "Africa"),
    ("un-americas", "un", "Americas (UN)", "un_region", "Americas"),
    ("un-asia", "un", "Asia (UN)", "un_region", "Asia"),
    ("un-europe", "un", "Europe (UN)", "un_region", "Europe"),
    ("un-oceania", "un", "Oceania (UN)", "un_region", "Oceania"),
    ("income-low", "income", "Low income", "income_group", "Low income"),
    ("income-lower-middle", "income", "Lower-middle income", "income_group", "Lower middle income"),
    ("income-upper-middle", "income", "Upper-middle income", "income_group", "Upper middle income"),
    ("income-high", "income", "High income", "income_group", "High income"),
    ("ldc", "development", "Least developed countries (LDCs)", "ldc", True),
    ("lldc", "development", "Landlocked developing countries (LLDCs)", "lldc", True),
    ("sids", "development", "Small island developing states (SIDS)", "sids", True),
]

GROUP_KINDS = {
    "world": "World",
    "itu": "ITU regions",
    "un": "UN regions",
    "income": "World Bank income groups",
    "development": "LDC / LLDC / SIDS",
}


def build_groups(countries: pd.DataFrame) -> list[dict]:
    groups = []
    for gid, kind, label, column, value in GROUP_DEFINITIONS:
        members = countries.loc[countries[column] == value, "iso3"] if column else countries["iso3"]
        groups.append(
            {"id": gid, "kind": kind, "label": label, "members": sorted(members.tolist())}
        )
    return groups
