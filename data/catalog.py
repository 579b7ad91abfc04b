"""What the dataset holds: the sources it is built from and the indicators it offers.

This is the one place where an indicator is described. Labels, units, tooltips, CSV metadata,
colour direction and aggregation rules all come from these rows. A new indicator is a row here
plus a reader in ``data/sources.py``.
"""

from __future__ import annotations

from data.i18n import N_
from data.official import GROUP_ONLY_INDICATORS, OFFICIAL_SOURCE

ITU_LICENCE = "CC BY-NC-SA 3.0 IGO"
ITU_NOTICE = N_(
    "Contains data from the International Telecommunication Union (ITU), licensed under "
    "CC BY-NC-SA 3.0 IGO: attribution, non-commercial use, share-alike."
)
BOUNDARY_DISCLAIMER = N_(
    "The boundaries and names shown and the designations used on this map do not imply "
    "official endorsement or acceptance by the United Nations, ITU or this project."
)

# --------------------------------------------------------------------------- sources

SOURCES: list[dict] = [
    {
        "id": "itu-wdi",
        "publisher": "ITU, via World Bank WDI and Gapminder",
        "title": "World Telecommunication/ICT Indicators Database (WDI series IT.NET.USER.ZS, "
        "IT.CEL.SETS.P2, IT.NET.BBND.P2)",
        "release": "Gapminder Systema Globalis @ c63631abeb62af6db3910f68be7c2b443beca50b",
        "licence": ITU_LICENCE,
        "itu": True,
        "citation": "ITU World Telecommunication/ICT Indicators Database, as published in the "
        "World Bank World Development Indicators (via Gapminder Systema Globalis).",
    },
    {
        "id": "itu-wdi-2026",
        "publisher": "ITU, via World Bank WDI",
        "title": "World Telecommunication/ICT Indicators Database (WDI series IT.NET.USER.ZS, "
        "IT.NET.BBND.P2)",
        "release": "WDI update of 13 July 2026",
        "licence": ITU_LICENCE,
        "itu": True,
        "citation": "ITU World Telecommunication/ICT Indicators Database, as published in the "
        "World Bank World Development Indicators, update of 13 July 2026 (retrieved from the WDI "
        "API on 27 September 2026).",
    },
    {
        "id": "itu-data360",
        "publisher": "ITU DataHub, via World Bank Data360",
        "title": "ITU DataHub series ITU_DH_POP_COV_4G (population covered by at least a 4G "
        "network) and ITU_DH_ACT_MOB_PER_100 (active mobile-broadband subscriptions per 100 "
        "inhabitants)",
        "release": "Data360 export, as committed on 28 January 2026 (values to 2024)",
        "licence": ITU_LICENCE,
        "itu": True,
        "citation": "ITU World Telecommunication/ICT Indicators Database (ITU DataHub), as "
        "published by the World Bank's Data360.",
    },
    {
        "id": "wdi",
        "publisher": "World Bank, via Gapminder",
        "title": "World Development Indicators (NY.GNP.PCAP.CD, NY.GNP.PCAP.PP.CD, "
        "SP.URB.TOTL.IN.ZS)",
        "release": "Gapminder Systema Globalis @ c63631abeb62af6db3910f68be7c2b443beca50b",
        "licence": "CC BY 4.0",
        "itu": False,
        "citation": "World Bank, World Development Indicators (via Gapminder Systema "
        "Globalis), CC BY 4.0.",
    },
    {
        "id": "un-wpp",
        "publisher": "UN DESA Population Division, via Gapminder",
        "title": "World Population Prospects: female and male population",
        "release": "Gapminder Systema Globalis @ c63631abeb62af6db3910f68be7c2b443beca50b",
        "licence": "CC BY 4.0",
        "itu": False,
        "citation": "United Nations, Department of Economic and Social Affairs, Population "
        "Division, World Population Prospects (via Gapminder Systema Globalis), CC BY 4.0.",
    },
    {
        "id": "itu-sdg-owid",
        "publisher": "ITU, via the UN SDG Global Database and Our World in Data",
        "title": "SDG 9.c.1 Proportion of population covered by a mobile network, by technology",
        "release": "Our World in Data grapher export (2000–2022)",
        "licence": ITU_LICENCE,
        "itu": True,
        "citation": "ITU, SDG indicator 9.c.1, UN Global SDG Database; processed by Our World "
        "in Data (CC BY 4.0).",
    },
    {
        "id": "itu-prices-2022",
        "publisher": "ITU",
        "title": "ICT Price Baskets, historical data series 2008–2021",
        "release": "March 2022 release",
        "licence": ITU_LICENCE,
        "itu": True,
        "citation": "ITU ICT Price Baskets, historical data series, March 2022 release.",
    },
    {
        "id": "itu-prices-2025",
        "publisher": "ITU",
        "title": "ICT Price Baskets, 2024 and 2025 values",
        "release": "December 2025 release",
        "licence": ITU_LICENCE,
        "itu": True,
        "citation": "ITU ICT Price Baskets, December 2025 release (2024 and 2025 values).",
    },
    {
        "id": "itu-wdi-gender",
        "publisher": "ITU, via World Bank WDI and Open Numbers",
        "title": "Individuals using the Internet, female and male (IT.NET.USER.FE.ZS, "
        "IT.NET.USER.MA.ZS)",
        "release": "open-numbers WDI @ 339720c5e4d9456ea62a08c4583d0bc73aec1fc5",
        "licence": ITU_LICENCE,
        "itu": True,
        "citation": "ITU World Telecommunication/ICT Indicators Database, as published in the "
        "World Bank World Development Indicators (via Open Numbers).",
    },
    {
        "id": "unsd-gender",
        "publisher": "UN Statistics Division",
        "title": "UN Gender Data Portal: SDG 5.b.1 mobile-phone ownership by sex; Internet "
        "use by sex (earlier release)",
        "release": "UNStats gender_data_portal @ 1b47de6b1cd889a2cfcc0a016d8ec7aad0c6f582",
        "licence": "UN Statistics Division terms: free to reuse with citation",
        "itu": False,
        "citation": "United Nations Statistics Division, Gender Data Portal (data compiled by "
        "ITU).",
    },
    {
        "id": "unsd-sdg-2020",
        "publisher": "UN Statistics Division",
        "title": "Global SDG Indicators Database, 2020 release",
        "release": "open-numbers ddf--unstats--sdg_indicators @ "
        "1bfae15828a86ad30e86872411534f5c8136d784",
        "licence": "UN Statistics Division terms: free to reuse with citation",
        "itu": False,
        "citation": "United Nations Statistics Division, Global SDG Indicators Database, 2020 "
        "release (series compiled by ITU and UNESCO).",
    },
    {
        "id": "unsd-sdg-2023",
        "publisher": "UN Statistics Division",
        "title": "Global SDG Indicators Database, December 2023: SDG 17.8.1 Internet use by sex, "
        "SDG 5.b.1 mobile-phone ownership by sex",
        "release": "open-numbers ddf--unstats--sdg_indicators, branch autogenerated @ e0117e9f",
        "licence": "UN Statistics Division terms: free to reuse with citation",
        "itu": False,
        "citation": "United Nations Statistics Division, Global SDG Indicators Database, "
        "December 2023 (series compiled by ITU).",
    },
    {
        "id": "itu-urban-rural",
        "publisher": "ITU, via the EQUALS ICT Africa repository",
        "title": "Individuals using the Internet by sex and urban/rural location, latest year "
        "per economy",
        "release": "2019 table (values for 2015–2019)",
        "licence": ITU_LICENCE,
        "itu": True,
        "citation": "ITU World Telecommunication/ICT Indicators database: Internet use by sex "
        "and urban/rural location (2019 table).",
    },
    {
        "id": "a4ai",
        "publisher": "Alliance for Affordable Internet, via Our World in Data",
        "title": "Price of 1 GB of mobile prepaid data as a share of monthly GNI per capita",
        "release": "2019 Affordability Report data (2018 prices)",
        "licence": "CC BY 4.0",
        "itu": False,
        "citation": "Alliance for Affordable Internet (A4AI), Mobile Broadband Pricing data, "
        "2018 (via Our World in Data).",
    },
]

