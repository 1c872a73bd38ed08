-- Importing Tally's own CSV and HXL exports (service/importers/tally_csv.py).
-- The file is COPYed as it is into tally_csv_row (one text column per file
-- column, created to fit its header), then checked, and staged for the
-- common import steps (imports.sql), each in one statement over every row.

-- name: check_rows
-- Every row with its fields trimmed (trimmed_field, migration 0012), typed
-- where they are valid (a coordinate's length is capped, as its pattern
-- alone would let 400 digits overflow the cast), resolved
-- (metric, places, sources) and the list of what is wrong with it: faults
-- holds codes that service/importers/tally_csv.py words for the report. A
-- typed column is null when its text is missing or invalid; the faults say
-- which. A place is named by id, else by p-code; a source new to Tally needs
-- a name. typed is MATERIALIZED
-- so that each cast and pattern runs once per row, however often the checks
-- read its result; the patterns avoid bounded repeats ({1,18}), which make
-- PostgreSQL's regular expressions several times slower.
CREATE TEMPORARY TABLE tally_csv_checked ON COMMIT DROP AS
WITH place AS MATERIALIZED (
    SELECT DISTINCT ON (key) key, id
    FROM (SELECT id AS key, id, 1 AS rank FROM location
          UNION ALL
          SELECT pcode, id, 2 FROM location WHERE pcode IS NOT NULL) keys
    ORDER BY key, rank
), cleaned AS (
    SELECT record,
           trimmed_field(id) AS id,
           coalesce(trimmed_field(metric), %(implied_metric)s) AS metric,
           trimmed_field(count_kind) AS count_kind,
           trimmed_field(value) AS value,
           trimmed_field(low) AS low,
           trimmed_field(high) AS high,
           coalesce(trimmed_field(qualifier), 'exact') AS qualifier,
           trimmed_field(stated_words) AS stated_words,
           trimmed_field(population_group) AS population_group,
           coalesce(trimmed_field(location_id), trimmed_field(location_pcode)) AS location_key,
           coalesce(trimmed_field(origin_id), trimmed_field(origin_pcode)) AS origin_key,
           coalesce(trimmed_field(destination_id), trimmed_field(destination_pcode)) AS destination_key,
           trimmed_field(period_start) AS period_start,
           trimmed_field(period_end) AS period_end,
           trimmed_field(stated_on) AS stated_on,
           trimmed_field(source_id) AS source_id,
           trimmed_field(source_name) AS source_name,
           coalesce(trimmed_field(source_kind), 'media') AS source_kind,
           trimmed_field(document_title) AS document_title,
           trimmed_field(document_publisher_id) AS document_publisher_id,
           trimmed_field(document_url) AS document_url,
           trimmed_field(document_published_on) AS document_published_on,
           trimmed_field(quote) AS quote,
           trimmed_field(latitude) AS latitude,
           trimmed_field(longitude) AS longitude,
           trimmed_field(dataset_id) AS dataset_id,
           trimmed_field(dataset_external_id) AS dataset_external_id
    FROM tally_csv_row
), typed AS MATERIALIZED (
    SELECT c.*,
           m.id AS metric_id,
           CASE WHEN c.value ~ '^[0-9]+$' AND length(c.value) <= 18 THEN c.value::bigint END AS value_n,
           CASE WHEN c.low ~ '^[0-9]+$' AND length(c.low) <= 18 THEN c.low::bigint END AS low_n,
           CASE WHEN c.high ~ '^[0-9]+$' AND length(c.high) <= 18 THEN c.high::bigint END AS high_n,
           CASE WHEN is_iso_date(c.period_start) THEN c.period_start::date END AS period_start_d,
           CASE WHEN is_iso_date(c.period_end) THEN c.period_end::date END AS period_end_d,
           CASE WHEN is_iso_date(c.stated_on) THEN c.stated_on::date END AS stated_on_d,
           CASE WHEN is_iso_date(c.document_published_on) THEN c.document_published_on::date END AS published_on_d,
           CASE WHEN c.latitude ~ '^[-+]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][-+]?[0-9][0-9]?)?$'
                     AND length(c.latitude) <= 30
                THEN c.latitude::float8 END AS latitude_f,
           CASE WHEN c.longitude ~ '^[-+]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][-+]?[0-9][0-9]?)?$'
                     AND length(c.longitude) <= 30
                THEN c.longitude::float8 END AS longitude_f,
           loc.id AS location, origin.id AS origin, destination.id AS destination,
           s.id IS NOT NULL AS source_known
    FROM cleaned c
    LEFT JOIN metric m ON m.id = c.metric
    LEFT JOIN place loc ON loc.key = c.location_key
    LEFT JOIN place origin ON origin.key = c.origin_key
    LEFT JOIN place destination ON destination.key = c.destination_key
    LEFT JOIN source s ON s.id = c.source_id
)
SELECT t.*,
       concat_ws(E'\x1f', t.document_title, coalesce(t.document_publisher_id, ''), t.published_on_d::text)
           AS document_key,
       array_remove(ARRAY[
           CASE WHEN t.id IS NULL THEN 'id_missing' END,
           CASE WHEN t.metric_id IS NULL THEN 'metric_unknown' END,
           CASE WHEN NOT coalesce(t.count_kind = ANY(%(count_kinds)s), false) THEN 'count_kind_invalid' END,
           CASE WHEN t.value IS NULL THEN 'value_missing'
                WHEN t.value_n IS NULL THEN 'value_invalid' END,
           CASE WHEN t.low IS NOT NULL AND t.low_n IS NULL THEN 'low_invalid'
                WHEN t.low_n > t.value_n THEN 'low_above_value' END,
           CASE WHEN t.high IS NOT NULL AND t.high_n IS NULL THEN 'high_invalid'
                WHEN t.high_n < t.value_n THEN 'high_below_value' END,
           CASE WHEN NOT t.qualifier = ANY(%(qualifiers)s) THEN 'qualifier_invalid' END,
           CASE WHEN t.period_start_d IS NULL THEN 'period_start_invalid' END,
           CASE WHEN t.period_end_d IS NULL THEN 'period_end_invalid'
                WHEN t.period_end_d < t.period_start_d THEN 'period_end_before_start' END,
           CASE WHEN t.stated_on_d IS NULL THEN 'stated_on_invalid' END,
           CASE WHEN t.location_key IS NULL THEN 'location_missing'
                WHEN t.location IS NULL THEN 'location_unknown' END,
           CASE WHEN t.origin_key IS NOT NULL AND t.origin IS NULL THEN 'origin_unknown' END,
           CASE WHEN t.destination_key IS NOT NULL AND t.destination IS NULL THEN 'destination_unknown' END,
           CASE WHEN t.source_id IS NULL THEN 'source_missing'
                WHEN t.source_known THEN NULL
                WHEN t.source_name IS NULL THEN 'source_unnamed'
                WHEN t.source_id !~ '^[a-z0-9][-a-z0-9]*$' OR length(t.source_id) > 63 THEN 'source_id_invalid'
                WHEN NOT t.source_kind = ANY(%(source_kinds)s) THEN 'source_kind_invalid' END,
           CASE WHEN t.document_title IS NULL THEN 'document_title_missing' END,
           CASE WHEN t.document_url !~ '^https?://' THEN 'document_url_invalid' END,
           CASE WHEN t.document_published_on IS NOT NULL AND t.published_on_d IS NULL
                THEN 'document_published_on_invalid' END,
           CASE WHEN t.latitude IS NOT NULL AND NOT coalesce(t.latitude_f BETWEEN -90 AND 90, false)
                THEN 'latitude_invalid' END,
           CASE WHEN t.longitude IS NOT NULL AND NOT coalesce(t.longitude_f BETWEEN -180 AND 180, false)
                THEN 'longitude_invalid' END,
           CASE WHEN (t.latitude IS NULL) <> (t.longitude IS NULL) THEN 'point_incomplete' END
       ], NULL) AS faults
