-- Pollers ask "what changed since" (updated_since, sort=updated_at): serve
-- them from an index rather than a scan of every figure.
CREATE INDEX figure_updated ON figure (updated_at, id);
