-- The bill stored once (issue 17 item 3, docs/decisions.md "The bill stored once"): a
-- request row referenced the whole sealed bill it showed (bill_sealed, 1-2 KB) even when
-- thousands of requests showed the same cached bill. From now on a bill shown is one row
-- of bill_documents per month it was shown in, keyed by a keyed hash (the blind-index key)
-- of its line, month and bytes, and sealed once with that key as associated data; a request
-- row holds the 32-byte key (bill_document) instead. The documents are range-partitioned
-- by month like the requests (pg_partman) and keep the requests' retention, so a month's
-- requests and the documents they reference are dropped together (deploy/
-- history-maintenance.sh copies the retention). A document's month is
-- date_trunc('month', requested_at) of the requests that reference it, in the database's
-- time zone, which is the one pg_partman's partitions are cut in too.
-- Rows written before this file keep their own bill / bill_sealed and read as before.
-- Adding a nullable column rewrites nothing: the upgrade is instant. Every statement is
-- guarded, so running the file again changes nothing.
CREATE TABLE IF NOT EXISTS bill_documents (
  document_key bytea NOT NULL,        -- blind index of line, month and bill (32 bytes)
  month_start  timestamptz NOT NULL,  -- the first instant of the referencing requests' month
  bill_sealed  bytea NOT NULL,        -- the billInfo shown, sealed with the document key
  PRIMARY KEY (document_key, month_start)
) PARTITION BY RANGE (month_start);

-- No CHECK here (one of bill / bill_sealed / bill_document): on a partitioned table it
-- would scan every existing row inside this transaction; the service writes one form.
ALTER TABLE bill_inquiry_requests ADD COLUMN IF NOT EXISTS bill_document bytea;

-- Partitions from 4 months back to 4 ahead (only new requests reference documents), and a
-- default partition for anything outside them.
SELECT partman.create_parent(
  p_parent_table := 'public.bill_documents', p_control := 'month_start',
  p_type := 'native', p_interval := '1 month', p_premake := 4)
 WHERE NOT EXISTS (SELECT 1 FROM partman.part_config
                    WHERE parent_table = 'public.bill_documents');

-- The requests' retention, detached into history_archive like theirs.
UPDATE partman.part_config
   SET retention = (SELECT retention FROM partman.part_config
                     WHERE parent_table = 'public.bill_inquiry_requests'),
       retention_keep_table = true, retention_keep_index = false,
       retention_schema = 'history_archive', infinite_time_partitions = true
 WHERE parent_table = 'public.bill_documents';