FROM typed t

-- name: repeated_ids
-- A figure id given again further down the file: each later row is a fault.
UPDATE tally_csv_checked c
SET faults = c.faults || 'id_repeated'::text
FROM (SELECT record FROM (SELECT record, row_number() OVER (PARTITION BY id ORDER BY record) AS nth
                          FROM tally_csv_checked
                          WHERE id IN (SELECT id FROM tally_csv_checked GROUP BY id HAVING count(*) > 1)) r
      WHERE nth > 1) later
WHERE c.record = later.record

-- name: faulty_rows
-- The rows at fault, with the text of their fields as the file gives it.
SELECT record, faults, to_jsonb(c) AS fields FROM tally_csv_checked c
WHERE faults <> '{}'
ORDER BY record

-- name: analyze_checked
-- The planner must know how many rows the file has (autovacuum never
-- analyses a temporary table): matching them with a large figure table by
-- nested loops, as it would for the few rows it guesses, takes minutes.
ANALYZE tally_csv_checked (record, faults, id, dataset_id, dataset_external_id, source_id, metric_id, location,
                           period_start_d, period_end_d, value_n)

-- name: match_figures
-- Which figure Tally has each valid row is, in this order: the one its
-- dataset_id and dataset_external_id name (an export names every imported
-- figure so); this dataset's figure whose external id is the row's id (an
-- earlier import of the file); a figure with the row's statement (the
-- columns of figure_statement_unique: source, metric, places, population
-- group, period, value), the one whose id is the row's id first, each
-- figure for one row only. A row that names a figure an earlier row names
-- is not imported (repeats). A row no figure is, is new (under its id), or
-- is not imported when its id is already the external id of this dataset's
-- figure another row is (taken). A row is staged when it is new or one of
-- this dataset's figures; any other figure (entered by hand, or another
-- dataset's) is left as it is.
CREATE TEMPORARY TABLE tally_csv_match ON COMMIT DROP AS
WITH valid AS MATERIALIZED (
    SELECT * FROM tally_csv_checked WHERE faults = '{}'
), naming AS (
    SELECT c.record, f.id AS figure_id,
           row_number() OVER (PARTITION BY f.id ORDER BY c.record) AS nth
    FROM valid c JOIN figure f ON f.dataset_id = c.dataset_id AND f.external_id = c.dataset_external_id
), named AS (
    SELECT record, figure_id, 'dataset_id' AS matched_by FROM naming WHERE nth = 1
), own AS (
    -- NOT EXISTS, not NOT IN, here and below: an anti-join, whatever the planner guesses of the sizes.
    SELECT c.record, f.id AS figure_id, 'id' AS matched_by
    FROM valid c JOIN figure f ON f.dataset_id = %(dataset)s AND f.external_id = c.id
    WHERE NOT EXISTS (SELECT 1 FROM naming n WHERE n.record = c.record)
      AND NOT EXISTS (SELECT 1 FROM named n WHERE n.figure_id = f.id)
), claimed AS MATERIALIZED (
    SELECT * FROM named UNION ALL SELECT * FROM own
), unclaimed AS MATERIALIZED (
    SELECT c.* FROM valid c
    WHERE NOT EXISTS (SELECT 1 FROM naming n WHERE n.record = c.record)
      AND NOT EXISTS (SELECT 1 FROM claimed m WHERE m.record = c.record)
), stated AS MATERIALIZED (
    -- Equalities on the columns that are never null, so that the join can hash.
    SELECT c.record, f.id AS figure_id, f.id::text = c.id AS same_id
    FROM unclaimed c
    JOIN figure f ON f.source_id = c.source_id AND f.metric_id = c.metric_id AND f.location_id = c.location
                 AND f.period_start = c.period_start_d AND f.period_end = c.period_end_d AND f.value = c.value_n
    WHERE f.origin_id IS NOT DISTINCT FROM c.origin AND f.destination_id IS NOT DISTINCT FROM c.destination
      AND f.population_group IS NOT DISTINCT FROM c.population_group
      AND NOT EXISTS (SELECT 1 FROM claimed m WHERE m.figure_id = f.id)
), same_id AS (
    SELECT record, figure_id FROM stated WHERE same_id
), rest AS (
    SELECT s.record, s.figure_id FROM stated s
    WHERE NOT EXISTS (SELECT 1 FROM same_id x WHERE x.record = s.record OR x.figure_id = s.figure_id)
), rest_rows AS (
    -- Rows of one statement have the same candidates: the lowest names their group.
    SELECT record, min(figure_id) AS statement FROM rest GROUP BY record
), paired AS (
    -- The nth row of a statement is its nth figure.
    SELECT r.record, f.figure_id
    FROM (SELECT record, statement, row_number() OVER (PARTITION BY statement ORDER BY record) AS nth
          FROM rest_rows) r
    JOIN (SELECT figure_id, statement, row_number() OVER (PARTITION BY statement ORDER BY figure_id) AS nth
          FROM (SELECT DISTINCT x.figure_id, g.statement FROM rest x JOIN rest_rows g USING (record)) g) f
      ON f.statement = r.statement AND f.nth = r.nth
), matched AS (
    SELECT * FROM claimed
    UNION ALL SELECT record, figure_id, 'statement' FROM same_id
    UNION ALL SELECT record, figure_id, 'statement' FROM paired
)
SELECT c.record, c.id, m.figure_id, m.matched_by, f.dataset_id AS figure_dataset,
       repeated.figure_id AS repeats, taken.id AS taken_by,
       CASE WHEN f.dataset_id = %(dataset)s THEN f.external_id
            WHEN m.figure_id IS NULL AND repeated.figure_id IS NULL THEN c.id END AS external_id,
       CASE WHEN m.figure_id IS NOT NULL THEN coalesce(f.dataset_id = %(dataset)s, false)
            ELSE repeated.figure_id IS NULL AND taken.id IS NULL END AS staged
