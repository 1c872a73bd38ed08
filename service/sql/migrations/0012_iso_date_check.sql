-- Whether a text is a calendar date written YYYY-MM-DD (years 1000-9999),
-- without raising an error as a cast would: set-based imports check every
-- date of a file in one statement and report the bad ones row by row.
-- PostgreSQL 16's pg_input_is_valid() would do, but Tally also runs on 15.
-- CASE keeps the casts from running on text the pattern has not passed.
CREATE FUNCTION is_iso_date(value text) RETURNS boolean
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN CASE
    WHEN value ~ '^[1-9][0-9]{3}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$'
    THEN substr(value, 9, 2)::int <= extract(day FROM make_date(substr(value, 1, 4)::int, substr(value, 6, 2)::int, 1)
                                                      + interval '1 month - 1 day')
    ELSE false
END;
