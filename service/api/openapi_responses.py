"""What any operation can answer besides its own responses, in the OpenAPI document, declared once.

Every response of the API carries the rate-limit headers (RateLimit-Policy, RateLimit) while rate limits are on;
any request may ask in Accept for a media type its operation does not answer in (406), be refused by a limit
(429), find the database unreachable or saturated (503) or have a statement cancelled by the statement timeout
(504). Each header and each of these responses is a component (components.headers, components.responses);
`OperationalResponses`, an apispec plugin, references them from every operation, as `statuses_for` decides for its
path.

The examples are built from the defaults in Settings, so the document stays as true as the code that sends them
(limits.py, errors.py, negotiation.py); the tests compare them with real responses.
"""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

from apispec import BasePlugin
from limits import parse as parse_limit
from werkzeug.routing import Rule

from ..config import Settings
from ..errors import timeout_detail
from ..formats import FIGURE_FORMATS
from ..pagination import encode_cursor
from ..schemas.common import EXAMPLE_FIGURE_ETAG
from . import CONSISTENCY_HEADER, SERVER_HEADER, caching
from .negotiation import NEGOTIATED_PREFIX, NotAcceptable, refusal

ETAG = "ETag"
FIGURE_ETAG = "FigureETag"
LAST_MODIFIED = "Last-Modified"
CACHE_CONTROL = "Cache-Control"
VARY = "Vary"
LINK = "Link"
LOCATION = "Location"
CONTENT_DISPOSITION = "Content-Disposition"
WWW_AUTHENTICATE = "WWW-Authenticate"
RATE_LIMIT_POLICY = "RateLimit-Policy"
RATE_LIMIT = "RateLimit"
RETRY_AFTER = "Retry-After"
TALLY_SERVER = SERVER_HEADER
TALLY_CONSISTENCY = CONSISTENCY_HEADER
# The headers every response of a rate-limited operation carries while limits are on.
RATE_LIMIT_HEADERS = (RATE_LIMIT_POLICY, RATE_LIMIT)

# A page of a collection: its description, and the header that links the next page.
PAGE = "A page, and the URL of the next (null on the last page)."
PAGE_HEADERS = {LINK: LINK}
# A response that may be CSV: the file's name.
CSV_HEADERS = {CONTENT_DISPOSITION: CONTENT_DISPOSITION}
# A resource just created: where it is.
CREATED_HEADERS = {LOCATION: LOCATION}
# The headers every read's 200 carries (caching.add_validators), but a figure's own, which carries its FigureETag.
VALIDATOR_HEADERS = (ETAG, LAST_MODIFIED, CACHE_CONTROL, VARY)

# The API: what check_request guards (bodies, NUL characters, read keys).
API_PREFIX = "/v1/"
# The paths the limiter counts (limits.py: everything under /v1/; the probes and the docs never).
RATE_LIMITED_PREFIX = "/v1/"
# Every operation under /v1/ uses the database before its answer is known: a read asks the data version for its
# ETag first (caching.check_cache) or queries in its view, a write looks up its API key (auth.requires) first.
DATABASE_PREFIX = "/v1/"

_DEFAULTS = Settings()
_READS = parse_limit(_DEFAULTS.rate_limit_reads)
_EXAMPLE_PATH = "/v1/figures"
# The 406 a list of figures answers to `Accept: text/html` alone (a browser also sends */*, which is served).
_REFUSED = refusal(FIGURE_FORMATS, "text/html")


_POSITION_PATTERN = r"^[0-9A-Fa-f]{1,8}/[0-9A-Fa-f]{1,8}$"
_CONSISTENCY_EXAMPLE = "0/1A2B3C4D"
# Reads take a write's consistency token back in a request header of the same name.
CONSISTENCY_PARAMETER = {
    "in": "header",
    "name": CONSISTENCY_HEADER,
    "required": False,
    "description": (
        "Read your own writes: the Tally-Consistency header of a write's response, sent back as it came. The read "
        "is then served by a server that has replayed that write (the primary, or a replica caught up with it), "
        "never by one behind it. Without it, a read may come from a replica up to MAX_REPLICA_LAG_MS behind. "
        "Malformed: 400 naming this header."
    ),
    "schema": {"type": "string", "pattern": _POSITION_PATTERN},
    "example": _CONSISTENCY_EXAMPLE,
}


