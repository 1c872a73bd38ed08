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

-- name: insert_location_area
INSERT INTO location_area (location_id, area_id) VALUES (%(id)s, %(area)s)
ON CONFLICT DO NOTHING

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

-- name: insert_dispute
INSERT INTO figure_dispute (figure_id, source_id, document_id, stated_on, quote, note)
VALUES (%(figure_id)s, %(source)s, %(document_id)s, %(stated_on)s, %(quote)s, %(note)s)
ON CONFLICT (figure_id, source_id, stated_on) DO NOTHING
