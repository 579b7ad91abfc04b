"""Charts and decks rendered on the server (api.export): PNG, SVG and PowerPoint.

The rendering tests drive one headless Chromium through kaleido (Debian's, at /usr/bin/chromium),
started once for the module and reused; the whole file takes about 40 s on two cores.
"""

from __future__ import annotations

import base64
import io
import json
import re
import socket
import threading
from urllib.parse import quote

import plotly.graph_objects as go
import pytest
from PIL import Image
from pptx import Presentation
from pptx.enum.shapes import MSO_SHAPE_TYPE
from pptx.util import Emu

from api import export
from api.export import (
    DECK_MAX_SLIDES,
    DeckError,
    decode_deck,
    encode_deck,
    png_size,
    stop_renderer,
)
from api.stories import STORIES, stories_index, story_deck
from components.figures import empty_figure
from data import i18n
from data.catalog import ITU_LICENCE
from data.load import load_dataset

MAP = "/export/chart.png?theme=access&indicator=internet_users_pct&year=2023&chart=map"
SIZE = "&width=1920&height=1080"


@pytest.fixture(scope="module")
def client():
    import app as app_module

    assert "export" in app_module.server.blueprints
    yield app_module.server.test_client()
    stop_renderer()
    i18n.use_language(None)


@pytest.fixture(scope="module")
def map_png(client) -> bytes:
    response = client.get(MAP + SIZE)
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    return response.data


def error_of(response, status: int = 400) -> dict:
    assert response.status_code == status, response.get_data(as_text=True)[:300]
    assert response.mimetype == "application/json"
    error = response.get_json()["error"]
    assert set(error) >= {"parameter", "message"}
    return error


# --------------------------------------------------------------------------- images


def test_map_png_is_full_hd_with_its_credits(client, map_png):
    assert png_size(map_png) == (1920, 1080)
    response = client.get(MAP + SIZE)  # the same image: the headers
    assert response.mimetype == "image/png"
    assert response.headers["Content-Disposition"] == (
        'attachment; filename="digital-divide-map-internet_users_pct-2023.png"'
    )
    assert response.headers["Cache-Control"] == "public, max-age=300"
    assert ITU_LICENCE in response.headers["X-Data-Notice"]


def test_map_draws_countries_offline(map_png):
    """The geometry comes from assets/topojson through file:// (the browser has no network):
    the map's middle is full of coloured countries, and the image is far bigger than a blank
    figure of the same size."""
    assert export.TOPOJSON_URL.startswith("file:///")
    assert (export.PROJECT / "assets" / "topojson" / "world_50m.json").is_file()
    image = Image.open(io.BytesIO(map_png)).convert("RGB")
    width, height = image.size
    middle = image.crop((0, int(height * 0.15), width, int(height * 0.65))).reduce(4)
    pixels = middle.tobytes()
    coloured = sum(
        1
        for r, g, b in zip(pixels[0::3], pixels[1::3], pixels[2::3], strict=True)
        if max(r, g, b) - min(r, g, b) > 60
    )
    assert coloured > 0.15 * middle.width * middle.height
    blank = export.render_figure(empty_figure(""), "en", "png", 1920, 1080)
    assert png_size(blank) == (1920, 1080)
    assert len(map_png) > 5 * len(blank)


class Proxy:
    """A stand-in for the dead proxy that notes the first line of every request it gets."""

    def __init__(self):
        self.requests: list[str] = []
        self.server = socket.create_server(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self.server.getsockname()[1]}"
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self):
        while True:
            try:
                connection, _address = self.server.accept()
            except OSError:
                return
            with connection:
                connection.settimeout(2)
                try:
                    line = connection.recv(512).split(b"\r\n")[0]
                except OSError:
                    line = b""
                self.requests.append(line.decode("latin-1"))


FIGURE_HOSTS = re.compile(r"plot\.ly|cdn|jsdelivr|unpkg|cloudflare|mathjax|github|topojson", re.I)


