"""Maps: the world choropleth by country and the ITU region map, on one pinned world view."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import pandas as pd
import plotly.graph_objects as go

from components import theme
from components.figures.common import _column, _flags, _is_empty, _no_data, fit_lines
from components.figures.fmt import (
    _number,
    _share_text,
    _spec_get,
    _text,
    _title,
    _unit,
    _value_with_unit,
    format_value,
)
from components.figures.scales import _constant_scale, _text_colour_on, colour_axis
from data.i18n import _, ngettext

REGION_LABEL_POINTS: dict[str, tuple[float, float]] = {
    "Africa": (22.0, -3.0),
    "Americas": (-58.0, -8.0),
    "Arab States": (44.0, 23.0),
    "Asia & Pacific": (103.0, 32.0),
    "CIS": (82.0, 58.0),
    "Europe": (12.0, 49.0),
}
"""(lon, lat) where a region's value label is written on the region map."""


POINT_SIZE = 7
"""Diameter (px) of the dot drawn for an economy too small for the world geometry."""

GEO_VIEW: dict = {
    # 110m geometry (0.04 MB brotli; 50m is 0.5 MB); smaller economies are drawn as dots.
    "resolution": 110,
    "projection_type": "natural earth",
    "projection_rotation_lon": 0,
    "lonaxis_range": [-180, 180],
    "lataxis_range": [-58, 85],
    "fitbounds": False,
    "showframe": False,
    "showcoastlines": False,
    "showcountries": True,
    "countrycolor": theme.COUNTRY_LINE,
    "countrywidth": 0.5,
    "showland": True,
    "landcolor": theme.NO_DATA,
    "showocean": False,
    "showlakes": False,
    "bgcolor": theme.BACKGROUND,
}
"""The pinned world view shared by every map (no auto-fit, so years and groups line up)."""


MAP_MARGIN = {"l": 8, "r": 8, "t": 64, "b": 8}


def _geo(**overrides: object) -> dict:
    geo = dict(GEO_VIEW)
    geo.update(overrides)
    return geo


def _map_legend() -> dict:
    return {
        "orientation": "h",
        "x": 1.0,
        "xanchor": "right",
        "y": 0.0,
        "yanchor": "top",
        "font": {"size": theme.SMALL_SIZE + 1},
        "itemclick": False,
        "itemdoubleclick": False,
    }


# --------------------------------------------------------------------------- world map


def _map_hover(frame: pd.DataFrame, spec: Mapping | None, year: int) -> tuple[list[list[str]], str]:
    """customdata rows and a hovertemplate for one map trace.

    Lines: country, value with unit, data year ("2019 (requested 2021)" when they differ),
    source, note. A piece shared by every row (often the source, the note or the data year) is
    written once into the template rather than into each row, which keeps the figure JSON small.
    """
    rows = []
    for _i, row in frame.iterrows():
        data_year = _number(row.get("year"))
        requested = _number(row.get("requested_year"))
        requested = int(requested) if requested is not None else int(year)
        value = _number(row.get("value"))
        if value is None:
            value_text, year_text = _("No data for %(year)s") % {"year": requested}, ""
        else:
            value_text = _value_with_unit(value, spec)
            if data_year is None:
                year_text = _("not stated")
            elif int(data_year) != requested:
                year_text = _("%(year)s (requested %(requested)s)") % {
                    "year": int(data_year),
                    "requested": requested,
                }
            else:
                year_text = str(int(data_year))
        note = _text(row.get("note"))
        source = _text(row.get("source")) if value is not None else ""
        rows.append(
            [
                _text(row.get("name")) or _text(row.get("iso3")),
                value_text,
                year_text,
                "<br>" + _("Source: %(source)s") % {"source": source} if source else "",
                "<br>" + _("Note: %(note)s") % {"note": note} if note else "",
            ]
        )
    # A piece shared by every row goes into the template once instead of into each row.
    template = "<b>%{customdata[0]}</b>"
    columns = [0]
    year_prefix = "<br>" + _("Data year:") + " " if any(row[2] for row in rows) else ""
    for index, prefix in ((1, "<br>"), (2, year_prefix), (3, ""), (4, "")):
        pieces = {row[index] for row in rows}
        if len(pieces) == 1:
            template += prefix + pieces.pop()
        else:
            template += f"{prefix}%{{customdata[{len(columns)}]}}"
            columns.append(index)
    customdata = [[row[index] for index in columns] for row in rows]
    return customdata, template + "<extra></extra>"