def statuses_for(path: str, method: str) -> tuple[int, ...]:
    """The statuses an operation can answer beyond its own: to a read under /v1/, 304 when the client's copy is
    current (every such read is validated) and 401 for a key that is missing where reads need one, or dead or
    malformed (a key sent is checked even where reads are public; any live key may read, so never 403); to
    anything under /v1/, 400 for a query parameter it does not read; to a write, also 400, 413 and 415 for a body
    it cannot read (app.check_request); 406 where Accept is negotiated; 422
    to anything under /v1/ with a NUL character in its query or path (app.refuse_nul); 429 where a limit counts
    it, 503 and 504 where it uses the database (the statement timeout applies to every statement, reads and
    writes alike)."""
    statuses: list[int] = []
    if method == "get" and path.startswith(caching.VALIDATED_PREFIX):
        statuses += [304, 401]
    if path.startswith(API_PREFIX):
        statuses.append(400)  # a query parameter the operation does not read (app.refuse_unread_query)
    if method != "get" and path.startswith(API_PREFIX):
        statuses += [413, 415]
    if path.startswith(NEGOTIATED_PREFIX):
        statuses.append(406)
    if path.startswith(API_PREFIX):
        statuses.append(422)
    if path.startswith(RATE_LIMITED_PREFIX):
        statuses.append(429)
    if path.startswith(DATABASE_PREFIX):
        statuses += [503, 504]
    return tuple(statuses)


_ABSENT = (
    " Sent on every response under /v1/ (successes and errors alike) while rate limits are on (the default);"
    " absent when the server runs with RATE_LIMITS_ENABLED=false, and on /healthz, /readyz and the docs,"
    " which are never limited."
)
_POLICIES = (
    f"`reads` (GET and HEAD, RATE_LIMIT_READS, by default {_DEFAULTS.rate_limit_reads}), "
    f"`writes` (POST, PATCH, PUT and DELETE, RATE_LIMIT_WRITES, by default {_DEFAULTS.rate_limit_writes}) "
    f"or `failed-auth` (requests answered 401 or 403, counted per client address whatever the key, "
    f"RATE_LIMIT_FAILED_AUTH, by default {_DEFAULTS.rate_limit_failed_auth})"
)

