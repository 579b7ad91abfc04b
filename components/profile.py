"""The country profile page, ``/country/<ISO3>``: one economy on one or two printed pages.

Server-rendered HTML (Jinja2, autoescaped) from the rows of ``data.profile.build_profile``:
the same rows are the page's tables, its charts and its CSV (``profile_frame``), so the
download is what the page shows. The small charts are drawn by the plotly.js the dashboard
itself loads (``plotly_script_url``), static, at a fixed size that prints.
"""

from __future__ import annotations

import difflib
import functools
from pathlib import Path
from urllib.parse import urlencode

import pandas as pd
from jinja2 import Environment, FileSystemLoader, select_autoescape

from components import theme
from components.figures.profile import LINES, figure_json, profile_trend_figure
from components.themes import THEMES
from data import export, i18n, views
from data import profile as dp
from data.catalog import ITU_NOTICE
from data.i18n import _
from data.load import Dataset

TEMPLATES = Path(__file__).resolve().parent / "templates"
DASHARRAY = {"solid": "", "dash": "7 4", "dot": "2 3", "dashdot": "7 3 2 3"}


@functools.cache
def environment() -> Environment:
    return Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(default=True, default_for_string=True),
        trim_blocks=False,
        lstrip_blocks=False,
    )


PLOTLY_BUNDLE = "vendor/plotly-dashboard.min.js"


@functools.cache
def plotly_script_url() -> str:
    """Where this server serves plotly.js: the very file and address the dashboard loads (our
    own bundle of the trace types we draw, ``scripts/build_plotly_bundle.py``), so a visitor's
    browser fetches it once for both."""
    bundle = Path(__file__).resolve().parent.parent / "assets" / PLOTLY_BUNDLE
    modified = int(bundle.stat().st_mtime)
    return f"/assets/{PLOTLY_BUNDLE}?m={modified}"


def page_prefix(lang: str) -> str:
    return "/" if lang == i18n.DEFAULT else f"/{lang}/"


def profile_path(iso3: str, lang: str) -> str:
    """``/country/KEN`` (English) or ``/fr/country/KEN``."""
    return f"{page_prefix(lang)}country/{iso3}"


def dashboard_link(profile: dp.Profile, lang: str) -> str:
    """The dashboard with this economy selected, its ITU region as the group."""
    params = {"countries": profile.iso3}
    group = profile.groups.get("region") or profile.groups.get("income_group")
    if group:
        params["group"] = group
    return page_prefix(lang) + "?" + urlencode(params)


# --------------------------------------------------------------------------- the page


def _memberships(ds: Dataset, profile: dp.Profile) -> str:
    parts = [
        _("ITU region: %(region)s") % {"region": profile.group_names["region"]}
        if profile.groups.get("region")
        else _("ITU region: none (not listed in an ITU region)")
    ]
    if profile.groups.get("income_group"):
        row = ds.countries.loc[profile.iso3]
        parts.append(
            _("Income group: %(group)s (World Bank, %(year)s)")
            % {"group": profile.group_names["income_group"], "year": row["income_group_year"]}
        )
    else:
        parts.append(_("Income group: not classified by the World Bank"))
    for gid in ("ldc", "lldc", "sids"):
        if profile.iso3 in ds.groups.get(gid, {}).get("members", ()):
            parts.append(views.group_label(ds, gid))
    return " · ".join(parts)


def _chart(ds: Dataset, profile: dp.Profile, theme_id: str) -> dict:
    chart = profile.charts[theme_id]
    indicator = chart["indicator"]
    spec = views.indicator_spec(ds, indicator)
    groups = [gid for gid in profile.groups.values() if gid]
    if profile.iso3 in ds.groups["ldc"]["members"]:
        groups.append("ldc")  # the LDC target applies to it
    start, end = dp.chart_years(ds, indicator)
    title = _("%(title)s, %(years)s") % {"title": spec["short_title"], "years": f"{start}–{end}"}
    sources = export.indicator_sources(ds, indicator, with_inputs=True)
    figure = profile_trend_figure(
        chart["rows"],
        spec,
        title=title,
        targets=views.targets_for(spec, groups),
        credit=export.credit_line(ds, sources),
    )
    return {
        "theme": theme_id,
        "indicator": indicator,
        "figure": figure_json(figure),
        "label": _("%(title)s: %(country)s against its region, income group and the world")
        % {"title": title, "country": profile.name},
    }