def map_figure(
    frame: pd.DataFrame,
    spec: Mapping,
    *,
    year: int,
    colour_range: tuple[float, float],
    tolerance: int = 0,
) -> go.Figure:
    """World choropleth of one indicator in one year.

    Three traces: countries in focus with data (coloured on a scale pinned to
    ``colour_range``), countries with data outside the focus group (dimmed, one colour) and
    countries without data (``theme.NO_DATA``, legend entry "No data"). Missing values are never
    given a colour of the scale. ``tolerance`` (years) is only mentioned in the subtitle: the
    data layer already picked the latest value within it.
    """
    if _is_empty(frame) or "iso3" not in frame.columns:
        return _no_data(spec, year)
    data = frame.copy()
    data["value"] = pd.to_numeric(_column(data, "value"), errors="coerce")
    focus = _flags(data, "in_focus", default=True)
    has_value = data["value"].notna()
    axis = colour_axis(spec, colour_range, data.loc[has_value & focus, "value"])
    unit = _unit(spec)

    fig = go.Figure()

    def add(rows: pd.DataFrame, opacity: float | None = None, **trace: object) -> None:
        marker: dict = {"line": {"color": theme.BORDER, "width": 0.5}}
        if opacity is not None:
            marker["opacity"] = opacity
        customdata, template = _map_hover(rows, spec, year)
        fig.add_trace(
            go.Choropleth(
                locations=rows["iso3"].tolist(),
                locationmode="ISO-3",
                customdata=customdata,
                hovertemplate=template,
                marker=marker,
                **trace,
            )
        )
        # Economies too small for the world geometry: a dot in the same colour and hover.
        points = rows[pd.to_numeric(_column(rows, "lon"), errors="coerce").notna()]
        if len(points):
            z = pd.Series(trace["z"], index=rows.index).loc[points.index]
            customdata, template = _map_hover(points, spec, year)
            dots: dict = {
                "color": z.tolist(),
                "colorscale": trace["colorscale"],
                "cmin": trace.get("zmin", 0),
                "cmax": trace.get("zmax", 1),
                "size": POINT_SIZE,
                "line": {"color": theme.AXIS_LINE, "width": 0.5},
            }
            if opacity is not None:
                dots["opacity"] = opacity
            fig.add_trace(
                go.Scattergeo(
                    lon=points["lon"].tolist(),
                    lat=points["lat"].tolist(),
                    mode="markers",
                    marker=dots,
                    customdata=customdata,
                    hovertemplate=template,
                    name=str(trace["name"]),
                    legendgroup=str(trace["name"]),
                    showlegend=False,
                )
            )

    data_year = pd.to_numeric(_column(data, "year"), errors="coerce")
    stale = has_value & data_year.notna() & (data_year < int(year))
    in_focus = data[has_value & focus & ~stale]
    earlier = data[has_value & focus & stale]
    out_focus = data[has_value & ~focus]
    missing = data[~has_value]
    scale = {"zmin": axis.zmin, "zmax": axis.zmax, "zauto": False, "colorscale": axis.colorscale}
    if len(in_focus):
        add(
            in_focus,
            name=_text(_spec_get(spec, "short_title")) or _title(spec),
            z=axis.z(in_focus["value"]),
            colorbar=axis.colorbar(unit),
            showscale=True,
            showlegend=False,
            **scale,
        )
    if len(earlier):
        add(
            earlier,
            name=_("Earlier year than %(year)s (lighter)") % {"year": year},
            z=axis.z(earlier["value"]),
            opacity=theme.STALE_OPACITY,
            colorbar=axis.colorbar(unit),
            showscale=not len(in_focus),
            showlegend=True,
            **scale,
        )
    if len(out_focus):
        add(
            out_focus,
            name=_("Outside selected group"),
            z=out_focus["value"].round(6).tolist(),
            colorscale=_constant_scale(theme.OUT_OF_FOCUS),
            opacity=theme.OUT_OF_FOCUS_OPACITY,
            showscale=False,
            showlegend=True,
        )
    if len(missing):
        # The colour is constant; z only has to be present for the shapes to be drawn.
        add(
            missing,
            name=_("No data"),
            z=[1] * len(missing),
            zmin=0,
            zmax=1,
            colorscale=_constant_scale(theme.NO_DATA),
            showscale=False,
            showlegend=True,
        )

    subtitle = _("Hover a country for its value, data year and source.")
    if tolerance and int(tolerance) > 0:
        subtitle = (
            ngettext(
                "Where %(year)s is missing, the latest value from up to %(n)d year earlier is "
                "shown, lighter.",
                "Where %(year)s is missing, the latest value from up to %(n)d years earlier is "
                "shown, lighter.",
                int(tolerance),
            )
            % {"year": year, "n": int(tolerance)}
            + " "
            + subtitle
        )
    subtitle = fit_lines(subtitle)
    extra = 16 * subtitle.count("<br>")
    fig.update_layout(
        title={
            "text": _("%(title)s, %(year)s") % {"title": _title(spec), "year": year},
            "subtitle": {"text": subtitle},
        },
        geo=_geo(),
        margin={**MAP_MARGIN, "t": MAP_MARGIN["t"] + extra},
        legend=_map_legend(),
        uirevision=_text(_spec_get(spec, "id", "map")) or "map",
        dragmode="pan",
        height=560,
    )
    fig.update_geos(uirevision=_text(_spec_get(spec, "id", "map")) or "map")
    return fig


# --------------------------------------------------------------------------- region map


def _feature_subset(outlines: Mapping, ids: Iterable[str]) -> dict:
    wanted = set(ids)
    features = [f for f in outlines.get("features", []) if f.get("id") in wanted]
    return {"type": "FeatureCollection", "features": features}


