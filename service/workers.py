"""Tally's gunicorn workers: gunicorn's own, answering what they refuse as problem+json.

gunicorn refuses some requests before the application sees them: a request
line over 4,094 bytes (414), too many or too large header fields (431), a
malformed request (400), an unknown transfer coding (501). Its own answer is
an HTML page; a client of Tally reads application/problem+json for every
error, so these workers write the same problem document the application does.

GeventWorker also lets psycopg wait through gevent (see wait_cooperatively in
service/db.py): the reason to choose it is in service/server.py.
"""

from __future__ import annotations

from typing import Any

import orjson
from gunicorn import util
from gunicorn.http import errors
from gunicorn.workers.ggevent import GeventWorker as _GeventWorker
from gunicorn.workers.gthread import ThreadWorker as _ThreadWorker
from gunicorn.workers.sync import SyncWorker as _SyncWorker

from . import db
from .errors import PROBLEM_JSON

# What gunicorn answers, by the request's fault; every other parse error is a 400.
REFUSALS: tuple[tuple[type[Exception], int, str], ...] = (
    (errors.LimitRequestLine, 414, "URI Too Long"),
    (errors.LimitRequestHeaders, 431, "Request Header Fields Too Large"),
    (errors.UnsupportedTransferCoding, 501, "Not Implemented"),
    (errors.ExpectationFailed, 417, "Expectation Failed"),
)
DETAILS = {
    414: "The request line is longer than the server accepts (4,094 bytes): "
    "send fewer or shorter query parameters, or page with the cursor.",
    431: "The request's header fields are too many or too large.",
}


def refusal(exc: BaseException) -> tuple[int, str, str] | None:
    """The status, reason and detail for a request gunicorn could not parse; None for other errors."""
    for kind, status, reason in REFUSALS:
        if isinstance(exc, kind):
            return status, reason, DETAILS.get(status, str(exc))
    if isinstance(exc, errors.ParseException):
        return 400, "Bad Request", f"The request could not be parsed: {exc}"
    return None


def problem_response(status: int, reason: str, detail: str) -> bytes:
    """A whole HTTP response carrying the problem document; the connection is closed after it."""
    body = orjson.dumps({"type": "about:blank", "title": reason, "status": status, "detail": detail})
    head = (
        f"HTTP/1.1 {status} {reason}\r\nConnection: close\r\nContent-Type: {PROBLEM_JSON}\r\n"
        f"Content-Length: {len(body)}\r\n\r\n"
    )
    return head.encode("latin-1") + body


class ProblemRefusals:
    """Mixed into a gunicorn worker: requests it cannot parse get problem+json, not HTML."""

    log: Any

    def handle_error(self, req: Any, client: Any, addr: Any, exc: BaseException) -> None:
        refused = refusal(exc)
        if refused is None:
            super().handle_error(req, client, addr, exc)  # type: ignore[misc]
            return
        status, reason, detail = refused
        self.log.warning("Refused a request from %s: %s %s", (addr or ("",))[0], status, exc)
        try:
            util.write_nonblock(client, problem_response(status, reason, detail))
        except OSError:
            self.log.debug("Could not send the refusal.")


class ThreadWorker(ProblemRefusals, _ThreadWorker):
    """gunicorn's gthread worker."""


class SyncWorker(ProblemRefusals, _SyncWorker):
    """gunicorn's sync worker."""


class GeventWorker(ProblemRefusals, _GeventWorker):
    """gunicorn's gevent worker, with psycopg waiting through gevent."""

    def patch(self) -> None:
        super().patch()
        db.wait_cooperatively()


WORKERS = {"gevent": GeventWorker, "gthread": ThreadWorker, "sync": SyncWorker}
