"""The HTTP API and the export helpers against the real built dataset (``data/built``)."""

from __future__ import annotations

import csv
import io
import json
import math
import re

import pandas as pd
import pytest
from flask import Flask

from api import create_api
from api.routes import INDICATOR_FIELDS
from data import query as q
from data.catalog import ITU_NOTICE
from data.export import (
    BOM,
    EXPORT_COLUMNS,
    credit_line,
    csv_bytes,
    export_filename,
    export_frame,
    notice_header,
    notices_for,
)
from data.load import DEFAULT_DIR, read_dataset

API = "/api/v1"
ITU_HEADER = notice_header([ITU_NOTICE])


@pytest.fixture(scope="module")
def ds():
    return read_dataset(DEFAULT_DIR)


@pytest.fixture(scope="module")
def client(ds):
    app = Flask(__name__)
    app.testing = True
    app.register_blueprint(create_api(lambda: ds), url_prefix=API)
    return app.test_client()


def get_json(client, path: str, status: int = 200) -> dict:
    response = client.get(API + path)
    assert response.status_code == status, response.get_data(as_text=True)[:500]
    assert response.mimetype == "application/json"
    return response.get_json()


def get_csv(client, path: str) -> tuple[list[str], list[dict], object]:
    response = client.get(API + path)
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    assert response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"].startswith("attachment; filename=")
    data = response.data
    assert data.startswith(BOM.encode("utf-8"))
    assert b"\r\n" not in data
    text = data.decode("utf-8-sig")
    assert not text.startswith("#")
    reader = csv.reader(io.StringIO(text, newline=""))
    header = next(reader)
    rows = [dict(zip(header, row, strict=True)) for row in reader]
    return header, rows, response


def filename(response) -> str:
    match = re.fullmatch(r'attachment; filename="([^"]+)"', response.headers["Content-Disposition"])
    assert match
    return match.group(1)


# --------------------------------------------------------------------------- catalog and groups


def test_answers_are_kept_five_minutes_then_revalidated(client):
    """After a data reload no answer older than five minutes is shown; asking again for an
    unchanged answer costs a 304 without a body."""
    first = client.get(f"{API}/aggregates?indicator=internet_users_pct&year=2022&format=csv")
    assert first.status_code == 200 and first.headers["Cache-Control"] == "public, max-age=300"
    etag = first.headers["ETag"]
    again = client.get(
        f"{API}/aggregates?indicator=internet_users_pct&year=2022&format=csv",
        headers={"If-None-Match": etag},
    )
    assert again.status_code == 304 and again.data == b"" and again.headers["ETag"] == etag
    other = client.get(
        f"{API}/aggregates?indicator=internet_users_pct&year=2021&format=csv",
        headers={"If-None-Match": etag},
    )
    assert other.status_code == 200 and other.headers["ETag"] != etag and other.data
    refused = client.get(f"{API}/aggregates?indicator=nope", headers={"If-None-Match": etag})
    assert refused.status_code == 400 and "ETag" not in refused.headers


