-- Today's plan per learner: the recommendation candidates (as cards) and
-- the campaign steps waiting by the end of one local day, worked out once
-- (on the day's first visit, or ahead by the worker) and read back by every
-- later visit that day, so the page reads one row instead of walking
-- topics, history, campaigns and the catalogue.
--
-- A plan is current while three things hold, all checked by the read:
--   * it is for the learner's local date today;
--   * its `version` equals the learner's `learner_habits.plan_version`,
--     which the triggers below raise whenever the learner's own inputs
--     change (interests, dismissals, enrolments, step progress, campaign
--     and habit pauses);
--   * its `epoch` equals `plan_epoch.n`, which the triggers below raise
--     whenever what every plan is made of changes (an item is published,
--     retired, retagged or edited; a topic is renamed; a campaign or a step
--     changes).
-- Items done today are left out on read (the page reads today's activity
-- anyway), and a step shows from its release time, so neither makes the
-- plan stale. Ratings only reorder the catalogue: they show in the next
-- day's plan.
--
-- The table is UNLOGGED: it is a cache, rebuilt on demand; after a crash it
-- is empty and the first visits rebuild it.

ALTER TABLE learner_habits ADD COLUMN plan_version bigint NOT NULL DEFAULT 0;

CREATE TABLE plan_epoch (
    id boolean PRIMARY KEY DEFAULT true CHECK (id),
    n bigint NOT NULL DEFAULT 0
);
INSERT INTO plan_epoch DEFAULT VALUES;

CREATE UNLOGGED TABLE learner_plans (
    user_id uuid PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    local_date date NOT NULL,
    -- When the learner's next local day starts: the worker prepares the next
    -- plan from then on.
    next_day_at timestamptz NOT NULL,
    -- The last day the learner opened Today and the plan was built for it;
    -- plans of learners away for a fortnight are dropped, not prepared.
    opened_on date NOT NULL,
    version bigint NOT NULL,
    epoch bigint NOT NULL,
    -- The candidates, most useful first: their ids and minutes (what the
    -- page composes with), and each one's card as JSON (id, slug, title,
    -- summary, kind, minutes and the followed topic that brought it), read
    -- only for the cards shown.
    rec_ids uuid[] NOT NULL,
    rec_minutes int[] NOT NULL,
    rec_cards text[] NOT NULL,
    -- The campaign steps waiting by the end of the day, oldest release
    -- first, as Today shows them, each with the local time it is out from.
    steps jsonb NOT NULL,
    built_at timestamptz NOT NULL DEFAULT now()
);
-- lz4 where the server has it: cheaper than pglz to write and to read.
DO $$
BEGIN
    ALTER TABLE learner_plans ALTER COLUMN rec_cards SET COMPRESSION lz4;
    ALTER TABLE learner_plans ALTER COLUMN steps SET COMPRESSION lz4;
EXCEPTION WHEN feature_not_supported THEN NULL;
END $$;
CREATE INDEX learner_plans_next_day_idx ON learner_plans (next_day_at);

CREATE FUNCTION bump_plan_epoch() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE plan_epoch SET n = n + 1;
    RETURN NULL;
END $$;

CREATE TRIGGER content_items_plans AFTER INSERT OR DELETE OR UPDATE OF status, slug, title, summary, kind, minutes
    ON content_items
    FOR EACH STATEMENT EXECUTE FUNCTION bump_plan_epoch();
CREATE TRIGGER item_topics_plans AFTER INSERT OR DELETE OR UPDATE OF item_id, topic_id ON item_topics
    FOR EACH STATEMENT EXECUTE FUNCTION bump_plan_epoch();
CREATE TRIGGER topics_plans AFTER DELETE OR UPDATE OF name ON topics
    FOR EACH STATEMENT EXECUTE FUNCTION bump_plan_epoch();
CREATE TRIGGER campaigns_plans AFTER INSERT OR DELETE OR UPDATE ON campaigns
    FOR EACH STATEMENT EXECUTE FUNCTION bump_plan_epoch();
CREATE TRIGGER campaign_steps_plans AFTER INSERT OR DELETE OR UPDATE ON campaign_steps
    FOR EACH STATEMENT EXECUTE FUNCTION bump_plan_epoch();

-- Statement-level with transition tables: enrolling a whole audience raises
-- each learner's version once, in one statement. (No code moves these rows
-- from one learner to another, so an update raises the old rows' learners.)
CREATE FUNCTION bump_plan_versions() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE u uuid;
BEGIN
    -- One primary-key update per learner: the plan never depends on how
    -- many rows the statement touched.
    FOR u IN SELECT DISTINCT user_id FROM changed LOOP
        UPDATE learner_habits SET plan_version = plan_version + 1 WHERE user_id = u;
    END LOOP;
    RETURN NULL;
END $$;

DO $$
DECLARE t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['learner_interests', 'dismissed_items', 'campaign_enrolments',
                             'campaign_progress', 'campaign_pauses', 'habit_pauses'] LOOP
        EXECUTE format('CREATE TRIGGER %1$s_plans_ins AFTER INSERT ON %1$I REFERENCING NEW TABLE AS changed
                        FOR EACH STATEMENT EXECUTE FUNCTION bump_plan_versions()', t);
        EXECUTE format('CREATE TRIGGER %1$s_plans_upd AFTER UPDATE ON %1$I REFERENCING OLD TABLE AS changed
                        FOR EACH STATEMENT EXECUTE FUNCTION bump_plan_versions()', t);
        EXECUTE format('CREATE TRIGGER %1$s_plans_del AFTER DELETE ON %1$I REFERENCING OLD TABLE AS changed
                        FOR EACH STATEMENT EXECUTE FUNCTION bump_plan_versions()', t);
    END LOOP;
END $$;
