#!/usr/bin/env bash
# `make run`: brings the whole system up locally and keeps it up until Ctrl-C.
#   1. the local CA and certificates, Kafka and Redis (deploy/local/stack.sh up)
#   2. every service binary that is built, each waited for until it serves:
#      gRPC over TLS on 127.0.0.1, client certificates verified against the
#      local CA; the metrics port (/metrics, /healthz, /readyz) over HTTPS
#      with the same certificate (--metrics-tls): curl --cacert
#      $LOV_RUN_DIR/certs/ca.crt https://127.0.0.1:9101/metrics
#   3. the demo municipality (tools/simulator), when it is built, with its
#      client certificate (system:simulator)
# Sign-in: a development token issuer, its key made once per run dir
# ($LOV_RUN_DIR/dev-issuer.jwk, 0600) and its public key set
# ($LOV_RUN_DIR/dev-jwks.json) the only one the services trust; the simulator
# signs its calls with it, role by role. There is no way to run without
# sign-in: with the old LOV_INSECURE_NO_AUTH=true set, run.sh (and every
# service) refuses to start.
# It writes $LOV_RUN_DIR/lovctl.env: `. .run/lovctl.env` gives lovctl the CA,
# its client certificate (system:lovctl) and the issuer key, so that
# `lovctl login --role case_officer` signs the following commands in.
# Ctrl-C (or `make stop` from another terminal) stops everything it started.
#
# Environment: LOV_BUILD_DIR (default <repo>/build), LOV_RUN_DIR, LOV_KEEP_DATA,
# LOV_SIM_ARGS (extra simulator flags, e.g. --clients=300), the stack's
# port variables (see stack.sh), LOV_<SERVICE>_GRPC_PORT and
# LOV_<SERVICE>_METRICS_PORT per service, LOV_CONSOLE_HTTP_PORT (the
# dashboard, default 8080), LOV_CHOICE_HTTP_PORT, LOV_VISITS_HTTP_PORT and
# LOV_SETTLEMENT_HTTP_PORT (HTTP/JSON, docs/http.md; 8452, 8453, 8454),
# LOV_DASHBOARD_OIDC_ISSUER (and LOV_DASHBOARD_OIDC_CLIENT_ID, default
# lov-console; LOV_DASHBOARD_OIDC_REDIRECT_URI, default
# https://127.0.0.1:<dashboard port>/login/callback;
# LOV_DASHBOARD_OIDC_POST_LOGOUT_REDIRECT_URI; LOV_DASHBOARD_OIDC_CA_FILE)
# to let the dashboard sign people in at an identity provider too,
# LOV_RUN_DETACH=1 to return after start-up instead of waiting for Ctrl-C.
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

# The development setting that let calls in without a credential is gone;
# an old shell that still sets it fails here, not in every service.
if [[ -n "${LOV_INSECURE_NO_AUTH:-}" && "${LOV_INSECURE_NO_AUTH}" != false ]]; then
  die "LOV_INSECURE_NO_AUTH=${LOV_INSECURE_NO_AUTH}: this development setting was removed (every call signs in; make run uses a development issuer); unset LOV_INSECURE_NO_AUTH"
fi

# name  binary (in the build dir)         gRPC port  metrics port
SERVICES=(
  "audit      services/audit/audit             50056 9106"
  "registry   services/registry/registry       50051 9101"
  "choice     services/choice/choice           50052 9102"
  "visits     services/visits/visits           50053 9103"
  "settlement services/settlement/settlement   50054 9104"
  "console    services/console/console         50055 9105"
  "followup   services/followup/followup       50057 9107"
)
# The HTTP/JSON port (docs/http.md) of each service with google.api.http
# bindings, the same as in Kubernetes; on 127.0.0.1 with the gRPC port's TLS.
declare -A HTTP_PORTS=([choice]=8452 [visits]=8453 [settlement]=8454)