SOURCES.append(OFFICIAL_SOURCE)

SOURCE_IDS = {s["id"] for s in SOURCES}

# --------------------------------------------------------------------------- indicators

THEMES = {
    "access": "Access & use",
    "coverage": "Mobile coverage",
    "affordability": "Affordability",
    "gender": "Gender gap",
    "context": "Context",
}


def _indicator(
    id: str,
    theme: str,
    title: str,
    unit: str,
    definition: str,
    source: str,
    *,
    code: str = "",
    aggregation: str = "weighted_mean",
    weight: str = "population",
    component_a: str = "",
    component_b: str = "",
    higher_is_better: bool | None = True,
    decimals: int = 1,
    bounded: bool = True,
    target: float | None = None,
    short_title: str = "",
) -> dict:
    licence = next(s["licence"] for s in SOURCES if s["id"] == source)
    return {
        "id": id,
        "theme": theme,
        "title": title,
        "short_title": short_title or title,
        "unit": unit,
        "definition": definition,
        "source": source,
        "code": code,
        "licence": licence,
        "aggregation": aggregation,
        "weight": weight if aggregation in ("weighted_mean", "ratio", "difference") else "",
        "component_a": component_a,
        "component_b": component_b,
        "higher_is_better": "" if higher_is_better is None else higher_is_better,
        "decimals": decimals,
        "bounded": bounded,
        "target": target,
    }


