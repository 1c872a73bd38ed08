-- Extractions: the gazetteer and the source book the extractor reads, stored extractions and their candidates.

-- name: gazetteer_rows
-- Every location with its names: English, Arabic and aliases.
SELECT id, name, name_ar, aliases, kind, parent_id FROM location ORDER BY id

-- name: source_rows
-- Every source with its aliases.
SELECT s.id, s.name, coalesce(array_agg(a.alias ORDER BY a.alias) FILTER (WHERE a.alias IS NOT NULL), '{}') AS aliases
FROM source s LEFT JOIN source_alias a ON a.source_id = s.id
GROUP BY s.id, s.name ORDER BY s.id

-- name: insert_document_once
-- The document, unless Tally has it (same title, publisher and date): then nothing, and find_document names it.
INSERT INTO document (title, publisher_id, url, published_on, retrieved_on, language)
VALUES (%(title)s, %(publisher)s, %(url)s, %(published_on)s, %(retrieved_on)s, %(language)s)
ON CONFLICT (title, coalesce(publisher_id, ''), coalesce(published_on, '-infinity'::date)) DO NOTHING
RETURNING id

-- name: find_document
SELECT id FROM document
WHERE title = %(title)s AND coalesce(publisher_id, '') = coalesce(%(publisher)s, '')
  AND coalesce(published_on, '-infinity'::date) = coalesce(%(published_on)s::date, '-infinity'::date)

-- name: get_document
SELECT id, title, publisher_id AS publisher, url, published_on, language FROM document WHERE id = %(id)s

-- name: insert_extraction
INSERT INTO extraction (document_id, text, created_by) VALUES (%(document_id)s, %(text)s, %(created_by)s)
RETURNING id

-- name: insert_candidate
INSERT INTO extraction_candidate (
    extraction_id, n, span_start, span_end, quote_start, quote_end, proposal, confidence, reasons, disputed_by)
VALUES (%(extraction_id)s, %(n)s, %(span_start)s, %(span_end)s, %(quote_start)s, %(quote_end)s, %(proposal)s,
        %(confidence)s, %(reasons)s, %(disputed_by)s)

-- name: get_extraction
SELECT id, document_id, text, created_by, created_at FROM extraction WHERE id = %(id)s

-- name: list_candidates
SELECT n, proposal, confidence, reasons, disputed_by, state, figure_id, reject_reason, decided_by, decided_at
FROM extraction_candidate WHERE extraction_id = %(id)s ORDER BY n

-- name: lock_candidate
-- The candidate, locked until the decision commits: of two decisions at once, the second sees the first.
SELECT c.n, c.proposal, c.disputed_by, c.state, c.figure_id, e.document_id, d.published_on, d.publisher_id
FROM extraction_candidate c JOIN extraction e ON e.id = c.extraction_id JOIN document d ON d.id = e.document_id
WHERE c.extraction_id = %(id)s AND c.n = %(n)s
FOR UPDATE OF c

-- name: accept_candidate
-- disputed_by: the proposed disputes, each with the id of the dispute recorded for it (or null).
UPDATE extraction_candidate
SET state = 'accepted', figure_id = %(figure_id)s, decided_by = %(actor)s, decided_at = now(),
    disputed_by = %(disputed_by)s
WHERE extraction_id = %(id)s AND n = %(n)s AND state = 'proposed'

-- name: reject_candidate
UPDATE extraction_candidate
SET state = 'rejected', reject_reason = %(reason)s, decided_by = %(actor)s, decided_at = now()
WHERE extraction_id = %(id)s AND n = %(n)s AND state = 'proposed'
