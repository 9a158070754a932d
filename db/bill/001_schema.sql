-- bill-inquiry's history (SPEC §5): one row per inquiry request (COMPLETED or FAILED,
-- with the bill shown) and one row per KOS call attempt made for it. Written in
-- batches by the group-commit writer before the answer leaves the service.
CREATE TABLE bill_inquiry_requests (
  request_id      text PRIMARY KEY,
  user_id         text NOT NULL,
  line_number     text,             -- canonical; NULL when the request was invalid
  billing_month   text,             -- YYYY-MM; NULL when the request was invalid
  requested_at    timestamptz NOT NULL,
  finished_at     timestamptz NOT NULL,
  status          text NOT NULL CHECK (status IN ('COMPLETED', 'FAILED')),
  source          text CHECK (source IN ('CACHE', 'KOS', 'STALE_CACHE')),
  result_code     text NOT NULL,    -- OK, or the API error code answered
  result_summary  text NOT NULL,
  bill            jsonb,            -- the billInfo shown (COMPLETED only)
  http_request_id text,             -- X-Request-Id of the HTTP request
  trace_id        text
);
CREATE INDEX bill_inquiry_requests_user_time
  ON bill_inquiry_requests (user_id, requested_at DESC, request_id DESC);

CREATE TABLE bill_kos_calls (
  id             bigserial PRIMARY KEY,
  request_id     text NOT NULL,     -- bill_inquiry_requests.request_id (or a menu request)
  operation      text NOT NULL,     -- bill.inquiry, bill.months, product.inquiry
  attempt        integer NOT NULL,
  requested_at   timestamptz NOT NULL,
  responded_at   timestamptz NOT NULL,
  result_code    text,              -- KOS result code; NULL when KOS gave none
  result_message text,
  failure        text,              -- timeout, transport, system_error, circuit_open, ...
  circuit_state  text NOT NULL
);
CREATE INDEX bill_kos_calls_request ON bill_kos_calls (request_id);
