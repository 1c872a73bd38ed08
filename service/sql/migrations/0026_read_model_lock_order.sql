-- The read model among concurrent writers, float digits and truncations.
--
-- Every writer takes the data-version lock (bump_data_version, migration
-- 0005) in a statement trigger, and triggers of one event fire in name order.
-- On source and location the body rebuild (figure_read_on_*, 0021) fired
-- before that lock: a rename locked bodies, then waited for the lock, while
-- an import holding the lock rebuilt those bodies at commit (0023): a
-- deadlock that cost the import. Renamed so that they sort after the lock,
-- the rebuild runs once the lock is held, and sees what the writer it waited
-- for committed (a body built before waiting could be stale, or belong to a
-- figure deleted meanwhile).
ALTER TRIGGER figure_read_on_source_update ON source RENAME TO source_rebuilds_figure_bodies;
ALTER TRIGGER figure_read_on_location_update ON location RENAME TO location_rebuilds_figure_bodies;

-- A body's floats do not depend on the writer's extra_float_digits (1: the
-- shortest exact digits, what the API serves), as its times do not depend on
-- its TimeZone.
ALTER FUNCTION refresh_figure_read_each(bigint[]) SET extra_float_digits = 1;
ALTER FUNCTION refresh_figure_read_bulk(bigint[]) SET extra_float_digits = 1;

-- TRUNCATE of disputes or citations alone: every body is rebuilt (at commit).
CREATE FUNCTION figure_read_on_annotations_truncated() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM refresh_figure_read(ARRAY(SELECT id FROM figure));
    RETURN NULL;
END
$$;

CREATE TRIGGER figure_read_on_dispute_truncate AFTER TRUNCATE ON figure_dispute
    FOR EACH STATEMENT EXECUTE FUNCTION figure_read_on_annotations_truncated();
CREATE TRIGGER figure_read_on_citation_truncate AFTER TRUNCATE ON figure_citation
    FOR EACH STATEMENT EXECUTE FUNCTION figure_read_on_annotations_truncated();
