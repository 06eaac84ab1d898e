#!/usr/bin/env bash
# The chaos suite (issue 15; docs/reliability.md): the whole system under the
# simulator's load while faults are injected on a schedule, then the log
# checked from Kafka as an outside subscriber, the read-only lov-reader user
# (chaos_check, ledger.h).
#   1. deploy/local/run.sh brings up Kafka, Redis and every service on free
#      ports in a fresh run dir, signing in as make run does (no demo: the
#      build dir it sees has no simulator);
#   2. the load: the simulator (--clients, default 120: a couple of minutes
#      of clients choosing, visits streaming and the month's statements
#      approved), then the same run again and again (same seed and month:
#      every write a retry that must get its first answer), each with
#      --ack-log, until the schedule is over;
#   3. the faults (faults.sh), one after another with a pause between,
#      each logged with its time; a supervisor restarts a service that
#      stopped by itself, as an orchestrator would, and counts it;
#   4. each service's state against a clean rebuild (rebuild.sh): its keys
#      wiped, the service restarted to replay its topics, the two states
#      compared key by key;
#   5. the checks: chaos_check over every event and dead-letter topic and
#      the ack logs; the simulator runs that failed; the outages a service's
#      readiness probe did not report; the keys that differ from a rebuild.
# Prints a summary and exits 0 only if every check held.
#
# Usage: tests/chaos/run.sh [--build-dir=DIR] [--schedule=short|long]
#          [--minutes=N] [--clients=N] [--faults=F1,F2,...] [--keep] [--if-enabled]
#   --schedule=short  a few of the faults once (a few minutes; ctest chaos_short)
#   --schedule=long   every fault, round after round, for --minutes (default 30)
#   --minutes=N       implies --schedule=long
#   --clients=N       clients of the simulator (default 120)
#   --faults=F1,...   these faults once instead of a schedule (names as in
#                     faults.sh's inject; e.g. tamper-registry, which must
#                     make the rebuild comparison fail)
#   --keep            keep the run dir (logs, ack logs, faults.log) also on success
#   --if-enabled      exit 77 (skipped) unless LOV_CHAOS=1 (for ctest)
# The summary is also written to BUILD_DIR/chaos/last-<schedule>.txt.
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
STACK="${REPO_ROOT}/deploy/local/stack.sh"
BUILD_DIR="${REPO_ROOT}/build"
SCHEDULE=short MINUTES=30 CLIENTS=120 KEEP=0 FAULTS=

die() {
  printf 'chaos: error: %s\n' "$*" >&2
  exit 2
}

for arg in "$@"; do
  case "${arg}" in
    --build-dir=*) BUILD_DIR="${arg#*=}" ;;
    --schedule=short | --schedule=long) SCHEDULE="${arg#*=}" ;;
    --minutes=*)
      MINUTES="${arg#*=}"
      SCHEDULE=long
      ;;
    --clients=*) CLIENTS="${arg#*=}" ;;
    --faults=*)
      FAULTS="${arg#*=}"
      SCHEDULE=custom
      ;;
    --keep) KEEP=1 ;;
    --if-enabled)
      if [[ ${LOV_CHAOS:-0} != 1 ]]; then
        echo "chaos: skipped (set LOV_CHAOS=1 to run the chaos suite)"
        exit 77
      fi
      ;;
    *) die "unknown argument '${arg}' (see the comment at the top of $0)" ;;
  esac
done
[[ ${MINUTES} =~ ^[1-9][0-9]*$ ]] || die "--minutes='${MINUTES}' is not a positive number"
[[ ${CLIENTS} =~ ^[1-9][0-9]*$ ]] || die "--clients='${CLIENTS}' is not a positive number"
BUILD_DIR="$(cd "${BUILD_DIR}" && pwd)"
for binary in services/registry/registry services/choice/choice services/visits/visits \
  services/settlement/settlement services/console/console services/audit/audit \
  services/followup/followup \
  tools/simulator/simulator tools/lovctl/lovctl tests/chaos/chaos_check; do
  [[ -x "${BUILD_DIR}/${binary}" ]] || die "${BUILD_DIR}/${binary} is not built"
