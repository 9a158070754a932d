# shellcheck shell=bash
# deploy/images/images.sh — `./phonebill image`: one OCI image per service, built from the
# Release binaries on a Debian 12 root file system that mmdebstrap makes from Debian
# packages (no base image is pulled). The root file system holds only the packages that own
# the binaries' shared libraries (runtime-packages.sh) plus tzdata, and is cached under
# build/images/ by its package list. Needs ROOT, deploy/common.sh, deploy/web.sh,
# deploy/podman/podman.sh. Entry points: cmd_image, build_images.

IMAGE_TAG=${PHONEBILL_IMAGE_TAG:-local}
IMAGE_CACHE=$ROOT/build/images
# The Release binaries; PHONEBILL_RELEASE_DIR points elsewhere (another tree of the same
# code) and skips the build.
release_dir() { echo "${PHONEBILL_RELEASE_DIR:-$ROOT/build/release}"; }
# Inside every image: bin/<service>, and the service's data where the source tree has it.
IMAGE_PREFIX=/opt/phonebill
# The unprivileged account the services run as (also in the manifests' securityContext).
IMAGE_UID=10001

cmd_image() {
  while (($#)); do
    # shellcheck disable=SC2034 # read by install_packages / configure_and_build
    case $1 in
      --skip-install) PHONEBILL_SKIP_INSTALL=1 ;;
      --skip-build) PHONEBILL_SKIP_BUILD=1 ;;
      --tag) IMAGE_TAG=${2:-}; shift ;;
      -h | --help) usage; exit 0 ;;
      *) die "image: unknown option $1 (see ./phonebill --help)" ;;
    esac
    shift
  done
  [[ $IMAGE_TAG =~ ^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$ ]] || die "--tag: not a valid image tag: $IMAGE_TAG"
  step "Checking Debian packages"
  install_packages
  local reason
  if reason=$(podman_unusable_reason); then die "image: $reason"; fi
  build_images
}

# build_images: Release tree, web/dist, root file system, then the five images.
build_images() {
  take_lock "$IMAGE_CACHE/.lock" image
  if [[ -z ${PHONEBILL_RELEASE_DIR:-} ]]; then
    configure_and_build build/release "${PHONEBILL_BUILD_JOBS:-}" \
      -DCMAKE_BUILD_TYPE=Release -DPHONEBILL_TESTS=OFF || die "the Release build failed (see above)"
  else
    info "Release binaries from $PHONEBILL_RELEASE_DIR (PHONEBILL_RELEASE_DIR)"
  fi
  web_prepare || die "the gateway's image needs web/dist: the web app did not build"
  local name binary
  local -a binaries=()
  for name in "${SERVICE_NAMES[@]}"; do
    binary=$(release_dir)/services/$name/$name
    [[ -x $binary ]] || die "$binary is missing: build the Release tree first"
    binaries+=("$binary")
  done
  local rootfs
  rootfs=$(runtime_rootfs "${binaries[@]}")
  local runtime
  runtime=localhost/phonebill-runtime:$(basename "$rootfs" .tar)
  import_rootfs "$rootfs" "$runtime"
  for name in "${SERVICE_NAMES[@]}"; do build_service_image "$name" "$runtime"; done
  build_datastore_images
  # Images a rebuild replaced (untagged now), in our own store only.
  pb_podman image prune --force >/dev/null 2>&1 || true
  step "Images"
  local image
  for name in "${SERVICE_NAMES[@]}" postgres redis; do
    image=localhost/phonebill/$name:$IMAGE_TAG
    info "$image  $(pb_podman image ls --format '{{.Size}}' "$image" | head -n 1)"
  done
  info "shared root file system: $runtime ($(pb_podman image ls --format '{{.Size}}' "$runtime"))"
}

