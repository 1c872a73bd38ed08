"""The Flask application factory."""

from __future__ import annotations

import http
from typing import Any

import flask
import flask_smorest
from flask import Response, current_app, request
from flask.json.provider import DefaultJSONProvider
from flask_smorest.spec import prepare_response
from werkzeug.exceptions import HTTPException

from .api import (
    API_KEY,
    POOL_KEY,
    READ_METHODS,
    ROUTER_KEY,
    add_server_headers,
    analysis,
    caching,
    catalogue,
    consistency_token,
    cors,
    datasets,
    docs,
    extractions,
    figures,
    health,
    limits,
    negotiation,
    release_connection,
    retry_elsewhere,
    review,
)
from .api import openapi_examples as examples
from .api import openapi_responses as documented
from .api.auth import current_key
from .config import Settings
from .db import DatabaseUnavailable
from .errors import (
    PROBLEM_JSON,
    InvalidParameter,
    PayloadTooLarge,
    UnknownParameters,
    UnsupportedMediaType,
    http_problem,
    register_error_handlers,
)
from .replicas import Router
from .schemas.common import PartialDate, ProblemSchema

API_DESCRIPTION = """\
Humanitarian figures with their provenance: who stated each number, where it was
published, when, for which place and period, how precise it is, and whether it is disputed.

* Every figure carries its source, document, quote, reference period and stated-on date inline.
* Lists are cursor-paged: follow `next` (also in the `Link` header) until it is null.
* Unknown query parameters are rejected (400) rather than ignored.
* Lists of figures also answer in CSV, HXL, NDJSON and GeoJSON, and the list of places in GeoJSON: ask with
  `format=` or `Accept`. An `Accept` that an operation cannot satisfy is a 406 listing what it offers.
* Every error is `application/problem+json` (RFC 9457), with field messages for invalid input.
* Reads may be served by a streaming replica, a moment behind the primary (`Tally-Server` says which server
  answered). Every write answers with a `Tally-Consistency` token: a read that sends it back sees that write.
"""


class Api(flask_smorest.Api):
    """flask-smorest's Api, with errors documented and served as problem+json.

    Every error response carries the rate-limit headers, and 429, 503 and 504 say when they come and show
    their bodies (openapi_responses, which also adds them to every operation).
    """

    ERROR_SCHEMA = ProblemSchema
    # Every operation documents each status it answers (openapi_responses.statuses_for adds those all share), so
    # no catch-all `default` response: one would make any status a documented one.
    DEFAULT_ERROR_RESPONSE_NAME = None

    def handle_http_exception(self, error: HTTPException) -> Response:
        return http_problem(error)

    def _register_responses(self) -> None:
        documented.register_headers(self.spec.components)
        rate_limit_headers = documented.header_refs(*documented.RATE_LIMIT_HEADERS)
        for status in http.HTTPStatus:
            response: dict[str, Any] = {"description": status.phrase}
            if status in documented.RESPONSES:
                response = documented.response_fields(status)
            if status >= 400:
                response["schema"] = self.ERROR_SCHEMA
                response.setdefault("headers", rate_limit_headers)
            prepare_response(response, self.spec, PROBLEM_JSON)
            self.spec.components.response(status.name, response, lazy=True)

    def _register_pagination_header(self) -> None:
        """Nothing: Tally pages with cursors and a Link header, not flask-smorest's X-Pagination, whose schema
        would otherwise be left in the document, used by nothing."""


class Flask(flask.Flask):
    """Flask, sending a read that a replica failed once to another server (api.retry_elsewhere): a replica going
    down costs no client an error."""

    def handle_user_exception(self, e: Exception) -> Any:
        if not (isinstance(e, DatabaseUnavailable) and retry_elsewhere()):
            return super().handle_user_exception(e)
        limits.keep_current_limit()  # the limiter counts the request once
        try:  # the whole request again, its checks too: they read the database as well
            return self.preprocess_request() or self.dispatch_request()
        except Exception as again:
            return super().handle_user_exception(again)


# Methods whose requests may carry a body.
BODY_METHODS = ("POST", "PATCH", "PUT", "DELETE")
# Endpoints whose body is a data file (CSV) rather than JSON, with a larger size limit.
FILE_UPLOADS = {"datasets.Imports"}


def check_body_size(limit: int) -> None:
    """Refuse a body over limit bytes, however it is sent, before anything reads it.

    Werkzeug stops reading a chunked body (one with no Content-Length) at
    max_content_length without telling whether more followed, so a body cut
    at the limit would look whole. Reading at most one byte past the limit
    tells the two apart; the body read here is cached for the handler.
    """
    request.max_content_length = limit + 1
    length = request.content_length
    if length is None and request.method in BODY_METHODS:
        length = len(request.get_data())
    if length is not None and length > limit:
        raise PayloadTooLarge(f"The request body is larger than the limit of {limit} bytes.")


