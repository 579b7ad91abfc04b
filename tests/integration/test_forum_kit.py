"""The forum kit in a real browser: present a chart, build a deck, step through it."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.integration.conftest import Watch
from tests.integration.test_browser import MAP_DRAWN_JS, settle

TITLE_SIZE_JS = """() => {
  const text = document.querySelector('#trend .gtitle');
  return text ? parseFloat(getComputedStyle(text).fontSize) : 0;
}"""


def open_dashboard(page: Page, url: str) -> None:
    page.set_viewport_size({"width": 1366, "height": 900})
    page.goto(url)
    page.wait_for_function(MAP_DRAWN_JS)
    settle(page)
    page.evaluate("() => localStorage.clear()")


@pytest.mark.browser
def test_present_opens_a_full_screen_projector_view(page: Page, watch: Watch, live_server: str):
    open_dashboard(page, f"{live_server}/?group=ldc")
    dashboard_title = page.evaluate(TITLE_SIZE_JS)
    assert dashboard_title > 0
    page.locator('.chart-actions[data-for="trend"] .present-button').click()
    page.wait_for_function("() => document.fullscreenElement?.id === 'projector'")
    title = page.locator("#projector .projector-title")
    expect(title).to_have_text("Internet use: Least developed countries (LDCs) vs World, 2005–2025")
    size = float(title.evaluate("(e) => parseFloat(getComputedStyle(e).fontSize)"))
    assert size >= 2 * dashboard_title, (size, dashboard_title)
    image = page.locator("#projector .projector-image")
    expect(image).to_have_attribute("src", re.compile(r"^/export/chart\.png\?.*chart=trend"))
    # The number a presenter quotes, with its year.
    expect(page.locator("#projector .projector-key")).to_contain_text(re.compile(r"20\d\d: \d"))
    page.keyboard.press("Escape")
    page.wait_for_function("() => !document.fullscreenElement")
    expect(page.locator("#projector")).to_be_hidden()
    svg = page.locator('.chart-actions[data-for="map"] .download-svg')
    svg.hover()
    expect(svg).to_have_attribute("href", re.compile(r"^/export/chart\.svg\?.*chart=map"))
    watch.assert_clean()


@pytest.mark.slow
@pytest.mark.browser
def test_a_deck_of_three_views_reopens_from_its_link(
    page: Page, watch: Watch, live_server: str, browser
):
    open_dashboard(page, f"{live_server}/?group=ldc")
    add = page.locator('.chart-actions[data-for="trend"] .add-to-deck')
    add.click()
    page.locator('.chart-actions[data-for="map"] .add-to-deck').click()
    add.click()
    expect(page.locator("#deck-panel .deck-slides li")).to_have_count(3)
    link = page.locator("#deck-present-link").get_attribute("href")
    assert link and link.startswith("/present?deck=")
    pptx = page.locator("#deck-pptx-link").get_attribute("href")
    assert pptx and pptx.startswith("/export/deck.pptx?deck=")

    other = browser.new_context()  # a new browser: nothing in its storage
    fresh = other.new_page()
    try:
        fresh.goto(live_server + link)
        slides = fresh.locator("#slides .slide")
        expect(slides).to_have_count(3)
        counter = fresh.locator("#slide-counter")
        expect(counter).to_have_text("1 / 3")
        fresh.keyboard.press("ArrowRight")
        expect(counter).to_have_text("2 / 3")
        fresh.keyboard.press("PageDown")
        expect(counter).to_have_text("3 / 3")
        fresh.keyboard.press("Space")
        expect(counter).to_have_text("3 / 3")  # the last slide stays
        fresh.keyboard.press("Home")
        expect(counter).to_have_text("1 / 3")
        fresh.keyboard.press("End")
        expect(counter).to_have_text("3 / 3")
        fresh.locator("#full-screen").click()
        fresh.wait_for_function("() => !!document.fullscreenElement")
        fresh.keyboard.press("Escape")
        fresh.wait_for_function("() => !document.fullscreenElement")
        images = fresh.locator("#slides .slide img")
        expect(images.nth(1)).to_have_attribute("src", re.compile(r"chart=map"))
    finally:
        other.close()
    watch.assert_clean()


@pytest.mark.browser
def test_a_ready_made_story_opens_and_its_keys_ignore_focused_controls(
    page: Page, live_server: str
):
    stories = page.request.get(f"{live_server}/api/v1/stories").json()["stories"]
    story = stories[0]
    page.goto(f"{live_server}/present?story={story['id']}")
    expect(page.locator("#slides .slide")).to_have_count(story["slides"])
    page.locator("#full-screen").focus()
    page.evaluate(
        "() => { const i = document.createElement('input'); i.id = 'x';"
        " document.body.appendChild(i); i.focus(); }"
    )
    page.keyboard.press("ArrowRight")
    expect(page.locator("#slide-counter")).to_have_text(f"1 / {story['slides']}")
