-- The database keeps domain states and KOS codes, never HTTP answers (issue 13): why a
-- change failed becomes a domain name (failure_reason: a ProductStatus such as
-- LINE_INACTIVE, KOS_UNAVAILABLE, PRECHECK_FAILED, INTERNAL), and the HTTP status and
-- API error code a record was answered with (http_status, result_code) go — the
-- service's one table (handlers/product_answers.cpp) derives both from status +
-- failure_reason, and gives every existing row the answer it gave before
-- (docs/product-change.md#stored-outcomes). result_message stays: KOS's message for a
-- refusal it explained (rows written before this file also hold the text they were
-- answered with, which is the same text the table gives).
ALTER TABLE product_changes ADD COLUMN failure_reason text;

UPDATE product_changes
   SET failure_reason = CASE result_code
         WHEN 'LINE_NOT_FOUND' THEN 'LINE_NOT_FOUND'
         WHEN 'LINE_INACTIVE' THEN 'LINE_INACTIVE'
         WHEN 'PRODUCT_NOT_FOUND' THEN 'PRODUCT_NOT_FOUND'
         WHEN 'PRODUCT_DISCONTINUED' THEN 'PRODUCT_DISCONTINUED'
         WHEN 'OPERATOR_MISMATCH' THEN 'OPERATOR_MISMATCH'
         WHEN 'PRECHECK_FAILED' THEN 'PRECHECK_FAILED'
         WHEN 'KOS_UNAVAILABLE' THEN 'KOS_UNAVAILABLE'
         ELSE 'INTERNAL'  -- INTERNAL_ERROR (KOS 9001, an unexpected KOS code)
       END
 WHERE status IN ('FAILED', 'PRECHECK_FAILED');

ALTER TABLE product_changes DROP COLUMN http_status;
ALTER TABLE product_changes DROP COLUMN result_code;

COMMENT ON COLUMN product_changes.failure_reason IS
  'PRECHECK_FAILED / FAILED: why, as a ProductStatus name (services/product-change/product_status.hpp)';
COMMENT ON COLUMN product_changes.result_message IS
  'KOS''s resultMessage of a refusal it explained (before 003: the message answered)';
