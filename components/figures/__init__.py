"""Figure builders: data frames in, ``plotly.graph_objects.Figure`` out.

Every builder here is pure: it reads its inputs without changing them, does no I/O and knows
nothing about Dash. Colours come from :mod:`components.theme`. An empty input gives
:func:`empty_figure` with a message saying so, never an exception.

Honesty rules that every builder follows:

* a missing value is drawn as missing (grey, a gap in a line, a "—"), never as 0;
* hover text carries each value's data year and, where known, its source;
* group values withheld for low coverage are said to be withheld.

``spec`` describes an indicator (a catalog row as a dict): ``id``, ``title``, ``short_title``,
``unit``, ``decimals``, ``higher_is_better`` (True/False/None), ``target`` (float or None) and
``aggregation``.

The builders live in modules by chart family and are re-exported here:

* :mod:`.fmt`: numbers, units and text (``format_value``, "—" for missing);
* :mod:`.scales`: colour scales, colour helpers and colour-bar ticks;
* :mod:`.common`: the empty figure, the credit line and other shared pieces;
* :mod:`.maps`: the world map and the region map;
* :mod:`.trends`: the trend lines and the divide between two series;
* :mod:`.views`: coverage bars, price spread, dumbbell, rural divide, people offline.
"""

from components.figures.common import (
    CREDIT_HEIGHT,
    MAP_FOOT,
    TOP_LEGEND,
    empty_figure,
    with_credit,
)
from components.figures.fmt import DASH, format_value
from components.figures.maps import (
    GEO_VIEW,
    MAP_MARGIN,
    REGION_LABEL_POINTS,
    map_figure,
    region_map_figure,
)
from components.figures.scales import (
    AFFORDABILITY_EDGES,
    PARITY_BAND,
    ColourAxis,
    affordability_colorscale,
    affordability_position,
    colour_axis,
    parity_colorscale,
)
from components.figures.trends import divide_figure, trend_figure
from components.figures.views import (
    DUMBBELL_ROWS,
    LAYER_ORDER,
    LOG_TICKS,
    coverage_bars_figure,
    dumbbell_figure,
    gender_people_figure,
    price_spread_figure,
    rural_divide_figure,
)

__all__ = [
    "AFFORDABILITY_EDGES",
    "CREDIT_HEIGHT",
    "DUMBBELL_ROWS",
    "DASH",
    "GEO_VIEW",
    "LAYER_ORDER",
    "LOG_TICKS",
    "MAP_FOOT",
    "MAP_MARGIN",
    "PARITY_BAND",
    "REGION_LABEL_POINTS",
    "TOP_LEGEND",
    "ColourAxis",
    "affordability_colorscale",
    "affordability_position",
    "colour_axis",
    "coverage_bars_figure",
    "divide_figure",
    "dumbbell_figure",
    "empty_figure",
    "format_value",
    "gender_people_figure",
    "map_figure",
    "parity_colorscale",
    "price_spread_figure",
    "region_map_figure",
    "rural_divide_figure",
    "trend_figure",
    "with_credit",
]
