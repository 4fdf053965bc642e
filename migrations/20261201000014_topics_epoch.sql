-- The library keeps its topic list (names, slugs, published items) in memory
-- for as long as `plan_epoch.n` stays the same; the session's statement reads
-- the epoch. Publishing, retagging and renaming already raise it; so do a
-- new topic and a changed slug now.
CREATE TRIGGER topics_catalogue_epoch AFTER INSERT OR UPDATE OF slug ON topics
    FOR EACH STATEMENT EXECUTE FUNCTION bump_plan_epoch();