HEADERS: dict[str, dict[str, Any]] = {
    ETAG: {
        "description": (
            "A weak validator of this exact answer, which moves on whenever any data changes. Keep it with your "
            "copy and send it back as If-None-Match: a 304 with no body means your copy is still current."
        ),
        "required": True,
        "schema": {"type": "string", "pattern": r'^W/"\d+-[0-9a-f]{16}"$'},
        "example": 'W/"14-2bd0b1f05c3a9e47"',
    },
    FIGURE_ETAG: {
        "description": (
            'The figure\'s version and a digest of its body (`"v3-5f1c07a2"`): the value If-Match takes to change '
            "it (the version alone will do), and If-None-Match to revalidate a copy (304 while the body served is "
            "unchanged; a rename of the figure's source, document or places changes it too)."
        ),
        "required": True,
        "schema": {"type": "string", "pattern": r'^"v\d+-[0-9a-f]{8}"$'},
        "example": EXAMPLE_FIGURE_ETAG,
    },
    LAST_MODIFIED: {
        "description": (
            "When any data last changed (RFC 9110 HTTP-date). Sent back as If-Modified-Since, it gets a 304 "
            "while nothing has changed since."
        ),
        "required": True,
        "schema": {"type": "string", "pattern": r"^[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} GMT$"},
        "example": "Sat, 26 Nov 2016 10:00:00 GMT",
    },
    CACHE_CONTROL: {
        "description": (
            "`no-cache`: keep a copy, but revalidate it (If-None-Match) before each use. `private, no-cache` when "
            "the server requires a key to read (REQUIRE_READ_KEY=true), so that no shared cache keeps it."
        ),
        "required": True,
        "schema": {"type": "string", "enum": ["no-cache", "private, no-cache"]},
        "example": "no-cache",
    },
    VARY: {
        "description": "The answer depends on these request headers (Accept chooses JSON or CSV).",
        "required": True,
        "schema": {"type": "string", "const": "Accept, Authorization"},
        "example": "Accept, Authorization",
    },
    LINK: {
        "description": (
            "The next page (RFC 8288), `<URL>; rel=\"next\"`: the same URL as the body's `next`, the request's "
            "parameters with the cursor of the next page. Absent on the last page."
        ),
        "schema": {"type": "string", "pattern": r'^<[^>]+>; rel="next"$'},
        "example": f'<http://127.0.0.1:8000/v1/figures?limit=5&cursor={encode_cursor(5)}>; rel="next"',
    },
    LOCATION: {
        "description": "The path of the resource just created, to read it again.",
        "required": True,
        "schema": {"type": "string", "pattern": "^/v1/"},
        "example": "/v1/figures/14",
    },
    RATE_LIMIT_POLICY: {
        "description": (
            'The limit this response is counted against (draft-ietf-httpapi-ratelimit-headers): `"name";q=Q;w=W`, '
            f"where name is {_POLICIES}, Q the number of requests allowed in any window of W seconds (a moving "
            "window). Requests count per API key once the key has been verified, else per client address. Of the "
            "limits that apply to a request, the one it broke is named, else the one with the shortest window "
            "(reads or writes, with the default windows)." + _ABSENT
        ),
        "schema": {"type": "string", "pattern": r'^"(reads|writes|failed-auth)";q=\d+;w=\d+$'},
        "example": f'"reads";q={_READS.amount};w={_READS.get_expiry()}',
    },
    RATE_LIMIT: {
        "description": (
            'Where the client stands against that limit: `"name";r=R;t=T`, where name is the policy of '
            "RateLimit-Policy, R the requests left in the current window (0 once it is used up) and T the seconds "
            "until the oldest request counted leaves the window, freeing room for another." + _ABSENT
        ),
        "schema": {"type": "string", "pattern": r'^"(reads|writes|failed-auth)";r=\d+;t=\d+$'},
        "example": f'"reads";r={_READS.amount - 1};t={_READS.get_expiry()}',
    },
    CONTENT_DISPOSITION: {
        "description": (
            'With CSV only: `attachment; filename="<name>.csv"`, so that a browser saves the file under the name '
            "of what it holds (the collection, or the import's report)."
        ),
        "schema": {"type": "string", "pattern": r'^attachment; filename="[a-z0-9-]+\.csv"$'},
        "example": 'attachment; filename="civilians-killed.csv"',
    },
    WWW_AUTHENTICATE: {
        "description": (
            'The scheme to authenticate with (RFC 6750): `Bearer realm="tally"`, with `error="invalid_token"` for '
            'a key Tally does not know or has revoked, `error="insufficient_scope"` for a key without the scope '
            "the operation needs."
        ),
        "required": True,
        "schema": {
            "type": "string",
            "pattern": r'^Bearer realm="tally"(, error="(invalid_token|insufficient_scope)")?$',
        },
        "example": 'Bearer realm="tally"',
    },
    TALLY_SERVER: {
        "description": (
            "Which database server answered: `primary`, or `replica-N`, the Nth of DATABASE_REPLICA_URLS (reads go "
            "to a replica caught up within MAX_REPLICA_LAG_MS, else to the primary; writes always to the primary). "
            "The server's log says it too."
        ),
        "schema": {"type": "string", "pattern": r"^(primary|replica-[1-9][0-9]*)$"},
        "example": "primary",
    },
    TALLY_CONSISTENCY: {
        "description": (
            "The consistency token of this write: the primary's WAL position once it had committed. Send it back "
            f"in the {CONSISTENCY_HEADER} request header of the reads that must see this write (read your own "
            "writes): they are served by a server that has replayed it. Opaque: compare nothing, just send it back. "
            "Absent only when the database became unreachable just after the commit."
        ),
        "schema": {"type": "string", "pattern": _POSITION_PATTERN},
        "example": _CONSISTENCY_EXAMPLE,
    },
    RETRY_AFTER: {
        "description": (
            "Seconds to wait before sending the request again (RFC 9110, delay-seconds): on 429, until the limit "
            "lets one more request through; on 503, a fixed 5 s."
        ),
        "required": True,
        "schema": {"type": "integer", "minimum": 1},
        "example": 5,
    },
}


def _problem(status: int, title: str, detail: str, **members: Any) -> dict[str, Any]:
    """A problem document as errors.problem() sends it."""
    body = {"type": "about:blank", "title": title, "status": status, "detail": detail, "instance": _EXAMPLE_PATH}
    return body | members


def _field_problem(status: int, title: str, where: str, field: str, message: str) -> dict[str, Any]:
    """A problem about one field, as errors.problem() sends it."""
    errors = [{"in": where, "field": field, "messages": [message]}]
    detail = f"Unknown query parameter(s): {field}." if status == 400 else f"{field}: {message}"
    return _problem(status, title, detail, errors=errors)


