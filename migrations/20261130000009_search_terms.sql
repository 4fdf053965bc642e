-- One-word searches (most of what people type into the library) read the top
-- of an index range instead of ranking every matching item. Each published
-- item has one row per word (lexeme) of its search vector, carrying the
-- item's rank for a search of that word alone: exactly what
-- ts_rank(search, websearch_to_tsquery(word)) gives, so the order of results
-- does not change. Searches of several words or with filters still rank the
-- matches from the GIN index. Kept current by a trigger on content_items;
-- rows go with their item (ON DELETE CASCADE).

-- The tsquery of one lexeme, quoted as tsquery input expects.
CREATE FUNCTION search_term_query(lexeme text) RETURNS tsquery
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    AS $$ SELECT ('''' || replace(replace(lexeme, '\', '\\'), '''', '''''') || '''')::tsquery $$;

CREATE TABLE search_terms (
    lexeme text NOT NULL,
    item_id uuid NOT NULL REFERENCES content_items (id) ON DELETE CASCADE,
    rank real NOT NULL,
    published_at timestamptz
);
CREATE INDEX search_terms_ranked_idx ON search_terms (lexeme, rank DESC, published_at DESC, item_id);
CREATE INDEX search_terms_item_idx ON search_terms (item_id);

CREATE FUNCTION content_items_search_terms() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' THEN
        DELETE FROM search_terms WHERE item_id = OLD.id;
    END IF;
    IF NEW.status = 'published' THEN
        INSERT INTO search_terms (lexeme, item_id, rank, published_at)
        SELECT t.lexeme, NEW.id, ts_rank(NEW.search, search_term_query(t.lexeme)), NEW.published_at
        FROM unnest(NEW.search) t;
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER content_items_search_terms_insert AFTER INSERT ON content_items
    FOR EACH ROW WHEN (NEW.status = 'published')
    EXECUTE FUNCTION content_items_search_terms();
CREATE TRIGGER content_items_search_terms_update AFTER UPDATE ON content_items
    FOR EACH ROW
    WHEN (OLD.status IS DISTINCT FROM NEW.status
          OR OLD.published_at IS DISTINCT FROM NEW.published_at
          OR OLD.search IS DISTINCT FROM NEW.search)
    EXECUTE FUNCTION content_items_search_terms();

INSERT INTO search_terms (lexeme, item_id, rank, published_at)
SELECT t.lexeme, i.id, ts_rank(i.search, search_term_query(t.lexeme)), i.published_at
FROM content_items i, unnest(i.search) t
WHERE i.status = 'published';
ANALYZE search_terms;
