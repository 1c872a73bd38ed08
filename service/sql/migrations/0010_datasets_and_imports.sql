-- Real data in: the datasets Tally imports, a record of every import, and
-- what ties figures and locations to the dataset they came from.

-- A dataset of figures (UCDP GED, UNHCR, IDMC) or of places (a gazetteer:
-- OCHA p-codes, OpenSyria, the Aleppo neighbourhoods), with its attribution.
CREATE TABLE dataset (
    id              text PRIMARY KEY CHECK (id ~ '^[a-z0-9][a-z0-9-]{0,62}$'),
    name            text NOT NULL CHECK (name <> ''),
    kind            text NOT NULL CHECK (kind IN ('figures', 'gazetteer')),
    publisher       text NOT NULL CHECK (publisher <> ''),
    url             text CHECK (url ~ '^https?://'),
    licence         text NOT NULL CHECK (licence <> ''),
    citation        text NOT NULL CHECK (citation <> ''),
    description     text,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now()
);

-- One import of one file: which version, under which licence, from which
-- bytes (sha256), when, by whom, and what it did. An import that would change
-- nothing is not recorded (re-importing a file leaves the database as it was).
CREATE TABLE dataset_import (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    dataset_id      text NOT NULL REFERENCES dataset (id),
    version         text NOT NULL CHECK (version <> ''),
    -- As they stood for this version; the dataset row holds the current ones.
    licence         text NOT NULL CHECK (licence <> ''),
    citation        text NOT NULL CHECK (citation <> ''),
    file_name       text NOT NULL CHECK (file_name <> ''),
    sha256          text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
    imported_at     timestamptz NOT NULL DEFAULT now(),
    imported_by     text NOT NULL CHECK (imported_by <> ''),
    rows_read       integer NOT NULL CHECK (rows_read >= 0),
    inserted        integer NOT NULL CHECK (inserted >= 0),
    updated         integer NOT NULL CHECK (updated >= 0),
    unchanged       integer NOT NULL CHECK (unchanged >= 0),
    rejected        integer NOT NULL CHECK (rejected >= 0),
    skipped         integer NOT NULL CHECK (skipped >= 0),
    -- The summary beyond the counts: unmatched names, placements, changed figures.
    report          jsonb NOT NULL DEFAULT '{}'
);
-- Figures reference (dataset, import) together: one foreign key says both
-- that the import exists and that it is an import of the figure's dataset.
ALTER TABLE dataset_import ADD CONSTRAINT dataset_import_dataset_id_id UNIQUE (dataset_id, id);

-- Real p-codes are not all letters then digits: Iraq's IQG01Q01, Myanmar's
-- MMR001D001, Tajikistan's all-digit 3501000.
ALTER TABLE location DROP CONSTRAINT location_pcode_check;
ALTER TABLE location ADD CONSTRAINT location_pcode_check CHECK (pcode ~ '^[A-Z0-9]{2,20}$');

-- Which gazetteer a place came from, which version, and its key there (a
-- p-code, an OpenSyria id, a neighbourhood's id and name). Countries also
-- carry their ISO 3166 alpha-3 code, which the figure datasets use.
ALTER TABLE location
    ADD COLUMN iso3 text UNIQUE CHECK (iso3 ~ '^[A-Z]{3}$'),
    ADD COLUMN gazetteer_id text REFERENCES dataset (id),
    ADD COLUMN gazetteer_version text,
    ADD COLUMN gazetteer_key text,
    ADD CONSTRAINT location_iso3_country CHECK (iso3 IS NULL OR kind = 'country'),
    ADD CONSTRAINT location_gazetteer_complete CHECK (
        (gazetteer_id IS NULL) = (gazetteer_version IS NULL)
        AND (gazetteer_id IS NULL) = (gazetteer_key IS NULL)),
    ADD CONSTRAINT location_gazetteer_key UNIQUE (gazetteer_id, gazetteer_key);

-- An imported figure names its dataset, its id there (external_id: e.g. UCDP
-- event id + measure) and the import that last wrote it. Its point (an
-- event's coordinates) and the dataset's own codes for it (UCDP date_prec,
-- where_prec, ...) are kept as given.
ALTER TABLE figure
    ADD COLUMN dataset_id text,
    ADD COLUMN external_id text CHECK (external_id <> ''),
    ADD COLUMN import_id bigint,
    ADD COLUMN latitude double precision CHECK (latitude BETWEEN -90 AND 90),
    ADD COLUMN longitude double precision CHECK (longitude BETWEEN -180 AND 180),
    ADD COLUMN dataset_attributes jsonb,
    ADD CONSTRAINT figure_import_complete CHECK (
        (dataset_id IS NULL) = (external_id IS NULL) AND (dataset_id IS NULL) = (import_id IS NULL)),
    ADD CONSTRAINT figure_import_fkey FOREIGN KEY (dataset_id, import_id) REFERENCES dataset_import (dataset_id, id),
    ADD CONSTRAINT figure_point_complete CHECK ((latitude IS NULL) = (longitude IS NULL));

-- An imported figure is identified by (dataset, external_id): that is what a
-- re-import or a newer version of the dataset matches on.
CREATE UNIQUE INDEX figure_dataset_external_id ON figure (external_id, dataset_id) WHERE external_id IS NOT NULL;
CREATE INDEX figure_dataset ON figure (dataset_id, id) WHERE dataset_id IS NOT NULL;

-- figure_statement_unique stopped two entries of one statement (same source,
-- metric, place, flow, period and value). In an event dataset that rule is
-- wrong: UCDP has distinct events with identical values at the same place on
-- the same day (two shellings of one town, one death each). So the rule now
-- covers the dataset and external id too: for figures entered by hand both
-- are null (and NULLS NOT DISTINCT makes them equal), so the rule is what it
-- was; imported figures are told apart by their external id instead, and
-- figure_dataset_external_id keeps each of those unique. The constraint keeps
-- its name, which the seed and the write API rely on. The external id comes
-- first in the index: imported figures then differ in their first column,
-- which makes bulk imports cheaper, and the rule is the same in any order.
ALTER TABLE figure DROP CONSTRAINT figure_statement_unique;
ALTER TABLE figure ADD CONSTRAINT figure_statement_unique UNIQUE NULLS NOT DISTINCT (
    external_id, dataset_id, source_id, metric_id, location_id, origin_id, destination_id,
    population_group, period_start, period_end, value);

-- The sources and documents a dataset cites for a figure, in the dataset's
-- order, when it cites more than one (UCDP lists up to 15 per event); the
-- figure's own source_id and document_id are the first of them. Replaced
-- when an import changes them.
CREATE TABLE figure_citation (
    figure_id       bigint NOT NULL REFERENCES figure (id),
    position        smallint NOT NULL CHECK (position >= 1),
    source_id       text NOT NULL REFERENCES source (id),
    document_id     bigint NOT NULL REFERENCES document (id),
    PRIMARY KEY (figure_id, position)
);
CREATE INDEX figure_citation_document ON figure_citation (document_id);

-- Readers' caches follow data_version (migration 0005): these tables are
-- part of what the API serves too.
CREATE TRIGGER dataset_bumps_data_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON dataset
    FOR EACH STATEMENT EXECUTE FUNCTION bump_data_version();
CREATE TRIGGER dataset_import_bumps_data_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON dataset_import
    FOR EACH STATEMENT EXECUTE FUNCTION bump_data_version();
CREATE TRIGGER figure_citation_bumps_data_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON figure_citation
    FOR EACH STATEMENT EXECUTE FUNCTION bump_data_version();
