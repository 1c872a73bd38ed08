-- Source names reconciled through an alias table. UCDP names the outlet of
-- each report it cites in its own spelling, and imports made a source of
-- every spelling: sohr, soh, ohr and shr; afp and agence-france-presse; a
-- dozen spellings of Liveuamap. A spelling now names a source through
-- source_alias, looked up by its key (service/importers/sources.py: accents,
-- case and punctuation dropped, http(s)://, www. and a trailing .com or /
-- dropped), and the name as written stays on each citation.
--
-- The seed below is every source_office spelling of the UCDP GED Syria file
-- (652.1601.1911: 127 spellings, 21,137 citations, counted with Python's csv
-- module, entries split on ';'; the number after each alias is how often the
-- file writes it) with the source it names, and the names of the sources
-- that several spellings name (the seed_source rows). Those sources are
-- created where missing (sohr, sdf, israeli-military and un exactly as the
-- seed data set has them); a spelling that names a source of its own (The
-- Guardian) becomes an alias where an import made that source already, and
-- otherwise when an import makes it.
--
-- Databases that imported the file before have a source for each spelling:
-- citations, document publishers, disputes and figures move from such a
-- source (soh) to the one it spells (sohr), a document that then duplicates
-- one already there is merged into it, each figure changed keeps the change
-- in its history with the reason below, and the spelled source is removed
-- once nothing refers to it.
CREATE TABLE source_alias (
    key             text PRIMARY KEY CHECK (key <> ''),
    alias           text NOT NULL CHECK (alias <> ''),
    source_id       text NOT NULL REFERENCES source (id),
    created_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX source_alias_source ON source_alias (source_id);
CREATE TRIGGER source_alias_bumps_data_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON source_alias
    FOR EACH STATEMENT EXECUTE FUNCTION bump_data_version();

-- The source's name as the dataset wrote it (UCDP's source_office entry);
-- null when not recorded (written by hand, or imported before this).
ALTER TABLE figure_citation ADD COLUMN name_as_written text;

-- A source's body lists its aliases (the spellings), in alphabetical order.
CREATE OR REPLACE VIEW source_api AS
SELECT s.id, s.kind, s.updated_at,
       json_build_object(
           'id', s.id, 'name', s.name, 'kind', s.kind, 'url', s.url,
           'description', s.description,
           'aliases', coalesce((SELECT json_agg(a.alias ORDER BY lower(a.alias), a.alias)
                                FROM source_alias a WHERE a.source_id = s.id), '[]'::json),
           'created_at', s.created_at, 'updated_at', s.updated_at
       ) AS body
FROM source s;

