-- API keys.

-- name: create_key
INSERT INTO api_key (name, scope, token_hash, token_prefix)
VALUES (%(name)s, %(scope)s, %(token_hash)s, %(token_prefix)s)
RETURNING id, name, scope, token_prefix, created_at

-- name: list_keys
SELECT id, name, scope, token_prefix, created_at, revoked_at FROM api_key ORDER BY id

-- name: revoke_key
UPDATE api_key SET revoked_at = coalesce(revoked_at, now())
WHERE id = %(id)s
RETURNING id, name, scope, token_prefix, created_at, revoked_at

-- name: find_key
SELECT id, name, scope, revoked_at FROM api_key WHERE token_hash = %(token_hash)s
