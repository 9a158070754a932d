#!/usr/bin/env bash
# tests/deploy/kube-play.sh — "it really runs": builds the images (./phonebill image),
# plays deploy/kubernetes/base plus the local overlay's own resource files with
# `podman kube play` on the host network and the 7xxx ports (kube-play-render.mjs says what
# it adapts and why), with freshly generated Secrets; waits for every /readyz, drives
# login → bill inquiry → plan change → logout through the gateway (flow.mjs), then
# `podman kube down` and removes the volumes and secrets it made.
# Exit 0: passed; 1: failed; 77: skipped (podman cannot run here; the reason is printed).
# Run by ./phonebill test (deploy/test.sh); alone: tests/deploy/kube-play.sh. Needs node.
set -euo pipefail
ROOT=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/../.." && pwd -P)
cd "$ROOT"
source "$ROOT/deploy/common.sh"
source "$ROOT/deploy/service_environment.sh"
source "$ROOT/deploy/services.sh"
source "$ROOT/deploy/web.sh"
source "$ROOT/deploy/podman/podman.sh"
source "$ROOT/deploy/images/images.sh"

IMAGE_TAG=${PHONEBILL_IMAGE_TAG:-kube-play}
WORK=$(mktemp -d -t phonebill-kube-play.XXXXXX)
PLAY=$WORK/play.yaml
PODMAN_SECRETS=()
GATEWAY=http://127.0.0.1:7080
READY_TIMEOUT=${PHONEBILL_KUBE_PLAY_TIMEOUT:-180}

