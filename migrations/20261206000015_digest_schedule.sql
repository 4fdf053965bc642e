-- When the digest tick next looks at each person. Each minute it reads the
-- index range up to now instead of working out everyone's digest time and
-- zone (about 2 s of Postgres a minute at 100,000 people). After a look the
-- tick sets the time of the person's next digest (or 'infinity' when they
-- want none). Writes that can bring a digest earlier set '-infinity', "look
-- now": a new person, a changed zone or active flag, a changed channel, an
-- enrolment, a campaign published or its release time changed. Looking too
-- early only reschedules, so writes that make a digest later need nothing.
CREATE TABLE digest_schedule (
    user_id uuid PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    next_at timestamptz NOT NULL DEFAULT '-infinity'
);
CREATE INDEX digest_schedule_next_idx ON digest_schedule (next_at);
INSERT INTO digest_schedule (user_id) SELECT id FROM users;

CREATE FUNCTION digest_schedule_new_people() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO digest_schedule (user_id) SELECT id FROM changed ON CONFLICT DO NOTHING;
    RETURN NULL;
END $$;
CREATE TRIGGER users_digest_schedule_ins AFTER INSERT ON users REFERENCING NEW TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION digest_schedule_new_people();

-- Statement-level: enrolling a whole audience is one update.
CREATE FUNCTION digest_schedule_look_now() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE digest_schedule SET next_at = '-infinity'
    WHERE user_id IN (SELECT user_id FROM changed) AND next_at > '-infinity';
    RETURN NULL;
END $$;
CREATE TRIGGER campaign_enrolments_digest_schedule AFTER INSERT ON campaign_enrolments
    REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION digest_schedule_look_now();
CREATE TRIGGER notification_prefs_digest_schedule_ins AFTER INSERT ON notification_prefs
    REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION digest_schedule_look_now();
CREATE TRIGGER notification_prefs_digest_schedule_upd AFTER UPDATE ON notification_prefs
    REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION digest_schedule_look_now();

-- Row-level (a column list rules out transition tables); both are rare.
CREATE FUNCTION digest_schedule_person_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE digest_schedule SET next_at = '-infinity' WHERE user_id = NEW.id;
    RETURN NULL;
END $$;
CREATE TRIGGER users_digest_schedule_upd AFTER UPDATE OF timezone, active ON users FOR EACH ROW
    WHEN (OLD.timezone IS DISTINCT FROM NEW.timezone OR OLD.active IS DISTINCT FROM NEW.active)
    EXECUTE FUNCTION digest_schedule_person_changed();

CREATE FUNCTION digest_schedule_campaign_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE digest_schedule s SET next_at = '-infinity'
    FROM campaign_enrolments e
    WHERE e.campaign_id = NEW.id AND s.user_id = e.user_id AND s.next_at > '-infinity';
    RETURN NULL;
END $$;
CREATE TRIGGER campaigns_digest_schedule AFTER UPDATE OF status, release_time ON campaigns FOR EACH ROW
    WHEN (OLD.status IS DISTINCT FROM NEW.status OR OLD.release_time IS DISTINCT FROM NEW.release_time)
    EXECUTE FUNCTION digest_schedule_campaign_changed();
