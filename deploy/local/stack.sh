#!/usr/bin/env bash
# Local Redis + Kafka (KRaft, single node) for development and integration tests,
# and a minimal supervisor for the services that run against them.
#
#   stack.sh up                          make the local CA and certificates (certs.sh), start
#                                        Redis and Kafka (or reuse the running ones), wait
#                                        until both serve, create deploy/local/topics.txt
#   stack.sh down [--wipe]               stop every process with a pid file (services, then
#                                        Kafka, then Redis); --wipe also deletes the data
#   stack.sh status                      one line per pid file: name, pid, running|dead
#   stack.sh start-service NAME -- CMD [ARGS...]
#                                        run CMD in the background with $LOV_RUN_DIR/env loaded
#   stack.sh stop-service NAME           stop one process started with start-service
#   stack.sh topics                      list the broker's topics ("<topic> <partitions>")
#   stack.sh free-ports N                N distinct free ports on 127.0.0.1, one a line
#
# Environment:
#   LOV_RUN_DIR                (default <repo>/.run)   pids/, logs/, data, env file
#   LOV_TOOLS_DIR              (default <repo>/.tools) Kafka jars from deploy/install.sh
#   LOV_REDIS_PORT             (default 6390)
#   LOV_KAFKA_PORT             (default 9092)
#   LOV_KAFKA_CONTROLLER_PORT  (default 9093)          any port may be 'auto' (a free one;
#                                                      the previous one again when free)
#   LOV_READY_TIMEOUT          (default 90)            seconds to wait for each server
#   LOV_TOPICS_FILE            (default deploy/local/topics.txt)
#   LOV_CERT_IDENTITIES        client certificates to make besides certs.sh's own (KIND:NAME ...)
#
# Kafka listens with SASL_SSL (SCRAM-SHA-512, the broker certificate from certs.sh) and
# Redis with ACL users (the default user is off). Each service has its own user on both,
# lov-<service>, and the tools and tests one more, lov-admin; passwords are random,
# made once per run dir. Kafka authorizes every request as in Kubernetes: the ACLs of
# the KafkaUsers in k8s/base/kafka/users.yaml (a service writes only its own topics,
# reads its upstream ones, uses its own consumer groups), under any --namespace prefix
# (deploy/kafka/LovNamespaceAuthorizer.java); lov-admin is a super user, and lov-reader
# (deploy/kafka/reader-user.yaml) may only read. `up` makes the ACLs exactly those of
# the two files, every time.
#
# Files in $LOV_RUN_DIR:
#   env                  LOV_KAFKA_BROKERS=127.0.0.1:PORT, LOV_REDIS_ADDR=127.0.0.1:PORT,
#                        LOV_CERTS_DIR, the services' TLS settings LOV_TLS_CERT,
#                        LOV_TLS_KEY, LOV_TLS_CLIENT_CA, and a client's credentials (the
#                        lov-admin user): LOV_KAFKA_SECURITY_PROTOCOL,
#                        LOV_KAFKA_SASL_MECHANISM, LOV_KAFKA_SASL_USERNAME,
#                        LOV_KAFKA_SASL_PASSWORD_FILE, LOV_KAFKA_CA, LOV_REDIS_USERNAME,
#                        LOV_REDIS_PASSWORD_FILE, and LOV_SECRETS_DIR (sourceable;
#                        written by `up` once both serve, removed by `down`)
#   kafka-client.properties
#                        librdkafka settings of the read-only lov-reader user (broker
#                        included), for an outside subscriber: kcat -F
#                        .run/kafka-client.properties -C -t TOPIC (0600; written by
#                        `up`, removed by `down`)
#   secrets/             0700: kafka/USER.password and redis/USER.password (0600) per
#                        user, redis/users.acl (Redis's ACL file, hashed passwords;
#                        deploy/redis/users-acl.sh) and kafka-admin.properties (the Java
#                        admin helper's settings); kept by `down --wipe`, like the
#                        certificates
#   certs/               the local CA and certificates (deploy/local/certs.sh; kept by
#                        `down --wipe`)
#   pids/NAME.pid        one pid per process (redis, kafka, services)
#   logs/NAME.log        output of each process; Kafka's own log is kafka/server.log
#   redis/, kafka/data/  data (kept by `down`, deleted by `down --wipe`)
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "${SCRIPT_DIR}/../.." && pwd)"
KAFKA_POM="${REPO_ROOT}/deploy/kafka/pom.xml"
KAFKA_TEMPLATE="${REPO_ROOT}/deploy/kafka/server.properties.template"
KAFKA_LOG4J="${REPO_ROOT}/deploy/kafka/log4j.properties"
KAFKA_ADMIN_SRC="${REPO_ROOT}/deploy/kafka/KafkaAdmin.java"
KAFKA_AUTHORIZER_SRC="${REPO_ROOT}/deploy/kafka/LovNamespaceAuthorizer.java"
# The Kafka users' ACLs: the services' as in Kubernetes, and the local reader's.
KAFKA_ACL_FILES=("${REPO_ROOT}/k8s/base/kafka/users.yaml" "${REPO_ROOT}/deploy/kafka/reader-user.yaml")
REDIS_CONF="${REPO_ROOT}/deploy/redis/redis.conf"
REDIS_USERS="${REPO_ROOT}/deploy/redis/users-acl.sh"
TOPICS_FILE="${LOV_TOPICS_FILE:-${SCRIPT_DIR}/topics.txt}"