FROM valid c
LEFT JOIN matched m ON m.record = c.record
LEFT JOIN figure f ON f.id = m.figure_id
LEFT JOIN naming repeated ON repeated.record = c.record AND repeated.nth > 1
LEFT JOIN figure taken ON m.figure_id IS NULL AND taken.dataset_id = %(dataset)s AND taken.external_id = c.id

-- name: match_counts
-- How the rows were recognised; how many are other figures left as they
-- are; how many are not imported (repeats, or an id taken).
SELECT coalesce(jsonb_object_agg(matched_by, n) FILTER (WHERE matched_by IS NOT NULL), '{}') AS matched,
       coalesce(sum(others), 0)::int AS left_as_they_are, coalesce(sum(refused), 0)::int AS not_imported
FROM (SELECT matched_by, count(*) AS n,
             count(*) FILTER (WHERE figure_id IS NOT NULL AND NOT staged) AS others,
             count(*) FILTER (WHERE figure_id IS NULL AND NOT staged) AS refused
      FROM tally_csv_match GROUP BY matched_by) counted

-- name: left_rows
-- The rows not imported that the report lists: other figures whose fields
-- differ from the row's (of the fields an import compares, those the file
-- has: present), repeats, and new rows whose id is taken.
SELECT record, id, figure_id, figure_dataset, repeats, taken_by, differs
FROM (
    SELECT m.record, m.id, m.figure_id, m.figure_dataset, m.repeats, m.taken_by,
           ARRAY(SELECT field FROM unnest(ARRAY[
               CASE WHEN c.metric_id IS DISTINCT FROM f.metric_id THEN 'metric' END,
               CASE WHEN c.count_kind IS DISTINCT FROM f.count_kind THEN 'count_kind' END,
               CASE WHEN c.value_n IS DISTINCT FROM f.value THEN 'value' END,
               CASE WHEN c.low_n IS DISTINCT FROM f.low THEN 'low' END,
               CASE WHEN c.high_n IS DISTINCT FROM f.high THEN 'high' END,
               CASE WHEN c.qualifier IS DISTINCT FROM f.qualifier THEN 'qualifier' END,
               CASE WHEN c.stated_words IS DISTINCT FROM f.stated_words THEN 'stated_words' END,
               CASE WHEN c.population_group IS DISTINCT FROM f.population_group THEN 'population_group' END,
               CASE WHEN c.location IS DISTINCT FROM f.location_id THEN 'location_id' END,
               CASE WHEN c.origin IS DISTINCT FROM f.origin_id THEN 'origin_id' END,
               CASE WHEN c.destination IS DISTINCT FROM f.destination_id THEN 'destination_id' END,
               CASE WHEN c.period_start_d IS DISTINCT FROM f.period_start THEN 'period_start' END,
               CASE WHEN c.period_end_d IS DISTINCT FROM f.period_end THEN 'period_end' END,
               CASE WHEN c.source_id IS DISTINCT FROM f.source_id THEN 'source_id' END,
               CASE WHEN c.document_title IS DISTINCT FROM d.title THEN 'document_title' END,
               CASE WHEN c.document_publisher_id IS DISTINCT FROM d.publisher_id THEN 'document_publisher_id' END,
               CASE WHEN c.published_on_d IS DISTINCT FROM d.published_on THEN 'document_published_on' END,
               CASE WHEN c.quote IS DISTINCT FROM f.quote THEN 'quote' END,
               CASE WHEN c.latitude_f IS DISTINCT FROM f.latitude THEN 'latitude' END,
               CASE WHEN c.longitude_f IS DISTINCT FROM f.longitude THEN 'longitude' END
           ]) AS field WHERE field = ANY(%(present)s) ORDER BY field) AS differs
    FROM tally_csv_match m
    JOIN tally_csv_checked c ON c.record = m.record
    LEFT JOIN figure f ON f.id = m.figure_id
    LEFT JOIN document d ON d.id = f.document_id
    WHERE NOT m.staged
) left_out
WHERE figure_id IS NULL OR differs <> '{}'
ORDER BY record

