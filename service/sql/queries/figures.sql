-- Figures as the API serves them. list_figures is completed with one
-- where_<filter> block per filter the request uses.

-- name: list_figures
SELECT id, body::text AS body
FROM figure_api
WHERE {where}
ORDER BY id
LIMIT %(limit)s

-- name: get_figure
SELECT id, body::text AS body FROM figure_api WHERE id = %(id)s

-- name: where_after
id > %(after)s

-- name: where_metric
metric_id = ANY(%(metric)s)

-- name: where_location
location_id = ANY(%(location)s)

-- name: where_origin
origin_id = ANY(%(origin)s)

-- name: where_destination
destination_id = ANY(%(destination)s)

-- name: where_source
source_id = ANY(%(source)s)

-- name: where_status
status = ANY(%(status)s)

-- name: where_not_retracted
status <> 'retracted'

-- name: where_qualifier
qualifier = ANY(%(qualifier)s)

-- name: where_from_
period_end >= %(from_)s

-- name: where_to
period_start <= %(to)s

-- name: where_stated_from
stated_on >= %(stated_from)s

-- name: where_stated_to
stated_on <= %(stated_to)s
