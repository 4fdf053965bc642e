-- A campaign's phase on `today`, as `campaigns::model::Phase::of` works it
-- out: draft and archived by status, otherwise by the dates around today.
-- L&D's campaign list filters and counts by it (one definition for both
-- statements; `tests/it/campaign_list.rs` checks it agrees with the model).
-- A SQL function of one expression is inlined into the statements using it.
CREATE FUNCTION campaign_phase(status text, starts_on date, ends_on date, today date)
RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE WHEN status = 'draft' THEN 'draft'
                WHEN status = 'archived' THEN 'archived'
                WHEN today < starts_on THEN 'scheduled'
                WHEN today <= ends_on THEN 'running'
                ELSE 'finished' END
$$;
