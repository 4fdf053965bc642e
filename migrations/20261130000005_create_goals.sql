-- Development goals: the goal, its topics and linked items, the timeline of
-- decisions and comments, evidence, check-ins; and in-app notifications.

CREATE TABLE goals (
    id uuid PRIMARY KEY,
    owner_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    title text NOT NULL CHECK (length(btrim(title)) BETWEEN 1 AND 200),
    why text NOT NULL DEFAULT '' CHECK (length(why) <= 2000),
    measure text NOT NULL DEFAULT '' CHECK (length(measure) <= 2000),
    target_date date,
    status text NOT NULL DEFAULT 'draft'
        CHECK (status IN ('draft', 'proposed', 'active', 'submitted', 'achieved', 'abandoned')),
    started_on date,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX goals_owner_idx ON goals (owner_id, status);
CREATE INDEX goals_status_idx ON goals (status, target_date);

CREATE TABLE goal_topics (
    goal_id uuid NOT NULL REFERENCES goals (id) ON DELETE CASCADE,
    topic_id uuid NOT NULL REFERENCES topics (id) ON DELETE CASCADE,
    PRIMARY KEY (goal_id, topic_id)
);

CREATE TABLE goal_items (
    goal_id uuid NOT NULL REFERENCES goals (id) ON DELETE CASCADE,
    item_id uuid NOT NULL REFERENCES content_items (id) ON DELETE CASCADE,
    PRIMARY KEY (goal_id, item_id)
);

-- Every transition and comment, with who and when.
CREATE TABLE goal_events (
    id uuid PRIMARY KEY,
    goal_id uuid NOT NULL REFERENCES goals (id) ON DELETE CASCADE,
    actor_id uuid REFERENCES users (id) ON DELETE SET NULL,
    from_status text,
    to_status text,
    comment text NOT NULL DEFAULT '' CHECK (length(comment) <= 2000),
    at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX goal_events_goal_idx ON goal_events (goal_id, at);

CREATE TABLE goal_evidence (
    id uuid PRIMARY KEY,
    goal_id uuid NOT NULL REFERENCES goals (id) ON DELETE CASCADE,
    added_by uuid REFERENCES users (id) ON DELETE SET NULL,
    kind text NOT NULL CHECK (kind IN ('note', 'link', 'item', 'reflection', 'observation')),
    note text NOT NULL DEFAULT '' CHECK (length(note) <= 5000),
    url text,
    item_id uuid REFERENCES content_items (id) ON DELETE CASCADE,
    reflection_id uuid REFERENCES reflections (id) ON DELETE CASCADE,
    at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX goal_evidence_goal_idx ON goal_evidence (goal_id, at);
CREATE UNIQUE INDEX goal_evidence_item_once ON goal_evidence (goal_id, item_id) WHERE item_id IS NOT NULL;
CREATE UNIQUE INDEX goal_evidence_reflection_once ON goal_evidence (goal_id, reflection_id) WHERE reflection_id IS NOT NULL;

CREATE TABLE goal_checkins (
    id uuid PRIMARY KEY,
    goal_id uuid NOT NULL REFERENCES goals (id) ON DELETE CASCADE,
    progress int NOT NULL CHECK (progress BETWEEN 0 AND 100),
    confidence int NOT NULL CHECK (confidence BETWEEN 1 AND 5),
    note text NOT NULL DEFAULT '' CHECK (length(note) <= 1000),
    at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX goal_checkins_goal_idx ON goal_checkins (goal_id, at DESC);

CREATE TABLE notifications (
    id uuid PRIMARY KEY,
    user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    message text NOT NULL,
    link text NOT NULL,
    dedupe_key text UNIQUE,
    created_at timestamptz NOT NULL DEFAULT now(),
    read_at timestamptz
);
CREATE INDEX notifications_user_idx ON notifications (user_id, created_at DESC);
CREATE INDEX notifications_unread_idx ON notifications (user_id) WHERE read_at IS NULL;