wait_ready() { # NAME METRICS_PORT
  local name="$1" port="$2" deadline=$((SECONDS + READY_TIMEOUT))
  while ((SECONDS < deadline)); do
    if curl -sf --cacert "${LOV_CERTS_DIR}/ca.crt" "https://127.0.0.1:${port}/readyz" >/dev/null 2>&1; then
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
      -v "${IMAGE_CERTS}:${LOV_CERTS_DIR}:ro" -v "${DEV_JWKS}:${DEV_JWKS}:ro" -e LOV_TLS_CA -e LOV_TLS_CLIENT_CERT -e LOV_TLS_CLIENT_KEY
      -e LOV_PNR_HMAC_KEY -e LOV_PNR_ENCRYPTION_KEY_FILE -e LOV_PROVIDER_ID_KEY
      ${PODMAN_EXTRA[@]+"${PODMAN_EXTRA[@]}"} "localhost/lov-${1}:${IMAGE_TAG}")
  else
    CMD=("${BUILD_DIR}/${2}")
  fi
}

case "${RUN_FROM}" in
  build) ;;
  images)
    command -v podman >/dev/null 2>&1 || die "LOV_RUN_FROM=images needs podman; run: deploy/install.sh"
    export CONTAINERS_CONF="${CONTAINERS_CONF:-${REPO_ROOT}/deploy/docker/containers.conf}"
    for name in registry choice visits settlement console audit followup simulator lovctl; do
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
# The metrics port speaks HTTPS with the service's certificate too, as in
# Kubernetes (docs/security.md).
TLS_FLAGS=("--grpc-listen-address=127.0.0.1" "--tls-cert=${LOV_TLS_CERT}" "--tls-key=${LOV_TLS_KEY}"
  "--tls-client-ca=${LOV_TLS_CLIENT_CA}" "--metrics-tls")
# The development issuer: its key (made on the first run) and the public key
# set the services check tokens against, both written by lovctl login.
DEV_ISSUER_KEY="${RUN_DIR}/dev-issuer.jwk"
DEV_JWKS="${RUN_DIR}/dev-jwks.json"
if [[ ${RUN_FROM} == images ]]; then
  # As root of the user namespace: the files belong to the user, not 10001.
  podman run --rm --network none --read-only --user 0:0 -v "${RUN_DIR}:${RUN_DIR}" \
    "localhost/lov-lovctl:${IMAGE_TAG}" login --issuer-key="${DEV_ISSUER_KEY}" --write-jwks="${DEV_JWKS}"
else
  [[ -x "${BUILD_DIR}/tools/lovctl/lovctl" ]] || die "no ${BUILD_DIR}/tools/lovctl/lovctl to make the sign-in keys; build it first"
  "${BUILD_DIR}/tools/lovctl/lovctl" login --issuer-key="${DEV_ISSUER_KEY}" --write-jwks="${DEV_JWKS}"
fi
AUTH_FLAGS=("--oidc-jwks-file=${DEV_JWKS}" "--oidc-issuer=lov-dev-issuer") # auth::DevIssuer::kIssuer

# A secret key file of 64 hex digits, made once per run dir (what it keys
# lives on in Kafka).
new_key_file() { # FILE
  [[ -s $1 ]] && return 0
  mkdir -p "$(dirname "$1")"
  (umask 077 && openssl rand -hex 32 >"$1")
}
# choice's key-encryption key of the clients' data keys (docs/security.md,
# "Personnummer hygiene"), read from a file as from a mounted Secret.
PNR_ENCRYPTION_KEY="${RUN_DIR}/service-keys/choice-pnr-encryption.key"
new_key_file "${PNR_ENCRYPTION_KEY}"

