-- The row-level report of an import that landed: every finding, in the
-- order `tally import --report FILE` writes them (position), kept with the
-- import so that whoever imported over HTTP, or audits an import later, can
-- read all of it (a response lists the first findings only).
CREATE TABLE dataset_import_problem (
    import_id       bigint NOT NULL REFERENCES dataset_import (id),
    position        integer NOT NULL CHECK (position >= 1),
    file            text NOT NULL,
    line            integer NOT NULL,
    field           text NOT NULL,
    value           text NOT NULL,
    reason          text NOT NULL,
    outcome         text NOT NULL CHECK (outcome IN ('rejected', 'skipped', 'warning')),
    PRIMARY KEY (import_id, position)
);

CREATE TRIGGER dataset_import_problem_bumps_data_version
    AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON dataset_import_problem
    FOR EACH STATEMENT EXECUTE FUNCTION bump_data_version();
