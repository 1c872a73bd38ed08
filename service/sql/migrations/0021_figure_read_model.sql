-- A read model kept by the database: each figure's response body, built once
-- when anything it shows changes instead of on every read.
--
-- figure_json(f) is the body every figure endpoint serves: the expression
-- service/figure.py declares (figure_body_sql), written out here because a
-- migration is fixed text. tests/db/test_read_model.py compares the two on
-- every figure, byte for byte, so a field declared without a migration that
-- redefines figure_json (and rebuilds figure_read) fails the suite.
--
-- figure_read holds figure_json(f)::text for every figure, kept current by
-- statement triggers (with transition tables, like the revisions of 0014) on
-- everything the body shows: the figure; its disputes and citations; and the
-- names of its source, document, publisher, places, dataset and import. A
-- writer cannot forget it: the triggers fire for the API, the importers, the
-- seed and psql alike, in the transaction that makes the change.
--
-- Timestamps are rendered in UTC whatever the writer's session TimeZone, so
-- the stored bytes do not depend on who wrote them.

CREATE FUNCTION figure_json(f figure) RETURNS json
LANGUAGE sql STABLE AS $$
    SELECT json_build_object(
        'id', f.id,
        'metric', f.metric_id,
        'count_kind', f.count_kind,
        'value', f.value,
        'low', f.low,
        'high', f.high,
        'qualifier', f.qualifier,
        'stated_words', f.stated_words,
        'population_group', f.population_group,
        'location', (SELECT location_ref(l) FROM location l WHERE l.id = f.location_id),
        'origin', (SELECT location_ref(l) FROM location l WHERE l.id = f.origin_id),
        'destination', (SELECT location_ref(l) FROM location l WHERE l.id = f.destination_id),
        'period_start', f.period_start,
        'period_end', f.period_end,
        'stated_on', f.stated_on,
        'source', (SELECT source_ref(s) FROM source s WHERE s.id = f.source_id),
        'document', (SELECT json_build_object(
                         'id', d.id, 'title', d.title,
                         'publisher', (SELECT source_ref(p) FROM source p WHERE p.id = d.publisher_id),
                         'url', d.url, 'published_on', d.published_on)
                     FROM document d WHERE d.id = f.document_id),
        'quote', f.quote,
        'status', f.status,
        'status_note', f.status_note,
        'disputes', coalesce((
            SELECT json_agg(json_build_object(
                       'id', x.id, 'source', source_ref(xs), 'document_id', x.document_id,
                       'stated_on', x.stated_on, 'quote', x.quote, 'note', x.note)
                   ORDER BY x.id)
            FROM figure_dispute x JOIN source xs ON xs.id = x.source_id
            WHERE x.figure_id = f.id AND x.created_at <= f.updated_at), '[]'::json),
        'version', f.version,
        'created_at', f.created_at,
        'updated_at', f.updated_at,
        'dataset', (SELECT json_build_object(
                        'id', ds.id, 'name', ds.name, 'version', di.version, 'import_id', di.id,
                        'external_id', f.external_id, 'attributes', f.dataset_attributes,
                        'citations', coalesce((
                            SELECT json_agg(json_build_object(
                                       'source', (SELECT source_ref(cs) FROM source cs WHERE cs.id = c.source_id),
                                       'document', (SELECT json_build_object('id', cd.id, 'title', cd.title,
                                                                             'published_on', cd.published_on)
                                                    FROM document cd WHERE cd.id = c.document_id))
                                   ORDER BY c.position)
                            FROM figure_citation c WHERE c.figure_id = f.id), '[]'::json))
                    FROM dataset_import di JOIN dataset ds ON ds.id = di.dataset_id
                    WHERE di.id = f.import_id),
        'latitude', f.latitude,
        'longitude', f.longitude)
$$;

CREATE TABLE figure_read (
    figure_id bigint PRIMARY KEY REFERENCES figure (id) ON DELETE CASCADE,
    body      text NOT NULL
);

