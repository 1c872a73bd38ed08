"""Who may write: every write operation in the OpenAPI document refuses the wrong credentials."""

from __future__ import annotations

import json

import pytest

from service.app import create_app
from service.cli import OPENAPI_FILE
from service.config import Settings
from tests.support import database_fingerprint, run_tally

WRITE_METHODS = ("post", "put", "patch", "delete")
# Values for path parameters: ids that exist in the seed data (the seed has no extraction: 1 names none).
PATH_VALUES = {
    "{figure_id}": "4",
    "{source_id}": "sohr",
    "{document_id}": "1",
    "{code}": "SY02",
    "{extraction_id}": "1",
    "{n}": "1",
}
# Write operations whose empty body is valid (no corrections): past authentication, the missing extraction is a 404.
EMPTY_BODY_VALID = {("post", "/v1/extractions/1/candidates/1/accept")}
# Write operations only an admin key may do; every other needs a write key.
ADMIN_OPERATIONS = {("post", "/v1/sources/sohr/aliases")}


def needed(method: str, url: str) -> str:
    return "admin" if (method, url) in ADMIN_OPERATIONS else "write"


def write_operations() -> list[tuple[str, str, str]]:
    """(method, url, body media type) of every write operation the OpenAPI document lists."""
    spec = json.loads(OPENAPI_FILE.read_text("utf-8"))
    operations = []
    for path, item in spec["paths"].items():
        for method in WRITE_METHODS:
            if method in item:
                url = path
                for placeholder, value in PATH_VALUES.items():
                    url = url.replace(placeholder, value)
                media_type = next(iter(item[method].get("requestBody", {}).get("content", {"application/json": 0})))
                operations.append((method, url, media_type))
    return operations


def send(client, method: str, url: str, media_type: str, headers: dict | None = None):
    """An empty body of the operation's own media type."""
    body = b"{}" if media_type == "application/json" else b"x"
    return getattr(client, method)(url, data=body, headers={"Content-Type": media_type} | (headers or {}))


def test_the_document_lists_the_write_operations():
    operations = [(method, url) for method, url, _ in write_operations()]
    assert ("post", "/v1/figures") in operations
    assert ("patch", "/v1/figures/4") in operations
    assert ("delete", "/v1/figures/4") in operations
    assert ("post", "/v1/imports") in operations
    assert len(operations) >= 15


@pytest.mark.parametrize(("method", "url", "media_type"), write_operations())
def test_every_write_rejects_missing_read_only_and_revoked_keys(
    shared_client, shared_keys, shared_url, method, url, media_type
):
    before = database_fingerprint(shared_url)
    anonymous = send(shared_client, method, url, media_type)
    assert anonymous.status_code == 401
    assert anonymous.headers["WWW-Authenticate"] == 'Bearer realm="tally"'
    assert anonymous.mimetype == "application/problem+json"
    malformed = send(shared_client, method, url, media_type, {"Authorization": "Basic dXNlcjpwYXNz"})
    assert malformed.status_code == 401
    read_only = send(shared_client, method, url, media_type, shared_keys["read"])
    assert read_only.status_code == 403
    assert read_only.get_json()["detail"] == (
        f"This operation needs a key with scope {needed(method, url)!r}; this key has 'read'."
    )
    revoked = send(shared_client, method, url, media_type, shared_keys["revoked"])
    assert revoked.status_code == 401
    assert revoked.headers["WWW-Authenticate"] == 'Bearer realm="tally", error="invalid_token"'
    unknown = send(shared_client, method, url, media_type, {"Authorization": "Bearer tally_" + "x" * 43})
    assert unknown.status_code == 401
    assert database_fingerprint(shared_url) == before


@pytest.mark.parametrize(("method", "url", "media_type"), write_operations())
def test_a_write_key_gets_past_authentication(shared_client, shared_keys, method, url, media_type):
    """With the right key the request reaches validation (an empty body is a 422, not a 401/403)."""
    if needed(method, url) == "admin":
        assert send(shared_client, method, url, media_type, shared_keys["write"]).status_code == 403
        assert send(shared_client, method, url, media_type, shared_keys["admin"]).status_code == 422
        return
    expected = 404 if (method, url) in EMPTY_BODY_VALID else 422
    assert send(shared_client, method, url, media_type, shared_keys["write"]).status_code == expected


def test_admin_keys_can_write(write_client, keys):
    assert (
        write_client.post(
            "/v1/sources", json={"id": "ocha", "name": "OCHA", "kind": "un_agency"}, headers=keys["admin"]
        ).status_code
        == 201
    )


def test_reads_can_require_a_read_key(fresh_url, keys):
    app = create_app(Settings(database_url=fresh_url, require_read_key=True), database_url=fresh_url)
    try:
        client = app.test_client()
        assert client.get("/v1/figures").status_code == 401
        assert client.get("/v1/figures", headers=keys["revoked"]).status_code == 401
        assert client.get("/v1/figures", headers=keys["read"]).status_code == 200
        assert client.get("/healthz").status_code == 200
        assert client.get("/openapi.json").status_code == 200
    finally:
        app.extensions["tally.pool"].close()


@pytest.mark.parametrize(
    ("authorization", "detail"),
    [
        ("revoked", "The API key is unknown or revoked."),
        ("Bearer tally_0123456789abcdefghijklmnop", "The API key is unknown or revoked."),
        ("Basic dXNlcjpwYXNz", "The Authorization header must be `Bearer <key>`."),
    ],
)
def test_a_public_read_with_a_dead_or_malformed_key_is_a_401_not_a_silent_200(
    shared_client, shared_keys, authorization, detail
):
    header = shared_keys.get(authorization, {"Authorization": authorization})
    response = shared_client.get("/v1/figures/1", headers=header)
    assert response.status_code == 401
    assert response.get_json()["detail"] == detail
    assert response.headers["WWW-Authenticate"].startswith('Bearer realm="tally"')
    assert shared_client.get("/v1/figures/1", headers=shared_keys["read"]).status_code == 200
    assert shared_client.get("/v1/figures/1").status_code == 200  # without a key, reads stay public


def test_key_commands_create_list_and_revoke(fresh_url, write_client):
    created = run_tally("keys", "create", "field office", "--scope", "write", url=fresh_url)
    assert created.returncode == 0, created.stderr
    token = created.stdout.strip()
    assert token.startswith("tally_") and len(token) > 40
    headers = {"Authorization": f"Bearer {token}"}
    body = {"id": "new-monitor", "name": "New monitor", "kind": "monitor"}
    assert write_client.post("/v1/sources", json=body, headers=headers).status_code == 201
    listing = run_tally("keys", "list", url=fresh_url).stdout
    line = next(row for row in listing.splitlines() if "field office" in row)
    key_id, name, scope, prefix = line.split("\t")[:4]
    assert (name, scope, prefix) == ("field office", "write", token[:10] + "…")
    assert token not in listing
    assert run_tally("keys", "revoke", key_id, url=fresh_url).stdout == f"revoked key {key_id} 'field office'\n"
    assert write_client.post("/v1/sources", json=body | {"id": "other"}, headers=headers).status_code == 401
    assert run_tally("keys", "revoke", "9999", url=fresh_url).returncode == 1


def test_the_database_keeps_only_a_hash_of_each_key(fresh_url, keys):
    from service import db

    token = keys["write"]["Authorization"].removeprefix("Bearer ")
    with db.connect(fresh_url) as conn:
        stored = conn.execute(
            "SELECT string_agg(encode(token_hash, 'hex') || token_prefix || name, ' ') AS s FROM api_key"
        ).fetchone()["s"]
    assert token not in stored and token[10:30] not in stored
