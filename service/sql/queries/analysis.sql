-- Answers built from many figures: competing claims, the candidates of a
-- total, and coverage. {where} is the condition of the figure filters a
-- request uses, built from the declaration in service/figure.py.

-- name: claim_groups
-- Figures state the same quantity when metric, place (location, origin and
-- destination) and, unless told otherwise, population group agree and their
-- reference periods overlap. Overlap is chained: A-B and B-C make one claim
-- even when A and C do not meet (gaps and islands over the sorted periods).
-- A claim is identified by the smallest figure id in it.
--
-- Only the quantities of the first figures after the cursor are grouped
-- (scanned, at most %(scan)s figures in id order). A claim of any other
-- quantity starts after the last figure scanned, so the claims up to it
-- (scanned_to) are all there are; past it, scan further. With a period, only
-- figures of quantities with a figure in the period count (seed): a chain of
-- overlapping periods leaves no gap, so a claim's span meets the period
-- exactly when one of its figures does. The place key is the one the index
-- of migration 0022 is built on (an absent origin or destination is ''); the
-- population key is '' when population groups are not matched.
WITH seed AS MATERIALIZED (
    SELECT DISTINCT f.metric_id || '/' || f.location_id || '/' || coalesce(f.origin_id, '') || '/'
                    || coalesce(f.destination_id, '') || '/' || {population_key} AS key
    FROM figure f
    WHERE {where} AND {overlap}
),
scanned AS MATERIALIZED (
    SELECT f.id, f.metric_id, f.location_id, coalesce(f.origin_id, '') AS origin_key,
           coalesce(f.destination_id, '') AS destination_key, {population_key} AS population_key
    FROM figure f
    WHERE {where} AND {after} AND {in_seed}
    ORDER BY f.id
    LIMIT %(scan)s
),
quantity AS (
    SELECT DISTINCT s.metric_id, s.location_id, s.origin_key, s.destination_key, s.population_key FROM scanned s
),
candidate AS (
    SELECT f.id, q.metric_id, q.location_id, q.origin_key, q.destination_key, q.population_key,
           f.period_start, f.period_end, f.source_id
    FROM quantity q
    JOIN figure f ON f.metric_id = q.metric_id AND f.location_id = q.location_id
                 AND coalesce(f.origin_id, '') = q.origin_key AND coalesce(f.destination_id, '') = q.destination_key
                 AND {population_key} = q.population_key
    WHERE {where}
),
reach AS (
    -- How far the periods of every earlier figure of the same quantity reach.
    SELECT c.*, max(c.period_end) OVER (
               PARTITION BY c.metric_id, c.location_id, c.origin_key, c.destination_key, c.population_key
               ORDER BY c.period_start, c.period_end, c.id
               ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS reached
    FROM candidate c
),
island AS (
    -- A figure that starts after everything before it has ended opens a new claim.
    SELECT r.id, r.metric_id, r.location_id, r.origin_key, r.destination_key, r.population_key,
           r.period_start, r.period_end, r.source_id,
           count(*) FILTER (WHERE r.reached IS NULL OR r.period_start > r.reached) OVER (
               PARTITION BY r.metric_id, r.location_id, r.origin_key, r.destination_key, r.population_key
               ORDER BY r.period_start, r.period_end, r.id
               ROWS UNBOUNDED PRECEDING) AS island
    FROM reach r
),
claim AS (
    -- The conditions on whole claims (the claim_ blocks) apply here.
    SELECT min(i.id) AS id, array_agg(i.id ORDER BY i.id) AS figure_ids
    FROM island i
    GROUP BY i.metric_id, i.location_id, i.origin_key, i.destination_key, i.population_key, i.island
    HAVING count(DISTINCT i.source_id) >= %(min_sources)s {having}
)
SELECT c.id, c.figure_ids, s.scanned, s.scanned_to
FROM (SELECT count(*) AS scanned, max(s.id) AS scanned_to FROM scanned s) s
LEFT JOIN claim c ON c.id <= s.scanned_to
ORDER BY c.id

-- name: period_overlap
-- The period filter as the GiST index of migration 0022 answers it (the
-- same condition as the filter's own: the period meets from..to).
daterange(f.period_start, f.period_end, '[]') && daterange(%(from_)s::date, %(to)s::date, '[]')

-- name: claim_population_key
lower(btrim(coalesce(f.population_group, '')))

-- name: claim_first_after
f.id > %(after)s

-- name: claim_in_seed
-- A figure of a quantity in seed (ids hold no slash, and the population key comes last).
f.metric_id || '/' || f.location_id || '/' || coalesce(f.origin_id, '') || '/' || coalesce(f.destination_id, '')
    || '/' || {population_key} = ANY (ARRAY(SELECT key FROM seed))

-- name: claim_bodies
-- The claims of a page, given as (claim id, figure id) pairs, as the API
-- serves them but for their figures (repositories.figures.figure_bodies).
WITH member AS MATERIALIZED (
    SELECT m.claim_id, f.id, f.metric_id, f.location_id, f.origin_id, f.destination_id, f.population_group,
           f.period_start, f.period_end, f.source_id, f.status, f.value, f.low, f.high, f.qualifier,
           f.stated_words, f.stated_on
    FROM unnest(%(claim_ids)s::bigint[], %(figure_ids)s::bigint[]) AS m (claim_id, figure_id)
    JOIN figure f ON f.id = m.figure_id
),
page AS (
    -- Every figure of a claim has its metric and places.
    SELECT m.claim_id AS id, min(m.metric_id) AS metric_id, min(m.location_id) AS location_id,
           min(m.origin_id) AS origin_id, min(m.destination_id) AS destination_id,
           min(m.period_start) AS period_start, max(m.period_end) AS period_end,
           array_agg(m.id ORDER BY m.id) AS figure_ids,
           array_agg(DISTINCT m.source_id ORDER BY m.source_id) AS sources,
           coalesce(array_agg(DISTINCT m.population_group ORDER BY m.population_group)
                        FILTER (WHERE m.population_group IS NOT NULL), '{{}}') AS population_groups,
           bool_or(m.status = 'disputed') AS disputed
    FROM member m
    GROUP BY m.claim_id
),
side AS (
    -- Each figure's reach on both sides of the range: its stated bound, else its value.
    SELECT f.claim_id, f.id, f.source_id, s.side,
           CASE s.side WHEN 'low' THEN coalesce(f.low, f.value) ELSE coalesce(f.high, f.value) END AS bound,
           CASE s.side WHEN 'low' THEN f.low IS NOT NULL ELSE f.high IS NOT NULL END AS stated,
           -- "at most 20" says nothing of the bottom, "more than 250" nothing of the top.
           CASE s.side WHEN 'low' THEN f.low IS NULL AND f.qualifier IN ('at_most', 'fewer_than')
                       ELSE f.high IS NULL AND f.qualifier IN ('at_least', 'more_than') END AS open,
           f.qualifier, coalesce(f.stated_words, f.value::text) AS words
    FROM member f
    CROSS JOIN (VALUES ('low'), ('high')) AS s (side)
),
ranked AS (
    SELECT d.*, rank() OVER (
               PARTITION BY d.claim_id, d.side
               ORDER BY CASE d.side WHEN 'low' THEN d.bound ELSE -d.bound END) AS place,
           bool_or(d.open) OVER (PARTITION BY d.claim_id, d.side) AS side_open
    FROM side d
),
bound AS (
    SELECT r.claim_id, r.side, json_build_object(
               'value', min(r.bound),
               'figure_id', min(r.id),
               'source', (array_agg(r.source_id ORDER BY r.id))[1],
               'basis', (array_agg(CASE WHEN r.stated THEN r.side ELSE 'value' END ORDER BY r.id))[1],
               'figure_ids', array_agg(r.id ORDER BY r.id),
               'open', bool_or(r.side_open),
               'explanation', CASE r.side WHEN 'low' THEN 'lowest: ' ELSE 'highest: ' END || string_agg(
                   r.source_id || ' ''' || r.words || ''' (' ||
                   CASE WHEN r.stated THEN 'stated ' || CASE r.side WHEN 'low' THEN 'lower' ELSE 'upper' END || ' bound'
                        ELSE 'value; no ' || CASE r.side WHEN 'low' THEN 'lower' ELSE 'upper' END || ' bound stated'
                             || CASE WHEN r.open THEN ', and ''' || replace(r.qualifier, '_', ' ') || ''' leaves it open'
                                     ELSE '' END
                   END || ')',
                   '; also ' ORDER BY r.id)
           ) AS body
    FROM ranked r
    WHERE r.place = 1
    GROUP BY r.claim_id, r.side
),
latest AS (
    -- The most recent statement of each source in the claim.
    SELECT DISTINCT ON (f.claim_id, f.source_id)
           f.claim_id, f.id, f.stated_on,
           json_build_object(
               'source', source_ref(s), 'figure_id', f.id, 'value', f.value, 'low', f.low, 'high', f.high,
               'qualifier', f.qualifier, 'stated_words', f.stated_words, 'stated_on', f.stated_on,
               'status', f.status) AS body
    FROM member f
    JOIN source s ON s.id = f.source_id
    ORDER BY f.claim_id, f.source_id, f.stated_on DESC, f.id DESC
)
SELECT p.id, json_build_object(
           'id', p.id,
           'metric', p.metric_id,
           'location', location_ref(l),
           'origin', location_ref(o),
           'destination', location_ref(t),
           'population_groups', p.population_groups,
           'period_start', p.period_start,
           'period_end', p.period_end,
           'figure_count', cardinality(p.figure_ids),
           'sources', p.sources,
           'disputed', p.disputed,
           'range', json_build_object(
               'low', (SELECT b.body FROM bound b WHERE b.claim_id = p.id AND b.side = 'low'),
               'high', (SELECT b.body FROM bound b WHERE b.claim_id = p.id AND b.side = 'high')),
           'latest_by_source', (SELECT json_agg(x.body ORDER BY x.stated_on DESC, x.id DESC)
                                FROM latest x WHERE x.claim_id = p.id)
       ) AS body,
       p.figure_ids
FROM page p
JOIN location l ON l.id = p.location_id
LEFT JOIN location o ON o.id = p.origin_id
LEFT JOIN location t ON t.id = p.destination_id
ORDER BY p.id

-- name: totals_candidates
-- Every figure of one metric that a total may use or must name as left out.
-- Statuses are filtered only when asked for: disputed and retracted
-- figures are reported as left out. A period filter is repeated in the
-- form the period index answers (period_overlap).
SELECT f.id, f.source_id, f.count_kind, f.value, f.qualifier, f.status,
       f.period_start, f.period_end, f.stated_on, f.location_id, f.origin_id, f.destination_id, f.dataset_id
FROM figure f
WHERE f.metric_id = %(metric)s AND {where} AND {overlap}
ORDER BY f.id
LIMIT %(limit)s

-- name: location_paths
-- Each place as the totals rules compare it: its administrative chain from
-- the root, then the other places that hold it (areas, and what holds them:
-- migration 0018), then the place itself; with the administrative level of
-- every step (null for the areas, which no level groups by). A place
-- contains another when its id is in the other's path. Both walks go up from
-- the places asked for, all at once: walking down from every root, and
-- asking location_containers place by place, took 2.5 s for the 258 places
-- of Syria's UCDP figures once the gazetteers were imported.
WITH RECURSIVE chain AS (
    SELECT l.id AS place, l.id, l.parent_id, 0 AS depth, admin_level(l.kind) AS level
    FROM location l
    WHERE l.id = ANY(%(ids)s)
    UNION ALL
    SELECT c.place, p.id, p.parent_id, c.depth + 1, admin_level(p.kind)
    FROM chain c
    JOIN location p ON p.id = c.parent_id
), up (place, id) AS (
    SELECT c.inner_id, c.outer_id FROM location_containment c WHERE c.inner_id = ANY(%(ids)s)
    UNION
    SELECT up.place, c.outer_id FROM up JOIN location_containment c ON c.inner_id = up.id
), admin AS (
    SELECT place,
           coalesce(array_agg(id ORDER BY depth DESC) FILTER (WHERE depth > 0), '{}') AS ancestors,
           coalesce(array_agg(level ORDER BY depth DESC) FILTER (WHERE depth > 0), '{}') AS ancestor_levels,
           min(level) FILTER (WHERE depth = 0) AS level
    FROM chain
    GROUP BY place
), areas AS (
    SELECT a.place, coalesce(array_agg(u.id ORDER BY u.id) FILTER (WHERE u.id IS NOT NULL), '{}') AS areas
    FROM admin a
    LEFT JOIN up u ON u.place = a.place AND u.id <> ALL (a.ancestors)
    GROUP BY a.place
)
SELECT a.place AS id,
       a.ancestors || x.areas || a.place AS path,
       a.ancestor_levels || array_fill(NULL::smallint, ARRAY[cardinality(x.areas)]) || a.level AS levels
FROM admin a
JOIN areas x ON x.place = a.place

-- name: source_refs
SELECT s.id, source_ref(s) AS ref FROM source s WHERE s.id = ANY(%(ids)s)

-- name: location_refs
SELECT l.id, location_ref(l) AS ref FROM location l WHERE l.id = ANY(%(ids)s)

-- name: list_coverage
-- What exists per metric, place (as stated) and source. Rows are keyed
-- "metric/location/source" (none of the three ids can hold a slash) and
-- paged on that key in byte order.
SELECT c.key AS id, json_build_object(
           'metric', c.metric_id,
           'location', location_ref(l),
           'source', source_ref(s),
           'figures', c.figures,
           'by_status', json_build_object(
               'reported', c.reported, 'verified', c.verified,
               'disputed', c.disputed, 'retracted', c.retracted),
           'by_count_kind', json_build_object(
               'event', c.events, 'period_total', c.period_totals, 'stock', c.stocks),
           'zero_values', c.zero_values,
           'period_start', c.period_start,
           'period_end', c.period_end,
           'latest_stated_on', c.latest_stated_on
       )::text AS body
FROM (
    SELECT f.metric_id || '/' || f.location_id || '/' || f.source_id AS key,
           f.metric_id, f.location_id, f.source_id,
           count(*) AS figures,
           count(*) FILTER (WHERE f.status = 'reported') AS reported,
           count(*) FILTER (WHERE f.status = 'verified') AS verified,
           count(*) FILTER (WHERE f.status = 'disputed') AS disputed,
           count(*) FILTER (WHERE f.status = 'retracted') AS retracted,
           count(*) FILTER (WHERE f.count_kind = 'event') AS events,
           count(*) FILTER (WHERE f.count_kind = 'period_total') AS period_totals,
           count(*) FILTER (WHERE f.count_kind = 'stock') AS stocks,
           count(*) FILTER (WHERE f.value = 0) AS zero_values,
           min(f.period_start) AS period_start,
           max(f.period_end) AS period_end,
           max(f.stated_on) AS latest_stated_on
    FROM figure f
    WHERE {where}
    GROUP BY f.metric_id, f.location_id, f.source_id
) c
JOIN location l ON l.id = c.location_id
JOIN source s ON s.id = c.source_id
WHERE {after}
ORDER BY c.key COLLATE "C"
LIMIT %(limit)s

-- name: claim_source
-- Conditions on a claim as a whole (claim_groups {having}), each added when
-- its parameter is given: a figure of the claim is by one of the sources,
-- the claim's span meets the period, the claim comes after the cursor.
bool_or(i.source_id = ANY(%(source)s))

-- name: claim_from_
max(i.period_end) >= %(from_)s

-- name: claim_to
min(i.period_start) <= %(to)s

-- name: claim_after
min(i.id) > %(after)s

-- name: coverage_after
c.key COLLATE "C" > %(after)s
