#!/usr/bin/env bash
# `make run`: brings the whole system up locally and keeps it up until Ctrl-C.
#   1. the local CA and certificates, Kafka and Redis (deploy/local/stack.sh up)
#   2. every service binary that is built, each waited for until it serves:
#      gRPC over TLS on 127.0.0.1, client certificates verified against the
#      local CA
#   3. the demo municipality (tools/simulator), when it is built, with its
#      client certificate (system:simulator)
# It writes $LOV_RUN_DIR/lovctl.env: `. .run/lovctl.env` gives lovctl the CA
# and its client certificate (system:lovctl).
# Ctrl-C (or `make stop` from another terminal) stops everything it started.
#
# Environment: LOV_BUILD_DIR (default <repo>/build), LOV_RUN_DIR, LOV_KEEP_DATA,
# LOV_SIM_ARGS (extra simulator flags, e.g. --clients=300), the stack's
# port variables (see stack.sh), LOV_<SERVICE>_GRPC_PORT and
# LOV_<SERVICE>_METRICS_PORT per service, LOV_CONSOLE_HTTP_PORT (the
# dashboard, default 8080), LOV_RUN_DETACH=1 to return after
# start-up instead of waiting for Ctrl-C.
#
# LOV_RUN_FROM=images (`make run-images`) runs every service and the simulator
# from the container images of deploy/docker/build-images.sh
# (localhost/lov-<name>:$LOV_IMAGE_TAG, default dev) with Podman, on the host
# network, read-only and as uid 10001, with exactly the same flags as the
# binaries get; LOV_RUN_FROM=build (the default) runs the binaries of the
# build dir. The containers see the certificates they need at the same paths
# (a copy readable by uid 10001, without the CA's key).
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "${SCRIPT_DIR}/../.." && pwd)"
BUILD_DIR="${LOV_BUILD_DIR:-${REPO_ROOT}/build}"
RUN_DIR="${LOV_RUN_DIR:-${REPO_ROOT}/.run}"
export LOV_RUN_DIR="${RUN_DIR}"
STACK="${SCRIPT_DIR}/stack.sh"
READY_TIMEOUT="${LOV_READY_TIMEOUT:-90}"
RUN_FROM="${LOV_RUN_FROM:-build}"
IMAGE_TAG="${LOV_IMAGE_TAG:-dev}"

log() { printf 'run: %s\n' "$*" >&2; }
die() {
  printf 'run: error: %s\n' "$*" >&2
  exit 1
}

# name  binary (in the build dir)         gRPC port  metrics port
SERVICES=(
  "audit      services/audit/audit             50056 9106"
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

# COMMAND... for running NAME (a service or the simulator): the binary of the
# build dir or, with LOV_RUN_FROM=images, its image (the client TLS variables
# passed on when set).
command_for() { # NAME BINARY -> the array CMD
  if [[ ${RUN_FROM} == images ]]; then
    CMD=(podman run --rm --replace --name "lov-${1}-$$" --label "lov.run-dir=${RUN_DIR}"
      --network host --read-only --user 10001:10001 --stop-timeout 30
      -v "${IMAGE_CERTS}:${LOV_CERTS_DIR}:ro" -e LOV_TLS_CA -e LOV_TLS_CLIENT_CERT -e LOV_TLS_CLIENT_KEY
      "localhost/lov-${1}:${IMAGE_TAG}")
  else
    CMD=("${BUILD_DIR}/${2}")
  fi
}

case "${RUN_FROM}" in
  build) ;;
  images)
    command -v podman >/dev/null 2>&1 || die "LOV_RUN_FROM=images needs podman; run: deploy/install.sh"
    export CONTAINERS_CONF="${CONTAINERS_CONF:-${REPO_ROOT}/deploy/docker/containers.conf}"
    for name in registry choice visits settlement console audit simulator; do
      podman image exists "localhost/lov-${name}:${IMAGE_TAG}" ||
        die "no image localhost/lov-${name}:${IMAGE_TAG}; build the images first: make images"
    done
    ;;
  *) die "LOV_RUN_FROM='${RUN_FROM}' is neither build nor images" ;;
esac

# The demo municipality is built from scratch each time, so its numbers are
# the simulator's alone; LOV_KEEP_DATA=1 keeps what .run holds instead.
have_simulator=0
[[ ${RUN_FROM} == images || -x "${BUILD_DIR}/tools/simulator/simulator" ]] && have_simulator=1
if [[ "${LOV_KEEP_DATA:-0}" != 1 && ${have_simulator} == 1 ]]; then
  log "starting from an empty Kafka and Redis (LOV_KEEP_DATA=1 keeps the old data)"
  "${STACK}" down --wipe >/dev/null
