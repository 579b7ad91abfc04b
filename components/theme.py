"""The dashboard's visual language: one plotly template, named colours and colour scales.

Every colour a chart uses is defined here, so that figure builders never carry hex codes and
the whole dashboard can be re-themed in one place.

Choices:

* Fonts are large (16 px base, 22 px titles) so charts stay readable on a projector.
* The categorical colorway is Okabe–Ito, which stays distinguishable for the common forms of
  colour-vision deficiency. Black is kept out of the colorway and used for group lines.
* Continuous scales are colour-blind safe (ColorBrewer YlGnBu, PuOr) and never reach the light
  grey used for "no data", so a missing value can never be read as a low one.
"""

from __future__ import annotations

import copy

import plotly.graph_objects as go
import plotly.io as pio

TEMPLATE_NAME = "divide"
DEFAULT_TEMPLATE = TEMPLATE_NAME
"""The default template: plotly_white with our settings on top, merged once at registration
(a "a+b" default would be merged again for every figure, which costs ~0.1 s a figure)."""

FONT_FAMILY = (
    '"Inter", "Source Sans 3", "Segoe UI", Roboto, "Helvetica Neue", Arial, "Noto Sans", sans-serif'
)
FONT_SIZE = 16
TITLE_SIZE = 22
SMALL_SIZE = 14

# --------------------------------------------------------------------------- named colours

TEXT = "#1f2933"
"""Body text and near-black annotations."""
MUTED_TEXT = "#52606d"
"""Secondary text: notes, subtitles, source lines."""
BACKGROUND = "#ffffff"
GRID = "#e4e7eb"
AXIS_LINE = "#9aa5b1"
BORDER = "#ffffff"
"""Country and region outlines drawn over filled shapes."""
COUNTRY_LINE = "#ffffff"

NO_DATA = "#e6e6e6"
"""Light grey for "no data". Lighter than every colour of every data scale and pattern-free."""
OUT_OF_FOCUS = "#8c8c8c"
"""Countries with data outside the selected group; drawn at ``OUT_OF_FOCUS_OPACITY``."""
OUT_OF_FOCUS_OPACITY = 0.45
STALE_OPACITY = 0.5

"""Countries whose value comes from an earlier year than the one shown: same colour scale,
drawn lighter, and named in the legend."""
NEUTRAL = "#f2efe9"
"""Centre of diverging scales."""
PARITY = "#35978f"
"""The parity band (0.98–1.02) on parity maps: its own colour, a teal far from both ends of
the orange–purple scale and from the grey of "no data" (NO_DATA), whatever the colour vision."""
TARGET = "#c0392b"
"""Reference lines: targets, parity = 1."""
BREAK_LINE = "#7b8794"
"""Vertical lines marking a change of definition (price basket changes)."""
GROUP_LINE = "#1a1a1a"
"""The first group's line in trend charts (thick, dashed)."""
RANGE_LINE = "#b0b7bf"
"""Connector between two values of one row (dumbbell charts)."""
FILL_ALPHA = 0.18
"""Opacity of shaded areas between lines."""

# Okabe–Ito (Wong 2011, Nature Methods 8:441), black moved out, yellow last (weak on white).
BLUE = "#0072B2"
ORANGE = "#E69F00"
BLUISH_GREEN = "#009E73"
REDDISH_PURPLE = "#CC79A7"
SKY_BLUE = "#56B4E9"
VERMILLION = "#D55E00"
YELLOW = "#F0E442"
COLORWAY = [BLUE, ORANGE, BLUISH_GREEN, REDDISH_PURPLE, SKY_BLUE, VERMILLION, MUTED_TEXT, YELLOW]

WOMEN = VERMILLION
MEN = BLUE
URBAN = BLUE
RURAL = ORANGE

COVERAGE_LAYERS = {
    "4G": "#0c2c84",
    "3G, not 4G": "#1d91c0",
    "2G only": "#a3d9e6",
    "not covered": VERMILLION,
}
"""Mobile network layers from strongest to weakest; "not covered" stands out in a warm colour."""

# --------------------------------------------------------------------------- colour scales

SEQUENTIAL = [
    [0.0, "#edf8b1"],
    [0.125, "#c7e9b4"],
    [0.25, "#7fcdbb"],
    [0.5, "#41b6c4"],
    [0.625, "#1d91c0"],
    [0.75, "#225ea8"],
    [0.875, "#253494"],
    [1.0, "#081d58"],
]
"""Light to dark (YlGnBu without its near-white end): more is darker. For shares 0–100."""

SEQUENTIAL_REVERSED = [[round(1.0 - pos, 6), colour] for pos, colour in reversed(SEQUENTIAL)]
"""For "lower is better": low values dark, high values light."""