def _legend(profile: dp.Profile) -> list[dict]:
    names = {"country": profile.name, **profile.group_names}
    items = []
    for kind in ("country", "region", "income_group", "world"):
        if kind not in names:
            continue
        style = LINES[kind]
        label = names[kind]
        if kind != "country":
            label = _("%(group)s, our estimate") % {"group": label}
        items.append(
            {
                "label": label,
                "color": style["color"],
                "width": style["width"],
                "dasharray": DASHARRAY[style["dash"]],
            }
        )
    items.append(
        {"label": _("Target or parity"), "color": theme.TARGET, "width": 1.5, "dasharray": "5 3"}
    )
    return items


def _languages(iso3: str, lang: str) -> list[dict]:
    return [
        {
            "lang": code,
            "name": meta["name"],
            "href": profile_path(iso3, code),
            "current": code == lang,
        }
        for code, meta in i18n.LANGUAGES.items()
    ]


def render_profile(ds: Dataset, iso3: str, lang: str) -> str:
    """The whole page for ``iso3`` in ``lang``."""
    i18n.use_language(lang)
    profile = dp.build_profile(ds, iso3)
    themes = []
    for theme_id in dp.KEY_INDICATORS:
        entries = []
        for entry in profile.table(theme_id):
            spec = views.indicator_spec(ds, entry["indicator"])
            ranks = entry["country"].get("_ranks", {})
            entries.append(
                {
                    **entry,
                    "title": spec["short_title"],
                    "unit": spec["unit"],
                    "source": dp.short_source(ds, entry["country"]["source"] or ""),
                    "rank_region": dp.rank_text(ranks.get("region")),
                    "rank_income": dp.rank_text(ranks.get("income_group")),
                }
            )
        themes.append(
            {
                "id": theme_id,
                "label": i18n.translate(THEMES[theme_id].label, lang),
                "entries": entries,
            }
        )
    group_kinds = [k for k in ("region", "income_group", "world") if profile.groups.get(k)]
    sources = [
        line
        for line in export.notices_for_sources(
            ds, [s for r in profile.rows for s in str(r["source"] or "").split(";") if s]
        )
        if line != ITU_NOTICE  # said once, in its own paragraph
    ]
    words = {
        "title": _("%(country)s: country profile · %(name)s")
        % {"country": profile.name, "name": _("Digital Divide Dashboard")},
        "description": _(
            "Internet use, mobile coverage, affordability and the gender gap in %(country)s, "
            "against its region, income group and the world."
        )
        % {"country": profile.name},
        "actions": _("Profile actions"),
        "open": _("Open %(country)s in the dashboard") % {"country": profile.name},
        "csv": _("Download every number (CSV)"),
        "print": _("Print"),
        "languages": _("Languages"),
        "kicker": _("Digital Divide Dashboard · Country profile"),
        "memberships": _memberships(ds, profile),
        "lede": _(
            "Each value is the latest reported, with its year and source. Its region, income "
            "group and the world are compared in the same year: our estimates, and ITU's "
            "official estimates where ITU publishes them. Ranks count the economies with data "
            "in that year's window; for prices lower is better, for parity closer to 1."
        ),
        "missing": _("What is missing"),
        "indicator": _("Indicator"),
        "rank_region": _("Rank in %(group)s") % {"group": profile.group_names.get("region", "")},
        "rank_income": _("Rank in %(group)s")
        % {"group": profile.group_names.get("income_group", "")},
        "itu": _("ITU:"),
        "people": _("The people behind the shares"),
        "trends": _("Trends"),
        "legend": _("Legend of the charts"),
        "chart_note": _(
            "The country's line shows the years it reported. Group lines are our estimates: "
            "members that did not report a year are carried along their own trend or given "
            "their peers' median, and a point is left out where too little of the group rests "
            "on its members' own data. Dashed red lines: the 2025 Internet-use targets of the "
            "Broadband Commission, 2% of monthly GNI per capita for prices, parity (1) for the "
            "gender parity score."
        ),
        "method": _(
            "People offline and without coverage are our estimates: the population times the "
            "share not online or not covered, in the year of that share."
        ),
        "itu_notice": _(ITU_NOTICE),
        "sources": _("Sources and licences"),
        "address": _("This profile online: %(address)s")
        % {"address": profile_path(profile.iso3, lang)},
    }
    return (
        environment()
        .get_template("profile.html")
        .render(
            lang=lang,
            dir=i18n.direction(lang),
            p=profile,
            words=words,
            links={
                "dashboard": dashboard_link(profile, lang),
                "csv": profile_path(profile.iso3, lang) + ".csv",
            },
            languages=_languages(profile.iso3, lang),
            gaps=[{"theme": t, "text": text} for t, text in profile.gaps.items()],
            themes=themes,
            group_kinds=group_kinds,
            people=profile.people(),
            legend=_legend(profile),
            charts=[_chart(ds, profile, t) for t in dp.CHART_INDICATORS],
            sources=sources,
            plotly_url=plotly_script_url(),
        )
    )


