"""Country profiles: ``/country/<ISO3>`` (English) and ``/<lang>/country/<ISO3>``, the page,
and ``….csv``, every number on it.

A lowercase code is sent to its upper-case address; an unknown code gets a 404 page in the
address's language that says how profiles are addressed and offers close matches.
"""

from __future__ import annotations

from flask import Blueprint, Response, redirect, request

from components.profile import profile_csv, profile_path, render_not_found, render_profile
from data import export, i18n
from data.load import load_dataset

profile_bp = Blueprint("profile", __name__)
HTML = "text/html; charset=utf-8"
ISO3_LENGTH = 3


def known_prefixes() -> tuple[str, ...]:
    """The addresses this blueprint answers (for the app's list of known paths)."""
    return ("/country/", *(f"/{lang}/country/" for lang in i18n.LANGUAGES))


@profile_bp.get("/country/")
def country_index():
    return Response(render_not_found(load_dataset(), i18n.DEFAULT, ""), 200, content_type=HTML)


@profile_bp.get("/<lang>/country/")
def country_index_in(lang: str):
    if lang not in i18n.LANGUAGES:
        return Response(render_not_found(None, i18n.DEFAULT), 404, content_type=HTML)
    return Response(render_not_found(load_dataset(), lang, ""), 200, content_type=HTML)


@profile_bp.get("/country/<path:code>")
def country_page(code: str):
    return _answer(i18n.DEFAULT, code, explicit=False)


@profile_bp.get("/<lang>/country/<path:code>")
def country_page_in(lang: str, code: str):
    if lang not in i18n.LANGUAGES:
        return Response(render_not_found(None, i18n.DEFAULT), 404, content_type=HTML)
    return _answer(lang, code, explicit=True)


def _answer(lang: str, code: str, *, explicit: bool):
    ds = load_dataset()
    csv = code.endswith(".csv")
    stem = code.removesuffix(".csv")
    iso3 = stem.upper()
    if len(stem) != ISO3_LENGTH or iso3 not in ds.countries.index:
        return Response(render_not_found(ds, lang, stem), 404, content_type=HTML)
    if stem != iso3 or (explicit and lang == i18n.DEFAULT):
        # One address per page: upper-case codes, English at the root.
        query = request.query_string.decode("latin-1")
        target = profile_path(iso3, lang) + (".csv" if csv else "")
        return redirect(target + (f"?{query}" if query else ""), 308)
    if csv:
        body, notices = profile_csv(ds, iso3, lang)
        response = Response(body, mimetype="text/csv")
        suffix = "" if lang == i18n.DEFAULT else f"_{lang}"
        response.headers["Content-Disposition"] = (
            f'attachment; filename="country-profile_{iso3}{suffix}.csv"'
        )
        response.headers["X-Data-Notice"] = export.notice_header(notices)
        return response
    return Response(render_profile(ds, iso3, lang), 200, content_type=HTML)
