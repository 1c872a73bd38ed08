-- The read model's bodies built by one expression over the rows, instead of
-- one call of figure_json(f) per figure.
--
-- figure_json has sub-selects, so PostgreSQL cannot inline it: every call
-- starts its own little executor. On the UNHCR file's 139,824 figures that
-- took 163 µs a figure against 78 µs for the same expression written into the
-- statement, and the UCDP and UNHCR imports ran twice as slow as before 0021.
--
-- The expression is the one service/figure.py declares (figure_body_sql),
-- written out once here, in refresh_figure_read; every trigger of 0021 goes
-- through it. tests/imports/test_read_model.py compares it with the
-- declaration on every figure, byte for byte.
--
-- Statement triggers that change more than 1,000 figures (an import) note the
-- figures in figure_read_pending instead, and the bodies are built once, at
-- the end of the transaction, by a deferred trigger: an import that writes
-- figures and then their citations builds each body once, not twice. A
-- reader in the same transaction calls flush_figure_read() first (an import
-- that reads bodies back; the API's writes are small and never wait).

DROP FUNCTION figure_json(figure);

CREATE OR REPLACE FUNCTION refresh_figure_read(ids bigint[]) RETURNS void
LANGUAGE sql SET timezone = 'UTC' AS $$
    INSERT INTO figure_read (figure_id, body)
    SELECT f.id, json_build_object(
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
        'longitude', f.longitude)::text
    FROM figure f WHERE f.id = ANY (ids)
    ON CONFLICT (figure_id) DO UPDATE SET body = EXCLUDED.body
$$;

-- Figures whose bodies wait for the end of the transaction, and one row per
-- transaction that has any: inserting it arms the deferred trigger that
-- builds them at commit, once, however many statements noted figures.
-- Neither keeps a row past its transaction, so neither needs the WAL.
CREATE UNLOGGED TABLE figure_read_pending (
    figure_id bigint PRIMARY KEY
);
CREATE UNLOGGED TABLE figure_read_flush_due (
    transaction_id xid8 PRIMARY KEY
);

-- Build the waiting bodies now. A reader of figure_read in a transaction that
-- wrote figures in bulk calls it first; commit calls it last.
CREATE FUNCTION flush_figure_read() RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    waiting bigint[];
BEGIN
    WITH taken AS (DELETE FROM figure_read_pending RETURNING figure_id)
    SELECT array_agg(figure_id) INTO waiting FROM taken;
    IF waiting IS NOT NULL THEN
        PERFORM refresh_figure_read(waiting);
    END IF;
END
$$;

-- Rebuild these figures' bodies now or, past this many figures in one
-- statement (an import; the API's edits stay far under it), at commit.
CREATE FUNCTION figure_read_changed(ids bigint[]) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    IF cardinality(ids) > 1000 THEN
        INSERT INTO figure_read_pending (figure_id) SELECT unnest(ids) ON CONFLICT DO NOTHING;
        INSERT INTO figure_read_flush_due VALUES (pg_current_xact_id()) ON CONFLICT DO NOTHING;
    ELSE
        PERFORM refresh_figure_read(ids);
    END IF;
END
$$;

CREATE FUNCTION figure_read_flush_at_commit() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM flush_figure_read();
    DELETE FROM figure_read_flush_due WHERE transaction_id = NEW.transaction_id;
    RETURN NULL;
END
$$;

CREATE CONSTRAINT TRIGGER figure_read_flush_at_commit AFTER INSERT ON figure_read_flush_due
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION figure_read_flush_at_commit();

CREATE OR REPLACE FUNCTION figure_read_on_figure() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM figure_read_changed(ARRAY(SELECT id FROM written));
    RETURN NULL;
END
$$;

CREATE OR REPLACE FUNCTION figure_read_on_annotation() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM figure_read_changed(ARRAY(SELECT DISTINCT figure_id FROM written));
    ELSIF TG_OP = 'DELETE' THEN
        PERFORM figure_read_changed(ARRAY(SELECT DISTINCT figure_id FROM replaced));
    ELSE
        PERFORM figure_read_changed(ARRAY(SELECT figure_id FROM written UNION SELECT figure_id FROM replaced));
    END IF;
    RETURN NULL;
END
$$;