# The containers run as uid 10001, which cannot read the keys (0600, ours):
# they get a copy of what they use, owned by 10001 (the simulator: the
# issuer's key too).
IMAGE_CERTS="${RUN_DIR}/certs-images"
if [[ ${RUN_FROM} == images ]]; then
  as_owner=()
  ((EUID == 0)) || as_owner=(podman unshare)
  "${as_owner[@]}" rm -rf "${IMAGE_CERTS}"
  mkdir -p "${IMAGE_CERTS}/clients"
  for f in ca.crt server.crt server.key clients/system-simulator.crt clients/system-simulator.key \
    clients/service-console.crt clients/service-console.key; do
    cp -p "${LOV_CERTS_DIR}/${f}" "${IMAGE_CERTS}/${f}"
  done
  cp -p "${DEV_ISSUER_KEY}" "${IMAGE_CERTS}/dev-issuer.jwk"
  cp -p "${PNR_ENCRYPTION_KEY}" "${IMAGE_CERTS}/choice-pnr-encryption.key"
  PNR_ENCRYPTION_KEY="${LOV_CERTS_DIR}/choice-pnr-encryption.key"
  cp -rp "${LOV_SECRETS_DIR}/kafka" "${LOV_SECRETS_DIR}/redis" "${IMAGE_CERTS}/"
  "${as_owner[@]}" chown -R 10001:10001 "${IMAGE_CERTS}"
  SIM_ISSUER_KEY="${LOV_CERTS_DIR}/dev-issuer.jwk"
else
  SIM_ISSUER_KEY="${DEV_ISSUER_KEY}"
fi

# lovctl's settings for the user's shell (each service's address is added
# once it runs).
lovctl_env="${RUN_DIR}/lovctl.env"
{
  echo "# . ${lovctl_env}: lovctl (and grpcurl) trust the local CA and connect with lovctl's client certificate (system:lovctl);"
  echo "# lovctl login --role ROLE [--provider ID] signs in with the development issuer (token in LOV_TOKEN_FILE)"
  printf 'export LOV_TLS_CA=%q\n' "${LOV_CERTS_DIR}/ca.crt"
  printf 'export LOV_TLS_CLIENT_CERT=%q\n' "${LOV_CERTS_DIR}/clients/system-lovctl.crt"
  printf 'export LOV_TLS_CLIENT_KEY=%q\n' "${LOV_CERTS_DIR}/clients/system-lovctl.key"
  printf 'export LOV_DEV_ISSUER_KEY=%q\n' "${DEV_ISSUER_KEY}"
  printf 'export LOV_TOKEN_FILE=%q\n' "${RUN_DIR}/token"
} >"${lovctl_env}"

# Each service connects to Kafka and Redis as its own user (stack.sh made
# them; a container reads the copy of the passwords mounted with the certs).
SECRETS_SEEN="${LOV_SECRETS_DIR}"
[[ ${RUN_FROM} != images ]] || SECRETS_SEEN="${LOV_CERTS_DIR}"
credential_flags() { # NAME -> the array CREDENTIAL_FLAGS
  CREDENTIAL_FLAGS=("--kafka-security-protocol=${LOV_KAFKA_SECURITY_PROTOCOL}"
    "--kafka-sasl-username=lov-${1}" "--kafka-sasl-password-file=${SECRETS_SEEN}/kafka/lov-${1}.password"
    "--kafka-ca=${LOV_CERTS_DIR}/ca.crt"
    "--redis-username=lov-${1}" "--redis-password-file=${SECRETS_SEEN}/redis/lov-${1}.password")
}