done

# The faults in order; the long schedule repeats its list until the time is up.
SHORT=(kill-visits kafka-kill redis-restart redis-oom kill-choice kafka-pause replica-visits
  redis-pause rebalance-redis-pause-visits kill-settlement)
LONG=(kill-registry kill-choice kill-visits kill-settlement kill-console kill-audit kill-followup
  kafka-kill kafka-pause redis-restart redis-kill redis-pause redis-oom replica-choice
  replica-visits rebalance-redis-pause-choice rebalance-redis-pause-visits expel-visits
  expel-settlement)
GAP=10 # seconds between two faults

RUN_DIR="$(mktemp -d "${TMPDIR:-/tmp}/lov-chaos.XXXXXX")"
export LOV_RUN_DIR="${RUN_DIR}"
load_pid="" supervisor_pid=""
cleanup() {
  touch "${RUN_DIR}/stop-load" "${RUN_DIR}/stop-supervisor"
  [[ -z ${supervisor_pid} ]] || kill "${supervisor_pid}" 2>/dev/null || true
  if [[ -n ${load_pid} ]]; then
    pkill -P "${load_pid}" 2>/dev/null || true # its simulator
    kill "${load_pid}" 2>/dev/null || true
  fi
  # A paused Kafka or Redis cannot stop.
  kill -CONT "$(cat "${RUN_DIR}/pids/kafka.pid" 2>/dev/null || echo 0)" 2>/dev/null || true
  kill -CONT "$(cat "${RUN_DIR}/pids/redis.pid" 2>/dev/null || echo 0)" 2>/dev/null || true
  if [[ ${KEEP} == 1 || ${RESULT:-1} != 0 ]]; then
    "${STACK}" down >/dev/null 2>&1 || true
    echo "chaos: logs and data (Kafka: kafka/data) kept in ${RUN_DIR}"
  else
    "${STACK}" down --wipe >/dev/null 2>&1 || true
    rm -rf "${RUN_DIR}"
  fi
}
trap cleanup EXIT

# --- 1. the system ----------------------------------------------------------------------
# run.sh starts what the build dir holds: a copy of the binaries without the
# simulator (a copy: others may relink the build dir's while the suite runs).
VIEW="${RUN_DIR}/build-view"
for name in registry choice visits settlement console audit followup; do
  mkdir -p "${VIEW}/services/${name}"
  cp "${BUILD_DIR}/services/${name}/${name}" "${VIEW}/services/${name}/"
done
mkdir -p "${VIEW}/tools/lovctl" "${RUN_DIR}/tools"
cp "${BUILD_DIR}/tools/lovctl/lovctl" "${VIEW}/tools/lovctl/"
cp "${BUILD_DIR}/tools/simulator/simulator" "${BUILD_DIR}/tests/chaos/chaos_check" "${RUN_DIR}/tools/"

unset LOV_INSECURE_NO_AUTH LOV_TOKEN LOV_TOKEN_FILE LOV_DEV_ISSUER_KEY LOV_TEST_ENV_FILE
# shellcheck source=tests/support/run_ports.sh
. "${REPO_ROOT}/tests/support/run_ports.sh"
export_free_run_ports "${STACK}" || die "no free ports"
export LOV_BUILD_DIR="${VIEW}" LOV_RUN_DETACH=1
# Every consumer of the stack (and every replica a fault starts) loses its
# partitions after 10 s without polling (librdkafka's max.poll.interval.ms;
# the session timeout is lowered with it), instead of 5 min: so that the
# fault rebalance-redis-pause-* (a Redis pause longer than that during a
# rebalance) fits in the short schedule.
export LOV_KAFKA_MAX_POLL_INTERVAL_MS="${LOV_KAFKA_MAX_POLL_INTERVAL_MS:-10000}"
# followup publishes provider indicators by itself, on a timer (every
# --indicators-every-seconds, 300 s by default), and choice keeps them. Here
# every 15 s: so that they are published during the load, under the faults,
# and have all been published before the rebuild comparison (see quiet_indicators).
export LOV_INDICATORS_EVERY_SECONDS="${LOV_INDICATORS_EVERY_SECONDS:-15}"
echo "chaos: bringing the system up in ${RUN_DIR}"
if ! "${REPO_ROOT}/deploy/local/run.sh" >"${RUN_DIR}/run.out" 2>&1; then
  tail -n 30 "${RUN_DIR}/run.out" >&2
  die "deploy/local/run.sh failed; see ${RUN_DIR}/run.out"
