-- Extractions: the gazetteer and the source book the extractor reads, stored extractions and their candidates.

-- name: gazetteer_rows
-- Every location with its names: English, Arabic and aliases.
SELECT id, name, name_ar, aliases, kind, parent_id FROM location ORDER BY id

-- name: source_rows
-- Every source with its aliases.
SELECT s.id, s.name, coalesce(array_agg(a.alias ORDER BY a.alias) FILTER (WHERE a.alias IS NOT NULL), '{}') AS aliases
FROM source s LEFT JOIN source_alias a ON a.source_id = s.id
GROUP BY s.id, s.name ORDER BY s.id
