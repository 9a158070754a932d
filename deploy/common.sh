# shellcheck shell=bash
# deploy/common.sh — shared helpers of ./phonebill: messages, running things as root or
# as the unprivileged database user, installing the Debian packages, building with CMake,
# free ports and local secrets. Sourced by ./phonebill (which sets ROOT); defines
# functions only.

# --- messages -------------------------------------------------------------------------
# shellcheck disable=SC2034 # not every color is used by every command
if [[ -t 1 && -z ${NO_COLOR:-} ]]; then
  C_BOLD=$'\e[1m' C_RED=$'\e[31m' C_GREEN=$'\e[32m' C_YELLOW=$'\e[33m' C_RESET=$'\e[0m'
else
  C_BOLD='' C_RED='' C_GREEN='' C_YELLOW='' C_RESET=''
fi
step() { printf '%s==> %s%s\n' "$C_BOLD" "$*" "$C_RESET"; }
info() { printf '    %s\n' "$*"; }
warn() { printf '%swarning:%s %s\n' "$C_YELLOW" "$C_RESET" "$*" >&2; }
die() { printf '%serror:%s %s\n' "$C_RED" "$C_RESET" "$*" >&2; exit 1; }

# Shows the last lines of a log file, indented, to explain a failure.
show_log_tail() {
  local file=$1 lines=${2:-30}
  if [[ -s $file ]]; then
    printf -- '--- last %s lines of %s ---\n' "$lines" "${file#"$ROOT"/}" >&2
    tail -n "$lines" "$file" >&2
    printf -- '---\n' >&2
  else
    printf '(%s is empty or missing)\n' "${file#"$ROOT"/}" >&2
  fi
}

# True when nobody can answer a prompt (CI, no terminal on stdin).
non_interactive() { [[ ${CI:-} == true || ! -t 0 ]]; }

# --- privileges -----------------------------------------------------------------------
# Runs a command as root: directly when we are root, else through sudo
# (sudo -n when non-interactive, so CI fails fast instead of hanging on a password).
as_root() {
  if ((EUID == 0)); then
    "$@"
  elif command -v sudo >/dev/null; then
    if non_interactive; then sudo -n "$@"; else sudo "$@"; fi
  else
    die "need root for: $* (run as root or install sudo)"
  fi
}

# PostgreSQL refuses to run as root. When we are root it runs as this system user.
PG_SYSTEM_USER=phonebill

# Name of the account that owns and runs PostgreSQL clusters.
pg_owner() { if ((EUID == 0)); then echo "$PG_SYSTEM_USER"; else id -un; fi; }

ensure_pg_system_user() {
  ((EUID == 0)) || return 0
  id -u "$PG_SYSTEM_USER" >/dev/null 2>&1 && return 0
  info "creating system user $PG_SYSTEM_USER (PostgreSQL will not run as root)"
  useradd --system --user-group --home-dir /nonexistent --no-create-home \
    --shell /usr/sbin/nologin "$PG_SYSTEM_USER"
}

# Runs a command as the cluster owner, from / (the owner may not be able to read our cwd).
as_pg_owner() {
  if ((EUID == 0)); then
    (cd / && runuser -u "$PG_SYSTEM_USER" -- "$@")
  else
    (cd / && "$@")
  fi
}

# Gives a directory (recursively) to the cluster owner; a no-op when not root.
chown_to_pg_owner() {
  ((EUID == 0)) || return 0
  chown -R "$PG_SYSTEM_USER:" "$@"
}

# --- Debian packages ------------------------------------------------------------------
PACKAGES_FILE=${PHONEBILL_PACKAGES_FILE:-$ROOT/deploy/debian-packages.txt}
POLICY_RC_D=/usr/sbin/policy-rc.d
POLICY_RC_D_CREATED=0

# Removes the temporary policy-rc.d if we created it (also called from EXIT traps).
remove_policy_rc_d() {
  if ((POLICY_RC_D_CREATED)); then
    as_root rm -f "$POLICY_RC_D" || warn "could not remove $POLICY_RC_D"
    POLICY_RC_D_CREATED=0
  fi
}

