-- kos-sim keeps its data across a change of the Seoul month (docs/kos-sim.md#month-rollover).
-- A real KOS never forgets an order, so a new month no longer regenerates anything:
-- customers, lines (with every plan change) and orders stay; the new month's bills are
-- added for every line on its current plan, the bills before them move from UNPAID to
-- PAID (or OVERDUE for late payers), bills older than the 24-month window are dropped,
-- and instalment counters move on. Only another seed, customer count or generator
-- version regenerates, as before.
--
-- kos_generate_bills (003) is replaced by a version that can generate a range of months
-- (p_newest_months_ago … p_oldest_months_ago before the anchor) and shift the usage
-- hash keys (p_key_offset), so a rolled-in month does not repeat the usage of the month
-- that held the same place before. With the defaults it is 003's function, unchanged
-- (kos_generate calls it that way; the generator version stays 1).

DROP FUNCTION kos_generate_bills(integer, integer);

CREATE FUNCTION kos_generate_bills(p_seed integer, p_anchor_ix integer,
                                   p_newest_months_ago integer DEFAULT 0,
                                   p_oldest_months_ago integer DEFAULT 23,
                                   p_key_offset bigint DEFAULT 0) RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE
  v_rows bigint;
BEGIN
  INSERT INTO bills (line_number, billing_month, monthly_fee, usage_fee, discount_total,
                     device_installment, total_amount, voice_used_minutes,
                     voice_allowance_minutes, sms_used, sms_allowance, data_used_mb,
                     data_allowance_mb, termination_fee, installment_remaining,
                     installment_remaining_months, billing_date,
                     due_date, product_code, product_name, payment_status, payment_method,
                     discounts)
  SELECT g.line_number,
         to_char(kos_month_start(m.month_ix), 'YYYYMM'),
         p.monthly_fee,
         d.usage_fee,
         d.contract_discount + d.family_discount + d.long_term_discount + d.card_discount,
         d.installment_amount,
         p.monthly_fee + d.usage_fee
           - (d.contract_discount + d.family_discount + d.long_term_discount + d.card_discount)
           + d.installment_amount,
         u.voice_used, p.voice_allowance_minutes,
         u.sms_used, p.sms_allowance,
         u.data_used, u.data_allowance_mb,
         -- Leaving a selective-discount contract early repays part of the discount
         -- received: zero at both ends of the contract, largest in the middle.
         CASE WHEN u.in_contract
              THEN d.contract_discount * u.contract_elapsed
                   * (g.contract_months - u.contract_elapsed) / g.contract_months / 10 * 10
              ELSE 0 END,
         d.installment_remaining,
         CASE WHEN g.installment_months = 0 OR u.installment_ix < 0
                   OR u.installment_ix >= g.installment_months - 1 THEN 0
              ELSE g.installment_months - (u.installment_ix + 1) END,
         kos_month_start(m.month_ix),
         kos_month_start(m.month_ix) + (g.due_day - 1),
         p.product_code, p.product_name,
         CASE WHEN m.months_ago = 0 THEN 'UNPAID'
              WHEN g.late_payer AND (m.months_ago = 1
                   OR (m.months_ago = 2 AND kos_unit(p_seed, m.bill_key, 108) < 0.5))
              THEN 'OVERDUE'
              ELSE 'PAID' END,
         g.payment_method,
         (CASE WHEN d.contract_discount > 0 THEN jsonb_build_array(jsonb_build_object(
                 'name', '선택약정할인', 'amount', d.contract_discount)) ELSE '[]'::jsonb END)
         || (CASE WHEN d.family_discount > 0 THEN jsonb_build_array(jsonb_build_object(
                 'name', '가족결합할인', 'amount', d.family_discount)) ELSE '[]'::jsonb END)
         || (CASE WHEN d.long_term_discount > 0 THEN jsonb_build_array(jsonb_build_object(
                 'name', '장기고객할인', 'amount', d.long_term_discount)) ELSE '[]'::jsonb END)
         || (CASE WHEN d.card_discount > 0 THEN jsonb_build_array(jsonb_build_object(
                 'name', '제휴카드할인', 'amount', d.card_discount)) ELSE '[]'::jsonb END)
  FROM pg_temp.gen_line g
  CROSS JOIN generate_series(p_newest_months_ago, p_oldest_months_ago) AS months_ago
  CROSS JOIN LATERAL (
    SELECT months_ago, p_anchor_ix - months_ago AS month_ix,
           g.line_key * 32 + months_ago + p_key_offset AS bill_key
  ) m
  JOIN products p
    ON p.product_code = CASE WHEN g.changed_months_ago > 0 AND m.months_ago >= g.changed_months_ago
                             THEN g.previous_product_code ELSE g.product_code END
  CROSS JOIN LATERAL (
    SELECT CASE WHEN p.data_allowance_gb < 0 THEN -1
                ELSE p.data_allowance_gb * 1024 END AS data_allowance_mb,
           g.voice_level * (60 + kos_pick(p_seed, m.bill_key, 101, 70)) / 100 AS voice_used,
           kos_pick(p_seed, m.bill_key, 102, 40)
             + CASE WHEN kos_unit(p_seed, m.bill_key, 103) < 0.05
                    THEN 100 + kos_pick(p_seed, m.bill_key, 104, 100) ELSE 0 END AS sms_used,
           (CASE WHEN p.data_allowance_gb < 0 THEN 3000 + g.data_level * 600
                 ELSE p.data_allowance_gb * 1024 * g.data_level / 100 END)
             * (60 + kos_pick(p_seed, m.bill_key, 105, 70)) / 100 AS data_used,
           -- Micropayments, international calls and the like, in one month out of eight.
           CASE WHEN kos_unit(p_seed, m.bill_key, 106) < 0.12
                THEN (1 + kos_pick(p_seed, m.bill_key, 107, 15)) * 1000 ELSE 0 END AS extra_charge,
           g.contract_months > 0
             AND m.month_ix BETWEEN g.contract_start_ix
                                AND g.contract_start_ix + g.contract_months - 1 AS in_contract,
           m.month_ix - g.contract_start_ix + 1 AS contract_elapsed,
           m.month_ix - g.installment_start_ix AS installment_ix,
           CASE WHEN g.installment_months > 0
                THEN g.installment_total / g.installment_months / 10 * 10 ELSE 0 END
             AS installment_monthly
  ) u
  CROSS JOIN LATERAL (
    SELECT CASE WHEN u.in_contract THEN p.monthly_fee * 25 / 100 / 10 * 10 ELSE 0 END
             AS contract_discount,
           CASE WHEN g.family THEN p.monthly_fee * 10 / 100 / 10 * 10 ELSE 0 END
             AS family_discount,
           CASE WHEN g.long_term THEN p.monthly_fee * 5 / 100 / 10 * 10 ELSE 0 END
             AS long_term_discount,
           CASE WHEN g.card AND p.monthly_fee >= 50000 THEN 10000 ELSE 0 END AS card_discount,
           -- Overage: voice 108 KRW/min, SMS 22 KRW, data 11 KRW/MB capped at 33,000.
           ((CASE WHEN p.voice_allowance_minutes >= 0
                  THEN greatest(0, u.voice_used - p.voice_allowance_minutes) * 108 ELSE 0 END)
            + (CASE WHEN p.sms_allowance >= 0
                    THEN greatest(0, u.sms_used - p.sms_allowance) * 22 ELSE 0 END)
            + (CASE WHEN u.data_allowance_mb >= 0
                    THEN least(greatest(0, u.data_used - u.data_allowance_mb) * 11, 33000)
                    ELSE 0 END)
            + g.extra_services + u.extra_charge) / 10 * 10 AS usage_fee,
           -- Equal monthly instalments; the last one carries the rounding remainder.
           CASE WHEN g.installment_months = 0 OR u.installment_ix < 0
                     OR u.installment_ix >= g.installment_months THEN 0
                WHEN u.installment_ix = g.installment_months - 1
                THEN g.installment_total - u.installment_monthly * (g.installment_months - 1)
                ELSE u.installment_monthly END AS installment_amount,
           CASE WHEN g.installment_months = 0 OR u.installment_ix < 0
                     OR u.installment_ix >= g.installment_months - 1 THEN 0
                ELSE g.installment_total - u.installment_monthly * (u.installment_ix + 1) END
             AS installment_remaining
  ) d
  WHERE g.has_bills;
  GET DIAGNOSTICS v_rows = ROW_COUNT;
  RETURN v_rows;
END $$;


-- Fills pg_temp.gen_line (the bill generator's input, as kos_generate builds it) from
-- the lines that exist now: the current plan, the stored contract and instalment, and
-- the per-line traits kos_generate derived from the seed (salts 18…24; the fixed
-- demo/scenario lines' own values). Lines without a bill stay without (01099990001).
CREATE FUNCTION kos_fill_line_traits(p_seed integer) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  IF to_regclass('pg_temp.gen_line') IS NOT NULL THEN
    DROP TABLE pg_temp.gen_line;
  END IF;
  CREATE TEMP TABLE gen_line (
    line_number text, line_key bigint, customer_id text, customer_name text, status text,
    product_code text, previous_product_code text, changed_months_ago integer,
    activated_ix integer, activated_day integer,
    contract_type text, contract_months integer, contract_start_ix integer, contract_day integer,
    device_name text, installment_total integer, installment_months integer,
    installment_start_ix integer, payment_method text, due_day integer,
    family boolean, long_term boolean, card boolean, late_payer boolean,
    extra_services integer, voice_level integer, data_level integer, has_bills boolean
  ) ON COMMIT DROP;

  INSERT INTO gen_line
  SELECT l.line_number, l.line_number::bigint, l.customer_id, NULL, l.status,
         l.product_code, NULL, 0,
         kos_month_index(l.activated_on), extract(day FROM l.activated_on)::integer,
         l.contract_type,
         CASE l.contract_type WHEN '24_MONTH' THEN 24 WHEN '12_MONTH' THEN 12 ELSE 0 END,
         kos_month_index(l.contract_start_date), extract(day FROM l.contract_start_date)::integer,
         l.device_name, l.installment_total, l.installment_months,
         kos_month_index(l.installment_start_month), l.payment_method, l.payment_due_day,
         coalesce(f.family, kos_unit(p_seed, l.line_number::bigint, 18) < 0.25),
         coalesce(f.long_term, kos_unit(p_seed, l.line_number::bigint, 19) < 0.15),
         coalesce(f.card, kos_unit(p_seed, l.line_number::bigint, 20) < 0.20),
         coalesce(f.late_payer, kos_unit(p_seed, l.line_number::bigint, 21) < 0.03),
         coalesce(f.extra_services,
                  (ARRAY[0, 0, 0, 0, 1100, 2200, 3300, 5500])[1 + kos_pick(p_seed, l.line_number::bigint, 22, 8)]),
         CASE WHEN f.line_number IS NOT NULL THEN 180
              ELSE 20 + kos_pick(p_seed, l.line_number::bigint, 23, 400) END,
         CASE WHEN f.line_number IS NOT NULL THEN 60
              ELSE 30 + kos_pick(p_seed, l.line_number::bigint, 24, 70) END,
         EXISTS (SELECT 1 FROM bills b WHERE b.line_number = l.line_number)
  FROM lines l
  -- The fixed lines' traits, as in kos_generate (002).
  LEFT JOIN (VALUES
    ('01012345678', true,  true,  false, false, 3300),
    ('01087654321', false, false, false, true,  0),
    ('01055554444', false, true,  false, false, 0),
    ('01099998888', false, true,  true,  false, 1100),
    ('01099990001', false, false, false, false, 0),
    ('01099990002', false, false, false, false, 0),
    ('01099990003', false, false, false, false, 0)
  ) AS f(line_number, family, long_term, card, late_payer, extra_services)
    ON f.line_number = l.line_number;
END $$;

-- Moves the data forward to p_anchor (YYYYMM) as described at the top; returns the
-- generation_meta row. A month at or before the stored one changes nothing (the data
-- is never moved back: that would drop bills and orders a KOS has issued), so calling
-- it again is harmless. Runs in the caller's transaction.
CREATE FUNCTION kos_roll_forward(p_anchor text) RETURNS generation_meta LANGUAGE plpgsql AS $$
DECLARE
  v_meta    generation_meta;
  v_started timestamptz := clock_timestamp();
  v_old_ix  integer;
  v_new_ix  integer;
  v_gap     integer;
BEGIN
  SELECT * INTO v_meta FROM generation_meta;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'kos_roll_forward: no generated data';
  END IF;
  IF p_anchor !~ '^[0-9]{4}(0[1-9]|1[0-2])$' THEN
    RAISE EXCEPTION 'kos_roll_forward: anchor must be YYYYMM, got %', p_anchor;
  END IF;
  v_old_ix := kos_month_index(to_date(v_meta.anchor_month || '01', 'YYYYMMDD'));
  v_new_ix := kos_month_index(to_date(p_anchor || '01', 'YYYYMMDD'));
  IF v_new_ix <= v_old_ix THEN
    RETURN v_meta;
  END IF;
  v_gap := v_new_ix - v_old_ix;

  PERFORM kos_fill_line_traits(v_meta.seed);
  -- The 24-month window (SPEC §5, §8): older bills go.
  DELETE FROM bills WHERE billing_month < to_char(kos_month_start(v_new_ix - 23), 'YYYYMM');
  -- The new months, on each line's plan of today. Their usage keys are shifted by the
  -- new anchor so they do not repeat the months generated before.
  PERFORM kos_generate_bills(v_meta.seed, v_new_ix, 0, least(v_gap, 24) - 1,
                             v_new_ix::bigint * 1000003);
  -- Bills that were there already are no longer the current month's: paid, or overdue
  -- for a late payer's last two months (the generator's rule, seen from the new anchor).
  UPDATE bills b
  SET payment_status = s.payment_status
  FROM (
    SELECT b2.line_number, b2.billing_month,
           CASE WHEN g.late_payer AND (m.months_ago = 1
                     OR (m.months_ago = 2
                         AND kos_unit(v_meta.seed, g.line_key * 32 + m.months_ago
                                      + v_new_ix::bigint * 1000003, 108) < 0.5))
                THEN 'OVERDUE' ELSE 'PAID' END AS payment_status
    FROM bills b2
    JOIN pg_temp.gen_line g ON g.line_number = b2.line_number
    CROSS JOIN LATERAL (
      SELECT v_new_ix - kos_month_index(to_date(b2.billing_month || '01', 'YYYYMMDD')) AS months_ago
    ) m
    WHERE b2.billing_month <= v_meta.anchor_month
      AND b2.billing_month >= to_char(kos_month_start(v_old_ix - 3), 'YYYYMM')
  ) s
  WHERE b.line_number = s.line_number AND b.billing_month = s.billing_month
    AND b.payment_status <> s.payment_status;
  -- Instalments still owed, as of the new anchor (lines.installment_remaining_months).
  UPDATE lines
  SET installment_remaining_months =
        greatest(0, installment_months - (v_new_ix - kos_month_index(installment_start_month) + 1))
  WHERE installment_months > 0;
  DROP TABLE pg_temp.gen_line;

  UPDATE generation_meta
  SET anchor_month = p_anchor,
      line_count = (SELECT count(*) FROM lines),
      bill_count = (SELECT count(*) FROM bills),
      duration_ms = (extract(epoch FROM clock_timestamp() - v_started) * 1000)::bigint
  RETURNING * INTO v_meta;
  RETURN v_meta;
END $$;

-- What kos-sim calls at start (replaces 002's): regenerates only when the data came from
-- another seed, customer count or generator version; a later month rolls the data
-- forward; the same or an earlier month keeps it as it is.
CREATE OR REPLACE FUNCTION kos_ensure_generated(customers integer, seed integer, anchor_month text)
RETURNS generation_meta LANGUAGE plpgsql AS $$
DECLARE
  v_meta generation_meta;
BEGIN
  PERFORM pg_advisory_xact_lock(hashtext('phonebill_kos.kos_generate'));
  SELECT * INTO v_meta FROM generation_meta;
  IF FOUND AND v_meta.generator_version = kos_generator_version()
     AND v_meta.seed = kos_ensure_generated.seed
     AND v_meta.customer_count = kos_ensure_generated.customers THEN
    IF v_meta.anchor_month = kos_ensure_generated.anchor_month THEN
      RETURN v_meta;
    END IF;
    RETURN kos_roll_forward(kos_ensure_generated.anchor_month);
  END IF;
  RETURN kos_generate(kos_ensure_generated.customers, kos_ensure_generated.seed,
                      kos_ensure_generated.anchor_month);
END $$;
