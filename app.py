"""The Digital Divide Dashboard: a Dash app and its data API on one Flask server.

Run in development with ``python app.py``; in production with gunicorn (see ``Procfile`` and
``gunicorn.conf.py``). ``server`` is the WSGI application.
"""

from __future__ import annotations

import os
import re
import sys
from urllib.parse import parse_qs, urlencode, urlsplit

from dash import Dash
from dash.exceptions import DependencyException
from flask import has_request_context, jsonify, redirect, request
from gunicorn.http.errors import NoMoreData, ParseException

import callbacks.above_target
import callbacks.charts
import callbacks.controls
import callbacks.export  # (each module registers its callbacks)
from api.export import DeckError, decode_deck, export_bp
from api.profile import profile_bp
from api.routes import create_api
from api.stories import STORIES, story_deck
from callbacks import cache as answer_cache
from callbacks import inputs as callback_inputs
from components import ids
from components.layout import build_layout, initial_values, walk
from components.present import present_page
from components.profile import render_not_found
from components.urlstate import parse_view
from data import i18n, load, views
from data.i18n import N_
from data.load import DatasetError, load_dataset
from edges import Edges, security_headers
from static_files import AssetFiles, geometry_path

TITLE = N_("Digital Divide Dashboard")
DESCRIPTION = N_(
    "Internet use, mobile coverage, affordability and gender gaps, by country and region, "
    "from ITU, World Bank and UN data."
)
LANGUAGE_PAGES = tuple(f"/{lang}/" for lang in i18n.LANGUAGES)
INDEX_STRING = """<!DOCTYPE html>
<html lang="en">
    <head>
        {%metas%}
        <title>{%title%}</title>
        {%favicon%}
        {%css%}
    </head>
    <body>
        <noscript>
            The Digital Divide Dashboard needs JavaScript to draw its maps and charts. Its data
            are also served without it: <a href="/api/v1/indicators">/api/v1/indicators</a>.
        </noscript>
        {%app_entry%}
        <div class="dash-scripts">
            {%config%}
            {%scripts%}
            {%renderer%}
        </div>
    </body>
</html>"""
"""Dash's page with a language, a message for browsers without JavaScript, and its scripts
outside a ``<footer>`` (the page has its own, and a second one confuses screen readers)."""
POLYFILL = re.compile(r'<script src="[^"]*/deps/polyfill@[^"]*"></script>\s*')
PRELOADS = (
    # What the page fetches only after its scripts have run, asked for at once instead: on a
    # slow link each of these waits would cost a round trip (0.8 s on 2G) before the map.
    ("fetch", "_dash-layout"),
    ("fetch", "_dash-dependencies"),
    ("script", "_dash-component-suites/dash/dcc/async-graph.js"),
    ("script", "_dash-component-suites/dash/dcc/async-dropdown.js"),
    ("script", "_dash-component-suites/dash/dcc/async-slider.js"),
    ("fetch", "assets/{geometry}world_110m.json"),
)


def preload_links(prefix: str) -> str:
    """``<link rel="preload">`` for ``PRELOADS``, then the end of the page's head."""
    links = []
    for kind, path in PRELOADS:
        href = prefix + path.format(geometry=geometry_path())
        cors = ' crossorigin="anonymous"' if kind == "fetch" else ""
        links.append(f'<link rel="preload" href="{href}" as="{kind}"{cors}>')
    return "    " + "\n        ".join(links) + "\n    </head>"


def with_first_map(layout, ds, view: dict, lang: str):
    """``layout`` with its map already drawn for the view it opens on.

    The map callback also runs when the page opens, but only after the controls' callbacks
    (three rounds of requests): on a slow link each round costs a round trip and more (about
    5 s on 2G). With the figure in the layout the map is drawn as soon as plotly.js is loaded;
    the callback's answer is the same figure."""
    values = initial_values(ds, view)
    figure, status = callbacks.charts.update_map(
        values[ids.THEME_TABS],
        values[ids.INDICATOR],
        values[ids.UNIT],
        values[ids.YEAR],
        values[ids.TOLERANCE],
        values[ids.GROUP],
        lang,
    )
    for component in walk(layout):
        if getattr(component, "id", None) == ids.MAP:
            component.figure = figure
        elif getattr(component, "id", None) == ids.MAP_STATUS:
            component.children = status
    return layout


CATCH_ALL = "/<path:path>"
"""Dash's route for every other path (it answers with the page): only the page's own
addresses (``/`` and the language pages) may reach it."""
FAVICON_MAX_AGE = 7 * 24 * 3600
"""Seconds browsers keep Dash's favicon (its link names Dash's version: ``?v=…``)."""


