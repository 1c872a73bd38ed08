-- A dataset's citations say how the dataset named each source: UCDP writes
-- its outlets as it likes ("SOHR", "Syrian Observatory for Human Rights",
-- "Step News"), and Tally matches each to one of its sources (migration
-- 0017 kept the words on the citation as name_as_written, but no body showed
-- them). A reader who doubts a match can now see what was matched.
--
-- Both ways of building a body (0023's, one figure at a time, and 0024's,
-- with joins) are written out again with the one new member, keeping the
-- settings 0026 gave them; service/sql/queries/figures.sql (json_dataset)
-- declares the same, and tests/imports/test_read_model.py compares them.
-- Then every body with citations is rebuilt.

CREATE OR REPLACE FUNCTION refresh_figure_read_each(ids bigint[]) RETURNS void
LANGUAGE sql SET timezone = 'UTC' SET extra_float_digits = 1 AS $$
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
                                       'name_as_written', c.name_as_written,
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

CREATE OR REPLACE FUNCTION refresh_figure_read_bulk(ids bigint[]) RETURNS void
LANGUAGE plpgsql SET timezone = 'UTC' SET extra_float_digits = 1 AS $function$
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
                   'name_as_written', c.name_as_written,
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

SELECT refresh_figure_read_bulk(ARRAY(SELECT DISTINCT figure_id FROM figure_citation));
