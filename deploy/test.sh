# shellcheck shell=bash
# deploy/test.sh — `./phonebill test`: install, build the Sanitize tree (ASan+UBSan,
# ccache), start a throwaway PostgreSQL and Redis on free loopback ports in a mktemp
# directory, run ctest against them (capturing every API answer the tests see), lint
# docs/openapi.yaml and check the captured answers against it (tests/contract/), the
# deployment artifacts (run_deploy_checks: Kubernetes files and schemas, systemd units,
# podman kube play), then the web end-to-end hook, the scale-out drill, and always clean up.
# Ends with one line "phonebill test: N passed, N failed ..." and a non-zero exit status
# on any failure. Entry point: cmd_test.

TEST_BUILD_DIR=build/asan
TEST_TMP=''
TEST_SESSIONS=() # session ids of ctest / e2e runs: everything in them is killed at exit
TEST_PG_DATA=''
TEST_REDIS_PORT=''
TESTS_PASSED=0
TESTS_FAILED=0
TEST_NOTES=()
TEST_SCALE_STACK=0 # 1 while the scale drill's `./phonebill up` stack runs

cmd_test() {
  local -a ctest_extra=()
  while (($#)); do
    # shellcheck disable=SC2034 # read by install_packages / configure_and_build
    case $1 in
      --skip-install) PHONEBILL_SKIP_INSTALL=1 ;;
      --skip-build) PHONEBILL_SKIP_BUILD=1 ;;
      --) shift; ctest_extra=("$@"); break ;;
      -h | --help) usage; exit 0 ;;
      *) die "test: unknown option $1 (see ./phonebill --help)" ;;
    esac
    shift
  done
  trap test_cleanup EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM
  take_lock "$ROOT/build/.phonebill-test.lock" test

  step "Checking Debian packages"
  install_packages
  if ! configure_and_build "$TEST_BUILD_DIR" "${PHONEBILL_BUILD_JOBS:-2}" -DCMAKE_BUILD_TYPE=Sanitize; then
    TEST_NOTES+=("build failed")
    exit 1
  fi
  [[ -f $ROOT/$TEST_BUILD_DIR/CTestTestfile.cmake ]] ||
    { TEST_NOTES+=("no build in $TEST_BUILD_DIR"); die "$TEST_BUILD_DIR is not configured"; }

  start_test_datastores
  # Sanitizers: leaks are errors, UB aborts the test; callers may override either.
  export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:halt_on_error=1:strict_string_checks=1:check_initialization_order=1:strict_init_order=1:detect_stack_use_after_return=1}
  export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

  # Every response the integration tests read is appended here (tests/support/
  # response_capture.cpp) for the contract check; kept after the run, like the junit file.
  export PHONEBILL_CONTRACT_CAPTURE=$ROOT/$TEST_BUILD_DIR/contract-captures.jsonl
  rm -f "$PHONEBILL_CONTRACT_CAPTURE"
  run_ctest "${ctest_extra[@]}"
  run_contract "${#ctest_extra[@]}"
  run_shellcheck
  run_deploy_checks
  run_e2e
  run_scale_drill
  ((TESTS_FAILED == 0)) || exit 1
}

# PostgreSQL (trust auth, fsync off, as the unprivileged user) and Redis on free ports.
start_test_datastores() {
  step "Starting a throwaway PostgreSQL and Redis"
  pg_find_bin
  ensure_pg_system_user
  TEST_TMP=$(mktemp -d -t phonebill-test.XXXXXX)
  chmod 711 "$TEST_TMP" # the database user must reach its directory inside
  mkdir -p "$TEST_TMP/pg"
  chown_to_pg_owner "$TEST_TMP/pg"
  TEST_PG_DATA=$TEST_TMP/pg/data
  pg_init "$TEST_PG_DATA" trust
  local port attempt
  for attempt in 1 2 3; do
    port=$(free_port)
    pg_configure "$TEST_PG_DATA" "$port" "fsync = off" "synchronous_commit = off" \
      "full_page_writes = off" "log_min_messages = warning"
    # A subshell, so a lost race for the port can be retried on another one.
    (pg_start "$TEST_PG_DATA" "$port" "$TEST_TMP/pg/postgres.log") && break
    ((attempt < 3)) || die "could not start the test PostgreSQL"
    warn "retrying PostgreSQL on another port"
  done
  export PHONEBILL_TEST_PG_DSN="postgresql://postgres@127.0.0.1:$port/postgres"
  for attempt in 1 2 3; do
    TEST_REDIS_PORT=$(free_port)
    # 1024 logical databases: each test process takes its own (tests/support/redis_harness.cpp).
    (redis_start "$TEST_TMP/redis" "$TEST_REDIS_PORT" "$TEST_TMP/redis/redis.pid" \
      "$TEST_TMP/redis/redis.log" --databases 1024) && break
    ((attempt < 3)) || die "could not start the test Redis"
    warn "retrying Redis on another port"
  done
  export PHONEBILL_TEST_REDIS_URL="redis://127.0.0.1:$TEST_REDIS_PORT"
  info "PHONEBILL_TEST_PG_DSN=$PHONEBILL_TEST_PG_DSN"
  info "PHONEBILL_TEST_REDIS_URL=$PHONEBILL_TEST_REDIS_URL"
}

