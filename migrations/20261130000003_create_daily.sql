-- Daily learning: habit settings, interests, pauses, dismissed items,
-- review questions and each learner's review schedule.

CREATE TABLE learner_habits (
    user_id uuid PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    daily_minutes int NOT NULL DEFAULT 10 CHECK (daily_minutes IN (5, 10, 15)),
    weekly_target int NOT NULL DEFAULT 3 CHECK (weekly_target BETWEEN 1 AND 7),
    why text NOT NULL DEFAULT '' CHECK (length(why) <= 200),
    best_streak int NOT NULL DEFAULT 0,
    onboarded_at timestamptz,
    updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE learner_interests (
    user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    topic_id uuid NOT NULL REFERENCES topics (id) ON DELETE CASCADE,
    PRIMARY KEY (user_id, topic_id)
);

CREATE TABLE habit_pauses (
    id uuid PRIMARY KEY,
    user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    starts_on date NOT NULL,
    ends_on date NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    CHECK (ends_on >= starts_on AND ends_on - starts_on <= 366)
);
CREATE INDEX habit_pauses_user_idx ON habit_pauses (user_id, ends_on);

CREATE TABLE dismissed_items (
    user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    item_id uuid NOT NULL REFERENCES content_items (id) ON DELETE CASCADE,
    dismissed_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (user_id, item_id)
);

CREATE TABLE review_questions (
    id uuid PRIMARY KEY,
    item_id uuid NOT NULL REFERENCES content_items (id) ON DELETE CASCADE,
    position int NOT NULL CHECK (position BETWEEN 1 AND 5),
    prompt text NOT NULL CHECK (length(btrim(prompt)) BETWEEN 1 AND 500),
    options text[] NOT NULL CHECK (cardinality(options) BETWEEN 2 AND 5),
    correct int NOT NULL CHECK (correct >= 0 AND correct < cardinality(options)),
    explanation text NOT NULL DEFAULT '',
    UNIQUE (item_id, position)
);

CREATE TABLE review_schedule (
    user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    question_id uuid NOT NULL REFERENCES review_questions (id) ON DELETE CASCADE,
    stage int NOT NULL DEFAULT 0,
    due_on date NOT NULL,
    retired boolean NOT NULL DEFAULT false,
    last_answered_on date,
    PRIMARY KEY (user_id, question_id)
);
CREATE INDEX review_schedule_due_idx ON review_schedule (user_id, due_on) WHERE NOT retired;

-- Learning days: distinct local dates per learner, read by the habit.
CREATE INDEX activities_learning_days_idx ON activities (user_id, local_date)
    WHERE verb IN ('completed', 'answered', 'reflected');