def test_rendering_sends_nothing_to_the_network():
    """Every http(s) request of the browser goes to the proxy: a map asks for none (Chromium's
    own calls home are there, and stop at the dead proxy in production); a figure with an image
    on the web does ask, which shows the proxy sees what a figure would fetch."""
    ds = load_dataset()
    proxy = Proxy()
    renderer = export.Renderer(proxy=proxy.url)
    try:
        chart = export.build_chart(ds, export.check_view({"theme": "access"}, ds), "map", "en")
        image = export.render_figure(chart.figure, "en", "png", 1280, 720, renderer=renderer)
        assert png_size(image) == (1280, 720)
        assert not [line for line in proxy.requests if FIGURE_HOSTS.search(line)]
        web = go.Figure(layout={"images": [{"source": "http://cdn.example.org/logo.png"}]})
        export.render_figure(web, "en", "png", 640, 480, renderer=renderer)
        assert any("cdn.example.org" in line for line in proxy.requests)
    finally:
        renderer.stop()
        proxy.server.close()


def test_map_svg_keeps_the_source_line_and_drops_the_hover_hint(client):
    response = client.get(MAP.replace("chart.png", "chart.svg") + SIZE)
    assert response.status_code == 200
    assert response.mimetype == "image/svg+xml"
    assert response.headers["Content-Disposition"].endswith('-2023.svg"')
    text = response.get_data(as_text=True)
    assert re.match(r'<svg\b[^>]*\swidth="1920" height="1080"', text)
    assert "Source" in text and "CC BY-NC-SA 3.0 IGO" in text
    assert "Hover a country" not in text


def test_trend_in_chinese_at_any_size(client):
    response = client.get(
        "/export/chart.png?theme=access&group=ldc&start=2005&chart=trend&lang=zh"
        "&width=1001&height=777"
    )
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    assert png_size(response.data) == (1001, 777)
    assert response.headers["Content-Disposition"].endswith('-internet_users_pct-2005-2025.png"')


def test_empty_parameters_mean_defaults(client, monkeypatch):
    # Rendering is not what this test is about: answer without the browser.
    monkeypatch.setattr(export.RENDERER, "render", lambda figure, opts: b'<svg width="1">')
    response = client.get("/export/chart.svg?lang=&width=&chart=&theme=")
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    assert response.data == b'<svg width="1920">'
    assert response.headers["Content-Disposition"].endswith('-map-internet_users_pct-2024.svg"')


def test_busy_renderer_answers_503(client, monkeypatch):
    monkeypatch.setattr(export.RENDERER, "max_waiting", 0)
    response = client.get("/export/chart.png?chart=trend")
    error = error_of(response, 503)
    assert "busy" in error["message"]
    assert response.headers["Retry-After"]


def test_a_render_that_takes_too_long_fails_and_closes_its_browser():
    renderer = export.Renderer(timeout=0.05)
    try:
        with pytest.raises(export.RenderFailed, match="longer than 0.05 s"):
            export.render_figure(go.Figure(), "en", "png", 640, 480, renderer=renderer)
        assert not renderer.running and renderer.starts == 1
    finally:
        renderer.stop()


# --------------------------------------------------------------------------- bad requests


def deck_of(slides: int) -> str:
    view = {"view": "theme=access", "chart": "map"}
    return encode_deck({"title": "Too long", "slides": [view] * slides})


@pytest.mark.parametrize(
    ("query", "parameter"),
    [
        ("chart.png?chart=pie", "chart"),
        ("chart.png?width=99999", "width"),
        ("chart.png?height=2x", "height"),
        ("chart.png?lang=xx", "lang"),
        ("chart.png?year=abc", "year"),
        ("chart.png?theme=nope", "theme"),
        ("chart.png?theme=access&indicator=coverage_4g_pct", "indicator"),
        ("chart.png?group=mars", "group"),
        ("chart.png?countries=KEN,XXX", "countries"),
        ("chart.png?start=2020&end=2010", "start"),
        ("chart.png?tolerance=99", "tolerance"),
        ("chart.png?colour=red", "colour"),
        ("chart.png?year=2020&year=2021", "year"),
        ("chart.png?theme=summary&chart=view", "chart"),
        ("chart.png?theme=affordability&indicator=price_mobile_voice&chart=summary", "indicator"),
        ("deck.pptx?deck=!!!", "deck"),
        (f"deck.pptx?deck={deck_of(DECK_MAX_SLIDES + 1)}", "deck"),
        (f"deck.pptx?deck={deck_of(1)}&story=divide-at-a-glance", "story"),
        ("deck.pptx", "story"),
        ("deck.pptx?story=no-such-story", "story"),
        ("deck.pptx?story=divide-at-a-glance&lang=xx", "lang"),
        ("deck.pptx?story=divide-at-a-glance&chart=map", "chart"),
    ],
)
def test_bad_requests_are_400_json(client, query, parameter):
    error = error_of(client.get(f"/export/{query}"))
    assert error["parameter"] == parameter
    assert error["message"]