-- name: stage_sources
-- Sources new to Tally, named (and kinded) by the first staged row that cites them.
INSERT INTO staged_source (id, name, kind)
SELECT c.source_id, c.source_name, c.source_kind
FROM (SELECT source_id, min(record) AS record FROM tally_csv_checked
      WHERE record IN (SELECT record FROM tally_csv_match WHERE staged) AND NOT source_known
      GROUP BY source_id) first
JOIN tally_csv_checked c ON c.record = first.record

-- name: stage_documents
-- Each document as the first staged row that cites it describes it. Its
-- publisher is kept if Tally has that source or this import creates it
-- (stage_sources runs first); a publisher named nowhere else cannot be made
-- from one column, so the document is kept without one.
INSERT INTO staged_document (key, title, publisher_id, url, published_on)
SELECT c.document_key, c.document_title,
       CASE WHEN EXISTS (SELECT 1 FROM source s WHERE s.id = c.document_publisher_id)
              OR EXISTS (SELECT 1 FROM staged_source s WHERE s.id = c.document_publisher_id)
            THEN c.document_publisher_id END,
       c.document_url, c.published_on_d
FROM (SELECT document_key, min(record) AS record FROM tally_csv_checked
      WHERE record IN (SELECT record FROM tally_csv_match WHERE staged) GROUP BY document_key) first
JOIN tally_csv_checked c ON c.record = first.record

-- name: stage_figures
-- line: the row's number after the header; the file line unless a quoted
-- field spans lines. external_id: the row's id, or that of this dataset's
-- figure it is (match_figures).
INSERT INTO staged_figure (line, external_id, metric_id, count_kind, value, low, high, qualifier, stated_words,
                           population_group, location_id, origin_id, destination_id, period_start, period_end,
                           stated_on, source_id, document_key, quote, latitude, longitude)
SELECT %(first_line)s - 1 + c.record, m.external_id, c.metric_id, c.count_kind, c.value_n, c.low_n, c.high_n,
       c.qualifier, c.stated_words, c.population_group, c.location, c.origin, c.destination, c.period_start_d,
       c.period_end_d, c.stated_on_d, c.source_id, c.document_key, c.quote, c.latitude_f, c.longitude_f
FROM tally_csv_checked c
JOIN tally_csv_match m ON m.record = c.record
WHERE m.staged
