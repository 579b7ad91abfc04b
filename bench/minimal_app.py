"""The smallest Dash page that draws an ISO-3 world choropleth: the yardstick of bench_load.py.

A plain ``dcc.Graph(figure=px.choropleth(...))`` of Internet use by economy, served like the
dashboard (gunicorn, ``serve_locally``, ``compress=True``), with the world geometry plotly.js
asks for served from ``MINIMAL_ASSETS`` (a folder holding ``topojson/world_110m.json``) instead
of its CDN. Run by bench/bench_load.py: ``gunicorn bench.minimal_app:server``.
"""

from __future__ import annotations

import os

import plotly.express as px
from dash import Dash, dcc

from data.load import load_dataset

obs = load_dataset().obs
latest = obs[obs["indicator"] == "internet_users_pct"].sort_values("year").groupby("iso3").last()
app = Dash(
    __name__,
    serve_locally=True,
    compress=True,
    assets_folder=os.environ["MINIMAL_ASSETS"],
)
app.layout = dcc.Graph(
    id="map",
    figure=px.choropleth(latest.reset_index(), locations="iso3", color="value"),
    config={"topojsonURL": app.get_asset_url("topojson/")},
)
server = app.server
# As app.py does: finish Dash's set-up before gunicorn forks, or simultaneous first requests to
# a new worker can get a 500.
with server.test_client() as warm_up:
    warm_up.get("/")