def region_map_figure(
    frame: pd.DataFrame,
    spec: Mapping,
    outlines: Mapping,
    *,
    year: int,
    colour_range: tuple[float, float],
    threshold: float = 0.5,
) -> go.Figure:
    """ITU regions filled by their aggregate value, on the same pinned view as ``map_figure``.

    Each region's outline is embedded once (only in the trace that draws it). Regions whose
    value was withheld are drawn in ``theme.NO_DATA`` and say so on hover.
    """
    if (
        _is_empty(frame)
        or "region" not in frame.columns
        or not isinstance(outlines, Mapping)
        or not outlines.get("features")
    ):
        return _no_data(spec, year)
    data = frame.copy()
    data["value"] = pd.to_numeric(_column(data, "value"), errors="coerce")
    has_value = data["value"].notna()
    axis = colour_axis(spec, colour_range, data.loc[has_value, "value"])

    official = bool(len(data)) and set(_column(data, "method", "").astype(str)) == {"official"}

    def hover(row: pd.Series) -> str:
        name = _text(row.get("label")) or _text(row.get("region"))
        if official:
            value = row.get("value")
            shown = _value_with_unit(value, spec) if _number(value) is not None else _("no value")
            return f"<b>{name}</b><br>{shown}<br>" + _("ITU estimate")
        with_data, members = _number(row.get("members_with_data")), _number(row.get("members"))
        counts = (
            "<br>"
            + _("%(n)d of %(total)d economies with data")
            % {"n": int(with_data), "total": int(members)}
            if with_data is not None and members is not None
            else ""
        )
        coverage = "<br>" + _("Coverage: %(share)s of population") % {
            "share": _share_text(row.get("coverage"))
        }
        if _number(row.get("value")) is None:
            return (
                f"<b>{name}</b><br>"
                + _("Withheld: coverage below %(share)s") % {"share": _share_text(threshold)}
                + f"{coverage}{counts}"
            )
        return f"<b>{name}</b><br>{_value_with_unit(row.get('value'), spec)}{coverage}{counts}"

    fig = go.Figure()
    shown, withheld = data[has_value], data[~has_value]
    region_line = {"color": theme.BORDER, "width": 1.2}
    if len(shown):
        fig.add_trace(
            go.Choropleth(
                geojson=_feature_subset(outlines, shown["region"]),
                featureidkey="id",
                locations=shown["region"].tolist(),
                z=axis.z(shown["value"]),
                zmin=axis.zmin,
                zmax=axis.zmax,
                zauto=False,
                colorscale=axis.colorscale,
                colorbar=axis.colorbar(_unit(spec)),
                marker={"line": region_line},
                text=[hover(row) for _i, row in shown.iterrows()],
                hovertemplate="%{text}<extra></extra>",
                name=_text(_spec_get(spec, "short_title")) or _title(spec),
                showlegend=False,
            )
        )
    if len(withheld):
        fig.add_trace(
            go.Choropleth(
                geojson=_feature_subset(outlines, withheld["region"]),
                featureidkey="id",
                locations=withheld["region"].tolist(),
                z=[1] * len(withheld),
                zmin=0,
                zmax=1,
                colorscale=_constant_scale(theme.NO_DATA),
                showscale=False,
                marker={"line": region_line},
                text=[hover(row) for _i, row in withheld.iterrows()],
                hovertemplate="%{text}<extra></extra>",
                name=_("Withheld (coverage below %(share)s)") % {"share": _share_text(threshold)},
                showlegend=True,
            )
        )
    points = [
        (
            REGION_LABEL_POINTS[region],
            format_value(value, spec),
            _text_colour_on(axis.colour(value)),
        )
        for region, value in zip(shown["region"], shown["value"], strict=True)
        if region in REGION_LABEL_POINTS
    ]
    if points:
        fig.add_trace(
            go.Scattergeo(
                lon=[point[0][0] for point in points],
                lat=[point[0][1] for point in points],
                text=[point[1] for point in points],
                mode="text",
                textfont={
                    "size": theme.FONT_SIZE + 2,
                    "color": [point[2] for point in points],
                    "weight": "bold",
                    # A halo in the contrasting colour keeps the label readable where it
                    # crosses a border line.
                    "shadow": "auto",
                },
                hoverinfo="skip",
                showlegend=False,
                name="values",
            )
        )
    revision = f"{_text(_spec_get(spec, 'id', 'map'))}-regions"
    subtitle = (
        _("ITU's estimates: ITU publishes this for groups of economies only, not by country.")
        if official
        else _("Regional aggregates; grey where coverage is too low.")
    )
    fig.update_layout(
        title={
            "text": _("%(title)s by ITU region, %(year)s") % {"title": _title(spec), "year": year},
            "subtitle": {"text": subtitle},
        },
        geo=_geo(showcountries=False),
        margin=MAP_MARGIN,
        legend=_map_legend(),
        uirevision=revision,
        dragmode="pan",
        height=560,
    )
    fig.update_geos(uirevision=revision)
    return fig
