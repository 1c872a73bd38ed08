"""Domain errors, and the one mapping of every error to application/problem+json (RFC 9457)."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any, ClassVar

import orjson
from flask import Flask, Response, current_app, request
from werkzeug.exceptions import HTTPException

from .db import ConstraintViolation, DatabaseUnavailable, QueryTooExpensive

PROBLEM_JSON = "application/problem+json"
log = logging.getLogger(__name__)


class TallyError(Exception):
    """The request cannot be served."""

    status = 400
    title = "Bad request"
    headers: ClassVar[Mapping[str, str]] = {}

    def __init__(self, detail: str | None = None, *, errors: list[dict[str, Any]] | None = None, **extra: Any) -> None:
        super().__init__(detail or self.__doc__)
        self.detail = detail or self.__doc__
        self.errors = errors
        # Members added to the problem document, e.g. a link to the existing figure.
        self.extra = extra


class NotFound(TallyError):
    """No resource with that identifier."""

    status = 404
    title = "Not found"


class InvalidParameter(TallyError):
    """A query parameter or body field has a value Tally cannot use."""

    status = 422
    title = "Invalid parameter"

    def __init__(self, field: str, message: str, *, where: str = "query") -> None:
        super().__init__(f"{field}: {message}", errors=[{"in": where, "field": field, "messages": [message]}])


class EmptyBody(TallyError):
    """The request body is empty."""

    status = 400
    title = "Empty body"


class Unauthorized(TallyError):
    """Send an API key as `Authorization: Bearer <key>`."""

    status = 401
    title = "Unauthorized"
    headers: ClassVar[Mapping[str, str]] = {"WWW-Authenticate": 'Bearer realm="tally"'}


class InvalidKey(Unauthorized):
    """The API key is unknown or revoked."""

    headers: ClassVar[Mapping[str, str]] = {"WWW-Authenticate": 'Bearer realm="tally", error="invalid_token"'}


class Forbidden(TallyError):
    """The API key lacks the scope this operation needs."""

    status = 403
    title = "Forbidden"
    headers: ClassVar[Mapping[str, str]] = {"WWW-Authenticate": 'Bearer realm="tally", error="insufficient_scope"'}


class UnsupportedMediaType(TallyError):
    """Send the body as application/json."""

    status = 415
    title = "Unsupported media type"


class PayloadTooLarge(TallyError):
    """The request body is larger than this endpoint accepts."""

    status = 413
    title = "Content too large"


class Conflict(TallyError):
    """The request conflicts with the current state of the resource."""

    status = 409
    title = "Conflict"


class PreconditionRequired(TallyError):
    """Send If-Match with the ETag of the version you are changing."""

    status = 428
    title = "Precondition required"


class PreconditionFailed(TallyError):
    """The resource changed since you read it: read it again and reapply your change."""

    status = 412
    title = "Precondition failed"


class UnprocessableEntity(TallyError):
    """The request is well-formed but cannot be applied."""

    status = 422
    title = "Unprocessable entity"


class UnknownParameters(TallyError):
    """The request has query parameters this endpoint does not accept."""

    title = "Unknown query parameter"


def problem(
    status: int,
    title: str,
    detail: str | None,
    *,
    errors: list[dict[str, Any]] | None = None,
    headers: Mapping[str, str] | None = None,
    extra: Mapping[str, Any] | None = None,
) -> Response:
    """The one error response shape of Tally."""
    body: dict[str, Any] = {
        "type": "about:blank",
        "title": title,
        "status": status,
        "detail": detail,
        "instance": request.path,
    }
    if errors:
        body["errors"] = errors
    body.update(extra or {})
    return Response(orjson.dumps(body), status=status, mimetype=PROBLEM_JSON, headers=headers)


def _field_errors(messages: dict[str, Any]) -> list[dict[str, Any]]:
    """webargs' {location: {field: [messages]}} as a flat list of field errors."""
    errors = []
    for location, fields in messages.items():
        if isinstance(fields, list):  # about the body as a whole, e.g. invalid JSON
            errors.append({"in": location, "field": None, "messages": list(fields)})
            continue
        for field, field_messages in fields.items():
            if isinstance(field_messages, dict):  # per-item messages of a list parameter
                field_messages = [msg for item in field_messages.values() for msg in item]
            errors.append({"in": location, "field": field, "messages": list(field_messages)})
    return errors


def _unknown_query_parameters(errors: list[dict[str, Any]]) -> list[str]:
    return [e["field"] for e in errors if e["in"] == "query" and e["messages"] == ["Unknown field."]]


def http_problem(error: HTTPException) -> Response:
    """Turn any HTTP error (Flask's, webargs' or flask-smorest's) into a problem."""
    data = getattr(error, "data", None) or {}
    headers = dict(error.get_headers(request.environ)) if error.code == 405 else {}
    headers.pop("Content-Type", None)
    errors = _field_errors(data.get("messages", {}))
    unknown = _unknown_query_parameters(errors)
    if unknown:
        detail = f"Unknown query parameter(s): {', '.join(sorted(unknown))}."
        return problem(400, UnknownParameters.title, detail, errors=errors)
    detail = error.description or error.name
    if errors:
        detail = "; ".join(
            f"{e['field']}: {' '.join(e['messages'])}" if e["field"] else " ".join(e["messages"]) for e in errors
        )
    return problem(error.code or 500, error.name, detail, errors=errors or None, headers=headers)


