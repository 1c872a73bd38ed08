-- TRUNCATE figure takes the read model's bodies along. The foreign key that
-- 0024 dropped did it (TRUNCATE ... CASCADE reached figure_read through it);
-- without it the bodies of every figure would stay behind, orphaned.
CREATE FUNCTION figure_read_on_truncate() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    TRUNCATE figure_read, figure_read_pending;
    RETURN NULL;
END
$$;

CREATE TRIGGER figure_read_on_truncate AFTER TRUNCATE ON figure
    FOR EACH STATEMENT EXECUTE FUNCTION figure_read_on_truncate();
