-- The manager's team page at organisation scale. Each person's figures
-- (learning days, goal counts and target dates, last check-in) live in one
-- row kept current by the writes, so the page reads one row per report
-- instead of probing activities, goals and check-ins for each of them.
--
-- Learning activities update the row incrementally (the hot path: one
-- probe, and a write only when a new day appears). Goal and check-in writes
-- are rare and recount the owner's goal figures from the source tables;
-- deleting activities (never done by the app; bench resets do) recounts the
-- learning days.

CREATE TABLE learner_stats (
    user_id uuid PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    last_learning_day date,
    -- Distinct learning days within the 14 days up to last_learning_day:
    -- enough to count this week's days in any time zone.
    recent_days date[] NOT NULL DEFAULT '{}',
    active_goals int NOT NULL DEFAULT 0,
    awaiting_goals int NOT NULL DEFAULT 0,
    -- Target dates of active and submitted goals; "overdue" is counted
    -- against the person's own today when the page is read.
    open_targets date[] NOT NULL DEFAULT '{}',
    last_checkin_at timestamptz
);

CREATE FUNCTION recent_learning_days(days date[]) RETURNS date[] LANGUAGE sql IMMUTABLE AS $$
    SELECT coalesce(array_agg(DISTINCT d ORDER BY d), '{}')
    FROM unnest(days) d WHERE d > (SELECT max(x) FROM unnest(days) x) - 14
$$;

-- Recount learning days from activities for `ids` (people who still exist).
CREATE FUNCTION learner_stats_learning(ids uuid[]) RETURNS void LANGUAGE sql AS $$
    INSERT INTO learner_stats AS s (user_id, last_learning_day, recent_days)
    SELECT u.id, l.last, coalesce(r.days, '{}')
    FROM unnest(ids) u(id)
    CROSS JOIN LATERAL (SELECT max(a.local_date) AS last FROM activities a
                        WHERE a.user_id = u.id AND a.verb IN ('completed', 'answered', 'reflected')) l
    CROSS JOIN LATERAL (SELECT array_agg(DISTINCT a.local_date ORDER BY a.local_date) AS days FROM activities a
                        WHERE a.user_id = u.id AND a.verb IN ('completed', 'answered', 'reflected')
                          AND a.local_date > l.last - 14) r
    WHERE EXISTS (SELECT 1 FROM users x WHERE x.id = u.id)
    ON CONFLICT (user_id) DO UPDATE
        SET last_learning_day = EXCLUDED.last_learning_day, recent_days = EXCLUDED.recent_days
$$;

-- Recount goal figures and the last check-in for `ids` (owners who still exist).
CREATE FUNCTION learner_stats_goals(ids uuid[]) RETURNS void LANGUAGE sql AS $$
    INSERT INTO learner_stats AS s (user_id, active_goals, awaiting_goals, open_targets, last_checkin_at)
    SELECT u.id, g.active, g.awaiting, g.targets, c.last
    FROM unnest(ids) u(id)
    CROSS JOIN LATERAL (
        SELECT (count(*) FILTER (WHERE g.status = 'active'))::int AS active,
               (count(*) FILTER (WHERE g.status IN ('proposed', 'submitted')))::int AS awaiting,
               coalesce(array_agg(g.target_date ORDER BY g.target_date)
                        FILTER (WHERE g.status IN ('active', 'submitted') AND g.target_date IS NOT NULL), '{}') AS targets
        FROM goals g WHERE g.owner_id = u.id AND g.status IN ('active', 'proposed', 'submitted')) g
    CROSS JOIN LATERAL (SELECT max(ch.at) AS last FROM goal_checkins ch JOIN goals g2 ON g2.id = ch.goal_id
                        WHERE g2.owner_id = u.id) c
    WHERE EXISTS (SELECT 1 FROM users x WHERE x.id = u.id)
    ON CONFLICT (user_id) DO UPDATE
        SET active_goals = EXCLUDED.active_goals, awaiting_goals = EXCLUDED.awaiting_goals,
            open_targets = EXCLUDED.open_targets, last_checkin_at = EXCLUDED.last_checkin_at
$$;

CREATE FUNCTION learner_stats_on_activities() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        PERFORM learner_stats_learning(ARRAY(
            SELECT DISTINCT o.user_id FROM old_rows o WHERE o.verb IN ('completed', 'answered', 'reflected')));
    ELSE
        INSERT INTO learner_stats AS s (user_id, last_learning_day, recent_days)
        SELECT n.user_id, max(n.local_date), recent_learning_days(array_agg(n.local_date))
        FROM new_rows n
        WHERE n.verb IN ('completed', 'answered', 'reflected') AND n.local_date IS NOT NULL
        GROUP BY n.user_id
        ON CONFLICT (user_id) DO UPDATE
            SET last_learning_day = greatest(s.last_learning_day, EXCLUDED.last_learning_day),
                recent_days = recent_learning_days(s.recent_days || EXCLUDED.recent_days)
            WHERE s.last_learning_day IS NULL OR NOT (EXCLUDED.recent_days <@ s.recent_days);
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER activities_learner_stats_insert AFTER INSERT ON activities
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION learner_stats_on_activities();
CREATE TRIGGER activities_learner_stats_delete AFTER DELETE ON activities
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION learner_stats_on_activities();

CREATE FUNCTION learner_stats_on_goals() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        PERFORM learner_stats_goals(ARRAY(SELECT DISTINCT o.owner_id FROM old_rows o));
    ELSE
        PERFORM learner_stats_goals(ARRAY(SELECT DISTINCT n.owner_id FROM new_rows n));
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER goals_learner_stats_insert AFTER INSERT ON goals
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION learner_stats_on_goals();
CREATE TRIGGER goals_learner_stats_update AFTER UPDATE ON goals
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION learner_stats_on_goals();
CREATE TRIGGER goals_learner_stats_delete AFTER DELETE ON goals
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION learner_stats_on_goals();

CREATE FUNCTION learner_stats_on_checkins() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        PERFORM learner_stats_goals(ARRAY(
            SELECT DISTINCT g.owner_id FROM old_rows o JOIN goals g ON g.id = o.goal_id));
    ELSE
        PERFORM learner_stats_goals(ARRAY(
            SELECT DISTINCT g.owner_id FROM new_rows n JOIN goals g ON g.id = n.goal_id));
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER goal_checkins_learner_stats_insert AFTER INSERT ON goal_checkins
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION learner_stats_on_checkins();
CREATE TRIGGER goal_checkins_learner_stats_delete AFTER DELETE ON goal_checkins
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION learner_stats_on_checkins();

SELECT learner_stats_learning(ARRAY(
    SELECT DISTINCT user_id FROM activities WHERE verb IN ('completed', 'answered', 'reflected')));
SELECT learner_stats_goals(ARRAY(SELECT DISTINCT owner_id FROM goals));