CREATE TEMPORARY TABLE seed_source (
    id text PRIMARY KEY, name text NOT NULL, kind text NOT NULL, description text
) ON COMMIT DROP;
INSERT INTO seed_source (id, name, kind, description) VALUES
    ('sohr', 'Syrian Observatory for Human Rights', 'monitor', 'Britain-based monitor that follows the conflict through a network of local contacts.'),
    ('airwars', 'Airwars', 'monitor', 'Cited as source office in the UCDP Georeferenced Event Dataset.'),
    ('waha-report', 'Waha Report', 'media', 'Cited as source office in the UCDP Georeferenced Event Dataset.'),
    ('reuters', 'Reuters', 'media', 'Cited as source office in the UCDP Georeferenced Event Dataset.'),
    ('afp', 'Agence France-Presse', 'media', 'Cited as source office in the UCDP Georeferenced Event Dataset.'),
    ('liveuamap', 'Liveuamap', 'media', 'Cited as source office in the UCDP Georeferenced Event Dataset.'),
    ('sdf', 'Syrian Democratic Forces', 'armed_group', 'Kurdish-led alliance; quoted through its official Ahmad Hiso Araj.'),
    ('hrw', 'Human Rights Watch', 'ngo', 'Cited as source office in the UCDP Georeferenced Event Dataset.'),
    ('amnesty-international', 'Amnesty International', 'ngo', 'Cited as source office in the UCDP Georeferenced Event Dataset.'),
    ('al-masdar-news', 'Al-Masdar News', 'media', 'Cited as source office in the UCDP Georeferenced Event Dataset.'),
    ('the-new-arab', 'The New Arab', 'media', 'Cited as source office in the UCDP Georeferenced Event Dataset.'),
    ('snhr', 'Syrian Network for Human Rights', 'monitor', 'Cited as source office in the UCDP Georeferenced Event Dataset.'),
    ('icg', 'International Crisis Group', 'ngo', 'Cited as source office in the UCDP Georeferenced Event Dataset.'),
    ('fars-news-agency', 'Fars News Agency', 'media', 'Cited as source office in the UCDP Georeferenced Event Dataset.'),
    ('al-jazeera', 'Al Jazeera', 'media', 'Cited as source office in the UCDP Georeferenced Event Dataset.'),
    ('kurdistan-24', 'Kurdistan 24', 'media', 'Cited as source office in the UCDP Georeferenced Event Dataset.'),
    ('associated-press', 'Associated Press', 'media', 'Cited as source office in the UCDP Georeferenced Event Dataset.'),
    ('asharq-al-awsat', 'Asharq Al-Awsat', 'media', 'Cited as source office in the UCDP Georeferenced Event Dataset.'),
    ('voa', 'Voice of America', 'media', 'Cited as source office in the UCDP Georeferenced Event Dataset.'),
    ('xinhua', 'Xinhua News Agency', 'media', 'Cited as source office in the UCDP Georeferenced Event Dataset.'),
    ('israeli-military', 'Israeli military (Israel Defense Forces)', 'military', NULL),
    ('un', 'United Nations', 'un_agency', NULL);