fi
"${STACK}" up
# shellcheck disable=SC1091
source "${RUN_DIR}/env"
TLS_FLAGS=("--grpc-listen-address=127.0.0.1" "--tls-cert=${LOV_TLS_CERT}" "--tls-key=${LOV_TLS_KEY}"
  "--tls-client-ca=${LOV_TLS_CLIENT_CA}")
# The demo has no identity provider yet: calls are let in without a
# credential (development only; every service logs a warning). With
# LOV_OIDC_JWKS_FILE and LOV_OIDC_ISSUER set, the services check sign-in
# tokens instead (docs/security.md).
AUTH_FLAGS=("--insecure-no-auth=${LOV_INSECURE_NO_AUTH:-true}")

# The containers run as uid 10001, which cannot read the keys (0600, ours):
# they get a copy of what they use, owned by 10001.
IMAGE_CERTS="${RUN_DIR}/certs-images"
if [[ ${RUN_FROM} == images ]]; then
  as_owner=()
  ((EUID == 0)) || as_owner=(podman unshare)
  "${as_owner[@]}" rm -rf "${IMAGE_CERTS}"
  mkdir -p "${IMAGE_CERTS}/clients"
  for f in ca.crt server.crt server.key clients/system-simulator.crt clients/system-simulator.key; do
    cp -p "${LOV_CERTS_DIR}/${f}" "${IMAGE_CERTS}/${f}"
  done
  "${as_owner[@]}" chown -R 10001:10001 "${IMAGE_CERTS}"
fi

# lovctl's settings for the user's shell.
lovctl_env="${RUN_DIR}/lovctl.env"
{
  echo "# . ${lovctl_env}: lovctl (and grpcurl) trust the local CA and connect with lovctl's client certificate (system:lovctl)"
  printf 'export LOV_TLS_CA=%q\n' "${LOV_CERTS_DIR}/ca.crt"
  printf 'export LOV_TLS_CLIENT_CERT=%q\n' "${LOV_CERTS_DIR}/clients/system-lovctl.crt"
  printf 'export LOV_TLS_CLIENT_KEY=%q\n' "${LOV_CERTS_DIR}/clients/system-lovctl.key"
  printf 'export LOV_AUDIT_TARGET=%q\n' "127.0.0.1:${LOV_AUDIT_GRPC_PORT:-50056}"
} >"${lovctl_env}"

started=()
declare -A grpc_port=()
for line in "${SERVICES[@]}"; do
  read -r name binary grpc metrics <<<"${line}"
  upper="$(tr '[:lower:]' '[:upper:]' <<<"${name}")"
  grpc_var="LOV_${upper}_GRPC_PORT"
  metrics_var="LOV_${upper}_METRICS_PORT"
  grpc="${!grpc_var:-${grpc}}"
  metrics="${!metrics_var:-${metrics}}"
  [[ ${RUN_FROM} == images || -x "${BUILD_DIR}/${binary}" ]] || continue
  grpc_port[${name}]="${grpc}"
  command_for "${name}" "${binary}"
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
  "${STACK}" start-service "${name}" -- "${CMD[@]}" \
    "--grpc-port=${grpc}" "--metrics-port=${metrics}" \
    "--kafka-brokers=${LOV_KAFKA_BROKERS}" "--redis-addr=${LOV_REDIS_ADDR}" "${TLS_FLAGS[@]}" \
    "${AUTH_FLAGS[@]}" \
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
echo "  tls    CA ${LOV_CERTS_DIR}/ca.crt; for lovctl: . ${lovctl_env}"

if [[ ${have_simulator} == 1 ]]; then
  command_for simulator tools/simulator/simulator
  # shellcheck disable=SC2086
  LOV_TLS_CA="${LOV_CERTS_DIR}/ca.crt" LOV_TLS_CLIENT_CERT="${LOV_CERTS_DIR}/clients/system-simulator.crt" \
    LOV_TLS_CLIENT_KEY="${LOV_CERTS_DIR}/clients/system-simulator.key" \
    "${CMD[@]}" --registry="127.0.0.1:${grpc_port[registry]}" --choice="127.0.0.1:${grpc_port[choice]}" \
    --visits="127.0.0.1:${grpc_port[visits]}" --settlement="127.0.0.1:${grpc_port[settlement]}" \
    ${LOV_SIM_ARGS:-}
fi

if [[ "${LOV_RUN_DETACH:-0}" == 1 ]]; then
  echo "Detached; stop everything with: make stop"
  exit 0
fi
echo
echo "Press Ctrl-C to stop everything (or run 'make stop' elsewhere)."
trap '"${STACK}" down; exit 0' INT TERM
while "${STACK}" status 2>/dev/null | grep -q running; do sleep 1; done