-- Rebuild the bodies of these figures.
CREATE FUNCTION refresh_figure_read(ids bigint[]) RETURNS void
LANGUAGE sql SET timezone = 'UTC' AS $$
    INSERT INTO figure_read (figure_id, body)
    SELECT f.id, figure_json(f)::text FROM figure f WHERE f.id = ANY (ids)
    ON CONFLICT (figure_id) DO UPDATE SET body = EXCLUDED.body
$$;

-- Figures inserted or updated: their bodies, from the rows just written.
CREATE FUNCTION figure_read_on_figure() RETURNS trigger
LANGUAGE plpgsql SET timezone = 'UTC' AS $$
BEGIN
    INSERT INTO figure_read (figure_id, body)
    SELECT w.id, figure_json(w)::text FROM written w
    ON CONFLICT (figure_id) DO UPDATE SET body = EXCLUDED.body;
    RETURN NULL;
END
$$;

CREATE TRIGGER figure_read_on_insert AFTER INSERT ON figure
    REFERENCING NEW TABLE AS written FOR EACH STATEMENT EXECUTE FUNCTION figure_read_on_figure();
CREATE TRIGGER figure_read_on_update AFTER UPDATE ON figure
    REFERENCING NEW TABLE AS written FOR EACH STATEMENT EXECUTE FUNCTION figure_read_on_figure();

-- Disputes and citations written or removed: the figures they belong to.
CREATE FUNCTION figure_read_on_annotation() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM refresh_figure_read(ARRAY(SELECT DISTINCT figure_id FROM written));
    ELSIF TG_OP = 'DELETE' THEN
        PERFORM refresh_figure_read(ARRAY(SELECT DISTINCT figure_id FROM replaced));
    ELSE
        PERFORM refresh_figure_read(ARRAY(SELECT figure_id FROM written UNION SELECT figure_id FROM replaced));
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER figure_read_on_dispute_insert AFTER INSERT ON figure_dispute
    REFERENCING NEW TABLE AS written FOR EACH STATEMENT EXECUTE FUNCTION figure_read_on_annotation();
CREATE TRIGGER figure_read_on_dispute_update AFTER UPDATE ON figure_dispute
    REFERENCING OLD TABLE AS replaced NEW TABLE AS written
    FOR EACH STATEMENT EXECUTE FUNCTION figure_read_on_annotation();
CREATE TRIGGER figure_read_on_dispute_delete AFTER DELETE ON figure_dispute
    REFERENCING OLD TABLE AS replaced FOR EACH STATEMENT EXECUTE FUNCTION figure_read_on_annotation();
CREATE TRIGGER figure_read_on_citation_insert AFTER INSERT ON figure_citation
    REFERENCING NEW TABLE AS written FOR EACH STATEMENT EXECUTE FUNCTION figure_read_on_annotation();
CREATE TRIGGER figure_read_on_citation_update AFTER UPDATE ON figure_citation
    REFERENCING OLD TABLE AS replaced NEW TABLE AS written
    FOR EACH STATEMENT EXECUTE FUNCTION figure_read_on_annotation();
CREATE TRIGGER figure_read_on_citation_delete AFTER DELETE ON figure_citation
    REFERENCING OLD TABLE AS replaced FOR EACH STATEMENT EXECUTE FUNCTION figure_read_on_annotation();

-- Renames: the figures that show the renamed row. Only rows whose shown
-- fields changed count, so an update that changes nothing a body shows (an
-- import touching every place, say) rebuilds nothing.
CREATE FUNCTION figure_read_on_source() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM refresh_figure_read(ARRAY(
        WITH renamed AS (
            SELECT n.id FROM written n JOIN replaced o ON o.id = n.id
            WHERE source_ref(n)::text IS DISTINCT FROM source_ref(o)::text)
        SELECT f.id FROM figure f WHERE f.source_id IN (SELECT id FROM renamed)
        UNION SELECT f.id FROM figure f JOIN document d ON d.id = f.document_id
              WHERE d.publisher_id IN (SELECT id FROM renamed)
        UNION SELECT x.figure_id FROM figure_dispute x WHERE x.source_id IN (SELECT id FROM renamed)
        UNION SELECT c.figure_id FROM figure_citation c WHERE c.source_id IN (SELECT id FROM renamed)));
    RETURN NULL;