# run_in_session <command...>: runs the command in a session of its own, so that cleanup
# can kill whatever it leaves behind, and waits for it. Waiting in the background keeps
# INT/TERM effective at once (bash defers traps while a foreground child runs).
run_in_session() {
  setsid "$@" </dev/null &
  local pid=$! rc=0
  TEST_SESSIONS+=("$pid") # setsid ran in place: the pid is the session id
  wait "$pid" || rc=$?
  return "$rc"
}

run_ctest() {
  step "Running ctest (${TEST_BUILD_DIR}, -j${PHONEBILL_TEST_JOBS:-2}, ${PHONEBILL_TEST_TIMEOUT:-300}s per test)"
  local log=$TEST_TMP/ctest.log rc=0
  run_in_session ctest --test-dir "$ROOT/$TEST_BUILD_DIR" --output-on-failure --output-log "$log" \
    -j "${PHONEBILL_TEST_JOBS:-2}" --timeout "${PHONEBILL_TEST_TIMEOUT:-300}" --no-tests=error \
    --output-junit "$ROOT/$TEST_BUILD_DIR/ctest-junit.xml" "$@" || rc=$?
  # "95% tests passed, 1 tests failed out of 20"
  local line failed total
  line=$(grep -Eo '[0-9]+ tests? failed out of [0-9]+' "$log" | tail -n 1 || true)
  if [[ -n $line ]]; then
    failed=${line%% *}
    total=${line##* }
    TESTS_PASSED=$((TESTS_PASSED + total - failed))
    TESTS_FAILED=$((TESTS_FAILED + failed))
  fi
  if ((rc != 0)) && [[ -z $line || $failed == 0 ]]; then
    TESTS_FAILED=$((TESTS_FAILED + 1)) # ctest itself failed (no tests, crash, ...)
    TEST_NOTES+=("ctest exit $rc")
  fi
}

# The API contract (tests/contract/, node): `redocly lint` of docs/openapi.yaml, and every
# response captured during ctest validated against it; each counts as one test. A ctest
# selection (-R ...) that captured nothing skips the check; a full run must capture.
run_contract() {
  local selected=$1 dir=$ROOT/tests/contract
  local captures=${PHONEBILL_CONTRACT_CAPTURE:-}
  if ! web_tools_present; then
    TESTS_FAILED=$((TESTS_FAILED + 1))
    TEST_NOTES+=("contract: node/npm not found")
    return 0
  fi
  if ! npm_ci_when_changed "$dir" "the contract check's"; then
    TESTS_FAILED=$((TESTS_FAILED + 1))
    TEST_NOTES+=("contract: npm ci failed")
    return 0
  fi
  step "Linting docs/openapi.yaml (redocly lint)"
  # No telemetry and no update check: the run stays on this machine.
  if (cd "$dir" && REDOCLY_TELEMETRY=off REDOCLY_SUPPRESS_UPDATE_NOTICE=true \
    ./node_modules/.bin/redocly lint --config redocly.yaml --format=stylish \
    "$ROOT/docs/openapi.yaml" 2>&1 | grep -v '[║╔╚]'; exit "${PIPESTATUS[0]}"); then
    TESTS_PASSED=$((TESTS_PASSED + 1))
  else
    TESTS_FAILED=$((TESTS_FAILED + 1))
    TEST_NOTES+=("openapi lint failed")
  fi
  if [[ ! -s $captures ]] && ((selected > 0)); then
    TEST_NOTES+=("contract: nothing captured by this ctest selection")
    return 0
  fi
  step "Checking every captured API answer against docs/openapi.yaml"
  if (cd "$dir" && node check-captures.mjs "$captures" "$ROOT/docs/openapi.yaml"); then
    TESTS_PASSED=$((TESTS_PASSED + 1))
  else
    TESTS_FAILED=$((TESTS_FAILED + 1))
    TEST_NOTES+=("contract check failed")
  fi
}

# Lints ./phonebill, deploy/ and bench/ with shellcheck at warning level (style notes such as
# unquoted numbers are left to review); counts as one test.
run_shellcheck() {
  if ! command -v shellcheck >/dev/null; then
    TESTS_FAILED=$((TESTS_FAILED + 1))
    TEST_NOTES+=("shellcheck: not installed")
    return 0
  fi
  step "Linting the shell scripts (shellcheck)"
  local -a scripts=("$ROOT/phonebill" "$ROOT"/deploy/*.sh "$ROOT"/deploy/*/*.sh "$ROOT"/bench/*.sh
    "$ROOT"/tests/scale/*.sh "$ROOT"/tests/deploy/*.sh)
  if shellcheck --external-sources --source-path=SCRIPTDIR --severity=warning "${scripts[@]}"; then
    TESTS_PASSED=$((TESTS_PASSED + 1))
  else
    TESTS_FAILED=$((TESTS_FAILED + 1))
    TEST_NOTES+=("shellcheck found problems")
  fi
}

# The deployment artifacts (issue 16), each one test: the generated Kubernetes files are
# current (deploy/kubernetes/render.sh --check), every manifest passes the Kubernetes
# schemas (tests/deploy/validate-manifests.mjs), the systemd units pass `systemd-analyze
# verify`, and the images really run under `podman kube play` (tests/deploy/kube-play.sh,
# which builds the Release tree and the images when needed). A check that cannot run here
# (no podman, no systemd-analyze) is skipped with its reason; PHONEBILL_SKIP_KUBE_PLAY=1
# skips the kube play run.
run_deploy_checks() {
  step "Deployment artifacts: generated Kubernetes files, schemas, systemd units"
  deploy_check "kubernetes files current" "$ROOT/deploy/kubernetes/render.sh" --check
  if web_tools_present && npm_ci_when_changed "$ROOT/tests/deploy" "the deployment checks'"; then
    deploy_check "manifest schemas" node "$ROOT/tests/deploy/validate-manifests.mjs" "$ROOT/deploy/kubernetes"
  else
    TESTS_FAILED=$((TESTS_FAILED + 1))
    TEST_NOTES+=("manifest schemas: node/npm ci failed")
  fi
  deploy_check "systemd units" "$ROOT/deploy/systemd/verify.sh"
  if [[ ${PHONEBILL_SKIP_KUBE_PLAY:-0} == 1 ]]; then
    TEST_NOTES+=("kube play skipped: PHONEBILL_SKIP_KUBE_PLAY=1")
    return 0
  fi
  step "Images under podman kube play (tests/deploy/kube-play.sh)"
  deploy_check "kube play" run_in_session "$ROOT/tests/deploy/kube-play.sh"
}

# deploy_check <name> <command...>: one test; exit 77 means skipped (noted, not failed).
deploy_check() {
  local name=$1 rc=0
  shift
  "$@" || rc=$?
  case $rc in
    0) TESTS_PASSED=$((TESTS_PASSED + 1)) ;;
    77) TEST_NOTES+=("$name skipped (see above)") ;;
    *) TESTS_FAILED=$((TESTS_FAILED + 1)); TEST_NOTES+=("$name failed") ;;
  esac
}

# Web end-to-end step (hook). When tests/e2e/run exists and is executable it runs here,
# after ctest, with PHONEBILL_TEST_PG_DSN / PHONEBILL_TEST_REDIS_URL exported, the
# Sanitize build in PHONEBILL_BUILD_DIR and a scratch directory in PHONEBILL_TEST_TMP;
# it starts what it needs and its exit status counts as one test. PHONEBILL_SKIP_E2E=1
# skips it.
run_e2e() {
  local runner=$ROOT/tests/e2e/run
  if [[ ${PHONEBILL_SKIP_E2E:-0} == 1 ]]; then
    TEST_NOTES+=("e2e skipped: PHONEBILL_SKIP_E2E=1")
    return 0
  fi
  if [[ ! -x $runner ]]; then
    TEST_NOTES+=("e2e: no tests/e2e/run yet")
    return 0
  fi
  # npm ci / vite build when web/ changed (tests/e2e/run checks again and fails if it cannot).
  web_prepare || true
  step "Running the web end-to-end tests (tests/e2e/run)"
  mkdir -p "$TEST_TMP/e2e"
  if PHONEBILL_BUILD_DIR=$ROOT/$TEST_BUILD_DIR PHONEBILL_TEST_TMP=$TEST_TMP/e2e \
    run_in_session "$runner"; then
    TESTS_PASSED=$((TESTS_PASSED + 1))
  else
    TESTS_FAILED=$((TESTS_FAILED + 1))
    TEST_NOTES+=("e2e failed")
  fi
}

# The scale-out drill (SPEC §11, issue 14): `./phonebill up --instances 2` (the Release
# tree, HAProxy in front of two gateways, two instances of each service) and
# tests/scale/kill_one.sh under load: kill -9 one instance of each tier in turn, count the
# failed requests, check each rejoins. It needs the fixed ports of `up`, so it is skipped
# when something already answers on 8080 (a stack of this or another checkout) or when
# PHONEBILL_SKIP_SCALE=1. Always ends with `./phonebill down`.
run_scale_drill() {
  if [[ ${PHONEBILL_SKIP_SCALE:-0} == 1 ]]; then
    TEST_NOTES+=("scale drill skipped: PHONEBILL_SKIP_SCALE=1")
    return 0
  fi
  if ! command -v haproxy >/dev/null; then
    TEST_NOTES+=("scale drill skipped: haproxy is not installed")
    return 0
  fi
  if (exec 3<>/dev/tcp/127.0.0.1/8080) 2>/dev/null; then
    TEST_NOTES+=("scale drill skipped: something already listens on 127.0.0.1:8080")
    return 0
  fi
  step "Running the scale-out drill (./phonebill up --instances 2, tests/scale/kill_one.sh)"
  local log=$TEST_TMP/scale-drill.log rc=0
  TEST_SCALE_STACK=1 # test_cleanup stops it if the run is interrupted
  # Logins beyond the gateway's per-address login limit would be refused before auth:
  # the drill raises it so that every login reaches the auth instances it kills.
  if PHONEBILL_GATEWAY_RATE_LOGIN_PER_SECOND=5 PHONEBILL_GATEWAY_RATE_LOGIN_BURST=20 \
    "$ROOT/phonebill" up --instances 2 --skip-install >"$log" 2>&1; then
    PHONEBILL_GATEWAY_RATE_LOGIN_PER_SECOND=5 PHONEBILL_GATEWAY_RATE_LOGIN_BURST=20 \
      "$ROOT/tests/scale/kill_one.sh" 2>&1 | tee -a "$log" || rc=$?
  else
    rc=1
    tail -n 30 "$log"
  fi
  # `down` must stop everything (it once stopped half-way after a killed instance).
  if ! "$ROOT/phonebill" down >>"$log" 2>&1; then
    rc=1
    tail -n 20 "$log"
  fi
  TEST_SCALE_STACK=0
  if ((rc == 0)); then
    TESTS_PASSED=$((TESTS_PASSED + 1))
  else
    TESTS_FAILED=$((TESTS_FAILED + 1))
    TEST_NOTES+=("scale drill failed")
  fi
}

# EXIT trap: kill what the tests left, stop PostgreSQL and Redis, remove the temporary
# directory, print the summary line. Keeps the exit status.
test_cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  set +e
  local sid
  local -a pids
  for sid in "${TEST_SESSIONS[@]}"; do
    mapfile -t pids < <(ps -e -o pid=,sid= | awk -v s="$sid" '$2 == s {print $1}')
    if ((${#pids[@]})); then
      warn "killing leftover test processes: ${pids[*]}"
      kill -KILL "${pids[@]}" 2>/dev/null
    fi
  done
  ((TEST_SCALE_STACK)) && "$ROOT/phonebill" down >/dev/null 2>&1
  [[ -n $TEST_PG_DATA ]] && pg_stop "$TEST_PG_DATA" immediate
  [[ -n $TEST_REDIS_PORT ]] && redis_stop "$TEST_REDIS_PORT" "$TEST_TMP/redis/redis.pid"
  if [[ -n $TEST_TMP && -d $TEST_TMP ]]; then
    # Anything still running from the temporary directory (a harness-started server).
    mapfile -t pids < <(pgrep -f -- "$TEST_TMP/" 2>/dev/null)
    ((${#pids[@]})) && kill -KILL "${pids[@]}" 2>/dev/null
    rm -rf "$TEST_TMP"
  fi
  remove_policy_rc_d
  ((rc != 0 && TESTS_FAILED == 0 && ${#TEST_NOTES[@]} == 0)) && TEST_NOTES+=("aborted, exit $rc")
  local notes='' verdict=OK
  if ((${#TEST_NOTES[@]})); then
    notes=$(printf '; %s' "${TEST_NOTES[@]}")
    notes=" (${notes#; })"
  fi
  ((rc != 0)) && verdict=FAILED
  printf '\n%sphonebill test: %s passed, %s failed, %s%s%s\n' "$C_BOLD" "$TESTS_PASSED" \
    "$TESTS_FAILED" "$verdict" "$notes" "$C_RESET"
  exit "$rc"
}
