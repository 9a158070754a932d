# shellcheck shell=bash
# deploy/podman/podman.sh — podman as phonebill uses it: the project's containers.conf
# (runc, cgroupfs, no default ulimits) and its own image store under build/podman/, so the
# machine's /etc/containers and /var/lib/containers are left alone. Needs ROOT and
# deploy/common.sh. Entry points: pb_podman, podman_usable.

PODMAN_HOME=${PHONEBILL_PODMAN_HOME:-$ROOT/build/podman}

# Writes the storage.conf (absolute paths, hence generated) once.
podman_prepare() {
  local conf=$PODMAN_HOME/storage.conf
  mkdir -p "$PODMAN_HOME/storage" "$PODMAN_HOME/run"
  if [[ ! -f $conf ]]; then
    cat >"$conf" <<CONF
# Written by ./phonebill (deploy/podman/podman.sh): phonebill's own image store.
[storage]
driver = "overlay"
graphroot = "$PODMAN_HOME/storage"
runroot = "$PODMAN_HOME/run"
CONF
  fi
}

# podman with the project's configuration.
pb_podman() {
  podman_prepare
  CONTAINERS_CONF=$ROOT/deploy/podman/containers.conf \
    CONTAINERS_STORAGE_CONF=$PODMAN_HOME/storage.conf podman "$@"
}

# Prints why podman cannot run containers here (and fails), or nothing (and succeeds).
podman_unusable_reason() {
  # Rootless podman and mmdebstrap's unshare mode need subuid ranges and user namespaces
  # set up by the administrator: not attempted here.
  ((EUID == 0)) || { echo "needs root (rootless podman is not set up by ./phonebill)"; return 0; }
  command -v podman >/dev/null || { echo "podman is not installed"; return 0; }
  command -v runc >/dev/null || { echo "runc is not installed"; return 0; }
  local output
  if ! output=$(pb_podman info --format '{{.Host.OCIRuntime.Name}}' 2>&1); then
    echo "podman info failed: $(tail -n 1 <<<"$output")"
    return 0
  fi
  return 1
}