# choice's personnummer key and registry's provider-id key (docs/security.md,
# "Personnummer hygiene"): made once per run dir, since what they key lives on
# in Kafka, and given only to the service that needs it, in its environment
# (never on a command line, which others can read in ps).
service_key() { # NAME -> exports the key NAME needs, no other
  unset LOV_PNR_HMAC_KEY LOV_PROVIDER_ID_KEY LOV_PNR_ENCRYPTION_KEY_FILE
  local var file="${RUN_DIR}/service-keys/${1}.key"
  case "$1" in
    choice) var=LOV_PNR_HMAC_KEY ;;
    registry) var=LOV_PROVIDER_ID_KEY ;;
    *) return 0 ;;
  esac
  new_key_file "${file}"
  export "${var}=$(<"${file}")"
  [[ $1 != choice ]] || export LOV_PNR_ENCRYPTION_KEY_FILE="${PNR_ENCRYPTION_KEY}"
}

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
  credential_flags "${name}"
  service_key "${name}"
  extra=()
  if [[ "${name}" == console ]]; then
    # The dashboard (HTTPS with the service certificate, behind sign-in, on
    # 127.0.0.1 only), and where the console finds the other services' metrics.
    http_port="${LOV_CONSOLE_HTTP_PORT:-8080}"
    extra+=("--http-port=${http_port}" "--http-listen-address=127.0.0.1")
    for watched in registry:9101 choice:9102 visits:9103 settlement:9104 followup:9107; do
      w_name="${watched%%:*}"
      w_var="LOV_$(tr '[:lower:]' '[:upper:]' <<<"${w_name}")_METRICS_PORT"
      extra+=("--${w_name}-metrics=127.0.0.1:${!w_var:-${watched##*:}}")
    done
    # The neutrality panel asks choice, the continuity panel's as-of rows
    # follow-up, as the console itself (its client certificate,
    # service:console; docs/dashboard.md).
    extra+=("--choice-target=127.0.0.1:${grpc_port[choice]:-50052}"
      "--followup-target=127.0.0.1:${grpc_port[followup]:-50057}" "--tls-ca=${LOV_CERTS_DIR}/ca.crt"
      "--tls-client-cert=${LOV_CERTS_DIR}/clients/service-console.crt"
      "--tls-client-key=${LOV_CERTS_DIR}/clients/service-console.key")
     # Sign-in at an identity provider on the dashboard besides the
    # development token form, when LOV_DASHBOARD_OIDC_ISSUER names one
    # (README.md, "Signing in"); the services keep trusting the development
    # issuer only.
    if [[ -n ${LOV_DASHBOARD_OIDC_ISSUER:-} ]]; then
      extra+=("--dashboard-oidc-issuer=${LOV_DASHBOARD_OIDC_ISSUER}"
        "--dashboard-oidc-client-id=${LOV_DASHBOARD_OIDC_CLIENT_ID:-lov-console}"
        "--dashboard-oidc-redirect-uri=${LOV_DASHBOARD_OIDC_REDIRECT_URI:-https://127.0.0.1:${http_port}/login/callback}")
      [[ -z ${LOV_DASHBOARD_OIDC_POST_LOGOUT_REDIRECT_URI:-} ]] ||
        extra+=("--dashboard-oidc-post-logout-redirect-uri=${LOV_DASHBOARD_OIDC_POST_LOGOUT_REDIRECT_URI}")
      [[ -z ${LOV_DASHBOARD_OIDC_CA_FILE:-} ]] ||
        extra+=("--dashboard-oidc-ca-file=${LOV_DASHBOARD_OIDC_CA_FILE}")
    fi
  fi
  service_http=""
  if [[ -n ${HTTP_PORTS[${name}]:-} ]]; then
    http_var="LOV_${upper}_HTTP_PORT"
    service_http="${!http_var:-${HTTP_PORTS[${name}]}}"
    extra+=("--http-port=${service_http}")
  fi
  "${STACK}" start-service "${name}" -- "${CMD[@]}" \
    "--grpc-port=${grpc}" "--metrics-port=${metrics}" "--metrics-listen-address=127.0.0.1" \
    "--kafka-brokers=${LOV_KAFKA_BROKERS}" "--redis-addr=${LOV_REDIS_ADDR}" "${TLS_FLAGS[@]}" \
    "${CREDENTIAL_FLAGS[@]}" "${AUTH_FLAGS[@]}" \
    ${extra[@]+"${extra[@]}"} >&2
  wait_ready "${name}" "${metrics}"
  printf 'export LOV_%s_TARGET=%q\n' "${upper}" "127.0.0.1:${grpc}" >>"${lovctl_env}"
  started+=("${name} grpc=127.0.0.1:${grpc} metrics=https://127.0.0.1:${metrics}/metrics${service_http:+ http=https://127.0.0.1:${service_http}/}")
  if [[ "${name}" == console ]]; then
    started+=("dashboard https://127.0.0.1:${http_port}/ (sign in with the token of: . ${RUN_DIR}/lovctl.env; lovctl login --role operator)")
  fi
