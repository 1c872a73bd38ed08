-- The write side: API keys, idempotent retries, and a change feed in commit
-- order built on the revision history.

CREATE TABLE api_key (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name         text NOT NULL CHECK (name ~ '^[A-Za-z0-9][A-Za-z0-9 ._@-]{0,62}$'),
    scope        text NOT NULL CHECK (scope IN ('read', 'write', 'admin')),
    -- SHA-256 of the token. Tokens carry 256 random bits, so a fast hash is
    -- enough: there is nothing to brute-force. The token itself is never stored.
    token_hash   bytea NOT NULL UNIQUE CHECK (octet_length(token_hash) = 32),
    -- The token's first characters, to tell keys apart in listings.
    token_prefix text NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    revoked_at   timestamptz
);

-- A POST sent again with the same Idempotency-Key returns the first response.
CREATE TABLE idempotency_key (
    api_key_id      bigint NOT NULL REFERENCES api_key (id),
    key             text NOT NULL CHECK (length(key) BETWEEN 1 AND 255),
    request_hash    bytea NOT NULL,
    response_status smallint NOT NULL,
    response_body   bytea NOT NULL,
    response_headers jsonb NOT NULL,
    created_at      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (api_key_id, key)
);
CREATE INDEX idempotency_key_created ON idempotency_key (created_at);

-- Every revision gets a place in the change feed. Numbers are taken under a
-- transaction-level lock held until commit, so a reader that has seen change
-- N has already seen every change before it: transactions that started in
-- one order and commit in another cannot make a poller skip a change.
CREATE SEQUENCE figure_change_seq;
ALTER TABLE figure_revision
    ADD COLUMN seq bigint,
    ADD COLUMN kind text CHECK (kind IN ('create', 'update', 'dispute', 'retract'));
UPDATE figure_revision SET seq = nextval('figure_change_seq'),
                           kind = CASE WHEN version = 1 THEN 'create' ELSE 'update' END;
ALTER TABLE figure_revision
    ALTER COLUMN seq SET NOT NULL,
    ALTER COLUMN seq SET DEFAULT nextval('figure_change_seq'),
    ALTER COLUMN kind SET NOT NULL;
ALTER SEQUENCE figure_change_seq OWNED BY figure_revision.seq;
CREATE UNIQUE INDEX figure_revision_seq ON figure_revision (seq);
CREATE INDEX figure_revision_as_of ON figure_revision (figure_id, changed_at, version);

CREATE OR REPLACE FUNCTION figure_write_revision() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    change text := CASE
        WHEN TG_OP = 'INSERT' THEN 'create'
        WHEN NEW.status = 'retracted' AND OLD.status <> 'retracted' THEN 'retract'
        ELSE coalesce(nullif(current_setting('tally.change', true), ''), 'update')
    END;
BEGIN
    PERFORM pg_advisory_xact_lock(hashtext('tally.figure_change_seq'));
    INSERT INTO figure_revision (figure_id, version, state, changed_by, changed_at, reason, kind)
    VALUES (NEW.id, NEW.version, to_jsonb(NEW),
            coalesce(nullif(current_setting('tally.actor', true), ''), session_user),
            NEW.updated_at,
            nullif(current_setting('tally.reason', true), ''),
            change);
    RETURN NULL;
END
$$;

-- Figures are shaped into JSON by the figure_rows query (service/sql/queries/
-- figures.sql), which reads either this table or figure_as_of(): one
-- definition for the present and the past.
DROP VIEW figure_api;

-- Every figure as it stood at a moment: its latest version written by then.
CREATE FUNCTION figure_as_of(moment timestamptz) RETURNS SETOF figure
LANGUAGE sql STABLE AS $$
    SELECT (jsonb_populate_record(NULL::figure, r.state)).*
    FROM (SELECT DISTINCT ON (figure_id) state
          FROM figure_revision
          WHERE changed_at <= moment
          ORDER BY figure_id, version DESC) r
$$;
