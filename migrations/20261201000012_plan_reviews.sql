-- Today's plan also carries the review questions due on its day (oldest
-- first, at most `REVIEWS_A_DAY`): their ids, and each one's card as JSON
-- (prompt, options, answer, explanation, the item's slug and title). The
-- page then reads no schedule and joins no question or item on a visit.
--
-- A review only ever leaves the day's list: answering schedules it for a
-- later day (or retires it), and every answer is an `answered` activity of
-- that day, which the page reads anyway and leaves out, as it does items
-- done. Nothing makes a question due sooner than the next day, so none
-- joins the list during the day. Editing or deleting a question changes
-- what every plan is made of: it raises `plan_epoch` like an item edit.
ALTER TABLE learner_plans
    ADD COLUMN review_ids uuid[] NOT NULL DEFAULT '{}',
    ADD COLUMN review_cards text[] NOT NULL DEFAULT '{}';
-- Plans built before carry no reviews: drop them (a cache; visits rebuild).
TRUNCATE learner_plans;
ALTER TABLE learner_plans
    ALTER COLUMN review_ids DROP DEFAULT,
    ALTER COLUMN review_cards DROP DEFAULT;
DO $$
BEGIN
    ALTER TABLE learner_plans ALTER COLUMN review_cards SET COMPRESSION lz4;
EXCEPTION WHEN feature_not_supported THEN NULL;
END $$;

CREATE TRIGGER review_questions_plans AFTER DELETE OR UPDATE ON review_questions
    FOR EACH STATEMENT EXECUTE FUNCTION bump_plan_epoch();
