"""The dashboard's themes: which indicators each offers, its default, and its tolerance.

Tolerances are "latest value within k years", looking back only. Sparse survey series (gender)
need a wide window to show most economies; annual series need little.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from data.i18n import N_

UNITS = {
    "gni_pct": N_("share of GNI per capita (%)"),
    "usd": N_("US dollars"),
    "ppp": N_("PPP dollars"),
}


@dataclass(frozen=True)
class Theme:
    id: str
    label: str
    indicators: tuple[str, ...]
    default: str
    tolerance: int
    groups_view: str = ""
    intro: str = ""
    baskets: bool = False
    extra: dict = field(default_factory=dict)


THEMES: dict[str, Theme] = {
    t.id: t
    for t in (
        Theme(
            "access",
            "Access & use",
            (
                "internet_users_pct",
                "internet_users_female_pct",
                "internet_users_male_pct",
                "internet_users_urban_pct",
                "internet_users_rural_pct",
                "mobile_subscriptions_per100",
                "fixed_broadband_per100",
                "fixed_broadband_10mbps_per100",
            ),
            "internet_users_pct",
            2,
            intro="Who is online, and how many subscriptions there are.",
        ),
        Theme(
            "coverage",
            "Mobile coverage",
            ("coverage_4g_pct", "coverage_3g_pct", "coverage_2g_pct", "coverage_5g_pct"),
            "coverage_4g_pct",
            2,
            intro="Where mobile networks reach, whether or not people use them.",
        ),
        Theme(
            "affordability",
            "Affordability",
            (
                "price_fixed_broadband",
                "price_mobile_broadband",
                "price_mobile_data_voice_low",
                "price_mobile_data_voice_high",
                "price_mobile_voice",
                "price_mobile_1gb_a4ai",
                "price_mobile_broadband_2gb_exp",
            ),
            "price_fixed_broadband",
            3,
            intro="What a basic connection costs, against the target of 2% of monthly income.",
            baskets=True,
        ),
        Theme(
            "gender",
            "Gender gap",
            (
                "internet_gender_parity",
                "internet_gender_gap_pp",
                "internet_users_female_pct",
                "internet_users_male_pct",
                "mobile_ownership_gender_parity",
                "mobile_ownership_female_pct",
                "mobile_ownership_male_pct",
                "ict_skills_female_pct",
                "ict_skills_male_pct",
            ),
            "internet_gender_parity",
            5,
            intro="Whether women are online and own phones as often as men.",
        ),
        Theme(
            "summary",
            "Regional summary",
            (
                "internet_users_pct",
                "coverage_4g_pct",
                "coverage_3g_pct",
                "price_fixed_broadband_gni_pct",
                "price_mobile_broadband_gni_pct",
                "internet_gender_parity",
                "fixed_broadband_per100",
            ),
            "internet_users_pct",
            2,
            intro="Groups side by side, and how far apart the best- and worst-connected are.",
        ),
    )
}

SUMMARY_INDICATORS = (
    "internet_users_pct",
    "coverage_4g_pct",
    "price_fixed_broadband_gni_pct",
    "price_mobile_broadband_gni_pct",
    "internet_gender_parity",
)

GROUP_KINDS = {
    "itu": "ITU regions",
    "un": "UN regions",
    "income": "Income groups",
    "development": "LDC / LLDC / SIDS",
}


ADDED_SOURCE = "user-"
"""Sources of files added with ``python -m data.add`` start so; their indicators join the
theme their catalog row names (no code needed)."""


def indicators_of(theme: Theme, catalog=None) -> tuple[str, ...]:
    """A theme's indicators: its own, then those added to the dataset for it (catalog rows
    whose source is an added file), in catalog order."""
    if catalog is None or theme.baskets or theme.id == "summary" or "theme" not in catalog:
        return theme.indicators
    added = catalog.loc[
        (catalog["theme"] == theme.id)
        & catalog["source"].astype(str).str.startswith(ADDED_SOURCE)
        & ~catalog.index.isin(theme.indicators)
    ].index
    return (*theme.indicators, *(str(i) for i in added))


def resolve_indicator(
    theme_id: str, choice: str | None, unit: str | None, known, catalog=None
) -> str:
    """The catalog id for a theme's choice (a price basket takes the unit as a suffix).

    Falls back to the theme default, then to the basket in % of GNI, when a combination does
    not exist (A4AI publishes no USD or PPP prices, for example).
    """
    theme = THEMES.get(theme_id) or THEMES["access"]
    choice = choice if choice in indicators_of(theme, catalog) else theme.default
    if not theme.baskets:
        return choice
    for suffix in (unit or "gni_pct", "gni_pct"):
        candidate = f"{choice}_{suffix}"
        if candidate in known:
            return candidate
    return f"{theme.default}_gni_pct"


def indicator_options(theme_id: str, catalog, lang: str = "en") -> list[dict[str, str]]:
    """The indicator dropdown's options for a theme (a basket is named without its unit),
    in ``lang``."""
    from data.i18n import gettext, translate

    theme = THEMES.get(theme_id) or THEMES["access"]
    options = []
    for choice in indicators_of(theme, catalog):
        if theme.baskets:
            spec = catalog.loc[resolve_indicator(theme.id, choice, "gni_pct", catalog.index)]
            label = translate(str(spec["title"]), lang)
            for comma in (",", "，", "،"):  # a basket is named without its unit
                label = label.split(comma)[0]
        else:
            label = translate(str(catalog.at[choice, "title"]), lang)
            if "levels" in catalog.columns and catalog.at[choice, "levels"] == "groups only":
                label += " (" + gettext("groups only") + ")"
        options.append({"label": label, "value": choice})
    return options
