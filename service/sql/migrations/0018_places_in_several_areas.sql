-- A place lies inside its administrative parent and, besides, inside any
-- number of areas that are not administrative units: Anjara is in Jebel
-- Saman (its parent) and in the western Aleppo countryside (an area).
-- "Everything inside a place" follows every containment, and so do the
-- totals' rules; a containment that would loop is refused here, whichever
-- writer tries it.
CREATE TABLE location_area (
    location_id text NOT NULL REFERENCES location (id),
    area_id     text NOT NULL REFERENCES location (id),
    PRIMARY KEY (location_id, area_id),
    CHECK (location_id <> area_id)
);
CREATE INDEX location_area_area ON location_area (area_id);

-- Every containment as one edge: the inner place and the place holding it.
CREATE VIEW location_containment (inner_id, outer_id) AS
SELECT id, parent_id FROM location WHERE parent_id IS NOT NULL
UNION ALL
SELECT location_id, area_id FROM location_area;

-- The places that hold place, through any chain of containments (place itself left out).
CREATE FUNCTION location_containers(place text) RETURNS TABLE (id text)
LANGUAGE sql STABLE AS $$
    WITH RECURSIVE up (id) AS (
        SELECT outer_id FROM location_containment WHERE inner_id = place
        UNION
        SELECT c.outer_id FROM location_containment c JOIN up ON c.inner_id = up.id
    )
    SELECT id FROM up
$$;

-- A containment must not loop, and an area must not be an administrative unit
-- (those are parents). Raised as a CHECK violation with a constraint name, so
-- writers report it like any other broken rule.
CREATE FUNCTION location_containment_check() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    inner_id text;
    outer_id text;
BEGIN
    IF TG_TABLE_NAME = 'location' THEN
        inner_id := NEW.id;
        outer_id := NEW.parent_id;
    ELSE
        inner_id := NEW.location_id;
        outer_id := NEW.area_id;
    END IF;
    IF outer_id IS NULL THEN
        RETURN NEW;
    END IF;
    IF TG_TABLE_NAME = 'location_area'
       AND (SELECT admin_level(kind) FROM location WHERE id = outer_id) IS NOT NULL THEN
        RAISE EXCEPTION 'area % is an administrative unit: make it the parent of %', outer_id, inner_id
            USING ERRCODE = 'check_violation', CONSTRAINT = 'location_area_not_administrative';
    END IF;
    IF outer_id = inner_id OR EXISTS (SELECT 1 FROM location_containers(outer_id) c WHERE c.id = inner_id) THEN
        RAISE EXCEPTION '% lies inside %: the containment would loop', outer_id, inner_id
            USING ERRCODE = 'check_violation', CONSTRAINT = 'location_containment_acyclic';
    END IF;
    RETURN NEW;
END
$$;

-- A new place has nothing inside it yet, so only a changed parent can close a loop.
CREATE TRIGGER location_parent_acyclic BEFORE UPDATE OF parent_id ON location
    FOR EACH ROW WHEN (NEW.parent_id IS DISTINCT FROM OLD.parent_id)
    EXECUTE FUNCTION location_containment_check();
CREATE TRIGGER location_area_acyclic BEFORE INSERT OR UPDATE ON location_area
    FOR EACH ROW EXECUTE FUNCTION location_containment_check();
CREATE TRIGGER location_area_bumps_data_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON location_area
    FOR EACH STATEMENT EXECUTE FUNCTION bump_data_version();

-- A location as the API serves it now names the areas it also lies in.
CREATE OR REPLACE VIEW location_api AS
SELECT l.id, l.pcode, l.kind, l.parent_id, l.updated_at,
       json_build_object(
           'id', l.id, 'pcode', l.pcode, 'name', l.name, 'name_ar', l.name_ar,
           'aliases', l.aliases, 'kind', l.kind, 'admin_level', admin_level(l.kind),
           'parent', location_ref(p),
           'areas', coalesce((SELECT json_agg(location_ref(a) ORDER BY a.id)
                              FROM location_area x JOIN location a ON a.id = x.area_id
                              WHERE x.location_id = l.id), '[]'),
           'latitude', l.latitude, 'longitude', l.longitude,
           'description', l.description, 'created_at', l.created_at, 'updated_at', l.updated_at
       ) AS body
FROM location l
LEFT JOIN location p ON p.id = l.parent_id;
