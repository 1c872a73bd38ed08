"""The API's docs in a browser: Swagger UI at /docs, ReDoc at /redoc.

Both come from installed packages and are served from Tally's own routes, so the pages work offline and
tell no third party who reads them: flask-swagger-ui's wheel ships Swagger UI 5, drf-spectacular-sidecar's
ships ReDoc's standalone bundle (it depends on Django, which Tally never imports). The pages themselves are
in service/docs.
"""

from __future__ import annotations

from functools import cache
from importlib.util import find_spec
from pathlib import Path

from flask import Blueprint, Response, render_template, request, send_from_directory, url_for


def _installed(package: str) -> Path:
    """Where an installed package's files are, without importing it."""
    spec = find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError(f"{package} is not installed")
    return Path(spec.submodule_search_locations[0])


PAGES = Path(__file__).parent.parent / "docs"
SWAGGER_UI = _installed("flask_swagger_ui") / "dist"
REDOC = _installed("drf_spectacular_sidecar") / "static" / "drf_spectacular_sidecar" / "redoc" / "bundles"

# ReDoc's side menu shows Redocly's logo from their CDN, always: the bundle is served with an empty image in
# its place, which ReDoc hides as it would a logo that failed to load.
REDOCLY_LOGO = b"https://cdn.redoc.ly/redoc/logo-mini.svg"
# And should either page ever reach for another origin, the browser refuses. Both pages style themselves
# with inline styles; ReDoc searches in a worker it starts from a blob.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; worker-src 'self' blob:"
)

# Templates named docs/..., apart from flask-smorest's own redoc.html and swagger_ui.html.
blp = Blueprint("docs", __name__, template_folder=PAGES.parent)


def _page(template: str) -> Response:
    response = Response(render_template(template, openapi_url=url_for("api-docs.openapi_json")))
    response.headers["Content-Security-Policy"] = CONTENT_SECURITY_POLICY
    return response


@blp.get("/docs/", strict_slashes=False)
def swagger_ui() -> Response:
    """Swagger UI, where every operation can be tried."""
    return _page("docs/swagger-ui.html")


@blp.get("/docs/swagger-ui-tally.js")
def swagger_ui_tally() -> Response:
    """Tally's configuration of Swagger UI and its plugin (service/docs)."""
    return send_from_directory(PAGES, "swagger-ui-tally.js")


@blp.get("/docs/<path:name>")
def swagger_ui_asset(name: str) -> Response:
    """Swagger UI's scripts, styles and icons, from the installed package."""
    return send_from_directory(SWAGGER_UI, name)


@blp.get("/redoc/", strict_slashes=False)
def redoc() -> Response:
    """ReDoc: the whole document on one page, to read."""
    return _page("docs/redoc.html")


@blp.get("/redoc/redoc.standalone.js")
def redoc_bundle() -> Response:
    """ReDoc's standalone bundle, from the installed package, that loads nothing from elsewhere."""
    response = Response(_redoc_bundle(), mimetype="text/javascript")
    # A browser that has it asks with If-None-Match and gets a 304, as for Swagger UI's files.
    response.add_etag()
    response.make_conditional(request)
    return response


@cache
def _redoc_bundle() -> bytes:
    return (REDOC / "redoc.standalone.js").read_bytes().replace(REDOCLY_LOGO, b"data:,")