# runtime_rootfs <binary>...: prints the path of the cached root file system tarball for
# these binaries' libraries (runtime-packages.sh) and tzdata (the services compute Seoul
# months, SPEC §0).
runtime_rootfs() {
  local -a packages
  mapfile -t packages < <("$ROOT/deploy/images/runtime-packages.sh" "$@") ||
    die "could not derive the runtime packages"
  ((${#packages[@]})) || die "no runtime packages found for $*"
  rootfs_tarball "${packages[@]}" tzdata
}

# rootfs_tarball <package>...: prints the path of build/images/rootfs-<key>.tar, a Debian
# 12 root file system of these packages and their dependencies, made when missing. The key
# covers the package list and the hook, so a change of either makes a new one.
rootfs_tarball() {
  local key
  key=$({ printf '%s\n' "$@"; cat "$ROOT/deploy/images/rootfs-hook.sh"; } | sha256sum | cut -c1-16)
  local tarball=$IMAGE_CACHE/rootfs-$key.tar
  if [[ -f $tarball && -s $tarball ]]; then
    info "root file system: ${tarball#"$ROOT"/} (cached)" >&2
    echo "$tarball"
    return 0
  fi
  mkdir -p "$IMAGE_CACHE"
  step "mmdebstrap: Debian 12 root file system of $# packages" >&2
  info "$*" >&2
  local log=$IMAGE_CACHE/mmdebstrap.log
  # extract: the packages (and what they depend on) are unpacked, no maintainer script
  # runs, no package manager is installed; the hook (after extraction: the only hook stage
  # of this variant) trims and adds the account.
  if ! mmdebstrap --variant=extract --format=tar --include="$(IFS=,; echo "$*")" \
    --extract-hook="$ROOT/deploy/images/rootfs-hook.sh \"\$1\" $IMAGE_UID" \
    bookworm "$tarball.partial" >"$log" 2>&1; then
    rm -rf "$tarball.partial"
    show_log_tail "$log" >&2
    die "mmdebstrap failed (log ${log#"$ROOT"/})"
  fi
  mv "$tarball.partial" "$tarball"
  echo "$tarball"
}

# import_rootfs <tarball> <image> [podman import --change...]: the tarball as a one-layer
# image, unless it exists.
import_rootfs() {
  local tarball=$1 image=$2
  shift 2
  pb_podman image exists "$image" && return 0
  step "Importing ${tarball#"$ROOT"/} as $image"
  pb_podman import --quiet --change "USER $IMAGE_UID:$IMAGE_UID" --change "WORKDIR /" \
    --change 'ENV LANG=C.UTF-8' "$@" "$tarball" "$image" >/dev/null ||
    die "podman import of $tarball failed"
}

# The local overlay's PostgreSQL and Redis (deploy/kubernetes/overlays/local), made the
# same way: Debian's postgresql-15 (with pg_partman, which the history migrations need:
# docs/history.md) and redis-server, no image pulled.
build_datastore_images() {
  local tarball
  # dash and coreutils: the entry point is a shell script (initdb, then the roles).
  tarball=$(rootfs_tarball postgresql-15 postgresql-15-partman dash coreutils)
  # Named by the tarball's key: a changed package list imports anew.
  import_rootfs "$tarball" "localhost/phonebill-postgres-base:$(basename "$tarball" .tar)"
  local context
  context=$(mktemp -d "$IMAGE_CACHE/context.XXXXXX")
  install -D -m 755 "$ROOT/deploy/images/postgres-entrypoint.sh" "$context/root$IMAGE_PREFIX/bin/postgres-entrypoint"
  image_from_context "$context" "localhost/phonebill-postgres-base:$(basename "$tarball" .tar)" \
    "localhost/phonebill/postgres:$IMAGE_TAG" "$IMAGE_PREFIX/bin/postgres-entrypoint"
  tarball=$(rootfs_tarball redis-server)
  import_rootfs "$tarball" "localhost/phonebill-redis-base:$(basename "$tarball" .tar)" \
    --change 'ENTRYPOINT ["/usr/bin/redis-server"]'
  pb_podman tag "localhost/phonebill-redis-base:$(basename "$tarball" .tar)" "localhost/phonebill/redis:$IMAGE_TAG"
}

# image_from_context <context> <from> <tag> <entrypoint>: COPY root/ / onto <from>.
image_from_context() {
  local context=$1 from=$2 tag=$3 entrypoint=$4
  chmod -R a+rX,go-w "$context/root"
  cat >"$context/Containerfile" <<CONTAINERFILE
FROM $from
COPY root/ /
USER $IMAGE_UID:$IMAGE_UID
ENTRYPOINT ["$entrypoint"]
LABEL org.opencontainers.image.source="deploy/images/images.sh"
CONTAINERFILE
  # Unchanged inputs (files, base image, Containerfile): the existing image is kept.
  local inputs
  inputs=$({ (cd "$context" && find . -type f -print0 | sort -z | xargs -0 sha256sum)
    pb_podman image inspect --format '{{.Id}}' "$from"; } | sha256sum | cut -c1-32)
  echo "LABEL phonebill.inputs=\"$inputs\"" >>"$context/Containerfile"
  if [[ $(pb_podman image inspect --format '{{index .Labels "phonebill.inputs"}}' "$tag" 2>/dev/null) == "$inputs" ]]; then
    info "$tag: up to date"
    rm -rf "$context"
    return 0
  fi
  step "Image $tag"
  local rc=0
  pb_podman build --quiet --pull=never --network=none --layers=false -t "$tag" "$context" >/dev/null || rc=$?
  rm -rf "$context"
  ((rc == 0)) || die "podman build of $tag failed"
}

# build_service_image <service> <runtime image>: the binary, its migrations and (gateway)
# the web app, the OpenAPI document and Swagger UI, on the runtime image.
build_service_image() {
  local name=$1 runtime=$2 context
  context=$(mktemp -d "$IMAGE_CACHE/context.XXXXXX")
  # The layout mirrors the source tree, so services.conf's ${ROOT}/db/<service> and
  # ${ROOT}/docs/openapi.yaml hold with ROOT=/opt/phonebill (deploy/kubernetes/render.sh).
  local image_root=$context/root$IMAGE_PREFIX
  mkdir -p "$image_root/bin"
  cp "$(release_dir)/services/$name/$name" "$image_root/bin/"
  strip --strip-unneeded "$image_root/bin/$name"
  local migrations
  migrations=$(sed -n 's|^PHONEBILL_MIGRATIONS_DIR=${ROOT}/||p' <<<"${SERVICE_LINES[$name]}")
  if [[ -n $migrations ]]; then
    [[ -d $ROOT/$migrations ]] || die "$name: migrations directory $migrations not found"
    mkdir -p "$image_root/$(dirname "$migrations")"
    cp -r "$ROOT/$migrations" "$image_root/$migrations"
  fi
  if [[ $name == gateway ]]; then
    mkdir -p "$image_root/web" "$image_root/docs"
    cp -r "$ROOT/web/dist" "$image_root/web/dist"
    cp "$ROOT/docs/openapi.yaml" "$image_root/docs/openapi.yaml"
    # Swagger UI where the gateway looks by default: beside its binary.
    local swagger
    swagger=$(release_dir)/services/gateway/swagger-ui/node_modules/swagger-ui-dist
    if [[ -d $swagger ]]; then
      mkdir -p "$image_root/bin/swagger-ui/node_modules"
      cp -r "$swagger" "$image_root/bin/swagger-ui/node_modules/"
    fi
  fi
  image_from_context "$context" "$runtime" "localhost/phonebill/$name:$IMAGE_TAG" "$IMAGE_PREFIX/bin/$name"
}
