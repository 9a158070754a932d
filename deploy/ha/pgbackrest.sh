# shellcheck shell=bash
# deploy/ha/pgbackrest.sh — pgBackRest for the --ha Patroni cluster (issue 20,
# docs/operations.md#backups-under---ha). One stanza names all three members; pgBackRest
# asks each which is primary at every command, so a failover needs no new configuration.
# WAL is archived by whichever member is primary (archive_mode on in patroni.yml.in; a
# standby does not archive), and backups are taken from the primary: with every member
# on one machine a standby saves nothing, and a backup must still work when only the
# primary is left. The repository is <members' directory>/backups/repo
# (.run/ha/postgres/backups). Uses deploy/backup.sh. Entry points: ha_backup_settings,
# ha_backup_write_config, ha_backup_archive_command, ha_backup_setup.

ha_backup_settings() { backup_settings "$(ha_pg_home)/backups"; }

# Writes the stanza with every member's data directory and port (pg1..pgN).
ha_backup_write_config() {
  ha_backup_settings
  local -a members=()
  local i
  for ((i = 1; i <= HA_MEMBERS; i++)); do
    members+=("$(ha_pg_home)/$(ha_pg_name "$i")/data" "$(ha_port "$HA_PG_PORT" "$i")")
  done
  backup_write_config "${members[@]}"
}

# ha_backup_archive_command <member>: that member's archive_command (its own data
# directory: archive-push reads %p relative to it).
ha_backup_archive_command() {
  ha_backup_settings
  backup_archive_command "$(ha_pg_home)/$(ha_pg_name "$1")/data"
}

# Once the cluster has a primary: creates the stanza the first time and checks that WAL
# reaches the repository. A failure leaves the cluster running without backups (a
# warning; `./phonebill backup` tries again).
ha_backup_setup() {
  ha_backup_write_config
  [[ -d $BACKUP_REPO/backup/$BACKUP_STANZA ]] && return 0
  backup_password_file
  if (backup_create_stanza); then
    info "backups: pgBackRest stanza '$BACKUP_STANZA' over ${HA_MEMBERS} members, repository ${BACKUP_REPO#"$ROOT"/}, WAL archived by the primary"
  else
    warn "backups are not set up (see $BACKUP_DIR/log); ./phonebill backup will retry"
  fi
}
