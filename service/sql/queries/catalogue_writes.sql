-- Creating and changing sources, documents and locations. The update_* blocks
-- are completed with the SET list of the fields a PATCH gives ({assignments}).

-- name: insert_source
INSERT INTO source (id, name, kind, url, description)
VALUES (%(id)s, %(name)s, %(kind)s, %(url)s, %(description)s)
RETURNING id

-- name: update_source
UPDATE source SET {assignments}, updated_at = now() WHERE id = %(id)s RETURNING id

-- name: insert_source_alias
-- No row when the source does not exist or the key is taken (by it or another).
INSERT INTO source_alias (key, alias, source_id)
SELECT %(key)s, %(alias)s, id FROM source WHERE id = %(source_id)s
ON CONFLICT (key) DO NOTHING
RETURNING key

-- name: insert_source_aliases
-- Spellings an import found (service/importers/sources.py), in the order given.
INSERT INTO source_alias (key, alias, source_id)
SELECT a.key, a.alias, a.source_id
FROM unnest(%(keys)s::text[], %(aliases)s::text[], %(sources)s::text[]) WITH ORDINALITY AS a(key, alias, source_id, n)
ORDER BY a.n
ON CONFLICT (key) DO NOTHING

-- name: find_source_alias
SELECT a.key, a.alias, a.source_id, EXISTS (SELECT 1 FROM source WHERE id = %(source_id)s) AS source_exists
FROM (SELECT 1) one
LEFT JOIN source_alias a ON a.key = %(key)s

-- name: insert_document
INSERT INTO document (title, publisher_id, url, published_on, retrieved_on, language)
VALUES (%(title)s, %(publisher)s, %(url)s, %(published_on)s, %(retrieved_on)s, %(language)s)
RETURNING id

-- name: update_document
UPDATE document SET {assignments}, updated_at = now() WHERE id = %(id)s RETURNING id

-- name: insert_location
INSERT INTO location (id, pcode, name, name_ar, aliases, kind, parent_id, latitude, longitude, description)
VALUES (%(id)s, %(pcode)s, %(name)s, %(name_ar)s, %(aliases)s, %(kind)s, %(parent)s,
        %(latitude)s, %(longitude)s, %(description)s)
RETURNING id

-- name: update_location
UPDATE location SET {assignments}, updated_at = now() WHERE id = %(id)s RETURNING id

-- name: is_inside
-- True when location %(id)s is %(ancestor)s or lies inside it, by any containment.
SELECT %(id)s = %(ancestor)s
       OR EXISTS (SELECT 1 FROM location_containers(%(id)s) c WHERE c.id = %(ancestor)s) AS inside

-- name: clear_areas
DELETE FROM location_area WHERE location_id = %(id)s

-- name: add_area
INSERT INTO location_area (location_id, area_id) VALUES (%(id)s, %(area)s)
