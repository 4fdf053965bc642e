-- The item page's related items, worked out once per item and read back
-- with the item, in the page's one statement. The related walk (the most
-- useful items of each of the item's topics, ranked by topics shared) came
-- out the same for every reader, and ran as a second statement on every
-- view. A list is current for the catalogue's epoch (`plan_epoch.n`) and
-- the day (UTC) it was built on: ratings reorder the catalogue without
-- raising the epoch, and show in the related lists by the next day, as in
-- Today's plans. The table is UNLOGGED: a cache, rebuilt by the next views.
CREATE UNLOGGED TABLE related_items (
    item_id uuid PRIMARY KEY REFERENCES content_items (id) ON DELETE CASCADE,
    epoch bigint NOT NULL,
    built_on date NOT NULL,
    -- The cards as a JSON array, as the page shows them.
    cards text NOT NULL
);

-- A related card shows the item's source, whether it is a reference and
-- whether it is open to everyone: editing those changes what the lists are
-- made of too.
DROP TRIGGER content_items_plans ON content_items;
CREATE TRIGGER content_items_plans
    AFTER INSERT OR DELETE
       OR UPDATE OF status, slug, title, summary, kind, minutes, reference, open_access, source
    ON content_items
    FOR EACH STATEMENT EXECUTE FUNCTION bump_plan_epoch();