# Database rules, as a client should read them: constraint -> (field, message).
# Anything not listed still becomes a 409/422 naming the constraint.
CONSTRAINT_MESSAGES = {
    "figure_metric_id_fkey": ("metric", "Unknown metric (see /v1/metrics)."),
    "figure_location_id_fkey": ("location", "Unknown location (see /v1/locations)."),
    "figure_origin_id_fkey": ("origin", "Unknown location (see /v1/locations)."),
    "figure_destination_id_fkey": ("destination", "Unknown location (see /v1/locations)."),
    "figure_source_id_fkey": ("source", "Unknown source (see /v1/sources)."),
    "figure_document_id_fkey": ("document", "Unknown document (see /v1/documents)."),
    "figure_low_le_value": ("low", "low must not be greater than value."),
    "figure_value_le_high": ("high", "high must not be less than value."),
    "figure_period_order": ("period_end", "period_end must not be before period_start."),
    "figure_dispute_source_id_fkey": ("source", "Unknown source (see /v1/sources)."),
    "figure_dispute_document_id_fkey": ("document", "Unknown document (see /v1/documents)."),
    "figure_dispute_figure_id_source_id_stated_on_key": (
        "source",
        "This source already has a dispute of this figure on that date.",
    ),
    "source_pkey": ("id", "A source with this id exists already."),
    "location_pkey": ("id", "A location with this id exists already."),
    "location_pcode_key": ("pcode", "Another location has this p-code."),
    "location_parent_id_fkey": ("parent", "Unknown parent location (see /v1/locations)."),
    "document_publisher_id_fkey": ("publisher", "Unknown publisher (see /v1/sources)."),
    "location_area_not_administrative": ("areas", "An area must not be an administrative unit: make that the parent."),
    "location_containment_acyclic": ("parent", "That place lies inside this one: the containment would loop."),
    "document_natural_key": ("title", "This document (same title, publisher and date) exists already."),
}


def constraint_problem(error: ConstraintViolation) -> Response:
    """A broken database rule as a problem: 409 for duplicates, 422 for everything else."""
    field, message = CONSTRAINT_MESSAGES.get(error.constraint or "", (None, None))
    status, title = (409, "Conflict") if error.kind == "unique" else (422, "Unprocessable entity")
    if field is None:
        return problem(status, title, f"The request breaks the rule {error.constraint or error.kind}.")
    return problem(status, title, f"{field}: {message}", errors=[{"in": "json", "field": field, "messages": [message]}])


# Methods that change nothing: a timeout there is a read to narrow, elsewhere a write that was rolled back.
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def timeout_detail(timeout_ms: int, *, write: bool) -> str:
    """What a 504 tells the client to do: narrow a read; know that a write changed nothing and may be sent again."""
    if write:
        return (
            f"The write ran past the {timeout_ms} ms statement timeout and was rolled back: nothing changed. "
            "If it waited behind another transaction's lock (an import), send it again later; a large upload "
            "is better imported with `tally import`, which has no statement timeout."
        )
    return (
        f"The query ran past the {timeout_ms} ms statement timeout. "
        "Narrow it (location, from/to, source, metric, limit) or export in parts."
    )


def register_error_handlers(app: Flask) -> None:
    """Every error leaves Tally as a problem document, never as a stack trace."""

    @app.errorhandler(TallyError)
    def _tally_error(error: TallyError) -> Response:
        return problem(
            error.status, error.title, error.detail, errors=error.errors, headers=error.headers, extra=error.extra
        )

    app.register_error_handler(ConstraintViolation, constraint_problem)

    @app.errorhandler(DatabaseUnavailable)
    def _unavailable(error: DatabaseUnavailable) -> Response:
        log.warning("database unavailable on %s %s: %s", request.method, request.path, error)
        return problem(
            503,
            "Service unavailable",
            "The database is busy or unreachable; try again shortly.",
            headers={"Retry-After": "5"},
        )

    @app.errorhandler(QueryTooExpensive)
    def _too_expensive(error: QueryTooExpensive) -> Response:
        timeout = current_app.config["TALLY_SETTINGS"].statement_timeout_ms
        log.warning("statement timeout on %s %s", request.method, request.full_path)
        # No Retry-After: the same read would take as long again, and a write waits on a lock we cannot time.
        return problem(504, "Query too expensive", timeout_detail(timeout, write=request.method not in SAFE_METHODS))

    @app.errorhandler(Exception)
    def _unexpected(error: Exception) -> Response:
        if isinstance(error, HTTPException):
            return http_problem(error)
        log.exception("unhandled error on %s %s", request.method, request.path)
        return problem(500, "Internal server error", "The server failed to handle this request; it has been logged.")