# --------------------------------------------------------------------------- the CSV


def profile_frame(ds: Dataset, profile: dp.Profile) -> pd.DataFrame:
    """Every number of the page, one row each (``data.profile.CSV_COLUMNS`` plus each row's
    source citations and licences)."""
    frame = pd.DataFrame(
        [{c: row.get(c) for c in dp.CSV_COLUMNS} for row in profile.rows], columns=dp.CSV_COLUMNS
    )
    decimals = [
        0
        if row["section"] == "people"
        else int(ds.catalog.at[row["indicator"], "decimals"]) + export.EXTRA_DECIMALS
        for row in profile.rows
    ]
    frame["value"] = export.round_values(frame["value"], pd.Series(decimals))
    for column in (
        "year_of_data",
        *(c for c in dp.CSV_COLUMNS if c.startswith(("rank", "ranked"))),
    ):
        frame[column] = pd.to_numeric(frame[column], errors="coerce").astype("Int64")

    def per_source(source: object, field: str) -> str:
        out = []
        for sid in str(source or "").split(";"):
            if sid in ds.sources.index:
                text = str(ds.sources.at[sid, field] or "").strip()
                if text and text not in out:
                    out.append(text)
        return " | ".join(out)

    frame["source_citation"] = [per_source(s, "citation") for s in frame["source"]]
    frame["licence"] = [per_source(s, "licence") for s in frame["source"]]
    return frame


def profile_csv(ds: Dataset, iso3: str, lang: str) -> tuple[bytes, list[str]]:
    """The CSV of the page for ``iso3`` in ``lang``, and the notices that go with it."""
    i18n.use_language(lang)
    profile = dp.build_profile(ds, iso3)
    frame = profile_frame(ds, profile)
    notices = export.notices_for(ds, frame.assign(source=frame["source"].fillna("")))
    return export.csv_bytes(frame, notices=notices), notices


# --------------------------------------------------------------------------- not found


def suggestions(ds: Dataset, text: str, lang: str, limit: int = 5) -> list[str]:
    """Economies whose code or name is close to ``text`` (a mistyped code, or a name)."""
    text = text.strip()
    if not text:
        return []
    names = {i18n.country_name(ds, c, lang).casefold(): c for c in ds.countries.index}
    names.update({str(ds.countries.at[c, "name"]).casefold(): c for c in ds.countries.index})
    found = [c for c in difflib.get_close_matches(text.upper(), list(ds.countries.index), limit)]
    for name in difflib.get_close_matches(text.casefold(), list(names), limit, cutoff=0.7):
        found.append(names[name])
    found += [c for n, c in names.items() if n.startswith(text.casefold())]
    return list(dict.fromkeys(found))[:limit]


def render_not_found(ds: Dataset | None, lang: str, code: str | None = None) -> str:
    """A 404 page in ``lang``: for an unknown economy (``code``) or any unknown address."""
    i18n.use_language(lang)
    economies, found = [], []
    if code is not None and ds is not None:
        found = [
            {"iso3": c, "name": views.country_label(ds, c), "href": profile_path(c, lang)}
            for c in suggestions(ds, code, lang)
        ]
        economies = sorted(
            (
                {"name": views.country_label(ds, c), "href": profile_path(c, lang)}
                for c in ds.countries.index
            ),
            key=lambda e: e["name"].casefold(),
        )
        heading = (
            _("No economy has the code “%(code)s”") % {"code": code[:20]}
            if code
            else _("Country profiles")
        )
        explain = _(
            "Country profiles are at /country/ followed by a three-letter ISO code, such as "
            "/country/KEN for Kenya. In the dashboard, type a name in the country search, or "
            "click a country on the map."
        )
    else:
        heading = _("Page not found")
        explain = _("There is no page at this address.")
    words = {
        "title": f"{heading} · {_('Digital Divide Dashboard')}",
        "heading": heading,
        "explain": explain,
        "did_you_mean": _("Did you mean:"),
        "back": _("Go to the dashboard"),
        "api": _("Its data API:"),
        "all": _("All economies"),
    }
    return (
        environment()
        .get_template("not_found.html")
        .render(
            lang=lang,
            dir=i18n.direction(lang),
            words=words,
            suggestions=found,
            economies=economies,
            home=page_prefix(lang),
            open_list=code == "",
        )
    )