-- position: the order aliases are taken in when two share a key; spelled_id:
-- the source an import made of the spelling before (its slug).
CREATE TEMPORARY TABLE seed_alias (
    position integer PRIMARY KEY, alias text NOT NULL, key text NOT NULL, source_id text NOT NULL,
    spelled_id text NOT NULL
) ON COMMIT DROP;
INSERT INTO seed_alias (position, alias, key, source_id, spelled_id) VALUES
    (1, 'SOHR', 'sohr', 'sohr', 'sohr'),  -- 18260
    (2, 'SOH', 'soh', 'sohr', 'soh'),  -- 3
    (3, 'OHR', 'ohr', 'sohr', 'ohr'),  -- 3
    (4, 'SHR', 'shr', 'sohr', 'shr'),  -- 2
    (5, 'http://www.syriahr.com/en/?p=64904', 'syriahr com en p 64904', 'sohr', 'http-www-syriahr-com-en-p-64904'),  -- 1
    (6, 'Syrian Observatory for Human Rights', 'syrian observatory for human rights', 'sohr', 'syrian-observatory-for-human-rights'),  -- its name
    (7, 'Airwars', 'airwars', 'airwars', 'airwars'),  -- 1574
    (8, 'Air Wars', 'air wars', 'airwars', 'air-wars'),  -- 67
    (9, 'Waha Report', 'waha report', 'waha-report', 'waha-report'),  -- 453
    (10, 'Waha', 'waha', 'waha-report', 'waha'),  -- 1
    (11, 'Reuters News', 'reuters news', 'reuters', 'reuters-news'),  -- 126
    (12, 'Reuters', 'reuters', 'reuters', 'reuters'),  -- 5
    (13, 'Agence France Presse', 'agence france presse', 'afp', 'agence-france-presse'),  -- 88
    (14, 'AFP', 'afp', 'afp', 'afp'),  -- 3
    (15, 'Agence France-Presse', 'agence france presse', 'afp', 'agence-france-presse'),  -- its name
    (16, 'Syria Live Map', 'syria live map', 'liveuamap', 'syria-live-map'),  -- 57
    (17, 'http://syria.liveuamap.com', 'syria liveuamap', 'liveuamap', 'http-syria-liveuamap-com'),  -- 15
    (18, 'SyriaLiveuaMap', 'syrialiveuamap', 'liveuamap', 'syrialiveuamap'),  -- 10
    (19, 'syria.liveuamap.com', 'syria liveuamap', 'liveuamap', 'syria-liveuamap-com'),  -- 9
    (20, 'Syria Liveuamap', 'syria liveuamap', 'liveuamap', 'syria-liveuamap'),  -- 7
    (21, 'SyriauaLive', 'syriaualive', 'liveuamap', 'syriaualive'),  -- 5
    (22, 'SyriaLiveuMap', 'syrialiveumap', 'liveuamap', 'syrialiveumap'),  -- 4
    (23, 'Syria LiveuMap', 'syria liveumap', 'liveuamap', 'syria-liveumap'),  -- 3
    (24, 'LiveuMap', 'liveumap', 'liveuamap', 'liveumap'),  -- 2
    (25, 'syria.liveuamap', 'syria liveuamap', 'liveuamap', 'syria-liveuamap'),  -- 2
    (26, 'http://syria.liveuamap.com/', 'syria liveuamap', 'liveuamap', 'http-syria-liveuamap-com'),  -- 3
    (27, 'LiveUaMap', 'liveuamap', 'liveuamap', 'liveuamap'),  -- 1
    (28, 'Syria Live UA Map', 'syria live ua map', 'liveuamap', 'syria-live-ua-map'),  -- 1
    (29, 'SyriauLive', 'syriaulive', 'liveuamap', 'syriaulive'),  -- 1
    (30, 'SyriauaLive Map', 'syriaualive map', 'liveuamap', 'syriaualive-map'),  -- 1
    (31, 'live-u.map', 'live u map', 'liveuamap', 'live-u-map'),  -- 1
    (32, 'syria.liveumap', 'syria liveumap', 'liveuamap', 'syria-liveumap'),  -- 1
    (33, 'http://isis.liveuamap.com', 'isis liveuamap', 'liveuamap', 'http-isis-liveuamap-com'),  -- 1
    (34, 'Liveuamap', 'liveuamap', 'liveuamap', 'liveuamap'),  -- its name
    (35, 'SDF PRESS OFFICE', 'sdf press office', 'sdf', 'sdf-press-office'),  -- 9
    (36, 'SDF Press Office', 'sdf press office', 'sdf', 'sdf-press-office'),  -- 6
    (37, 'SDF Media Center', 'sdf media center', 'sdf', 'sdf-media-center'),  -- 7
    (38, 'SDF Press Center', 'sdf press center', 'sdf', 'sdf-press-center'),  -- 4
    (39, 'Coordination & Military Ops Center - SDF', 'coordination military ops center sdf', 'sdf', 'coordination-military-ops-center-sdf'),  -- 1
    (40, 'Syrian Democratic Forces', 'syrian democratic forces', 'sdf', 'syrian-democratic-forces'),  -- its name
    (41, 'HRW', 'hrw', 'hrw', 'hrw'),  -- 56
    (42, 'Human Rights Watch', 'human rights watch', 'hrw', 'human-rights-watch'),  -- 33
    (43, 'Amnesty International', 'amnesty international', 'amnesty-international', 'amnesty-international'),  -- 5
    (44, 'Amnesty', 'amnesty', 'amnesty-international', 'amnesty'),  -- 2
    (45, 'Syria: Damning evidence of war crimes and other violations by Turkish forces and their allies', 'syria damning evidence of war crimes and other violations by turkish forces and their allies', 'amnesty-international', 'syria-damning-evidence-of-war-crimes-and-other-violations-by-tu'),  -- 1
    (46, 'Al Masdar News', 'al masdar news', 'al-masdar-news', 'al-masdar-news'),  -- 16
    (47, 'al-Masdar News', 'al masdar news', 'al-masdar-news', 'al-masdar-news'),  -- 3
    (48, 'AMN', 'amn', 'al-masdar-news', 'amn'),  -- 1
    (49, 'Al-Masdar News', 'al masdar news', 'al-masdar-news', 'al-masdar-news'),  -- its name
    (50, 'New Arab', 'new arab', 'the-new-arab', 'new-arab'),  -- 2
    (51, 'The New Arab', 'the new arab', 'the-new-arab', 'the-new-arab'),  -- 1
    (52, 'SNHR', 'snhr', 'snhr', 'snhr'),  -- 3
    (53, 'SN4HR', 'sn4hr', 'snhr', 'sn4hr'),  -- 4
    (54, 'Syrian Network for Human Rights', 'syrian network for human rights', 'snhr', 'syrian-network-for-human-rights'),  -- its name
    (55, 'ICG', 'icg', 'icg', 'icg'),  -- 2
    (56, 'International Crisis Group', 'international crisis group', 'icg', 'international-crisis-group'),  -- 1
    (57, 'Crisis Watch', 'crisis watch', 'icg', 'crisis-watch'),  -- 4
    (58, 'FARS News Agency', 'fars news agency', 'fars-news-agency', 'fars-news-agency'),  -- 21
    (59, 'Fars News', 'fars news', 'fars-news-agency', 'fars-news'),  -- 1
    (60, 'Fars News Agency', 'fars news agency', 'fars-news-agency', 'fars-news-agency'),  -- its name
    (61, 'Aljazeera', 'aljazeera', 'al-jazeera', 'aljazeera'),  -- 2
    (62, 'Al Jazeera', 'al jazeera', 'al-jazeera', 'al-jazeera'),  -- 1
    (63, 'Al Jazeera (in SOHR)', 'al jazeera in sohr', 'al-jazeera', 'al-jazeera-in-sohr'),  -- 1
    (64, 'Kurdistan 24', 'kurdistan 24', 'kurdistan-24', 'kurdistan-24'),  -- 2
    (65, 'Kurdistan24', 'kurdistan24', 'kurdistan-24', 'kurdistan24'),  -- 1
    (66, 'Kurdistan 24 (in SOHR)', 'kurdistan 24 in sohr', 'kurdistan-24', 'kurdistan-24-in-sohr'),  -- 1
    (67, 'Associated Press Newswires', 'associated press newswires', 'associated-press', 'associated-press-newswires'),  -- 3
    (68, 'Associated Press', 'associated press', 'associated-press', 'associated-press'),  -- 1
    (69, 'Asharq Al-Awsat', 'asharq al awsat', 'asharq-al-awsat', 'asharq-al-awsat'),  -- 2
    (70, 'aawsat', 'aawsat', 'asharq-al-awsat', 'aawsat'),  -- 1
    (71, 'VOA', 'voa', 'voa', 'voa'),  -- 1
    (72, 'VOA News', 'voa news', 'voa', 'voa-news'),  -- 1
    (73, 'Voice of America', 'voice of america', 'voa', 'voice-of-america'),  -- its name
    (74, 'Xinhua', 'xinhua', 'xinhua', 'xinhua'),  -- 1
    (75, 'Xinhua News Agency', 'xinhua news agency', 'xinhua', 'xinhua-news-agency'),  -- 1
    (76, 'Israel Defense Forces', 'israel defense forces', 'israeli-military', 'israel-defense-forces'),  -- 1
    (77, 'Israeli military (Israel Defense Forces)', 'israeli military israel defense forces', 'israeli-military', 'israeli-military-israel-defense-forces'),  -- its name
    (78, 'S/2016/1037', 's 2016 1037', 'un', 's-2016-1037'),  -- 1
    (79, 'United Nations', 'united nations', 'un', 'united-nations'),  -- its name
    (80, 'VDC', 'vdc', 'vdc', 'vdc'),  -- 53
    (81, 'BBC Monitoring Middle East', 'bbc monitoring middle east', 'bbc-monitoring-middle-east', 'bbc-monitoring-middle-east'),  -- 32
    (82, 'BBC Monitoring Newsfile', 'bbc monitoring newsfile', 'bbc-monitoring-newsfile', 'bbc-monitoring-newsfile'),  -- 15
    (83, 'BBC Monitoring European', 'bbc monitoring european', 'bbc-monitoring-european', 'bbc-monitoring-european'),  -- 13
    (84, 'Syrian War Daily', 'syrian war daily', 'syrian-war-daily', 'syrian-war-daily'),  -- 12
    (85, 'Orient News', 'orient news', 'orient-news', 'orient-news'),  -- 11
    (86, 'Heyva Sor A Kurd/Kurdish Red Crescent', 'heyva sor a kurd kurdish red crescent', 'heyva-sor-a-kurd-kurdish-red-crescent', 'heyva-sor-a-kurd-kurdish-red-crescent'),  -- 9
    (87, 'Sputnik News Service', 'sputnik news service', 'sputnik-news-service', 'sputnik-news-service'),  -- 8
    (88, 'ANF', 'anf', 'anf', 'anf'),  -- 5
    (89, 'CNN', 'cnn', 'cnn', 'cnn'),  -- 4
    (90, 'National Iraqi News Agency', 'national iraqi news agency', 'national-iraqi-news-agency', 'national-iraqi-news-agency'),  -- 4
    (91, 'The Independent (in SOHR)', 'the independent in sohr', 'the-independent-in-sohr', 'the-independent-in-sohr'),  -- 4
    (92, 'BBC', 'bbc', 'bbc', 'bbc'),  -- 2
    (93, 'Daily Sabah', 'daily sabah', 'daily-sabah', 'daily-sabah'),  -- 2
    (94, 'Daily Star', 'daily star', 'daily-star', 'daily-star'),  -- 2
    (95, 'Hurriyet Daily News', 'hurriyet daily news', 'hurriyet-daily-news', 'hurriyet-daily-news'),  -- 2
    (96, 'LA Times', 'la times', 'la-times', 'la-times'),  -- 2
    (97, 'The Star (in SOHR)', 'the star in sohr', 'the-star-in-sohr', 'the-star-in-sohr'),  -- 2
    (98, 'The Syrian Observer', 'the syrian observer', 'the-syrian-observer', 'the-syrian-observer'),  -- 2
    (99, 'ANHA', 'anha', 'anha', 'anha'),  -- 1
    (100, 'ANSA Med', 'ansa med', 'ansa-med', 'ansa-med'),  -- 1
    (101, 'Ahramonline', 'ahramonline', 'ahramonline', 'ahramonline'),  -- 1
    (102, 'Al Arabiya English', 'al arabiya english', 'al-arabiya-english', 'al-arabiya-english'),  -- 1
    (103, 'Aleppo24', 'aleppo24', 'aleppo24', 'aleppo24'),  -- 1
    (104, 'Almaghribtoday', 'almaghribtoday', 'almaghribtoday', 'almaghribtoday'),  -- 1
    (105, 'CNN Arabic', 'cnn arabic', 'cnn-arabic', 'cnn-arabic'),  -- 1
    (106, 'Carnegie', 'carnegie', 'carnegie', 'carnegie'),  -- 1
    (107, 'Deutsche Welle', 'deutsche welle', 'deutsche-welle', 'deutsche-welle'),  -- 1
    (108, 'France 24 (in SOHR)', 'france 24 in sohr', 'france-24-in-sohr', 'france-24-in-sohr'),  -- 1
    (109, 'Haaretz', 'haaretz', 'haaretz', 'haaretz'),  -- 1
    (110, 'IHS Jane''s Terrorism Watch Report', 'ihs janes terrorism watch report', 'ihs-jane-s-terrorism-watch-report', 'ihs-jane-s-terrorism-watch-report'),  -- 1
    (111, 'Jewish & Israel News Algemeiner.com', 'jewish israel news algemeiner', 'jewish-israel-news-algemeiner-com', 'jewish-israel-news-algemeiner-com'),  -- 1
    (112, 'Jpost.com (The Jerusalem Post online edition)', 'jpost com the jerusalem post online edition', 'jpost-com-the-jerusalem-post-online-edition', 'jpost-com-the-jerusalem-post-online-edition'),  -- 1
    (113, 'Lawfare', 'lawfare', 'lawfare', 'lawfare'),  -- 1
    (114, 'MSF', 'msf', 'msf', 'msf'),  -- 1
    (115, 'Map of Syrian civil war', 'map of syrian civil war', 'map-of-syrian-civil-war', 'map-of-syrian-civil-war'),  -- 1
    (116, 'Mehr Newsagency', 'mehr newsagency', 'mehr-newsagency', 'mehr-newsagency'),  -- 1
    (117, 'Middle East Eye', 'middle east eye', 'middle-east-eye', 'middle-east-eye'),  -- 1
    (118, 'NPR', 'npr', 'npr', 'npr'),  -- 1
    (119, 'NRT Digital Media', 'nrt digital media', 'nrt-digital-media', 'nrt-digital-media'),  -- 1
    (120, 'Naharnet', 'naharnet', 'naharnet', 'naharnet'),  -- 1
    (121, 'OCHA', 'ocha', 'ocha', 'ocha'),  -- 1
    (122, 'Press Association', 'press association', 'press-association', 'press-association'),  -- 1
    (123, 'Press Trust of India', 'press trust of india', 'press-trust-of-india', 'press-trust-of-india'),  -- 1
    (124, 'RUDAW (on SOHR)', 'rudaw on sohr', 'rudaw-on-sohr', 'rudaw-on-sohr'),  -- 1
    (125, 'The Guardian', 'the guardian', 'the-guardian', 'the-guardian'),  -- 1
    (126, 'The Indian Express', 'the indian express', 'the-indian-express', 'the-indian-express'),  -- 1
    (127, 'The New York Times', 'the new york times', 'the-new-york-times', 'the-new-york-times'),  -- 1
    (128, 'The Seattle Times (in SOHR)', 'the seattle times in sohr', 'the-seattle-times-in-sohr', 'the-seattle-times-in-sohr'),  -- 1
    (129, 'The Telegraph', 'the telegraph', 'the-telegraph', 'the-telegraph'),  -- 1
    (130, 'Times of Israel', 'times of israel', 'times-of-israel', 'times-of-israel'),  -- 1
    (131, 'UN News Centre', 'un news centre', 'un-news-centre', 'un-news-centre'),  -- 1
    (132, 'Washington Post', 'washington post', 'washington-post', 'washington-post'),  -- 1
    (133, 'World Service Wire', 'world service wire', 'world-service-wire', 'world-service-wire'),  -- 1
    (134, 'daily star/AFP', 'daily star afp', 'daily-star-afp', 'daily-star-afp'),  -- 1
    (135, 'eblnews', 'eblnews', 'eblnews', 'eblnews'),  -- 1
    (136, 'eldorar', 'eldorar', 'eldorar', 'eldorar'),  -- 1
    (137, 'israeltoday', 'israeltoday', 'israeltoday', 'israeltoday');  -- 1

