# shellcheck shell=bash
# deploy/backup.sh — pgBackRest for a private PostgreSQL cluster (issue 20,
# docs/operations.md#backups): one stanza per cluster, its repository on local disk (the
# local stack's under .run/backups/repo), WAL archived continuously by archive_command,
# full or incremental backups, and point-in-time restore into the stopped cluster. Used
# by `./phonebill backup|restore` and by tests/backup/backup_restore_test.sh.
# Entry points: backup_settings, backup_write_config, backup_archive_settings,
# backup_archive_command, backup_password_file, backup_create_stanza, backup_run,
# backup_restore, backup_info.
# Every pgBackRest command runs as the cluster's owner (it reads the data directory and
# archive_command writes the repository as that user); it reaches the server over TCP
# (PGHOST) because the clusters have no Unix socket.

# backup_settings <dir>: the paths of the pgBackRest set-up kept in <dir>
# (BACKUP_CONF, BACKUP_REPO, BACKUP_STANZA).
backup_settings() {
  BACKUP_DIR=$1
  BACKUP_CONF=$BACKUP_DIR/pgbackrest.conf
  BACKUP_REPO=$BACKUP_DIR/repo
  BACKUP_STANZA=phonebill
}

# backup_write_config <data-dir> <port> [<data-dir> <port>]...: (re)writes $BACKUP_CONF
# for the cluster in <data-dir> listening on 127.0.0.1:<port> — or, given several, for
# the members of one replicated cluster (pg1, pg2, ...: pgBackRest finds the primary
# among them at every command); creates the repository, logs and locks.
backup_write_config() {
  local -a members=("$@")
  mkdir -p "$BACKUP_REPO" "$BACKUP_DIR/log" "$BACKUP_DIR/lock" "$BACKUP_DIR/spool"
  cat >"$BACKUP_CONF" <<EOF
# Written by deploy/backup.sh; edit the script, not this file (docs/operations.md#backups).
[global]
repo1-path=$BACKUP_REPO
# Two full backups (and the incrementals and WAL they need) are kept.
repo1-retention-full=2
compress-type=lz4
log-path=$BACKUP_DIR/log
lock-path=$BACKUP_DIR/lock
spool-path=$BACKUP_DIR/spool
log-level-console=warn
log-level-file=info
# A checkpoint at once instead of waiting for the next one.
start-fast=y

[$BACKUP_STANZA]
EOF
  local i
  for ((i = 0; i < ${#members[@]}; i += 2)); do
    printf 'pg%d-path=%s\npg%d-port=%s\npg%d-user=postgres\n' \
      $((i / 2 + 1)) "${members[i]}" $((i / 2 + 1)) "${members[i + 1]}" $((i / 2 + 1)) >>"$BACKUP_CONF"
  done
  chown_to_pg_owner "$BACKUP_DIR" "$BACKUP_REPO" "$BACKUP_DIR/log" "$BACKUP_DIR/lock" \
    "$BACKUP_DIR/spool" "$BACKUP_CONF"
}

# The postgresql.conf lines that turn WAL archiving on into $BACKUP_CONF's repository
# (for pg_configure; archive_mode needs a restart to change).
backup_archive_settings() {
  echo "wal_level = replica"
  echo "archive_mode = on"
  # shellcheck disable=SC2119 # no data directory: the cluster is pg1
  echo "archive_command = '$(backup_archive_command)'"
  # A quiet database still closes a WAL segment (and so archives it) every minute: the
  # most a lost disk can cost (RPO) is one minute of writes.
  echo "archive_timeout = 60"
}

# backup_archive_command [<data-dir>]: PostgreSQL's archive_command into $BACKUP_CONF's
# repository. A member of a replicated cluster names its own data directory: %p is
# relative to it, and pg1 of the configuration may be another member.
# shellcheck disable=SC2120 # the single-copy cluster passes nothing
backup_archive_command() {
  echo "pgbackrest --config=$BACKUP_CONF --stanza=$BACKUP_STANZA${1:+ --pg1-path=$1} archive-push %p"
}

# backup_password_file: pgBackRest connects as the superuser for backups: its own copy
# of the password file in $BACKUP_DIR, readable by the cluster owner only (PGPASSFILE).
backup_password_file() {
  local file=$BACKUP_DIR/pgpass
  (umask 077 && echo "127.0.0.1:*:*:postgres:$(<"$SECRETS_DIR/postgres.password")" >"$file")
  chown_to_pg_owner "$file"
  PGPASSFILE=$file
}

# pgbackrest as the cluster owner, against $BACKUP_CONF. Needs PGPASSFILE (or trust).
run_pgbackrest() {
  as_pg_owner env PGHOST=127.0.0.1 ${PGPASSFILE:+PGPASSFILE="$PGPASSFILE"} \
    pgbackrest --config="$BACKUP_CONF" --stanza="$BACKUP_STANZA" "$@"
}

# backup_create_stanza: creates the stanza once (idempotent) and checks that WAL
# archiving reaches the repository.
backup_create_stanza() {
  run_pgbackrest stanza-create >/dev/null || die "pgbackrest stanza-create failed (log: $BACKUP_DIR/log)"
  run_pgbackrest check >/dev/null || die "pgbackrest check failed: is archive_mode on? (log: $BACKUP_DIR/log)"
}

# backup_run <full|incr|diff>: one backup of the running cluster.
backup_run() {
  run_pgbackrest --type="$1" backup || die "pgbackrest backup failed (log: $BACKUP_DIR/log)"
}

# backup_restore <time>: restores the STOPPED cluster to the state committed at <time>
# (any PostgreSQL timestamp, e.g. "2026-12-06 14:30:00+00"), replaying archived WAL, and
# promotes it at the target. Files that did not change are kept (--delta).
backup_restore() {
  run_pgbackrest --delta --type=time --target="$1" --target-action=promote restore ||
    die "pgbackrest restore failed (log: $BACKUP_DIR/log)"
}

# backup_info: the repository's backups, in pgBackRest's text form.
backup_info() { run_pgbackrest info; }
