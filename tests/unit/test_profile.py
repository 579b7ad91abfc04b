"""Country profiles (/country/<ISO3>): ranks, what is missing, the page against its CSV, 404s
and languages, against the real built dataset."""

from __future__ import annotations

import csv
import io
import json
import re
from html.parser import HTMLParser

import pytest
from dash import no_update
from flask import Flask

from api.profile import profile_bp
from callbacks.controls import offer_profile, show_clicked_region
from components.profile import dashboard_link, plotly_script_url, render_profile
from data import i18n, views
from data import profile as dp
from data.catalog import ITU_NOTICE
from data.export import BOM, notice_header
from data.load import load_dataset


@pytest.fixture(scope="module")
def ds():
    return load_dataset()


@pytest.fixture(scope="module")
def client():
    app = Flask(__name__)
    app.testing = True
    app.register_blueprint(profile_bp)
    return app.test_client()


class Page(HTMLParser):
    """The numbers (elements with ``data-row``), the chart figures and the text of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.numbers: dict[str, str] = {}
        self.figures: dict[str, dict] = {}
        self.texts: list[tuple[str, str]] = []  # (enclosing classes, text)
        self.html_attrs: dict[str, str] = {}
        self._stack: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "html":
            self.html_attrs = attrs
        if tag not in ("meta", "link", "br", "col", "line", "input"):
            self._stack.append((tag, attrs))

    def handle_endtag(self, tag):
        while self._stack:
            if self._stack.pop()[0] == tag:
                break

    def handle_data(self, data):
        if not self._stack or not data.strip():
            return
        tag, attrs = self._stack[-1]
        if "data-row" in attrs:
            self.numbers[attrs["data-row"]] = self.numbers.get(attrs["data-row"], "") + data
        if tag == "script" and attrs.get("type") == "application/json":
            self.figures[attrs["id"].removesuffix("-figure").removeprefix("chart-")] = json.loads(
                data
            )
        elif tag not in ("script", "style"):
            classes = " ".join(a.get("class", "") for _t, a in self._stack)
            if any(a.get("lang") == "en" for _t, a in self._stack):
                classes += " quoted-as-published"
            self.texts.append((classes, data.strip()))


def parse(html: str) -> Page:
    page = Page()
    page.feed(html)
    return page


def csv_rows(response) -> list[dict]:
    text = response.data.decode("utf-8")
    assert text.startswith(BOM)
    return list(csv.DictReader(io.StringIO(text[len(BOM) :])))


# --------------------------------------------------------------------------- ranks


@pytest.mark.parametrize(
    ("values", "higher", "parity", "expected"),
    [
        ({"A": 90, "B": 50, "KEN": 70}, True, False, dp.Rank(2, 3)),
        ({"A": 90, "B": 50, "KEN": 70}, False, False, dp.Rank(2, 3)),
        ({"A": 5.0, "B": 1.2, "KEN": 2.5}, False, False, dp.Rank(2, 3)),
        ({"A": 70.004, "B": 50, "KEN": 70.0}, True, False, dp.Rank(1, 3, tied=True)),
        ({"A": 71, "B": 70, "C": 70, "KEN": 70}, True, False, dp.Rank(2, 4, tied=True)),
        ({"A": 1.01, "B": 0.7, "KEN": 0.97}, True, True, dp.Rank(2, 3)),
        ({"A": 1.03, "B": 0.7, "KEN": 0.97}, True, True, dp.Rank(1, 3, tied=True)),
        ({"A": 1.0, "B": float("nan"), "KEN": 0.9}, True, True, dp.Rank(2, 2)),
        ({"A": 1.0, "B": 2.0}, True, False, None),
        ({"A": 1.0, "KEN": 2.0}, None, False, None),
    ],
)
def test_rank_among(values, higher, parity, expected):
    rank = dp.rank_among(values, "KEN", higher_is_better=higher, decimals=2, parity=parity)
    assert rank == expected


@pytest.mark.parametrize(
    ("n", "text"),
    [(1, "1st"), (2, "2nd"), (3, "3rd"), (4, "4th"), (11, "11th"), (12, "12th"), (13, "13th")]
    + [(21, "21st"), (22, "22nd"), (101, "101st"), (111, "111th")],
)
def test_english_ordinals(n, text):
    assert dp.ordinal(n, "en") == text


def test_rank_text_says_of_how_many_and_ties():
    assert dp.rank_text(dp.Rank(3, 44)) == "3rd of 44 with data"
    assert dp.rank_text(dp.Rank(8, 43, tied=True)) == "joint 8th of 43 with data"
    assert dp.rank_text(None) == "—"


def test_kenya_ranks_agree_with_the_members_values(ds):
    """The rank is one more than the members of the region with a better value that year."""
    profile = dp.build_profile(ds, "KEN")
    row = next(r for r in profile.rows if r["row"] == "internet_users_pct:KEN")
    year, tolerance = row["year_of_data"], 2
    members = ds.groups[profile.groups["region"]]["members"]
    obs = ds.subset("internet_users_pct")
    window = obs.loc[
        obs["iso3"].isin(members)
        & obs["year"].between(year - tolerance, year)
        & obs["value"].notna()
    ]
    latest = window.sort_values("year").groupby("iso3", observed=True)["value"].last()
    assert row["ranked_in_region"] == len(latest)
    better = (latest.round(1) > round(row["value"], 1)).sum()
    assert row["rank_in_region"] == better + 1


def test_prices_rank_lower_as_better(ds):
    profile = dp.build_profile(ds, "KEN")
    row = next(r for r in profile.rows if r["row"] == "price_fixed_broadband_gni_pct:KEN")
    members = ds.groups[profile.groups["income_group"]]["members"]
    obs = ds.subset("price_fixed_broadband_gni_pct")
    year = row["year_of_data"]
    window = obs.loc[obs["iso3"].isin(members) & obs["year"].between(year - 2, year)]
    latest = window.sort_values("year").groupby("iso3", observed=True)["value"].last()
    cheaper = (latest.round(2) < round(row["value"], 2)).sum()
    assert row["rank_in_income_group"] == cheaper + 1


# --------------------------------------------------------------------------- missing


def test_kenya_has_no_gender_data_since_its_last_survey(ds):
    gender = ds.subset("internet_users_female_pct", "internet_users_male_pct")
    last = int(gender.loc[gender["iso3"] == "KEN", "year"].max())
    assert int(gender["year"].max()) - last >= dp.STALE_YEARS, "the data changed: pick another"
    profile = dp.build_profile(ds, "KEN")
    assert profile.gaps["gender"] == f"No gender data since {last}."
    assert "access" not in profile.gaps


def test_never_reported_is_said_and_stays_missing(ds):
    gender = set(ds.subset("internet_users_female_pct", "internet_gender_parity")["iso3"])
    gender |= set(ds.subset("internet_users_male_pct")["iso3"])
    iso3 = next(c for c in ds.countries.index if c not in gender)
    profile = dp.build_profile(ds, iso3)
    assert profile.gaps["gender"] == "No gender data: never reported."
    row = next(r for r in profile.rows if r["row"] == f"internet_users_female_pct:{iso3}")
    assert row["value"] is None and row["value_shown"] == "—" and row["note"] == "never reported"
    women = next(r for r in profile.rows if r["row"] == "people:women_offline")
    assert women["value"] is None and women["note"] == "never reported"


def test_people_offline_is_population_times_the_share_offline(ds):
    profile = dp.build_profile(ds, "KEN")
    row = next(r for r in profile.rows if r["row"] == "people:people_offline")
    share = ds.subset("internet_users_pct")
    share = share.loc[(share["iso3"] == "KEN") & (share["year"] == row["year_of_data"]), "value"]
    pop = ds.subset("population")
    pop = pop.loc[(pop["iso3"] == "KEN") & (pop["year"] == row["year_of_data"]), "value"]
    assert row["value"] == pytest.approx(float(pop.iloc[0]) * (100 - float(share.iloc[0])) / 100)
    assert row["method"] == "estimated" and "estimate" in row["note"]


# --------------------------------------------------------------------------- page == CSV


def test_every_number_on_the_page_is_a_csv_row_and_agrees(client):
    page = parse(client.get("/country/KEN").get_data(as_text=True))
    rows = csv_rows(client.get("/country/KEN.csv"))
    table = {r["row"]: r for r in rows if r["measure"] != "trend"}
    assert set(page.numbers) == set(table)
    for row_id, text in page.numbers.items():
        assert text.strip() == table[row_id]["value_shown"], row_id
    # The charts draw the CSV's trend rows, line by line.
    trend = [r for r in rows if r["measure"] == "trend"]
    assert set(page.figures) == set(dp.CHART_INDICATORS)
    for theme, figure in page.figures.items():
        mine = [r for r in trend if r["section"] == f"chart:{theme}"]
        drawn = {
            (trace["name"], x, round(y, 6))
            for trace in figure["data"]
            for x, y in zip(trace["x"], trace["y"], strict=True)
            if y is not None
        }
        listed = {
            (r["entity_name"], int(r["year_of_data"]), round(float(r["value"]), 6)) for r in mine
        }
        # The CSV keeps the indicator's decimals + 2; the chart draws the full value.
        assert {(n, x) for n, x, _y in drawn} == {(n, x) for n, x, _y in listed}, theme
        for name, x, y in drawn:
            (value,) = [v for n, xx, v in listed if n == name and xx == x]
            assert abs(value - y) < 0.01, (theme, name, x)
        names = {trace["name"] for trace in figure["data"]}
        assert len(names) == 4, names  # Kenya, its region, its income group, the world


def test_the_csv_credits_every_row_and_carries_the_itu_notice(client):
    response = client.get("/country/KEN.csv")
    assert response.mimetype == "text/csv"
    assert 'filename="country-profile_KEN.csv"' in response.headers["Content-Disposition"]
    assert notice_header([ITU_NOTICE]) in response.headers["X-Data-Notice"]
    rows = csv_rows(response)
    assert all(r["source"] and r["licence"] and r["source_citation"] for r in rows if r["value"])
    assert {r["method"] for r in rows} == {"reported", "estimated", "official"}
    withheld = [r for r in rows if r["value_shown"] == "—"]
    assert withheld and all(r["value"] == "" for r in withheld)  # missing, never 0


def test_the_page_has_the_four_themes_years_ranks_and_links(client, ds):
    html = client.get("/country/KEN").get_data(as_text=True)
    for theme in dp.KEY_INDICATORS:
        assert f'id="theme-{theme}"' in html
    assert "23rd of 42 with data" in html or re.search(r"\d+(st|nd|rd|th) of \d+ with data", html)
    assert 'href="/?countries=KEN&amp;group=itu-africa"' in html
    assert 'href="/country/KEN.csv"' in html
    assert plotly_script_url() in html
    assert ITU_NOTICE in html
    assert "No gender data since" in html


def test_dashboard_link_in_another_language(ds):
    i18n.use_language("fr")
    profile = dp.build_profile(ds, "KEN")
    assert dashboard_link(profile, "fr") == "/fr/?countries=KEN&group=itu-africa"


# --------------------------------------------------------------------------- addresses


@pytest.mark.parametrize(
    ("path", "location"),
    [
        ("/country/ken", "/country/KEN"),
        ("/country/ken.csv", "/country/KEN.csv"),
        ("/fr/country/Ken", "/fr/country/KEN"),
        ("/en/country/KEN", "/country/KEN"),
    ],
)
def test_one_address_per_profile(client, path, location):
    response = client.get(path)
    assert response.status_code == 308
    assert response.headers["Location"] == location


@pytest.mark.parametrize(
    "path",
    ["/country/XXX", "/country/XXX.csv", "/country/KENYA", "/country/<b>", "/de/country/KEN"],
)
def test_unknown_codes_are_a_clear_404(client, path):
    response = client.get(path)
    assert response.status_code == 404
    html = response.get_data(as_text=True)
    assert response.mimetype == "text/html"
    assert "<b>" not in html.split("<body", 1)[1]  # escaped
    assert 'href="/"' in html


def test_the_404_page_explains_and_suggests(client):
    html = client.get("/country/XXX").get_data(as_text=True)
    assert "No economy has the code “XXX”" in html
    assert "/country/KEN" in html  # the example and the list of every economy
    html = client.get("/country/kenia").get_data(as_text=True)
    assert 'href="/country/KEN">Kenya (KEN)' in html


def test_the_404_page_speaks_the_address_language(client):
    i18n.use_language("fr")
    heading = i18n.gettext("No economy has the code “%(code)s”") % {"code": "XXX"}
    i18n.use_language(None)
    html = client.get("/fr/country/XXX").get_data(as_text=True)
    assert '<html lang="fr" dir="ltr">' in html
    assert heading in html and heading != "No economy has the code “XXX”"
    assert 'href="/fr/"' in html


def test_the_apps_own_404_is_translated():
    import app as dashboard

    client = dashboard.server.test_client()
    response = client.get("/ar/no-such-page")
    assert response.status_code == 404
    html = response.get_data(as_text=True)
    assert '<html lang="ar" dir="rtl">' in html
    i18n.use_language("ar")
    assert i18n.gettext("Page not found") in html
    assert i18n.gettext("Page not found") != "Page not found"
    i18n.use_language(None)
    assert client.get("/api/v1/nothing").get_json()["error"]
    assert client.get("/country/KEN").status_code == 200
    assert client.get("/fr/country/KEN").status_code == 200
    with client.get(plotly_script_url()) as script:  # served as a file: closed after reading
        assert script.status_code == 200 and b"plotly" in script.data[:2000].lower()


# --------------------------------------------------------------------------- languages


@pytest.mark.parametrize("lang", ["fr", "ar", "zh"])
def test_profile_in_other_languages(client, ds, lang):
    html = client.get(f"/{lang}/country/KEN").get_data(as_text=True)
    page = parse(html)
    assert page.html_attrs == {"lang": lang, "dir": i18n.direction(lang)}
    assert i18n.country_name(ds, "KEN", lang) in html
    assert f'href="/{lang}/?countries=KEN&amp;group=itu-africa"' in html
    assert f'href="/{lang}/country/KEN.csv"' in html
    rows = csv_rows(client.get(f"/{lang}/country/KEN.csv"))
    assert {r["row"]: r["value_shown"] for r in rows if r["measure"] != "trend"} == {
        k: v.strip() for k, v in page.numbers.items()
    }
    i18n.use_language(lang)
    assert i18n.gettext("The people behind the shares") in html
    assert i18n.gettext(ITU_NOTICE) in html
    for figure in page.figures.values():
        assert figure["layout"]["separators"] == i18n.separators(lang)


def test_no_english_leaks_into_a_translated_profile(ds):
    """In the pseudo-language every word from the catalogs is marked ⟦…⟧: text without the
    marks may only be numbers, codes, years, units of the numbers and language names."""
    html = render_profile(ds, "KEN", i18n.PSEUDO)
    page = parse(html)
    allowed = re.compile(r"^[\d\s.,%·—–:;()/+-]*(KEN|ITU|)[\d\s.,%·—–:;()/+-]*$")
    leaks = [
        text
        for classes, text in page.texts
        if "languages" not in classes
        and "quoted-as-published" not in classes
        and "⟦" not in text
        and not allowed.match(text)
    ]
    assert leaks == []


# --------------------------------------------------------------------------- map click


def test_a_click_on_the_map_offers_the_profile_and_the_region(ds):
    click = {"points": [{"location": "KEN"}]}
    hidden, href, text, disabled = offer_profile(click, "fr")
    assert hidden is False and href == "/fr/country/KEN" and not disabled
    assert i18n.country_name(ds, "KEN", "fr") in text
    assert offer_profile(click, None)[1] == "/country/KEN"
    assert offer_profile({"points": [{"location": "Africa"}]}, "en")[0] is True
    assert show_clicked_region(1, click) == ("itu", "itu-africa")
    assert show_clicked_region(1, {"points": []}) == (no_update, no_update)


def test_the_profiles_group_values_are_the_dashboards(ds):
    """The profile computes three groups alone; the dashboard slices its table of all groups:
    the same numbers."""
    groups, years = ["itu-africa", "income-lower-middle", "world"], [2015, 2019, 2023]
    for indicator in ("internet_gender_parity", "price_fixed_broadband_gni_pct"):
        alone = dp.group_values(ds, indicator, groups, years)
        table = views.group_values(ds, indicator, groups, years)
        columns = ["group", "year", "value", "withheld_reason", "members_with_data"]
        assert alone[columns].equals(table[columns]), indicator
