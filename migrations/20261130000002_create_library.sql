-- Content library: topics, items (internal Markdown or curated links), old
-- slugs, saved items, ratings, collections; and the append-only learning record.

CREATE EXTENSION IF NOT EXISTS pg_trgm;

CREATE TABLE topics (
    id uuid PRIMARY KEY,
    name text NOT NULL CHECK (length(btrim(name)) BETWEEN 1 AND 80),
    slug text NOT NULL UNIQUE,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX topics_name_key ON topics (lower(name));

CREATE TABLE content_items (
    id uuid PRIMARY KEY,
    slug text NOT NULL UNIQUE,
    title text NOT NULL CHECK (length(btrim(title)) BETWEEN 1 AND 200),
    summary text NOT NULL,
    kind text NOT NULL CHECK (kind IN ('article', 'video', 'podcast', 'guide', 'checklist', 'link')),
    body_md text NOT NULL DEFAULT '' CHECK (length(body_md) <= 102400),
    body_html text NOT NULL DEFAULT '',
    url text,
    source text,
    minutes int NOT NULL CHECK (minutes BETWEEN 1 AND 120),
    image_url text,
    reference boolean NOT NULL DEFAULT false,
    open_access boolean NOT NULL DEFAULT false,
    status text NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'published', 'archived')),
    published_at timestamptz,
    useful_yes int NOT NULL DEFAULT 0,
    useful_no int NOT NULL DEFAULT 0,
    created_by uuid REFERENCES users (id) ON DELETE SET NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    search tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector('english', title), 'A') ||
        setweight(to_tsvector('english', summary), 'B') ||
        setweight(to_tsvector('english', body_md), 'C')
    ) STORED
);
CREATE INDEX content_items_search_idx ON content_items USING gin (search);
CREATE INDEX content_items_title_trgm_idx ON content_items USING gin (title gin_trgm_ops);
CREATE INDEX content_items_published_idx ON content_items (published_at DESC) WHERE status = 'published';
CREATE INDEX content_items_useful_idx ON content_items ((useful_yes - useful_no) DESC, published_at DESC) WHERE status = 'published';
CREATE INDEX content_items_url_idx ON content_items (url);

CREATE TABLE item_topics (
    item_id uuid NOT NULL REFERENCES content_items (id) ON DELETE CASCADE,
    topic_id uuid NOT NULL REFERENCES topics (id) ON DELETE CASCADE,
    PRIMARY KEY (item_id, topic_id)
);
CREATE INDEX item_topics_topic_idx ON item_topics (topic_id, item_id);

-- Slugs an item had before it was renamed; they redirect to the current one.
CREATE TABLE item_old_slugs (
    slug text PRIMARY KEY,
    item_id uuid NOT NULL REFERENCES content_items (id) ON DELETE CASCADE
);

CREATE TABLE saved_items (
    user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    item_id uuid NOT NULL REFERENCES content_items (id) ON DELETE CASCADE,
    saved_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (user_id, item_id)
);
CREATE INDEX saved_items_user_idx ON saved_items (user_id, saved_at DESC);

CREATE TABLE item_ratings (
    user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    item_id uuid NOT NULL REFERENCES content_items (id) ON DELETE CASCADE,
    useful boolean NOT NULL,
    rated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (user_id, item_id)
);

CREATE TABLE collections (
    id uuid PRIMARY KEY,
    owner_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name text NOT NULL CHECK (length(btrim(name)) BETWEEN 1 AND 120),
    shared boolean NOT NULL DEFAULT false,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX collections_owner_idx ON collections (owner_id, created_at);

CREATE TABLE collection_items (
    collection_id uuid NOT NULL REFERENCES collections (id) ON DELETE CASCADE,
    item_id uuid NOT NULL REFERENCES content_items (id) ON DELETE CASCADE,
    added_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (collection_id, item_id)
);

-- The learning record: one append-only row per learning action. `local_date`
-- is the learner's date in their own time zone at that moment.
CREATE TABLE activities (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    verb text NOT NULL CHECK (verb IN ('viewed', 'completed', 'saved', 'rated', 'dismissed', 'answered', 'reflected')),
    object_type text NOT NULL,
    object_id uuid NOT NULL,
    at timestamptz NOT NULL DEFAULT now(),
    local_date date NOT NULL,
    duration_seconds int CHECK (duration_seconds >= 0),
    score real
);
-- Completing the same thing twice counts once.
CREATE UNIQUE INDEX activities_completed_once ON activities (user_id, object_type, object_id) WHERE verb = 'completed';
CREATE INDEX activities_user_date_idx ON activities (user_id, local_date);
CREATE INDEX activities_object_idx ON activities (object_type, object_id, verb);

CREATE FUNCTION activities_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the learning record is append-only';
END $$;
CREATE TRIGGER activities_no_update BEFORE UPDATE ON activities
    FOR EACH ROW EXECUTE FUNCTION activities_append_only();