INSERT INTO source (id, name, kind, description)
SELECT id, name, kind, description FROM seed_source ORDER BY id
ON CONFLICT (id) DO NOTHING;

-- The sources that are another's spelling: old_id spells new_id.
CREATE TEMPORARY TABLE source_merge ON COMMIT DROP AS
SELECT DISTINCT a.spelled_id AS old_id, a.source_id AS new_id
FROM seed_alias a JOIN source s ON s.id = a.spelled_id
WHERE a.spelled_id <> a.source_id
  AND a.spelled_id NOT IN (SELECT source_id FROM seed_alias);

-- Citations keep the name the old source had: the spelling it was made of.
UPDATE figure_citation c
SET source_id = m.new_id, name_as_written = coalesce(c.name_as_written, s.name)
FROM source_merge m JOIN source s ON s.id = m.old_id
WHERE c.source_id = m.old_id;

-- Documents whose publisher moves, and the one each is merged into when it
-- then has the title, publisher and date of another (document_natural_key):
-- the document already under the source it spells, else the oldest.
CREATE TEMPORARY TABLE document_merge ON COMMIT DROP AS
SELECT id AS old_id, keep AS new_id FROM (
    SELECT d.id, first_value(d.id) OVER (
               PARTITION BY d.title, coalesce(m.new_id, d.publisher_id), coalesce(d.published_on, '-infinity'::date)
               ORDER BY (m.old_id IS NULL) DESC, d.id) AS keep
    FROM document d LEFT JOIN source_merge m ON m.old_id = d.publisher_id
    WHERE d.publisher_id IN (SELECT old_id FROM source_merge UNION SELECT new_id FROM source_merge)
) ranked
WHERE id <> keep;

