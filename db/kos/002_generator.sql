-- Deterministic data generation for kos-sim (SPEC §8, docs/kos-sim.md):
--   SELECT * FROM kos_generate(customers => 1000, seed => 42, anchor_month => '202611');
-- replaces the catalogue, customers, lines, bills and orders with data derived only from
-- (seed, customers, anchor month): every "random" choice is kos_hash(seed, key, salt), so
-- the same arguments give the same rows. Set-based (INSERT … SELECT over generate_series,
-- keys and indexes built after the load), so 1,000,000 customers take minutes.

-- Bumped whenever the generator's output changes, so kos_ensure_generated regenerates.
CREATE FUNCTION kos_generator_version() RETURNS integer LANGUAGE sql IMMUTABLE
AS $$ SELECT 1 $$;

-- A 64-bit hash of (seed, key, salt): the only source of variation in generated data.
CREATE FUNCTION kos_hash(p_seed integer, p_key bigint, p_salt integer) RETURNS bigint
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$ SELECT hashint8extended(p_key, p_seed::bigint * 65599 + p_salt) $$;

-- A uniform integer in [0, p_count).
CREATE FUNCTION kos_pick(p_seed integer, p_key bigint, p_salt integer, p_count integer)
RETURNS integer LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$ SELECT ((kos_hash(p_seed, p_key, p_salt) & 2147483647) % p_count)::integer $$;

-- A uniform fraction in [0, 1).
CREATE FUNCTION kos_unit(p_seed integer, p_key bigint, p_salt integer)
RETURNS double precision LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$ SELECT (kos_hash(p_seed, p_key, p_salt) & 2147483647)::double precision / 2147483648.0 $$;

-- Months since year 0 of the month containing p_date (for month arithmetic on integers).
CREATE FUNCTION kos_month_index(p_date date) RETURNS integer
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$ SELECT (extract(year FROM p_date)::integer * 12 + extract(month FROM p_date)::integer - 1) $$;

-- The first day of the month with the given kos_month_index.
CREATE FUNCTION kos_month_start(p_index integer) RETURNS date
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$ SELECT make_date(p_index / 12, p_index % 12 + 1, 1) $$;

-- The i-th generated line number (i >= 1) before fixed lines are skipped: a bijection of
-- the index onto 010-1000-0000 … 010-9999-9999, shuffled by the seed.
CREATE FUNCTION kos_generated_line_number(p_seed integer, p_index bigint) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$ SELECT '010' || (10000000 + (p_index * 39916801 + abs(p_seed::bigint) * 7919) % 90000000)::text $$;

-- (Re)loads the plan catalogue: the seven plans of SPEC §8.
CREATE FUNCTION kos_load_catalogue() RETURNS void LANGUAGE sql AS $$
  INSERT INTO products (product_code, product_name, operator_code, network_type, monthly_fee,
                        data_allowance_gb, voice_allowance_minutes, sms_allowance, status,
                        description, display_order)
  VALUES
    ('5G-PREMIUM-001', '5G 프리미엄 플랜', 'KT', '5G', 89000, -1, -1, -1, 'ACTIVE',
     '데이터·음성·문자를 모두 무제한으로 쓰는 5G 최상위 요금제', 1),
    ('5G-STANDARD-001', '5G 스탠다드 플랜', 'KT', '5G', 69000, 100, -1, -1, 'ACTIVE',
     '매월 데이터 100GB와 무제한 음성·문자를 제공하는 5G 표준 요금제', 2),
    ('LTE-PREMIUM-001', 'LTE 프리미엄 플랜', 'KT', 'LTE', 59000, 50, -1, -1, 'ACTIVE',
     '데이터 50GB와 무제한 음성·문자를 제공하는 LTE 요금제', 3),
    ('LTE-BASIC-001', 'LTE 베이직 플랜', 'KT', 'LTE', 39000, 20, -1, 100, 'ACTIVE',
     '데이터 20GB, 무제한 음성, 문자 100건의 실속형 LTE 요금제', 4),
    ('3G-OLD-001', '3G 레거시 플랜', 'KT', '3G', 29000, 5, 500, 100, 'DISCONTINUED',
     '신규 가입이 중단된 3G 요금제 (데이터 5GB, 음성 500분, 문자 100건)', 5),
    ('SKT-5G-STD-001', '5G 슬림 플랜', 'SKT', '5G', 55000, 30, -1, -1, 'ACTIVE',
     'SKT 망에서 데이터 30GB와 무제한 음성·문자를 제공하는 5G 요금제', 6),
    ('LGU-LTE-VAL-001', 'LTE 알뜰 플랜', 'LGU', 'LTE', 33000, 15, 300, 100, 'ACTIVE',
     'LG U+ 망에서 데이터 15GB, 음성 300분, 문자 100건을 제공하는 알뜰 요금제', 7);
