-- Revisions written once per statement instead of once per row. The row
-- trigger ran a function and an INSERT for every figure; an import of
-- 100,000 figures paid more for that than for the figures themselves, so
-- imports used to switch the trigger off (which only the table's owner may
-- do) and write the same rows with a copy of its logic. Statement triggers
-- with transition tables write every revision of a statement in one INSERT,
-- for every writer alike: one definition, no owner needed.
--
-- PostgreSQL allows transition tables on single-event triggers only, hence
-- one trigger for INSERT and one for UPDATE, sharing this function. Who and
-- why still come from the transaction's settings (tally.actor, tally.reason,
-- tally.change); the change-feed lock is taken as before (migration 0004).
DROP TRIGGER figure_revision_on_write ON figure;

CREATE OR REPLACE FUNCTION figure_write_revision() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    actor text := coalesce(nullif(current_setting('tally.actor', true), ''), session_user);
    reason text := nullif(current_setting('tally.reason', true), '');
    change text := coalesce(nullif(current_setting('tally.change', true), ''), 'update');
BEGIN
    IF NOT EXISTS (SELECT 1 FROM written) THEN
        RETURN NULL;  -- a statement that wrote no figure has no revision, and needs no lock
    END IF;
    PERFORM pg_advisory_xact_lock(hashtext('tally.figure_change_seq'));
    IF TG_OP = 'INSERT' THEN
        INSERT INTO figure_revision (figure_id, version, state, changed_by, changed_at, reason, kind)
        SELECT w.id, w.version, to_jsonb(w), actor, w.updated_at, reason, 'create'
        FROM written w
        ORDER BY w.id;
    ELSE
        INSERT INTO figure_revision (figure_id, version, state, changed_by, changed_at, reason, kind)
        SELECT w.id, w.version, to_jsonb(w), actor, w.updated_at, reason,
               CASE WHEN w.status = 'retracted' AND r.status <> 'retracted' THEN 'retract' ELSE change END
        FROM written w JOIN replaced r ON r.id = w.id
        ORDER BY w.id;
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER figure_revision_on_insert
    AFTER INSERT ON figure
    REFERENCING NEW TABLE AS written
    FOR EACH STATEMENT EXECUTE FUNCTION figure_write_revision();

CREATE TRIGGER figure_revision_on_update
    AFTER UPDATE ON figure
    REFERENCING OLD TABLE AS replaced NEW TABLE AS written
    FOR EACH STATEMENT EXECUTE FUNCTION figure_write_revision();