# Status -> the response's description, its headers (beyond the rate-limit ones) and an example body, if it has one.
RESPONSES: dict[int, dict[str, Any]] = {
    304: {
        "description": (
            "Not modified: the copy the client holds is current (its ETag matched If-None-Match, or nothing "
            "changed since If-Modified-Since). No body."
        ),
        "headers": (),
    },
    400: {
        "description": (
            "Bad request: a query parameter the operation does not take (named in `errors`), one that takes a "
            "single value given twice, a cursor Tally did not issue, a body that is not JSON or that reads two "
            "ways (nested too deeply, a number of thousands of digits, a key given twice), an Idempotency-Key "
            "that is not 1 to 255 visible characters, an empty upload, or a read's Tally-Consistency that is not "
            "a write's consistency token. Nothing was changed."
        ),
        "headers": (),
        "example": _field_problem(400, "Unknown query parameter", "query", "locaton", "Unknown field."),
    },
    401: {
        "description": (
            "No API key, or a key Tally does not know or has revoked (WWW-Authenticate says which): send "
            "`Authorization: Bearer <key>`. Writes always need a key; reads need one when the server runs with "
            "REQUIRE_READ_KEY=true, and a key sent with any read is checked. Counted against the failed-auth rate "
            "limit."
        ),
        "headers": (WWW_AUTHENTICATE,),
        "example": _problem(401, "Unauthorized", "Send an API key as `Authorization: Bearer <key>`."),
    },
    403: {
        "description": (
            "The key lacks the scope the operation needs (read, then write, then admin: each includes the ones "
            "before it). Counted against the failed-auth rate limit."
        ),
        "headers": (WWW_AUTHENTICATE,),
        "example": _problem(403, "Forbidden", "This operation needs a key with scope 'write'; this key has 'read'."),
    },
    413: {
        "description": (
            f"The body is larger than the limit: MAX_BODY_BYTES (by default {_DEFAULTS.max_body_bytes} bytes), or "
            f"MAX_IMPORT_BYTES for an upload (by default {_DEFAULTS.max_import_bytes}), however it is sent "
            "(a chunked body is never cut and used). Nothing was changed."
        ),
        "headers": (),
        "example": _problem(
            413, "Content too large", f"The request body is larger than the limit of {_DEFAULTS.max_body_bytes} bytes."
        ),
    },
    415: {
        "description": (
            "The body is not of the media type the operation takes: application/json (text/csv for an upload). "
            "Nothing was changed."
        ),
        "headers": (),
        "example": _problem(415, "Unsupported media type", "Send the body as application/json, not text/plain."),
    },
    422: {
        "description": (
            "A value Tally cannot use, each named with what it accepts (`errors`): out of range, of the wrong "
            "type, naming nothing Tally has, or holding a NUL character (in any query parameter or path "
            "segment). Nothing was changed."
        ),
        "headers": (),
        "example": _field_problem(422, "Unprocessable Entity", "query", "limit", "Must be between 1 and 500."),
    },
    406: {
        "description": (
            "Not acceptable: the Accept header allows none of the media types the operation answers in, which "
            "`offered` lists (a list of figures or places also takes `format`, which wins over Accept). No "
            "Accept, or `*/*`, is always served: in JSON where the operation answers in it. "
            "Errors are problem+json whatever Accept says."
        ),
        "headers": (),
        "example": _problem(406, NotAcceptable.title, str(_REFUSED.detail)) | _REFUSED.extra,
    },
    429: {
        "description": (
            "Too many requests: this client (its API key, else its address) is over a rate limit; RateLimit-Policy "
            "names which (an address over the failed-auth limit is refused every request until it is under it again). "
            "Wait Retry-After seconds. Never sent when the server runs with RATE_LIMITS_ENABLED=false."
        ),
        "headers": (RETRY_AFTER,),
        "example": _problem(429, "Too many requests", f"Over the limit of {_READS}; try again in 42 s."),
    },
    503: {
        "description": (
            "The database is unreachable, or no connection became free within POOL_TIMEOUT_MS (by default "
            f"{_DEFAULTS.pool_timeout_ms} ms). Send the request again after Retry-After seconds."
        ),
        "headers": (RETRY_AFTER,),
        "example": _problem(503, "Service unavailable", "The database is busy or unreachable; try again shortly."),
    },
    504: {
        "description": (
            "Query too expensive: a statement ran past the statement timeout (STATEMENT_TIMEOUT_MS, by default "
            f"{_DEFAULTS.statement_timeout_ms} ms) and was cancelled, its transaction rolled back. Most often a broad "
            "read, whose problem is the example. A write meets it waiting behind a lock that another transaction "
            "holds too long (an import); nothing changed, and its detail says so: "
            f'"{timeout_detail(_DEFAULTS.statement_timeout_ms, write=True)}" No Retry-After: the same read is '
            "likely to take as long again, and how long a lock is held cannot be told."
        ),
        "headers": (),
        "example": _problem(504, "Query too expensive", timeout_detail(_DEFAULTS.statement_timeout_ms, write=False)),
    },
}


