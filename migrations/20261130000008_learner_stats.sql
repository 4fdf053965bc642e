-- The manager's team page at organisation scale. Each person's figures
-- (learning days, goal counts and target dates, last check-in) live in one
-- row kept current by the writes, so the page reads one row per report
-- instead of probing activities, goals and check-ins for each of them.
--
-- A learning activity updates the row through a row trigger (the hot path,
-- POST Done: one read of the row, and a write only when the day is new to
-- it). Goal and check-in writes are rare and recount the owner's goal
-- figures from the source tables, set-based; deleting activities (never done
-- by the app; bench resets do) recounts the learning days.

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
    SELECT u.id, l.last, recent_learning_days(coalesce(l.days, '{}'))
    FROM users u
    LEFT JOIN (SELECT a.user_id, max(a.local_date) AS last, array_agg(DISTINCT a.local_date) AS days
               FROM activities a
               WHERE a.user_id = ANY (ids) AND a.verb IN ('completed', 'answered', 'reflected')
               GROUP BY a.user_id) l ON l.user_id = u.id
    WHERE u.id = ANY (ids)
    ON CONFLICT (user_id) DO UPDATE
        SET last_learning_day = EXCLUDED.last_learning_day, recent_days = EXCLUDED.recent_days
$$;

-- Recount goal figures and the last check-in for `ids` (owners who still exist).
CREATE FUNCTION learner_stats_goals(ids uuid[]) RETURNS void LANGUAGE sql AS $$
    INSERT INTO learner_stats AS s (user_id, active_goals, awaiting_goals, open_targets, last_checkin_at)
    SELECT u.id, coalesce(g.active, 0), coalesce(g.awaiting, 0), coalesce(g.targets, '{}'), c.last
    FROM users u
    LEFT JOIN (
        SELECT g.owner_id,
               (count(*) FILTER (WHERE g.status = 'active'))::int AS active,
               (count(*) FILTER (WHERE g.status IN ('proposed', 'submitted')))::int AS awaiting,
               array_agg(g.target_date ORDER BY g.target_date)
                   FILTER (WHERE g.status IN ('active', 'submitted') AND g.target_date IS NOT NULL) AS targets
        FROM goals g WHERE g.owner_id = ANY (ids) AND g.status IN ('active', 'proposed', 'submitted')
        GROUP BY g.owner_id) g ON g.owner_id = u.id
    LEFT JOIN (
        SELECT g2.owner_id, max(ch.at) AS last FROM goals g2 JOIN goal_checkins ch ON ch.goal_id = g2.id
        WHERE g2.owner_id = ANY (ids) GROUP BY g2.owner_id) c ON c.owner_id = u.id
    WHERE u.id = ANY (ids)
    ON CONFLICT (user_id) DO UPDATE
        SET active_goals = EXCLUDED.active_goals, awaiting_goals = EXCLUDED.awaiting_goals,
            open_targets = EXCLUDED.open_targets, last_checkin_at = EXCLUDED.last_checkin_at
$$;

-- One learning activity: usually its day is already counted, and then the
-- trigger only reads the row.
CREATE FUNCTION learner_stats_on_learning() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM 1 FROM learner_stats s WHERE s.user_id = NEW.user_id AND NEW.local_date = ANY (s.recent_days);
    IF FOUND THEN
        RETURN NULL;
    END IF;
    INSERT INTO learner_stats AS s (user_id, last_learning_day, recent_days)
    VALUES (NEW.user_id, NEW.local_date, ARRAY[NEW.local_date])
    ON CONFLICT (user_id) DO UPDATE
        SET last_learning_day = greatest(s.last_learning_day, EXCLUDED.last_learning_day),
            recent_days = recent_learning_days(s.recent_days || EXCLUDED.recent_days);
    RETURN NULL;
END $$;
CREATE TRIGGER activities_learner_stats_insert AFTER INSERT ON activities FOR EACH ROW
    WHEN (NEW.verb IN ('completed', 'answered', 'reflected') AND NEW.local_date IS NOT NULL)
    EXECUTE FUNCTION learner_stats_on_learning();

CREATE FUNCTION learner_stats_on_activities_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM learner_stats_learning(ARRAY(
        SELECT DISTINCT o.user_id FROM old_rows o WHERE o.verb IN ('completed', 'answered', 'reflected')));
    RETURN NULL;
END $$;
CREATE TRIGGER activities_learner_stats_delete AFTER DELETE ON activities
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION learner_stats_on_activities_deleted();

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
