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
           trimmed_field(longitude) AS longitude
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

-- name: stage_sources
-- Sources new to Tally, named (and kinded) by the first valid row that cites them.
INSERT INTO staged_source (id, name, kind)
SELECT c.source_id, c.source_name, c.source_kind
FROM (SELECT source_id, min(record) AS record FROM tally_csv_checked
      WHERE faults = '{}' AND NOT source_known GROUP BY source_id) first
JOIN tally_csv_checked c ON c.record = first.record

-- name: stage_documents
-- Each document as the first valid row that cites it describes it. Its
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
      WHERE faults = '{}' GROUP BY document_key) first
JOIN tally_csv_checked c ON c.record = first.record

-- name: stage_figures
-- line: the row's number after the header; the file line unless a quoted field spans lines.
INSERT INTO staged_figure (line, external_id, metric_id, count_kind, value, low, high, qualifier, stated_words,
                           population_group, location_id, origin_id, destination_id, period_start, period_end,
                           stated_on, source_id, document_key, quote, latitude, longitude)
SELECT %(first_line)s - 1 + record, id, metric_id, count_kind, value_n, low_n, high_n, qualifier, stated_words,
       population_group, location, origin, destination, period_start_d, period_end_d,
       stated_on_d, source_id, document_key, quote, latitude_f, longitude_f
FROM tally_csv_checked
WHERE faults = '{}'
