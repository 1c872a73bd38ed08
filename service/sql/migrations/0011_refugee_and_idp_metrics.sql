-- Stocks of displaced people, for UNHCR's and IDMC's figures. HXL has both
-- attributes (+refugees, +idps), so no custom ones are needed. Refugees
-- carry their country of origin and of asylum (origin and destination), so
-- the metric is marked as one that has them.
INSERT INTO metric (id, label, definition, unit, hxl_hashtag, is_flow) VALUES
('refugees', 'Refugees',
 'People outside their country of origin who are refugees or in a refugee-like situation, as of the end of the reference period (a stock). The origin is their country of origin; the location and destination their country of asylum.',
 'people', '#affected+refugees', true),
('idps', 'Internally displaced people',
 'People displaced within their own country, as of the end of the reference period (a stock).',
 'people', '#affected+idps', false);