fi
# shellcheck disable=SC1091
source "${RUN_DIR}/env"
# shellcheck source=tests/chaos/faults.sh
. "${REPO_ROOT}/tests/chaos/faults.sh"
for name in "${SERVICE_NAMES[@]}"; do
  alive "${name}" || die "${name} is not running after deploy/local/run.sh; see ${RUN_DIR}/run.out"
done
remember_services

# --- 2. the load --------------------------------------------------------------------------
mkdir -p "${RUN_DIR}/load"
MONTH="$(date -d "$(date +%Y-%m-15) -1 month" +%Y-%m)" # the last full month, fixed for the reruns
load() {
  local i=0
  while [[ ! -e "${RUN_DIR}/stop-load" ]]; do
    LOV_TLS_CA="${LOV_CERTS_DIR}/ca.crt" LOV_TLS_CLIENT_CERT="${LOV_CERTS_DIR}/clients/system-simulator.crt" \
      LOV_TLS_CLIENT_KEY="${LOV_CERTS_DIR}/clients/system-simulator.key" \
      "${RUN_DIR}/tools/simulator" --registry="127.0.0.1:${LOV_REGISTRY_GRPC_PORT}" \
      --choice="127.0.0.1:${LOV_CHOICE_GRPC_PORT}" --visits="127.0.0.1:${LOV_VISITS_GRPC_PORT}" \
      --settlement="127.0.0.1:${LOV_SETTLEMENT_GRPC_PORT}" --dev-issuer-key="${RUN_DIR}/dev-issuer.jwk" \
      --clients="${CLIENTS}" --threads=4 --month="${MONTH}" \
      --ack-log="${RUN_DIR}/load/${i}.acks" >"${RUN_DIR}/load/${i}.log" 2>&1 && rc=0 || rc=$?
    echo "${rc}" >"${RUN_DIR}/load/${i}.rc"
    note "load: simulator run ${i} exited ${rc}"
    i=$((i + 1))
    sleep 2
  done
}
load &
load_pid=$!
supervise &
supervisor_pid=$!

# --- 3. the faults --------------------------------------------------------------------------
sleep 20 # the load under way
faults=0
if [[ ${SCHEDULE} != long ]]; then
  [[ ${SCHEDULE} == short ]] || IFS=, read -r -a SHORT <<<"${FAULTS}"
  for fault in "${SHORT[@]}"; do
    inject "${fault}" || true
    faults=$((faults + 1))
    sleep "${GAP}"
  done
else
  end=$((SECONDS + MINUTES * 60))
  while ((SECONDS < end)); do
    for fault in "${LONG[@]}"; do
      ((SECONDS < end)) || break
      inject "${fault}" || true
      faults=$((faults + 1))
      sleep "${GAP}"
    done
  done
fi
touch "${RUN_DIR}/stop-load"
echo "chaos: schedule done (${faults} faults); waiting for the simulator's last run"
wait "${load_pid}" || true
load_pid=""
touch "${RUN_DIR}/stop-supervisor"
wait "${supervisor_pid}" || true
supervisor_pid=""

# followup's indicator publications so far (each run that published any).
indicator_publications() {
  cat "${RUN_DIR}"/logs/followup*.log 2>/dev/null | grep -c '"msg":"provider indicators published"' || true
}

