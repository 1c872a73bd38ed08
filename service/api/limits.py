"""Rate limits (Flask-Limiter): per API key, else per client address; writes and failed authentications tighter.

A request counts against its API key once the key has been verified by this
process (a hash kept in memory), else against its address: a made-up token
earns no bucket of its own. Every response says where the client stands with
the IETF draft's headers (RateLimit-Policy, RateLimit); a request over a limit
is a 429 problem with Retry-After.
"""

from __future__ import annotations

import hashlib
import math
import time

from flask import Flask, Response, current_app, g, request
from flask_limiter import ApplicationLimit, Limiter, RateLimitExceeded, RequestLimit
from flask_limiter.util import get_remote_address
from werkzeug.wrappers import Response as BaseResponse

from ..auth import bearer_token
from ..config import Settings
from ..errors import problem

LIMITER_KEY = "tally.limiter"
VERIFIED_KEYS = "tally.verified_keys"
WRITE_METHODS = ("POST", "PATCH", "PUT", "DELETE")


def _token_digest() -> str | None:
    token = bearer_token(request.headers.get("Authorization"))
    return hashlib.sha256(token.encode()).hexdigest() if token else None


def remember_verified_key() -> None:
    """Count this request's key as a bucket of its own from now on (called once the key is verified)."""
    digest = _token_digest()
    if digest:
        current_app.extensions[VERIFIED_KEYS].add(digest)


def client_key() -> str:
    """The bucket a request counts in: its API key if verified, else the client's address."""
    digest = _token_digest()
    if digest and digest in current_app.extensions[VERIFIED_KEYS]:
        return f"key:{digest[:16]}"
    return f"address:{get_remote_address()}"


def seconds_left(reset_at: float, window: int, now: float) -> int:
    """Whole seconds until the window resets, never more than the window: the storage rounds its expiry up to the
    next second, which showed t=61 for a 60-second window."""
    return min(window, max(0, math.ceil(reset_at - now)))


def _too_many(limit: RequestLimit) -> Response:
    wait = max(1, seconds_left(limit.reset_at, limit.limit.get_expiry(), time.time()))
    return problem(
        429,
        "Too many requests",
        f"Over the limit of {limit.limit}; try again in {wait} s.",
        headers={"Retry-After": str(wait)},
    )


def _failed_authentication(response: Response) -> bool:
    return response.status_code in (401, 403)


def _cannot_be_guessing_a_key() -> bool:
    """Whether the failed-authentication limit leaves this request alone: it sends no key, or one this process has
    verified. That limit counts per address, and many clients share one (a newsroom behind NAT): one of them
    guessing keys must not stop the others' anonymous reads or known keys."""
    digest = _token_digest()
    return digest is None or digest in current_app.extensions[VERIFIED_KEYS]


def init_limits(app: Flask, settings: Settings) -> None:
    """Limit every request to the API; health probes and the docs are never limited."""
    app.extensions[VERIFIED_KEYS] = set()
    limiter = Limiter(
        client_key,
        app=app,
        application_limits=[
            ApplicationLimit(settings.rate_limit_reads, scope="reads", methods=["GET", "HEAD"]),
            ApplicationLimit(settings.rate_limit_writes, scope="writes", methods=list(WRITE_METHODS)),
            ApplicationLimit(
                settings.rate_limit_failed_auth,
                scope="failed-auth",
                key_function=get_remote_address,
                deduct_when=_failed_authentication,
                exempt_when=_cannot_be_guessing_a_key,
            ),
        ],
        storage_uri=settings.rate_limit_storage_uri,
        strategy="moving-window",
        headers_enabled=False,
        on_breach=_too_many,
        enabled=settings.rate_limits_enabled,
    )
    limiter.request_filter(_not_the_api)
    app.extensions[LIMITER_KEY] = limiter
    app.after_request(add_rate_limit_headers)
    app.register_error_handler(RateLimitExceeded, _limit_exceeded)


def _not_the_api() -> bool:
    """Health probes and the docs are never limited: an orchestrator must always reach them."""
    return not request.path.startswith("/v1/")


def _limit_exceeded(error: RateLimitExceeded) -> BaseResponse:
    return error.get_response()  # the problem _too_many made


def _policy(limit: RequestLimit) -> str:
    """The limit's name in the headers: its scope (reads, writes, failed-auth)."""
    return next((part for part in limit.key.split("/") if part in ("reads", "writes", "failed-auth")), "api")


def keep_current_limit() -> None:
    """Before a request runs again (api.retry_elsewhere): the limiter counts it once, so the run again applies no
    limit of its own, and its headers must come from the first run's."""
    g.tally_rate_limit = current_app.extensions[LIMITER_KEY].current_limit


def add_rate_limit_headers(response: Response) -> Response:
    """RateLimit-Policy and RateLimit (draft-ietf-httpapi-ratelimit-headers) for the tightest limit applied."""
    limit = current_app.extensions[LIMITER_KEY].current_limit or g.get("tally_rate_limit")
    if limit is not None:
        name, reset = _policy(limit), seconds_left(limit.reset_at, limit.limit.get_expiry(), time.time())
        response.headers["RateLimit-Policy"] = f'"{name}";q={limit.limit.amount};w={limit.limit.get_expiry()}'
        response.headers["RateLimit"] = f'"{name}";r={max(0, limit.remaining)};t={reset}'
    return response
