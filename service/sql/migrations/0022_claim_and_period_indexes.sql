-- Claims and totals at the size of real use (a million figures).
--
-- figure_quantity: the figures stating one quantity (metric, place, flow and
-- population group, as /v1/claims compares them: an absent origin or
-- destination is '', the group without case or outer spaces), by id. A page
-- of claims groups only the quantities it needs, reading each one's figures
-- and its first figure after the cursor from here; totals read a metric's
-- figures in some places from its first two columns.
CREATE INDEX figure_quantity ON figure (
    metric_id, location_id, coalesce(origin_id, ''), coalesce(destination_id, ''),
    lower(btrim(coalesce(population_group, ''))), id);

-- figure_period: the figures whose reference period meets a period. A period
-- filter as two comparisons (period_end >= from, period_start <= to) reads
-- every figure on one side of the period from a btree; as ranges that
-- overlap, it reads only those that meet it.
CREATE INDEX figure_period ON figure USING gist (daterange(period_start, period_end, '[]'));