@pytest.mark.parametrize(
    ("deck", "words"),
    [
        ({"title": "x", "slides": [{"view": "year=abc", "chart": "map"}]}, "slide 1: year"),
        ({"title": "x", "slides": [{"view": "theme=gender", "chart": "pie"}]}, "chart"),
        ({"title": "x", "slides": [{"view": "x=1", "chart": "map"}]}, "unknown parameter"),
        ({"title": 3, "slides": []}, "title must be a string"),
        ({"title": "x", "slides": "theme=access"}, "slides must be a list"),
        ({"title": "x", "slides": []}, "no slides"),
        ({"title": "x", "slides": [{"view": 1}]}, "view must be a query string"),
        ({"title": "x", "slides": [{"view": "", "lang": "xx"}]}, "unknown lang"),
        ({"title": "x", "slides": [{"view": "", "colour": "red"}]}, "unknown field"),
    ],
)
def test_bad_decks_say_what_is_wrong(client, deck, words):
    error = error_of(client.get(f"/export/deck.pptx?deck={encode_deck(deck)}"))
    assert error["parameter"] == "deck"
    assert words in error["message"]


# --------------------------------------------------------------------------- decks


@pytest.mark.slow
def test_story_deck_is_a_16_9_powerpoint_with_notes(client):
    response = client.get("/export/deck.pptx?story=divide-at-a-glance")
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    assert response.mimetype == export.PPTX_MIMETYPE
    assert response.headers["Content-Disposition"].endswith(
        '"digital-divide-divide-at-a-glance.pptx"'
    )
    assert ITU_LICENCE in response.headers["X-Data-Notice"]
    deck = Presentation(io.BytesIO(response.data))
    assert abs(deck.slide_width / deck.slide_height - 16 / 9) < 0.001
    assert Emu(deck.slide_width).inches == pytest.approx(13.333, abs=0.01)
    story = STORIES["divide-at-a-glance"]
    assert deck.core_properties.title == story["title"]
    assert len(deck.slides) == len(story["slides"]) == 5
    for slide, spec in zip(deck.slides, story["slides"], strict=True):
        pictures = [s for s in slide.shapes if s.shape_type == MSO_SHAPE_TYPE.PICTURE]
        assert len(pictures) == 1
        picture = pictures[0]
        assert picture.width == deck.slide_width and picture.left == 0
        assert picture.top + picture.height == deck.slide_height
        assert picture.image.size == export.DECK_IMAGE
        assert slide.shapes.title.text == spec["title"]
        notes = slide.notes_slide.notes_text_frame.text
        assert re.search(r"\d", notes) and "%" in notes
        assert re.search(r"\b20[0-2]\d\b", notes)
        assert "CC BY-NC-SA 3.0 IGO" in notes
    trend_notes = deck.slides[0].notes_slide.notes_text_frame.text
    assert re.search(r"World, our estimate: \d+\.\d%\s\(20\d\d\)", trend_notes)
    assert re.search(r"Least developed countries \(LDCs\), our estimate: \d+\.\d%", trend_notes)


def test_deck_round_trip():
    deck = {
        "title": "Mon deck — 中文 ✓",
        "slides": [
            {"view": "theme=access&group=ldc", "chart": "trend", "title": "Un", "lang": "fr"},
            {"view": "?theme=gender&indicator=internet_gender_parity", "chart": "summary"},
            {"view": "", "chart": "map", "note": "Say it slowly."},
        ],
    }
    encoded = encode_deck(deck)
    assert re.fullmatch(r"[A-Za-z0-9_-]+", encoded)  # URL-safe, no padding
    assert quote(encoded, safe="") == encoded
    decoded = decode_deck(encoded)
    assert decoded["title"] == deck["title"]
    assert decoded["slides"][0] == deck["slides"][0]
    assert decoded["slides"][1]["view"] == "theme=gender&indicator=internet_gender_parity"
    assert decoded["slides"][2]["note"] == "Say it slowly."
    assert decode_deck(encode_deck(decoded)) == decoded


