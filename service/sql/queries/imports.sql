-- Imports of real datasets. Rows are COPYed into temporary staging tables
-- (dropped at commit), then matched, compared and written set-based: one
-- statement per step, never one per row. Datasets and imports are also read
-- here for /v1/datasets and /v1/imports.

-- name: gazetteer_places
SELECT id, pcode, name, name_ar, aliases, kind, parent_id FROM location

-- name: existing_locations
SELECT id, pcode, name, name_ar, aliases, kind, parent_id, latitude, longitude, iso3,
       gazetteer_id, gazetteer_version, gazetteer_key
FROM location

-- name: country_codes
-- Countries by ISO 3166 alpha-3 code: the iso3 column, else a country whose
-- id or alias is the code (the seed's Syria is 'SY' with the alias 'SYR').
SELECT DISTINCT ON (code) code, id FROM (
    SELECT iso3 AS code, id, 0 AS rank FROM location WHERE iso3 IS NOT NULL
    UNION ALL
    SELECT id, id, 1 FROM location WHERE kind = 'country' AND id ~ '^[A-Z]{3}$'
    UNION ALL
    SELECT a.code, l.id, 2 FROM location l CROSS JOIN LATERAL unnest(l.aliases) AS a(code)
    WHERE l.kind = 'country' AND a.code ~ '^[A-Z]{3}$'
) codes
ORDER BY code, rank, id

-- name: upsert_dataset
INSERT INTO dataset (id, name, kind, publisher, url, licence, citation, description)
VALUES (%(id)s, %(name)s, %(kind)s, %(publisher)s, %(url)s, %(licence)s, %(citation)s, %(description)s)
ON CONFLICT (id) DO UPDATE
SET name = EXCLUDED.name, kind = EXCLUDED.kind, publisher = EXCLUDED.publisher, url = EXCLUDED.url,
    licence = EXCLUDED.licence, citation = EXCLUDED.citation, description = EXCLUDED.description,
    updated_at = now()
WHERE (dataset.name, dataset.kind, dataset.publisher, dataset.url, dataset.licence, dataset.citation,
       dataset.description)
      IS DISTINCT FROM (EXCLUDED.name, EXCLUDED.kind, EXCLUDED.publisher, EXCLUDED.url, EXCLUDED.licence,
                        EXCLUDED.citation, EXCLUDED.description)

-- name: start_import
INSERT INTO dataset_import (dataset_id, version, licence, citation, file_name, sha256, imported_by,
                            rows_read, inserted, updated, unchanged, rejected, skipped)
SELECT id, %(version)s, licence, citation, %(file_name)s, %(sha256)s, %(imported_by)s, 0, 0, 0, 0, 0, 0
FROM dataset WHERE id = %(dataset)s
RETURNING id

-- name: finish_import
UPDATE dataset_import
SET rows_read = %(rows_read)s, inserted = %(inserted)s, updated = %(updated)s, unchanged = %(unchanged)s,
    rejected = %(rejected)s, skipped = %(skipped)s, report = %(report)s
WHERE id = %(id)s

-- name: create_figure_staging
CREATE TEMPORARY TABLE staged_source (
    id text PRIMARY KEY, name text NOT NULL, kind text NOT NULL, description text
) ON COMMIT DROP;
CREATE TEMPORARY TABLE staged_document (
    key text PRIMARY KEY, title text NOT NULL, publisher_id text, url text, published_on date,
    document_id bigint
) ON COMMIT DROP;
CREATE TEMPORARY TABLE staged_citation (
    citation_group text NOT NULL, position smallint NOT NULL, source_id text NOT NULL,
    document_key text NOT NULL, name_as_written text, PRIMARY KEY (citation_group, position)
) ON COMMIT DROP;
CREATE TEMPORARY TABLE staged_country (
    iso3 text PRIMARY KEY, name text NOT NULL, location_id text NOT NULL
) ON COMMIT DROP;
CREATE TEMPORARY TABLE staged_figure (
    line integer NOT NULL,
    external_id text PRIMARY KEY,
    citation_group text,
    -- The figure's imported columns (service/figure.py), its document by natural key.
    {columns},
    document_key text NOT NULL,
    -- Placement: the unit the names matched, whether the point may refine it, and how it was placed.
    scope_id text,
    place_by_point boolean NOT NULL DEFAULT false,
    placement text
) ON COMMIT DROP

-- name: analyze_figure_staging
-- Statistics for the join keys only: the planner needs the row counts and
-- these columns; reading every column of a large staged file takes longer.
ANALYZE staged_document (key, title), staged_citation (citation_group),
        staged_figure (external_id, document_key, citation_group, scope_id)

-- name: insert_countries
-- Countries a dataset names that no gazetteer has: ISO3 id, the dataset's name.
INSERT INTO location (id, name, kind, iso3, gazetteer_id, gazetteer_version, gazetteer_key)
SELECT c.location_id, c.name, 'country', c.iso3, %(dataset)s, %(version)s, c.iso3
FROM staged_country c
WHERE NOT EXISTS (SELECT 1 FROM location l WHERE l.id = c.location_id)
ORDER BY c.iso3

-- name: name_countries
-- A country known only by its code (one ISO 3166 does not name) takes the
-- dataset's name, and the code stays an alias: the gazetteer gives the code
-- as an alias, kept only while it is not the name, so without it the next
-- locations import would update every country a dataset named. Any other
-- name the dataset uses becomes an alias.
UPDATE location l
SET name = CASE WHEN l.name = c.iso3 THEN c.name ELSE l.name END,
    aliases = CASE WHEN l.name = c.iso3 AND NOT c.iso3 = ANY(l.aliases) THEN l.aliases || c.iso3
                   WHEN l.name = c.iso3 OR c.name = l.name OR c.name = ANY(l.aliases) THEN l.aliases
                   ELSE l.aliases || c.name END,
    updated_at = now()
FROM staged_country c
WHERE l.id = c.location_id
  AND c.name <> c.iso3
  AND (l.name = c.iso3 OR NOT (c.name = l.name OR c.name = ANY(l.aliases)))

-- name: place_by_point
-- Rows located to a point (UCDP where_prec 1-2: within 25 km) go to the
-- nearest admin3 centroid inside the unit their names matched, if it lies
-- within max_km; computed once per distinct point and unit. Each admin3 is
-- a candidate for itself and every unit above it.
WITH RECURSIVE above (admin3_id, root) AS (
    SELECT id, id FROM location WHERE kind = 'admin3' AND latitude IS NOT NULL
    UNION ALL
    SELECT a.admin3_id, l.parent_id FROM above a JOIN location l ON l.id = a.root WHERE l.parent_id IS NOT NULL
), candidate AS MATERIALIZED (
    SELECT a.root, l.id, l.latitude, l.longitude
    FROM above a JOIN location l ON l.id = a.admin3_id
    WHERE a.root IN (SELECT scope_id FROM staged_figure WHERE place_by_point)
), point AS (
    SELECT DISTINCT scope_id, latitude, longitude FROM staged_figure WHERE place_by_point
), nearest AS MATERIALIZED (
    SELECT p.scope_id, p.latitude, p.longitude, n.id, n.km
    FROM point p
    CROSS JOIN LATERAL (
        SELECT c.id,
               2 * 6371 * asin(sqrt(power(sin(radians(c.latitude - p.latitude) / 2), 2)
                                    + cos(radians(p.latitude)) * cos(radians(c.latitude))
                                      * power(sin(radians(c.longitude - p.longitude) / 2), 2))) AS km
        FROM candidate c WHERE c.root = p.scope_id
        ORDER BY km, c.id
        LIMIT 1
    ) n
    WHERE n.km <= %(max_km)s
)
UPDATE staged_figure f
SET location_id = n.id,
    placement = 'coordinates',
    dataset_attributes = f.dataset_attributes
                         || jsonb_build_object('placement', 'coordinates', 'distance_km', round(n.km::numeric, 1))
FROM nearest n
WHERE f.place_by_point AND f.scope_id = n.scope_id AND f.latitude = n.latitude AND f.longitude = n.longitude

-- name: place_in_scope
UPDATE staged_figure SET location_id = scope_id WHERE location_id IS NULL

-- name: placement_counts
SELECT placement, count(DISTINCT line) AS rows FROM staged_figure
WHERE placement IS NOT NULL GROUP BY placement ORDER BY rows DESC, placement

-- name: insert_sources
-- Sources as the dataset names them; an existing source is never overwritten.
INSERT INTO source (id, name, kind, description)
SELECT id, name, kind, description FROM staged_source ORDER BY id
ON CONFLICT (id) DO NOTHING

-- name: resolve_documents
-- The staged documents Tally has already (document_natural_key, migration 0001).
UPDATE staged_document s SET document_id = d.id
FROM document d
WHERE s.document_id IS NULL
  AND d.title = s.title
  AND coalesce(d.publisher_id, '') = coalesce(s.publisher_id, '')
  AND coalesce(d.published_on, '-infinity'::date) = coalesce(s.published_on, '-infinity'::date)

-- name: new_documents
SELECT count(*) AS n FROM staged_document WHERE document_id IS NULL

-- name: insert_documents
-- Only the documents resolve_documents did not find: an insert that meets a
-- conflict still takes an id from the sequence, and ids are not to be lost.
INSERT INTO document (title, publisher_id, url, published_on)
SELECT title, publisher_id, url, published_on FROM staged_document WHERE document_id IS NULL ORDER BY key
ON CONFLICT DO NOTHING

-- name: import_settings
-- Room for the hashes and sorts of a bulk import, for this transaction only.
SELECT set_config('work_mem', '64MB', true)

-- name: classify_figures
-- Each staged figure with its document, its citations and what to do: insert
-- (new external id), unchanged (every field the dataset decides is equal) or
-- update. The columns are the figure's imported ones (service/figure.py),
-- the document resolved; those compared leave out stated_on: a new release
-- restating a number is no change. A citation is its source, its document and
-- the words the dataset names the source by: a release that only re-spells an
-- outlet updates the figure (a citation written before 0027, with no words,
-- takes them at its next import).
CREATE TEMPORARY TABLE import_figure ON COMMIT DROP AS
WITH cited AS (
    SELECT c.citation_group,
           array_agg(c.source_id || ' ' || d.document_id || ' ' || coalesce(c.name_as_written, '')
                     ORDER BY c.position) AS keys
    FROM staged_citation c JOIN staged_document d ON d.key = c.document_key
    GROUP BY c.citation_group
)
SELECT s.line, s.external_id, {staged}, s.citation_group, coalesce(k.keys, '{{}}') AS citations,
       f.id AS figure_id,
       CASE WHEN f.id IS NULL THEN 'insert'
            WHEN ({figure_compared}) IS NOT DISTINCT FROM ({staged_compared})
             AND ARRAY(SELECT c.source_id || ' ' || c.document_id || ' ' || coalesce(c.name_as_written, '')
                       FROM figure_citation c
                       WHERE c.figure_id = f.id ORDER BY c.position) = coalesce(k.keys, '{{}}')
            THEN 'unchanged'
            ELSE 'update' END AS action
FROM staged_figure s
JOIN staged_document d ON d.key = s.document_key
LEFT JOIN cited k ON k.citation_group = s.citation_group
LEFT JOIN figure f ON f.dataset_id = %(dataset)s AND f.external_id = s.external_id

-- name: figure_counts
SELECT count(*) FILTER (WHERE action = 'insert') AS inserted,
       count(*) FILTER (WHERE action = 'update') AS updated,
       count(*) FILTER (WHERE action = 'unchanged') AS unchanged
FROM import_figure

-- name: changed_figures
-- The first changed figures and the fields that change (read before they do).
SELECT x.figure_id, x.external_id,
       ARRAY(SELECT e.key FROM jsonb_each(x.new) e WHERE e.value IS DISTINCT FROM x.old -> e.key
             ORDER BY e.key) AS changed_fields
FROM (
    SELECT i.line, i.figure_id, i.external_id,
           jsonb_build_object({new}, 'citations', to_jsonb(i.citations)) AS new,
           jsonb_build_object({old}, 'citations', to_jsonb(ARRAY(
               SELECT c.source_id || ' ' || c.document_id || ' ' || coalesce(c.name_as_written, '')
               FROM figure_citation c
               WHERE c.figure_id = f.id ORDER BY c.position))) AS old
    FROM import_figure i JOIN figure f ON f.id = i.figure_id
    WHERE i.action = 'update'
    ORDER BY i.line, i.external_id
    LIMIT %(limit)s
) x
ORDER BY x.line, x.external_id

-- name: insert_figures
-- What figure.insert_statement inserts from: the imported columns (service/figure.py).
import_figure WHERE action = 'insert' ORDER BY line, external_id

-- name: update_figures
-- A newer version changes the figure in place: version + 1, and the
-- revision triggers (migration 0014) keep the new state with the import as
-- its reason. Every imported column (service/figure.py) is set from the staged row.
UPDATE figure f
SET {assignments}, import_id = %(import_id)s, version = f.version + 1, updated_at = now()
FROM import_figure i
WHERE i.figure_id = f.id AND i.action = 'update'

-- name: any_citations
SELECT EXISTS (SELECT 1 FROM staged_citation) AS found

-- name: refresh_statistics
-- The staging table is never analysed on its own (autovacuum skips temporary
-- tables) and a freshly filled figure table looks empty to the planner:
-- without this, insert_citations' join can run as a nested loop over every
-- figure the import wrote.
ANALYZE import_figure, figure

-- name: delete_replaced_citations
DELETE FROM figure_citation c
USING import_figure i
WHERE c.figure_id = i.figure_id AND i.action = 'update'

-- name: insert_citations
INSERT INTO figure_citation (figure_id, position, source_id, document_id, name_as_written)
SELECT f.id, c.position, c.source_id, d.document_id, c.name_as_written
FROM import_figure i
JOIN figure f ON f.dataset_id = %(dataset)s AND f.external_id = i.external_id
JOIN staged_citation c ON c.citation_group = i.citation_group
JOIN staged_document d ON d.key = c.document_key
WHERE i.action IN ('insert', 'update')
ORDER BY f.id, c.position

-- name: absent_figures
-- Figures earlier versions gave that this file does not: left as they are.
SELECT count(*) AS n FROM figure f
WHERE f.dataset_id = %(dataset)s
  AND NOT EXISTS (SELECT 1 FROM staged_figure s WHERE s.external_id = f.external_id)

-- name: create_unhcr_staging
-- The UNHCR file as it is, COPYed (FORMAT csv) and read set-based: it has
-- 139k rows, too many to go through Python one by one. record counts data rows.
CREATE TEMPORARY TABLE unhcr_row (
    record bigint GENERATED ALWAYS AS IDENTITY,
    year text, coo_name text, coo text, coo_iso text, coa_name text, coa text, coa_iso text,
    refugees text, asylum_seekers text, returned_refugees text, idps text, returned_idps text,
    stateless text, ooc text, oip text, hst text
) ON COMMIT DROP

-- name: unhcr_problems
-- Fields Tally cannot use, one row each: one scan finds the rows at fault,
-- then each of their fields is checked; a year/origin/asylum triple given
-- twice is rejected from its second row on.
WITH at_fault AS (
    SELECT record, year, coo_iso, coa_iso, refugees, idps FROM unhcr_row
    WHERE NOT (coalesce(year ~ '^(19\d\d|20\d\d|2100)$', false)
               AND coalesce(coo_iso ~ '^[A-Z]{3}$', false) AND coalesce(coa_iso ~ '^[A-Z]{3}$', false)
               AND coalesce(refugees ~ '^\d{0,18}$', true) AND coalesce(idps ~ '^\d{0,18}$', true))
), repeated AS (
    SELECT year, coo_iso, coa_iso FROM unhcr_row GROUP BY year, coo_iso, coa_iso HAVING count(*) > 1
)
SELECT record, field, value, reason FROM (
    SELECT r.record, p.field, p.value, p.reason
    FROM at_fault r
    CROSS JOIN LATERAL (VALUES
        ('year', coalesce(r.year, ''), CASE WHEN coalesce(r.year ~ '^(19\d\d|20\d\d|2100)$', false) THEN NULL
                                            ELSE 'must be a year between 1900 and 2100' END),
        ('coo_iso', coalesce(r.coo_iso, ''), CASE WHEN coalesce(r.coo_iso ~ '^[A-Z]{3}$', false) THEN NULL
                                                  ELSE 'must be an ISO 3166 alpha-3 code (or UNK, XXA)' END),
        ('coa_iso', coalesce(r.coa_iso, ''), CASE WHEN coalesce(r.coa_iso ~ '^[A-Z]{3}$', false) THEN NULL
                                                  ELSE 'must be an ISO 3166 alpha-3 code (or UNK)' END),
        ('refugees', r.refugees, CASE WHEN r.refugees !~ '^\d{0,18}$' THEN 'must be a whole number or empty' END),
        ('idps', r.idps, CASE WHEN r.idps !~ '^\d{0,18}$' THEN 'must be a whole number or empty' END)
    ) AS p(field, value, reason)
    WHERE p.reason IS NOT NULL
    UNION ALL
    SELECT record, 'year', year, coo_iso || ' -> ' || coa_iso || ' given twice for this year'
    FROM (SELECT r.record, r.year, r.coo_iso, r.coa_iso,
                 row_number() OVER (PARTITION BY r.year, r.coo_iso, r.coa_iso ORDER BY r.record) AS nth
          FROM unhcr_row r JOIN repeated d
            ON (d.year, d.coo_iso, d.coa_iso) IS NOT DISTINCT FROM (r.year, r.coo_iso, r.coa_iso)) twice
    WHERE nth > 1
) problem
ORDER BY record, field

-- name: unhcr_measures
-- One row per valid record and measure that states a stock: a number, 0
-- included (empty is a gap). An IDP 0 on a row whose origin is not its
-- asylum states nothing: IDPs are counted in their own country (the file
-- has none anywhere else), and the column is 0 on every cross-border row.
CREATE TEMPORARY TABLE unhcr_measure ON COMMIT DROP AS
SELECT r.record, r.year::int AS year, r.coo, r.coo_iso, r.coo_name, r.coa, r.coa_iso, r.coa_name,
       m.measure, m.value::bigint AS value
FROM unhcr_row r
CROSS JOIN LATERAL (VALUES ('refugees', nullif(r.refugees, '')), ('idps', nullif(r.idps, ''))) AS m(measure, value)
WHERE r.record <> ALL(%(rejected)s) AND m.value IS NOT NULL
  AND NOT (m.measure = 'idps' AND m.value::bigint = 0 AND r.coo_iso <> r.coa_iso)

-- name: unhcr_countries
-- The countries the figures need (origins of refugees, every place of asylum).
INSERT INTO staged_country (iso3, name, location_id)
SELECT DISTINCT ON (c.iso3) c.iso3, coalesce(nullif(c.name, ''), c.iso3), coalesce(k.id, c.iso3)
FROM unhcr_measure m
CROSS JOIN LATERAL (VALUES (m.coa_iso, m.coa_name),
                           (CASE WHEN m.measure = 'refugees' THEN m.coo_iso END, m.coo_name)) AS c(iso3, name)
LEFT JOIN ({country_codes}) k ON k.code = c.iso3
WHERE m.coa_iso <> 'UNK' AND c.iso3 NOT IN ('UNK', 'XXA')
ORDER BY c.iso3, c.name

-- name: unhcr_figures
-- Refugees: a stock in the country of asylum, from the country of origin
-- (unknown for UNK; stateless for XXA) to the country of asylum. IDPs: a
-- stock in their country. An explicit 0 is a stock of 0: it ends an older
-- stock, which would otherwise stand for the year the file says none. The
-- latest year of a mid-year release (mid_year) stands as of 30 June.
INSERT INTO staged_figure (line, external_id, metric_id, count_kind, value, qualifier, period_start,
                           period_end, stated_on, source_id, document_key, location_id, origin_id,
                           destination_id, population_group, dataset_attributes)
SELECT m.record + 1, concat_ws(':', m.year, m.coo_iso, m.coa_iso, m.measure), m.measure, 'stock', m.value, 'exact',
       make_date(m.year, 1, 1),
       CASE WHEN m.year = %(mid_year)s THEN make_date(m.year, 6, 30) ELSE make_date(m.year, 12, 31) END,
       %(stated_on)s, 'unhcr', %(document_key)s,
       asylum.location_id,
       CASE WHEN m.measure = 'refugees' THEN origin.location_id END,
       CASE WHEN m.measure = 'refugees' THEN asylum.location_id END,
       CASE WHEN m.measure = 'refugees' AND m.coo_iso = 'XXA' THEN 'stateless' END,
       jsonb_build_object('coo', m.coo, 'coa', m.coa)
FROM unhcr_measure m
JOIN staged_country asylum ON asylum.iso3 = m.coa_iso
LEFT JOIN staged_country origin ON origin.iso3 = m.coo_iso

-- name: unhcr_counts
-- Rows read, rows that give no figure (gaps only, or unknown asylum), the
-- stocks of 0, the empty fields (gaps), the IDP zeros of cross-border rows,
-- and the records whose stock has nowhere to be placed.
SELECT (SELECT count(*) FROM unhcr_row) AS rows_read,
       (SELECT count(*) FROM unhcr_row r
        WHERE r.record <> ALL(%(rejected)s)
          AND NOT EXISTS (SELECT 1 FROM unhcr_measure m
                          WHERE m.record = r.record AND m.coa_iso <> 'UNK')) AS skipped,
       (SELECT count(*) FROM unhcr_measure WHERE value = 0 AND coa_iso <> 'UNK') AS zero_stocks,
       (SELECT count(*) FILTER (WHERE nullif(refugees, '') IS NULL) + count(*) FILTER (WHERE nullif(idps, '') IS NULL)
        FROM unhcr_row
        WHERE record <> ALL(%(rejected)s)) AS gaps,
       (SELECT count(*) FROM unhcr_row
        WHERE record <> ALL(%(rejected)s) AND idps ~ '^0+$' AND coo_iso <> coa_iso) AS cross_border_idp_zeros,
       (SELECT coalesce(array_agg(DISTINCT record ORDER BY record), '{}') FROM unhcr_measure
        WHERE coa_iso = 'UNK') AS unplaced

-- name: lock_locations
-- One locations import at a time: the second waits and then finds the first's places.
SELECT pg_advisory_xact_lock(hashtext('tally.import.locations'))

-- name: create_location_staging
CREATE TEMPORARY TABLE staged_location (
    line integer NOT NULL,
    action text NOT NULL,
    id text PRIMARY KEY,
    pcode text,
    name text NOT NULL,
    name_ar text,
    aliases text[] NOT NULL,
    kind text NOT NULL,
    parent_id text,
    latitude double precision,
    longitude double precision,
    iso3 text,
    gazetteer_id text,
    gazetteer_version text,
    gazetteer_key text
) ON COMMIT DROP

-- name: insert_locations
-- One statement: a new place and its new parent arrive together, and the
-- foreign key is checked when the statement ends.
INSERT INTO location (id, pcode, name, name_ar, aliases, kind, parent_id, latitude, longitude, iso3,
                      gazetteer_id, gazetteer_version, gazetteer_key)
SELECT id, pcode, name, name_ar, aliases, kind, parent_id, latitude, longitude, iso3,
       gazetteer_id, gazetteer_version, gazetteer_key
FROM staged_location WHERE action = 'insert'
ORDER BY line

-- name: update_locations
UPDATE location l
SET pcode = s.pcode, name = s.name, name_ar = s.name_ar, aliases = s.aliases, kind = s.kind,
    parent_id = s.parent_id, latitude = s.latitude, longitude = s.longitude, iso3 = s.iso3,
    gazetteer_id = s.gazetteer_id, gazetteer_version = s.gazetteer_version, gazetteer_key = s.gazetteer_key,
    updated_at = now()
FROM staged_location s
WHERE s.id = l.id AND s.action = 'update'
  AND (l.pcode, l.name, l.name_ar, l.aliases, l.kind, l.parent_id, l.latitude, l.longitude, l.iso3,
       l.gazetteer_id, l.gazetteer_version, l.gazetteer_key)
      IS DISTINCT FROM (s.pcode, s.name, s.name_ar, s.aliases, s.kind, s.parent_id, s.latitude, s.longitude,
                        s.iso3, s.gazetteer_id, s.gazetteer_version, s.gazetteer_key)

-- name: list_datasets
SELECT json_build_object('data', coalesce(json_agg(body ORDER BY id), '[]'::json))::text AS body
FROM (
    SELECT d.id, json_build_object(
               'id', d.id, 'name', d.name, 'kind', d.kind, 'publisher', d.publisher, 'url', d.url,
               'licence', d.licence, 'citation', d.citation, 'description', d.description,
               'figures', (SELECT count(*) FROM figure f WHERE f.dataset_id = d.id),
               'locations', (SELECT count(*) FROM location l WHERE l.gazetteer_id = d.id),
               'latest_import', (SELECT json_build_object('id', i.id, 'version', i.version,
                                                          'imported_at', i.imported_at)
                                 FROM dataset_import i WHERE i.dataset_id = d.id ORDER BY i.id DESC LIMIT 1)
           ) AS body
    FROM dataset d
) datasets

-- name: get_dataset
SELECT json_build_object(
           'id', d.id, 'name', d.name, 'kind', d.kind, 'publisher', d.publisher, 'url', d.url,
           'licence', d.licence, 'citation', d.citation, 'description', d.description,
           'figures', (SELECT count(*) FROM figure f WHERE f.dataset_id = d.id),
           'locations', (SELECT count(*) FROM location l WHERE l.gazetteer_id = d.id),
           'latest_import', (SELECT json_build_object('id', i.id, 'version', i.version, 'imported_at', i.imported_at)
                             FROM dataset_import i WHERE i.dataset_id = d.id ORDER BY i.id DESC LIMIT 1),
           'imports', coalesce((SELECT json_agg(json_build_object(
                                           'id', i.id, 'version', i.version, 'imported_at', i.imported_at,
                                           'file_name', i.file_name, 'imported_by', i.imported_by,
                                           'inserted', i.inserted, 'updated', i.updated) ORDER BY i.id)
                                FROM dataset_import i WHERE i.dataset_id = d.id), '[]'::json)
       )::text AS body
FROM dataset d
WHERE d.id = %(id)s

-- name: get_import
SELECT json_build_object(
           'id', i.id, 'dataset', json_build_object('id', d.id, 'name', d.name), 'version', i.version,
           'licence', i.licence, 'citation', i.citation, 'file_name', i.file_name, 'sha256', i.sha256,
           'imported_at', i.imported_at, 'imported_by', i.imported_by,
           'counts', json_build_object('rows_read', i.rows_read, 'inserted', i.inserted, 'updated', i.updated,
                                       'unchanged', i.unchanged, 'rejected', i.rejected, 'skipped', i.skipped),
           'report', i.report,
           'problem_count', (SELECT count(*) FROM dataset_import_problem p WHERE p.import_id = i.id)
       )::text AS body
FROM dataset_import i JOIN dataset d ON d.id = i.dataset_id
WHERE i.id = %(id)s

-- name: import_problems
-- An import's row-level report (REPORT_COLUMNS), in its order; no rows at
-- all when there is no such import.
SELECT p.file, p.line, p.field, p.value, p.reason, p.outcome, i.id IS NOT NULL AS found
FROM (SELECT %(id)s::numeric AS id) wanted  -- numeric: an id past bigint is simply not found
LEFT JOIN dataset_import i ON i.id = wanted.id
LEFT JOIN dataset_import_problem p ON p.import_id = i.id
ORDER BY p.position


-- name: metric_ids
SELECT id FROM metric

-- name: metric_tags
SELECT id, hxl_hashtag FROM metric

-- name: location_keys
SELECT id, pcode FROM location

-- name: source_ids
SELECT id FROM source