SELECT set_config('tally.actor', 'migration 0017', true),
       set_config('tally.reason', 'Source names reconciled: a source that was another''s spelling (soh for sohr, '
                                  'agence-france-presse for afp) is merged into it, and so are the documents it '
                                  'published that the other had already', true),
       set_config('tally.change', 'update', true);

-- Each figure's new source and document. A figure keeps its source when the
-- new one states the same already (figure_statement_unique): that source is
-- then kept too.
CREATE TEMPORARY TABLE figure_move ON COMMIT DROP AS
SELECT f.id, coalesce(m.new_id, f.source_id) AS source_id, coalesce(dm.new_id, f.document_id) AS document_id
FROM figure f
LEFT JOIN source_merge m ON m.old_id = f.source_id
LEFT JOIN document_merge dm ON dm.old_id = f.document_id
WHERE m.old_id IS NOT NULL OR dm.old_id IS NOT NULL;

UPDATE figure_move v SET source_id = f.source_id
FROM figure f
WHERE f.id = v.id AND v.source_id <> f.source_id
  AND EXISTS (SELECT 1 FROM figure g LEFT JOIN figure_move gv ON gv.id = g.id
              WHERE g.id <> f.id AND coalesce(gv.source_id, g.source_id) = v.source_id
                AND (gv.id IS NULL OR g.source_id = v.source_id OR g.id < f.id)
                AND g.metric_id = f.metric_id AND g.location_id = f.location_id
                AND g.origin_id IS NOT DISTINCT FROM f.origin_id
                AND g.destination_id IS NOT DISTINCT FROM f.destination_id
                AND g.population_group IS NOT DISTINCT FROM f.population_group
                AND g.period_start = f.period_start AND g.period_end = f.period_end AND g.value = f.value);

