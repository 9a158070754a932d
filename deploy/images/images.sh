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
# Inside every image: binaries, then each service's data (migrations, web app).
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
  local runtime=localhost/phonebill-runtime:$(basename "$rootfs" .tar)
  if ! pb_podman image exists "$runtime"; then
    step "Importing the root file system as $runtime"
    pb_podman import --quiet \
      --change "USER $IMAGE_UID:$IMAGE_UID" --change "WORKDIR /" \
      --change 'ENV LANG=C.UTF-8' "$rootfs" "$runtime" >/dev/null ||
      die "podman import of $rootfs failed"
  fi
  for name in "${SERVICE_NAMES[@]}"; do build_service_image "$name" "$runtime"; done
  step "Images"
  pb_podman image ls --filter "reference=localhost/phonebill/*:$IMAGE_TAG" \
    --format '    {{.Repository}}:{{.Tag}}  {{.Size}}' | sort
  info "shared root file system: $runtime ($(pb_podman image ls --format '{{.Size}}' "$runtime"))"
}

# runtime_rootfs <binary>...: prints the path of the cached root file system tarball for
# these binaries' libraries, making it with mmdebstrap when missing.
runtime_rootfs() {
  local -a packages
  mapfile -t packages < <("$ROOT/deploy/images/runtime-packages.sh" "$@") ||
    die "could not derive the runtime packages"
  ((${#packages[@]})) || die "no runtime packages found for $*"
  # tzdata: the services compute Seoul months (SPEC §0); the hook is part of the key.
  packages+=(tzdata)
  local key
  key=$({ printf '%s\n' "${packages[@]}"; cat "$ROOT/deploy/images/rootfs-hook.sh"; } |
    sha256sum | cut -c1-16)
  local tarball=$IMAGE_CACHE/rootfs-$key.tar
  if [[ -f $tarball && -s $tarball ]]; then
    info "root file system: ${tarball#"$ROOT"/} (cached)" >&2
    echo "$tarball"
    return 0
  fi
  mkdir -p "$IMAGE_CACHE"
  step "mmdebstrap: Debian 12 root file system of ${#packages[@]} packages" >&2
  info "${packages[*]}" >&2
  local log=$IMAGE_CACHE/mmdebstrap.log
  # extract: the packages (and what they depend on) are unpacked, no maintainer script
  # runs, no shell or package manager is installed; the hook (after extraction: the only
  # hook stage of this variant) trims and adds the account.
  if ! mmdebstrap --variant=extract --format=tar --include="$(IFS=,; echo "${packages[*]}")" \
    --extract-hook="$ROOT/deploy/images/rootfs-hook.sh \"\$1\" $IMAGE_UID" \
    bookworm "$tarball.partial" >"$log" 2>&1; then
    rm -f "$tarball.partial"
    show_log_tail "$log" >&2
    die "mmdebstrap failed (log ${log#"$ROOT"/})"
  fi
  mv "$tarball.partial" "$tarball"
  echo "$tarball"
}

# build_service_image <service> <runtime image>: the binary, its migrations and (gateway)
# the web app, the OpenAPI document and Swagger UI, on the runtime image.
build_service_image() {
  local name=$1 runtime=$2 context
  context=$(mktemp -d "$IMAGE_CACHE/context.XXXXXX")
  mkdir -p "$context/root$IMAGE_PREFIX/bin" "$context/root$IMAGE_PREFIX/share"
  cp "$(release_dir)/services/$name/$name" "$context/root$IMAGE_PREFIX/bin/"
  strip --strip-unneeded "$context/root$IMAGE_PREFIX/bin/$name"
  local db=${SVC_DB[$name]}
  if [[ $db != - ]]; then
    # db/<dir> is the migrations directory of services.conf (db/auth, db/kos, ...).
    local migrations
    migrations=$(sed -n 's|^PHONEBILL_MIGRATIONS_DIR=${ROOT}/||p' <<<"${SERVICE_LINES[$name]}")
    [[ -d $ROOT/$migrations ]] || die "$name: migrations directory $migrations not found"
    cp -r "$ROOT/$migrations" "$context/root$IMAGE_PREFIX/share/migrations"
  fi
  if [[ $name == gateway ]]; then
    cp -r "$ROOT/web/dist" "$context/root$IMAGE_PREFIX/share/web"
    cp "$ROOT/docs/openapi.yaml" "$context/root$IMAGE_PREFIX/share/openapi.yaml"
    local swagger
    swagger=$(release_dir)/services/gateway/swagger-ui/node_modules/swagger-ui-dist
    [[ -d $swagger ]] && cp -r "$swagger" "$context/root$IMAGE_PREFIX/share/swagger-ui"
  fi
  chmod -R a+rX,go-w "$context/root"
  cat >"$context/Containerfile" <<CONTAINERFILE
FROM $runtime
COPY root/ /
USER $IMAGE_UID:$IMAGE_UID
ENTRYPOINT ["$IMAGE_PREFIX/bin/$name"]
LABEL org.opencontainers.image.title="phonebill $name" \\
      org.opencontainers.image.source="deploy/images/images.sh"
CONTAINERFILE
  step "Image localhost/phonebill/$name:$IMAGE_TAG"
  local rc=0
  pb_podman build --quiet --pull=never --network=none --layers=false \
    -t "localhost/phonebill/$name:$IMAGE_TAG" "$context" >/dev/null || rc=$?
  rm -rf "$context"
  ((rc == 0)) || die "podman build of $name failed"
}
