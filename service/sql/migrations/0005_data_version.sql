-- One number that changes whenever anything a reader can see changes: the
-- ETag and Last-Modified of every collection derive from it, so a poller's
-- If-None-Match is answered with one primary-key lookup.
CREATE TABLE data_version (
    id         boolean PRIMARY KEY DEFAULT true CHECK (id),
    version    bigint NOT NULL,
    changed_at timestamptz NOT NULL
);
INSERT INTO data_version (version, changed_at) VALUES (1, now());

CREATE FUNCTION bump_data_version() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    -- Writers take the figure-change lock before this row, always in that
    -- order, so two writers never wait for each other in a cycle.
    PERFORM pg_advisory_xact_lock(hashtext('tally.figure_change_seq'));
    UPDATE data_version SET version = version + 1, changed_at = clock_timestamp();
    RETURN NULL;
END
$$;

CREATE TRIGGER figure_bumps_data_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON figure
    FOR EACH STATEMENT EXECUTE FUNCTION bump_data_version();
CREATE TRIGGER figure_dispute_bumps_data_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON figure_dispute
    FOR EACH STATEMENT EXECUTE FUNCTION bump_data_version();
CREATE TRIGGER source_bumps_data_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON source
    FOR EACH STATEMENT EXECUTE FUNCTION bump_data_version();
CREATE TRIGGER document_bumps_data_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON document
    FOR EACH STATEMENT EXECUTE FUNCTION bump_data_version();
CREATE TRIGGER location_bumps_data_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON location
    FOR EACH STATEMENT EXECUTE FUNCTION bump_data_version();
CREATE TRIGGER metric_bumps_data_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON metric
    FOR EACH STATEMENT EXECUTE FUNCTION bump_data_version();