UPDATE figure f
SET source_id = v.source_id, document_id = v.document_id, version = f.version + 1, updated_at = now()
FROM figure_move v
WHERE v.id = f.id AND (v.source_id, v.document_id) IS DISTINCT FROM (f.source_id, f.document_id);

SELECT set_config('tally.actor', '', true), set_config('tally.reason', '', true), set_config('tally.change', '', true);

UPDATE figure_citation c SET document_id = dm.new_id FROM document_merge dm WHERE c.document_id = dm.old_id;
UPDATE figure_dispute x SET document_id = dm.new_id FROM document_merge dm WHERE x.document_id = dm.old_id;

-- A dispute moves unless the source it spells disputes the figure on that
-- day already (figure_dispute's unique key).
UPDATE figure_dispute x SET source_id = moving.new_id
FROM (SELECT x.id, m.new_id,
             row_number() OVER (PARTITION BY x.figure_id, m.new_id, x.stated_on ORDER BY x.id) AS nth
      FROM figure_dispute x JOIN source_merge m ON m.old_id = x.source_id) moving
WHERE x.id = moving.id AND moving.nth = 1
  AND NOT EXISTS (SELECT 1 FROM figure_dispute y
                  WHERE y.figure_id = x.figure_id AND y.source_id = moving.new_id AND y.stated_on = x.stated_on);

DELETE FROM document d USING document_merge dm WHERE d.id = dm.old_id;

UPDATE document d SET publisher_id = m.new_id, updated_at = now()
FROM source_merge m
WHERE d.publisher_id = m.old_id;

INSERT INTO source_alias (key, alias, source_id)
SELECT DISTINCT ON (a.key) a.key, a.alias, a.source_id
FROM seed_alias a JOIN source s ON s.id = a.source_id
ORDER BY a.key, a.position
ON CONFLICT (key) DO NOTHING;

-- A spelled source nothing refers to any more is removed; one still
-- referred to (a figure or dispute that could not move) stays.
DO $$
DECLARE
    spelled text;
BEGIN
    FOR spelled IN SELECT old_id FROM source_merge ORDER BY old_id LOOP
        BEGIN
            DELETE FROM source WHERE id = spelled;
        EXCEPTION WHEN foreign_key_violation THEN
            NULL;
        END;
    END LOOP;
END
$$;
