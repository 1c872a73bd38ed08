-- Figures as the API serves them. figure_rows is completed with the figures
-- to read ({figures}: the figure table, or figure_as_of(%(as_of)s) for the
-- past) and one where_<filter> block per filter the request uses ({where}).

-- name: figure_rows
SELECT f.id, f.version,
       json_build_object(
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
           'destination', location_ref(t),
           'period_start', f.period_start,
           'period_end', f.period_end,
           'stated_on', f.stated_on,
           'source', source_ref(s),
           'document', json_build_object(
               'id', d.id, 'title', d.title, 'publisher', source_ref(p),
               'url', d.url, 'published_on', d.published_on),
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
           'updated_at', f.updated_at
       )::text AS body
FROM {figures} f
JOIN location l ON l.id = f.location_id
LEFT JOIN location o ON o.id = f.origin_id
LEFT JOIN location t ON t.id = f.destination_id
JOIN source s ON s.id = f.source_id
JOIN document d ON d.id = f.document_id
LEFT JOIN source p ON p.id = d.publisher_id
WHERE {where}
ORDER BY f.id
LIMIT %(limit)s

-- name: live_figures
figure

-- name: figures_as_of
figure_as_of(%(as_of)s)

-- name: where_id
f.id = %(id)s

-- name: where_after
f.id > %(after)s

-- name: where_metric
f.metric_id = ANY(%(metric)s)

-- name: where_location
f.location_id = ANY(%(location)s)

-- name: where_origin
f.origin_id = ANY(%(origin)s)

-- name: where_destination
f.destination_id = ANY(%(destination)s)

-- name: where_source
f.source_id = ANY(%(source)s)

-- name: where_status
f.status = ANY(%(status)s)

-- name: where_not_retracted
f.status <> 'retracted'

-- name: where_qualifier
f.qualifier = ANY(%(qualifier)s)

-- name: where_from_
f.period_end >= %(from_)s

-- name: where_to
f.period_start <= %(to)s

-- name: where_stated_from
f.stated_on >= %(stated_from)s

-- name: where_stated_to
f.stated_on <= %(stated_to)s

-- name: insert_figure
INSERT INTO figure (metric_id, count_kind, value, low, high, qualifier, stated_words,
                    population_group, location_id, origin_id, destination_id,
                    period_start, period_end, stated_on, source_id, document_id,
                    quote, status, status_note)
VALUES (%(metric)s, %(count_kind)s, %(value)s, %(low)s, %(high)s, %(qualifier)s,
        %(stated_words)s, %(population_group)s, %(location)s, %(origin)s,
        %(destination)s, %(period_start)s, %(period_end)s, %(stated_on)s, %(source)s,
        %(document)s, %(quote)s, %(status)s, %(status_note)s)
RETURNING id, version

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
SELECT id, version, status FROM figure WHERE id = %(id)s

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
