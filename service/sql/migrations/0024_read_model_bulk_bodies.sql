-- The read model's bodies of a bulk statement built with joins, and no
-- foreign key check per stored body.
--
-- Measured on the UNHCR file's 139,824 figures (rolled back, alternately):
-- building their bodies with one lookup per figure and field (0023) took
-- 12.6-13.2 s, with hash joins over the same tables 6.4-7.6 s; storing them
-- took 6.0 s when each new row's foreign key to figure was checked (a
-- FOR KEY SHARE lock on every figure row) and 3.2 s without.
--
-- So a statement that changes many figures (more than tally.read_model_bulk_above,
-- 1,000 unless set) leaves their bodies for the commit (0023), which builds
-- them with refresh_figure_read_bulk: 0023's expression written as joins. A
-- few figures (the API's edits) keep the lookups (refresh_figure_read_each),
-- whose plan costs nothing to make: the joins take milliseconds to plan.
-- tests/imports/test_read_model.py makes every kind of change through both
-- and compares each stored body with service/figure.py's declaration, byte
-- for byte.
--
-- A deleted figure's body goes with it by a statement trigger instead of the
-- foreign key's cascade. Only refresh_figure_read_each and
-- refresh_figure_read_bulk write figure_read, from rows of figure, so a body
-- never lacks its figure.

ALTER TABLE figure_read DROP CONSTRAINT figure_read_figure_id_fkey;

CREATE FUNCTION figure_read_on_delete() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM figure_read r USING removed d WHERE r.figure_id = d.id;
    RETURN NULL;
END
$$;

CREATE TRIGGER figure_read_on_delete AFTER DELETE ON figure
    REFERENCING OLD TABLE AS removed FOR EACH STATEMENT EXECUTE FUNCTION figure_read_on_delete();

-- Planned at each call (EXECUTE), when the number of ids is known: a plan made
-- for an unknown number guesses a handful and looks each figure's rows up.
CREATE FUNCTION refresh_figure_read_bulk(ids bigint[]) RETURNS void
LANGUAGE plpgsql SET timezone = 'UTC' AS $function$
BEGIN
    EXECUTE $statement$
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
        'location', location_ref(l),
        'origin', location_ref(o),
        'destination', location_ref(dst),
        'period_start', f.period_start,
        'period_end', f.period_end,
        'stated_on', f.stated_on,
        'source', source_ref(s),
        'document', CASE WHEN d.id IS NOT NULL THEN json_build_object(
                         'id', d.id, 'title', d.title,
                         'publisher', source_ref(p),
                         'url', d.url, 'published_on', d.published_on) END,
        'quote', f.quote,
        'status', f.status,
        'status_note', f.status_note,
        'disputes', coalesce(x.disputes, '[]'::json),
        'version', f.version,
        'created_at', f.created_at,
        'updated_at', f.updated_at,
        'dataset', CASE WHEN di.id IS NOT NULL THEN json_build_object(
                        'id', ds.id, 'name', ds.name, 'version', di.version, 'import_id', di.id,
                        'external_id', f.external_id, 'attributes', f.dataset_attributes,
                        'citations', coalesce(c.citations, '[]'::json)) END,
        'latitude', f.latitude,
        'longitude', f.longitude)::text
    FROM figure f
    LEFT JOIN location l ON l.id = f.location_id
    LEFT JOIN location o ON o.id = f.origin_id
    LEFT JOIN location dst ON dst.id = f.destination_id
    LEFT JOIN source s ON s.id = f.source_id
    LEFT JOIN document d ON d.id = f.document_id
    LEFT JOIN source p ON p.id = d.publisher_id
    -- figure_import_complete: a figure with an import has its dataset.
    LEFT JOIN (dataset_import di JOIN dataset ds ON ds.id = di.dataset_id) ON di.id = f.import_id
    LEFT JOIN LATERAL (
        SELECT json_agg(json_build_object(
                   'id', x.id, 'source', source_ref(xs), 'document_id', x.document_id,
                   'stated_on', x.stated_on, 'quote', x.quote, 'note', x.note)
               ORDER BY x.id) AS disputes
        FROM figure_dispute x JOIN source xs ON xs.id = x.source_id
        WHERE x.figure_id = f.id AND x.created_at <= f.updated_at) x ON true
    -- Citations in one pass over those of these figures (a dataset can cite
    -- tens of thousands of documents: looked up figure by figure, they took
    -- 40% of the UCDP file's bodies).
    LEFT JOIN (
        SELECT c.figure_id,
               json_agg(json_build_object(
                   'source', source_ref(cs),
                   'document', CASE WHEN cd.id IS NOT NULL THEN json_build_object(
                                    'id', cd.id, 'title', cd.title, 'published_on', cd.published_on) END)
               ORDER BY c.position) AS citations
        FROM figure_citation c
        LEFT JOIN source cs ON cs.id = c.source_id
        LEFT JOIN document cd ON cd.id = c.document_id
        WHERE c.figure_id IN (SELECT unnest($1))
        GROUP BY c.figure_id) c ON c.figure_id = f.id
    WHERE f.id IN (SELECT unnest($1))
    ON CONFLICT (figure_id) DO UPDATE SET body = EXCLUDED.body
    $statement$ USING ids;
END
$function$;

-- How many figures one statement may change before their bodies wait for
-- the commit and are built with joins.
CREATE FUNCTION figure_read_bulk_above() RETURNS integer
LANGUAGE sql STABLE AS $$
    SELECT coalesce(nullif(current_setting('tally.read_model_bulk_above', true), '')::integer, 1000)
$$;

-- refresh_figure_read is now the one entry every trigger calls (those of 0021
-- for renames too: renaming a source can touch every figure of a dataset): it
-- rebuilds a few bodies at once, one by one, and leaves many for the commit.
ALTER FUNCTION refresh_figure_read(bigint[]) RENAME TO refresh_figure_read_each;

CREATE FUNCTION refresh_figure_read(ids bigint[]) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    IF cardinality(ids) > figure_read_bulk_above() THEN
        INSERT INTO figure_read_pending (figure_id) SELECT unnest(ids) ON CONFLICT DO NOTHING;
        INSERT INTO figure_read_flush_due VALUES (pg_current_xact_id()) ON CONFLICT DO NOTHING;
    ELSIF cardinality(ids) > 0 THEN
        PERFORM refresh_figure_read_each(ids);
    END IF;
END
$$;

CREATE OR REPLACE FUNCTION figure_read_on_figure() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM refresh_figure_read(ARRAY(SELECT id FROM written));
    RETURN NULL;
END
$$;

CREATE OR REPLACE FUNCTION figure_read_on_annotation() RETURNS trigger
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

DROP FUNCTION figure_read_changed(bigint[]);

CREATE OR REPLACE FUNCTION flush_figure_read() RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    waiting bigint[];
BEGIN
    WITH taken AS (DELETE FROM figure_read_pending RETURNING figure_id)
    SELECT array_agg(figure_id) INTO waiting FROM taken;
    IF waiting IS NOT NULL THEN
        PERFORM refresh_figure_read_bulk(waiting);
    END IF;
END
$$;
