-- KOS's product change as one atomic, idempotent server-side step (SPEC §8):
--   SELECT * FROM kos_change_product($requestId, $line, $current, $target, now());
-- returns the order row for the requestId: the stored one when the requestId was seen
-- before (whatever the body), else a new COMPLETED order (the line moves to the target
-- plan at once; effective date = the 1st of next month, Seoul) or a new FAILED order
-- with 2001…2005. Safe under concurrency: one order per requestId, one change per line
-- at a time.

CREATE FUNCTION kos_change_product(p_request_id text, p_line_number text,
                                   p_current_product_code text, p_target_product_code text,
                                   p_now timestamptz DEFAULT now())
RETURNS orders LANGUAGE plpgsql AS $$
DECLARE
  v_order   orders;
  v_line    lines;
  v_target  products;
  v_code    text := '0000';
  v_detail  text := '';
  v_seoul   timestamp := p_now AT TIME ZONE 'Asia/Seoul';
BEGIN
  SELECT * INTO v_order FROM orders WHERE request_id = p_request_id;
  IF FOUND THEN
    RETURN v_order;
  END IF;

  -- Serialises changes of one line; a concurrent twin of this request waits here and
  -- then finds the order below.
  SELECT * INTO v_line FROM lines WHERE line_number = p_line_number FOR UPDATE;
  SELECT * INTO v_order FROM orders WHERE request_id = p_request_id;
  IF FOUND THEN
    RETURN v_order;
  END IF;
  SELECT * INTO v_target FROM products WHERE product_code = p_target_product_code;

  IF v_line.line_number IS NULL THEN
    v_code := '2001'; v_detail := 'no such line';
  ELSIF v_line.status <> 'ACTIVE' THEN
    v_code := '2002'; v_detail := 'line status is ' || v_line.status;
  ELSIF v_target.product_code IS NULL THEN
    v_code := '2003'; v_detail := 'no such product: ' || p_target_product_code;
  ELSIF v_target.status <> 'ACTIVE' THEN
    v_code := '2004'; v_detail := 'product is ' || v_target.status;
  ELSIF v_target.operator_code <> v_line.operator_code THEN
    v_code := '2005';
    v_detail := 'line is on ' || v_line.operator_code || ', product on ' || v_target.operator_code;
  END IF;

  IF v_code = '0000' THEN
    INSERT INTO orders (request_id, line_number, current_product_code, target_product_code,
                        previous_product_code, kos_order_number, effective_date, status,
                        result_code, result_detail, created_at)
    VALUES (p_request_id, p_line_number, p_current_product_code, p_target_product_code,
            v_line.product_code,
            'KOS' || to_char(v_seoul, 'YYYYMMDD')
              || lpad(nextval('order_number_seq')::text, 8, '0'),
            (date_trunc('month', v_seoul) + interval '1 month')::date,
            'COMPLETED', v_code,
            CASE WHEN v_line.product_code <> p_current_product_code
                 THEN 'line was on ' || v_line.product_code ELSE '' END,
            p_now)
    ON CONFLICT (request_id) DO NOTHING
    RETURNING * INTO v_order;
    IF FOUND THEN
      UPDATE lines SET product_code = p_target_product_code, updated_at = p_now
      WHERE line_number = p_line_number;
    END IF;
  ELSE
    INSERT INTO orders (request_id, line_number, current_product_code, target_product_code,
                        previous_product_code, status, result_code, result_detail, created_at)
    VALUES (p_request_id, p_line_number, p_current_product_code, p_target_product_code,
            v_line.product_code, 'FAILED', v_code, v_detail, p_now)
    ON CONFLICT (request_id) DO NOTHING
    RETURNING * INTO v_order;
  END IF;

  IF v_order.request_id IS NULL THEN
    -- A concurrent twin for a line that does not exist (no row to lock) won the insert.
    SELECT * INTO v_order FROM orders WHERE request_id = p_request_id;
  END IF;
  RETURN v_order;
END $$;
