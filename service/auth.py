"""API keys: issuing them, and checking them on requests."""
from __future__ import annotations

import functools
import hashlib
import re
import secrets
from collections.abc import Callable

from flask import g, request

from .api import Blueprint, connection
from .errors import Forbidden, InvalidKey, Unauthorized
from .repositories import api_keys

SCOPES = ("read", "write", "admin")
TOKEN_PREFIX = "tally_"
_BEARER = re.compile(r"^Bearer ([A-Za-z0-9_-]{20,200})$")


def new_token() -> str:
    """A fresh API key: 256 random bits, recognisable by its prefix."""
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


def token_hash(token: str) -> bytes:
    """What the database stores instead of the token."""
    return hashlib.sha256(token.encode()).digest()


def _grants(held: str, needed: str) -> bool:
    """Scopes nest: admin can do what write can, write what read can."""
    return SCOPES.index(held) >= SCOPES.index(needed)


def current_key(needed: str) -> dict:
    """The request's API key, checked for the scope needed; raises 401 or 403."""
    header = request.headers.get("Authorization")
    if not header:
        raise Unauthorized()
    match = _BEARER.match(header)
    if not match:
        raise Unauthorized("The Authorization header must be `Bearer <key>`.")
    with connection() as conn:
        key = api_keys.find_key(conn, token_hash=token_hash(match.group(1)))
    if key is None or key["revoked_at"] is not None:
        raise InvalidKey()
    if not _grants(key["scope"], needed):
        raise Forbidden(f"This operation needs a key with scope {needed!r}; this key has {key['scope']!r}.")
    g.api_key = key
    return key


def requires(scope: str) -> Callable:
    """Decorate a view: it runs only for a key with this scope, and the docs say so."""

    def decorator(view: Callable) -> Callable:
        @functools.wraps(view)
        def checked(*args, **kwargs):
            current_key(scope)
            return view(*args, **kwargs)

        return Blueprint.doc(
            security=[{"bearerAuth": []}],
            responses={"401": "UNAUTHORIZED", "403": "FORBIDDEN"},
        )(checked)

    return decorator
