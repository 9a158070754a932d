-- The bill half of kos_generate() (002_generator.sql): 24 months of bills, ending at the
-- anchor month, for every row of the session's pg_temp.gen_line that has has_bills.
-- One set-based INSERT; amounts are consistent by construction (see docs/kos-sim.md):
--   total = monthly fee + usage fee - discounts + device instalment.

-- Inserts the bills and returns how many. p_anchor_ix is kos_month_index(anchor month).
-- Only meaningful inside kos_generate(), which fills pg_temp.gen_line first.
CREATE FUNCTION kos_generate_bills(p_seed integer, p_anchor_ix integer) RETURNS bigint
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
  CROSS JOIN generate_series(0, 23) AS months_ago
  CROSS JOIN LATERAL (
    SELECT months_ago, p_anchor_ix - months_ago AS month_ix,
           g.line_key * 32 + months_ago AS bill_key
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
