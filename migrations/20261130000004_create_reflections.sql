-- Reflection journal: prompts (L&D) and entries (private to their author
-- unless shared with the author's manager).

CREATE TABLE reflection_prompts (
    id uuid PRIMARY KEY,
    text text NOT NULL CHECK (length(btrim(text)) BETWEEN 1 AND 300),
    topic_id uuid REFERENCES topics (id) ON DELETE SET NULL,
    active boolean NOT NULL DEFAULT true,
    created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE reflections (
    id uuid PRIMARY KEY,
    author_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    guided boolean NOT NULL DEFAULT false,
    body text NOT NULL DEFAULT '' CHECK (length(body) <= 20000),
    happened text NOT NULL DEFAULT '' CHECK (length(happened) <= 8000),
    so_what text NOT NULL DEFAULT '' CHECK (length(so_what) <= 8000),
    now_what text NOT NULL DEFAULT '' CHECK (length(now_what) <= 8000),
    prompt_id uuid REFERENCES reflection_prompts (id) ON DELETE SET NULL,
    item_id uuid REFERENCES content_items (id) ON DELETE SET NULL,
    shared_with_manager boolean NOT NULL DEFAULT false,
    tags text[] NOT NULL DEFAULT '{}',
    local_date date NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    search tsvector GENERATED ALWAYS AS (
        to_tsvector('english', body || ' ' || happened || ' ' || so_what || ' ' || now_what)
    ) STORED
);
CREATE INDEX reflections_author_idx ON reflections (author_id, created_at DESC);
CREATE INDEX reflections_search_idx ON reflections USING gin (search);
CREATE INDEX reflections_shared_idx ON reflections (author_id, created_at DESC) WHERE shared_with_manager;
CREATE INDEX reflections_tags_idx ON reflections USING gin (tags);
