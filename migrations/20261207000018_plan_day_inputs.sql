-- Today's plan also carries what the page reads from the learner's past and
-- the organisation's settings, fixed for the day once it is built, so a
-- visit with a current plan reads three rows and today's activity instead
-- of a year of learning days, the pauses and the prompts (each of those
-- parts was a subquery the database set up and ran on every visit):
--   * `past_days`: the learning days before the plan's day, within Today's
--     history window (`daily::model::HISTORY_DAYS`), in order. Today itself
--     comes from today's activity, which the page reads anyway. A learning
--     day before the plan's day that is new to the learner (only when their
--     time zone moved back) drops the plan, in the learning trigger below.
--   * the habit pauses in that window (`pause_starts`, `pause_ends`): a
--     change to them already raises the learner's `plan_version`.
--   * the active reflection prompts (`prompt_ids`, `prompt_texts`): a change
--     to them now raises `plan_epoch`, like a change to the catalogue.
-- The candidates become one text, `recs`, one line each: the item's id, its
-- minutes and its card as JSON (which never holds a raw line break). The
-- database sends one value instead of three arrays of 40 elements, and the
-- page reads only the cards it shows. The steps become `json`: stored as
-- written and sent as stored, where `jsonb` was turned back into text on
-- every read.
TRUNCATE learner_plans;
ALTER TABLE learner_plans
    DROP COLUMN rec_ids,
    DROP COLUMN rec_minutes,
    DROP COLUMN rec_cards,
    ADD COLUMN recs text NOT NULL,
    ALTER COLUMN steps TYPE json USING steps::json,
    ADD COLUMN past_days date[] NOT NULL,
    ADD COLUMN pause_starts date[] NOT NULL,
    ADD COLUMN pause_ends date[] NOT NULL,
    ADD COLUMN prompt_ids uuid[] NOT NULL,
    ADD COLUMN prompt_texts text[] NOT NULL;
DO $$
BEGIN
    ALTER TABLE learner_plans ALTER COLUMN recs SET COMPRESSION lz4;
    ALTER TABLE learner_plans ALTER COLUMN steps SET COMPRESSION lz4;
EXCEPTION WHEN feature_not_supported THEN NULL;
END $$;

CREATE TRIGGER reflection_prompts_plans AFTER INSERT OR DELETE OR UPDATE ON reflection_prompts
    FOR EACH STATEMENT EXECUTE FUNCTION bump_plan_epoch();

-- One learning activity: usually its day is already counted, and then the
-- trigger only reads the row. A day new to the learner is counted; when it
-- comes before the day of their plan, that plan's past days are short of
-- it, and the plan is dropped (the next visit builds it again).
CREATE OR REPLACE FUNCTION learner_stats_on_learning() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM 1 FROM learner_stats s WHERE s.user_id = NEW.user_id AND NEW.local_date = ANY (s.recent_days);
    IF FOUND THEN
        RETURN NULL;
    END IF;
    DELETE FROM learner_plans p WHERE p.user_id = NEW.user_id AND p.local_date > NEW.local_date;
    INSERT INTO learner_stats AS s (user_id, last_learning_day, recent_days)
    VALUES (NEW.user_id, NEW.local_date, ARRAY[NEW.local_date])
    ON CONFLICT (user_id) DO UPDATE
        SET last_learning_day = greatest(s.last_learning_day, EXCLUDED.last_learning_day),
            recent_days = recent_learning_days(s.recent_days || EXCLUDED.recent_days);
    RETURN NULL;
END $$;

-- Deleting activities (never done by the app; the benchmark's resets do)
-- recounts the learning days, and drops the plans whose past days they were.
CREATE OR REPLACE FUNCTION learner_stats_on_activities_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE ids uuid[];
BEGIN
    ids := ARRAY(SELECT DISTINCT o.user_id FROM old_rows o WHERE o.verb IN ('completed', 'answered', 'reflected'));
    PERFORM learner_stats_learning(ids);
    DELETE FROM learner_plans p WHERE p.user_id = ANY (ids);
    RETURN NULL;
END $$;
