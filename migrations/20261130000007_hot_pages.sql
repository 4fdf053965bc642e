-- Hot pages at organisation scale.
--
-- Published items per topic, kept current by the catalogue's writes, so the
-- library's topic list doesn't count the whole catalogue on every page view.
-- Catalogue writes are rare (L&D actions): each statement recounts all topics
-- under a lock, which keeps concurrent writers from overwriting each other.

ALTER TABLE topics ADD COLUMN published_items int NOT NULL DEFAULT 0;

CREATE FUNCTION refresh_topic_counts() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    LOCK TABLE topics IN SHARE ROW EXCLUSIVE MODE;
    UPDATE topics t SET published_items = c.n
    FROM (SELECT t2.id, count(i.id)::int AS n
          FROM topics t2
          LEFT JOIN item_topics it ON it.topic_id = t2.id
          LEFT JOIN content_items i ON i.id = it.item_id AND i.status = 'published'
          GROUP BY t2.id) c
    WHERE c.id = t.id AND t.published_items <> c.n;
    RETURN NULL;
END $$;

CREATE TRIGGER item_topics_counts AFTER INSERT OR UPDATE OF item_id, topic_id OR DELETE ON item_topics
    FOR EACH STATEMENT EXECUTE FUNCTION refresh_topic_counts();
CREATE TRIGGER content_items_counts AFTER INSERT OR UPDATE OF status OR DELETE ON content_items
    FOR EACH STATEMENT EXECUTE FUNCTION refresh_topic_counts();

UPDATE topics t SET published_items = (
    SELECT count(*) FROM item_topics it JOIN content_items i ON i.id = it.item_id
    WHERE it.topic_id = t.id AND i.status = 'published');

-- "Did the learner reflect today?" reads one index entry, however many
-- reflections they have written.
CREATE INDEX reflections_author_date_idx ON reflections (author_id, local_date);

-- Recommendations walk the learner's topics in usefulness order: each topic
-- link carries its item's ranking (kept current by triggers), so Today reads
-- a few dozen index entries per topic instead of the whole catalogue.
ALTER TABLE item_topics
    ADD COLUMN published boolean NOT NULL DEFAULT false,
    ADD COLUMN score int NOT NULL DEFAULT 0,
    ADD COLUMN published_at timestamptz;

CREATE FUNCTION item_topics_ranking() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    SELECT i.status = 'published', i.useful_yes - i.useful_no, i.published_at
      INTO NEW.published, NEW.score, NEW.published_at
      FROM content_items i WHERE i.id = NEW.item_id;
    RETURN NEW;
END $$;
CREATE TRIGGER item_topics_ranking BEFORE INSERT OR UPDATE OF item_id ON item_topics
    FOR EACH ROW EXECUTE FUNCTION item_topics_ranking();

CREATE FUNCTION content_items_ranking() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE item_topics SET published = NEW.status = 'published',
                           score = NEW.useful_yes - NEW.useful_no,
                           published_at = NEW.published_at
    WHERE item_id = NEW.id;
    RETURN NULL;
END $$;
CREATE TRIGGER content_items_ranking AFTER UPDATE OF status, useful_yes, useful_no, published_at ON content_items
    FOR EACH ROW
    WHEN (OLD.status IS DISTINCT FROM NEW.status
          OR OLD.useful_yes - OLD.useful_no IS DISTINCT FROM NEW.useful_yes - NEW.useful_no
          OR OLD.published_at IS DISTINCT FROM NEW.published_at)
    EXECUTE FUNCTION content_items_ranking();

UPDATE item_topics it SET published = i.status = 'published', score = i.useful_yes - i.useful_no,
                          published_at = i.published_at
FROM content_items i WHERE i.id = it.item_id;

CREATE INDEX item_topics_ranked_idx ON item_topics (topic_id, score DESC, published_at DESC, item_id)
    WHERE published;
