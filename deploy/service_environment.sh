# shellcheck shell=bash
# deploy/service_environment.sh — the bash reader of deploy/services.conf, the one
# description of how each service is started: the service table (names in start order
# and their facts) and each service's environment with its placeholders filled. Sourced
# by ./phonebill and bench/lib.sh (needs ROOT and die); defines functions only. The C++
# and JavaScript readers (tests/support/service_environment.*, tests/e2e/
# service_environment.mjs) follow the same rules; tests/support/service_environment_test
# checks that all three agree.

SERVICES_FILE=${PHONEBILL_SERVICES_FILE:-$ROOT/deploy/services.conf}
# shellcheck disable=SC2016 # the literal text that opens a placeholder
PLACEHOLDER_OPEN='${'

# Fills SERVICE_NAMES (file order, without "common"), SERVICE_FACTS[<service>.<fact>]
# and SERVICE_LINES[<service>] (its NAME=value lines, each ending in a newline).
read_service_description() {
  SERVICE_NAMES=()
  declare -gA SERVICE_FACTS=() SERVICE_LINES=()
  local line section='' number=0
  [[ -f $SERVICES_FILE ]] || die "$SERVICES_FILE not found"
  while IFS= read -r line || [[ -n $line ]]; do
    number=$((number + 1))
    [[ -z ${line//[[:space:]]/} || $line == \#* ]] && continue
    if [[ $line =~ ^\[([a-z0-9-]+)\]$ ]]; then
      section=${BASH_REMATCH[1]}
      [[ $section == common ]] || SERVICE_NAMES+=("$section")
      SERVICE_LINES[$section]=${SERVICE_LINES[$section]:-}
    elif [[ -n $section && $line =~ ^([a-z][a-z_]*)=(.*)$ ]]; then
      # shellcheck disable=SC2034 # read by deploy/services.sh
      SERVICE_FACTS[$section.${BASH_REMATCH[1]}]=${BASH_REMATCH[2]}
    elif [[ -n $section && $line =~ ^[A-Z_][A-Z0-9_]*= ]]; then
      SERVICE_LINES[$section]+=$line$'\n'
    else
      die "$SERVICES_FILE:$number: expected [service], fact=value or NAME=value: $line"
    fi
  done <"$SERVICES_FILE"
}

# KOS_SIM for kos-sim: the infix of per-service override variables and of <SERVICE>_URL.
upper_name() { local up=${1^^}; echo "${up//-/_}"; }

# The operator's value of a setting for one service: PHONEBILL_<SERVICE>_<SUFFIX> (for
# example PHONEBILL_KOS_SIM_LOG_LEVEL), else the variable itself, else the default.
setting() {
  local up=$1 key=$2 default=$3
  local per="PHONEBILL_${up}_${key#PHONEBILL_}"
  if [[ -n ${!per:-} ]]; then
    echo "${!per}"
  else
    echo "${!key:-$default}"
  fi
}

# Sets EXPANDED to <template> with ${KEY} and ${KEY:-word} filled from the caller's
# PLACEHOLDERS map; dies naming <where> when a ${KEY} has no value given.
expand_placeholders() {
  local where=$1 rest=$2 out='' key open=$PLACEHOLDER_OPEN
  while [[ $rest == *"$open"* ]]; do
    out+=${rest%%"$open"*}
    rest=${rest#*"$open"}
    [[ $rest =~ ^([A-Z][A-Z0-9_]*)(:-([^\}]*))?\}(.*)$ ]] || die "$where: malformed placeholder"
    key=${BASH_REMATCH[1]}
    if [[ -n ${BASH_REMATCH[2]} ]]; then
      out+=${PLACEHOLDERS[$key]:-${BASH_REMATCH[3]}}
    elif [[ -n ${PLACEHOLDERS[$key]+set} ]]; then
      out+=${PLACEHOLDERS[$key]}
    else
      die "$where needs \${$key}, which its starter did not give"
    fi
    rest=${BASH_REMATCH[4]}
  done
  EXPANDED=$out$rest
}

# service_environment [--operator] <service> [KEY=value]...: fills SERVICE_ENV (NAME=value
# words for env(1)) with the service's environment: [common], then its own section (which
# replaces a common variable of the same name), placeholders filled from the KEY=value
# arguments (ROOT is preset), empty values left out. --operator: a setting (a value without
# placeholders) takes PHONEBILL_<SERVICE>_<SUFFIX> or the variable from our environment.
service_environment() {
  local operator=0
  if [[ $1 == --operator ]]; then operator=1; shift; fi
  local service=$1 assignment line name value open=$PLACEHOLDER_OPEN
  shift
  declare -p SERVICE_LINES >/dev/null 2>&1 || read_service_description
  [[ -n ${SERVICE_LINES[$service]+set} && $service != common ]] ||
    die "$SERVICES_FILE has no service [$service]"
  local -A PLACEHOLDERS=([ROOT]=$ROOT) values=()
  local -a order=()
  for assignment; do PLACEHOLDERS[${assignment%%=*}]=${assignment#*=}; done
  while IFS= read -r line; do
    [[ -n $line ]] || continue
    name=${line%%=*} value=${line#*=}
    if [[ $value == *"$open"* ]]; then
      expand_placeholders "$SERVICES_FILE: [$service] $name" "$value"
      value=$EXPANDED
    elif ((operator)); then
      value=$(setting "$(upper_name "$service")" "$name" "$value")
    fi
    [[ -n ${values[$name]+set} ]] || order+=("$name")
    values[$name]=$value
  done <<<"${SERVICE_LINES[common]}${SERVICE_LINES[$service]}"
  SERVICE_ENV=()
  for name in "${order[@]}"; do
    [[ -n ${values[$name]} ]] && SERVICE_ENV+=("$name=${values[$name]}")
  done
  return 0
}
