-- A UCDP GED figure's best/low/high are UCDP's own estimates, coded from the
-- reports it cites. They were attributed to the first report (SOHR, AFP, ...),
-- so "SOHR states 0 civilians killed" appeared thousands of times. UCDP now
-- states them (source ucdp, document: the dataset) and every report it cites
-- is a citation, the first one included. Each figure changed keeps the change
-- in its history, with the reason below.
INSERT INTO source (id, name, kind, description)
SELECT 'ucdp', 'Uppsala Conflict Data Program (UCDP)', 'dataset',
       'Compiles the Georeferenced Event Dataset (GED) of organised violence, coding each event''s deaths '
       '(low, best, high) from the reports it cites.'
WHERE EXISTS (SELECT 1 FROM figure WHERE dataset_id = 'ucdp-ged' AND source_id <> 'ucdp')
ON CONFLICT (id) DO NOTHING;

INSERT INTO document (title, publisher_id, url, published_on)
SELECT 'UCDP Georeferenced Event Dataset (GED), Syria', 'ucdp', 'https://ucdp.uu.se/downloads/', NULL
WHERE EXISTS (SELECT 1 FROM figure WHERE dataset_id = 'ucdp-ged' AND source_id <> 'ucdp')
ON CONFLICT DO NOTHING;

-- A figure citing one report had no citation: that report was its source and document.
INSERT INTO figure_citation (figure_id, position, source_id, document_id)
SELECT f.id, 1, f.source_id, f.document_id
FROM figure f
WHERE f.dataset_id = 'ucdp-ged' AND f.source_id <> 'ucdp'
  AND NOT EXISTS (SELECT 1 FROM figure_citation c WHERE c.figure_id = f.id);

SELECT set_config('tally.actor', 'migration 0015', true),
       set_config('tally.reason', 'UCDP GED figures are UCDP''s own estimates: stated by UCDP, with the reports it '
                                  'coded them from as citations (they were attributed to the first report)', true),
       set_config('tally.change', 'update', true);

UPDATE figure f
SET source_id = 'ucdp', document_id = d.id, version = f.version + 1, updated_at = now()
FROM document d
WHERE d.title = 'UCDP Georeferenced Event Dataset (GED), Syria' AND d.publisher_id = 'ucdp'
  AND d.published_on IS NULL
  AND f.dataset_id = 'ucdp-ged' AND f.source_id <> 'ucdp';

-- Later migrations in the same transaction must not write under this name.
SELECT set_config('tally.actor', '', true), set_config('tally.reason', '', true), set_config('tally.change', '', true);