END
$$;

CREATE FUNCTION figure_read_on_document() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM refresh_figure_read(ARRAY(
        WITH renamed AS (
            SELECT n.id FROM written n JOIN replaced o ON o.id = n.id
            WHERE (n.title, n.url, n.published_on, n.publisher_id)
                  IS DISTINCT FROM (o.title, o.url, o.published_on, o.publisher_id))
        SELECT f.id FROM figure f WHERE f.document_id IN (SELECT id FROM renamed)
        UNION SELECT c.figure_id FROM figure_citation c WHERE c.document_id IN (SELECT id FROM renamed)));
    RETURN NULL;
END
$$;

CREATE FUNCTION figure_read_on_location() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM refresh_figure_read(ARRAY(
        WITH renamed AS (
            SELECT n.id FROM written n JOIN replaced o ON o.id = n.id
            WHERE location_ref(n)::text IS DISTINCT FROM location_ref(o)::text)
        SELECT f.id FROM figure f WHERE f.location_id IN (SELECT id FROM renamed)
        UNION SELECT f.id FROM figure f WHERE f.origin_id IN (SELECT id FROM renamed)
        UNION SELECT f.id FROM figure f WHERE f.destination_id IN (SELECT id FROM renamed)));
    RETURN NULL;
END
$$;

CREATE FUNCTION figure_read_on_dataset() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_TABLE_NAME = 'dataset' THEN
        PERFORM refresh_figure_read(ARRAY(
            SELECT f.id FROM figure f JOIN dataset_import di ON di.id = f.import_id
            WHERE di.dataset_id IN (SELECT n.id FROM written n JOIN replaced o ON o.id = n.id
                                    WHERE n.name IS DISTINCT FROM o.name)));
    ELSE
        PERFORM refresh_figure_read(ARRAY(
            SELECT f.id FROM figure f
            WHERE f.import_id IN (SELECT n.id FROM written n JOIN replaced o ON o.id = n.id
                                  WHERE n.version IS DISTINCT FROM o.version)));
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER figure_read_on_source_update AFTER UPDATE ON source
    REFERENCING OLD TABLE AS replaced NEW TABLE AS written
    FOR EACH STATEMENT EXECUTE FUNCTION figure_read_on_source();
CREATE TRIGGER figure_read_on_document_update AFTER UPDATE ON document
    REFERENCING OLD TABLE AS replaced NEW TABLE AS written
    FOR EACH STATEMENT EXECUTE FUNCTION figure_read_on_document();
CREATE TRIGGER figure_read_on_location_update AFTER UPDATE ON location
    REFERENCING OLD TABLE AS replaced NEW TABLE AS written
    FOR EACH STATEMENT EXECUTE FUNCTION figure_read_on_location();
CREATE TRIGGER figure_read_on_dataset_update AFTER UPDATE ON dataset
    REFERENCING OLD TABLE AS replaced NEW TABLE AS written
    FOR EACH STATEMENT EXECUTE FUNCTION figure_read_on_dataset();
CREATE TRIGGER figure_read_on_import_update AFTER UPDATE ON dataset_import
    REFERENCING OLD TABLE AS replaced NEW TABLE AS written
    FOR EACH STATEMENT EXECUTE FUNCTION figure_read_on_dataset();

-- The bodies of the figures there already are.
SET LOCAL timezone = 'UTC';
INSERT INTO figure_read (figure_id, body) SELECT f.id, figure_json(f)::text FROM figure f;