DIVERGING = [
    [0.0, "#7f3b08"],
    [0.15, "#b35806"],
    [0.3, "#e08214"],
    [0.45, "#fdb863"],
    [0.5, NEUTRAL],
    [0.55, "#b2abd2"],
    [0.7, "#8073ac"],
    [0.85, "#542788"],
    [1.0, "#2d004b"],
]
"""Orange below the centre, purple above (PuOr, colour-blind safe). 0.5 is the centre (parity)."""

AFFORDABILITY = [
    [0.0, "#00523a"],
    [0.25, "#1a9e77"],
    [0.5, "#9fd8c0"],
    [0.5, "#fdcc8a"],
    [0.7, "#fc8d59"],
    [0.85, "#d7301f"],
    [1.0, "#7f0000"],
]
"""Bluish green up to the target, orange to dark red beyond it. The switch sits at position 0.5;
figure builders stretch each half so that 0.5 lands on the target value (2% of GNI p.c.)."""

AFFORDABILITY_BANDS = ("#01665e", "#5ab4ac", "#fdcc8a", "#fc8d59", "#d7301f", "#7f0000")
"""One colour per price band (0–1, 1–2 | 2–5, 5–10, 10–20, 20+ % of GNI p.c.): two teals for
prices that meet the 2% target, darker the cheaper; orange to dark red beyond it, darker the
dearer. Teal against orange stays apart for every common colour vision, and none of them is
near the grey of "no data" (NO_DATA)."""

# --------------------------------------------------------------------------- dcc.Graph config

GRAPH_CONFIG: dict = {
    "displaylogo": False,
    "responsive": True,
    "toImageButtonOptions": {"format": "png", "scale": 3, "filename": "digital-divide"},
    "modeBarButtonsToRemove": ["lasso2d", "select2d", "autoScale2d"],
    # plotly.js 3 adds a "Share chart" button that uploads the figure to an external service:
    # nothing leaves this server, so it is switched off and given no address.
    "showSendToCloud": False,
    "plotlyServerURL": "",
}
"""``config`` for ``dcc.Graph``. Maps also need ``topojsonURL``, added by the caller; each
graph names its image file (``toImageButtonOptions.filename``)."""


def graph_config(**overrides: object) -> dict:
    """A fresh copy of ``GRAPH_CONFIG`` with ``overrides`` applied (e.g. ``topojsonURL``)."""
    config = copy.deepcopy(GRAPH_CONFIG)
    config.update(overrides)
    return config


# --------------------------------------------------------------------------- template


def build_template() -> go.layout.Template:
    """The "divide" template, to be layered over ``plotly_white``."""
    axis = {
        "gridcolor": GRID,
        "linecolor": AXIS_LINE,
        "zerolinecolor": GRID,
        "tickfont": {"size": FONT_SIZE},
        "title": {"font": {"size": FONT_SIZE + 1}, "standoff": 12},
        "automargin": True,
    }
    layout = {
        "font": {"family": FONT_FAMILY, "size": FONT_SIZE, "color": TEXT},
        "title": {
            "font": {"size": TITLE_SIZE, "color": TEXT},
            "x": 0.01,
            "xanchor": "left",
            "y": 0.97,
            "yanchor": "top",
            "subtitle": {"font": {"size": SMALL_SIZE + 1, "color": MUTED_TEXT}},
        },
        "colorway": COLORWAY,
        "paper_bgcolor": BACKGROUND,
        "plot_bgcolor": BACKGROUND,
        "xaxis": axis,
        "yaxis": axis,
        "legend": {"font": {"size": SMALL_SIZE + 1}, "bgcolor": "rgba(255,255,255,0)"},
        "hoverlabel": {
            "bgcolor": BACKGROUND,
            "bordercolor": AXIS_LINE,
            "font": {"family": FONT_FAMILY, "size": SMALL_SIZE + 1, "color": TEXT},
            "align": "left",
        },
        "coloraxis": {"colorbar": {"outlinewidth": 0, "tickfont": {"size": SMALL_SIZE}}},
        "margin": {"l": 16, "r": 16, "t": 72, "b": 40},
        "separators": ".,",
        "geo": {"bgcolor": BACKGROUND, "landcolor": NO_DATA, "countrycolor": COUNTRY_LINE},
    }
    data = {
        "choropleth": [{"colorbar": {"outlinewidth": 0, "tickfont": {"size": SMALL_SIZE}}}],
        "bar": [{"textfont": {"size": SMALL_SIZE}, "marker": {"line": {"width": 0}}}],
    }
    return go.layout.Template(layout=layout, data=data)


def register_template() -> str:
    """Register the "divide" template (plotly_white merged with ours) and make it the default.

    Safe to call more than once. Returns the default template name.
    """
    pio.templates[TEMPLATE_NAME] = pio.templates.merge_templates(
        pio.templates["plotly_white"], build_template()
    )
    pio.templates.default = DEFAULT_TEMPLATE
    return DEFAULT_TEMPLATE