# Waits until followup's timer has run once with nothing to publish: a
# window of one period (and 5 s) without a publication. Once the load has
# stopped no event changes the indicators, so nothing is published after
# that. Without this wait a publication could fall between the state
# dumped before a rebuild and the rebuild (rebuild.sh): the rebuilt state
# of choice would then rightly hold indicators the dump did not.
quiet_indicators() {
  local period="${LOV_INDICATORS_EVERY_SECONDS}" seen deadline
  deadline=$((SECONDS + 10 * (period + 5)))
  while ((SECONDS < deadline)); do
    seen="$(indicator_publications)"
    sleep "$((period + 5))"
    [[ "$(indicator_publications)" != "${seen}" ]] || return 0
  done
  note "not quiet: followup still published indicators $((10 * (period + 5))) s after the load"
}
quiet_indicators

# How the services stand once the faults are over: their readiness, and
# what choice says of its zones (the simulator waits for selectable providers).
sleep 5
after="readiness after the schedule:"
for name in "${SERVICE_NAMES[@]}"; do
  after+=" ${name}=$(curl -s -o /dev/null -w '%{http_code}' --max-time 3 --cacert "${LOV_CERTS_DIR}/ca.crt" \
    "https://127.0.0.1:$(flag_of "${name}" metrics-port)/readyz" || true)"
done
(
  # shellcheck disable=SC1091
  . "${RUN_DIR}/lovctl.env"
  "${VIEW}/tools/lovctl/lovctl" login --role case_officer >/dev/null 2>&1
  "${VIEW}/tools/lovctl/lovctl" zone health 2>&1
) >"${RUN_DIR}/zone-health-after.txt" || true

# --- 4. each service's state against a clean rebuild ------------------------------------------
# Before the checks, so that anything a rebuild publishes is checked too.
# shellcheck source=tests/chaos/rebuild.sh
. "${REPO_ROOT}/tests/chaos/rebuild.sh"
echo "chaos: comparing each service's state with a clean rebuild from Kafka"
rebuild_differ="$(compare_all_with_rebuilds)"