def refuse_nul() -> None:
    """PostgreSQL text cannot hold NUL: a query or path value with one is a 422 naming it, before any work."""
    for name, value in request.args.items(multi=True):
        if "\x00" in value:
            raise InvalidParameter(name, "Must not contain a NUL character.")
    for name, value in (request.view_args or {}).items():
        if isinstance(value, str) and "\x00" in value:
            raise InvalidParameter(name, "Must not contain a NUL character.", where="path")


def _takes_query(view: Any, method: str) -> bool:
    """Whether the operation reads query arguments (a schema of its arguments, which refuses unknown ones)."""
    handler = getattr(getattr(view, "view_class", None), method.lower(), None)
    arguments = getattr(handler, "_apidoc", {}).get("arguments", {}).get("parameters", [])
    return any(argument.get("in") == "query" for argument in arguments)


def refuse_unread_query() -> None:
    """An API operation that reads no query argument refuses any it is given, as the lists refuse the ones they
    do not know: ignored, a typo (`/v1/sources/sohr?fields=name`) would look as if it had worked."""
    if not request.args or not request.path.startswith("/v1/") or request.endpoint is None:
        return
    method = "GET" if request.method == "HEAD" else request.method
    if method == "OPTIONS" or _takes_query(current_app.view_functions[request.endpoint], method):
        return
    names = sorted(set(request.args))
    errors = [{"in": "query", "field": name, "messages": ["Unknown field."]} for name in names]
    raise UnknownParameters(f"Unknown query parameter(s): {', '.join(names)}.", errors=errors)


def check_request() -> None:
    """Refuse what no endpoint could use, before any work: wrong body types, NUL characters, query arguments
    an operation does not read, missing read keys."""
    settings = current_app.config["TALLY_SETTINGS"]
    if request.method in READ_METHODS and request.path.startswith("/v1/"):
        consistency_token()  # a malformed one is a 400 before any work
    refuse_nul()
    refuse_unread_query()
    upload = request.endpoint in FILE_UPLOADS
    check_body_size(settings.max_import_bytes if upload else settings.max_body_bytes)
    chunked = "chunked" in request.headers.get("Transfer-Encoding", "").lower()
    if request.method in BODY_METHODS and (request.content_length or chunked):
        expected = "text/csv" if upload else "application/json"
        if request.mimetype != expected:
            raise UnsupportedMediaType(f"Send the body as {expected}, not {request.mimetype or 'untyped'}.")
    # A key sent with a public read is checked all the same: a revoked or mistyped key is a 401, never
    # silently ignored, so a client learns its key is dead before it tries to write.
    sends_key = settings.require_read_key or "Authorization" in request.headers
    if sends_key and request.method in ("GET", "HEAD") and request.path.startswith("/v1/"):
        current_key("read")


def create_app(settings: Settings | None = None, *, database_url: str | None = None, open_pool: bool = True) -> Flask:
    """Build the app. Under gunicorn the pool is opened after the fork (see gunicorn_conf)."""
    settings = settings or Settings.from_env()
    app = Flask(__name__, static_folder=None)
    if isinstance(app.json, DefaultJSONProvider):  # Flask's own, which this app keeps
        app.json.sort_keys = False
    app.config.update(
        API_TITLE="Tally",
        API_VERSION="1.0.0",
        OPENAPI_VERSION="3.1.0",
        OPENAPI_URL_PREFIX="/",
        OPENAPI_JSON_PATH="openapi.json",
        API_SPEC_OPTIONS={
            "info": {"description": API_DESCRIPTION},
            "servers": [{"url": "/", "description": "This server"}],
        },
        TALLY_SETTINGS=settings,
        MAX_CONTENT_LENGTH=settings.max_body_bytes,
    )
    api = Api(app, spec_kwargs={"extra_plugins": [documented.OperationalResponses(), examples.ExampleBodies()]})
    app.extensions[API_KEY] = api
    api.register_field(PartialDate, "string", None)
    api.spec.components.security_scheme(
        "bearerAuth",
        {
            "type": "http",
            "scheme": "bearer",
            "description": "An API key from `tally keys create NAME --scope read|write|admin`.",
        },
    )
    for blueprint in (figures.blp, catalogue.blp, analysis.blp, datasets.blp, extractions.blp):
        api.register_blueprint(blueprint)
    app.register_blueprint(health.blp)
    app.register_blueprint(docs.blp)
    app.register_blueprint(review.blp)
    register_error_handlers(app)
    limits.init_limits(app, settings)  # its check runs before check_request: a flood is refused before any work
    app.before_request(check_request)
    app.before_request(negotiation.check_acceptable)  # before check_cache: no 304 for what cannot be served
    app.before_request(caching.check_cache)
    app.after_request(caching.add_validators)
    app.after_request(add_server_headers)
    cors.init_cors(app, settings)  # after add_validators, so that its Vary: Origin is merged into one Vary
    app.teardown_request(release_connection)

    router = Router(settings, database_url or settings.database_url or "")
    app.extensions[ROUTER_KEY] = router
    app.extensions[POOL_KEY] = router.primary.pool
    if open_pool:
        router.open()
    return app