def _price(id: str, title: str, short: str, what: str, code: str = "") -> list[dict]:
    """The three units of one ITU price basket: % of GNI per capita, USD and PPP dollars."""
    return [
        _indicator(
            f"{id}_gni_pct",
            "affordability",
            f"{title}, % of monthly GNI per capita",
            "% of GNI p.c.",
            f"Monthly price of {what}, as a share of the average monthly gross national "
            "income per person. The UN Broadband Commission's affordability target is 2% or "
            "less. Group values are medians across economies.",
            "itu-prices-2022",
            code=code,
            aggregation="median",
            higher_is_better=False,
            decimals=2,
            bounded=False,
            target=2.0,
            short_title=f"{short} (% GNI p.c.)",
        ),
        _indicator(
            f"{id}_usd",
            "affordability",
            f"{title}, US dollars per month",
            "USD",
            f"Monthly price of {what}, in US dollars at market exchange rates. Group values "
            "are medians across economies.",
            "itu-prices-2022",
            aggregation="median",
            higher_is_better=False,
            decimals=2,
            bounded=False,
            short_title=f"{short} (USD)",
        ),
        _indicator(
            f"{id}_ppp",
            "affordability",
            f"{title}, PPP dollars per month",
            "PPP$",
            f"Monthly price of {what}, in international dollars at purchasing-power parity. "
            "Group values are medians across economies.",
            "itu-prices-2022",
            aggregation="median",
            higher_is_better=False,
            decimals=2,
            bounded=False,
            short_title=f"{short} (PPP$)",
        ),
    ]


