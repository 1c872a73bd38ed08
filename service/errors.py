"""Domain errors, and the one mapping of every error to application/problem+json (RFC 9457)."""
from __future__ import annotations

import logging

import orjson
from flask import Flask, Response, request
from werkzeug.exceptions import HTTPException

PROBLEM_JSON = "application/problem+json"
log = logging.getLogger(__name__)


class TallyError(Exception):
    """The request cannot be served."""

    status = 400
    title = "Bad request"

    def __init__(self, detail: str | None = None, *, errors: list[dict] | None = None):
        super().__init__(detail or self.__doc__)
        self.detail = detail or self.__doc__
        self.errors = errors


class NotFound(TallyError):
    """No resource with that identifier."""

    status = 404
    title = "Not found"


class InvalidParameter(TallyError):
    """A query parameter has a value Tally cannot use."""

    status = 422
    title = "Invalid parameter"

    def __init__(self, field: str, message: str):
        super().__init__(f"{field}: {message}", errors=[{"in": "query", "field": field, "messages": [message]}])


class UnknownParameters(TallyError):
    """The request has query parameters this endpoint does not accept."""

    title = "Unknown query parameter"


def problem(status: int, title: str, detail: str, *, errors: list[dict] | None = None,
            headers: dict | None = None) -> Response:
    """The one error response shape of Tally."""
    body = {"type": "about:blank", "title": title, "status": status, "detail": detail,
            "instance": request.path}
    if errors:
        body["errors"] = errors
    return Response(orjson.dumps(body), status=status, mimetype=PROBLEM_JSON, headers=headers)


def _field_errors(messages: dict) -> list[dict]:
    """webargs' {location: {field: [messages]}} as a flat list of field errors."""
    errors = []
    for location, fields in messages.items():
        for field, field_messages in fields.items():
            if isinstance(field_messages, dict):  # per-item messages of a list parameter
                field_messages = [msg for item in field_messages.values() for msg in item]
            errors.append({"in": location, "field": field, "messages": list(field_messages)})
    return errors


def _unknown_query_parameters(errors: list[dict]) -> list[str]:
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
        detail = "; ".join(f"{e['field']}: {' '.join(e['messages'])}" for e in errors)
    return problem(error.code or 500, error.name, detail, errors=errors or None, headers=headers)


def register_error_handlers(app: Flask) -> None:
    """Every error leaves Tally as a problem document, never as a stack trace."""

    @app.errorhandler(TallyError)
    def _tally_error(error: TallyError) -> Response:
        return problem(error.status, error.title, error.detail, errors=error.errors)

    @app.errorhandler(Exception)
    def _unexpected(error: Exception) -> Response:
        if isinstance(error, HTTPException):
            return http_problem(error)
        log.exception("unhandled error on %s %s", request.method, request.path)
        return problem(500, "Internal server error", "The server failed to handle this request; it has been logged.")