def test_indicators_json(client, ds):
    response = client.get(f"{API}/indicators")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "public, max-age=300"
    body = response.get_json()
    # Compact: exactly what the most compact serialisation gives.
    compact = json.dumps(body, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    assert response.data == compact
    assert [i["id"] for i in body["indicators"]] == list(ds.catalog.index)
    for item in body["indicators"]:
        assert tuple(item) == INDICATOR_FIELDS
        assert isinstance(item["sources"], list) and item["sources"]
        assert isinstance(item["decimals"], int)
        assert item["higher_is_better"] in (True, False, None)
    price = next(i for i in body["indicators"] if i["id"] == "price_fixed_broadband_gni_pct")
    assert price["target"] == 2.0
    assert price["sources"] == ["itu-prices-2022", "itu-prices-2025"]
    assert ITU_NOTICE in body["notices"]
    assert ITU_HEADER in response.headers["X-Data-Notice"]


def test_indicators_csv(client, ds):
    header, rows, response = get_csv(client, "/indicators?format=csv")
    assert header == list(INDICATOR_FIELDS)
    assert [r["id"] for r in rows] == list(ds.catalog.index)
    assert filename(response) == "indicators.csv"


def test_groups_json_and_csv(client, ds):
    body = get_json(client, "/groups")
    assert [g["id"] for g in body["groups"]] == list(ds.groups)
    world = next(g for g in body["groups"] if g["id"] == "world")
    assert set(world) == {"id", "kind", "label", "members"}
    assert world["members"] == ds.members("world")

    header, rows, _ = get_csv(client, "/groups?format=CSV")
    assert header == ["group", "kind", "label", "iso3", "country"]
    assert len(rows) == sum(len(g["members"]) for g in ds.groups.values())
    assert {"group": "itu-africa", "iso3": "CIV", "country": "Côte d’Ivoire"}.items() <= next(
        r for r in rows if r["group"] == "itu-africa" and r["iso3"] == "CIV"
    ).items()


# --------------------------------------------------------------------------- observations


def test_observations_count_matches_the_dataset(client, ds):
    body = get_json(
        client, "/observations?indicator=internet_users_pct&countries=KEN&start=2010&end=2020"
    )
    obs = ds.obs
    expected = obs[
        (obs["indicator"] == "internet_users_pct")
        & (obs["iso3"] == "KEN")
        & obs["year"].between(2010, 2020)
    ]
    assert body["count"] == len(expected) == len(body["rows"]) > 0
    assert body["indicator"]["id"] == "internet_users_pct"
    for row in body["rows"]:
        assert list(row) == EXPORT_COLUMNS
        assert row["country"] == "Kenya"
        assert row["requested_year"] == row["year_of_data"]
        assert 2010 <= row["year_of_data"] <= 2020
        assert row["experimental"] in (True, False)
    values = dict(zip(expected["year"], expected["value"], strict=True))
    for row in body["rows"]:
        assert row["value"] == pytest.approx(values[row["year_of_data"]], abs=0.0005)


def test_observations_csv(client, ds):
    header, rows, response = get_csv(
        client,
        "/observations?indicator=internet_users_pct&countries=KEN&start=2010&end=2020&format=csv",
    )
    assert header == EXPORT_COLUMNS
    assert filename(response) == "internet_users_pct_ken_2010-2020.csv"
    assert (
        len(rows)
        == get_json(
            client, "/observations?indicator=internet_users_pct&countries=KEN&start=2010&end=2020"
        )["count"]
    )
    assert {r["experimental"] for r in rows} <= {"true", "false"}
    assert all(r["licence"] == "CC BY-NC-SA 3.0 IGO" for r in rows)
    assert all(float(r["value"]) >= 0 for r in rows)
    assert response.headers["Cache-Control"] == "public, max-age=300"
    notice = response.headers["X-Data-Notice"]
    assert notice.isascii() and ITU_HEADER in notice


def test_non_ascii_names_survive_the_round_trip(client):
    query = "/observations?indicator=internet_users_pct&countries=CIV,tur&year=2022&tolerance=2"
    _, rows, _ = get_csv(client, query + "&format=csv")
    names = {r["iso3"]: r["country"] for r in rows}
    assert names == {"CIV": "Côte d’Ivoire", "TUR": "Türkiye"}
    body = get_json(client, query)
    assert {r["iso3"]: r["country"] for r in body["rows"]} == names


def test_year_with_tolerance_stays_in_the_window(client, ds):
    for indicator in ("internet_users_pct", "price_fixed_broadband_gni_pct"):
        body = get_json(client, f"/observations?indicator={indicator}&year=2025&tolerance=3")
        assert body["count"] > 0
        iso3 = [r["iso3"] for r in body["rows"]]
        assert len(iso3) == len(set(iso3))
        for row in body["rows"]:
            assert row["requested_year"] == 2025
            assert 2022 <= row["year_of_data"] <= 2025
            assert row["value"] is not None
            carried = row["year_of_data"] < 2025
            assert row["value_status"] == ("carried forward" if carried else "reported")

    header, rows, response = get_csv(
        client,
        "/observations?indicator=price_fixed_broadband_gni_pct&group=world&year=2025&tolerance=3"
        "&format=csv",
    )
    assert filename(response) == "price_fixed_broadband_gni_pct_world_2025_latest-within-3y.csv"
    assert rows and all(2022 <= int(r["year_of_data"]) <= 2025 for r in rows)
    assert all(r["requested_year"] == "2025" for r in rows)


def test_a_group_and_countries_give_the_members_and_the_countries(client, ds):
    # The dashboard's rule (data.viewrows): Africa plus Türkiye is Africa's members and Türkiye.
    body = get_json(
        client,
        "/observations?indicator=internet_users_pct&group=itu-africa&countries=KEN,TUR&year=2022",
    )
    codes = {r["iso3"] for r in body["rows"]}
    assert {"KEN", "TUR"} <= codes
    assert codes - {"TUR"} <= set(ds.groups["itu-africa"]["members"])


def test_observations_without_data_are_empty_not_zero(client):
    body = get_json(
        client, "/observations?indicator=coverage_4g_pct&countries=KEN&start=1960&end=1970"
    )
    assert body["count"] == 0 and body["rows"] == []
    assert ITU_NOTICE in body["notices"]


# --------------------------------------------------------------------------- aggregates


def test_world_internet_use_2022(client):
    body = get_json(
        client,
        "/aggregates?indicator=internet_users_pct&year=2022&groups=world&method=reported"
        "&tolerance=0",
    )
    assert body["count"] == 1 and body["method"] == "reported"
    (world,) = body["rows"]
    assert world["group"] == "world" and world["label"] == "World"
    assert 0 < world["coverage"] <= 1
    assert 50 < world["value"] < 80
    assert world["method"] == "reported" and world["aggregation"] == "weighted_mean"
    assert 0 < world["reported_share"] <= world["coverage"]
    assert world["withheld"] is False
    assert world["members_with_data"] <= world["members"] == 236
    assert world["first_data_year"] == world["last_data_year"] == 2022
    assert ITU_NOTICE in body["notices"]


def test_aggregates_default_to_every_group(client, ds):
    body = get_json(client, "/aggregates?indicator=internet_users_pct&year=2020&tolerance=2")
    assert [r["group"] for r in body["rows"]] == list(ds.groups)
    for row in body["rows"]:
        assert 0 <= row["coverage"] <= 1
        assert (row["value"] is None) == row["withheld"]


def test_withheld_aggregate_is_null(client):
    base = "/aggregates?indicator=internet_users_pct&year=2022&groups=world&method=reported"
    row = get_json(client, base)["rows"][0]
    assert row["coverage"] < 1
    strict = get_json(client, base + "&threshold=1")["rows"][0]
    assert strict["value"] is None and strict["withheld"] is True
    assert strict["coverage"] == row["coverage"]


def test_median_aggregates_carry_the_target(client):
    body = get_json(
        client,
        "/aggregates?indicator=price_fixed_broadband_gni_pct&year=2025&groups=world,ldc"
        "&tolerance=0",
    )
    for row in body["rows"]:
        assert row["aggregation"] == "median"
        assert row["method"] == "reported"  # medians are never estimated
        assert row["target"] == 2.0
        assert 0 <= row["at_or_under_target"] <= row["members_with_data"]
        assert 0 <= row["share_at_or_under_target"] <= 1
    header, rows, response = get_csv(
        client,
        "/aggregates?indicator=price_fixed_broadband_gni_pct&year=2025&groups=world,ldc"
        "&tolerance=0&format=csv",
    )
    assert {"group", "value", "coverage", "target", "share_at_or_under_target"} <= set(header)
    assert [r["group"] for r in rows] == ["world", "ldc"]
    assert filename(response) == "price_fixed_broadband_gni_pct_aggregates_world-ldc_2025.csv"


def test_aggregates_csv_leaves_withheld_values_empty(client):
    _, rows, _ = get_csv(
        client,
        "/aggregates?indicator=internet_users_pct&year=2022&threshold=1&method=reported&format=csv",
    )
    assert rows
    for row in rows:
        assert row["withheld"] in ("true", "false")
        if row["withheld"] == "true":
            assert row["value"] == ""


def test_aggregates_default_to_our_estimate_with_its_shares(client):
    body = get_json(client, "/aggregates?indicator=internet_users_pct&year=2021&groups=world,ldc")
    assert body["method"] == "estimated"
    for row in body["rows"]:
        assert row["method"] == "estimated" and row["value"] is not None
        shares = [row[f"{k}_share"] for k in ("reported", "history", "modelled", "missing")]
        assert all(0 <= x <= 1 for x in shares)
        assert sum(shares) == pytest.approx(1, abs=1e-3)
        assert row["coverage"] == pytest.approx(1 - row["missing_share"], abs=1e-3)


def test_official_method_answers_itus_series_or_null(client, ds):
    body = get_json(client, "/aggregates?indicator=internet_users_pct&year=2023&method=official")
    rows = {r["group"]: r for r in body["rows"]}
    assert body["method"] == "official" and body["edition"]
    assert rows["itu-arab-states"]["value"] == pytest.approx(68.6)
    assert rows["world"]["value"] == pytest.approx(65.4)
    assert rows["world"]["source"] == "itu-key-ict-2024"
    assert rows["world"]["reported_share"] is None
    # ITU publishes nothing for the UN's regions.
    assert rows["un-africa"]["value"] is None and rows["un-africa"]["withheld"] is True
    assert ITU_NOTICE in body["notices"]
    _, csv_rows, _ = get_csv(
        client, "/aggregates?indicator=internet_users_pct&year=2023&method=official&format=csv"
    )
    assert {r["method"] for r in csv_rows} == {"official"}
    assert csv_rows[0]["edition"]


def test_indicators_list_the_new_series_with_their_level_and_window(client):
    metas = {m["id"]: m for m in get_json(client, "/indicators")["indicators"]}
    assert metas["mobile_broadband_per100"]["levels"] == "economies and groups"
    assert metas["coverage_5g_pct"]["levels"] == "groups only"
    assert "not by country" in metas["coverage_5g_pct"]["definition"]
    assert metas["internet_users_pct"]["tolerance"] == 2
    assert metas["internet_users_female_pct"]["tolerance"] == 5


def test_a_groups_only_series_by_country_says_where_to_find_it(client):
    response = client.get(f"{API}/observations?indicator=coverage_5g_pct&countries=KEN")
    assert response.status_code == 400
    error = response.get_json()["error"]
    assert error["parameter"] == "indicator" and "groups of economies only" in error["message"]
    assert "method=official" in error["see"]
    body = get_json(client, "/aggregates?indicator=coverage_5g_pct&year=2024&method=official")
    world = next(r for r in body["rows"] if r["group"] == "world")
    assert world["value"] is not None and world["method"] == "official"


def test_unknown_method_is_a_400_naming_the_valid_ones(client):
    response = client.get(f"{API}/aggregates?indicator=internet_users_pct&year=2020&method=mean")
    assert response.status_code == 400
    error = response.get_json()["error"]
    assert error["parameter"] == "method"
    assert error["valid"] == ["estimated", "reported", "official"]


@pytest.mark.parametrize(
    "indicator", ["internet_gender_parity", "population", "gni_per_capita_usd"]
)
def test_other_aggregation_methods_answer(client, indicator):
    body = get_json(client, f"/aggregates?indicator={indicator}&year=2020&groups=world,ldc")
    assert body["count"] == 2


# --------------------------------------------------------------------------- licences


def test_itu_notice_only_for_itu_data(client):
    itu = client.get(f"{API}/observations?indicator=internet_users_pct&countries=KEN")
    assert ITU_NOTICE in itu.get_json()["notices"]
    assert ITU_HEADER in itu.headers["X-Data-Notice"]

    for path in (
        "/observations?indicator=gni_per_capita_usd&countries=KEN",
        "/observations?indicator=gni_per_capita_usd&countries=KEN&format=csv",
        "/aggregates?indicator=gni_per_capita_usd&year=2020&groups=world",
    ):
        response = client.get(API + path)
        assert response.status_code == 200
        assert "ITU" not in response.headers["X-Data-Notice"]
        assert "CC BY 4.0" in response.headers["X-Data-Notice"]
        if response.mimetype == "application/json":
            notices = response.get_json()["notices"]
            assert ITU_NOTICE not in notices
            assert any("World Bank" in n for n in notices)


# --------------------------------------------------------------------------- errors


@pytest.mark.parametrize(
    ("path", "parameter"),
    [
        ("/observations", "indicator"),
        ("/observations?indicator=", "indicator"),
        ("/observations?indicator=nope", "indicator"),
        ("/observations?indicator=internet_users_pct&group=nope", "group"),
        ("/observations?indicator=internet_users_pct&countries=KEN,XXX", "countries"),
        ("/observations?indicator=internet_users_pct&countries=,,,", "countries"),
        ("/observations?indicator=internet_users_pct&year=abc", "year"),
        ("/observations?indicator=internet_users_pct&year=1959", "year"),
        ("/observations?indicator=internet_users_pct&year=2026", "year"),
        ("/observations?indicator=internet_users_pct&year=1e9", "year"),
        ("/observations?indicator=internet_users_pct&year=2020.0", "year"),
        ("/observations?indicator=internet_users_pct&year=2020&year=2021", "year"),
        ("/observations?indicator=internet_users_pct&start=abc", "start"),
        ("/observations?indicator=internet_users_pct&start=-5", "start"),
        ("/observations?indicator=internet_users_pct&end=3000", "end"),
        ("/observations?indicator=internet_users_pct&start=2020&end=2010", "start"),
        ("/observations?indicator=internet_users_pct&year=2020&start=2010", "start"),
        ("/observations?indicator=internet_users_pct&year=2020&tolerance=11", "tolerance"),
        ("/observations?indicator=internet_users_pct&year=2020&tolerance=-1", "tolerance"),
        ("/observations?indicator=internet_users_pct&year=2020&tolerance=1.5", "tolerance"),
        ("/observations?indicator=internet_users_pct&format=xml", "format"),
        ("/observations?indicator=internet_users_pct&colour=red", "colour"),
        ("/aggregates?year=2020", "indicator"),
        ("/aggregates?indicator=internet_users_pct", "year"),
        ("/aggregates?indicator=internet_users_pct&year=2030", "year"),
        ("/aggregates?indicator=internet_users_pct&year=2020&groups=world,nope", "groups"),
        ("/aggregates?indicator=internet_users_pct&year=2020&threshold=1.5", "threshold"),
        ("/aggregates?indicator=internet_users_pct&year=2020&threshold=-0.1", "threshold"),
        ("/aggregates?indicator=internet_users_pct&year=2020&threshold=nan", "threshold"),
        ("/aggregates?indicator=internet_users_pct&year=2020&tolerance=99", "tolerance"),
        ("/aggregates?indicator=internet_users_pct&year=2020&format=xlsx", "format"),
        ("/indicators?format=pdf", "format"),
        ("/groups?format=json&format=csv", "format"),
    ],
)
def test_bad_parameters_are_400(client, path, parameter):
    body = get_json(client, path, status=400)
    error = body["error"]
    assert error["parameter"] == parameter
    assert error["message"]
    assert "valid" in error or "see" in error
    if parameter == "indicator":
        assert error["see"] == f"{API}/indicators"


def test_error_responses_are_not_cached_for_long(client):
    response = client.get(f"{API}/observations?indicator=nope")
    assert response.status_code == 400
    assert response.headers["Cache-Control"] == "no-store"


JUNK_VALUES = [
    "",
    " ",
    "x" * 20_000,
    "9" * 5_000,
    "-1",
    "-2020",
    "1e9",
    "0x7E4",
    "NaN",
    "inf",
    "２０２０",
    "2020\u00a0",
    "Côte d’Ivoire",
    "🙂",
    "%00",
    "%ff%fe",
    ",,,",
    ";;",
    "' OR 1=1 --",
    "<script>",
    "../../etc/passwd",
    "null",
    "[]",
    "{}",
]
JUNK_PARAMS = [
    "indicator",
    "group",
    "groups",
    "countries",
    "start",
    "end",
    "year",
    "tolerance",
    "threshold",
    "format",
]


def test_junk_query_strings_never_500(client):
    bases = {
        "indicators": "",
        "groups": "",
        "observations": "indicator=internet_users_pct&countries=KEN",
        "aggregates": "indicator=price_fixed_broadband_gni_pct&year=2020&groups=ldc",
    }
    seen = set()
    for endpoint, base in bases.items():
        for param in JUNK_PARAMS:
            for value in JUNK_VALUES:
                for query in (
                    f"{base}&{param}={value}",
                    f"{param}={value}&{param}={value}",
                    f"{param}={value}&{base}",
                ):
                    response = client.get(f"{API}/{endpoint}", query_string=query.lstrip("&"))
                    seen.add(response.status_code)
                    assert response.status_code in (200, 400), (endpoint, query[:200])
                    if response.status_code == 400:
                        assert response.mimetype == "application/json"
                        assert response.get_json()["error"]["message"]
    assert seen == {200, 400}


def test_unknown_routes_are_json_404(client):
    for path in ("/nothing", "/indicators/extra", "/observations/KEN", "/%F0%9F%99%82"):
        body = get_json(client, path, status=404)
        assert body["error"]["message"]
        assert f"{API}/observations" in body["error"]["valid"]
    response = client.post(f"{API}/observations")
    assert response.status_code == 405
    assert response.get_json()["error"]["message"]


def test_index_lists_the_endpoints(client):
    body = get_json(client, "/")
    assert [e["path"] for e in body["endpoints"]] == [
        f"{API}/indicators",
        f"{API}/groups",
        f"{API}/observations",
        f"{API}/aggregates",
        f"{API}/view",
        f"{API}/stories",
    ]
    observations = body["endpoints"][2]["parameters"]
    assert {"indicator", "group", "countries", "year", "tolerance", "format"} <= set(observations)


# --------------------------------------------------------------------------- export helpers


def test_export_frame_keeps_missing_values_missing(ds):
    rows = pd.DataFrame(
        [
            {
                "iso3": "CIV",
                "indicator": "internet_users_pct",
                "year": 2020,
                "value": None,
                "source": "itu-wdi",
            },
            {
                "iso3": "TUR",
                "indicator": "gni_per_capita_usd",
                "year": 2020,
                "value": 9123.456789,
                "source": "wdi",
                "requested_year": 2021,
            },
            {
                "iso3": "KEN",
                "indicator": "internet_gender_gap_pp",
                "year": 2020,
                "value": -0.0001,
                "source": "itu-wdi-gender",
            },
        ]
    )
    frame = export_frame(ds, rows)
    assert list(frame.columns) == EXPORT_COLUMNS
    assert math.isnan(frame.loc[0, "value"])
    assert frame.loc[1, "value"] == 9123.46  # decimals 0 + 2
    assert frame.loc[1, "requested_year"] == 2021 and frame.loc[1, "year_of_data"] == 2020
    assert frame.loc[1, "value_status"] == "carried forward"
    assert frame.loc[0, "requested_year"] == 2020
    assert frame.loc[1, "licence"] == "CC BY 4.0"
    assert frame["experimental"].isna().all()  # not given: unknown, not false

    text = csv_bytes(frame, notices=notices_for(ds, frame)).decode("utf-8-sig")
    parsed = list(csv.DictReader(io.StringIO(text, newline="")))
    assert parsed[0]["value"] == ""
    assert parsed[0]["country"] == "Côte d’Ivoire"
    assert parsed[2]["value"] == "0.0"  # rounded to 3 places, no "-0.0"
    assert parsed[0]["experimental"] == ""


def test_export_frame_of_no_rows(ds):
    empty = q.values_at_year(ds.obs, "internet_users_pct", 1960)
    frame = export_frame(ds, empty)
    assert frame.empty and list(frame.columns) == EXPORT_COLUMNS
    text = csv_bytes(frame).decode("utf-8-sig")
    assert text == ",".join(EXPORT_COLUMNS) + "\n"


def test_csv_bytes_requires_the_itu_notice_for_itu_rows(ds):
    rows = q.filter_observations(ds.obs, indicator="internet_users_pct", countries=["KEN"])
    frame = export_frame(ds, rows)
    with pytest.raises(ValueError, match="ITU"):
        csv_bytes(frame, notices=["something else"])
    assert csv_bytes(frame, notices=notices_for(ds, frame)).startswith(BOM.encode())


def test_notices_name_each_source(ds):
    rows = pd.concat(
        [
            q.filter_observations(ds.obs, indicator="gni_per_capita_usd", countries=["KEN"]),
            q.filter_observations(ds.obs, indicator="population", countries=["KEN"]),
        ]
    )
    notices = notices_for(ds, export_frame(ds, rows))
    assert len(notices) == 2
    assert ITU_NOTICE not in notices
    assert all("CC BY 4.0" in n for n in notices)


@pytest.mark.parametrize(
    ("kwargs", "expected"),
    [
        (
            {
                "indicator": "internet_users_pct",
                "group": "itu-africa",
                "countries": None,
                "start": 2010,
                "end": 2023,
            },
            "internet_users_pct_itu-africa_2010-2023.csv",
        ),
        (
            {
                "indicator": "price_fixed_broadband_gni_pct",
                "group": "world",
                "countries": None,
                "start": None,
                "end": None,
                "year": 2025,
                "tolerance": 3,
            },
            "price_fixed_broadband_gni_pct_world_2025_latest-within-3y.csv",
        ),
        (
            {
                "indicator": "population",
                "group": None,
                "countries": ["KEN", "UGA"],
                "start": None,
                "end": None,
                "year": 2020,
                "tolerance": 0,
            },
            "population_ken-uga_2020.csv",
        ),
        (
            {
                "indicator": "population",
                "group": None,
                "countries": None,
                "start": 2000,
                "end": None,
            },
            "population_all-countries_from-2000.csv",
        ),
        (
            {
                "indicator": "a b/é?*",
                "group": "../x",
                "countries": ["K E N", "ü"] * 5,
                "start": None,
                "end": None,
            },
            None,
        ),
    ],
)
def test_export_filename(kwargs, expected):
    indicator = kwargs.pop("indicator")
    name = export_filename(indicator, **kwargs)
    assert re.fullmatch(r"[A-Za-z0-9._-]+\.csv", name)
    assert ".." not in name
    if expected is not None:
        assert name == expected


def test_range_with_tolerance_gives_the_dashboards_rows(client, ds):
    from data import views

    body = get_json(
        client,
        "/observations?indicator=internet_users_pct&group=itu-africa&start=2010&end=2020"
        "&tolerance=2",
    )
    expected = views.export_rows(
        ds,
        "internet_users_pct",
        countries=ds.members("itu-africa"),
        start=2010,
        end=2020,
        tolerance=2,
    )
    assert body["count"] == len(expected) > 0
    for row in body["rows"]:
        assert 2010 <= row["requested_year"] <= 2020
        assert row["requested_year"] - 2 <= row["year_of_data"] <= row["requested_year"]


def test_credit_line_names_each_publisher_once_with_its_licence(ds):
    line = credit_line(ds, ["itu-wdi", "itu-sdg-owid", "un-wpp", "itu-wdi"])
    assert line == (
        "Sources: ITU (CC BY-NC-SA 3.0 IGO); UN DESA Population Division (CC BY 4.0). "
        "Chart: Digital Divide Dashboard."
    )
    assert credit_line(ds, ["a4ai"], boundaries=True).endswith(
        "Boundaries shown do not imply endorsement."
    )
    assert credit_line(ds, ["nowhere"]).startswith("Source: nowhere.")
    assert credit_line(ds, []) == "Chart: Digital Divide Dashboard."


# --------------------------------------------------------------------------- languages


def test_indicators_in_french(client):
    metas = {m["id"]: m for m in get_json(client, "/indicators?lang=fr")["indicators"]}
    internet = metas["internet_users_pct"]
    assert internet["id"] == "internet_users_pct"  # ids stay English
    assert "Internet" in internet["title"] and internet["title"] != "Individuals using the Internet"
    assert internet["unit"] == "% de la population"


def test_observations_csv_in_chinese_names_the_economies_beside_their_codes(client):
    header, rows, _ = get_csv(
        client, "/observations?indicator=internet_users_pct&year=2022&lang=zh&format=csv"
    )
    assert header[:3] == ["iso3", "country", "name"]
    names = {r["iso3"]: r["name"] for r in rows}
    assert names["CHN"] == "中国" and names["KEN"] == "肯尼亚"
    assert {r["country"] for r in rows if r["iso3"] == "KEN"} == {"Kenya"}


def test_groups_and_aggregates_in_arabic(client):
    groups = {g["id"]: g for g in get_json(client, "/groups?lang=ar")["groups"]}
    assert "أقل البلدان نموا" in groups["ldc"]["label"]
    body = get_json(client, "/aggregates?indicator=internet_users_pct&year=2022&groups=ldc&lang=ar")
    assert body["rows"][0]["label"] == groups["ldc"]["label"]
    assert body["rows"][0]["group"] == "ldc"


def test_stories_are_listed_with_their_slide_counts(client):
    stories = {s["id"]: s for s in get_json(client, "/stories")["stories"]}
    assert stories["divide-at-a-glance"]["slides"] == 5
    french = {s["id"]: s for s in get_json(client, "/stories?lang=fr")["stories"]}
    assert french["divide-at-a-glance"]["title"] != stories["divide-at-a-glance"]["title"]


def test_an_unknown_language_is_a_400_naming_the_six(client):
    response = client.get(f"{API}/indicators?lang=de")
    assert response.status_code == 400
    error = response.get_json()["error"]
    assert error["parameter"] == "lang"
    assert error["valid"] == ["en", "fr", "es", "ru", "zh", "ar"]
