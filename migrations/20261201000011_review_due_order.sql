-- Today's plan reads a learner's reviews due, oldest first and then by
-- question. With the question in the index that read is the index alone: no
-- sort of the learner's due questions and no visit to the table for
-- `retired`. It also serves everything the old (user_id, due_on) index did.
CREATE INDEX review_schedule_due_order_idx
    ON review_schedule (user_id, due_on, question_id) WHERE NOT retired;
DROP INDEX review_schedule_due_idx;
