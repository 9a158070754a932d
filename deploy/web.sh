# shellcheck shell=bash
# deploy/web.sh — the web app (web/, React + TypeScript + Vite from npm): `npm ci` when
# web/node_modules is missing or older than package-lock.json, and `npm run build` into
# web/dist when the sources changed since the last build. Used by `./phonebill up` and
# `./phonebill test` (and tests/e2e/run). Needs ROOT and deploy/common.sh.

WEB_DIR=${WEB_DIR:-$ROOT/web}

# True when npm and node are usable (Debian packages nodejs + npm).
web_tools_present() { command -v node >/dev/null && command -v npm >/dev/null; }

# npm_ci_when_changed <dir> <what>: npm ci in <dir> when its node_modules is missing or
# its package.json / package-lock.json changed since the last install.
npm_ci_when_changed() {
  local dir=$1 what=$2
  local stamp=$dir/node_modules/.phonebill-installed
  if [[ -f $stamp && $stamp -nt $dir/package-lock.json && $stamp -nt $dir/package.json ]]; then
    return 0
  fi
  step "Installing $what npm packages (npm ci in ${dir#"$ROOT"/})"
  # --ignore-scripts: no package needs its install scripts (esbuild ships its binary as an
  # optional dependency), and none runs arbitrary code on this machine.
  (cd "$dir" && npm ci --no-audit --no-fund --ignore-scripts --loglevel=error) || return 1
  touch "$stamp"
}

# npm ci in web/ when needed (see npm_ci_when_changed).
web_install() {
  web_tools_present || { warn "node/npm not found: the web app is not built"; return 1; }
  npm_ci_when_changed "$WEB_DIR" "the web app's"
}

# Newest modification time (epoch seconds) among the web app's sources.
web_sources_mtime() {
  find "$WEB_DIR/src" "$WEB_DIR/public" "$WEB_DIR/scripts" "$WEB_DIR/index.html" "$WEB_DIR/package.json" \
    "$WEB_DIR/package-lock.json" "$WEB_DIR/vite.config.ts" "$WEB_DIR/tsconfig.json" \
    "$ROOT/docs/openapi.yaml" -type f ! -name '*.gen.ts' -printf '%T@\n' 2>/dev/null |
    sort -n | tail -n 1 | cut -d. -f1
}

# Builds web/dist (type-check against docs/openapi.yaml, then vite) when sources changed.
web_build() {
  local stamp=$WEB_DIR/dist/.phonebill-built newest built=0
  newest=$(web_sources_mtime)
  [[ -f $stamp ]] && built=$(stat -c %Y "$stamp")
  if [[ -f $WEB_DIR/dist/index.html && -n $newest ]] && ((built >= newest)) &&
    [[ ${PHONEBILL_WEB_REBUILD:-0} != 1 ]]; then
    info "web app: web/dist is up to date"
    return 0
  fi
  step "Building the web app (web/dist)"
  (cd "$WEB_DIR" && npm run --silent build) || return 1
  touch "$stamp"
}

# install + build, for `up` and `test`; a failure is reported, not fatal for the back end.
web_prepare() {
  if [[ ${PHONEBILL_SKIP_BUILD:-0} == 1 ]]; then
    info "web app build skipped (--skip-build)"
    return 0
  fi
  if ! web_install || ! web_build; then
    warn "the web app could not be built; the gateway serves a placeholder page at /"
    return 1
  fi
}