RUN_DIR="${LOV_RUN_DIR:-${REPO_ROOT}/.run}"
[[ ${RUN_DIR} == /* ]] || RUN_DIR="${PWD}/${RUN_DIR}"
TOOLS_DIR="${LOV_TOOLS_DIR:-${REPO_ROOT}/.tools}"
[[ ${TOOLS_DIR} == /* ]] || TOOLS_DIR="${PWD}/${TOOLS_DIR}"

PIDS_DIR="${RUN_DIR}/pids"
LOGS_DIR="${RUN_DIR}/logs"
STATE_DIR="${RUN_DIR}/state"
REDIS_DIR="${RUN_DIR}/redis"
KAFKA_HOME="${RUN_DIR}/kafka"
KAFKA_DATA="${KAFKA_HOME}/data"
ENV_FILE="${RUN_DIR}/env"
CERTS_DIR="${RUN_DIR}/certs"
SECRETS_DIR="${RUN_DIR}/secrets"
CLIENT_PROPERTIES="${RUN_DIR}/kafka-client.properties"
# Who connects to Kafka and Redis: one user per service, lov-admin for tools and tests,
# and on Kafka lov-reader for an outside subscriber.
SERVICES=(registry choice visits settlement console audit followup)
ADMIN_USER=lov-admin
READER_USER=lov-reader

STOP_TIMEOUT=30
unset LOV_STACK_ENV # internal switch of launch(), never taken from the caller
KAFKA_HEAP=(-Xms256m -Xmx768m)

log() { printf 'stack: %s\n' "$*" >&2; }
warn() { printf 'stack: warning: %s\n' "$*" >&2; }
die() {
  printf 'stack: error: %s\n' "$*" >&2
  if [[ -n ${UP_HINT:-} ]] && compgen -G "${PIDS_DIR}/*.pid" >/dev/null; then
    printf 'stack: what did start keeps running; %s status / down to see or stop it\n' "$0" >&2
  fi
  exit 1
}

usage() {
  cat >&2 <<'EOF'
usage: stack.sh up
       stack.sh down [--wipe]
       stack.sh status
       stack.sh start-service NAME -- CMD [ARGS...]
       stack.sh stop-service NAME
       stack.sh topics
       stack.sh free-ports N
(see the comment at the top of deploy/local/stack.sh for the environment variables)
EOF
  exit 64
}

# --- processes -------------------------------------------------------------------------
# A pid file holds one pid. Next to it, state/NAME.start holds the process's start time
# (clock ticks since boot, from /proc/PID/stat), so that a pid reused by an unrelated
# process after a crash or reboot is not mistaken for ours. Processes are started as
# leaders of their own process group and stopped as a group, children included.
# (On this kind of machine PID 1 may not reap orphans: a zombie counts as dead.)

PROC_STATE="" PROC_PGID="" PROC_START=""
proc_info() { # PID -> PROC_STATE PROC_PGID PROC_START; fails if there is no such process
  local stat rest
  local -a f
  { read -r stat <"/proc/$1/stat"; } 2>/dev/null || return 1
  rest="${stat##*) }"
  read -r -a f <<<"${rest}"
  PROC_STATE="${f[0]}" PROC_PGID="${f[2]}" PROC_START="${f[19]}"
}

proc_alive() { # PID
  proc_info "$1" && [[ ${PROC_STATE} != Z && ${PROC_STATE} != X ]]
}

group_alive() { # PGID: does any live process belong to this process group?
  local s line rest
  local -a f
  for s in /proc/[0-9]*/stat; do
    { read -r line <"${s}"; } 2>/dev/null || continue
    rest="${line##*) }"
    read -r -a f <<<"${rest}"
    if [[ ${f[2]} == "$1" && ${f[0]} != Z && ${f[0]} != X ]]; then
      return 0
    fi
  done
  return 1
}

pid_file() { printf '%s/%s.pid' "${PIDS_DIR}" "$1"; }
start_file() { printf '%s/%s.start' "${STATE_DIR}" "$1"; }

recorded_pid() { # NAME -> pid from its pid file (fails if none or malformed)
  local pid=""
  { read -r pid <"$(pid_file "$1")"; } 2>/dev/null || true
  [[ ${pid} =~ ^[1-9][0-9]*$ ]] || return 1
  printf '%s' "${pid}"
}

running_pid() { # NAME -> pid if the recorded process is alive and is the one we started
  local pid start=""
  pid="$(recorded_pid "$1")" || return 1
  proc_alive "${pid}" || return 1
  { read -r start <"$(start_file "$1")"; } 2>/dev/null || true
  if [[ -n ${start} && ${start} != "${PROC_START}" ]]; then
    return 1 # the pid now belongs to another process
  fi
  printf '%s' "${pid}"
}

forget() { # NAME
  rm -f "$(pid_file "$1")" "$(start_file "$1")"
}

# Closes every file descriptor of this shell but 0, 1 and 2. A daemon must not
# keep one it inherited: fd 9 (the run-dir lock) would block the next stack.sh,
# and a lock its caller holds, such as the fd of `flock /tmp/lov-test.lock
# ctest`, would stay held by Redis and Kafka after the caller was killed.
close_inherited_fds() {
  local fd
  for fd in /proc/"${BASHPID}"/fd/*; do
    fd="${fd##*/}"
    ((fd > 2)) || continue
    { exec {fd}>&-; } 2>/dev/null || true
  done
}