def test_decode_deck_limits():
    with pytest.raises(DeckError, match="at most 20"):
        decode_deck(deck_of(21))
    with pytest.raises(DeckError, match="bytes encoded"):
        decode_deck("A" * (export.DECK_MAX_BYTES + 4))
    with pytest.raises(DeckError, match="base64"):
        decode_deck("abc=")
    with pytest.raises(DeckError, match="JSON"):
        decode_deck(encode_deck({"title": "x"})[:-3])

    def encoded(value) -> str:  # JSON with \u escapes, as any client may send
        return base64.urlsafe_b64encode(json.dumps(value).encode()).decode().rstrip("=")

    with pytest.raises(DeckError, match="not valid Unicode"):
        decode_deck(encoded({"title": "x", "slides": [{"view": "", "note": "\ud800"}]}))
    clean = decode_deck(encode_deck({"title": "a\x00b", "slides": [{"note": "c\x1bd\ne"}]}))
    assert clean["title"] == "ab" and clean["slides"][0]["note"] == "cd\ne"
    with pytest.raises(DeckError, match="JSON object"):
        decode_deck(encoded([1, 2]))


def test_every_story_is_a_valid_deck():
    ds = load_dataset()
    index = stories_index()
    assert [s["id"] for s in index] == list(STORIES)
    assert index[0] == {
        "id": "divide-at-a-glance",
        "title": "The digital divide at a glance",
        "slides": 5,
    }
    for story_id, story in STORIES.items():
        assert story["id"] == story_id
        deck = story_deck(story_id)
        assert deck == story and deck is not story
        assert decode_deck(encode_deck(deck))["slides"] == deck["slides"]
        for number, slide in enumerate(deck["slides"], start=1):
            export._slide_view(slide, number, ds)  # raises on a view the page would reject


# --------------------------------------------------------------------------- figures


@pytest.mark.parametrize("lang", ["en", "fr", "zh", "ar"])
@pytest.mark.parametrize("tolerance", ["0", "3"])
def test_images_drop_the_hover_hint(lang, tolerance):
    ds = load_dataset()
    view = export.check_view({"theme": "access", "tolerance": tolerance}, ds)
    chart = export.build_chart(ds, view, "map", lang)
    i18n.use_language(lang)
    hint = i18n.gettext(export.HOVER_HINT)
    i18n.use_language(None)
    subtitle = chart.figure.layout.title.subtitle.text.replace("<br>", "")
    assert hint.replace(" ", "") in subtitle.replace(" ", "")
    figure = export.drop_hover_hint(chart.figure, lang)
    left = figure.layout.title.subtitle.text.replace("<br>", "").replace(" ", "")
    assert hint.replace(" ", "") not in left
    assert bool(left) == (tolerance != "0")  # the tolerance sentence stays
    assert export.credit_of(figure)


def test_map_notes_state_counts_and_median():
    ds = load_dataset()
    view = export.check_view({"theme": "access", "year": "2023"}, ds)
    chart = export.build_chart(ds, view, "map", "en")
    assert chart.slug == "digital-divide-map-internet_users_pct-2023"
    text = " ".join(chart.notes)
    assert re.search(r"\d+ economies show 2023", text)
    assert re.search(r"Median of the \d+ economies with data: \d+\.\d%", text)


def test_image_options_give_exact_pixels():
    for width, height in [(320, 240), (1001, 777), (1920, 1080), (3840, 2160), (2999, 2001)]:
        opts, layout_width, layout_height = export.image_options(width, height, "png")
        assert int(layout_width * opts["scale"]) == width
        assert int(layout_height * opts["scale"]) == height
        assert 1.0 <= opts["scale"] <= 2.5 + 1e-6
