"""Ready-made decks: a few views that tell a story, for ``/export/deck.pptx?story=<id>``.

A story has the shape of a decoded deck (see ``api.export.decode_deck``) plus its ``id``. Its
views name no year, so every slide shows the latest well-reported year of its indicator (the
page's own default), and the speaker notes state the numbers of that year: the decks follow the
data as it is updated. Titles are English, marked for translation.
"""

from __future__ import annotations

import copy

from data.i18n import N_, current_language, gettext, use_language

STORIES: dict[str, dict] = {
    story["id"]: story
    for story in (
        {
            "id": "divide-at-a-glance",
            "title": N_("The digital divide at a glance"),
            "slides": [
                {
                    "view": "theme=access&indicator=internet_users_pct&group=ldc&start=2005",
                    "chart": "trend",
                    "title": N_(
                        "Internet use since 2005: the world and the least developed countries"
                    ),
                },
                {
                    "view": "theme=coverage&indicator=coverage_4g_pct&group=ldc&start=2005",
                    "chart": "trend",
                    "title": N_("4G network coverage: the world and the least developed countries"),
                },
                {
                    "view": "theme=summary&indicator=internet_users_pct",
                    "chart": "summary",
                    "title": N_("Who is still offline: Internet use by ITU region"),
                },
                {
                    "view": "theme=affordability&indicator=price_fixed_broadband&kind=income",
                    "chart": "view",
                    "title": N_("Fixed broadband prices against the 2% target, by income group"),
                },
                {
                    "view": "theme=gender&indicator=internet_gender_parity&kind=itu",
                    "chart": "summary",
                    "title": N_("Gender parity in Internet use, by ITU region"),
                },
            ],
        },
        {
            "id": "affordability",
            "title": N_("What getting online costs"),
            "slides": [
                {
                    "view": "theme=affordability&indicator=price_mobile_broadband&kind=income",
                    "chart": "view",
                    "title": N_("Mobile broadband prices against the 2% target, by income group"),
                },
                {
                    "view": "theme=affordability&indicator=price_mobile_broadband&group=ldc",
                    "chart": "trend",
                    "title": N_(
                        "Mobile broadband prices: the world and the least developed countries"
                    ),
                },
                {
                    "view": "theme=affordability&indicator=price_fixed_broadband",
                    "chart": "map",
                    "title": N_("Fixed broadband prices by economy"),
                },
            ],
        },
        {
            "id": "gender-gap",
            "title": N_("Women and men online"),
            "slides": [
                {
                    "view": "theme=gender&indicator=internet_gender_parity&kind=itu",
                    "chart": "summary",
                    "title": N_("Gender parity in Internet use, by ITU region"),
                },
                {
                    "view": "theme=gender&indicator=internet_gender_parity&group=ldc",
                    "chart": "trend",
                    "title": N_(
                        "Gender parity over time: the world and the least developed countries"
                    ),
                },
                {
                    "view": "theme=gender&indicator=internet_gender_parity",
                    "chart": "map",
                    "title": N_("Gender parity in Internet use by economy"),
                },
            ],
        },
    )
}


def story_deck(story_id: str) -> dict:
    """A copy of the story ``story_id`` (``KeyError`` if there is none)."""
    return copy.deepcopy(STORIES[story_id])


def stories_index(lang: str | None = None) -> list[dict]:
    """Every story: ``[{"id", "title", "slides": <count>}]``, titles in ``lang`` (English by
    default, and where no translation exists)."""
    previous = current_language()
    use_language(lang)
    try:
        index = []
        for sid, story in STORIES.items():
            title, slides = story["title"], story["slides"]
            index.append({"id": sid, "title": gettext(title), "slides": len(slides)})
        return index
    finally:
        use_language(previous)
