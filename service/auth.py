"""API keys: scopes, issuing tokens and what the database stores of them (no HTTP here: see api/auth.py)."""

from __future__ import annotations

import hashlib
import re
import secrets

SCOPES = ("read", "write", "admin")
TOKEN_PREFIX = "tally_"
# The scheme name is case-insensitive (RFC 9110, section 11.1); the key is not.
_BEARER = re.compile(r"^[Bb][Ee][Aa][Rr][Ee][Rr] +([A-Za-z0-9_-]{20,200})$")


def bearer_token(header: str | None) -> str | None:
    """The key an Authorization header carries as `Bearer <key>`, or None if it carries none well-formed."""
    match = _BEARER.match(header or "")
    return match.group(1) if match else None


def new_token() -> str:
    """A fresh API key: 256 random bits, recognisable by its prefix."""
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


def token_hash(token: str) -> bytes:
    """What the database stores instead of the token."""
    return hashlib.sha256(token.encode()).digest()


def grants(held: str, needed: str) -> bool:
    """Scopes nest: admin can do what write can, write what read can."""
    return SCOPES.index(held) >= SCOPES.index(needed)
