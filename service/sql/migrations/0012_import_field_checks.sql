-- Whether a text is a calendar date written YYYY-MM-DD (years 1000-9999),
-- without raising an error as a cast would: set-based imports check every
-- date of a file in one statement and report the bad ones row by row.
-- PostgreSQL 16's pg_input_is_valid() would do, but Tally also runs on 15.
-- The shape is checked with translate(), several times cheaper than a
-- regular expression over a million rows; CASE keeps the casts from running
-- on text that is not in shape (AND does not promise an order).
CREATE FUNCTION is_iso_date(value text) RETURNS boolean
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN CASE
    WHEN value IS NULL THEN false
    WHEN translate(value, '0123456789', '0000000000') <> '0000-00-00' OR left(value, 1) = '0' THEN false
    WHEN substr(value, 6, 2)::int NOT BETWEEN 1 AND 12 THEN false
    ELSE substr(value, 9, 2)::int BETWEEN 1 AND extract(day FROM make_date(substr(value, 1, 4)::int,
                                                                        substr(value, 6, 2)::int, 1)
                                                           + interval '1 month - 1 day')
END;

-- A field of an imported file as the checks read it: without the whitespace
-- around it (spaces, tabs, line breaks, no-break spaces), and null when
-- nothing is left. Inlined by the planner like is_iso_date.
CREATE FUNCTION trimmed_field(value text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN nullif(btrim(value, E' \t\n\r\f\u00a0'), '');