# launch NAME LOGFILE CMD [ARGS...]: start CMD detached in its own session and process
# group, stdin from /dev/null, output appended to LOGFILE, no other file descriptor
# inherited (close_inherited_fds); records the pid file.
# LOV_STACK_ENV=1 makes it load $ENV_FILE first (for services).
launch() {
  local name="$1" logfile="$2" pid tmp
  shift 2
  mkdir -p "${PIDS_DIR}" "${STATE_DIR}" "${LOGS_DIR}"
  printf '\n=== %s: starting %s: %s\n' "$(date '+%F %T')" "${name}" "$*" >>"${logfile}"
  (
    close_inherited_fds
    if [[ ${LOV_STACK_ENV:-0} == 1 ]]; then
      set -a
      # shellcheck source=/dev/null
      . "${ENV_FILE}"
      set +a
      export LOV_RUN_DIR="${RUN_DIR}"
    fi
    exec setsid "$@"
  ) </dev/null >>"${logfile}" 2>&1 &
  pid=$!
  tmp="$(pid_file "${name}").tmp.$$"
  printf '%s\n' "${pid}" >"${tmp}"
  mv -f "${tmp}" "$(pid_file "${name}")"
  if proc_info "${pid}"; then
    printf '%s\n' "${PROC_START}" >"$(start_file "${name}")"
  else
    rm -f "$(start_file "${name}")"
  fi
  LAUNCHED_PID="${pid}"
}

