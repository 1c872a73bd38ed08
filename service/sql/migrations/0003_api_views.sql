-- The API's JSON is shaped here, once, so list endpoints pass rows straight
-- through instead of rebuilding every object in Python. Each view has the
-- columns the filters use and a `body` with the resource as the API serves it.

CREATE FUNCTION location_ref(l location) RETURNS json
LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE WHEN l.id IS NULL THEN NULL ELSE
        json_build_object('id', l.id, 'pcode', l.pcode, 'name', l.name, 'name_ar', l.name_ar, 'kind', l.kind)
    END
$$;

CREATE FUNCTION source_ref(s source) RETURNS json
LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE WHEN s.id IS NULL THEN NULL ELSE
        json_build_object('id', s.id, 'name', s.name, 'kind', s.kind)
    END
$$;

CREATE FUNCTION admin_level(kind text) RETURNS smallint
LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE kind WHEN 'country' THEN 0 WHEN 'admin1' THEN 1 WHEN 'admin2' THEN 2
                     WHEN 'admin3' THEN 3 WHEN 'admin4' THEN 4 END::smallint
$$;

CREATE VIEW document_api AS
SELECT d.id, d.publisher_id, d.published_on, d.updated_at,
       json_build_object(
           'id', d.id, 'title', d.title, 'publisher', source_ref(p), 'url', d.url,
           'published_on', d.published_on, 'retrieved_on', d.retrieved_on,
           'language', d.language, 'created_at', d.created_at, 'updated_at', d.updated_at
       ) AS body
FROM document d
LEFT JOIN source p ON p.id = d.publisher_id;

CREATE VIEW figure_api AS
SELECT f.id, f.metric_id, f.location_id, f.origin_id, f.destination_id, f.source_id,
       f.document_id, f.status, f.qualifier, f.count_kind, f.value, f.period_start,
       f.period_end, f.stated_on, f.updated_at,
       json_build_object(
           'id', f.id,
           'metric', f.metric_id,
           'count_kind', f.count_kind,
           'value', f.value,
           'low', f.low,
           'high', f.high,
           'qualifier', f.qualifier,
           'stated_words', f.stated_words,
           'population_group', f.population_group,
           'location', location_ref(l),
           'origin', location_ref(o),
           'destination', location_ref(t),
           'period_start', f.period_start,
           'period_end', f.period_end,
           'stated_on', f.stated_on,
           'source', source_ref(s),
           'document', json_build_object(
               'id', d.id, 'title', d.title, 'publisher', source_ref(p),
               'url', d.url, 'published_on', d.published_on),
           'quote', f.quote,
           'status', f.status,
           'status_note', f.status_note,
           'disputes', coalesce((
               SELECT json_agg(json_build_object(
                          'id', x.id, 'source', source_ref(xs), 'document_id', x.document_id,
                          'stated_on', x.stated_on, 'quote', x.quote, 'note', x.note)
                      ORDER BY x.id)
               FROM figure_dispute x JOIN source xs ON xs.id = x.source_id
               WHERE x.figure_id = f.id), '[]'::json),
           'version', f.version,
           'created_at', f.created_at,
           'updated_at', f.updated_at
       ) AS body
FROM figure f
JOIN location l ON l.id = f.location_id
LEFT JOIN location o ON o.id = f.origin_id
LEFT JOIN location t ON t.id = f.destination_id
JOIN source s ON s.id = f.source_id
JOIN document d ON d.id = f.document_id
LEFT JOIN source p ON p.id = d.publisher_id;

CREATE VIEW source_api AS
SELECT s.id, s.kind, s.updated_at,
       json_build_object(
           'id', s.id, 'name', s.name, 'kind', s.kind, 'url', s.url,
           'description', s.description, 'created_at', s.created_at, 'updated_at', s.updated_at
       ) AS body
FROM source s;

CREATE VIEW location_api AS
SELECT l.id, l.pcode, l.kind, l.parent_id, l.updated_at,
       json_build_object(
           'id', l.id, 'pcode', l.pcode, 'name', l.name, 'name_ar', l.name_ar,
           'aliases', l.aliases, 'kind', l.kind, 'admin_level', admin_level(l.kind),
           'parent', location_ref(p), 'latitude', l.latitude, 'longitude', l.longitude,
           'description', l.description, 'created_at', l.created_at, 'updated_at', l.updated_at
       ) AS body
FROM location l
LEFT JOIN location p ON p.id = l.parent_id;
