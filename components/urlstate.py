"""The view in the page address: ``/?theme=gender&group=ldc&year=2022&countries=KEN,IND``.

``parse_view`` turns query parameters into control values, naming every parameter it could not
use (the page shows those names, so a mistyped link says what was wrong instead of silently
showing something else). ``view_query`` writes the controls back as a query string.
"""

from __future__ import annotations

from collections.abc import Mapping
from urllib.parse import urlencode

from components.themes import GROUP_KINDS, THEMES, UNITS, indicators_of
from data.i18n import _, current_language, ngettext, translate
from data.load import Dataset

FIRST_YEAR, LAST_YEAR = 1960, 2025
MAX_TOLERANCE = 10
MAX_COUNTRIES = 20
"""Economies the trend draws at once."""
PARAMETERS = (
    "theme",
    "indicator",
    "unit",
    "kind",
    "group",
    "countries",
    "year",
    "tolerance",
    "method",
    "start",
    "end",
    "a",
    "b",
)
DEFAULTS: dict = {
    "theme": "access",
    "indicator": None,  # the theme's default
    "unit": "gni_pct",
    "kind": "itu",
    "group": "world",
    "countries": [],
    "year": None,  # the indicator's latest well-reported year
    "tolerance": None,  # the indicator's standard window (from the catalog)
    "method": "estimated",  # group values: our estimate; or "reported" values only
    "start": None,
    "end": None,
    "a": "income-high",
    "b": "ldc",
}


def _one(args: Mapping, name: str) -> str | None:
    value = args.get(name)
    if isinstance(value, (list, tuple)):
        value = value[-1] if value else None
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def listing(items: list[str], limit: int = 10) -> str:
    """``items`` for a notice: the first ``limit``, then how many more."""
    shown = ", ".join(item[:20] for item in items[:limit])
    more = len(items) - limit
    if more <= 0:
        return shown
    return (
        shown + " " + ngettext("and %(count)s more", "and %(count)s more", more) % {"count": more}
    )


def _year(text: str) -> int | None:
    try:
        year = int(text)
    except ValueError:
        return None
    return year if FIRST_YEAR <= year <= LAST_YEAR else None


def parse_view(args: Mapping, ds: Dataset) -> tuple[dict, list[str]]:
    """Control values from query parameters, and a message for each one that was not used."""
    view = {k: (list(v) if isinstance(v, list) else v) for k, v in DEFAULTS.items()}
    problems: list[str] = []
    unknown = sorted(set(args) - set(PARAMETERS))
    if unknown:
        problems.append(_("unknown parameter %(names)s (ignored)") % {"names": listing(unknown)})
    for name in PARAMETERS:
        given = args.get(name)
        if isinstance(given, (list, tuple)) and len(given) > 1:
            problems.append(
                ngettext(
                    "%(name)s given %(count)s time: the last, “%(value)s”, is used",
                    "%(name)s given %(count)s times: the last, “%(value)s”, is used",
                    len(given),
                )
                % {"name": name, "count": len(given), "value": str(given[-1])[:40]}
            )

    def choose(name: str, valid, why: str) -> None:
        """Take parameter ``name`` if it is one of ``valid``; otherwise say why not."""
        text = _one(args, name)
        if text is None:
            return
        if text in valid:
            view[name] = text
        else:
            problems.append(f"{name} “{text[:60]}” {why}")  # why: already translated

    choose("theme", THEMES, _("does not exist; valid: %(valid)s") % {"valid": ", ".join(THEMES)})
    theme = THEMES[view["theme"]]
    label = translate(theme.label, current_language())
    choose(
        "indicator",
        indicators_of(theme, ds.catalog),
        _("is not one of the %(theme)s theme's indicators") % {"theme": label},
    )
    choose("unit", UNITS, _("is not one of %(valid)s") % {"valid": ", ".join(UNITS)})
    choose("kind", GROUP_KINDS, _("is not one of %(valid)s") % {"valid": ", ".join(GROUP_KINDS)})
    choose(
        "method",
        ("estimated", "reported"),
        _("is not one of %(valid)s") % {"valid": "estimated, reported"},
    )
    for name in ("group", "a", "b"):
        group = _one(args, name)
        if group is None:
            continue
        if group not in ds.groups:
            problems.append(
                _("%(name)s “%(value)s” is not a group (see /api/v1/groups)")
                % {"name": name, "value": group[:40]}
            )
            continue
        view[name] = group
        own = ds.groups[group]["kind"]
        if name == "group" and own in GROUP_KINDS:
            asked = view["kind"]
            if _one(args, "kind") is not None and asked != own:
                problems.append(
                    _("group “%(group)s” is not among the %(asked)s groups: %(own)s is used")
                    % {"group": group, "asked": asked, "own": own}
                )
            view["kind"] = own
    countries = _one(args, "countries")
    if countries is not None:
        codes = [c.strip().upper() for c in countries.split(",") if c.strip()]
        known = [c for c in dict.fromkeys(codes) if c in ds.countries.index]
        bad = list(dict.fromkeys(c for c in codes if c not in ds.countries.index))
        if bad:
            problems.append(_("unknown country code %(codes)s (ignored)") % {"codes": listing(bad)})
        twice = [c for c in known if codes.count(c) > 1]
        if twice:
            problems.append(
                _("countries %(codes)s given more than once (each shown once)")
                % {"codes": listing(twice)}
            )
        dropped = known[MAX_COUNTRIES:]
        if dropped:
            problems.append(
                ngettext(
                    "the trend shows at most %(max)s economies: %(count)s left out (%(codes)s)",
                    "the trend shows at most %(max)s economies: %(count)s left out (%(codes)s)",
                    len(dropped),
                )
                % {"max": MAX_COUNTRIES, "count": len(dropped), "codes": listing(dropped)}
            )
        view["countries"] = known[:MAX_COUNTRIES]
    for name in ("year", "start", "end"):
        text = _one(args, name)
        if text is None:
            continue
        year = _year(text)
        if year is None:
            problems.append(
                _("%(name)s “%(value)s” is not a year from %(first)s to %(last)s")
                % {"name": name, "value": text[:20], "first": FIRST_YEAR, "last": LAST_YEAR}
            )
        else:
            view[name] = year
    if view["start"] is not None and view["end"] is not None and view["start"] > view["end"]:
        problems.append(
            _("start %(start)s is after end %(end)s (both ignored)")
            % {"start": view["start"], "end": view["end"]}
        )
        view["start"] = view["end"] = None
    tolerance = _one(args, "tolerance")
    if tolerance is not None:
        if tolerance.isdigit() and int(tolerance) <= MAX_TOLERANCE:
            view["tolerance"] = int(tolerance)
        else:
            problems.append(
                _("tolerance “%(value)s” is not a number from 0 to 10") % {"value": tolerance[:20]}
            )
    return view, problems


def view_query(view: Mapping) -> str:
    """The query string for a view, leaving out what equals the defaults."""
    params = {}
    for name in PARAMETERS:
        value = view.get(name)
        if value is None or value == [] or value == DEFAULTS.get(name):
            continue
        params[name] = ",".join(value) if isinstance(value, (list, tuple)) else value
    return "?" + urlencode(params) if params else ""