def register_headers(components: Any) -> None:
    """Declare the headers once (components.headers), for responses to reference by name."""
    for name, header in HEADERS.items():
        components.header(name, header)


def header_refs(*names: str) -> dict[str, str]:
    """A response's headers as references to the components (apispec resolves a name to a $ref)."""
    return {name: name for name in names}


def response_fields(status: int) -> dict[str, Any]:
    """Description, headers and example of one of RESPONSES, as a response component (before its schema)."""
    response = RESPONSES[status]
    fields = {"description": response["description"], "headers": header_refs(*response["headers"], *RATE_LIMIT_HEADERS)}
    return fields | ({"example": response["example"]} if "example" in response else {})


# The request headers of a conditional read (RFC 9110, section 13.1), on every operation that may answer 304.
CONDITIONAL_PARAMETERS = (
    {
        "in": "header",
        "name": "If-None-Match",
        "description": "The ETag of your copy (several, comma-separated, or `*`): a 304 with no body while it is "
        "still current. Decides alone when sent with If-Modified-Since.",
        "schema": {"type": "string"},
        "example": 'W/"14-2bd0b1f05c3a9e47"',
    },
    {
        "in": "header",
        "name": "If-Modified-Since",
        "description": "The Last-Modified of your copy (an HTTP-date): a 304 while nothing changed since. A value "
        "that is not an HTTP-date is ignored, as RFC 9110 says.",
        "schema": {"type": "string"},
        "example": "Sat, 26 Nov 2016 10:00:00 GMT",
    },
)


class OperationalResponses(BasePlugin):
    """Add to every operation the responses of statuses_for, and the rate-limit headers to the responses it
    documents inline (its successes; its error responses are components, which carry them already); to a read's
    200 the validators caching.add_validators sends.

    A response documented inline without a description (a view's own `responses` doc replaces flask-smorest's,
    description and all) gets its status phrase, as flask-smorest gives its own: OpenAPI requires one.
    """

    def operation_helper(
        self, path: str | None = None, operations: dict[str, Any] | None = None, rule: Rule | None = None, **_: Any
    ) -> None:
        for method, operation in (operations or {}).items():
            statuses = statuses_for(path or "", method)
            responses: dict[Any, Any] = operation.setdefault("responses", {})
            validated = caching.sends_validators(method.upper(), path or "", rule.endpoint if rule else None)
            for code, response in responses.items():
                if not isinstance(response, dict):  # a reference to a component
                    continue
                if str(code).isdigit():
                    response.setdefault("description", HTTPStatus(int(code)).phrase)
                if validated and str(code) == "200":
                    response.setdefault("headers", {}).update(header_refs(*VALIDATOR_HEADERS))
                if str(code).startswith("2") and (path or "").startswith(DATABASE_PREFIX):
                    response.setdefault("headers", {}).update(header_refs(*_server_headers(method)))
                if 429 in statuses:
                    response.setdefault("headers", {}).update(header_refs(*RATE_LIMIT_HEADERS))
            documented = {str(code) for code in responses}
            for status in statuses:
                if str(status) not in documented:
                    responses[str(status)] = HTTPStatus(status).name  # the component, named as flask-smorest does
            if 304 in statuses:
                operation.setdefault("parameters", []).extend(CONDITIONAL_PARAMETERS)
            if method == "get" and path and path.startswith(API_PREFIX):
                # A key is optional on reads (limits count per key), and needed with REQUIRE_READ_KEY=true.
                operation.setdefault("security", [{}, {"bearerAuth": []}])
                operation.setdefault("parameters", []).append(dict(CONSISTENCY_PARAMETER))


def _server_headers(method: str) -> tuple[str, ...]:
    """The headers of a success that used the database: who served it and, after a write, its token."""
    return (TALLY_SERVER,) if method == "get" else (TALLY_SERVER, TALLY_CONSISTENCY)
