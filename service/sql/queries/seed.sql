-- Seed loading: every statement adds only what is missing, so seeding twice
-- changes nothing.

-- name: insert_source
INSERT INTO source (id, name, kind, url, description)
VALUES (%(id)s, %(name)s, %(kind)s, %(url)s, %(description)s)
ON CONFLICT (id) DO NOTHING

-- name: insert_location
INSERT INTO location (id, pcode, name, name_ar, aliases, kind, parent_id, latitude, longitude, description)
VALUES (%(id)s, %(pcode)s, %(name)s, %(name_ar)s, %(aliases)s, %(kind)s, %(parent)s,
        %(latitude)s, %(longitude)s, %(description)s)
ON CONFLICT (id) DO NOTHING

-- name: insert_document
WITH inserted AS (
    INSERT INTO document (title, publisher_id, url, published_on, language)
    VALUES (%(title)s, %(publisher)s, %(url)s, %(published_on)s, %(language)s)
    ON CONFLICT DO NOTHING
    RETURNING id
)
SELECT id FROM inserted
UNION ALL
SELECT id FROM document
WHERE title = %(title)s
  AND publisher_id IS NOT DISTINCT FROM %(publisher)s
  AND published_on IS NOT DISTINCT FROM %(published_on)s::date
LIMIT 1

-- name: insert_figure
WITH inserted AS (
    INSERT INTO figure (metric_id, count_kind, value, low, high, qualifier, stated_words,
                        population_group, location_id, origin_id, destination_id,
                        period_start, period_end, stated_on, source_id, document_id,
                        quote, status, status_note)
    VALUES (%(metric)s, %(count_kind)s, %(value)s, %(low)s, %(high)s, %(qualifier)s,
            %(stated_words)s, %(population_group)s, %(location)s, %(origin)s,
            %(destination)s, %(period_start)s, %(period_end)s, %(stated_on)s, %(source)s,
            %(document_id)s, %(quote)s, %(status)s, %(status_note)s)
    ON CONFLICT ON CONSTRAINT figure_statement_unique DO NOTHING
    RETURNING id
)
SELECT id FROM inserted
UNION ALL
SELECT id FROM figure
WHERE source_id = %(source)s AND metric_id = %(metric)s AND location_id = %(location)s
  AND origin_id IS NOT DISTINCT FROM %(origin)s
  AND destination_id IS NOT DISTINCT FROM %(destination)s
  AND population_group IS NOT DISTINCT FROM %(population_group)s
  AND period_start = %(period_start)s::date AND period_end = %(period_end)s::date
  AND value = %(value)s
LIMIT 1

-- name: insert_dispute
INSERT INTO figure_dispute (figure_id, source_id, document_id, stated_on, quote, note)
VALUES (%(figure_id)s, %(source)s, %(document_id)s, %(stated_on)s, %(quote)s, %(note)s)
ON CONFLICT (figure_id, source_id, stated_on) DO NOTHING
