#!/usr/bin/env bash
# `make run`: brings the whole system up locally and keeps it up until Ctrl-C.
#   1. Kafka and Redis (deploy/local/stack.sh up)
#   2. every service binary that is built, each waited for until it serves
#   3. the demo municipality (tools/simulator), when it is built
# Ctrl-C (or `make stop` from another terminal) stops everything it started.
#
# Environment: LOV_BUILD_DIR (default <repo>/build), LOV_RUN_DIR, LOV_KEEP_DATA,
# LOV_SIM_ARGS (extra simulator flags, e.g. --clients=300), the stack's
# port variables (see stack.sh), LOV_<SERVICE>_GRPC_PORT and
# LOV_<SERVICE>_METRICS_PORT per service, LOV_CONSOLE_HTTP_PORT (the
# dashboard, default 8080), LOV_RUN_DETACH=1 to return after
# start-up instead of waiting for Ctrl-C.
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "${SCRIPT_DIR}/../.." && pwd)"
BUILD_DIR="${LOV_BUILD_DIR:-${REPO_ROOT}/build}"
RUN_DIR="${LOV_RUN_DIR:-${REPO_ROOT}/.run}"
export LOV_RUN_DIR="${RUN_DIR}"
STACK="${SCRIPT_DIR}/stack.sh"
READY_TIMEOUT="${LOV_READY_TIMEOUT:-90}"

log() { printf 'run: %s\n' "$*" >&2; }
die() {
  printf 'run: error: %s\n' "$*" >&2
  exit 1
}

# name  binary (in the build dir)         gRPC port  metrics port
SERVICES=(
  "registry   services/registry/registry       50051 9101"
  "choice     services/choice/choice           50052 9102"
  "visits     services/visits/visits           50053 9103"
  "settlement services/settlement/settlement   50054 9104"
  "console    services/console/console         50055 9105"
)

wait_ready() { # NAME METRICS_PORT
  local name="$1" port="$2" deadline=$((SECONDS + READY_TIMEOUT))
  while ((SECONDS < deadline)); do
    if curl -sf "http://127.0.0.1:${port}/readyz" >/dev/null 2>&1; then
      return 0
    fi
    if ! kill -0 "$(cat "${RUN_DIR}/pids/${name}.pid" 2>/dev/null || echo 0)" 2>/dev/null; then
      tail -n 20 "${RUN_DIR}/logs/${name}.log" >&2 || true
      die "${name} stopped during start-up; log: ${RUN_DIR}/logs/${name}.log"
    fi
    sleep 0.2
  done
  tail -n 20 "${RUN_DIR}/logs/${name}.log" >&2 || true
  die "${name} did not become ready within ${READY_TIMEOUT}s; log: ${RUN_DIR}/logs/${name}.log"
}

# The demo municipality is built from scratch each time, so its numbers are
# the simulator's alone; LOV_KEEP_DATA=1 keeps what .run holds instead.
if [[ "${LOV_KEEP_DATA:-0}" != 1 && -x "${BUILD_DIR}/tools/simulator/simulator" ]]; then
  log "starting from an empty Kafka and Redis (LOV_KEEP_DATA=1 keeps the old data)"
  "${STACK}" down --wipe >/dev/null
fi
"${STACK}" up
# shellcheck disable=SC1091
source "${RUN_DIR}/env"

started=()
for line in "${SERVICES[@]}"; do
  read -r name binary grpc metrics <<<"${line}"
  upper="$(tr '[:lower:]' '[:upper:]' <<<"${name}")"
  grpc_var="LOV_${upper}_GRPC_PORT"
  metrics_var="LOV_${upper}_METRICS_PORT"
  grpc="${!grpc_var:-${grpc}}"
  metrics="${!metrics_var:-${metrics}}"
  [[ -x "${BUILD_DIR}/${binary}" ]] || continue
  extra=()
  if [[ "${name}" == console ]]; then
    # The dashboard, and where the console finds the other services' metrics.
    http_port="${LOV_CONSOLE_HTTP_PORT:-8080}"
    extra+=("--http-port=${http_port}")
    for watched in registry:9101 choice:9102 visits:9103 settlement:9104; do
      w_name="${watched%%:*}"
      w_var="LOV_$(tr '[:lower:]' '[:upper:]' <<<"${w_name}")_METRICS_PORT"
      extra+=("--${w_name}-metrics=127.0.0.1:${!w_var:-${watched##*:}}")
    done
  fi
  "${STACK}" start-service "${name}" -- "${BUILD_DIR}/${binary}" \
    "--grpc-port=${grpc}" "--metrics-port=${metrics}" \
    "--kafka-brokers=${LOV_KAFKA_BROKERS}" "--redis-addr=${LOV_REDIS_ADDR}" \
    ${extra[@]+"${extra[@]}"} >&2
  wait_ready "${name}" "${metrics}"
  started+=("${name} grpc=127.0.0.1:${grpc} metrics=http://127.0.0.1:${metrics}/metrics")
  if [[ "${name}" == console ]]; then
    started+=("dashboard http://127.0.0.1:${http_port}/")
  fi
done

echo
echo "LOV choice platform is up."
echo "  kafka  ${LOV_KAFKA_BROKERS}"
echo "  redis  ${LOV_REDIS_ADDR}"
for s in "${started[@]}"; do echo "  ${s}"; done
echo "  logs   ${RUN_DIR}/logs/"

if [[ -x "${BUILD_DIR}/tools/simulator/simulator" ]]; then
  # shellcheck disable=SC2086
  "${BUILD_DIR}/tools/simulator/simulator" --run-dir="${RUN_DIR}" ${LOV_SIM_ARGS:-}
fi

if [[ "${LOV_RUN_DETACH:-0}" == 1 ]]; then
  echo "Detached; stop everything with: make stop"
  exit 0
fi
echo
echo "Press Ctrl-C to stop everything (or run 'make stop' elsewhere)."
trap '"${STACK}" down; exit 0' INT TERM
while "${STACK}" status 2>/dev/null | grep -q running; do sleep 1; done