INDICATORS: list[dict] = [
    # ---- access and use
    _indicator(
        "internet_users_pct",
        "access",
        "Individuals using the Internet",
        "% of population",
        "Share of people who used the Internet from any location in the last three months. "
        "Group values are weighted by population.",
        "itu-wdi-2026",
        code="IT.NET.USER.ZS / SDG 17.8.1",
        short_title="Internet use",
    ),
    _indicator(
        "internet_users_female_pct",
        "access",
        "Women using the Internet",
        "% of female population",
        "Share of women and girls who used the Internet in the last three months. Group "
        "values are weighted by female population.",
        "itu-wdi-gender",
        code="IT.NET.USER.FE.ZS",
        weight="population_female",
        short_title="Internet use, women",
    ),
    _indicator(
        "internet_users_male_pct",
        "access",
        "Men using the Internet",
        "% of male population",
        "Share of men and boys who used the Internet in the last three months. Group values "
        "are weighted by male population.",
        "itu-wdi-gender",
        code="IT.NET.USER.MA.ZS",
        weight="population_male",
        short_title="Internet use, men",
    ),
    _indicator(
        "mobile_subscriptions_per100",
        "access",
        "Mobile-cellular subscriptions per 100 people",
        "per 100 people",
        "Active mobile-cellular telephone subscriptions for every 100 inhabitants. One person "
        "may hold several, so values above 100 are common. Group values are weighted by "
        "population.",
        "itu-wdi",
        code="IT.CEL.SETS.P2",
        bounded=False,
        short_title="Mobile subscriptions",
    ),
    _indicator(
        "fixed_broadband_per100",
        "access",
        "Fixed-broadband subscriptions per 100 people",
        "per 100 people",
        "Fixed subscriptions to high-speed Internet (256 kbit/s or more) for every 100 "
        "inhabitants. Group values are weighted by population.",
        "itu-wdi-2026",
        code="IT.NET.BBND.P2",
        bounded=False,
        short_title="Fixed broadband",
    ),
    _indicator(
        "mobile_broadband_per100",
        "access",
        "Active mobile-broadband subscriptions per 100 people",
        "per 100 people",
        "Mobile subscriptions to the public Internet at 256 kbit/s or more (3G or later), on "
        "phones or on dedicated data cards and dongles, counted when used in the last three "
        "months or paid for with a data plan, for every 100 inhabitants. One person may hold "
        "several, so values above 100 occur. Group values are weighted by population.",
        "itu-data360",
        code="ITU_DH_ACT_MOB_PER_100",
        bounded=False,
        short_title="Mobile broadband",
    ),
    _indicator(
        "fixed_broadband_10mbps_per100",
        "access",
        "Fixed-broadband subscriptions of 10 Mbit/s or more per 100 people",
        "per 100 people",
        "Fixed-broadband subscriptions with an advertised download speed of at least "
        "10 Mbit/s, for every 100 inhabitants. Group values are weighted by population.",
        "unsd-sdg-2020",
        code="SDG 17.6.1 (IT_NET_BBP)",
        bounded=False,
        short_title="Fixed broadband ≥10 Mbit/s",
    ),
    _indicator(
        "internet_users_urban_pct",
        "access",
        "Individuals using the Internet, urban areas",
        "% of urban population",
        "Share of people in urban areas who used the Internet in the last three months. One "
        "survey year per economy (2015–2019); national definitions of urban and of the "
        "population surveyed differ. Group values are weighted by urban population.",
        "itu-urban-rural",
        weight="population_urban",
        short_title="Internet use, urban",
    ),
    _indicator(
        "internet_users_rural_pct",
        "access",
        "Individuals using the Internet, rural areas",
        "% of rural population",
        "Share of people in rural areas who used the Internet in the last three months. One "
        "survey year per economy (2015–2019); national definitions of rural and of the "
        "population surveyed differ. Group values are weighted by rural population.",
        "itu-urban-rural",
        weight="population_rural",
        short_title="Internet use, rural",
    ),
    # ---- coverage
    _indicator(
        "coverage_2g_pct",
        "coverage",
        "Population covered by at least a 2G mobile network",
        "% of population",
        "Share of people living within range of a mobile-cellular signal, whether or not they "
        "subscribe. Group values are weighted by population.",
        "itu-sdg-owid",
        code="SDG 9.c.1 (IT_MOB_2GNTWK)",
        short_title="2G coverage",
    ),
    _indicator(
        "coverage_3g_pct",
        "coverage",
        "Population covered by at least a 3G mobile network",
        "% of population",
        "Share of people living within range of a 3G (or better) mobile signal, whether or not "
        "they subscribe. Group values are weighted by population.",
        "itu-sdg-owid",
        code="SDG 9.c.1 (IT_MOB_3GNTWK)",
        short_title="3G coverage",
    ),
    _indicator(
        "coverage_4g_pct",
        "coverage",
        "Population covered by at least a 4G/LTE mobile network",
        "% of population",
        "Share of people living within range of an LTE (4G) or better mobile signal, whether or "
        "not they subscribe. Group values are weighted by population.",
        "itu-data360",
        code="SDG 9.c.1 (IT_MOB_4GNTWK) / ITU_DH_POP_COV_4G",
        short_title="4G coverage",
    ),
    # ---- affordability
    *_price(
        "price_fixed_broadband",
        "Fixed-broadband basket",
        "Fixed broadband",
        "ITU's entry-level fixed-broadband basket (1 GB a month until 2017, 5 GB from 2018)",
        code="ITU ICT Price Baskets",
    ),
    *_price(
        "price_mobile_broadband",
        "Data-only mobile-broadband basket",
        "Mobile broadband",
        "ITU's data-only mobile-broadband basket (1 GB until 2017, 1.5 GB 2018–2020, 2 GB "
        "2021–2024, 5 GB from 2025)",
        code="ITU ICT Price Baskets",
    ),
    *_price(
        "price_mobile_voice",
        "Mobile-cellular low-usage basket",
        "Mobile voice",
        "ITU's low-usage mobile-cellular basket (30 calls and 100 SMS until 2017; 70 minutes "
        "and 20 SMS from 2018)",
        code="ITU ICT Price Baskets",
    ),
    *_price(
        "price_mobile_data_voice_low",
        "Mobile data-and-voice low-consumption basket",
        "Data & voice, low",
        "ITU's low-consumption mobile data-and-voice basket (70 minutes, 20 SMS, 500 MB)",
        code="ITU ICT Price Baskets",
    ),
    *_price(
        "price_mobile_data_voice_high",
        "Mobile data-and-voice high-consumption basket",
        "Data & voice, high",
        "ITU's high-consumption mobile data-and-voice basket (140 minutes, 70 SMS and 1.5 GB "
        "until 2020; 2 GB from 2021)",
        code="ITU ICT Price Baskets",
    ),
    _indicator(
        "price_mobile_broadband_2gb_exp_gni_pct",
        "affordability",
        "Data-only mobile-broadband basket 2 GB, experimental 2025 value, % of monthly GNI "
        "per capita",
        "% of GNI p.c.",
        "ITU's experimental 2025 price for the 2 GB data-only mobile basket, published beside "
        "the official 5 GB basket so that the 2 GB series can be followed one more year. Not "
        "part of the official series.",
        "itu-prices-2025",
        code="ITU ICT Price Baskets (experimental)",
        aggregation="median",
        higher_is_better=False,
        decimals=2,
        bounded=False,
        target=2.0,
        short_title="Mobile broadband 2 GB, experimental (% GNI p.c.)",
    ),
    _indicator(
        "price_mobile_broadband_2gb_exp_usd",
        "affordability",
        "Data-only mobile-broadband basket 2 GB, experimental 2025 value, US dollars per month",
        "USD",
        "ITU's experimental 2025 price for the 2 GB data-only mobile basket in US dollars. Not "
        "part of the official series.",
        "itu-prices-2025",
        code="ITU ICT Price Baskets (experimental)",
        aggregation="median",
        higher_is_better=False,
        decimals=2,
        bounded=False,
        short_title="Mobile broadband 2 GB, experimental (USD)",
    ),
    _indicator(
        "price_mobile_1gb_a4ai_gni_pct",
        "affordability",
        "Price of 1 GB of mobile data (A4AI), % of monthly GNI per capita",
        "% of GNI p.c.",
        "The Alliance for Affordable Internet's '1 for 2' measure: the cheapest prepaid 1 GB "
        "mobile-data offer as a share of monthly GNI per capita, in low- and middle-income "
        "economies. Group values are medians across economies.",
        "a4ai",
        aggregation="median",
        higher_is_better=False,
        decimals=2,
        bounded=False,
        target=2.0,
        short_title="1 GB mobile data, A4AI (% GNI p.c.)",
    ),
    # ---- gender
    _indicator(
        "internet_gender_parity",
        "gender",
        "Internet-use gender parity score",
        "ratio (women ÷ men)",
        "Share of women using the Internet divided by the share of men. 1 is parity; below 1 "
        "women are behind. ITU treats 0.98–1.02 as parity. Group values divide the group's "
        "female rate by its male rate, over the economies that report both.",
        "itu-wdi-gender",
        aggregation="ratio",
        weight="population",
        component_a="internet_users_female_pct",
        component_b="internet_users_male_pct",
        decimals=2,
        bounded=False,
        target=1.0,
        short_title="Internet gender parity",
    ),
    _indicator(
        "internet_gender_gap_pp",
        "gender",
        "Internet-use gender gap",
        "percentage points (men − women)",
        "Share of men using the Internet minus the share of women, in percentage points. "
        "Positive values mean men are ahead.",
        "itu-wdi-gender",
        aggregation="difference",
        weight="population",
        component_a="internet_users_male_pct",
        component_b="internet_users_female_pct",
        higher_is_better=False,
        bounded=False,
        short_title="Internet gender gap",
    ),
    _indicator(
        "mobile_ownership_pct",
        "gender",
        "Individuals who own a mobile phone",
        "% of population",
        "Share of people who own a mobile phone (SDG 5.b.1), from household surveys. Group "
        "values are weighted by total population.",
        "unsd-sdg-2023",
        code="SDG 5.b.1 (IT_MOB_OWN)",
        short_title="Mobile-phone ownership",
    ),
    _indicator(
        "mobile_ownership_female_pct",
        "gender",
        "Women who own a mobile phone",
        "% of female population",
        "Share of women who own a mobile phone (SDG 5.b.1). Group values are weighted by "
        "female population.",
        "unsd-sdg-2023",
        code="SDG 5.b.1 (IT_MOB_OWN, female)",
        weight="population_female",
        short_title="Mobile ownership, women",
    ),
    _indicator(
        "mobile_ownership_male_pct",
        "gender",
        "Men who own a mobile phone",
        "% of male population",
        "Share of men who own a mobile phone (SDG 5.b.1). Group values are weighted by male "
        "population.",
        "unsd-sdg-2023",
        code="SDG 5.b.1 (IT_MOB_OWN, male)",
        weight="population_male",
        short_title="Mobile ownership, men",
    ),
    _indicator(
        "mobile_ownership_gender_parity",
        "gender",
        "Mobile-phone ownership gender parity score",
        "ratio (women ÷ men)",
        "Share of women owning a mobile phone divided by the share of men. 1 is parity; "
        "0.98–1.02 counts as parity. Group values divide aggregate rates, never average "
        "country scores.",
        "unsd-sdg-2023",
        aggregation="ratio",
        weight="population",
        component_a="mobile_ownership_female_pct",
        component_b="mobile_ownership_male_pct",
        decimals=2,
        bounded=False,
        target=1.0,
        short_title="Mobile ownership parity",
    ),
    _indicator(
        "ict_skills_female_pct",
        "gender",
        "Women with basic ICT skills (copying or moving a file or folder)",
        "% of female population",
        "Share of women who have copied or moved a file or folder in the last three months, "
        "one of the ICT skills of SDG 4.4.1. Group values are weighted by female population.",
        "unsd-sdg-2020",
        code="SDG 4.4.1 (SE_ADT_ACTS, COPA, female)",
        weight="population_female",
        short_title="ICT skill (copy a file), women",
    ),
    _indicator(
        "ict_skills_male_pct",
        "gender",
        "Men with basic ICT skills (copying or moving a file or folder)",
        "% of male population",
        "Share of men who have copied or moved a file or folder in the last three months, one "
        "of the ICT skills of SDG 4.4.1. Group values are weighted by male population.",
        "unsd-sdg-2020",
        code="SDG 4.4.1 (SE_ADT_ACTS, COPA, male)",
        weight="population_male",
        short_title="ICT skill (copy a file), men",
    ),
    # ---- context
    _indicator(
        "population",
        "context",
        "Population",
        "people",
        "Mid-year population (female plus male), UN estimates; no projections are kept.",
        "un-wpp",
        code="SP.POP.TOTL",
        aggregation="sum",
        higher_is_better=None,
        decimals=0,
        bounded=False,
    ),
    _indicator(
        "population_female",
        "context",
        "Female population",
        "people",
        "Mid-year female population, UN estimates.",
        "un-wpp",
        code="SP.POP.TOTL.FE.IN",
        aggregation="sum",
        higher_is_better=None,
        decimals=0,
        bounded=False,
    ),
    _indicator(
        "population_male",
        "context",
        "Male population",
        "people",
        "Mid-year male population, UN estimates.",
        "un-wpp",
        code="SP.POP.TOTL.MA.IN",
        aggregation="sum",
        higher_is_better=None,
        decimals=0,
        bounded=False,
    ),
    _indicator(
        "population_urban",
        "context",
        "Urban population",
        "people",
        "Population times the share living in urban areas (our derivation), used to weight "
        "urban rates.",
        "wdi",
        aggregation="sum",
        higher_is_better=None,
        decimals=0,
        bounded=False,
    ),
    _indicator(
        "population_rural",
        "context",
        "Rural population",
        "people",
        "Population times the share not living in urban areas (our derivation), used to "
        "weight rural rates.",
        "wdi",
        aggregation="sum",
        higher_is_better=None,
        decimals=0,
        bounded=False,
    ),
    _indicator(
        "gni_per_capita_usd",
        "context",
        "GNI per capita, Atlas method",
        "current US$",
        "Gross national income divided by population, converted with the World Bank Atlas "
        "method. Group values are weighted by population.",
        "wdi",
        code="NY.GNP.PCAP.CD",
        decimals=0,
        bounded=False,
    ),
    _indicator(
        "gni_per_capita_ppp",
        "context",
        "GNI per capita, PPP",
        "current international $",
        "Gross national income per person at purchasing-power parity. Group values are "
        "weighted by population.",
        "wdi",
        code="NY.GNP.PCAP.PP.CD",
        decimals=0,
        bounded=False,
    ),
    _indicator(
        "urban_population_pct",
        "context",
        "Urban population",
        "% of population",
        "Share of people living in areas defined as urban by national statistical offices. "
        "Group values are weighted by population.",
        "wdi",
        code="SP.URB.TOTL.IN.ZS",
        higher_is_better=None,
    ),
]

