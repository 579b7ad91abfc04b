"""Callbacks: thin glue from control values to queries and figures.

Every callback that writes words reads the page's language (``LANG``, the store the layout
fills from the page's address) and runs in it (``localized``).
"""

from __future__ import annotations

import functools

from dash import State

from components import ids
from data.i18n import current_language, use_language

LANG = State(ids.LANG, "data")
"""The page's language: add it as the callback's last dependency, with ``@localized``."""


def localized(func):
    """Run ``func`` in the language passed after its own arguments (``LANG``).

    Called without it (tests, or a page from before languages), the words are English.
    """
    count = func.__code__.co_argcount

    @functools.wraps(func)
    def wrapper(*args):
        previous = current_language()
        use_language(args[count] if len(args) > count else None)
        try:
            return func(*args[:count])
        finally:
            use_language(previous)

    return wrapper
