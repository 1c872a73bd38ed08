-- Tally's first schema: the catalogue of metrics, who states figures (sources),
-- where they were published (documents), the places they are about (locations),
-- the figures themselves, every version of each figure, and disputes.
-- Integrity lives here: the API validates for friendly messages, these
-- constraints are the guarantee.

CREATE TABLE metric (
    id              text PRIMARY KEY CHECK (id ~ '^[a-z][a-z0-9_]{1,62}$'),
    label           text NOT NULL CHECK (label <> ''),
    definition      text NOT NULL CHECK (definition <> ''),
    unit            text NOT NULL DEFAULT 'people',
    hxl_hashtag     text NOT NULL CHECK (hxl_hashtag ~ '^#[a-z][a-z0-9_]*(\+[a-z][a-z0-9_]*)*$'),
    -- Flows (displacement) have an origin and a destination.
    is_flow         boolean NOT NULL DEFAULT false
);

CREATE TABLE source (
    id              text PRIMARY KEY CHECK (id ~ '^[a-z0-9][a-z0-9-]{0,62}$'),
    name            text NOT NULL CHECK (name <> ''),
    kind            text NOT NULL CHECK (kind IN (
                        'un_agency', 'ngo', 'monitor', 'government', 'military',
                        'armed_group', 'media', 'individual', 'dataset')),
    url             text CHECK (url ~ '^https?://'),
    description     text,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE document (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    title           text NOT NULL CHECK (title <> ''),
    -- Null when the copy at hand does not say who published it.
    publisher_id    text REFERENCES source (id),
    -- Null when unknown: a URL is never invented.
    url             text CHECK (url ~ '^https?://'),
    published_on    date,
    retrieved_on    date,
    language        text CHECK (language ~ '^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$'),
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    CHECK (retrieved_on IS NULL OR published_on IS NULL OR published_on <= retrieved_on)
);
-- The same publication is not entered twice.
CREATE UNIQUE INDEX document_natural_key
    ON document (title, coalesce(publisher_id, ''), coalesce(published_on, '-infinity'::date));

CREATE TABLE location (
    id              text PRIMARY KEY CHECK (id ~ '^[A-Za-z0-9][A-Za-z0-9-]{0,62}$'),
    pcode           text UNIQUE CHECK (pcode ~ '^[A-Z]{2,3}[0-9]*$'),
    name            text NOT NULL CHECK (name <> ''),
    name_ar         text,
    aliases         text[] NOT NULL DEFAULT '{}',
    kind            text NOT NULL CHECK (kind IN (
                        'country', 'admin1', 'admin2', 'admin3', 'admin4',
                        'city', 'neighbourhood', 'village', 'area')),
    parent_id       text REFERENCES location (id),
    latitude        double precision CHECK (latitude BETWEEN -90 AND 90),
    longitude       double precision CHECK (longitude BETWEEN -180 AND 180),
    description     text,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    CHECK (parent_id <> id),
    CHECK ((latitude IS NULL) = (longitude IS NULL))
);
CREATE INDEX location_parent ON location (parent_id);

CREATE TABLE figure (
    id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    metric_id        text NOT NULL REFERENCES metric (id),
    -- What may ever be added up: distinct incidents (event), a total over the
    -- reference period (period_total), or a stock as of the period's end.
    count_kind       text NOT NULL CHECK (count_kind IN ('event', 'period_total', 'stock')),
    value            bigint NOT NULL CHECK (value >= 0),
    low              bigint CHECK (low >= 0),
    high             bigint,
    qualifier        text NOT NULL DEFAULT 'exact' CHECK (qualifier IN (
                         'exact', 'approximately', 'at_least', 'more_than',
                         'at_most', 'fewer_than')),
    stated_words     text,
    population_group text,
    location_id      text NOT NULL REFERENCES location (id),
    origin_id        text REFERENCES location (id),
    destination_id   text REFERENCES location (id),
    period_start     date NOT NULL,
    period_end       date NOT NULL,
    stated_on        date NOT NULL,
    source_id        text NOT NULL REFERENCES source (id),
    document_id      bigint NOT NULL REFERENCES document (id),
    quote            text,
    status           text NOT NULL DEFAULT 'reported' CHECK (status IN (
                         'reported', 'verified', 'disputed', 'retracted')),
    status_note      text,
    version          integer NOT NULL DEFAULT 1 CHECK (version >= 1),
    created_at       timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT figure_low_le_value CHECK (low IS NULL OR low <= value),
    CONSTRAINT figure_value_le_high CHECK (high IS NULL OR value <= high),
    CONSTRAINT figure_period_order CHECK (period_start <= period_end),
    CONSTRAINT figure_retraction_reason CHECK (status <> 'retracted' OR status_note IS NOT NULL),
    -- One statement is entered once: the same source giving the same number
    -- for the same metric, place, flow and period.
    CONSTRAINT figure_statement_unique UNIQUE NULLS NOT DISTINCT (
        source_id, metric_id, location_id, origin_id, destination_id,
        population_group, period_start, period_end, value)
);
-- Every list is ordered by id; these serve the per-metric collections and
-- the common filters without sorting.
CREATE INDEX figure_metric_id ON figure (metric_id, id);
CREATE INDEX figure_location ON figure (location_id, id);
CREATE INDEX figure_origin ON figure (origin_id) WHERE origin_id IS NOT NULL;
CREATE INDEX figure_destination ON figure (destination_id) WHERE destination_id IS NOT NULL;
CREATE INDEX figure_source ON figure (source_id, id);
CREATE INDEX figure_document ON figure (document_id);

-- Every version of every figure, written in the same transaction as the change.
CREATE TABLE figure_revision (
    figure_id       bigint NOT NULL REFERENCES figure (id),
    version         integer NOT NULL,
    state           jsonb NOT NULL,
    changed_by      text NOT NULL,
    changed_at      timestamptz NOT NULL DEFAULT now(),
    reason          text,
    PRIMARY KEY (figure_id, version)
);

-- A statement that contradicts a figure: who disputes it, where, and why.
CREATE TABLE figure_dispute (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    figure_id       bigint NOT NULL REFERENCES figure (id),
    source_id       text NOT NULL REFERENCES source (id),
    document_id     bigint REFERENCES document (id),
    stated_on       date NOT NULL,
    quote           text,
    note            text NOT NULL CHECK (note <> ''),
    created_at      timestamptz NOT NULL DEFAULT now(),
    UNIQUE (figure_id, source_id, stated_on)
);
CREATE INDEX figure_dispute_figure ON figure_dispute (figure_id);

-- History cannot be bypassed: whatever writes a figure (API, seed, importer)
-- writes its revision too. Who and why come from transaction-local settings
-- that the writer sets with set_config('tally.actor' / 'tally.reason', ..., true).
CREATE FUNCTION figure_write_revision() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO figure_revision (figure_id, version, state, changed_by, changed_at, reason)
    VALUES (NEW.id, NEW.version, to_jsonb(NEW),
            coalesce(nullif(current_setting('tally.actor', true), ''), session_user),
            NEW.updated_at,
            nullif(current_setting('tally.reason', true), ''));
    RETURN NULL;
END
$$;

CREATE TRIGGER figure_revision_on_write
    AFTER INSERT OR UPDATE ON figure
    FOR EACH ROW EXECUTE FUNCTION figure_write_revision();
