-- The catalogue of what Tally counts. HXL has no attribute for "besieged" or
-- "trapped", so those use documented custom attributes.
INSERT INTO metric (id, label, definition, unit, hxl_hashtag, is_flow) VALUES
('people_trapped', 'People trapped',
 'People unable to leave an area because of fighting, siege or blockade, as of the end of the reference period.',
 'people', '#affected+trapped', false),
('children_under_siege', 'Children under siege',
 'Children (under 18) living in besieged areas, as of the end of the reference period.',
 'people', '#affected+children+besieged', false),
('civilians_killed', 'Civilians killed',
 'Non-combatants killed as a result of conflict violence.',
 'people', '#affected+killed+civilians', false),
('civilians_injured', 'Civilians injured',
 'Non-combatants wounded as a result of conflict violence.',
 'people', '#affected+injured+civilians', false),
('people_killed', 'People killed',
 'People killed as a result of conflict violence, combatants included; the population group says who.',
 'people', '#affected+killed', false),
('people_injured', 'People injured',
 'People wounded as a result of conflict violence, combatants included; the population group says who.',
 'people', '#affected+injured', false),
('displaced', 'People displaced',
 'People forced to leave their homes, counted as a movement from an origin to a destination (either may be unknown).',
 'people', '#affected+displaced', true);