$$;

-- Replaces all generated data. customers: number of generated customers (one line each)
-- besides the seven fixed demo/scenario lines; seed: any integer; anchor_month: YYYYMM,
-- the newest billing month (the current Seoul month), default the current Seoul month.
-- Returns the new generation_meta row. Runs in the caller's transaction.
CREATE FUNCTION kos_generate(customers integer DEFAULT 1000, seed integer DEFAULT 42,
                             anchor_month text DEFAULT NULL)
RETURNS generation_meta LANGUAGE plpgsql AS $$
DECLARE
  v_started   timestamptz := clock_timestamp();
  v_anchor    text := coalesce(anchor_month,
                               to_char(now() AT TIME ZONE 'Asia/Seoul', 'YYYYMM'));
  v_anchor_ix integer;
  v_meta      generation_meta;
  v_seed      integer := seed;
  v_count     integer := customers;
BEGIN
  IF v_count IS NULL OR v_count < 0 OR v_count > 10000000 THEN
    RAISE EXCEPTION 'kos_generate: customers must be 0..10000000, got %', v_count;
  END IF;
  IF v_seed IS NULL THEN
    RAISE EXCEPTION 'kos_generate: seed must not be null';
  END IF;
  IF v_anchor !~ '^[0-9]{4}(0[1-9]|1[0-2])$' THEN
    RAISE EXCEPTION 'kos_generate: anchor_month must be YYYYMM, got %', v_anchor;
  END IF;
  v_anchor_ix := kos_month_index(to_date(v_anchor || '01', 'YYYYMMDD'));

  PERFORM kos_drop_indexes();
  TRUNCATE bills, lines, customers, orders, products, generation_meta;
  PERFORM setval('order_number_seq', 1, false);
  PERFORM kos_load_catalogue();

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

  -- Fixed lines (SPEC §3 demo users, SPEC §8 scenario lines). Months are offsets from the
  -- anchor; customer ids C000000001…7 are reserved for them.
  INSERT INTO gen_line
  SELECT f.line_number, f.line_number::bigint, f.customer_id, f.customer_name, f.status,
         f.product_code, f.previous_product_code, f.changed_months_ago,
         v_anchor_ix - f.activated_ago, 10, f.contract_type, f.contract_months,
         v_anchor_ix - f.contract_ago, 15, f.device_name, f.installment_total,
         f.installment_months, v_anchor_ix - f.contract_ago, f.payment_method, f.due_day,
         f.family, f.long_term, f.card, f.late_payer, f.extra_services, 180, 60, f.has_bills
  FROM (VALUES
    ('01012345678', 'C000000001', '홍길동', 'ACTIVE', '5G-STANDARD-001', 'LTE-PREMIUM-001', 10,
     40, '24_MONTH', 24, 10, 'Galaxy S24', 1155000, 24, '자동이체', 25,
     true, true, false, false, 3300, true),
    ('01087654321', 'C000000002', '김영희', 'ACTIVE', 'LTE-BASIC-001', NULL, 0,
     30, '12_MONTH', 12, 4, NULL, 0, 0, '신용카드', 15,
     false, false, false, true, 0, true),
    ('01055554444', 'C000000003', '이철수', 'SUSPENDED', 'LTE-PREMIUM-001', NULL, 0,
     50, 'NONE', 0, 30, 'iPhone 14', 1150000, 36, '지로', 20,
     false, true, false, false, 0, true),
    ('01099998888', 'C000000004', '박관리', 'ACTIVE', '5G-PREMIUM-001', NULL, 0,
     60, '24_MONTH', 24, 2, 'Galaxy Z Fold5', 2097700, 24, '자동이체', 25,
     false, true, true, false, 1100, true),
    ('01099990001', 'C000000005', '최지우', 'ACTIVE', 'LTE-BASIC-001', NULL, 0,
     26, 'NONE', 0, 0, NULL, 0, 0, '신용카드', 10,
     false, false, false, false, 0, false),
    ('01099990002', 'C000000006', '정하은', 'ACTIVE', '5G-STANDARD-001', NULL, 0,
     26, '24_MONTH', 24, 5, NULL, 0, 0, '자동이체', 20,
     false, false, false, false, 0, true),
    ('01099990003', 'C000000007', '강도윤', 'ACTIVE', 'LTE-PREMIUM-001', NULL, 0,
     26, '12_MONTH', 12, 3, 'Galaxy A54', 599500, 24, '자동이체', 20,
     false, false, false, false, 0, true)
  ) AS f(line_number, customer_id, customer_name, status, product_code, previous_product_code,
         changed_months_ago, activated_ago, contract_type, contract_months, contract_ago,
         device_name, installment_total, installment_months, payment_method, due_day,
         family, long_term, card, late_payer, extra_services, has_bills);

  -- Generated customers: index i = 1..customers over candidate line numbers with the
  -- fixed ones skipped. Salts 1…29 each drive one attribute (see docs/kos-sim.md).
  INSERT INTO gen_line
  WITH candidate AS (
    SELECT k, kos_generated_line_number(v_seed, k) AS line_number
    FROM generate_series(1, v_count + 7) AS k
  ), numbered AS (
    SELECT row_number() OVER (ORDER BY k) AS i, line_number, line_number::bigint AS line_key
    FROM candidate
    WHERE line_number NOT IN (SELECT line_number FROM gen_line)
  ), base AS (
    SELECT n.i, n.line_number, n.line_key,
           kos_unit(v_seed, n.line_key, 1) AS plan_u,
           24 + kos_pick(v_seed, n.line_key, 5, 97) AS activated_ago,
           kos_unit(v_seed, n.line_key, 6) AS contract_u,
           kos_unit(v_seed, n.line_key, 8) AS device_u
    FROM numbered n WHERE n.i <= v_count
  ), chosen AS (
    SELECT b.*,
           CASE WHEN b.plan_u < 0.04 THEN 'SKT-5G-STD-001'
                WHEN b.plan_u < 0.08 THEN 'LGU-LTE-VAL-001'
                WHEN b.plan_u < 0.12 THEN '3G-OLD-001'
                WHEN b.plan_u < 0.32 THEN '5G-PREMIUM-001'
                WHEN b.plan_u < 0.57 THEN '5G-STANDARD-001'
                WHEN b.plan_u < 0.78 THEN 'LTE-PREMIUM-001'
                ELSE 'LTE-BASIC-001' END AS product_code,
           CASE WHEN b.contract_u < 0.55 THEN '24_MONTH'
                WHEN b.contract_u < 0.75 THEN '12_MONTH' ELSE 'NONE' END AS contract_type,
           kos_pick(v_seed, b.line_key, 7, least(30, b.activated_ago + 1)) AS contract_ago,
           b.plan_u >= 0.12 AND kos_unit(v_seed, b.line_key, 9) < 0.15 AS plan_changed
    FROM base b
  )
  SELECT c.line_number, c.line_key,
         'C' || lpad((c.i + 100)::text, 9, '0'),
         (ARRAY['김','김','김','이','이','이','박','박','최','정','강','조','윤','장','임',
                '한','오','서','신','권','황','안','송','류','전','홍','고','문','양','손',
                '배','백','허','유','남','심','노','하','곽','성'])[1 + kos_pick(v_seed, c.line_key, 3, 40)]
           || (ARRAY['민준','서준','도윤','예준','시우','하준','주원','지호','지후','준서',
                     '서연','서윤','지우','서현','민서','하은','하윤','윤서','지유','채원',
                     '지민','수빈','현우','유진','은지','영희','철수','정훈','미영','성민',
                     '지훈','수진','동현','혜진','상우','은영','재원','소연','태호','나연'])[1 + kos_pick(v_seed, c.line_key, 4, 40)],
         CASE WHEN kos_unit(v_seed, c.line_key, 2) < 0.02 THEN 'SUSPENDED' ELSE 'ACTIVE' END,
         c.product_code,
         -- 15 % of KT lines moved to their plan 1…23 months ago, from another KT plan.
         CASE WHEN c.plan_changed
              THEN (ARRAY['5G-PREMIUM-001','5G-STANDARD-001','LTE-PREMIUM-001','LTE-BASIC-001',
                          '3G-OLD-001'])[1 + (array_position(ARRAY['5G-PREMIUM-001','5G-STANDARD-001',
                          'LTE-PREMIUM-001','LTE-BASIC-001','3G-OLD-001'], c.product_code)
                          + kos_pick(v_seed, c.line_key, 10, 4)) % 5]
         END,
         CASE WHEN c.plan_changed THEN 1 + kos_pick(v_seed, c.line_key, 25, 23) ELSE 0 END,
         v_anchor_ix - c.activated_ago, 1 + kos_pick(v_seed, c.line_key, 11, 28),
         c.contract_type,
         CASE c.contract_type WHEN '24_MONTH' THEN 24 WHEN '12_MONTH' THEN 12 ELSE 0 END,
         v_anchor_ix - c.contract_ago, 1 + kos_pick(v_seed, c.line_key, 12, 28),
         CASE WHEN c.device_u < 0.65 THEN (ARRAY['Galaxy S24','Galaxy S24 Ultra','Galaxy Z Flip5',
              'Galaxy Z Fold5','Galaxy A54','iPhone 15','iPhone 15 Pro','iPhone 14'])[1 + kos_pick(v_seed, c.line_key, 13, 8)] END,
         CASE WHEN c.device_u < 0.65 THEN (ARRAY[1155000,1698400,1399200,2097700,599500,1250000,
              1550000,1150000])[1 + kos_pick(v_seed, c.line_key, 13, 8)] ELSE 0 END,
         CASE WHEN c.device_u >= 0.65 THEN 0 WHEN kos_unit(v_seed, c.line_key, 14) < 0.7 THEN 24 ELSE 36 END,
         CASE WHEN c.contract_type <> 'NONE' THEN v_anchor_ix - c.contract_ago
              ELSE v_anchor_ix - kos_pick(v_seed, c.line_key, 15, 36) END,
         (ARRAY['자동이체','자동이체','자동이체','자동이체','자동이체','자동이체',
                '신용카드','신용카드','신용카드','지로'])[1 + kos_pick(v_seed, c.line_key, 16, 10)],
         (ARRAY[10, 15, 20, 25])[1 + kos_pick(v_seed, c.line_key, 17, 4)],
         kos_unit(v_seed, c.line_key, 18) < 0.25,
         kos_unit(v_seed, c.line_key, 19) < 0.15,
         kos_unit(v_seed, c.line_key, 20) < 0.20,
         kos_unit(v_seed, c.line_key, 21) < 0.03,
         (ARRAY[0, 0, 0, 0, 1100, 2200, 3300, 5500])[1 + kos_pick(v_seed, c.line_key, 22, 8)],
         20 + kos_pick(v_seed, c.line_key, 23, 400),
         30 + kos_pick(v_seed, c.line_key, 24, 70),
         true
  FROM chosen c;

  INSERT INTO customers (customer_id, customer_name)
  SELECT customer_id, customer_name FROM gen_line ORDER BY line_key;

  INSERT INTO lines (line_number, customer_id, status, product_code, operator_code, activated_on,
                     contract_type, contract_start_date, contract_end_date, device_name,
                     installment_total, installment_months, installment_monthly,
                     installment_start_month, installment_remaining_months, payment_method,
                     payment_due_day, updated_at)
  SELECT g.line_number, g.customer_id, g.status, g.product_code, p.operator_code,
         kos_month_start(g.activated_ix) + (g.activated_day - 1),
         g.contract_type,
         CASE WHEN g.contract_months > 0
              THEN kos_month_start(g.contract_start_ix) + (g.contract_day - 1) END,
         CASE WHEN g.contract_months > 0
              THEN (kos_month_start(g.contract_start_ix + g.contract_months)
                    + (g.contract_day - 1)) - 1 END,
         g.device_name, g.installment_total, g.installment_months,
         CASE WHEN g.installment_months > 0
              THEN (g.installment_total / g.installment_months) / 10 * 10 ELSE 0 END,
         CASE WHEN g.installment_months > 0 THEN kos_month_start(g.installment_start_ix) END,
         greatest(0, g.installment_months - (v_anchor_ix - g.installment_start_ix + 1)),
         g.payment_method, g.due_day, v_started
  FROM gen_line g JOIN products p ON p.product_code = g.product_code
  ORDER BY g.line_key;

  PERFORM kos_generate_bills(v_seed, v_anchor_ix);

  PERFORM kos_create_indexes();
  ANALYZE products;
  ANALYZE customers;
  ANALYZE lines;
  ANALYZE bills;
  ANALYZE orders;

  INSERT INTO generation_meta
  VALUES (true, kos_generator_version(), v_seed, v_count, v_anchor, (SELECT count(*) FROM lines),
          (SELECT count(*) FROM bills), now(),
          (extract(epoch FROM clock_timestamp() - v_started) * 1000)::bigint)
  RETURNING * INTO v_meta;
  DROP TABLE pg_temp.gen_line;
  RETURN v_meta;
END $$;

-- What kos-sim calls at start: generates unless the stored data already came from
-- exactly these inputs and this generator version. An advisory lock makes several
-- instances starting together generate once. Returns the generation_meta row in force.
CREATE FUNCTION kos_ensure_generated(customers integer, seed integer, anchor_month text)
RETURNS generation_meta LANGUAGE plpgsql AS $$
DECLARE
  v_meta generation_meta;
BEGIN
  PERFORM pg_advisory_xact_lock(hashtext('phonebill_kos.kos_generate'));
  SELECT * INTO v_meta FROM generation_meta;
  IF FOUND AND v_meta.generator_version = kos_generator_version()
     AND v_meta.seed = kos_ensure_generated.seed
     AND v_meta.customer_count = kos_ensure_generated.customers
     AND v_meta.anchor_month = kos_ensure_generated.anchor_month THEN
    RETURN v_meta;
  END IF;
  RETURN kos_generate(kos_ensure_generated.customers, kos_ensure_generated.seed,
                      kos_ensure_generated.anchor_month);
END $$;
