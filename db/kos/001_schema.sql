-- kos-sim's own database (phonebill_kos): the simulated KOS-Order catalogue, customers,
-- lines, 24 months of bills and product-change orders (SPEC §8). Rows come from
-- kos_generate() (002_generator.sql) and from kos_change_product() (003). Bulk-loaded
-- tables get their keys and indexes from kos_create_indexes(), so the generator can drop
-- them with kos_drop_indexes(), load, and build them once at the end.

-- The plan catalogue. Allowances use -1 for "unlimited" (KOS convention).
CREATE TABLE products (
  product_code            text PRIMARY KEY,
  product_name            text NOT NULL,
  operator_code           text NOT NULL CHECK (operator_code IN ('KT', 'SKT', 'LGU')),
  network_type            text NOT NULL CHECK (network_type IN ('5G', 'LTE', '3G')),
  monthly_fee             integer NOT NULL CHECK (monthly_fee >= 0),
  data_allowance_gb       integer NOT NULL CHECK (data_allowance_gb >= -1),
  voice_allowance_minutes integer NOT NULL CHECK (voice_allowance_minutes >= -1),
  sms_allowance           integer NOT NULL CHECK (sms_allowance >= -1),
  status                  text NOT NULL CHECK (status IN ('ACTIVE', 'DISCONTINUED')),
  description             text NOT NULL,
  display_order           integer NOT NULL
);

-- One row per customer (a person; generated customers have exactly one line each).
CREATE TABLE customers (
  customer_id   text NOT NULL,
  customer_name text NOT NULL
);

-- One row per mobile line. operator_code is the host network the line lives on, and
-- only plans of that operator can be ordered for it (KOS 2005).
-- contract_type: '24_MONTH' / '12_MONTH' selective-discount contracts (선택약정, 25 %
-- off the plan fee) or 'NONE'. Instalment columns describe the device bought with the
-- line (all NULL/0 when the customer brought their own); installment_remaining_months is
-- as of the generation anchor month.
CREATE TABLE lines (
  line_number                  text NOT NULL CHECK (line_number ~ '^010[0-9]{8}$'),
  customer_id                  text NOT NULL,
  status                       text NOT NULL CHECK (status IN ('ACTIVE', 'SUSPENDED', 'TERMINATED')),
  product_code                 text NOT NULL,
  operator_code                text NOT NULL CHECK (operator_code IN ('KT', 'SKT', 'LGU')),
  activated_on                 date NOT NULL,
  contract_type                text NOT NULL CHECK (contract_type IN ('24_MONTH', '12_MONTH', 'NONE')),
  contract_start_date          date,
  contract_end_date            date,
  device_name                  text,
  installment_total            integer NOT NULL DEFAULT 0 CHECK (installment_total >= 0),
  installment_months           integer NOT NULL DEFAULT 0 CHECK (installment_months >= 0),
  installment_monthly          integer NOT NULL DEFAULT 0 CHECK (installment_monthly >= 0),
  installment_start_month      date,
  installment_remaining_months integer NOT NULL DEFAULT 0 CHECK (installment_remaining_months >= 0),
  payment_method               text NOT NULL,
  payment_due_day              smallint NOT NULL CHECK (payment_due_day BETWEEN 1 AND 28),
  updated_at                   timestamptz NOT NULL DEFAULT now(),
  CHECK ((contract_type = 'NONE') = (contract_start_date IS NULL)),
  CHECK ((contract_start_date IS NULL) = (contract_end_date IS NULL))
);

-- One row per line and billing month (YYYYMM, KOS form). The bill of month M is issued
-- on the 1st of M for the usage of the month before and is due on the line's due day.
-- Usage: voice in minutes, SMS in messages, data in MB; allowances -1 = unlimited.
-- discounts is a JSON array of {"name": text, "amount": integer}; discount_total is
-- their sum. device_installment is the instalment charged on this bill;
-- installment_remaining and installment_remaining_months are the device balance and the
-- instalments still owed after it. A bill shows a device instalment exactly when
-- device_installment > 0 or installment_remaining > 0.
CREATE TABLE bills (
  line_number             text NOT NULL,
  billing_month           text NOT NULL CHECK (billing_month ~ '^[0-9]{4}(0[1-9]|1[0-2])$'),
  monthly_fee             integer NOT NULL CHECK (monthly_fee >= 0),
  usage_fee               integer NOT NULL CHECK (usage_fee >= 0),
  discount_total          integer NOT NULL CHECK (discount_total >= 0),
  device_installment      integer NOT NULL CHECK (device_installment >= 0),
  total_amount            integer NOT NULL CHECK (total_amount >= 0),
  voice_used_minutes      integer NOT NULL CHECK (voice_used_minutes >= 0),
  voice_allowance_minutes integer NOT NULL CHECK (voice_allowance_minutes >= -1),
  sms_used                integer NOT NULL CHECK (sms_used >= 0),
  sms_allowance           integer NOT NULL CHECK (sms_allowance >= -1),
  data_used_mb            integer NOT NULL CHECK (data_used_mb >= 0),
  data_allowance_mb       integer NOT NULL CHECK (data_allowance_mb >= -1),
  termination_fee         integer NOT NULL CHECK (termination_fee >= 0),
  installment_remaining   integer NOT NULL CHECK (installment_remaining >= 0),
  installment_remaining_months integer NOT NULL CHECK (installment_remaining_months >= 0),
  billing_date            date NOT NULL,
  due_date                date NOT NULL,
  product_code            text NOT NULL,
  product_name            text NOT NULL,
  payment_status          text NOT NULL CHECK (payment_status IN ('PAID', 'UNPAID', 'OVERDUE')),
  payment_method          text NOT NULL,
  discounts               jsonb NOT NULL CHECK (jsonb_typeof(discounts) = 'array'),
  CHECK (total_amount = monthly_fee + usage_fee - discount_total + device_installment)
);