def create_app(debug: bool = False) -> Dash:
    """The app; ``debug``: for ``app.run(debug=True)``, which must set Dash up itself (it
    adds an error handler, which Flask refuses once a request has been handled)."""
    dataset = load_dataset()
    app = Dash(
        __name__,
        title=TITLE,
        update_title=None,
        index_string=INDEX_STRING,
        compress=True,
        serve_locally=True,
        # The profile pages' style and script are theirs: served from assets/, not added to
        # the dashboard.
        assets_ignore=r"profile\.(css|js)$",
        meta_tags=[
            {"name": "viewport", "content": "width=device-width, initial-scale=1"},
            {"name": "description", "content": DESCRIPTION},
        ],
    )

    def serve_layout():
        # The page asks for its layout with its own address as referrer: the view in the
        # address (?theme=…&year=…) becomes the controls' starting values, and its path
        # (/fr/, /ar/ …) the language.
        args, lang, suggest = {}, i18n.DEFAULT, None
        if has_request_context() and request.referrer:
            address = urlsplit(request.referrer)
            args = parse_qs(address.query)
            lang = i18n.language_of_path(address.path)
            if address.path in ("", "/"):
                # Accept-Language may suggest another language, never switch to it.
                best = request.accept_languages.best_match(list(i18n.LANGUAGES))
                suggest = best if best and best != i18n.DEFAULT else None
        i18n.use_language(lang)
        current = load_dataset()  # the dataset in service now (it may have been reloaded)
        view, problems = parse_view(args, current)
        layout = build_layout(current, view, problems, lang=lang, suggest=suggest)
        return with_first_map(layout, current, view, lang)

    app.layout = serve_layout

    def config():
        # Dash puts a copy of the whole layout in every page (about 96 KB, 23 KB compressed) so
        # that its developer tools can check callbacks against it; only debug mode shows them.
        settings = Dash._config(app)
        if not app._dev_tools.ui:
            settings.pop("validation_layout", None)
        return settings

    app._config = config

    def interpolate_index(**kwargs):
        # The page's language and direction are in its first bytes, before any script runs.
        lang = i18n.language_of_path(request.path) if has_request_context() else i18n.DEFAULT
        i18n.use_language(lang)
        kwargs["title"] = i18n.gettext(TITLE)
        kwargs["metas"] = kwargs["metas"].replace(DESCRIPTION, i18n.gettext(DESCRIPTION))
        # Dash's @babel/polyfill (35 KB compressed) serves browsers older than the page's own
        # scripts allow; the one part its bundles use, regeneratorRuntime, is in
        # assets/vendor/regenerator-runtime.min.js (scripts/build_plotly_bundle.py).
        kwargs["scripts"] = POLYFILL.sub("", kwargs["scripts"])
        page = Dash.interpolate_index(app, **kwargs)
        direction = i18n.direction(lang)
        page = page.replace("</head>", preload_links(app.config.requests_pathname_prefix), 1)
        return page.replace('<html lang="en">', f'<html lang="{lang}" dir="{direction}">', 1)

    app.interpolate_index = interpolate_index
    server = app.server
    # Bodies are read only up to this size (a chunked one too); see also edges.Edges.
    server.config["MAX_CONTENT_LENGTH"] = callback_inputs.MAX_BODY

    @server.before_request
    def body_within_limit():
        # A body without a length (chunked) is read up to the limit and stops there:
        # reaching it means there was more, which is refused rather than cut.
        if request.content_length is not None or request.method not in ("POST", "PUT", "PATCH"):
            return None
        if len(request.get_data(cache=True)) >= callback_inputs.MAX_BODY:
            message = f"the body is larger than {callback_inputs.MAX_BODY} bytes"
            return jsonify(error={"message": message}), 413
        return None

    # Answers are kept per dataset: a reloaded dataset (data/load.py) starts afresh.
    app.answer_cache = answer_cache.install(
        server, generation=lambda: load_dataset().checksum.encode()
    )
    load.LIVE.swapped.append(lambda _new: app.answer_cache.clear())
    if views.warm_estimates not in load.LIVE.swapped:
        # After a reload, in the background: requests meanwhile work out what they need.
        load.LIVE.swapped.append(views.warm_estimates)
    callback_inputs.install(server, app.callback_map)
    server.register_blueprint(create_api(load_dataset), url_prefix="/api/v1")
    server.register_blueprint(export_bp, url_prefix="/export")
    server.register_blueprint(profile_bp)

    @server.get("/present")
    def present():
        # A deck from its link (?deck=…) or a ready-made story (?story=…), in ?lang=….
        lang = request.args.get("lang") or i18n.DEFAULT
        if lang not in i18n.LANGUAGES:
            lang = i18n.DEFAULT
        story, encoded = request.args.get("story"), request.args.get("deck")
        try:
            if story and not encoded:
                if story not in STORIES:
                    raise DeckError(f"unknown story {story[:40]!r}; valid: {', '.join(STORIES)}")
                deck = story_deck(story)
                query = {"story": story, "lang": lang}
            elif encoded and not story:
                deck = decode_deck(encoded)
                query = {"deck": encoded, "lang": lang}
            else:
                raise DeckError("give either story=… or deck=…")
        except DeckError as error:
            return jsonify(error={"parameter": "deck", "message": str(error)}), 400
        back = "/" if lang == i18n.DEFAULT else f"/{lang}/"
        page = present_page(
            deck, lang=lang, pptx_href="/export/deck.pptx?" + urlencode(query), back_href=back
        )
        return page, 200, {"Content-Type": "text/html; charset=utf-8"}

    @server.before_request
    def english_until_told():
        # A worker thread serves many requests: each starts in English until its page or
        # callback names its language.
        i18n.use_language(None)

    @server.before_request
    def only_known_paths():
        # Dash answers every path with the page; a mistyped address should say it is wrong.
        path = request.path
        if (
            path.rstrip("/") in {p.rstrip("/") for p in LANGUAGE_PAGES}
            and path not in LANGUAGE_PAGES
        ):
            query = request.query_string.decode("latin-1")
            return redirect(path.rstrip("/") + "/" + (f"?{query}" if query else ""), 308)
        rule = request.url_rule
        if rule is not None and rule.rule == CATCH_ALL and path not in LANGUAGE_PAGES:
            return not_found(None)
        return None

    @server.after_request
    def cache_favicon(response):
        if request.path == "/_favicon.ico" and response.status_code == 200:
            response.cache_control.public = True
            response.cache_control.max_age = FAVICON_MAX_AGE
        return response

    @server.get("/favicon.ico")
    def favicon():
        # Pages outside Dash (profiles, the projector view, the API docs) name no icon, and
        # browsers then ask for /favicon.ico: Dash's own icon.
        return redirect(app.config.requests_pathname_prefix + "_favicon.ico", 301)

    @server.get("/healthz")
    def healthz():
        # The dataset in service (checksum, build time) and any newer one refused as invalid.
        info = load.status()
        state = "ok" if info["rejected"] is None else "serving-previous-dataset"
        return jsonify(status=state, observations=info["observations"], dataset=info)

    @server.errorhandler(404)
    def not_found(_error):
        if request.path.startswith("/api/"):
            return jsonify(error={"message": f"no such endpoint: {request.path}"}), 404
        # In the language of the address (/fr/… → French), with the way back.
        page = render_not_found(None, i18n.language_of_path(request.path))
        return page, 404, {"Content-Type": "text/html; charset=utf-8"}

    @server.errorhandler(DependencyException)
    def unknown_component_file(_error):
        # /_dash-component-suites/<package>/<file> that Dash does not serve.
        return not_found(None)

    @server.errorhandler(ParseException)
    @server.errorhandler(NoMoreData)
    def unreadable_body(_error):
        # A body gunicorn could not read (a malformed chunk, a client gone mid-body).
        return jsonify(error={"message": "the request body could not be read"}), 400

    @server.errorhandler(500)
    def server_error(_error):
        return jsonify(error={"message": "internal error; the request was not processed"}), 500

    # assets/ precompressed (brotli and gzip) and kept by browsers: see static_files.py.
    server.wsgi_app = AssetFiles(
        server.wsgi_app, prefix=app.config.requests_pathname_prefix + "assets/"
    )
    # Outermost: large bodies refused unread, security headers on every response.
    server.wsgi_app = Edges(server.wsgi_app, security_headers(app.csp_hashes()))

    # Dash finishes its set-up on the first request, and marks it done before it has
    # registered its scripts: simultaneous first requests to a new worker can get a 500.
    # Doing it here, before gunicorn forks (preload_app), gives every worker a finished set-up.
    # In debug mode app.run(debug=True) adds an error handler, which Flask refuses once a
    # request has been handled: the same set-up is done without a request.
    if debug:
        with server.app_context():
            app._setup_server()
    else:
        with server.test_client() as warm_up:
            warm_up.get("/")
    # Estimates are computed once per dataset; doing the common ones here shares them with
    # every worker instead of each worker paying for them on its first request.
    views.warm_estimates(dataset)
    return app


DEBUG = os.environ.get("DASH_DEBUG", "") == "1"
try:
    app = create_app(debug=DEBUG)
except DatasetError as error:
    # One clear message instead of a traceback: which file and row, and what to do.
    sys.exit(f"The app cannot start: its dataset is refused.\n{error}")
server = app.server

if __name__ == "__main__":
    app.run(
        host=os.environ.get("HOST", "127.0.0.1"),
        port=int(os.environ.get("PORT", "8050")),
        debug=DEBUG,
        dev_tools_disable_version_check=True,
    )
