-- Sources, documents, locations and metrics.

-- name: list_sources
SELECT id, body::text AS body FROM source_api
WHERE (%(after)s::text IS NULL OR id > %(after)s) AND (%(kind)s::text[] IS NULL OR kind = ANY(%(kind)s))
ORDER BY id LIMIT %(limit)s

-- name: get_source
SELECT id, body::text AS body FROM source_api WHERE id = %(id)s

-- name: source_spellings
-- Every spelling that names a source, for imports (service/importers/sources.py):
-- the aliases first, then each source's name and its id.
SELECT spelling, source_id, how FROM (
    SELECT alias AS spelling, source_id, 'alias' AS how, 0 AS rank FROM source_alias
    UNION ALL
    SELECT name, id, 'source', 1 FROM source
    UNION ALL
    SELECT id, id, 'source', 2 FROM source
) spellings
ORDER BY rank, source_id, spelling

-- name: list_documents
SELECT id, body::text AS body FROM document_api
WHERE (%(after)s::bigint IS NULL OR id > %(after)s)
  AND (%(publisher)s::text[] IS NULL OR publisher_id = ANY(%(publisher)s))
ORDER BY id LIMIT %(limit)s

-- name: get_document
SELECT id, body::text AS body FROM document_api WHERE id = %(id)s

-- name: list_locations
-- q is an ILIKE pattern (filters.contains_pattern) tried on every name a place goes by.
SELECT id, body::text AS body FROM location_api
WHERE (%(after)s::text IS NULL OR id > %(after)s)
  AND (%(kind)s::text[] IS NULL OR kind = ANY(%(kind)s))
  AND (%(parent)s::text IS NULL OR parent_id = %(parent)s)
  AND (%(q)s::text IS NULL OR id IN (
        SELECT l.id FROM location l
        WHERE l.id ILIKE %(q)s OR l.pcode ILIKE %(q)s OR l.name ILIKE %(q)s OR l.name_ar ILIKE %(q)s
           OR EXISTS (SELECT FROM unnest(l.aliases) a WHERE a ILIKE %(q)s)))
ORDER BY id LIMIT %(limit)s

-- name: find_location
-- By id before p-code: one place's p-code may be another's id.
SELECT id FROM location WHERE id = %(code)s OR pcode = %(code)s ORDER BY id <> %(code)s LIMIT 1

-- name: find_location_by_alias
-- The places listing the code as an alias (any case), else those named by its ISO 3166 counterpart.
WITH by_alias AS (
    SELECT id FROM location WHERE EXISTS (SELECT FROM unnest(aliases) a WHERE lower(a) = lower(%(code)s))
), by_iso AS (
    SELECT id FROM location
    WHERE %(iso)s::text IS NOT NULL AND (id = %(iso)s OR pcode = %(iso)s OR %(iso)s = ANY(aliases))
)
SELECT id FROM by_alias
UNION ALL
SELECT id FROM by_iso WHERE NOT EXISTS (SELECT FROM by_alias)
ORDER BY id

-- name: location_subtree
-- The place and every place inside it, through its children and the places
-- that lie in it as an area (migration 0018).
WITH RECURSIVE tree AS (
    SELECT id FROM location WHERE id = %(id)s
    UNION
    SELECT c.inner_id FROM location_containment c JOIN tree ON c.outer_id = tree.id
)
SELECT array_agg(id) AS ids FROM tree

-- name: get_location
WITH RECURSIVE ancestors AS (
    SELECT parent_id AS id, 1 AS depth FROM location WHERE id = %(id)s
    UNION
    SELECT l.parent_id, a.depth + 1 FROM location l JOIN ancestors a ON l.id = a.id
    WHERE l.parent_id IS NOT NULL
)
SELECT v.body,
       coalesce((SELECT json_agg(location_ref(l) ORDER BY a.depth)
                 FROM ancestors a JOIN location l ON l.id = a.id), '[]') AS ancestors,
       coalesce((SELECT json_agg(location_ref(c) ORDER BY c.id)
                 FROM location c
                 WHERE c.id IN (SELECT x.inner_id FROM location_containment x WHERE x.outer_id = v.id)),
                '[]') AS children
FROM location_api v WHERE v.id = %(id)s

-- name: list_metrics
SELECT id, label, definition, unit, hxl_hashtag, is_flow FROM metric ORDER BY id
