-- Idempotency keys: a POST sent again with the same key returns the first response.

-- name: forget_expired
DELETE FROM idempotency_key WHERE created_at < now() - make_interval(hours => %(ttl_hours)s)

-- name: find
SELECT request_hash, response_status, response_body, response_headers
FROM idempotency_key WHERE api_key_id = %(api_key_id)s AND key = %(key)s

-- name: remember
INSERT INTO idempotency_key (api_key_id, key, request_hash, response_status, response_body, response_headers)
VALUES (%(api_key_id)s, %(key)s, %(request_hash)s, %(response_status)s, %(response_body)s, %(response_headers)s::jsonb)