# --- 5. the checks ------------------------------------------------------------------------------
topics="$("${STACK}" topics | awk '$1 ~ /\.(events|rejected|dlq)\.v1$/ {print $1}' | paste -sd, -)"
ack_flags=()
for f in "${RUN_DIR}"/load/*.acks; do [[ -e ${f} ]] && ack_flags+=("--ack-log=${f}"); done
check_rc=0
"${RUN_DIR}/tools/chaos_check" --env-file="${RUN_DIR}/env" --topics="${topics}" \
  ${ack_flags[@]+"${ack_flags[@]}"} >"${RUN_DIR}/check.out" 2>"${RUN_DIR}/check.err" || check_rc=$?

runs=0 failed_runs=0
for f in "${RUN_DIR}"/load/*.rc; do
  [[ -e ${f} ]] || continue
  runs=$((runs + 1))
  [[ "$(cat "${f}")" == 0 ]] || failed_runs=$((failed_runs + 1))
done
health_missed="$(grep -c '^missed' "${HEALTH_LOG}" 2>/dev/null || true)"
health_missed="${health_missed:-0}"
health_probes="$(wc -l 2>/dev/null <"${HEALTH_LOG}" || echo 0)"
self_exits=0
[[ ! -e "${RUN_DIR}/self-exits.log" ]] || self_exits="$(wc -l <"${RUN_DIR}/self-exits.log")"
summary="${BUILD_DIR}/chaos/last-${SCHEDULE}.txt"
mkdir -p "$(dirname "${summary}")"
{
  echo "chaos: schedule ${SCHEDULE}$([[ ${SCHEDULE} == long ]] && echo " (${MINUTES} min)")$([[ ${SCHEDULE} == custom ]] && echo " (${FAULTS})"), $(date -u +%FT%TZ)"
  echo "chaos: faults injected: ${faults}"
  grep -E ' (fault|supervisor|health|load|not ready|not quiet):' "${FAULT_LOG}" | sed 's/^/  /'
  echo "chaos: simulator runs: ${runs}, failed: ${failed_runs}"
  for f in "${RUN_DIR}"/load/*.rc; do
    [[ -e ${f} && "$(cat "${f}")" != 0 ]] || continue
    echo "  run $(basename "${f}" .rc): $(grep -m1 '^simulator:' "${f%.rc}.log" || tail -n 1 "${f%.rc}.log")"
  done
  echo "chaos: services that exited by themselves (restarted): ${self_exits}"
  echo "chaos: runs of followup that published provider indicators (every ${LOV_INDICATORS_EVERY_SECONDS} s): $(indicator_publications)"
  if [[ -s "${RUN_DIR}/max-poll.log" ]]; then
    echo "chaos: max.poll.interval.ms (${LOV_KAFKA_MAX_POLL_INTERVAL_MS} ms) exceeded during a Redis pause in a rebalance (log lines):"
    awk '{printf "  %s (Redis paused %s s): %s\n", $1, $2, $3}' "${RUN_DIR}/max-poll.log"
  fi
  if [[ -s "${RUN_DIR}/expelled.log" ]]; then
    echo "chaos: members SIGSTOPped past the session timeout and max.poll.interval.ms (expel-*; log lines):"
    awk '{printf "  %s (stopped %s s): expelled %s%s\n", $1, $2, $3, ($3 == 0 ? " (NOT expelled: the fault missed)" : "")}' \
      "${RUN_DIR}/expelled.log"
  fi
  echo "chaos: ${after}"
  echo "chaos: choice's zone health after the schedule (${RUN_DIR}/zone-health-after.txt):"
  head -n 8 "${RUN_DIR}/zone-health-after.txt" | sed 's/^/  /'
  echo "chaos: outages a readiness probe did not report: ${health_missed} of ${health_probes}"
  echo "chaos: keys that differ from a clean rebuild from Kafka: ${rebuild_differ}"
  cat "${REBUILD_DIR}/summary.txt"
  cat "${RUN_DIR}/check.out"
  [[ ! -s "${RUN_DIR}/check.err" ]] || sed 's/^/  checker: /' "${RUN_DIR}/check.err" | tail -n 5
} | tee "${summary}"

# A process a fault started or restarted that never became ready (e.g. a
# replica that could not listen): the fault did not happen as scheduled.
not_ready="$(grep -c ' not ready: ' "${FAULT_LOG}" 2>/dev/null || true)"
not_ready="${not_ready:-0}"
# A timer that still published after the load: the rebuild comparison may
# have compared states of two different logs.
not_quiet="$(grep -c ' not quiet: ' "${FAULT_LOG}" 2>/dev/null || true)"
not_quiet="${not_quiet:-0}"
# An expel-* fault whose member was not expelled (no log line says so): the
# fault did not happen, so the promise under it was not tested.
not_expelled=0
[[ ! -s "${RUN_DIR}/expelled.log" ]] || not_expelled="$(awk '$3 == 0' "${RUN_DIR}/expelled.log" | wc -l)"
RESULT=0
((check_rc == 0)) || RESULT=1
((not_ready == 0)) || RESULT=1
((not_quiet == 0)) || RESULT=1
((not_expelled == 0)) || RESULT=1
((failed_runs == 0)) || RESULT=1
((health_missed == 0)) || RESULT=1
((rebuild_differ == 0)) || RESULT=1
if ((RESULT == 0)); then
  echo "chaos: PASS"
else
  echo "chaos: FAIL (checker exit ${check_rc}, ${failed_runs} failed simulator runs, ${health_missed} unreported outages, ${rebuild_differ} keys unlike a rebuild, ${not_ready} processes never ready, ${not_quiet} publications after the load, ${not_expelled} expel faults that expelled nobody)"
fi
exit "${RESULT}"