# stop_names NAME...: SIGTERM all, poll up to STOP_TIMEOUT s, SIGKILL what is left.
stop_names() {
  local name pid left deadline
  local -a names=() pids=()
  for name in "$@"; do
    if pid="$(running_pid "${name}")"; then
      if proc_info "${pid}" && [[ ${PROC_PGID} == "${pid}" ]]; then
        kill -TERM -- "-${pid}" 2>/dev/null || true
      else
        kill -TERM -- "${pid}" 2>/dev/null || true
      fi
      names+=("${name}")
      pids+=("${pid}")
    else
      pid="$(recorded_pid "${name}" || echo '?')"
      log "${name} (pid ${pid}) was not running"
      forget "${name}"
    fi
  done
  ((${#names[@]} > 0)) || return 0

  alive_any() { # sets left to the indexes still alive
    local i
    left=""
    for i in "${!pids[@]}"; do
      if proc_alive "${pids[i]}" || group_alive "${pids[i]}"; then
        left+=" ${i}"
      fi
    done
    [[ -n ${left} ]]
  }

  deadline=$((SECONDS + STOP_TIMEOUT))
  while alive_any && ((SECONDS < deadline)); do
    sleep 0.2
  done
  if alive_any; then
    local i
    for i in ${left}; do
      warn "${names[i]} (pid ${pids[i]}) did not stop within ${STOP_TIMEOUT}s of SIGTERM; sending SIGKILL"
      kill -KILL -- "-${pids[i]}" 2>/dev/null || kill -KILL -- "${pids[i]}" 2>/dev/null || true
    done
    deadline=$((SECONDS + 10))
    while alive_any && ((SECONDS < deadline)); do
      sleep 0.1
    done
  fi
  local i failed=0
  for i in "${!names[@]}"; do
    if proc_alive "${pids[i]}" || group_alive "${pids[i]}"; then
      warn "${names[i]} (pid ${pids[i]}) is still alive after SIGKILL; pid file kept"
      failed=1
    else
      forget "${names[i]}"
      echo "stopped ${names[i]} (pid ${pids[i]})"
    fi
  done
  return "${failed}"
}

lock_run_dir() {
  mkdir -p "${RUN_DIR}"
  exec 9>"${RUN_DIR}/.lock"
  flock -w 300 9 || die "another stack.sh has held ${RUN_DIR}/.lock for 5 minutes"
}

# --- ports -----------------------------------------------------------------------------

port_value() { # VAR DEFAULT -> validated value ("auto" or a port number)
  local var="$1" value="${!1:-$2}"
  if [[ ${value} == auto ]]; then
    printf 'auto'
  elif [[ ${value} =~ ^[0-9]{1,5}$ ]] && ((10#${value} >= 1 && 10#${value} <= 65535)); then
    printf '%d' "$((10#${value}))"
  else
    die "${var}='${value}' is not a valid port: use a number from 1 to 65535, or 'auto' for a free port"
  fi
}

port_free() { # PORT: can we listen on 127.0.0.1:PORT?
  if command -v python3 >/dev/null 2>&1; then
    python3 - "$1" <<'EOF'
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
try:
    s.bind(("127.0.0.1", int(sys.argv[1])))
    s.listen(1)
except OSError:
    sys.exit(1)
EOF
  else
    if (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; then
      return 1 # something accepts connections there
    fi
  fi
}

pick_free_port() { # EXCLUDED... -> a port nobody listens on
  local port tries
  for ((tries = 0; tries < 100; tries++)); do
    if command -v python3 >/dev/null 2>&1; then
      port="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
    else
      port=$((20000 + RANDOM % 40000))
      port_free "${port}" || continue
    fi
    [[ " $* " == *" ${port} "* ]] || {
      printf '%s' "${port}"
      return 0
    }
  done
  die "could not find a free port on 127.0.0.1"
}

# resolve_port VAR VALUE STATE_NAME EXCLUDED... -> the port to use
resolve_port() {
  local var="$1" value="$2" state="${STATE_DIR}/$3.port" prev=""
  shift 3
  if [[ ${value} == auto ]]; then
    { read -r prev <"${state}"; } 2>/dev/null || true
    if [[ ${prev} =~ ^[0-9]+$ && " $* " != *" ${prev} "* ]] && port_free "${prev}"; then
      printf '%s' "${prev}"
    else
      pick_free_port "$@"
    fi
  else
    port_free "${value}" ||
      die "port ${value} (${var}) is already in use by another process; set ${var} to a free port, or to 'auto'"
    printf '%s' "${value}"
  fi
}

# --- kafka -------------------------------------------------------------------------------

kafka_version() {
  local v
  v="$(sed -n 's:.*<kafka\.version>[[:space:]]*\([^<[:space:]]*\)[[:space:]]*</kafka\.version>.*:\1:p' "${KAFKA_POM}" | head -n 1)"
  [[ -n ${v} ]] || die "no <kafka.version> property in ${KAFKA_POM}"
  printf '%s' "${v}"
}

KAFKA_DIR=""
require_kafka_jars() {
  local v
  v="$(kafka_version)"
  KAFKA_DIR="${TOOLS_DIR}/kafka-${v}"
  [[ -f "${KAFKA_DIR}/kafka_2.13-${v}.jar" ]] ||
    die "Kafka ${v} jars not found in ${KAFKA_DIR}; run deploy/install.sh"
}

# Compiles deploy/kafka/KafkaAdmin.java and the broker's authorizer
# (LovNamespaceAuthorizer.java) once per source version into
# $LOV_TOOLS_DIR/kafka-admin/<hash>/; ADMIN_CP is the class path of both.
ADMIN_CP=""
build_admin() {
  local hash dir tmp
  hash="$({
    cat "${KAFKA_ADMIN_SRC}" "${KAFKA_AUTHORIZER_SRC}"
    printf '%s\n' "${KAFKA_DIR}"
  } | sha256sum | cut -c1-16)"
  dir="${TOOLS_DIR}/kafka-admin/${hash}"
  if [[ ! -f "${dir}/KafkaAdmin.class" || ! -f "${dir}/LovNamespaceAuthorizer.class" ]]; then
    command -v javac >/dev/null 2>&1 || die "javac not found (a JDK is needed); run deploy/install.sh"
    mkdir -p "${TOOLS_DIR}/kafka-admin" "${LOGS_DIR}"
    tmp="$(mktemp -d "${TOOLS_DIR}/kafka-admin/.tmp.XXXXXX")"
    if ! javac -nowarn -encoding UTF-8 -d "${tmp}" -cp "${KAFKA_DIR}/*" "${KAFKA_ADMIN_SRC}" \
      "${KAFKA_AUTHORIZER_SRC}" >"${LOGS_DIR}/kafka-admin-build.log" 2>&1; then
      rm -rf "${tmp}"
      die "compiling ${KAFKA_ADMIN_SRC} and ${KAFKA_AUTHORIZER_SRC} failed; see ${LOGS_DIR}/kafka-admin-build.log"
    fi
    mv -T "${tmp}" "${dir}" 2>/dev/null || rm -rf "${tmp}" # lost a race: the other copy is fine
    log "built the Kafka admin helper (${dir})"
  fi
  ADMIN_CP="${dir}:${KAFKA_DIR}/*"
}

kafka_admin() { # BOOTSTRAP ARGS...
  KAFKA_ADMIN_CONFIG="${SECRETS_DIR}/kafka-admin.properties" java -Xshare:auto -XX:TieredStopAtLevel=1 -Xmx128m -cp "${ADMIN_CP}" KafkaAdmin "$@"
}

render_kafka_config() { # KAFKA_PORT CONTROLLER_PORT
  local t tmp
  t="$(<"${KAFKA_TEMPLATE}")"
  t="${t//@KAFKA_PORT@/"$1"}"
  t="${t//@CONTROLLER_PORT@/"$2"}"
  t="${t//@DATA_DIR@/"${KAFKA_DATA}"}"
  t="${t//@CERTS_DIR@/"${CERTS_DIR}"}"
  t="${t//@ADMIN_PASSWORD@/"$(password_of kafka "${ADMIN_USER}")"}"
  tmp="${KAFKA_HOME}/server.properties.tmp.$$"
  (umask 077 && printf '%s\n' "${t}" >"${tmp}")
  mv -f "${tmp}" "${KAFKA_HOME}/server.properties"
}

kafka_java_opts() {
  printf '%s\n' "-Dlog4j.configuration=file:${KAFKA_LOG4J}" "-Dkafka.logs.dir=${KAFKA_HOME}"
}

# The admin user is made with the storage: the broker logs in as it on its own listener.
format_kafka_storage() {
  local uuid flog="${LOGS_DIR}/kafka-format.log"
  local -a opts
  if [[ -f "${KAFKA_DATA}/meta.properties" ]]; then
    [[ -f "${KAFKA_HOME}/scram-users" ]] ||
      die "the Kafka data in ${KAFKA_DATA} was made before SASL (no SCRAM users); run '$0 down --wipe' once"
    return 0
  fi
  mapfile -t opts < <(kafka_java_opts)
  uuid="$(java "${opts[@]}" -cp "${KAFKA_DIR}/*" kafka.tools.StorageTool random-uuid 2>>"${flog}")" ||
    die "kafka.tools.StorageTool random-uuid failed; see ${flog}"
  java "${opts[@]}" -cp "${KAFKA_DIR}/*" kafka.tools.StorageTool format -t "${uuid}" \
    -c "${KAFKA_HOME}/server.properties" \
    --add-scram "SCRAM-SHA-512=[name=${ADMIN_USER},password=$(password_of kafka "${ADMIN_USER}")]" \
    >>"${flog}" 2>&1 || die "formatting the Kafka storage in ${KAFKA_DATA} failed; see ${flog}"
  printf '%s\n' "${ADMIN_USER}" >"${KAFKA_HOME}/scram-users"
  log "formatted Kafka storage in ${KAFKA_DATA} (cluster id ${uuid})"
}

# --- credentials ---------------------------------------------------------------------------

password_file() { printf '%s/%s/%s.password' "${SECRETS_DIR}" "$1" "$2"; } # SYSTEM USER
password_of() { cat "$(password_file "$1" "$2")"; }

# Makes what is missing: a random password per Kafka user (0600), the Redis users and
# their ACL file (deploy/redis/users-acl.sh), the admin helper's Kafka client settings.
ensure_secrets() {
  local user f
  (umask 077 && mkdir -p "${SECRETS_DIR}/kafka")
  chmod 0700 "${SECRETS_DIR}"
  for user in "${ADMIN_USER}" "${READER_USER}" "${SERVICES[@]/#/lov-}"; do
    f="$(password_file kafka "${user}")"
    [[ -s ${f} ]] && continue
    (umask 077 && openssl rand -hex 24 >"${f}.tmp.$$" && mv -f "${f}.tmp.$$" "${f}") ||
      die "making the password ${f} failed"
  done
  "${REDIS_USERS}" "${SECRETS_DIR}/redis" || die "making the Redis users in ${SECRETS_DIR}/redis failed"
  write_kafka_admin_settings
}

write_kafka_admin_settings() {
  local admin_password tmp
  admin_password="$(password_of kafka "${ADMIN_USER}")"
  tmp="${SECRETS_DIR}/kafka-admin.properties.tmp.$$"
  (umask 077 && cat >"${tmp}") <<EOF
security.protocol=SASL_SSL
sasl.mechanism=SCRAM-SHA-512
sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="${ADMIN_USER}" password="${admin_password}";
ssl.truststore.type=PEM
ssl.truststore.location=${CERTS_DIR}/ca.crt
EOF
  mv -f "${tmp}" "${SECRETS_DIR}/kafka-admin.properties"
}

write_subscriber_settings() { # KAFKA_PORT
  local tmp="${CLIENT_PROPERTIES}.tmp.$$"
  (umask 077 && cat >"${tmp}") <<EOF
# librdkafka settings of the read-only ${READER_USER} user of this run dir
# (deploy/local/stack.sh writes them), for an outside subscriber:
#   kcat -F ${CLIENT_PROPERTIES} -C -t lov.choice.events.v1
# (a consumer group of its own must start with "reader": kcat -G reader-me ...)
bootstrap.servers=127.0.0.1:$1
security.protocol=SASL_SSL
sasl.mechanisms=SCRAM-SHA-512
sasl.username=${READER_USER}
sasl.password=$(password_of kafka "${READER_USER}")
ssl.ca.location=${CERTS_DIR}/ca.crt
EOF
  mv -f "${tmp}" "${CLIENT_PROPERTIES}"
}

redis_admin_cli() { # PORT ARGS...: redis-cli as the admin user (password from the environment)
  local port="$1"
  shift
  REDISCLI_AUTH="$(password_of redis "${ADMIN_USER}")" redis-cli -h 127.0.0.1 -p "${port}" \
    --user "${ADMIN_USER}" "$@"
}

# --- commands ------------------------------------------------------------------------------

read_state_port() { # NAME -> recorded port of a running server
  local p=""
  { read -r p <"${STATE_DIR}/$1.port"; } 2>/dev/null || true
  [[ ${p} =~ ^[0-9]+$ ]] || return 1
  printf '%s' "${p}"
}

cmd_up() {
  local redis_req kafka_req ctrl_req timeout
  redis_req="$(port_value LOV_REDIS_PORT 6390)"
  kafka_req="$(port_value LOV_KAFKA_PORT 9092)"
  ctrl_req="$(port_value LOV_KAFKA_CONTROLLER_PORT 9093)"
  timeout="${LOV_READY_TIMEOUT:-90}"
  [[ ${timeout} =~ ^[1-9][0-9]*$ ]] || die "LOV_READY_TIMEOUT='${timeout}' is not a positive number of seconds"
  if [[ ${kafka_req} != auto && ${kafka_req} == "${ctrl_req}" ]]; then
    die "LOV_KAFKA_PORT and LOV_KAFKA_CONTROLLER_PORT are both ${kafka_req}; they must differ"
  fi
  if [[ ${redis_req} != auto && (${redis_req} == "${kafka_req}" || ${redis_req} == "${ctrl_req}") ]]; then
    die "LOV_REDIS_PORT (${redis_req}) must differ from the Kafka ports"
  fi
  local tool f
  for tool in redis-server redis-cli java setsid flock openssl; do
    command -v "${tool}" >/dev/null 2>&1 || die "${tool} not found on PATH; run deploy/install.sh"
  done
  for f in "${KAFKA_TEMPLATE}" "${KAFKA_LOG4J}" "${REDIS_CONF}" "${KAFKA_ADMIN_SRC}" "${KAFKA_AUTHORIZER_SRC}" \
    "${KAFKA_ACL_FILES[@]}" "${TOPICS_FILE}"; do
    [[ -f ${f} ]] || die "missing ${f}"
  done
  require_kafka_jars

  lock_run_dir
  mkdir -p "${PIDS_DIR}" "${LOGS_DIR}" "${STATE_DIR}" "${REDIS_DIR}" "${KAFKA_DATA}"
  # shellcheck disable=SC2086 # identities are words
  "${SCRIPT_DIR}/certs.sh" "${CERTS_DIR}" ${LOV_CERT_IDENTITIES:-} ||
    die "making the local certificates in ${CERTS_DIR} failed (see above)"
  build_admin
  ensure_secrets
  UP_HINT=1

  # Settle every port before starting anything, so a taken port fails cleanly.
  local redis_pid="" redis_port kafka_pid="" kafka_port ctrl_port
  if redis_pid="$(running_pid redis)"; then
    redis_port="$(read_state_port redis)" ||
      die "redis is running (pid ${redis_pid}) but its port is unknown; run '$0 down' first"
    log "redis already running (pid ${redis_pid}) on port ${redis_port}; reusing it"
    if [[ ${redis_req} != auto && ${redis_req} != "${redis_port}" ]]; then
      warn "LOV_REDIS_PORT=${redis_req} ignored: the running redis uses ${redis_port} (run down first to change it)"
    fi
  else
    redis_pid=""
    redis_port="$(resolve_port LOV_REDIS_PORT "${redis_req}" redis)"
  fi
  if kafka_pid="$(running_pid kafka)"; then
    if ! kafka_port="$(read_state_port kafka)" || ! ctrl_port="$(read_state_port kafka-controller)"; then
      die "kafka is running (pid ${kafka_pid}) but its ports are unknown; run '$0 down' first"
    fi
    log "kafka already running (pid ${kafka_pid}) on port ${kafka_port}; reusing it"
    if [[ ${kafka_req} != auto && ${kafka_req} != "${kafka_port}" ]]; then
      warn "LOV_KAFKA_PORT=${kafka_req} ignored: the running kafka uses ${kafka_port} (run down first to change it)"
    fi
  else
    kafka_pid=""
    kafka_port="$(resolve_port LOV_KAFKA_PORT "${kafka_req}" kafka "${redis_port}")"
    ctrl_port="$(resolve_port LOV_KAFKA_CONTROLLER_PORT "${ctrl_req}" kafka-controller "${redis_port}" "${kafka_port}")"
  fi

  local redis_started=0
  if [[ -z ${redis_pid} ]]; then
    forget redis
    printf '%s\n' "${redis_port}" >"${STATE_DIR}/redis.port"
    (cd "${REDIS_DIR}" && launch redis "${LOGS_DIR}/redis.log" redis-server "${REDIS_CONF}" \
      --port "${redis_port}" --dir "${REDIS_DIR}" --logfile "${LOGS_DIR}/redis.log" \
      --aclfile "${SECRETS_DIR}/redis/users.acl")
    redis_pid="$(recorded_pid redis)"
    redis_started=1
    log "started redis (pid ${redis_pid}) on port ${redis_port}; log ${LOGS_DIR}/redis.log"
  fi

  local kafka_started=0
  if [[ -z ${kafka_pid} ]]; then
    forget kafka
    printf '%s\n' "${kafka_port}" >"${STATE_DIR}/kafka.port"
    printf '%s\n' "${ctrl_port}" >"${STATE_DIR}/kafka-controller.port"
    render_kafka_config "${kafka_port}" "${ctrl_port}"
    format_kafka_storage
    local -a opts
    mapfile -t opts < <(kafka_java_opts)
    (cd "${KAFKA_HOME}" && launch kafka "${LOGS_DIR}/kafka.log" java "${KAFKA_HEAP[@]}" \
      -XX:+ExitOnOutOfMemoryError -Djava.awt.headless=true "${opts[@]}" \
      -cp "${ADMIN_CP}" kafka.Kafka "${KAFKA_HOME}/server.properties")
    kafka_pid="$(recorded_pid kafka)"
    kafka_started=1
    log "started kafka (pid ${kafka_pid}) on port ${kafka_port} (controller ${ctrl_port});" \
      "logs ${LOGS_DIR}/kafka.log and ${KAFKA_HOME}/server.log"
  fi

  # Wait for Redis, as the admin user: a Redis that does not know it is not ours.
  local deadline=$((SECONDS + timeout)) pong
  while pong="$(redis_admin_cli "${redis_port}" ping 2>&1 || true)" && [[ ${pong} != PONG ]]; do
    if [[ ${pong} == *WRONGPASS* || ${pong} == *NOAUTH* ]]; then
      die "redis on 127.0.0.1:${redis_port} refused the ${ADMIN_USER} user (${pong}); it was started without ${SECRETS_DIR}/redis/users.acl: run '$0 down' and up again"
    fi
    if ! proc_alive "${redis_pid}"; then
      forget redis
      tail -n 3 "${LOGS_DIR}/redis.log" >&2 || true
      die "redis-server (pid ${redis_pid}) exited before answering PING on 127.0.0.1:${redis_port}; see ${LOGS_DIR}/redis.log"
    fi
    if ((SECONDS >= deadline)); then
      ((redis_started == 0)) || stop_names redis >&2 || true
      die "redis on 127.0.0.1:${redis_port} did not answer PING within ${timeout}s (LOV_READY_TIMEOUT); see ${LOGS_DIR}/redis.log"
    fi
    sleep 0.1
  done

  # A reused Redis takes up users added to the ACL file since it started.
  if ((redis_started == 0)); then
    redis_admin_cli "${redis_port}" acl load >/dev/null || die "redis: ACL LOAD of ${SECRETS_DIR}/redis/users.acl failed"
  fi

  # Wait for Kafka: a registered broker and a topic listing, not just an open port.
  local left=$((deadline - SECONDS)) rc=0 out
  ((left > 0)) || left=1
  out="$(kafka_admin "127.0.0.1:${kafka_port}" ready "$((left * 1000))" "${kafka_pid}" 2>&1)" || rc=$?
  if ((rc != 0)); then
    local why="did not serve metadata within ${timeout}s (LOV_READY_TIMEOUT)"
    ((rc != 2)) || why="exited before serving metadata"
    ((rc != 3)) || why="refused the ${ADMIN_USER} credentials of ${SECRETS_DIR} (a broker of an older run dir? '$0 down --wipe' makes it anew)"
    if ((rc == 2)); then
      forget kafka
    elif ((kafka_started == 1)); then
      stop_names kafka >&2 || true
    fi
    [[ -z ${out} ]] || printf '%s\n' "${out}" >&2
    # The broker's last error usually says why.
    grep -A1 -E '^\[[^]]*\] (ERROR|FATAL) ' "${KAFKA_HOME}/server.log" 2>/dev/null | tail -n 2 | cut -c1-400 >&2 || true
    die "kafka (pid ${kafka_pid}) on 127.0.0.1:${kafka_port} ${why}; see ${KAFKA_HOME}/server.log and ${LOGS_DIR}/kafka.log"
  fi

  local s
  local -a users=()
  for s in "${SERVICES[@]/#/lov-}" "${READER_USER}"; do users+=("${s}=$(password_file kafka "${s}")"); done
  kafka_admin "127.0.0.1:${kafka_port}" scram-users "${users[@]}" ||
    die "creating the services' SCRAM users on kafka failed (see above)"
  rc=0
  kafka_admin "127.0.0.1:${kafka_port}" acls "${KAFKA_ACL_FILES[@]}" || rc=$?
  if ((rc == 4)); then
    die "kafka (pid ${kafka_pid}) on 127.0.0.1:${kafka_port} runs without an authorizer (started by an older stack.sh); run '$0 down' and '$0 up' again"
  elif ((rc != 0)); then
    die "setting the Kafka ACLs of ${KAFKA_ACL_FILES[*]} failed (see above)"
  fi
  kafka_admin "127.0.0.1:${kafka_port}" create-topics "${TOPICS_FILE}" ||
    die "creating the topics of ${TOPICS_FILE} failed (see above)"

  local tmp="${ENV_FILE}.tmp.$$"
  {
    printf 'LOV_KAFKA_BROKERS=127.0.0.1:%s\nLOV_REDIS_ADDR=127.0.0.1:%s\n' "${kafka_port}" "${redis_port}"
    printf 'LOV_CERTS_DIR=%s\n' "${CERTS_DIR}"
    printf 'LOV_TLS_CERT=%s\nLOV_TLS_KEY=%s\nLOV_TLS_CLIENT_CA=%s\n' \
      "${CERTS_DIR}/server.crt" "${CERTS_DIR}/server.key" "${CERTS_DIR}/ca.crt"
    printf 'LOV_SECRETS_DIR=%s\n' "${SECRETS_DIR}"
    printf 'LOV_KAFKA_SECURITY_PROTOCOL=SASL_SSL\nLOV_KAFKA_SASL_MECHANISM=SCRAM-SHA-512\n'
    printf 'LOV_KAFKA_SASL_USERNAME=%s\nLOV_KAFKA_SASL_PASSWORD_FILE=%s\nLOV_KAFKA_CA=%s\n' \
      "${ADMIN_USER}" "$(password_file kafka "${ADMIN_USER}")" "${CERTS_DIR}/ca.crt"
    printf 'LOV_REDIS_USERNAME=%s\nLOV_REDIS_PASSWORD_FILE=%s\n' \
      "${ADMIN_USER}" "$(password_file redis "${ADMIN_USER}")"
  } >"${tmp}"
  mv -f "${tmp}" "${ENV_FILE}"
  write_subscriber_settings "${kafka_port}"

  echo "redis ready at 127.0.0.1:${redis_port}"
  echo "kafka ready at 127.0.0.1:${kafka_port}"
  log "environment for services: ${ENV_FILE}"
}

# Services run from images (LOV_RUN_FROM=images make run) are `podman run`
# processes labelled with this run dir. Stopping such a process stops its
# container, but a container whose podman process was killed runs on under
# conmon; remove whatever is left.
remove_containers() {
  command -v podman >/dev/null 2>&1 || return 0
  local -a ids
  export CONTAINERS_CONF="${CONTAINERS_CONF:-${REPO_ROOT}/deploy/docker/containers.conf}"
  mapfile -t ids < <(podman ps -aq --filter "label=lov.run-dir=${RUN_DIR}" 2>/dev/null || true)
  ((${#ids[@]} > 0)) || return 0
  log "removing ${#ids[@]} leftover container(s) of ${RUN_DIR}"
  podman rm -f -t "${STOP_TIMEOUT}" "${ids[@]}" >/dev/null || {
    warn "could not remove containers: ${ids[*]}"
    return 1
  }
}

cmd_down() {
  local wipe=0
  case "${1-}" in
    "") ;;
    --wipe) wipe=1 ;;
    *) usage ;;
  esac
  (($# <= 1)) || usage
  if [[ ! -d ${RUN_DIR} ]]; then
    log "nothing to stop: ${RUN_DIR} does not exist"
    return 0
  fi
  lock_run_dir
  local -a services=()
  local f name
  if [[ -d ${PIDS_DIR} ]]; then
    for f in "${PIDS_DIR}"/*.pid; do
      [[ -e ${f} ]] || continue
      name="$(basename "${f}" .pid)"
      [[ ${name} == kafka || ${name} == redis ]] || services+=("${name}")
    done
  fi
  local failed=0
  if ((${#services[@]} > 0)); then
    stop_names "${services[@]}" || failed=1
  fi
  remove_containers || failed=1
  [[ ! -e "$(pid_file kafka)" ]] || stop_names kafka || failed=1
  [[ ! -e "$(pid_file redis)" ]] || stop_names redis || failed=1
  rm -f "${ENV_FILE}" "${CLIENT_PROPERTIES}"
  ((failed == 0)) || die "some processes could not be stopped (see above); their pid files are kept"
  if ((wipe == 1)); then
    rm -rf "${REDIS_DIR}" "${KAFKA_HOME}" "${STATE_DIR}"
    log "wiped the data in ${RUN_DIR} (logs kept in ${LOGS_DIR})"
  fi
  log "stack in ${RUN_DIR} is down"
}

cmd_status() {
  local f name pid state any=0
  if [[ -d ${PIDS_DIR} ]]; then
    for f in "${PIDS_DIR}"/*.pid; do
      [[ -e ${f} ]] || continue
      any=1
      name="$(basename "${f}" .pid)"
      pid="$(recorded_pid "${name}" || echo '?')"
      if running_pid "${name}" >/dev/null; then state=running; else state=dead; fi
      printf '%-24s %-8s %s\n' "${name}" "${pid}" "${state}"
    done
  fi
  ((any == 1)) || log "no pid files in ${PIDS_DIR}"
}

valid_service_name() {
  [[ $1 =~ ^[A-Za-z0-9][A-Za-z0-9._-]*$ ]] || die "invalid service name '$1' (letters, digits, '.', '_', '-')"
  [[ $1 != kafka && $1 != redis && $1 != kafka-controller ]] || die "'$1' is reserved for the stack itself"
}

cmd_start_service() {
  if (($# < 3)) || [[ $2 != -- ]]; then
    usage
  fi
  local name="$1" pid
  shift 2
  valid_service_name "${name}"
  [[ -f ${ENV_FILE} ]] || die "${ENV_FILE} not found: run '$0 up' first"
  command -v "$1" >/dev/null 2>&1 || die "command not found: $1"
  lock_run_dir
  if pid="$(running_pid "${name}")"; then
    log "${name} already running (pid ${pid}); stop it with '$0 stop-service ${name}' to restart it"
    return 0
  fi
  forget "${name}"
  LOV_STACK_ENV=1 launch "${name}" "${LOGS_DIR}/${name}.log" "$@"
  echo "started ${name} (pid ${LAUNCHED_PID}); log ${LOGS_DIR}/${name}.log"
}

cmd_stop_service() {
  (($# == 1)) || usage
  valid_service_name "$1"
  lock_run_dir
  [[ -e "$(pid_file "$1")" ]] || die "no pid file for $1 in ${PIDS_DIR}"
  stop_names "$1"
}

cmd_free_ports() { # N -> N distinct ports nobody listens on, one a line
  (($# == 1)) && [[ $1 =~ ^[1-9][0-9]?$ ]] || usage
  local -a got=()
  while ((${#got[@]} < $1)); do
    got+=("$(pick_free_port ${got[@]+"${got[@]}"})")
  done
  printf '%s\n' "${got[@]}"
}

cmd_topics() {
  local port
  require_kafka_jars
  if ! running_pid kafka >/dev/null || ! port="$(read_state_port kafka)"; then
    die "kafka is not running in ${RUN_DIR}; run '$0 up'"
  fi
  build_admin
  kafka_admin "127.0.0.1:${port}" list
}

main() {
  (($# >= 1)) || usage
  local cmd="$1"
  shift
  case "${cmd}" in
    up)
      (($# == 0)) || usage
      cmd_up
      ;;
    down) cmd_down "$@" ;;
    status)
      (($# == 0)) || usage
      cmd_status
      ;;
    start-service) cmd_start_service "$@" ;;
    stop-service) cmd_stop_service "$@" ;;
    free-ports) cmd_free_ports "$@" ;;
    topics)
      (($# == 0)) || usage
      cmd_topics
      ;;
    -h | --help | help) usage ;;
    *) usage ;;
  esac
}

main "$@"