done

unset LOV_PNR_HMAC_KEY LOV_PROVIDER_ID_KEY LOV_PNR_ENCRYPTION_KEY_FILE

echo
echo "LOV choice platform is up."
echo "  kafka  ${LOV_KAFKA_BROKERS}"
echo "  redis  ${LOV_REDIS_ADDR}"
for s in "${started[@]}"; do echo "  ${s}"; done
echo "  logs   ${RUN_DIR}/logs/"
echo "  tls    CA ${LOV_CERTS_DIR}/ca.crt; for lovctl: . ${lovctl_env}"
echo "  signin . ${lovctl_env}; lovctl login --role case_officer (or registry_officer, finance, operator, auditor, provider --provider ID)"

if [[ ${have_simulator} == 1 ]]; then
  PODMAN_EXTRA=()
  if [[ ${RUN_FROM} == images ]]; then
    # The simulator writes the month-end summary and finance files and the
    # survey CSV under $LOV_RUN_DIR (month-end/, followup/): those two
    # directories, and nothing else of the run dir, are mounted writable for
    # uid 10001 at the same path, and given back to the user afterwards.
    sim_dirs=("${RUN_DIR}/month-end" "${RUN_DIR}/followup")
    mkdir -p "${sim_dirs[@]}"
    "${as_owner[@]}" chown -R 10001:10001 "${sim_dirs[@]}"
    for d in "${sim_dirs[@]}"; do PODMAN_EXTRA+=(-v "${d}:${d}"); done
    PODMAN_EXTRA+=(-e LOV_RUN_DIR)
  fi
  command_for simulator tools/simulator/simulator
  # shellcheck disable=SC2086
  LOV_TLS_CA="${LOV_CERTS_DIR}/ca.crt" LOV_TLS_CLIENT_CERT="${LOV_CERTS_DIR}/clients/system-simulator.crt" \
    LOV_TLS_CLIENT_KEY="${LOV_CERTS_DIR}/clients/system-simulator.key" \
    "${CMD[@]}" --registry="127.0.0.1:${grpc_port[registry]}" --choice="127.0.0.1:${grpc_port[choice]}" \
    --visits="127.0.0.1:${grpc_port[visits]}" --settlement="127.0.0.1:${grpc_port[settlement]}" \
    ${grpc_port[followup]:+"--followup=127.0.0.1:${grpc_port[followup]}"} \
    --dev-issuer-key="${SIM_ISSUER_KEY}" ${LOV_SIM_ARGS:-} || sim_rc=$?
  if [[ ${RUN_FROM} == images ]]; then
    # As root of the user namespace (rootless) or as root: back to the user.
    owner="$(id -u):$(id -g)"
    ((EUID == 0)) || owner=0:0
    "${as_owner[@]}" chown -R "${owner}" "${sim_dirs[@]}"
  fi
  ((${sim_rc:-0} == 0)) || exit "${sim_rc}"
fi

if [[ "${LOV_RUN_DETACH:-0}" == 1 ]]; then
  echo "Detached; stop everything with: make stop"
  exit 0
fi
echo
echo "Press Ctrl-C to stop everything (or run 'make stop' elsewhere)."
trap '"${STACK}" down; exit 0' INT TERM
while "${STACK}" status 2>/dev/null | grep -q running; do sleep 1; done