# Years back a value may come from where the requested year has none: one window per indicator,
# used by every view, the CSV and the API. Annual series need little; surveys are sparse.
DEFAULT_WINDOW = 2
WINDOWS = {
    **dict.fromkeys(
        (
            "internet_users_female_pct",
            "internet_users_male_pct",
            "internet_gender_parity",
            "internet_gender_gap_pp",
            "internet_users_urban_pct",
            "internet_users_rural_pct",
            "mobile_ownership_pct",
            "mobile_ownership_female_pct",
            "mobile_ownership_male_pct",
            "mobile_ownership_gender_parity",
            "ict_skills_female_pct",
            "ict_skills_male_pct",
            "fixed_broadband_10mbps_per100",
            "price_mobile_1gb_a4ai_gni_pct",
        ),
        5,
    ),
    **dict.fromkeys(("population", "population_female", "population_male"), 3),
}
PRICE_WINDOW = 2
"""Prices: a year without prices (2022–2023 in the public releases) shows the latest prices of
up to two years before, drawn lighter on the map and named with their year in the summary;
never a trend point of its own."""

# Sparse series estimated through a well-reported one they move with (see data.estimate):
# women's and men's rates through the total rate.
ANCHORS = {
    "internet_users_female_pct": "internet_users_pct",
    "internet_users_male_pct": "internet_users_pct",
    "internet_users_urban_pct": "internet_users_pct",
    "internet_users_rural_pct": "internet_users_pct",
    "mobile_ownership_female_pct": "mobile_ownership_pct",
    "mobile_ownership_male_pct": "mobile_ownership_pct",
}

for _row in INDICATORS:
    _row["levels"] = "economies and groups"
    _row["anchor"] = ANCHORS.get(_row["id"], "")
    if _row["theme"] == "affordability" and _row["id"] not in WINDOWS:
        _row["tolerance"] = PRICE_WINDOW
    else:
        _row["tolerance"] = WINDOWS.get(_row["id"], DEFAULT_WINDOW)
for _row in GROUP_ONLY_INDICATORS:
    INDICATORS.append({**_row, "levels": "groups only", "tolerance": 0, "anchor": ""})
del _row

INDICATOR_IDS = [row["id"] for row in INDICATORS]
