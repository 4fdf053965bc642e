-- Learning campaigns: sequenced steps released over days or weeks,
-- enrolments with per-learner overrides and pauses, progress, discussion
-- threads; notification preferences, chat integrations and the daily digest.

CREATE TABLE campaigns (
    id uuid PRIMARY KEY,
    title text NOT NULL CHECK (length(btrim(title)) BETWEEN 1 AND 200),
    summary text NOT NULL DEFAULT '' CHECK (length(summary) <= 1000),
    business_why text NOT NULL DEFAULT '' CHECK (length(business_why) <= 2000),
    learner_why text NOT NULL DEFAULT '' CHECK (length(learner_why) <= 2000),
    cover_url text CHECK (length(cover_url) <= 2000),
    status text NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'published', 'archived')),
    audience text NOT NULL DEFAULT 'everyone' CHECK (audience IN ('everyone', 'teams', 'people', 'open')),
    mode text NOT NULL DEFAULT 'cohort' CHECK (mode IN ('cohort', 'rolling')),
    starts_on date NOT NULL,
    ends_on date NOT NULL CHECK (ends_on >= starts_on),
    -- Bit 0 = Monday … bit 6 = Sunday.
    release_days int NOT NULL DEFAULT 31 CHECK (release_days BETWEEN 1 AND 127),
    release_time time NOT NULL DEFAULT '08:00',
    created_by uuid REFERENCES users (id) ON DELETE SET NULL,
    published_at timestamptz,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX campaigns_status_idx ON campaigns (status, ends_on);

CREATE TABLE campaign_topics (
    campaign_id uuid NOT NULL REFERENCES campaigns (id) ON DELETE CASCADE,
    topic_id uuid NOT NULL REFERENCES topics (id) ON DELETE CASCADE,
    PRIMARY KEY (campaign_id, topic_id)
);

CREATE TABLE campaign_teams (
    campaign_id uuid NOT NULL REFERENCES campaigns (id) ON DELETE CASCADE,
    team_id uuid NOT NULL REFERENCES teams (id) ON DELETE CASCADE,
    PRIMARY KEY (campaign_id, team_id)
);

CREATE TABLE campaign_steps (
    id uuid PRIMARY KEY,
    campaign_id uuid NOT NULL REFERENCES campaigns (id) ON DELETE CASCADE,
    position int NOT NULL CHECK (position >= 1),
    kind text NOT NULL CHECK (kind IN ('item', 'reflection', 'discussion', 'practice', 'event')),
    title text NOT NULL CHECK (length(btrim(title)) BETWEEN 1 AND 200),
    body text NOT NULL DEFAULT '' CHECK (length(body) <= 5000),
    item_id uuid REFERENCES content_items (id) ON DELETE SET NULL,
    prompt_id uuid REFERENCES reflection_prompts (id) ON DELETE SET NULL,
    url text CHECK (length(url) <= 2000),
    minutes int NOT NULL DEFAULT 5 CHECK (minutes BETWEEN 0 AND 240),
    same_day boolean NOT NULL DEFAULT false,
    -- Set when the step is appended after publishing: not released before.
    added_on date,
    UNIQUE (campaign_id, position) DEFERRABLE INITIALLY DEFERRED
);
CREATE INDEX campaign_steps_item_idx ON campaign_steps (item_id) WHERE item_id IS NOT NULL;
CREATE INDEX campaign_steps_prompt_idx ON campaign_steps (prompt_id) WHERE prompt_id IS NOT NULL;

CREATE TABLE campaign_enrolments (
    campaign_id uuid NOT NULL REFERENCES campaigns (id) ON DELETE CASCADE,
    user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    enrolled_on date NOT NULL,
    source text NOT NULL CHECK (source IN ('audience', 'joined', 'chosen')),
    released_all_at timestamptz,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (campaign_id, user_id)
);
CREATE INDEX campaign_enrolments_user_idx ON campaign_enrolments (user_id);

-- One learner paused in one campaign by L&D (their own habit pauses count too).
CREATE TABLE campaign_pauses (
    id uuid PRIMARY KEY,
    campaign_id uuid NOT NULL REFERENCES campaigns (id) ON DELETE CASCADE,
    user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    starts_on date NOT NULL,
    ends_on date NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    CHECK (ends_on >= starts_on AND ends_on - starts_on <= 366)
);
CREATE INDEX campaign_pauses_idx ON campaign_pauses (user_id, campaign_id);

CREATE TABLE campaign_progress (
    user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    step_id uuid NOT NULL REFERENCES campaign_steps (id) ON DELETE CASCADE,
    campaign_id uuid NOT NULL REFERENCES campaigns (id) ON DELETE CASCADE,
    note text NOT NULL DEFAULT '' CHECK (length(note) <= 2000),
    local_date date NOT NULL,
    done_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (user_id, step_id)
);
CREATE INDEX campaign_progress_campaign_idx ON campaign_progress (campaign_id, user_id);

CREATE TABLE campaign_posts (
    id uuid PRIMARY KEY,
    step_id uuid NOT NULL REFERENCES campaign_steps (id) ON DELETE CASCADE,
    author_id uuid REFERENCES users (id) ON DELETE SET NULL,
    parent_id uuid REFERENCES campaign_posts (id) ON DELETE CASCADE,
    body text NOT NULL CHECK (length(btrim(body)) BETWEEN 1 AND 5000),
    created_at timestamptz NOT NULL DEFAULT now(),
    edited_at timestamptz,
    deleted_at timestamptz
);
CREATE INDEX campaign_posts_step_idx ON campaign_posts (step_id, created_at);

CREATE TABLE notification_prefs (
    user_id uuid PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    channel text NOT NULL DEFAULT 'email' CHECK (channel IN ('email', 'slack', 'teams', 'none')),
    updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE integrations (
    kind text PRIMARY KEY CHECK (kind IN ('slack', 'teams')),
    webhook_url text NOT NULL CHECK (length(webhook_url) <= 2000),
    updated_by uuid REFERENCES users (id) ON DELETE SET NULL,
    updated_at timestamptz NOT NULL DEFAULT now()
);

-- One digest per learner per local day: the unique key is the exactly-once guarantee.
CREATE TABLE digests (
    id uuid PRIMARY KEY,
    user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    local_date date NOT NULL,
    channel text NOT NULL CHECK (channel IN ('email', 'slack', 'teams')),
    subject text NOT NULL,
    body text NOT NULL,
    status text NOT NULL CHECK (status IN ('pending', 'sent', 'skipped', 'failed')),
    attempts int NOT NULL DEFAULT 0,
    next_attempt_at timestamptz NOT NULL,
    lease_until timestamptz,
    last_error text,
    created_at timestamptz NOT NULL,
    sent_at timestamptz,
    UNIQUE (user_id, local_date)
);
CREATE INDEX digests_pending_idx ON digests (next_attempt_at) WHERE status = 'pending';
CREATE INDEX digests_created_idx ON digests (created_at DESC);