apt_get() {
  as_root env DEBIAN_FRONTEND=noninteractive NEEDRESTART_MODE=a apt-get -q \
    -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold "$@" </dev/null
}

# Installs whichever packages of deploy/debian-packages.txt are missing. Runs
# `apt-get update` at most once, and only when the package lists are absent, lack a
# candidate for a missing package, or an install attempt failed (stale lists).
# Distro services (the postgresql and redis-server units) are kept from starting by
# a temporary policy-rc.d that exits 101: ./phonebill runs its own instances.
install_packages() {
  if [[ ${PHONEBILL_SKIP_INSTALL:-0} == 1 ]]; then
    info "package installation skipped (PHONEBILL_SKIP_INSTALL=1 / --skip-install)"
    return 0
  fi
  [[ -f $PACKAGES_FILE ]] || die "package list $PACKAGES_FILE not found"
  local -a wanted=() missing=()
  local pkg
  mapfile -t wanted < <(sed -e 's/#.*//' -e 's/[[:space:]]//g' "$PACKAGES_FILE" | grep -v '^$')
  if ! command -v dpkg-query >/dev/null || ! command -v apt-get >/dev/null; then
    warn "not a Debian system (no dpkg/apt-get): make sure these are installed: ${wanted[*]}"
    return 0
  fi
  # Names that an installed package provides count as present too (NodeSource's nodejs
  # provides npm, which Debian's npm package would conflict with).
  local provided
  provided=$(dpkg-query -W -f='${db:Status-Abbrev}|${Provides}\n' 2>/dev/null |
    awk -F'|' '$1 ~ /^ii/ && $2 != "" {print $2}' | tr ',' '\n' |
    sed -e 's/(.*)//' -e 's/[[:space:]]//g' | sort -u)
  for pkg in "${wanted[@]}"; do
    dpkg-query -W -f='${db:Status-Abbrev}' "$pkg" 2>/dev/null | grep -q '^ii' ||
      grep -qxF -- "$pkg" <<<"$provided" || missing+=("$pkg")
  done
  if ((${#missing[@]} == 0)); then
    info "Debian packages: all ${#wanted[@]} present"
    return 0
  fi
  step "Installing ${#missing[@]} Debian package(s): ${missing[*]}"
  local updated=0
  if ! compgen -G '/var/lib/apt/lists/*_Packages*' >/dev/null ||
    ! packages_have_candidates "${missing[@]}"; then
    apt_get update
    updated=1
  fi
  if [[ ! -e $POLICY_RC_D ]]; then
    as_root sh -c "printf '#!/bin/sh\n# temporary, from phonebill: do not start services\nexit 101\n' > $POLICY_RC_D && chmod 755 $POLICY_RC_D"
    POLICY_RC_D_CREATED=1
  fi
  local rc=0
  apt_get install -y --no-install-recommends "${missing[@]}" || rc=$?
  if ((rc != 0 && updated == 0)); then
    warn "apt-get install failed; refreshing the package lists and retrying once"
    apt_get update && rc=0 && apt_get install -y --no-install-recommends "${missing[@]}" || rc=$?
  fi
  remove_policy_rc_d
  ((rc == 0)) || die "apt-get install failed (exit $rc)"
}

# True when apt knows an installable version of every given package.
packages_have_candidates() {
  local pkg candidate
  for pkg in "$@"; do
    candidate=$(apt-cache policy "$pkg" 2>/dev/null | awk '/Candidate:/ {print $2}')
    [[ -n $candidate && $candidate != "(none)" ]] || return 1
  done
}

# --- build ----------------------------------------------------------------------------
# configure_and_build <build-dir> <jobs or ''> <cmake args...>: configures with Ninja
# (cheap when nothing changed) and builds. ccache is picked up by CMakeLists.txt.
configure_and_build() {
  local dir=$1 jobs=$2
  shift 2
  if [[ ${PHONEBILL_SKIP_BUILD:-0} == 1 ]]; then
    info "build skipped (PHONEBILL_SKIP_BUILD=1 / --skip-build); using what is in $dir"
    return 0
  fi
  local -a ninja_args=(-C "$dir")
  [[ -n $jobs ]] && ninja_args+=(-j "$jobs")
  local launcher="ccache not found: full rebuilds"
  command -v ccache >/dev/null && launcher="ccache on"
  # Paths relative to the checkout and no working-directory hash: a fresh clone elsewhere
  # (CI) and every build tree reuse the same cache entries.
  export CCACHE_BASEDIR=${CCACHE_BASEDIR:-$ROOT} CCACHE_NOHASHDIR=${CCACHE_NOHASHDIR:-1}
  step "Building $dir ($launcher${jobs:+, -j$jobs})"
  cmake -G Ninja -S "$ROOT" -B "$ROOT/$dir" "$@" || return 1
  link_compile_commands
  ninja "${ninja_args[@]}" || return 1
}

# compile_commands.json at the root for editors and clang tools: the sanitizer tree's
# (it has the tests too) when configured, else the Release tree's.
link_compile_commands() {
  local tree
  for tree in build/asan build/release; do
    if [[ -f $ROOT/$tree/compile_commands.json ]]; then
      ln -sfn "$tree/compile_commands.json" "$ROOT/compile_commands.json"
      return 0
    fi
  done
}

# --- processes ------------------------------------------------------------------------
# True when <pid> is a live process. A zombie (killed, not yet reaped by init, which
# can take a moment in containers) counts as gone, unlike with `kill -0`.
process_alive() {
  local stat
  # `read`, not `$(<file)`: the latter on a vanished /proc entry ends a shell running with
  # errexit even inside `||` (tests/deploy/process_alive_test.sh).
  read -r stat 2>/dev/null <"/proc/$1/stat" || return 1
  stat=${stat##*) }
  [[ ${stat%% *} != Z ]]
}

# stop_process <pid> <seconds> <name>: SIGTERM, up to <seconds> for it to exit (a zombie
# counts as gone), then SIGKILL with a warning. For the long-lived processes `up` starts.
stop_process() {
  local pid=$1 seconds=$2 name=$3
  kill -TERM "$pid" 2>/dev/null || true
  local deadline=$((SECONDS + seconds))
  while process_alive "$pid" && ((SECONDS < deadline)); do sleep 0.1; done
  if process_alive "$pid"; then
    warn "$name (pid $pid) did not stop in ${seconds}s: SIGKILL"
    kill -KILL "$pid" 2>/dev/null || true
  fi
}

# take_lock <file> <what>: serialises runs that share a build tree or .run/ (several
# people or agents on one checkout). Blocks with a message while another run holds it.
# Long-lived children must not inherit the descriptor: start them with {LOCK_FD}>&-.
LOCK_FD=9 # closing an fd that is not open is harmless; take_lock sets the real one
take_lock() {
  mkdir -p "$(dirname "$1")"
  exec {LOCK_FD}>"$1"
  if ! flock -n "$LOCK_FD"; then
    info "waiting for another ./phonebill $2 in this checkout to finish..."
    flock "$LOCK_FD"
  fi
}

# --- ports ----------------------------------------------------------------------------
# True when something listens on 127.0.0.1/any address at this TCP port.
port_in_use() {
  [[ -n $(ss -Hltn "sport = :$1" 2>/dev/null) ]]
}

# Prints a loopback TCP port that is free right now (racy by nature: callers retry).
# Picked below the kernel's ephemeral range, where outgoing connections take theirs.
free_port() {
  local low=32768 port tries=0
  read -r low _ </proc/sys/net/ipv4/ip_local_port_range 2>/dev/null || true
  ((low > 12000)) || low=32768
  while ((tries++ < 200)); do
    port=$((10000 + RANDOM % (low - 10000)))
    port_in_use "$port" || { echo "$port"; return 0; }
  done
  die "no free TCP port found"
}

# --- secrets --------------------------------------------------------------------------
# Prints 48 random hex characters (192 bits).
random_hex() { od -An -N24 -tx1 /dev/urandom | tr -d ' \n'; }

# ensure_secret <file>: creates the file (mode 600) with a random value unless present;
# prints the value.
ensure_secret() {
  local file=$1
  if [[ ! -s $file ]]; then
    (umask 077 && random_hex >"$file")
  fi
  chmod 600 "$file"
  cat "$file"
}
