-- Figures as the API serves them. figure_rows is completed with the figures
-- to read ({figures}: the figure table), the conditions of the filters the
-- request uses ({where}, built from the declaration in service/figure.py) and
-- the JSON body ({body}: the stored one, stored_body). figure_rows_as_of reads
-- the figures as they stood at a past moment, with the same conditions and
-- the body built from those past rows by the declaration's expression.

-- name: figure_rows
-- {order} is the requested sort with the id as tie-breaker; {sort_key} its column.
-- The page is picked from the figures alone, then each of its rows looks up
-- what it refers to. Joining the six tables instead made PostgreSQL spend
-- longer choosing a join order (~8 ms) than running the query (~2 ms).
SELECT f.id, f.version, f.updated_at, {sort_key} AS sort_key,
       {body}::text AS body
FROM (SELECT f.* FROM {figures} f WHERE {where} ORDER BY {order} LIMIT %(limit)s) f
ORDER BY {order}

-- name: live_figures
figure

-- name: stored_body
-- The body the read model keeps for a current figure (migration 0021).
(SELECT r.body FROM figure_read r WHERE r.figure_id = f.id)

-- name: figure_rows_as_of
-- The figures as they stood at %(as_of)s (migration 0020): those unchanged
-- since, read from the table with its indexes, and those changed since, read
-- from their revisions. Each part picks its own first page, in order, and the
-- page is taken from the two. As one UNION ALL under the ORDER BY, PostgreSQL
-- cannot use the table's order (a part with a WHERE clause is planned apart)
-- and sorted every figure: seconds on 1,000,000 figures instead of milliseconds.
SELECT f.id, f.version, f.updated_at, {sort_key} AS sort_key,
       {body}::text AS body
FROM (SELECT f.* FROM (
          (SELECT f.* FROM figure f WHERE f.updated_at <= %(as_of)s AND {where}
           ORDER BY {order} LIMIT %(limit)s)
          UNION ALL
          (SELECT f.* FROM figure_changed_after(%(as_of)s) f WHERE {where}
           ORDER BY {order} LIMIT %(limit)s)
      ) f
      ORDER BY {order} LIMIT %(limit)s) f
ORDER BY {order}

-- name: count_figures
-- How many figures match, for include_total: the list's condition without a cursor's.
SELECT count(*) AS total FROM figure f WHERE {where}

-- name: count_figures_as_of
-- How many matched at %(as_of)s: the two parts of figure_rows_as_of, counted.
SELECT (SELECT count(*) FROM figure f WHERE f.updated_at <= %(as_of)s AND {where})
     + (SELECT count(*) FROM figure_changed_after(%(as_of)s) f WHERE {where}) AS total

-- name: find_statement
SELECT id FROM figure
WHERE source_id = %(source)s AND metric_id = %(metric)s AND location_id = %(location)s
  AND origin_id IS NOT DISTINCT FROM %(origin)s
  AND destination_id IS NOT DISTINCT FROM %(destination)s
  AND population_group IS NOT DISTINCT FROM %(population_group)s
  AND period_start = %(period_start)s AND period_end = %(period_end)s
  AND value = %(value)s

-- name: update_figure
UPDATE figure SET {assignments}, version = version + 1, updated_at = now()
WHERE id = %(id)s AND (%(versions)s::int[] IS NULL OR version = ANY(%(versions)s))
RETURNING id, version

-- name: retract_figure
UPDATE figure SET status = 'retracted', status_note = %(reason)s, version = version + 1, updated_at = now()
WHERE id = %(id)s AND status <> 'retracted'
  AND (%(versions)s::int[] IS NULL OR version = ANY(%(versions)s))
RETURNING id, version

-- name: figure_state
-- A figure's version and status, its body as served, and the data version's moment: the body shows the figure's
-- source, document and its publisher, places, disputes' sources, dataset and citations, and a rename of any of them
-- rebuilds it without a new version of the figure, but always moves the data version (migration 0005 and after).
SELECT f.id, f.version, f.status, f.updated_at, r.body, v.changed_at AS shown_changed_at
FROM figure f
JOIN figure_read r ON r.figure_id = f.id
CROSS JOIN data_version v
WHERE f.id = %(id)s

-- name: insert_dispute
INSERT INTO figure_dispute (figure_id, source_id, document_id, stated_on, quote, note)
VALUES (%(id)s, %(source)s, %(document)s, %(stated_on)s, %(quote)s, %(note)s)
RETURNING id

-- name: mark_disputed
UPDATE figure SET status = 'disputed', version = version + 1, updated_at = now()
WHERE id = %(id)s AND status <> 'retracted'
RETURNING id, version

-- name: list_revisions
SELECT version, kind, changed_by, changed_at, reason, state
FROM figure_revision WHERE figure_id = %(id)s ORDER BY version

-- name: list_changes
SELECT r.seq, r.kind, r.figure_id, r.version, r.changed_by, r.changed_at, r.reason
FROM figure_revision r
WHERE r.seq > %(after)s
ORDER BY r.seq
LIMIT %(limit)s

-- name: where_q
-- Case-insensitive search in the words of a figure and the names of its source and places.
(f.quote ILIKE %(q)s OR f.stated_words ILIKE %(q)s OR f.population_group ILIKE %(q)s
 OR EXISTS (SELECT 1 FROM source qs WHERE qs.id = f.source_id AND qs.name ILIKE %(q)s)
 OR EXISTS (SELECT 1 FROM location ql
            WHERE ql.id IN (f.location_id, f.origin_id, f.destination_id)
              AND (ql.name ILIKE %(q)s OR ql.name_ar ILIKE %(q)s
                   OR EXISTS (SELECT 1 FROM unnest(ql.aliases) alias WHERE alias ILIKE %(q)s))))

-- name: json_place
-- The JSON of the figure fields that refer to other tables, used by
-- service/figure.py to build the body ({prefix}: the field's name).
(SELECT location_ref(l) FROM location l WHERE l.id = f.{prefix}_id)

-- name: json_source
(SELECT source_ref(s) FROM source s WHERE s.id = f.source_id)

-- name: json_document
(SELECT json_build_object(
            'id', d.id, 'title', d.title,
            'publisher', (SELECT source_ref(p) FROM source p WHERE p.id = d.publisher_id),
            'url', d.url, 'published_on', d.published_on)
 FROM document d WHERE d.id = f.document_id)

-- name: json_disputes
coalesce((
    SELECT json_agg(json_build_object(
               'id', x.id, 'source', source_ref(xs), 'document_id', x.document_id,
               'stated_on', x.stated_on, 'quote', x.quote, 'note', x.note)
           ORDER BY x.id)
    FROM figure_dispute x JOIN source xs ON xs.id = x.source_id
    WHERE x.figure_id = f.id AND x.created_at <= f.updated_at), '[]'::json)

-- name: json_dataset
(SELECT json_build_object(
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
 WHERE di.id = f.import_id)

-- name: unknown_ids
-- The values of a filter that name no row of {table}, for a 422 that lists them.
SELECT coalesce(array_agg(DISTINCT x ORDER BY x), '{{}}') AS unknown
FROM unnest(%(ids)s::text[]) AS x
WHERE NOT EXISTS (SELECT 1 FROM {table} t WHERE t.id = x)
