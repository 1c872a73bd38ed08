-- Exports: PostgreSQL writes the rows (COPY ... TO STDOUT), as CSV or as one
-- JSON text a row (NDJSON and GeoJSON; json_export, location_export below).
--
-- CSV: COPY ... TO STDOUT (FORMAT csv).
-- service/repositories/exports.py completes figure_export with the figures
-- to read ({figures}: live_figures or figures_as_of, with the request's
-- conditions {where} built by service/figure.py), the flattened columns
-- ({columns}), the blocks below that they read from ({joins}) and the order.
--
-- The csv_ blocks flatten the figure fields that refer to other tables: one
-- per JSON block of figures.sql (json_place -> csv_place, ...), giving the
-- same values, joined as the field's name ({prefix}). Each column is named
-- after its path in the JSON below the field (document.publisher.id:
-- publisher_id), or after the field when the field is the value (disputes).

-- name: figure_export
-- The comment in front names the statement where pg_stat_activity shows it: that
-- view keeps only a statement's first 1,024 bytes (track_activity_query_size).
/* figure_export */ COPY (
    SELECT {columns}
    FROM ({figures}) f {joins}
    ORDER BY {order}
) TO STDOUT (FORMAT csv, ENCODING 'UTF8')

-- name: json_export
-- figure_export (as pg_stat_activity shows it): one JSON text a figure (its
-- body, or its GeoJSON Feature), in the request's order, in COPY's text
-- format (repositories/exports.py JsonRows).
/* figure_export */ COPY (
    SELECT {line}
    FROM ({figures}) f {joins}
    ORDER BY {order}
) TO STDOUT (ENCODING 'UTF8')

-- name: figure_feature
-- A figure as a GeoJSON Feature (RFC 7946), its JSON as its properties; NULL
-- when it has no point: left out, and counted. Its point is its own (a
-- dataset's, such as a UCDP event's), else its location's centroid; point_of
-- says which. Latitude and longitude are both set or both null (the checks of
-- figure and location), so the two coalesce take both from the same place.
CASE WHEN coalesce(f.latitude, point.latitude) IS NOT NULL THEN json_build_object(
    'type', 'Feature',
    'id', f.id,
    'geometry', json_build_object(
        'type', 'Point',
        'coordinates', json_build_array(coalesce(f.longitude, point.longitude), coalesce(f.latitude, point.latitude))),
    'point_of', CASE WHEN f.latitude IS NOT NULL THEN 'figure' ELSE 'location' END,
    'properties', {properties})::text END

-- name: figure_point
LEFT JOIN location point ON point.id = f.location_id

-- name: location_export
-- location_export (as pg_stat_activity shows it): the locations a list's query
-- selects, in its order, each with a centroid as a GeoJSON Feature, its body as
-- its properties; NULL (left out, and counted) without one.
COPY (
    SELECT CASE WHEN l.latitude IS NOT NULL THEN json_build_object(
               'type', 'Feature',
               'id', l.id,
               'geometry', json_build_object('type', 'Point', 'coordinates', json_build_array(l.longitude, l.latitude)),
               'properties', a.body::json)::text END
    FROM ({locations}) a JOIN location l ON l.id = a.id
    ORDER BY a.id
) TO STDOUT (ENCODING 'UTF8') /* location_export */

-- name: live_figures
SELECT f.* FROM figure f WHERE {where}

-- name: figures_as_of
-- The figures as they stood at %(as_of)s, as figures.sql's figure_rows_as_of
-- reads them: those unchanged since, and those changed since from their revisions.
SELECT f.* FROM figure f WHERE f.updated_at <= %(as_of)s AND {where}
UNION ALL
SELECT f.* FROM figure_changed_after(%(as_of)s) f WHERE {where}

-- name: csv_place
LEFT JOIN LATERAL (SELECT l.id, l.pcode, l.name, l.name_ar, l.kind
                   FROM location l WHERE l.id = f.{prefix}_id) {prefix} ON true

-- name: csv_source
LEFT JOIN LATERAL (SELECT s.id, s.name, s.kind FROM source s WHERE s.id = f.source_id) {prefix} ON true

-- name: csv_document
LEFT JOIN LATERAL (SELECT d.id, d.title, p.id AS publisher_id, p.name AS publisher_name, d.url, d.published_on
                   FROM document d LEFT JOIN source p ON p.id = d.publisher_id
                   WHERE d.id = f.document_id) {prefix} ON true

-- name: csv_disputes
-- The ids of the sources disputing the figure, in the order of the disputes, ';'-joined.
LEFT JOIN LATERAL (SELECT string_agg(xs.id, ';' ORDER BY x.id) AS {prefix}
                   FROM figure_dispute x JOIN source xs ON xs.id = x.source_id
                   WHERE x.figure_id = f.id AND x.created_at <= f.updated_at) {prefix} ON true

-- name: csv_dataset
LEFT JOIN LATERAL (SELECT ds.id, di.version, di.id AS import_id, f.external_id
                   FROM dataset_import di JOIN dataset ds ON ds.id = di.dataset_id
                   WHERE di.id = f.import_id) {prefix} ON true
