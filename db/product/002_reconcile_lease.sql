-- The reconciler's lease (docs/product-change.md#reconciler): a record is claimed by a
-- short UPDATE that sets claimed_until, KOS is asked outside any transaction, and the
-- outcome is written by its own short UPDATE that clears it. While claimed_until is in
-- the future no other pass (here or on another instance) takes the record; a claimer
-- that died simply lets its lease run out.
ALTER TABLE product_changes ADD COLUMN claimed_until timestamptz;