cleanup() {
  local rc=$?
  set +e
  if [[ -f $PLAY ]]; then
    if ((rc != 0)); then
      local container
      for container in $(pb_podman ps -a --format '{{.Names}}' | grep -v -- -infra); do
        printf -- '--- last lines of %s ---\n' "$container" >&2
        pb_podman logs --tail 8 "$container" 2>&1 | cut -c1-300 >&2
      done
    fi
    remove_played
  fi
  ((${#PODMAN_SECRETS[@]})) && pb_podman secret rm "${PODMAN_SECRETS[@]}" >/dev/null 2>&1
  rm -rf "$WORK"
  exit "$rc"
}
trap cleanup EXIT

# kube down, then whatever it left (a pod whose container was restarting, the emptyDir
# volumes), by the names the play file gives them: <deployment>-pod-0, <volume name>.
remove_played() {
  pb_podman kube down "$PLAY" >/dev/null 2>&1 || true
  local pod volume
  for pod in $(awk '/^kind: Deployment/ {d=1} d && /^  name: / {print $2 "-pod-0"; d=0}' "$PLAY"); do
    if pb_podman pod exists "$pod"; then pb_podman pod rm -f "$pod" >/dev/null 2>&1 || true; fi
  done
  for volume in $(grep -B1 'emptyDir:' "$PLAY" | sed -n 's/^ *- name: \(.*\)$/\1/p' | sort -u); do
    pb_podman volume rm -f "$volume" >/dev/null 2>&1 || true
  done
  return 0
}

if reason=$(podman_unusable_reason); then
  echo "kube play test skipped: $reason"
  exit 77
fi
for port in 7080 7081 7082 7083 7084 7180 7432 7379; do
  port_in_use "$port" && die "port $port is in use: the kube play test needs 7080-7084, 7180, 7432, 7379"
done

load_service_table
started=$SECONDS
build_images
echo "images ready in $((SECONDS - started)) s"

step "Secrets (generated for this run)"
b64() { printf '%s' "$1" | base64 -w0; }
declare -A PASSWORDS=([postgres]=$(random_hex))
for name in "${SERVICE_NAMES[@]}"; do
  db=${SVC_DB[$name]}
  [[ $db == - ]] || PASSWORDS[$db]=$(random_hex)
done
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$WORK/signing.pem" 2>/dev/null
openssl pkey -in "$WORK/signing.pem" -pubout -out "$WORK/signing.pub.pem" 2>/dev/null
# The Secrets' files, as a cluster would mount them (kube-play-render.mjs says why they
# are host directories here), readable by the services' user only.
secret_file() { # <secret> <file> <content>
  mkdir -p "$WORK/secrets/$1"
  printf '%s' "$3" >"$WORK/secrets/$1/$2"
}
for db in "${!PASSWORDS[@]}"; do secret_file databases "$db" "${PASSWORDS[$db]}"; done
secret_file auth-signing-key auth-signing-key.pem "$(<"$WORK/signing.pem")"$'\n'
secret_file auth-signing-key auth-signing-key.pub.pem "$(<"$WORK/signing.pub.pem")"$'\n'
# The data-key ring (docs/security.md "Data protection"): 256-bit keys, 64 hex digits.
secret_file data-protection data-key.1 "$(openssl rand -hex 32)"
secret_file data-protection data-index-key "$(openssl rand -hex 32)"
chown -R "$IMAGE_UID:$IMAGE_UID" "$WORK/secrets"
chmod -R u=rX,go= "$WORK/secrets"
chmod 711 "$WORK"
# podman 4.3 resolves an env secretKeyRef only from a podman secret holding a JSON object
# of base64 values (a played Secret is stored as YAML): <service>-database {"url": ...}.
for name in "${SERVICE_NAMES[@]}"; do
  db=${SVC_DB[$name]}
  [[ $db == - ]] && continue
  url="postgresql://$db:${PASSWORDS[$db]}@127.0.0.1:7432/$db"
  pb_podman secret rm "$name-database" >/dev/null 2>&1 || true
  printf '{"url":"%s"}' "$(b64 "$url")" | pb_podman secret create "$name-database" - >/dev/null
  PODMAN_SECRETS+=("$name-database")
done
(cd "$ROOT/tests/deploy" && node kube-play-render.mjs "$ROOT/deploy/kubernetes" "$IMAGE_TAG" "$WORK/secrets") >"$PLAY"

step "podman kube play (base + overlays/local, host network, ports 7xxx)"
# Leftovers of an interrupted run would clash on the pod and volume names.
remove_played
played=$SECONDS
pb_podman kube play "$PLAY" >"$WORK/play.log" 2>&1 || { cat "$WORK/play.log" >&2; die "podman kube play failed"; }
for url in $GATEWAY/readyz http://127.0.0.1:7081/readyz http://127.0.0.1:7082/readyz \
  http://127.0.0.1:7083/readyz http://127.0.0.1:7084/readyz; do
  until [[ $(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "$url") == 200 ]]; do
    ((SECONDS - played < READY_TIMEOUT)) || die "$url not ready after ${READY_TIMEOUT}s"
    sleep 0.5
  done
done
echo "every service ready $((SECONDS - played)) s after podman kube play"
pb_podman ps --format '    {{.Names}}  {{.Image}}  {{.Status}}' | grep -v infra
# What the manifests ask of every container, as podman applied it: a read-only root file
# system and the unprivileged user.
mapfile -t containers < <(pb_podman ps --format '{{.Names}}' | grep -v -- -infra)
((${#containers[@]} == 7)) || die "expected 7 containers, found ${#containers[@]}: ${containers[*]}"
while read -r container readonly user; do
  [[ $readonly == true && $user == 10001* ]] ||
    die "$container: read-only root $readonly, user '$user' (want true, 10001)"
done < <(pb_podman inspect --format '{{.Name}} {{.HostConfig.ReadonlyRootfs}} {{.Config.User}}' "${containers[@]}")
echo "all ${#containers[@]} containers: read-only root file system, user 10001"

step "User flow through the gateway ($GATEWAY)"
(cd "$ROOT/tests/deploy" && node flow.mjs "$GATEWAY")

step "podman kube down"
downed=$SECONDS
pb_podman kube down "$PLAY" >/dev/null
echo "down in $((SECONDS - downed)) s; kube play test passed in $((SECONDS - started)) s"
