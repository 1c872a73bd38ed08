-- as_of reads without rebuilding the past of every figure.
--
-- figure_as_of() (migration 0004) picked each figure's latest revision
-- written by the moment out of the whole revision table, then filtered: on
-- 1,000,000 figures every as_of page ran past the statement timeout. A
-- figure unchanged since the moment stood then as it stands now, so only the
-- figures changed after it need their revisions read:
--
--   * updated_at <= moment: the current row. Its latest revision is the one
--     the old definition picked (every write stores a revision whose
--     changed_at is the row's updated_at), and the table's indexes serve the
--     request's filters and order;
--   * created_at <= moment < updated_at: the latest revision written by the
--     moment, as before (figure_changed_after);
--   * created after the moment: absent, as before.
--
-- The figure_rows_as_of query (service/sql/queries/figures.sql) reads the two
-- parts apart, each with the request's filters and order; figure_as_of()
-- stays, as their union, for reading the past by hand. created_at gets an
-- index: for a moment before most figures existed, it finds the few that did.
CREATE INDEX figure_created ON figure (created_at);

-- Figures that existed at the moment and have changed since, as they stood then.
CREATE FUNCTION figure_changed_after(moment timestamptz) RETURNS SETOF figure
LANGUAGE sql STABLE AS $$
    SELECT past.*
    FROM figure f
    CROSS JOIN LATERAL (
        SELECT (jsonb_populate_record(NULL::figure, r.state)).*
        FROM figure_revision r
        WHERE r.figure_id = f.id AND r.changed_at <= moment
        ORDER BY r.version DESC
        LIMIT 1
    ) past
    WHERE f.created_at <= moment AND f.updated_at > moment
$$;

CREATE OR REPLACE FUNCTION figure_as_of(moment timestamptz) RETURNS SETOF figure
LANGUAGE sql STABLE AS $$
    SELECT f.* FROM figure f WHERE f.updated_at <= moment
    UNION ALL
    SELECT * FROM figure_changed_after(moment)
$$;
