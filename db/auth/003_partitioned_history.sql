-- Monthly partitions for auth's login history and permission-check log (issue 20,
-- docs/history.md): range-partitioned by month on their time column and maintained by
-- pg_partman exactly like bill-inquiry's history (db/bill/002_partitioned_history.sql):
-- 4 months ahead, 12 months kept by default, expired partitions detached into
-- history_archive for `./phonebill maintain` to archive and drop. Existing rows move in
-- this migration's transaction (docs/history.md#migrating-existing-rows).
CREATE SCHEMA IF NOT EXISTS partman;
CREATE EXTENSION IF NOT EXISTS pg_partman SCHEMA partman;
CREATE SCHEMA IF NOT EXISTS history_archive;

ALTER TABLE login_history RENAME TO login_history_legacy;
ALTER INDEX login_history_pkey RENAME TO login_history_legacy_pkey;
ALTER INDEX login_history_user_idx RENAME TO login_history_legacy_user_idx;
ALTER TABLE permission_checks RENAME TO permission_checks_legacy;
ALTER INDEX permission_checks_pkey RENAME TO permission_checks_legacy_pkey;
ALTER INDEX permission_checks_user_idx RENAME TO permission_checks_legacy_user_idx;

-- Every login attempt that reached the credential check (SPEC §3 login history).
CREATE TABLE login_history (
  id            bigint NOT NULL,
  attempted_at  timestamptz NOT NULL,
  user_id       text NOT NULL,        -- as typed (unknown ids too)
  client_ip     text NOT NULL,
  user_agent    text NOT NULL,
  result        text NOT NULL CHECK (result IN ('SUCCESS', 'FAILURE')),
  reason        text NOT NULL CHECK (reason IN
                  ('SUCCESS', 'INVALID_CREDENTIALS', 'ACCOUNT_LOCKED', 'LOCKED')),
  session_id    text,
  request_id    text NOT NULL,
  PRIMARY KEY (id, attempted_at)      -- a partitioned table's keys hold its partition key
) PARTITION BY RANGE (attempted_at);
CREATE INDEX login_history_user_idx ON login_history (user_id, attempted_at DESC, id DESC);
ALTER SEQUENCE login_history_id_seq OWNED BY login_history.id;
ALTER TABLE login_history ALTER COLUMN id SET DEFAULT nextval('login_history_id_seq');

-- Every POST /api/v1/auth/permissions/check.
CREATE TABLE permission_checks (
  id            bigint NOT NULL,
  checked_at    timestamptz NOT NULL,
  user_id       text NOT NULL,
  session_id    text NOT NULL,
  service_type  text NOT NULL,
  granted       boolean NOT NULL,
  request_id    text NOT NULL,
  PRIMARY KEY (id, checked_at)
) PARTITION BY RANGE (checked_at);
CREATE INDEX permission_checks_user_idx ON permission_checks (user_id, checked_at DESC);
ALTER SEQUENCE permission_checks_id_seq OWNED BY permission_checks.id;
ALTER TABLE permission_checks ALTER COLUMN id SET DEFAULT nextval('permission_checks_id_seq');

SELECT partman.create_parent(
  p_parent_table := 'public.login_history', p_control := 'attempted_at',
  p_type := 'native', p_interval := '1 month', p_premake := 4,
  p_start_partition := (SELECT date_trunc('month', min(attempted_at))::text
                          FROM login_history_legacy
                         WHERE attempted_at >= now() - interval '12 months'));
SELECT partman.create_parent(
  p_parent_table := 'public.permission_checks', p_control := 'checked_at',
  p_type := 'native', p_interval := '1 month', p_premake := 4,
  p_start_partition := (SELECT date_trunc('month', min(checked_at))::text
                          FROM permission_checks_legacy
                         WHERE checked_at >= now() - interval '12 months'));

UPDATE partman.part_config
   SET retention = '12 months', retention_keep_table = true, retention_keep_index = false,
       retention_schema = 'history_archive', infinite_time_partitions = true
 WHERE parent_table IN ('public.login_history', 'public.permission_checks');

INSERT INTO login_history SELECT * FROM login_history_legacy;
INSERT INTO permission_checks SELECT * FROM permission_checks_legacy;
DROP TABLE login_history_legacy;
DROP TABLE permission_checks_legacy;