-- Product-change orders, one per requestId: a repeated request returns the stored
-- outcome (KOS is idempotent on requestId, SPEC §7). Failed changes (2001…2005) are kept
-- too, with no order number. result_code is the KOS code (src/kos/result_code.hpp owns
-- the user-facing messages); result_detail is operator-facing text.
CREATE TABLE orders (
  request_id            text PRIMARY KEY CHECK (char_length(request_id) BETWEEN 1 AND 100),
  line_number           text NOT NULL,
  current_product_code  text NOT NULL,
  target_product_code   text NOT NULL,
  previous_product_code text,
  kos_order_number      text UNIQUE,
  effective_date        date,
  status                text NOT NULL CHECK (status IN ('COMPLETED', 'FAILED')),
  result_code           text NOT NULL CHECK (result_code ~ '^[0-9]{4}$'),
  result_detail         text NOT NULL DEFAULT '',
  created_at            timestamptz NOT NULL DEFAULT now(),
  CHECK ((status = 'COMPLETED') = (kos_order_number IS NOT NULL)),
  CHECK ((status = 'COMPLETED') = (result_code = '0000'))
);
CREATE INDEX orders_line_created_idx ON orders (line_number, created_at DESC);

CREATE SEQUENCE order_number_seq;

-- What the current data was generated from; a single row. kos-sim compares it with its
-- configuration (seed, customer count, current Seoul month) to decide whether to
-- regenerate at start.
CREATE TABLE generation_meta (
  singleton         boolean PRIMARY KEY DEFAULT true CHECK (singleton),
  generator_version integer NOT NULL,
  seed              integer NOT NULL,
  customer_count    integer NOT NULL,
  anchor_month      text NOT NULL CHECK (anchor_month ~ '^[0-9]{4}(0[1-9]|1[0-2])$'),
  line_count        bigint NOT NULL,
  bill_count        bigint NOT NULL,
  generated_at      timestamptz NOT NULL,
  duration_ms       bigint NOT NULL
);

-- Drops the keys, foreign keys and indexes of the bulk-loaded tables (before a load).
CREATE FUNCTION kos_drop_indexes() RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  ALTER TABLE bills DROP CONSTRAINT IF EXISTS bills_line_fk;
  ALTER TABLE bills DROP CONSTRAINT IF EXISTS bills_product_fk;
  ALTER TABLE lines DROP CONSTRAINT IF EXISTS lines_customer_fk;
  ALTER TABLE lines DROP CONSTRAINT IF EXISTS lines_product_fk;
  ALTER TABLE bills DROP CONSTRAINT IF EXISTS bills_pkey;
  ALTER TABLE lines DROP CONSTRAINT IF EXISTS lines_pkey;
  ALTER TABLE customers DROP CONSTRAINT IF EXISTS customers_pkey;
  DROP INDEX IF EXISTS lines_customer_idx;
END $$;

-- Builds them again (after a load); also the initial state of an empty database.
-- bills_pkey (line_number, billing_month) serves both the bill lookup and the
-- available-months listing (index-only scan, read backwards for newest first).
CREATE FUNCTION kos_create_indexes() RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  ALTER TABLE customers ADD CONSTRAINT customers_pkey PRIMARY KEY (customer_id);
  ALTER TABLE lines ADD CONSTRAINT lines_pkey PRIMARY KEY (line_number);
  ALTER TABLE bills ADD CONSTRAINT bills_pkey PRIMARY KEY (line_number, billing_month);
  CREATE INDEX lines_customer_idx ON lines (customer_id);
  ALTER TABLE lines ADD CONSTRAINT lines_customer_fk
    FOREIGN KEY (customer_id) REFERENCES customers (customer_id);
  ALTER TABLE lines ADD CONSTRAINT lines_product_fk
    FOREIGN KEY (product_code) REFERENCES products (product_code);
  ALTER TABLE bills ADD CONSTRAINT bills_line_fk
    FOREIGN KEY (line_number) REFERENCES lines (line_number) ON DELETE CASCADE;
  ALTER TABLE bills ADD CONSTRAINT bills_product_fk
    FOREIGN KEY (product_code) REFERENCES products (product_code);
END $$;

SELECT kos_create_indexes();
