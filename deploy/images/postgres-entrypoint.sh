#!/bin/sh
# deploy/images/postgres-entrypoint.sh — entry point of the local overlay's PostgreSQL image
# (localhost/phonebill/postgres): on an empty data directory, initdb and one role and
# database per file of the databases Secret (file name = role = database, content = its
# password, as ./phonebill up provisions them); then postgres in the foreground.
# Runs as the image's unprivileged user; the root file system may be read-only (data, the
# socket in /tmp). Settings: PGDATA, PGPORT, PHONEBILL_PG_LISTEN, PHONEBILL_DATABASE_SECRETS.
set -eu
bin=/usr/lib/postgresql/15/bin
data=${PGDATA:-/var/lib/postgresql/data}
secrets=${PHONEBILL_DATABASE_SECRETS:-/run/secrets/databases}
port=${PGPORT:-5432}

if [ ! -s "$data/PG_VERSION" ]; then
  [ -s "$secrets/postgres" ] || { echo "postgres-entrypoint: no superuser password in $secrets/postgres" >&2; exit 1; }
  # Made aside and renamed when complete: a start that dies half-way leaves no cluster
  # without its roles behind, and the next start begins again.
  building=$data.init
  rm -rf "$building"
  mkdir -p "$building"
  chmod 700 "$building"
  "$bin/initdb" -D "$building" -U postgres -E UTF8 --locale=C.UTF-8 --auth-local=trust \
    --auth-host=scram-sha-256 --pwfile="$secrets/postgres" --no-instructions >/tmp/initdb.log 2>&1 ||
    { cat /tmp/initdb.log >&2; exit 1; }
  # Provisioning over the Unix socket only: nothing listens on the network meanwhile.
  "$bin/pg_ctl" -D "$building" -o "-c listen_addresses='' -c port=$port -k /tmp" -w -s start
  for file in "$secrets"/*; do
    role=$(basename "$file")
    [ "$role" = postgres ] && continue
    # The password travels as a psql variable, never on a command line.
    { printf '\\set role %s\n' "$role"; printf '\\set pw '\''%s'\''\n' "$(cat "$file")"
      cat <<'SQL'
CREATE ROLE :"role" LOGIN PASSWORD :'pw';
CREATE DATABASE :"role" OWNER :"role";
REVOKE CONNECT, TEMPORARY ON DATABASE :"role" FROM PUBLIC;
GRANT CONNECT, TEMPORARY ON DATABASE :"role" TO :"role";
SQL
    } | "$bin/psql" -X -q -v ON_ERROR_STOP=1 -h /tmp -p "$port" -U postgres -d postgres >/dev/null
    # pg_partman is not a trusted extension: the superuser creates it in a schema the role
    # owns, as deploy/datastores.sh does for ./phonebill up (the history migrations use it).
    { printf '\\set role %s\n' "$role"
      cat <<'SQL'
CREATE SCHEMA IF NOT EXISTS partman AUTHORIZATION :"role";
CREATE EXTENSION IF NOT EXISTS pg_partman SCHEMA partman;
GRANT ALL ON ALL TABLES IN SCHEMA partman TO :"role";
GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA partman TO :"role";
GRANT EXECUTE ON ALL PROCEDURES IN SCHEMA partman TO :"role";
SQL
    } | "$bin/psql" -X -q -v ON_ERROR_STOP=1 -h /tmp -p "$port" -U postgres -d "$role" >/dev/null
    echo "postgres-entrypoint: created role and database $role"
  done
  "$bin/pg_ctl" -D "$building" -m fast -w -s stop
  mv "$building" "$data"
fi
exec "$bin/postgres" -D "$data" -c listen_addresses="${PHONEBILL_PG_LISTEN:-*}" -c port="$port" \
  -c unix_socket_directories=/tmp -c max_connections=200 -c log_timezone=UTC
