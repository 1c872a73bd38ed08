-- Two readings of the seed article change (README, "Value and precision"):
-- "nearly X" is approximately X with X as its upper bound, and a flow stated
-- on 27 November with no period of its own covers that day rather than an
-- invented one starting the 26th. Databases seeded before get the same
-- figures, each change kept in the figure's history with its reason.
SELECT set_config('tally.actor', 'migration 0019', true),
       set_config('tally.reason', '"nearly X" is approximately X with X as its upper bound', true),
       set_config('tally.change', 'update', true);

UPDATE figure SET high = value, version = version + 1, updated_at = now()
WHERE source_id = 'unicef' AND metric_id = 'children_under_siege' AND stated_words = 'nearly 500,000'
  AND high IS NULL AND dataset_id IS NULL;

SELECT set_config('tally.reason', 'The flow states no period of its own: it covers the day it was stated, '
                                  'not an invented one from the day before', true);

UPDATE figure SET period_start = stated_on, version = version + 1, updated_at = now()
WHERE source_id = 'sohr' AND metric_id = 'displaced' AND stated_words IN ('around 1,700', 'another 2,500')
  AND period_start = DATE '2016-11-26' AND stated_on = DATE '2016-11-27' AND dataset_id IS NULL;

SELECT set_config('tally.actor', '', true), set_config('tally.reason', '', true), set_config('tally.change', '', true);
