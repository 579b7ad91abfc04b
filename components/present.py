"""The presentation page, /present?deck=… or ?story=…: one chart per slide, for a projector.

A plain HTML page (no Dash): each slide is the chart as the server renders it for slides
(``/export/chart.png`` at 1920 × 1080, large type, its source line), its title in large type
and the presenter's note. ``assets/deck.js`` steps through the slides with the keys a clicker
sends. Everything the page needs is on this server; nothing is interactive but the keys.
"""

from __future__ import annotations

from html import escape
from urllib.parse import urlencode

from data import i18n
from data.i18n import _

SLIDE_SIZE = {"width": 1920, "height": 1080}


def image_url(slide: dict, lang: str) -> str:
    view = slide.get("view") or ""
    query = urlencode(
        {"chart": slide.get("chart") or "trend", **SLIDE_SIZE, "lang": slide.get("lang") or lang}
    )
    return f"/export/chart.png?{view}&{query}" if view else f"/export/chart.png?{query}"


def dashboard_url(slide: dict, lang: str) -> str:
    """The slide's view, live in the dashboard, to change while presenting."""
    slide_lang = slide.get("lang") or lang
    page = "/" if slide_lang == i18n.DEFAULT else f"/{slide_lang}/"
    view = slide.get("view") or ""
    return page + (f"?{view}" if view else "")


def present_page(deck: dict, *, lang: str, pptx_href: str, back_href: str) -> str:
    """The page for ``deck`` (decoded: ``{"title", "slides": [{"view", "chart", "title",
    "note"}]}``), with its words in ``lang``."""
    i18n.use_language(lang)
    slides = deck.get("slides") or []
    words = {"open": escape(_("Open this view in the dashboard"))}
    sections = []
    translated = i18n.gettext if deck.get("id") else str  # story titles are in the catalog
    for number, slide in enumerate(slides, start=1):
        title = escape(translated(slide.get("title") or "") if slide.get("title") else "")
        note = escape(slide.get("note") or "")
        label = escape(_("Slide %(n)d of %(total)d") % {"n": number, "total": len(slides)})
        sections.append(
            f'<section class="slide" aria-label="{label}"{" hidden" if number > 1 else ""}>'
            + (f"<h1>{title}</h1>" if title else "")
            + f'<img src="{escape(image_url(slide, lang))}" alt="{title or label}">'
            + (f'<p class="slide-note">{note}</p>' if note else "")
            + f'<p class="slide-open"><a href="{escape(dashboard_url(slide, lang))}">'
            + f"{words['open']}</a></p>"
            + "</section>"
        )
    direction = i18n.direction(lang)
    heading = escape(translated(deck["title"]) if deck.get("title") else _("Slide deck"))
    counter = f"1 / {len(slides)}" if slides else "0 / 0"
    words = {
        **words,
        "name": escape(_("Digital Divide Dashboard")),
        "full": escape(_("Full screen")),
        "pptx": escape(_("Download as PowerPoint")),
        "back": escape(_("Back to the dashboard")),
        "none": escape(_("This deck has no slides.")),
    }
    keys = escape(
        _(
            "Arrow keys, Page Up/Page Down or Space: next and previous slide; "
            "Esc: leave full screen."
        )
    )
    return f"""<!DOCTYPE html>
<html lang="{lang}" dir="{direction}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{heading} · {words["name"]}</title>
<link rel="stylesheet" href="/assets/style.css">
</head>
<body class="present-page">
<header class="present-bar">
<strong>{heading}</strong>
<span id="slide-counter" aria-live="polite">{counter}</span>
<button type="button" id="full-screen" class="button">{words["full"]}</button>
<a class="button secondary" href="{escape(pptx_href)}">{words["pptx"]}</a>
<a class="button secondary" href="{escape(back_href)}">{words["back"]}</a>
</header>
<main id="slides">
{"".join(sections) or "<p>" + words["none"] + "</p>"}
</main>
<p class="present-keys">{keys}</p>
<script src="/assets/deck.js"></script>
</body>
</html>"""
