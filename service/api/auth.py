"""API keys on requests: the Authorization header checked, and views that need a scope."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, ParamSpec, TypeVar

from flask import g, request

from ..auth import bearer_token, grants, token_hash
from ..errors import Forbidden, InvalidKey, Unauthorized
from ..replicas import REPLICA
from ..repositories import api_keys
from . import Blueprint, connection, primary_connection, request_server
from .limits import remember_verified_key


def current_key(needed: str) -> dict[str, Any]:
    """The request's API key, checked for the scope needed; raises 401 or 403."""
    header = request.headers.get("Authorization")
    if not header:
        raise Unauthorized()
    token = bearer_token(header)
    if token is None:
        raise Unauthorized("The Authorization header must be `Bearer <key>`.")
    with connection() as conn:
        key = api_keys.find_key(conn, token_hash=token_hash(token))
    if key is None and request_server().role == REPLICA:
        # A key made moments ago may not have reached the replica yet. (One revoked moments ago still works there
        # for as long: up to MAX_REPLICA_LAG_MS.)
        with primary_connection() as conn:
            key = api_keys.find_key(conn, token_hash=token_hash(token))
    if key is None or key["revoked_at"] is not None:
        raise InvalidKey()
    if not grants(key["scope"], needed):
        raise Forbidden(f"This operation needs a key with scope {needed!r}; this key has {key['scope']!r}.")
    g.api_key = key
    remember_verified_key()
    return key


_P = ParamSpec("_P")
_R = TypeVar("_R")


def requires(scope: str) -> Callable[[Callable[_P, _R]], Callable[_P, _R]]:
    """Decorate a view: it runs only for a key with this scope, and the docs say so."""

    def decorator(view: Callable[_P, _R]) -> Callable[_P, _R]:
        @functools.wraps(view)
        def checked(*args: _P.args, **kwargs: _P.kwargs) -> _R:
            current_key(scope)
            return view(*args, **kwargs)

        return Blueprint.doc(
            security=[{"bearerAuth": []}],
            responses={"401": "UNAUTHORIZED", "403": "FORBIDDEN"},
        )(checked)

    return decorator
